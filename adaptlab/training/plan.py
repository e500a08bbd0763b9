"""A run's plan: every choice a learner made, parsed and checked before anything is computed.

`plan_run()` validates the method, its settings, the training settings (the method's defaults
fill the rest, adaptlab.training.config) and the data; `adapt()` applies the method to a copy of
the base model, seeded, so that the same plan gives the same run.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from adaptlab.activations import VirtualTokens
from adaptlab.data import Example, load_task, split
from adaptlab.errors import UserInputError
from adaptlab.methods import get_method, settings_of
from adaptlab.training.config import TRAIN_KEYS, TrainConfig, config_for

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
    data_name: str = ""  # the learner's file name, for their own examples: tells two uploads apart

    @property
    def held_out(self) -> bool:
        """Whether the run is scored on examples it never trains on. Without any, evaluation
        falls back to the training examples (evaluation.eval_set; data.NOTHING_HELD_OUT)."""
        return bool(self.validation)

    @property
    def token_steps(self) -> int:
        """What the run computes, roughly: steps x batch size x tokens per example. The class
        queue runs short runs first by it (adaptlab.training.jobs)."""
        return self.config.steps * self.config.batch_size * self.config.max_length


def plan_run(model: str, method: str, settings: Mapping[str, Any] | None = None, *,
             context: int, task: str | None = None, examples: Sequence[Example] | None = None,
             data_name: str = "", **overrides: Any) -> RunPlan:
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
    config = config_for(method, {k: v for k, v in merged.items() if k in TRAIN_KEYS})
    virtual = VirtualTokens.of(spec, method_config).count  # as the memory estimate counts them
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
                   task or "examples", _safe_name(data_name) if task is None else "")


def _safe_name(name: str) -> str:
    """A file name a learner chose, as plain text everywhere it is shown: chart legends read
    some HTML and hover templates read %{...}, so only letters, digits and . - _ ( ) and spaces
    are kept; anything else becomes "_"."""
    return re.sub(r"[^\w .()-]", "_", " ".join(name.split()))[:60]


def adapt(base: nn.Module, plan: RunPlan) -> nn.Module:
    """The method applied to a deep copy of `base` (never mutated), initialised from the seed."""
    with _SEED_LOCK:  # LoRA's A, adapters and soft prompts draw from torch's global RNG
        torch.manual_seed(plan.config.seed)
        return get_method(plan.method).apply(base, plan.method_config)
