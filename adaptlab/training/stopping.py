"""Why a run stops early, in words a learner can act on.

The trainer (adaptlab.training.steps) stops at the first step whose loss is not finite or has
exploded, whose gradient overflowed, or whose update blew a weight up; each check here comes
with the explanation the learner reads, naming the likely cause (usually the learning rate,
compared with the method's suggested one) and what to change.
"""

from __future__ import annotations

import math

CANCELLED = "stopped by the learner"  # the Stop button: not a failure, nothing to fix
# Other hands that stop a run (adaptlab.training.jobs), said as plainly: the learner's earlier
# tab must not claim they pressed Stop.
REPLACED = "stopped when you started a newer run (one run at a time, in any tab)"
BY_INSTRUCTOR = "stopped by the instructor"
UNWATCHED = "stopped because no page showed it any more (its tab was closed)"


def _lr_advice(lr: float, suggested_lr: float, scheduled: float) -> str:
    """Advice on `lr`, the rate the learner set (not `scheduled`, the warm-up's or decay's value
    at the failing step: "1e+09 is far too high" must name the 1e+09 they typed, not 5e+08)."""
    at_step = "" if math.isclose(scheduled, lr) else f" (the schedule had it at {scheduled:.3g} by this step)"
    if lr >= 10 * suggested_lr:
        return (f"The learning rate {lr:g}{at_step} is far too high for this method: each update "
                f"overshoots. Try lr={suggested_lr:g}.")
    # Not "clip harder" first: AdamW divides each update by the gradient's running size, so a
    # smaller clip norm tames single spikes but leaves every step about lr long.
    return (f"Lower the learning rate {lr:g}{at_step}: try lr={lr / 10:g}. Clipping the gradients "
            "harder (max_grad_norm, default 1) tames single spikes, but AdamW's steps stay about "
            "lr long whatever the gradient's size.")


def explain_divergence(loss: float, first_loss: float | None, lr: float, suggested_lr: float,
                       step: int, scheduled: float) -> str:
    """The most likely cause of a non-finite or exploding loss and what to change."""
    shown = "not a number" if math.isnan(loss) else ("infinite" if math.isinf(loss) else f"{loss:.3g}")
    where = f"At step {step} the loss is {shown}"
    if first_loss is not None and math.isfinite(loss):
        where += f" (it started at {first_loss:.3g})"
    return f"{where}: the run diverged. {_lr_advice(lr, suggested_lr, scheduled)}"


ALL_MASKED = ("every label in this batch is -100 (masked), so there is no token to score and "
              "PyTorch's cross-entropy would return NaN. Check the data: each example needs a "
              "non-empty completion, and the prompt must not fill the whole max_length.")


def explain_bad_gradient(step: int, lr: float, suggested_lr: float, scheduled: float) -> str:
    return (f"At step {step} the gradient norm is not finite: the backward pass overflowed, so "
            f"no update was made and the run diverged. {_lr_advice(lr, suggested_lr, scheduled)}")


def explain_huge_weights(step: int, peak: float, lr: float, suggested_lr: float,
                         scheduled: float) -> str:
    """Weights blown up while the loss may still look normal: LayerNorm rescales what it reads."""
    size = "not a number" if math.isnan(peak) else f"{peak:.3g}"
    return (f"At step {step} the update pushed a trainable weight to {size} (GPT-2's weights "
            "are of order 1): the run diverged, even if the loss does not show it yet. "
            f"{_lr_advice(lr, suggested_lr, scheduled)}")


def exploded(loss: float, first_loss: float | None, vocab_size: int) -> bool:
    """Non-finite, or far above both the start and a uniform guess over the vocabulary (ln V)."""
    if not math.isfinite(loss):
        return True
    limit = 2 * math.log(vocab_size)
    return first_loss is not None and loss > max(limit, 3 * first_loss)
