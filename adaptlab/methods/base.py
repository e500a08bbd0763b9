"""What every method is: a frozen, validated config dataclass plus `apply(model, config)`.

Settings carry their help text and range in dataclass field metadata, so the CLI parser, the
app's widgets and the validation all read one declaration. `setting()` builds such a field.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from adaptlab.errors import UserInputError, cut, shown

if TYPE_CHECKING:  # listing methods must not import torch (the Methods page loads without it)
    from torch import nn


def setting(default: Any, help: str, *, min: float | None = None, max: float | None = None,
            choices: tuple[str, ...] | None = None) -> Any:
    """A config field with help text and a validated range (or, for tuples of names, choices)."""
    meta = {"help": help, "min": min, "max": max, "choices": choices}
    if isinstance(default, tuple):
        return field(default_factory=lambda: default, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class SettingInfo:
    """One setting as the UI and CLI see it."""

    name: str
    kind: type
    default: Any
    help: str
    min: float | None
    max: float | None
    choices: tuple[str, ...] | None


def settings_of(config_cls: type) -> list[SettingInfo]:
    out = []
    for f in fields(config_cls):
        default = f.default if f.default is not MISSING else f.default_factory()
        out.append(SettingInfo(f.name, type(default), default, f.metadata.get("help", ""),
                               f.metadata.get("min"), f.metadata.get("max"),
                               f.metadata.get("choices")))
    return out


def _range_text(info: SettingInfo) -> str:
    if info.kind is int:
        return f"a whole number from {int(info.min)} to {int(info.max)}"  # :g gives 2.14748e+09
    return f"a number from {info.min:g} to {info.max:g}"


def _in_range(info: SettingInfo, value: int | float) -> bool:
    # Compare without float(): float(10**400) overflows, while int-float comparison is exact.
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return info.min <= value <= info.max


def check_setting(info: SettingInfo, value: Any) -> None:
    """Raise UserInputError naming the setting and its valid range when `value` is out of it."""
    if info.kind is bool:
        if not isinstance(value, bool):
            raise UserInputError(f"{info.name}={shown(value)} is not valid: use true or false")
    elif info.kind in (int, float):
        bad_type = isinstance(value, bool) or not isinstance(value, int | float)
        if bad_type or (info.kind is int and isinstance(value, float) and not value.is_integer()):
            raise UserInputError(f"{info.name}={shown(value)} is not valid: use {_range_text(info)}")
        if not _in_range(info, value):
            raise UserInputError(f"{info.name}={shown(value)} is out of range: "
                                 f"use {_range_text(info)}")
    elif info.kind is str and info.choices and value not in info.choices:
        raise UserInputError(f"{info.name}={shown(value)} is not valid: choose one of "
                             f"{', '.join(info.choices)}")
    elif info.kind is tuple and (not isinstance(value, tuple | list) or not value
                                 or any(v not in info.choices for v in value)):
        given = ",".join(map(str, value)) if isinstance(value, tuple | list) else str(value)
        raise UserInputError(
            f"{info.name}={cut(given) or '(empty)'} is not valid: choose one or "
            f"more of {', '.join(info.choices)}, separated by commas"
        )


def validate(config: Any) -> None:
    """Check every field of a config dataclass against its declared range; call in __post_init__.

    A whole float given for a whole-number setting (steps=2.0 from a notebook) becomes an int, so
    that `range(config.steps)` and friends never meet a float.
    """
    for info in settings_of(type(config)):
        value = getattr(config, info.name)
        check_setting(info, value)
        if info.kind is int and isinstance(value, float):
            object.__setattr__(config, info.name, int(value))  # frozen dataclasses too


def parse_value(info: SettingInfo, raw: Any) -> Any:
    """Turn a CLI/query-string value into the setting's type; already typed values pass through."""
    if not isinstance(raw, str):
        if info.kind is tuple and isinstance(raw, list | tuple | set | frozenset):
            return tuple(raw)
        return raw  # check_setting() names a wrong type with the setting and its valid values
    text = raw.strip()
    try:
        if info.kind is bool:
            lowered = text.lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError
            return lowered in {"true", "1", "yes"}
        if info.kind is int:
            return int(text)  # a 5,000-digit string raises ValueError too (int_max_str_digits)
        if info.kind is float:
            return float(text)
        if info.kind is tuple:
            return tuple(part.strip() for part in text.split(",") if part.strip())
    except ValueError:
        hint = "true or false" if info.kind is bool else _range_text(info)
        raise UserInputError(f"{info.name}={shown(raw)} is not valid: use {hint}") from None
    return text


@dataclass(frozen=True)
class Formula:
    """The closed form behind a trainable count: symbols, the same with numbers, and the value."""

    symbolic: str
    substituted: str
    value: int
    convention: str = ""


@dataclass(frozen=True)
class TrainingDefaults:
    """A method's default training recipe: the one source that the Train page, the CLI, demo
    links and the Diagnose runs start from. Each method's numbers come from a learning-rate and
    step sweep on the bundled model (benchmarks/method_sweep.py): small parameter sets need
    larger rates than full fine-tuning (CONTENT.md 4c), and soft prompts larger still."""

    lr: float = 1e-3
    steps: int = 200
    schedule: str = "linear"  # warm up, then decay to 0: a fixed budget ends on a low rate
    warmup_steps: int = 10


@dataclass(frozen=True)
class MethodSpec:
    """A registered adaptation method. `family` is a class id from adaptlab.taxonomy."""

    name: str
    title: str
    family: str
    config_cls: type
    apply_fn: Callable[[nn.Module, Any], nn.Module]
    formula_fn: Callable[[Any, Any], Formula]
    summary: str
    paper: str
    uses_peft: bool = False
    training: TrainingDefaults = TrainingDefaults()
    # Where the config's num_virtual_tokens go (the memory estimate counts them): "input", in
    # front of the token embeddings, so every block runs on them; "attention", key and value
    # prefixes in every layer (the queries stay the input's). "": the method adds no positions.
    virtual_tokens: str = ""

    @property
    def short_title(self) -> str:
        """The title without its lower-case gloss, for chart labels and captions: "LoRA (low-rank
        adaptation)" -> "LoRA"; a name in brackets stays ("Bottleneck adapters (Houlsby)")."""
        return re.sub(r" \([a-z][^)]*\)$", "", self.title)

    def config(self, settings: Mapping[str, Any] | None = None) -> Any:
        """Build a validated config from {name: value}; strings are parsed (CLI, query params)."""
        infos = {info.name: info for info in settings_of(self.config_cls)}
        kwargs = {}
        for key, raw in (settings or {}).items():
            if key not in infos:
                valid = ", ".join(infos) or "none"
                raise UserInputError(f"{self.name} has no setting {shown(key)}: its settings "
                                     f"are {valid}")
            kwargs[key] = parse_value(infos[key], raw)
        return self.config_cls(**kwargs)

    def apply(self, model: nn.Module, config: Any | None = None) -> nn.Module:
        """Adapt a deep copy of `model`; the input model is never mutated."""
        config = config if config is not None else self.config_cls()
        return self.apply_fn(copy.deepcopy(model), config)

    def formula(self, config: Any, model_config: Any) -> Formula:
        return self.formula_fn(config, model_config)


def freeze_all(model: nn.Module) -> nn.Module:
    for param in model.parameters():
        param.requires_grad_(False)
    return model


def check_blocks(k: int, model_config: Any) -> None:
    """Settings bounded by the model's depth are checked against the model at apply time."""
    if k > model_config.n_layer:
        raise UserInputError(
            f"k={k} is more than this model has blocks: use a whole number from 1 to {model_config.n_layer}"
        )
