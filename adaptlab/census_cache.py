"""The census of every method at its default settings on every model, shipped in assets/.

Counting live imports torch, transformers and peft and builds a meta-device model: seconds on a
server that has just started. So a learner's first look at the Parameters page (any model, any
method, its default settings) reads this file instead, and only other settings are counted live.
The file holds the census itself, rows exactly as `adaptlab.census.census` makes them, written by
`python -m adaptlab census-cache`; tests/unit/test_census_cache.py recounts every entry, so a
change to a method or a model that the file does not follow fails there, naming that command.
An entry of the bundled model is used only while the model's shape is the one it was counted on.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from adaptlab.counts import COLUMNS, config_dict
from adaptlab.methods import get_method, method_names
from adaptlab.model_specs import MODEL_SPECS, ROOT, architecture

CACHE_FILE = ROOT / "assets" / "census" / "defaults.json.gz"
log = logging.getLogger("adaptlab.census_cache")


def _key(model: str, method: str) -> str:
    return f"{model}/{method}"


@functools.cache
def _entries() -> dict[str, Any]:
    try:
        with gzip.open(CACHE_FILE, "rt", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:  # missing or damaged: count live, as without the file
        log.warning("census cache %s unreadable (%s): every census is counted live", CACHE_FILE, exc)
        return {}


def _is_default(method: str, settings: Mapping[str, Any] | None) -> bool:
    spec = get_method(method)
    return config_dict(spec.config(settings)) == config_dict(spec.config())


def _entry_for(model: str, method: str, settings: Mapping[str, Any] | None) -> dict | None:
    if not _is_default(method, settings):
        return None
    entry = _entries().get(_key(model, method))
    return entry if entry is not None and entry["shape"] == vars(architecture(model)) else None


def covers(model: str, method: str, settings: Mapping[str, Any] | None = None) -> bool:
    """Whether lookup() has this setup (cheap: no frame is built)."""
    return _entry_for(model, method, settings) is not None


def lookup(model: str, method: str, settings: Mapping[str, Any] | None = None) -> pd.DataFrame | None:
    """The shipped census of this setup, or None when it must be counted live (settings other
    than the defaults, an unknown model, a bundled model of another shape, no file).

    Raises UserInputError for a setting out of range, as counting live would."""
    entry = _entry_for(model, method, settings)
    if entry is None:
        return None
    frame = pd.DataFrame(entry["rows"], columns=COLUMNS)
    return frame.astype({"block": "Int64", "count": "int64", "trainable": "bool"})


def entry(frame: pd.DataFrame, model: str) -> dict[str, Any]:
    """One entry of the file: the census rows and the model shape they were counted on."""
    rows = frame.astype({"block": "object"}).where(frame.notna(), None).values.tolist()
    return {"shape": vars(architecture(model)), "rows": rows}


def write(path: Path = CACHE_FILE) -> dict[str, Any]:
    """Count every model with every method's defaults and write the file (imports torch)."""
    from adaptlab.census import adapted_skeleton, census

    entries = {_key(model, method): entry(census(adapted_skeleton(model, method)), model)
               for model in MODEL_SPECS for method in method_names()}
    path.parent.mkdir(parents=True, exist_ok=True)
    # No name, mtime 0: the same census always makes the same bytes (git sees no change then).
    with open(path, "wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as f:
        f.write(json.dumps(entries, separators=(",", ":")).encode("utf-8"))
    _entries.cache_clear()
    return {"file": str(path), "entries": len(entries), "bytes": path.stat().st_size}
