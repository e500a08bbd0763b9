"""Which settings differ between runs: the facts behind Compare's "the curves differ only by ...".

A run's plan (`RunPlan`) is flattened into named settings: method, data, model, every training
setting (`TrainConfig`) and the method's own settings. `compare_settings` lines the runs up row by
row and marks each row that differs; `differ_sentence` says what the curves differ by, computed
from those rows, never assumed (two runs with the same seed and data may still differ in rate).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from adaptlab.data import task_title
from adaptlab.methods import get_method, settings_of

if TYPE_CHECKING:  # plan imports torch; Compare reads finished plans without it
    from adaptlab.training.plan import RunPlan

NOT_USED = "–"  # a method setting of another method: this run has no such setting
UPLOAD_SOURCE = "examples"  # plan.data_source of a run on the learner's own examples
# The Train page's names for the training settings, in its order; any other TrainConfig field
# follows under its own name, so a new setting is never left out of the comparison.
TRAINING_LABELS = {"lr": "learning rate", "schedule": "schedule", "warmup_steps": "warm-up steps",
                   "batch_size": "batch size", "max_length": "max length (tokens)",
                   "steps": "steps", "seed": "seed", "weight_decay": "weight decay",
                   "max_grad_norm": "gradient clipping (max norm)",
                   "eval_every": "held-out loss every (steps)"}


@dataclass(frozen=True)
class SettingRow:
    """One setting across the compared runs: its name and each run's value, as text."""

    name: str
    values: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def data_text(plan: RunPlan) -> str:
    """The task's title, or the uploaded file's name plus a fingerprint of its examples, so two
    different uploads differ (even two files of the same name)."""
    if plan.data_source != UPLOAD_SOURCE:
        return task_title(plan.data_source)
    digest = hashlib.sha256(repr((plan.train, plan.validation)).encode()).hexdigest()[:6]
    return f"{plan.data_name or 'your upload'} #{digest}"


def method_setting_name(method: str, setting: str) -> str:
    return f"{get_method(method).title}: {setting}"


def run_settings(plan: RunPlan) -> dict[str, str]:
    """Every setting of one run, by the name learners see, as text."""
    spec = get_method(plan.method)
    out = {"method": spec.title, "task / data": data_text(plan),
           "training examples": str(len(plan.train)), "model": plan.model}
    config = {f.name: getattr(plan.config, f.name) for f in fields(plan.config)}
    for key in [*TRAINING_LABELS, *config]:
        if key in config:
            out[TRAINING_LABELS.get(key, key)] = _text(config[key])
    for info in settings_of(spec.config_cls):
        out[method_setting_name(plan.method, info.name)] = _text(
            getattr(plan.method_config, info.name))
    return out


def compare_settings(plans: Sequence[RunPlan]) -> list[SettingRow]:
    """One row per setting any of the runs has, in a stable order; a run without it shows NOT_USED."""
    settings = [run_settings(plan) for plan in plans]
    names = list(dict.fromkeys(name for one in settings for name in one))
    return [SettingRow(name, tuple(one.get(name, NOT_USED) for one in settings))
            for name in names]


def differences(plans: Sequence[RunPlan]) -> list[SettingRow]:
    return [row for row in compare_settings(plans) if row.differs]


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _difference(row: SettingRow, note: str = "") -> str:
    return f"{row.name} ({' vs '.join(row.values)}{note})"


def _summaries(rows: list[SettingRow]) -> list[str]:
    """Each differing row as "name (a vs b)". When the methods differ, a setting only one of
    them has is part of that difference, so it is folded into the method's entry."""
    if not any(row.name == "method" for row in rows):
        return [_difference(row) for row in rows]
    return [_difference(row, ", each with its own settings" if row.name == "method" else "")
            for row in rows if NOT_USED not in row.values]


def differ_sentence(names: Sequence[str], plans: Sequence[RunPlan]) -> str:
    """What the runs' curves differ by, computed from every setting of their plans."""
    if len(plans) < 2:
        raise ValueError("a comparison needs at least two runs")
    runs, rows = _and(list(names)), differences(plans)
    if not rows:
        return (f"{runs} have the same settings in every row: no setting explains a gap "
                "between their curves.")
    return f"{runs} differ only by {_and(_summaries(rows))}."
