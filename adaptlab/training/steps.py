"""Real training steps: `train_steps()` yields one StepResult per optimizer step.

The trainer knows nothing about pages or progress bars: it reports through its results (minGPT's
habit). Each step runs the canonical order of CONTENT.md 4b: batch, forward, loss, backward, clip,
optimizer step, scheduler step, zero grad; and reports each event with its time, and the gradient
norm of each module group. A non-finite or exploding loss, a non-finite gradient, or a weight blown
past WEIGHT_LIMIT stops the run at that step with an explanation; no NaN leaves this module.
A whole run (plan, method applied to a copy, evaluation, the proof of the freeze) is
`adaptlab.training.run`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from adaptlab.census import added_parameter_ids, display_name
from adaptlab.errors import UserInputError
from adaptlab.training.config import TrainConfig, lr_factor
from adaptlab.training.loss import finite, labelled_logits, scored_tokens
from adaptlab.training.stopping import (
    ALL_MASKED,
    explain_bad_gradient,
    explain_divergence,
    explain_huge_weights,
    exploded,
)

# GPT-2's weights are of order 1 (the bundled model's largest is about 1.8). A trainable weight
# past this only comes from updates that overshoot: with prefix or prompt tuning LayerNorm
# rescales what it reads, so such a run can diverge while its loss still looks normal.
WEIGHT_LIMIT = 1e6


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


def module_group(name: str, added: bool) -> str:
    """Where a parameter lives, by its GPT-2 display name: embeddings, block i, final, ..."""
    parts = name.split(".")
    if "h" in parts and parts.index("h") + 1 < len(parts) and parts[parts.index("h") + 1].isdigit():
        place = f"block {parts[parts.index('h') + 1]}"
    elif parts[-2] in ("wte", "wpe", "lm_head"):
        place = "embeddings"
    elif "ln_f" in parts:
        place = "final"
    else:
        return "added: virtual tokens"  # peft's prompt encoder: outside the GPT-2 tree
    return f"added: {place}" if added else place


class GradGroups:
    """Gradient norm per module group, with one fused norm call over all trainable tensors."""

    def __init__(self, model: nn.Module) -> None:
        added = added_parameter_ids(model)
        self.params: list[nn.Parameter] = []
        group_of: list[str] = []
        self.frozen: dict[str, bool] = {}
        for raw, p in model.named_parameters():
            group = module_group(display_name(raw), id(p) in added)
            self.frozen[group] = self.frozen.get(group, True) and not p.requires_grad
            if p.requires_grad:
                self.params.append(p)
                group_of.append(group)
        self.names = list(self.frozen)
        self.index = [self.names.index(g) for g in group_of]

    def measure_and_clip(self, max_norm: float) -> tuple[float, dict[str, float | None]]:
        live = [(p, i) for p, i in zip(self.params, self.index, strict=True) if p.grad is not None]
        per_group = torch.zeros(len(self.names))
        total = torch.zeros(())
        if live:
            squares = torch.stack(torch._foreach_norm([p.grad for p, _ in live])).square()  # (P,)
            per_group.index_add_(0, torch.tensor([i for _, i in live]), squares)
            total = squares.sum().sqrt()
            if max_norm > 0 and torch.isfinite(total):
                # takes the parameters (it scales their .grad), not the gradient tensors
                torch.nn.utils.clip_grads_with_norm_([p for p, _ in live], max_norm, total)
        norms = per_group.sqrt().tolist()
        return float(total), {name: None if self.frozen[name] else finite(norms[i])
                              for i, name in enumerate(self.names)}


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
        reason = explain_divergence(value, run.first_loss, run.config.lr, run.suggested_lr, step,
                                    lr)
        return _stop(run, clock, step, lr, reason, batch, loss=value)
    run.first_loss = value if run.first_loss is None else run.first_loss
    loss.backward()
    clock.mark("backward", f"gradients for {len(run.groups.params)} trainable tensors")
    grad, norms = run.groups.measure_and_clip(run.config.max_grad_norm)
    clock.mark("clip", _clip_text(grad, run.config.max_grad_norm))
    if not math.isfinite(grad):
        reason = explain_bad_gradient(step, run.config.lr, run.suggested_lr, lr)
        return _stop(run, clock, step, lr, reason, batch, value, grad, norms)
    run.optimizer.step()
    clock.mark("optimizer step", "AdamW updated the trainable parameters")
    peak = _peak_weight(run.groups.params)
    if not peak <= WEIGHT_LIMIT:  # also true for NaN
        reason = explain_huge_weights(step, peak, run.config.lr, run.suggested_lr, lr)
        return _stop(run, clock, step, lr, reason, batch, value, grad, norms)
    run.scheduler.step()
    clock.mark("scheduler step", f"lr {lr:.3g} → {run.scheduler.get_last_lr()[0]:.3g}")
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
