"""The pieces of the Compare page: this session's runs as one overlay chart and one table.

Runs come from the job registry (ui.jobs), where they outlive page switches. Memory is the
engine's estimate for one training step of the run's method at its batch size and length
(adaptlab.memory over the census of the adapted model), not a measurement.
"""

from __future__ import annotations

import pandas as pd

from adaptlab.activations import MethodDetails
from adaptlab.counts import totals
from adaptlab.memory import human_bytes, memory_breakdown
from adaptlab.methods import get_method
from adaptlab.training import differences
from ui.reference_view import run_name
from ui.resources import census_frame, model_config, settings_key

HIGHLIGHT = "font-weight: 700; background-color: #fff3bf"  # the "differs?" column says it in words
STATUS_TEXT = {"queued": "waiting for a free slot", "waiting": "waiting for a free slot",
               "running": "still running", "done": "finished", "failed": "failed"}


def run_names(jobs: list) -> dict[str, str]:
    """job id -> "run 1: LoRA" (reference_view.run_name)."""
    return {job.id: run_name(i, job) for i, job in enumerate(jobs, start=1)}


def seed_and_data(job) -> str:
    return f"seed {job.plan.config.seed} · data {differences.data_text(job.plan)}"


def selected(jobs: list, picked: list[str] | None) -> list:
    """The runs the learner picked (by name), in session order; all of them when none is picked."""
    names = run_names(jobs)
    return [job for job in jobs if not picked or names[job.id] in picked]


def differ_sentence(jobs: list, names: dict[str, str]) -> str | None:
    """What the picked runs' curves differ by, computed from their settings; None for one run.
    `names`: run_names() of all the session's runs, so a run keeps its number when picked."""
    if len(jobs) < 2:
        return None
    return differences.differ_sentence([names[job.id].split(":")[0] for job in jobs],
                                       [job.plan for job in jobs])


def settings_table(jobs: list, names: dict[str, str]) -> pd.DataFrame:
    """Every setting of the runs, those that differ first and marked in words (not by colour
    alone): a "differs?" column, then one column per run. One run has nothing to differ from:
    no "differs?" column (it would read "same" on every row)."""
    rows = differences.compare_settings([job.plan for job in jobs])
    rows.sort(key=lambda row: not row.differs)  # stable: the engine's order within each group
    frame = pd.DataFrame([row.values for row in rows], columns=[names[job.id] for job in jobs],
                         index=pd.Index([row.name for row in rows], name="setting"))
    if len(jobs) > 1:
        frame.insert(0, "differs?", ["◆ differs" if row.differs else "same" for row in rows])
    return frame


def settings_caption(picked: int, runs: int) -> str:
    if picked > 1:
        return ("◆ differs marks each setting that is not the same in every run picked; those "
                "rows come first, in bold.")
    if runs > 1:
        return "One run picked: pick another above, and what differs between them is marked."
    return ("One run so far. Train another (a second method, or this one with one setting "
            "changed), and their settings stand side by side here, what differs marked.")


def highlighted(frame: pd.DataFrame):
    """The settings table with the differing rows in bold on a tint (the words say it too)."""
    def style(row: pd.Series) -> list[str]:
        marked = row.get("differs?", "same") != "same"
        return [HIGHLIGHT if marked else ""] * len(row)

    return frame.style.apply(style, axis=1)


def overlay_frame(jobs: list, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Long format for viz.run_overlay: run, step, loss, note."""
    names = names or run_names(jobs)
    rows = [{"run": names[job.id], "step": s.step, "loss": s.loss, "note": seed_and_data(job)}
            for job in jobs for s in list(job.steps)]
    return pd.DataFrame(rows, columns=["run", "step", "loss", "note"]).astype({"loss": "float64"})


def _census(job) -> pd.DataFrame:
    return census_frame(job.plan.model, job.plan.method, settings_key(vars(job.plan.method_config)))


def _memory(job, frame: pd.DataFrame) -> str:
    plan = job.plan
    details = MethodDetails.of(get_method(plan.method), plan.method_config)
    return human_bytes(memory_breakdown(frame, model_config(plan.model), plan.config.batch_size,
                                        plan.config.max_length, details).total)


def _number(value: float | None, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def _ended(job) -> str:
    result = job.result
    if job.status == "failed":
        return f"failed: {job.error or job.message}"
    if job.status == "cancelled":  # who stopped it (the result says only that it was stopped)
        return job.message
    if result is not None and result.stopped_reason:
        return result.stopped_reason
    return STATUS_TEXT.get(job.status, job.message)


def table_row(name: str, job) -> dict[str, str]:
    frame, result = _census(job), job.result
    before, after = (result.before, result.after) if result else (None, None)
    seconds = [s.seconds for s in list(job.steps)]
    # What a run is (method, settings, data, seed) is the settings table's, in full: here only
    # what came of it, so no cell repeats a long settings line cut to the column's width.
    return {
        "run": name, "steps": f"{len(seconds)} of {job.plan.config.steps}",
        "trainable %": f"{totals(frame)['trainable_pct']:.4g}%",
        "ms/step": _number(sum(seconds) / len(seconds) * 1000 if seconds else None, "{:.1f}"),
        "eval loss before": _number(before.loss if before else None, "{:.4f}"),
        "eval loss after": _number(after.loss if after else None, "{:.4f}"),
        # Named for what it is: the chart below plots balanced accuracy on label tasks.
        "exact match before": _number(before.accuracy if before else None, "{:.0%}"),
        "exact match after": _number(after.accuracy if after else None, "{:.0%}"),
        "memory (est.)": _memory(job, frame), "how it ended": _ended(job),
    }


def compare_table(jobs: list, names: dict[str, str] | None = None) -> pd.DataFrame:
    """One column per run, one row per measure: the measures fit a page's height, not its width."""
    names = names or run_names(jobs)
    rows = pd.DataFrame([table_row(names[job.id], job) for job in jobs]).set_index("run")
    return rows.T.rename_axis("measure")
