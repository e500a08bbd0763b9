"""What a parameter census adds up to, and the closed form that predicts it: no torch needed.

A census frame (adaptlab.census: one row per parameter tensor, COLUMNS) is plain pandas; these
functions read it. `explain` needs only the model's shape (adaptlab.model_specs), so a page can
show a formula, its totals and a memory estimate without importing torch (issue 14).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from adaptlab.methods import Formula, get_method
from adaptlab.model_specs import architecture

COLUMNS = ["name", "block", "component", "shape", "count", "trainable", "origin", "status"]


def totals(df: pd.DataFrame) -> dict[str, Any]:
    total = int(df["count"].sum())
    trainable = int(df.loc[df["trainable"], "count"].sum())
    return {
        "total_params": total,
        "trainable_params": trainable,
        "trainable_pct": round(100 * trainable / total, 6) if total else 0.0,
        "added_params": int(df.loc[df["origin"] == "added", "count"].sum()),
        "frozen_params": total - trainable,
        "trainable_blocks": sorted({int(b) for b in df.loc[df["trainable"], "block"].dropna()}),
    }


def per_block(df: pd.DataFrame) -> pd.DataFrame:
    """Parameter counts per place in the model (embeddings, each block, the end) and status."""
    where = df["block"].map(lambda b: f"block {b}", na_action="ignore")
    where = where.fillna(df["component"].map(_outside_block_place))
    table = df.assign(where=where).pivot_table(
        index="where", columns="status", values="count", aggfunc="sum", fill_value=0, sort=False)
    for status in ("frozen", "trainable", "added"):
        if status not in table:
            table[status] = 0
    return table[["frozen", "trainable", "added"]].reset_index()


def _outside_block_place(component: str) -> str:
    if component.startswith(("wte", "wpe")):
        return "embeddings"
    if component.startswith("ln_f"):
        return "final LayerNorm"
    return "virtual tokens"


def explain(model: str, method: str, settings: Mapping[str, Any] | None = None) -> Formula:
    """The closed form that predicts the trainable count for this method, settings and model."""
    spec = get_method(method)
    config = spec.config(settings)
    return spec.formula(config, architecture(model))


def config_dict(config: Any) -> dict[str, Any]:
    """A config as plain JSON-able values (tuples become comma-separated strings)."""
    return {k: ",".join(v) if isinstance(v, tuple) else v for k, v in vars(config).items()}
