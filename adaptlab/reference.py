"""The shipped reference sweep: every method on every bundled task, 3 seeds, the engine's defaults.

`benchmarks/method_sweep.py` really trains the runs and writes `assets/results/method_sweep.json`;
this module reads it (no torch), summarises it per method and task, and writes the "Measured"
section of each task card, so that what a card promises is what the runs did. Compare and Methods
plot accuracy against trainable parameters from it, with the learner's own runs on top.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from adaptlab.errors import UserInputError

RESULTS_FILE = Path(__file__).resolve().parent.parent / "assets" / "results" / "method_sweep.json"
CARD_START, CARD_END = "<!-- measured:start -->", "<!-- measured:end -->"
RUN_FIELDS = ("method", "task", "seed", "exact_match", "balanced_accuracy", "token_f1",
              "chance", "eval_loss_before", "eval_loss_after", "top_share",
              "trainable_params", "total_params", "seconds", "steps", "lr")


@dataclass(frozen=True)
class Sweep:
    """The runs of one sweep and what they ran on."""

    model: str
    created: str
    machine: str
    runs: pd.DataFrame  # one row per run: RUN_FIELDS

    def summary(self) -> pd.DataFrame:
        """Per method and task: the headline metric's mean and spread over seeds, and the rest."""
        runs = self.runs.assign(headline=self.runs["balanced_accuracy"].fillna(self.runs["exact_match"]))
        grouped = runs.groupby(["task", "method"], sort=False)
        out = grouped.agg(headline=("headline", "mean"), headline_min=("headline", "min"),
                          headline_max=("headline", "max"), exact_match=("exact_match", "mean"),
                          token_f1=("token_f1", "mean"), chance=("chance", "first"),
                          top_share=("top_share", "max"), trainable_params=("trainable_params", "first"),
                          total_params=("total_params", "first"), seconds=("seconds", "mean"),
                          seeds=("seed", "count"))
        out["trainable_pct"] = 100 * out["trainable_params"] / out["total_params"]
        return out.reset_index()


def load_sweep(path: Path = RESULTS_FILE) -> Sweep:
    """The shipped sweep; a missing or malformed file says how to make it again."""
    fix = f"run `python benchmarks/method_sweep.py` to write {path.name} again"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        runs = pd.DataFrame(raw["runs"], columns=list(RUN_FIELDS))
        if runs.empty or runs[["method", "task"]].isna().any().any():
            raise ValueError("no runs")
        return Sweep(str(raw["model"]), str(raw["created"]), str(raw["machine"]), runs)
    except FileNotFoundError:
        raise UserInputError(f"the reference sweep {path} is missing: {fix}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise UserInputError(f"the reference sweep {path} cannot be read ({exc}): {fix}") from None


def _pct(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


def _share(pct: float) -> str:
    return f"{pct:.0f}%" if pct >= 10 else f"{pct:.2g}%"


def card_section(sweep: Sweep, task: str, titles: dict[str, str]) -> str:
    """The task card's "Measured" section: one line per method, best first, from the sweep."""
    rows = sweep.summary()
    rows = rows[rows["task"] == task].sort_values("headline", ascending=False)
    if rows.empty:
        return ""
    classes = bool(rows["chance"].notna().all())  # a class task has a chance level on every run
    metric = "balanced accuracy" if classes else "exact match"
    lines = [f"Measured with each method's defaults, {int(rows['seeds'].max())} seeds, on the "
             f"held-out split ({metric}, mean and range; "
             + (f"chance {_pct(rows['chance'].iloc[0])}" if classes else "token F1 in brackets")
             + f"). From `assets/results/{RESULTS_FILE.name}`, written by "
             "`benchmarks/method_sweep.py`.", ""]
    for row in rows.itertuples():
        extra = "" if classes else f" (token F1 {_pct(row.token_f1)})"
        lines.append(f"- **{titles.get(row.method, row.method)}**: {_pct(row.headline)} "
                     f"({_pct(row.headline_min)}–{_pct(row.headline_max)}){extra}, "
                     f"{_share(row.trainable_pct)} of the parameters trained")
    return "\n".join(lines)


def replace_card_section(card: str, section: str) -> str:
    """The card with its measured section (between the markers) replaced by `section`."""
    if CARD_START not in card or CARD_END not in card:
        raise ValueError(f"the card has no {CARD_START} ... {CARD_END} markers")
    head, rest = card.split(CARD_START, 1)
    return f"{head}{CARD_START}\n{section}\n{CARD_END}{rest.split(CARD_END, 1)[1]}"
