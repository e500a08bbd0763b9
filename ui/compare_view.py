"""The pieces of the Compare page: this session's runs as one overlay chart and one table.

Runs come from the job registry (ui.jobs), where they outlive page switches. Memory is the
engine's estimate for one training step of the run's method at its batch size and length
(adaptlab.memory over the census of the adapted model), not a measurement.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from adaptlab.census import config_dict, totals
from adaptlab.memory import human_bytes, memory_breakdown
from ui.resources import census_frame, model_config, settings_key

UPLOAD_SOURCE = "examples"  # plan.data_source of a run on the learner's own file
STATUS_TEXT = {"queued": "waiting for a free slot", "waiting": "waiting for a free slot",
               "running": "still running", "done": "finished", "failed": "failed"}


def run_names(jobs: list) -> dict[str, str]:
    """job id -> "run 1: lora", numbered in the order this session started them."""
    return {job.id: f"run {i}: {job.plan.method}" for i, job in enumerate(jobs, start=1)}


def data_name(job) -> str:
    return "your upload" if job.plan.data_source == UPLOAD_SOURCE else job.plan.data_source


def seed_and_data(job) -> str:
    return f"seed {job.plan.config.seed} · data {data_name(job)}"


def shared_setups(jobs: list) -> list[str]:
    """Sentences naming runs that share seed and data: their differences come from the method."""
    names, groups = run_names(jobs), defaultdict(list)
    for job in jobs:
        groups[seed_and_data(job)].append(names[job.id].split(":")[0])
    return [f"{', '.join(runs)} share {setup}: same initial batches, so the curves differ only "
            "by method and settings." for setup, runs in groups.items() if len(runs) > 1]


def overlay_frame(jobs: list) -> pd.DataFrame:
    """Long format for viz.run_overlay: run, step, loss, note."""
    names = run_names(jobs)
    rows = [{"run": names[job.id], "step": s.step, "loss": s.loss, "note": seed_and_data(job)}
            for job in jobs for s in list(job.steps)]
    return pd.DataFrame(rows, columns=["run", "step", "loss", "note"]).astype({"loss": "float64"})


def _settings_text(job) -> str:
    settings = config_dict(job.plan.method_config)
    return ", ".join(f"{k}={v}" for k, v in settings.items()) or "none"


def _census(job) -> pd.DataFrame:
    return census_frame(job.plan.model, job.plan.method, settings_key(vars(job.plan.method_config)))


def _memory(job, frame: pd.DataFrame) -> str:
    config = job.plan.config
    return human_bytes(memory_breakdown(frame, model_config(job.plan.model), config.batch_size,
                                        config.max_length).total)


def _number(value: float | None, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def _ended(job) -> str:
    result = job.result
    if job.status == "failed":
        return f"failed: {job.error or job.message}"
    if result is not None and result.stopped_reason:
        return result.stopped_reason
    return STATUS_TEXT.get(job.status, job.message)


def table_row(name: str, job) -> dict[str, str]:
    frame, result = _census(job), job.result
    before, after = (result.before, result.after) if result else (None, None)
    seconds = [s.seconds for s in list(job.steps)]
    return {
        "run": name, "method": job.plan.method, "settings": _settings_text(job),
        "task": data_name(job), "seed": str(job.plan.config.seed),
        "steps": f"{len(seconds)} of {job.plan.config.steps}",
        "trainable %": f"{totals(frame)['trainable_pct']:.4g}%",
        "ms/step": _number(sum(seconds) / len(seconds) * 1000 if seconds else None, "{:.1f}"),
        "eval loss before": _number(before.loss if before else None, "{:.4f}"),
        "eval loss after": _number(after.loss if after else None, "{:.4f}"),
        "accuracy before": _number(before.accuracy if before else None, "{:.0%}"),
        "accuracy after": _number(after.accuracy if after else None, "{:.0%}"),
        "memory (est.)": _memory(job, frame), "how it ended": _ended(job),
    }


def compare_table(jobs: list) -> pd.DataFrame:
    """One column per run, one row per measure: fourteen measures fit a page's height, not its width."""
    names = run_names(jobs)
    rows = pd.DataFrame([table_row(names[job.id], job) for job in jobs]).set_index("run")
    return rows.T.rename_axis("measure")
