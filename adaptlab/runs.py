"""A whole run: `plan_run()` checks a learner's choices, `execute()` runs the plan.

`execute()` applies the method to a copy of the base, evaluates before and after, trains with
`adaptlab.training.train_steps`, and proves that frozen parameters did not change.
`run_training()` plans and executes in one call, synchronously (CLI, notebooks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from adaptlab.data import Example, batches, encode_all, load_task, split
from adaptlab.errors import UserInputError
from adaptlab.evaluation import TrainingResult, eval_set, evaluate, frozen_unchanged, held_out_loss
from adaptlab.methods import get_method, settings_of
from adaptlab.methods.base import parse_value
from adaptlab.training import TRAIN_KEYS, StepResult, TrainConfig, default_lr, train_steps

CANCELLED = "stopped by the learner"
_SEED_LOCK = threading.Lock()  # the global RNG seeds each method's initialisation


@dataclass(frozen=True)
class RunPlan:
    """A validated request: every setting parsed and checked, nothing loaded or computed yet."""

    model: str  # a name from adaptlab.models, or "custom" for a model object
    method: str
    method_config: Any
    config: TrainConfig
    train: tuple[Example, ...]
    validation: tuple[Example, ...]
    data_source: str


def _train_config(method: str, raw: Mapping[str, Any]) -> TrainConfig:
    infos = {info.name: info for info in settings_of(TrainConfig)}
    values = {key: parse_value(infos[key], value) for key, value in raw.items()}
    values.setdefault("lr", default_lr(method))
    return TrainConfig(**values)


def plan_run(model: str, method: str, settings: Mapping[str, Any] | None = None, *,
             context: int, task: str | None = None, examples: Sequence[Example] | None = None,
             **overrides: Any) -> RunPlan:
    """Check everything a learner chose before any compute; raises UserInputError."""
    spec = get_method(method)
    known = [info.name for info in settings_of(spec.config_cls)]
    merged = {**(settings or {}), **{k: v for k, v in overrides.items() if v is not None}}
    for key in merged:
        if key not in known and key not in TRAIN_KEYS:
            raise UserInputError(f"unknown setting {key!r}: {method} takes "
                                 f"{', '.join(known) or 'no settings'}; training takes "
                                 f"{', '.join(TRAIN_KEYS)}")
    method_config = spec.config({k: v for k, v in merged.items() if k in known})
    config = _train_config(method, {k: v for k, v in merged.items() if k in TRAIN_KEYS})
    virtual = getattr(method_config, "num_virtual_tokens", 0)
    if config.max_length + virtual > context:
        taken = f" of which {method} takes {virtual} for virtual tokens" if virtual else ""
        raise UserInputError(f"max_length={config.max_length} does not fit the model's context "
                             f"of {context} tokens{taken}: use 8 to {context - virtual}")
    if (task is None) == (examples is None):
        raise UserInputError("give either a task name or your own examples (not both)")
    data = load_task(task) if task is not None else list(examples)
    train, validation = split(data)
    if not train:
        raise UserInputError(f"{task or 'the data'} has no training examples: mark some "
                             '"split": "train"')
    return RunPlan(model, method, method_config, config, tuple(train), tuple(validation),
                   task or "examples")


def adapt(base: nn.Module, plan: RunPlan) -> nn.Module:
    """The method applied to a deep copy of `base` (never mutated), initialised from the seed."""
    with _SEED_LOCK:  # LoRA's A, adapters and soft prompts draw from torch's global RNG
        torch.manual_seed(plan.config.seed)
        return get_method(plan.method).apply(base, plan.method_config)


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
    if stopped != CANCELLED:
        status("evaluating after training")
    after = evaluate(model, tokenizer, data, config.max_length) if stopped != CANCELLED else None
    model.eval()
    params = list(model.parameters())
    return TrainingResult(plan, steps, before, after, data.split,
                          [ex.prompt for ex in data.examples[:len(before.samples)]],
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
    field) override them."""
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
