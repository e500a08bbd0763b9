"""Cached engine results shared by every session.

Census results are DataFrames (cheap to copy), so they go in `st.cache_data`, keyed by model,
method and the settings as a sorted tuple of (name, value) pairs. Models never go in
`cache_data` (it would pickle them on every call); the meta-device skeletons that census builds
on are cached by the engine itself (`adaptlab.models.skeleton_template`) and never mutated.

This module imports no torch: a method's default settings come from the census shipped in
assets (adaptlab.census_cache), and only other settings load the engine to count live.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from adaptlab import census_cache
from adaptlab.activations import MethodDetails
from adaptlab.counts import explain, per_block, totals
from adaptlab.memory import MemoryBreakdown, memory_breakdown
from adaptlab.methods import Formula, get_method
from adaptlab.model_specs import Architecture, architecture
from ui.warmup import load_engine

SettingsKey = tuple[tuple[str, Any], ...]


def settings_key(settings: Mapping[str, Any]) -> SettingsKey:
    """Settings as a hashable, order-independent cache key (lists become tuples)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list | tuple) else v)
                        for k, v in settings.items()))


@dataclass(frozen=True)
class ParameterReport:
    """Everything the Parameters page shows about one (model, method, settings)."""

    frame: pd.DataFrame  # census: one row per parameter tensor
    totals: dict[str, Any]  # total/trainable/frozen/added counts, trainable_pct
    blocks: pd.DataFrame  # per_block(): counts per place in the model and status
    formula: Formula  # the closed form that predicts the trainable count
    details: MethodDetails  # what else the saved activations depend on (virtual tokens, ...)


@st.cache_data(max_entries=256, show_spinner=False)
def census_frame(model: str, method: str, settings: SettingsKey) -> pd.DataFrame:
    # A UserInputError (k deeper than the model, bottleneck wider than d) propagates and is
    # not cached, so the page can show it beside the control.
    shipped = census_cache.lookup(model, method, dict(settings))
    if shipped is not None:
        return shipped
    load_engine()  # only the warm-up thread may import transformers (ui/warmup.py)
    from adaptlab.census import adapted_skeleton, census

    return census(adapted_skeleton(model, method, dict(settings)))


@st.cache_data(max_entries=256, show_spinner=False)
def parameter_report(model: str, method: str, settings: SettingsKey) -> ParameterReport:
    frame = census_frame(model, method, settings)
    spec = get_method(method)
    return ParameterReport(frame, totals(frame), per_block(frame), explain(model, method, dict(settings)),
                           MethodDetails.of(spec, spec.config(dict(settings))))


@st.cache_data(max_entries=64, show_spinner=False)
def model_config(model: str) -> Architecture:
    return architecture(model)


def memory(report: ParameterReport, model: str, batch: int, seq: int) -> MemoryBreakdown:
    """Memory for training this setup at `batch` sequences of `seq` tokens (fast: no cache);
    UserInputError when the sequence and the virtual tokens do not fit the model's context."""
    return memory_breakdown(report.frame, model_config(model), batch, seq, report.details)
