"""A whole run: `execute()` runs a plan, `run_training()` plans and executes in one call.

`execute()` applies the method to a copy of the base, scores the model's answers on held-out
inputs before and after, trains with `train_steps`, and proves that frozen parameters did not
change. The result (`TrainingResult`) is the report every page, the CLI and the export read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from adaptlab.census import added_parameter_ids, display_name
from adaptlab.counts import config_dict
from adaptlab.data import Example, batches, encode_all
from adaptlab.errors import UserInputError
from adaptlab.training.config import default_lr
from adaptlab.training.evaluation import (
    EvalReport,
    eval_set,
    evaluate,
    frozen_unchanged,
    held_out_loss,
)
from adaptlab.training.metrics import answer_rows, one_answer_warning
from adaptlab.training.plan import RunPlan, adapt, plan_run
from adaptlab.training.steps import StepResult, train_steps
from adaptlab.training.stopping import CANCELLED


@dataclass
class TrainingResult:
    """Everything a run produced; `to_json()` is the CLI's contract (DESIGN.md)."""

    plan: RunPlan
    steps: list[StepResult]
    before: EvalReport
    after: EvalReport | None  # None when the learner stopped the run
    eval_split: str
    eval_examples: list[Example]  # the held-out examples the answers belong to
    trainable_params: int
    total_params: int
    frozen_unchanged: bool
    stopped_reason: str | None
    model: nn.Module | None = field(repr=False)  # the adapted, trained copy (None once released)
    tokenizer: Any = field(repr=False)
    base: nn.Module | None = field(repr=False)  # the shared base it was copied from; read-only
    # The tensors the run trained or added, by GPT-2 name: what a finished run keeps in place of
    # its model (adaptlab.training.workers.compact); None while `model` is held, or once released.
    trained: dict[str, torch.Tensor] | None = field(default=None, repr=False)

    @property
    def losses(self) -> list[float | None]:
        return [s.loss for s in self.steps]

    @property
    def sample_prompts(self) -> list[str]:
        return [ex.prompt for ex in self.eval_examples[:len(self.before.samples)]]

    @property
    def eval_points(self) -> list[tuple[int, float | None]]:
        """(step, held-out loss): before training (step 0), periodic points, after training."""
        points = [(0, self.before.loss)] + [(s.step, s.eval_loss) for s in self.steps
                                            if s.eval_loss is not None]
        if self.after is not None and self.steps and points[-1][0] != self.steps[-1].step:
            points.append((self.steps[-1].step, self.after.loss))
        return points

    @property
    def seconds_per_step(self) -> float | None:
        return sum(s.seconds for s in self.steps) / len(self.steps) if self.steps else None

    @property
    def warning(self) -> str | None:
        """A plain warning when the trained model gives one answer to most held-out inputs; none
        for a diverged run, whose stop reason already names the cause (the learning rate)."""
        if self.after is None or (self.stopped_reason and self.stopped_reason != CANCELLED):
            return None
        return one_answer_warning(self.after.scores, full_fine_tuning=self.plan.method == "full",
                                  held_out=self.plan.held_out)

    def answers(self) -> list[dict[str, Any]]:
        """Per held-out example: prompt, expected answer, the answers before and after, right?"""
        return answer_rows([ex.prompt for ex in self.eval_examples],
                           [ex.completion for ex in self.eval_examples], self.before.answers,
                           self.after.answers if self.after else None)

    def to_json(self) -> dict[str, Any]:
        before, after = self.before.scores, self.after.scores if self.after else None
        samples = [{"prompt": p, "before": b, "after": self.after.samples[i] if self.after else None}
                   for i, (p, b) in enumerate(zip(self.sample_prompts, self.before.samples, strict=True))]
        return {
            "model": self.plan.model, "method": self.plan.method,
            "settings": config_dict(self.plan.method_config), "training": asdict(self.plan.config),
            "data": self.plan.data_source, "eval_split": self.eval_split,
            "steps_done": len(self.steps), "losses": self.losses,
            "lrs": [s.lr for s in self.steps], "grad_norms": [s.grad_norm for s in self.steps],
            "eval_points": [{"step": s, "loss": v} for s, v in self.eval_points],
            "eval_loss_before": self.before.loss,
            "eval_loss_after": self.after.loss if self.after else None,
            "accuracy_before": before.exact_match,
            "accuracy_after": after.exact_match if after else None,
            "balanced_accuracy_before": before.balanced_accuracy,
            "balanced_accuracy_after": after.balanced_accuracy if after else None,
            "token_f1_before": before.token_f1, "token_f1_after": after.token_f1 if after else None,
            "chance": before.chance, "warning": self.warning,
            "top_answer_after": after.top_answer if after else None,
            "top_share_after": after.top_share if after else None,
            "answers": self.answers(), "samples": samples,
            "seconds_per_step": self.seconds_per_step, "trainable_params": self.trainable_params,
            "total_params": self.total_params, "frozen_unchanged": self.frozen_unchanged,
            "stopped_reason": self.stopped_reason,
        }


def trained_tensors(model: nn.Module) -> dict[str, torch.Tensor]:
    """The tensors a run changed or added, by GPT-2 name (tied lm_head = wte appears once)."""
    added = added_parameter_ids(model)
    return {display_name(raw): p.detach().clone()
            for raw, p in model.named_parameters() if p.requires_grad or id(p) in added}


@torch.no_grad()
def restore_model(base: nn.Module, plan: RunPlan, tensors: dict[str, torch.Tensor]) -> nn.Module:
    """The trained model again: the method applied to a copy of `base`, its tensors put back."""
    model = adapt(base, plan)
    params = {display_name(raw): p for raw, p in model.named_parameters()}
    for name, tensor in tensors.items():
        params[name].copy_(tensor)
    return model.eval()


def execute(plan: RunPlan, base: nn.Module, tokenizer: Any,
            on_step: Callable[[StepResult], None] | None = None,
            on_status: Callable[[str], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> TrainingResult:
    """Run a plan: adapt a copy of `base`, evaluate, train, evaluate again, prove the freeze."""
    status = on_status or (lambda text: None)
    config, model = plan.config, adapt(base, plan)
    data = eval_set(tokenizer, list(plan.validation), list(plan.train), config.max_length)
    encoded = encode_all(tokenizer, list(plan.train), config.max_length)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    status("evaluating before training")
    before = evaluate(model, tokenizer, data, config.max_length)
    status("training")
    stream = train_steps(model, batches(encoded, config.batch_size, config.seed, pad), config,
                         held_out=lambda: held_out_loss(model, data.encoded, pad),
                         suggested_lr=default_lr(plan.method))
    steps, stopped = [], None
    for result in stream:
        steps.append(result)
        stopped = result.stopped
        if on_step:
            on_step(result)
        if not stopped and should_stop and should_stop():
            stopped = CANCELLED
            break
    after = None
    if stopped != CANCELLED:
        status("evaluating after training")
        after = evaluate(model, tokenizer, data, config.max_length)
    model.eval()
    params = list(model.parameters())
    return TrainingResult(plan, steps, before, after, data.split, list(data.examples),
                          sum(p.numel() for p in params if p.requires_grad),
                          sum(p.numel() for p in params), frozen_unchanged(model, base), stopped,
                          model, tokenizer, base)


def run_training(model: str | nn.Module = "mini", method: str = "lora",
                 settings: Mapping[str, Any] | None = None, *, task: str | None = None,
                 examples: Sequence[Example] | None = None, tokenizer: Any = None,
                 steps: int | None = None, seed: int | None = None, batch_size: int | None = None,
                 max_length: int | None = None, lr: float | None = None,
                 on_step: Callable[[StepResult], None] | None = None,
                 should_stop: Callable[[], bool] | None = None, **training: Any) -> TrainingResult:
    """One whole run, synchronously (CLI, notebooks). `model` is a name or a model object (then
    pass its `tokenizer`). Settings mix method and training settings; keywords (any TrainConfig
    field) override them. What is left out is the method's default (MethodSpec.training)."""
    from adaptlab.models import gpt2_config, load_model, load_tokenizer

    named = isinstance(model, str)
    context = (gpt2_config(model) if named else model.config).n_positions
    plan = plan_run(model if named else "custom", method, settings, context=context, task=task,
                    examples=examples, steps=steps, seed=seed, batch_size=batch_size,
                    max_length=max_length, lr=lr, **training)
    if not named and tokenizer is None:
        raise UserInputError("a model object needs its tokenizer: pass tokenizer=...")
    base = load_model(model) if named else model
    return execute(plan, base, tokenizer or load_tokenizer(model), on_step=on_step,
                   should_stop=should_stop)
