"""Real training steps: `train_steps()` yields one StepResult per optimizer step.

The trainer knows nothing about pages or progress bars: it reports through its results (minGPT's
habit). Each step runs the canonical order of CONTENT.md 4b: batch, forward, loss, backward, clip,
optimizer step, scheduler step, zero grad; and reports each event with its time. A non-finite or
exploding loss, a non-finite gradient, or a weight blown past WEIGHT_LIMIT stops the run at that
step with an explanation; no NaN leaves this module.
A whole run (plan, method applied to a copy, evaluation, the proof of the freeze) is
`adaptlab.runs`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from adaptlab.errors import UserInputError
from adaptlab.evaluation import GradGroups, finite, labelled_logits, scored_tokens
from adaptlab.methods import get_method
from adaptlab.methods.base import setting, validate
from adaptlab.stopping import (
    ALL_MASKED,
    explain_bad_gradient,
    explain_divergence,
    explain_huge_weights,
    exploded,
)

MAX_STEPS = 500
# A huge learning rate is a lesson, not a typo to refuse: the run starts, diverges and stops with
# the reason (`explain_divergence`). AdamW's first update moves each weight by about lr, so past
# 1e12 nothing new is shown, and near float32's limit (3.4e38) the optimizer's own arithmetic
# would overflow before the model could show the divergence.
MAX_LR = 1e12
# GPT-2's weights are of order 1 (the bundled model's largest is about 1.8). A trainable weight
# past this only comes from updates that overshoot: with prefix or prompt tuning LayerNorm
# rescales what it reads, so such a run can diverge while its loss still looks normal.
WEIGHT_LIMIT = 1e6
# Starting learning rates by family: PEFT methods need a much higher rate than full fine-tuning
# (CONTENT.md 4c), soft prompts higher still; and a 50-step lesson needs bolder rates than the
# papers' thousands of steps. Tuned on the bundled model and the sentiment task.
SUGGESTED_LR = {"all-weights": 1e-3, "selective": 1e-2, "inserted-modules": 1e-2,
                "reparameterized": 1e-2, "virtual-tokens": 5e-2}


def default_lr(method: str) -> float:
    """The default learning rate for a method: its own `suggested_lr` if its spec declares one."""
    spec = get_method(method)
    return getattr(spec, "suggested_lr", None) or SUGGESTED_LR.get(spec.family, 1e-3)


@dataclass(frozen=True)
class TrainConfig:
    """How to train. Every field is a setting (`--set KEY=VALUE`) with help and a range."""

    steps: int = setting(50, "Optimizer steps to run.", min=1, max=MAX_STEPS)
    batch_size: int = setting(8, "Examples per step.", min=1, max=64)
    max_length: int = setting(64, "Tokens per example (prompt + completion); at most the "
                                  "model's context.", min=8, max=1024)
    lr: float = setting(1e-3, "Peak learning rate of AdamW. Far too high a rate (try 1e9) "
                              "makes the run diverge: it stops and says why.", min=1e-8,
                        max=MAX_LR)
    schedule: str = setting("constant", "Learning-rate schedule: constant, or linear (warm up, "
                                        "then decay to 0).", choices=("constant", "linear"))
    warmup_steps: int = setting(0, "Steps over which the rate rises to lr.", min=0, max=MAX_STEPS)
    weight_decay: float = setting(0.0, "AdamW weight decay (decoupled).", min=0.0, max=1.0)
    max_grad_norm: float = setting(1.0, "Clip the total gradient norm to this; 0 = no clipping.",
                                   min=0.0, max=1e6)
    seed: int = setting(0, "Seed for the method's initialisation and the batch order.",
                        min=0, max=2**31 - 1)
    eval_every: int = setting(10, "Held-out loss every this many steps; 0 = only before and "
                                  "after.", min=0, max=MAX_STEPS)

    def __post_init__(self) -> None:
        validate(self)
        if self.warmup_steps >= self.steps:
            raise UserInputError(f"warmup_steps={self.warmup_steps} must be less than "
                                 f"steps={self.steps}: lower warmup_steps or raise steps")


TRAIN_KEYS = tuple(f.name for f in fields(TrainConfig))


def lr_factor(config: TrainConfig) -> Callable[[int], float]:
    """Multiplier of lr at scheduler step s (0-based). Warm-up starts above 0 so step 1 learns."""
    warm, total = config.warmup_steps, config.steps

    def factor(s: int) -> float:
        if s < warm:
            return (s + 1) / (warm + 1)
        return 1.0 if config.schedule == "constant" else max(0.0, (total - s) / (total - warm))
    return factor


@dataclass(frozen=True)
class StepEvent:
    name: str  # batch, forward, loss, backward, clip, optimizer step, scheduler step, zero grad
    seconds: float
    detail: str


@dataclass(frozen=True)
class StepResult:
    """One optimizer step. Numbers that are not finite are None, so JSON and charts stay clean."""

    step: int
    loss: float | None
    lr: float
    grad_norm: float | None  # total norm over trainable parameters, before clipping
    grad_norms: dict[str, float | None]  # per module group; None: the group is frozen
    seconds: float
    tokens: int  # real (non-padding) tokens in the batch
    target_tokens: int  # tokens that carry a label and are scored
    events: tuple[StepEvent, ...]
    eval_loss: float | None = None  # held-out loss after this step, every eval_every steps
    stopped: str | None = None  # why the run stops at this step

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Clock:
    """Records the step's events in order with the time each took (CPU ops are synchronous)."""

    def __init__(self) -> None:
        self.events: list[StepEvent] = []
        self._last = time.perf_counter()

    def mark(self, name: str, detail: str) -> None:
        now = time.perf_counter()
        self.events.append(StepEvent(name, now - self._last, detail))
        self._last = now

    @property
    def seconds(self) -> float:
        return sum(e.seconds for e in self.events)


def make_optimizer(params: list[nn.Parameter], config: TrainConfig) -> torch.optim.Optimizer:
    # fused=True: one kernel for all tensors; measured fastest on CPU (benchmarks/train_speed.py).
    return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay, fused=True)


def _no_dropout(model: nn.Module) -> None:
    """Train mode without dropout: the dropout RNG is process-global, so with it two concurrent
    runs would disturb each other's randomness and the same seed would not give the same losses."""
    model.train()
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.p = 0.0


@dataclass
class _Run:
    """State carried from step to step."""

    model: nn.Module
    config: TrainConfig
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    groups: GradGroups
    suggested_lr: float
    first_loss: float | None = None
    vocab_size: int = field(default=50257)


def train_steps(model: nn.Module, data: Iterable[dict[str, torch.Tensor]], config: TrainConfig,
                held_out: Callable[[], float | None] | None = None,
                suggested_lr: float = 1e-3) -> Iterator[StepResult]:
    """Train `model` in place on `data` (batches of input_ids, attention_mask, labels).

    AdamW over the trainable parameters only; frozen ones get no gradient and no update.
    `held_out()` (a held-out loss) is called every `config.eval_every` steps.
    """
    groups = GradGroups(model)
    if not groups.params:
        raise UserInputError("nothing in this model is trainable: choose a method or settings "
                             "that train some parameters")
    _no_dropout(model)
    optimizer = make_optimizer(groups.params, config)
    run = _Run(model, config, optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor(config)),
               groups, suggested_lr, vocab_size=model.config.vocab_size)
    batches = iter(data)
    for step in range(1, config.steps + 1):
        batch = next(batches, None)
        if batch is None:  # a finite data source ran out
            return
        result = _step(run, batch, step)
        if held_out and not result.stopped and config.eval_every and step % config.eval_every == 0:
            result = StepResult(**{**vars(result), "eval_loss": held_out()})
        yield result
        if result.stopped:
            return


def _stop(run: _Run, clock: _Clock, step: int, lr: float, reason: str, batch, loss=None,
          grad=None, norms=None) -> StepResult:
    run.optimizer.zero_grad(set_to_none=True)
    return StepResult(step, finite(loss) if loss is not None else None, lr,
                      finite(grad) if grad is not None else None, norms or {}, clock.seconds,
                      int(batch["attention_mask"].sum()), scored_tokens(batch),
                      tuple(clock.events), stopped=reason)


def _step(run: _Run, batch: dict[str, torch.Tensor], step: int) -> StepResult:
    clock, lr = _Clock(), run.scheduler.get_last_lr()[0]
    rows, width = batch["input_ids"].shape  # (B, T)
    n = scored_tokens(batch)
    clock.mark("batch", f"{rows} sequences × {width} tokens; {n} completion tokens carry a label")
    if n == 0:
        return _stop(run, clock, step, lr, f"At step {step} {ALL_MASKED}", batch)
    logits, targets = labelled_logits(run.model, batch)  # (N, V), (N,)
    clock.mark("forward", f"logits at the {n} labelled positions only, not all {rows * width}")
    loss = F.cross_entropy(logits.float(), targets)
    value = loss.item()
    clock.mark("loss", f"cross-entropy over {n} tokens = {value:.4f}")
    if exploded(value, run.first_loss, run.vocab_size):
        reason = explain_divergence(value, run.first_loss, lr, run.suggested_lr, step)
        return _stop(run, clock, step, lr, reason, batch, loss=value)
    run.first_loss = value if run.first_loss is None else run.first_loss
    loss.backward()
    clock.mark("backward", f"gradients for {len(run.groups.params)} trainable tensors")
    grad, norms = run.groups.measure_and_clip(run.config.max_grad_norm)
    clock.mark("clip", _clip_text(grad, run.config.max_grad_norm))
    if not math.isfinite(grad):
        reason = explain_bad_gradient(step, lr, run.suggested_lr)
        return _stop(run, clock, step, lr, reason, batch, value, grad, norms)
    run.optimizer.step()
    clock.mark("optimizer step", "AdamW updated the trainable parameters")
    peak = _peak_weight(run.groups.params)
    if not peak <= WEIGHT_LIMIT:  # also true for NaN
        reason = explain_huge_weights(step, peak, lr, run.suggested_lr)
        return _stop(run, clock, step, lr, reason, batch, value, grad, norms)
    run.scheduler.step()
    clock.mark("scheduler step", f"lr {lr:.3g} -> {run.scheduler.get_last_lr()[0]:.3g}")
    run.optimizer.zero_grad(set_to_none=True)
    clock.mark("zero grad", "gradients set to None, ready for the next backward")
    return StepResult(step, value, lr, finite(grad), norms, clock.seconds,
                      int(batch["attention_mask"].sum()), n, tuple(clock.events))


@torch.no_grad()
def _peak_weight(params: list[nn.Parameter]) -> float:
    """The largest |weight| over the trainable tensors (one fused norm call; NaN if any is)."""
    peaks = torch.stack(torch._foreach_norm(params, float("inf")))  # (P,)
    return float("nan") if peaks.isnan().any() else float(peaks.max())


def _clip_text(norm: float, max_norm: float) -> str:
    if max_norm <= 0:
        return f"total norm {norm:.3g}; no clipping (max_grad_norm=0)"
    if norm > max_norm:
        return f"total norm {norm:.3g} scaled down to {max_norm:g}"
    return f"total norm {norm:.3g} is under max_grad_norm={max_norm:g}: unchanged"
