"""How to train: `TrainConfig`, its limits, the learning-rate schedule, and each method's defaults.

The lowest layer of adaptlab.training. A method's default recipe (learning rate, steps, schedule,
warm-up) is declared once, on its spec (`MethodSpec.training`); `config_for()` fills what a
learner left out from it, so the Train page, the CLI, demo links and the Diagnose runs agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from adaptlab.errors import UserInputError
from adaptlab.methods import get_method, settings_of
from adaptlab.methods.base import TrainingDefaults, parse_value, setting, validate

MAX_STEPS = 500
# A huge learning rate is a lesson, not a typo to refuse: the run starts, diverges and stops with
# the reason (adaptlab.training.stopping). AdamW's first update moves each weight by about lr, so
# past 1e12 nothing new is shown, and near float32's limit (3.4e38) the optimizer's own arithmetic
# would overflow before the model could show the divergence.
MAX_LR = 1e12
GENERIC = TrainingDefaults()  # for a config built without a method (tests, notebooks)
METHOD_DEFAULTED = ("lr", "steps", "schedule", "warmup_steps")  # filled from the method's spec


@dataclass(frozen=True)
class TrainConfig:
    """How to train. Every field is a setting (`--set KEY=VALUE`) with help and a range."""

    steps: int = setting(GENERIC.steps, "Optimizer steps to run.", min=1, max=MAX_STEPS)
    batch_size: int = setting(8, "Examples per step.", min=1, max=64)
    max_length: int = setting(64, "Tokens per example (prompt + completion); at most the "
                                  "model's context.", min=8, max=1024)
    lr: float = setting(GENERIC.lr, "Peak learning rate of AdamW. Far too high a rate (try 1e9) "
                                    "makes the run diverge: it stops and says why.", min=1e-8,
                        max=MAX_LR)
    # A bare TrainConfig (tests, notebooks) is plain: a constant rate, no warm-up. Runs get their
    # method's recipe (linear with warm-up) through config_for().
    schedule: str = setting("constant", "Learning-rate schedule: constant, or linear "
                                        "(warm up, then decay to 0).",
                            choices=("constant", "linear"))
    warmup_steps: int = setting(0, "Steps over which the rate rises to lr.", min=0,
                                max=MAX_STEPS)
    weight_decay: float = setting(0.0, "AdamW weight decay (decoupled).", min=0.0, max=1.0)
    max_grad_norm: float = setting(1.0, "Clip the total gradient norm to this; 0 = no clipping.",
                                   min=0.0, max=1e6)
    seed: int = setting(0, "Seed for the method's initialisation and the batch order.",
                        min=0, max=2**31 - 1)
    eval_every: int = setting(25, "Held-out loss every this many steps; 0 = only before and "
                                  "after.", min=0, max=MAX_STEPS)

    def __post_init__(self) -> None:
        validate(self)
        if self.warmup_steps >= self.steps:
            raise UserInputError(f"warmup_steps={self.warmup_steps} must be less than "
                                 f"steps={self.steps}: lower warmup_steps or raise steps")


TRAIN_KEYS = tuple(f.name for f in fields(TrainConfig))
INFOS = {info.name: info for info in settings_of(TrainConfig)}


def method_defaults(method: str) -> dict[str, Any]:
    """The method's default lr, steps, schedule and warm-up, as TrainConfig values."""
    recipe = get_method(method).training
    return {key: getattr(recipe, key) for key in METHOD_DEFAULTED}


def default_lr(method: str) -> float:
    return get_method(method).training.lr


def config_for(method: str, raw: Mapping[str, Any] | None = None) -> TrainConfig:
    """A validated TrainConfig: the learner's values (strings are parsed), the rest defaulted.

    Warm-up is the method's default only while it fits: a learner who asks for 5 steps gets a
    shorter warm-up rather than an error about a setting they never touched.
    """
    values = {key: parse_value(INFOS[key], value) for key, value in (raw or {}).items()}
    for key, value in method_defaults(method).items():
        values.setdefault(key, value)
    if isinstance(values["steps"], int) and isinstance(values["warmup_steps"], int):
        values["warmup_steps"] = fitted_warmup(method, values["steps"], values["warmup_steps"])
    return TrainConfig(**values)


def fitted_warmup(method: str, steps: int, warmup_steps: int) -> int:
    """The warm-up a run of `steps` uses: the method's default warm-up (left out, or a form's
    untouched field) shrinks to a tenth of a short run; any other value is used as given."""
    if warmup_steps != method_defaults(method)["warmup_steps"]:
        return warmup_steps
    return min(warmup_steps, max(0, steps // 10))


def lr_factor(config: TrainConfig) -> Callable[[int], float]:
    """Multiplier of lr at scheduler step s (0-based). Warm-up starts above 0 so step 1 learns."""
    warm, total = config.warmup_steps, config.steps

    def factor(s: int) -> float:
        if s < warm:
            return (s + 1) / (warm + 1)
        return 1.0 if config.schedule == "constant" else max(0.0, (total - s) / (total - warm))
    return factor
