"""The class lab board of a live session (issue 15, item 3): the runs the class finished.

Each finished run of a session's learner is stored once (unique per session and run id) with
what the board needs: method, family, trainable parameters, held-out accuracy (the Train page's
headline metric) and the settings. Everything is in the database (adaptlab.live.tables), so every
replica shows the same board. Who was assigned which method: adaptlab.live.assignments; the
room's before/after gains: adaptlab.live.gains.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from adaptlab.live.tables import runs_table, utc
from adaptlab.methods import REGISTRY
from adaptlab.store import Store

RUN_COLUMNS = [c.name for c in runs_table.columns]


@dataclass(frozen=True)
class RunSummary:
    """One finished run as the board stores it."""

    session_id: int
    run_id: str
    learner: str
    method: str
    task: str
    trainable_params: int
    total_params: int
    accuracy: float
    accuracy_before: float | None = None
    chance: float | None = None
    outcome: str = "done"
    settings: Mapping[str, Any] = field(default_factory=dict)
    finished_at: datetime | None = None


def summarize(session_id: int, learner: str, job: Any) -> RunSummary | None:
    """The board's summary of a finished training job (adaptlab.training.jobs.TrainingJob);
    None when it has no held-out score after training (cancelled, failed) or trained on the
    learner's own file (the board compares bundled tasks)."""
    from dataclasses import asdict

    result = job.result
    if not job.done or result is None or result.after is None:
        return None
    run_plan = job.plan
    if run_plan.data_source == "examples":
        return None
    own = {k: ",".join(v) if isinstance(v, tuple) else v  # as census.config_dict writes them
           for k, v in vars(run_plan.method_config).items()}
    settings = {**asdict(run_plan.config), **own}
    before, after = result.before.scores, result.after.scores
    return RunSummary(int(session_id), job.id, learner, run_plan.method, run_plan.data_source,
                      int(result.trainable_params), int(result.total_params),
                      float(after.headline), float(before.headline), before.chance,
                      job.status, settings,
                      datetime.fromtimestamp(job.finished, UTC) if job.finished else None)


def record_run(store: Store, run: RunSummary) -> bool:
    """Store a finished run once; False when this run of this session was stored already."""
    row = {"session_id": run.session_id, "run_id": run.run_id, "learner": run.learner,
           "method": run.method, "family": REGISTRY[run.method].family, "task": run.task,
           "trainable_params": run.trainable_params, "total_params": run.total_params,
           "accuracy": run.accuracy, "accuracy_before": run.accuracy_before,
           "chance": run.chance, "outcome": run.outcome,
           "settings": json.dumps(dict(run.settings), sort_keys=True, default=str),
           "finished_at": run.finished_at or datetime.now(UTC)}
    # Two tabs (or replicas) of the learner may notice the same finished run: one row stands.
    return store.insert_once(runs_table, row, "save a run to")


def runs(store: Store, session_id: int, task: str | None = None) -> pd.DataFrame:
    """The session's stored runs, oldest first (settings decoded to dicts); one task's if given."""
    query = (select(runs_table).where(runs_table.c.session_id == int(session_id))
             .order_by(runs_table.c.id))
    if task is not None:
        query = query.where(runs_table.c.task == task)
    with store.reading() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        row["settings"], row["finished_at"] = json.loads(row["settings"]), utc(row["finished_at"])
    return pd.DataFrame(rows, columns=RUN_COLUMNS)


def title(method: str) -> str:
    """The method's title (whole: "Bottleneck adapters (Houlsby)" and "(Pfeiffer)" differ only
    in brackets)."""
    return REGISTRY[method].title if method in REGISTRY else method


def best_per_method(frame: pd.DataFrame) -> pd.DataFrame:
    """Per method (registry order): the best run's accuracy and its trainable parameters, the
    number of runs and their median accuracy. No learner names: this is for the projector."""
    cols = ["method", "title", "family", "runs", "best_accuracy", "median_accuracy",
            "trainable_params", "run"]
    rows = []
    for method in (m for m in REGISTRY if m in set(frame["method"])):
        mine = frame[frame["method"] == method]
        best = mine.loc[mine["accuracy"].idxmax()]
        rows.append({"method": method, "title": title(method), "family": best["family"],
                     "runs": len(mine), "best_accuracy": float(best["accuracy"]),
                     "median_accuracy": float(mine["accuracy"].median()),
                     "trainable_params": int(best["trainable_params"]), "run": int(best["id"])})
    return pd.DataFrame(rows, columns=cols)


def run_settings(frame: pd.DataFrame, run: int) -> dict[str, Any] | None:
    """What a clicked point shows: the run's method, numbers and settings (no learner name)."""
    match = frame[frame["id"] == run]
    if match.empty:
        return None
    row = match.iloc[0]
    return {"method": title(row["method"]), "family": row["family"], "task": row["task"],
            "held-out accuracy": float(row["accuracy"]),
            "accuracy before training": row["accuracy_before"],
            "trainable parameters": int(row["trainable_params"]), "outcome": row["outcome"],
            **dict(row["settings"])}
