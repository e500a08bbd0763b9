"""The diagnosis scenarios' texts, loaded from assets/diagnosis/scenarios.yaml and validated.

Texts only: title, symptom, what the fix changes, and the diagnosis options with their feedback.
The runs and the checks on them are code, in `adaptlab.training.diagnosis`, keyed by the same ids. Only
`yaml.safe_load` is used; every error names the file, the scenario and the field.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

SCENARIOS_FILE = Path(__file__).resolve().parents[2] / "assets" / "diagnosis" / "scenarios.yaml"
SCENARIO_FIELDS = ("id", "title", "symptom", "change", "options")
OPTION_FIELDS = ("key", "text", "feedback", "correct")


class ScenarioFileError(ValueError):
    """The scenario texts are malformed; the message names the file, the scenario and the field."""


@dataclass(frozen=True)
class Option:
    """One diagnosis a learner can pick; `feedback` names the misconception when it is wrong."""

    key: str
    text: str
    feedback: str
    correct: bool = False


@dataclass(frozen=True)
class ScenarioText:
    id: str
    title: str
    symptom: str  # what the learner sees, described neutrally
    change: str  # what the fix changes, in one sentence
    options: tuple[Option, ...]


def _fields(data: object, allowed: tuple[str, ...], where: str) -> dict:
    """`data` as a mapping with no unknown keys."""
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{where}: must be a mapping with fields {', '.join(allowed)}")
    unknown = sorted(map(str, set(data) - set(allowed)))
    if unknown:
        raise ScenarioFileError(f"{where}: field {unknown[0]!r}: unknown field; "
                                f"allowed: {', '.join(allowed)}")
    return data


def _text(data: dict, name: str, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ScenarioFileError(f"{where}: field {name!r}: must be non-empty text")
    return value


def _option(data: object, where: str) -> Option:
    data = _fields(data, OPTION_FIELDS, where)
    correct = data.get("correct", False)
    if not isinstance(correct, bool):
        raise ScenarioFileError(f"{where}: field 'correct': must be true or false")
    return Option(*(_text(data, name, where) for name in OPTION_FIELDS[:3]), correct)


def _options(data: dict, where: str) -> tuple[Option, ...]:
    raw = data.get("options")
    if not isinstance(raw, list) or len(raw) < 2:
        raise ScenarioFileError(f"{where}: field 'options': must be a list of at least 2 options")
    options = tuple(_option(o, f"{where}: options[{n}]") for n, o in enumerate(raw))
    if len({o.key for o in options}) < len(options):
        raise ScenarioFileError(f"{where}: field 'options': every option needs its own key")
    if [o.correct for o in options].count(True) != 1:
        raise ScenarioFileError(f"{where}: field 'options': exactly one must have correct: true")
    return options


def _scenario(data: object, name: str, n: int, ids: Collection[str]) -> ScenarioText:
    data = _fields(data, SCENARIO_FIELDS, f"{name}: scenarios[{n}]")
    sid = data.get("id")
    where = f"{name}: scenario {sid!r}"
    if sid not in ids:
        raise ScenarioFileError(f"{where}: field 'id': no runs for this id in "
                                f"adaptlab/training/scenarios.py; choose one of {', '.join(ids)}")
    return ScenarioText(sid, _text(data, "title", where), _text(data, "symptom", where),
                        _text(data, "change", where), _options(data, where))


def _read(path: Path) -> list:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioFileError(f"{path}: cannot be read as YAML ({exc}); fix the file") from None
    if not isinstance(doc, dict) or set(doc) != {"scenarios"} or not isinstance(
            doc["scenarios"], list):
        raise ScenarioFileError(f"{path.name}: must be a mapping with one field, "
                                "'scenarios', a list of scenarios")
    return doc["scenarios"]


def load_texts(ids: Collection[str], path: Path = SCENARIOS_FILE) -> tuple[ScenarioText, ...]:
    """The texts in `path`, in file order; each of `ids` (the scenarios that have runs) once."""
    texts = tuple(_scenario(d, path.name, n, ids) for n, d in enumerate(_read(path)))
    found = [t.id for t in texts]
    for sid in ids:
        if found.count(sid) != 1:
            problem = "missing" if sid not in found else "listed twice"
            raise ScenarioFileError(f"{path.name}: scenario {sid!r}: field 'id': {problem}; "
                                    "each scenario in adaptlab/training/scenarios.py appears once")
    return texts
