"""Background training jobs for this session: the shared registry and small start/poll/cancel helpers.

One `JobRegistry` serves the whole process (`st.cache_resource`): it holds the pristine bundled
model (loaded once, `.eval()`, only ever read: each job trains its own deep copy, see the peft
in-place trap in ../shared/STREAMLIT.md) and the compute gate that lets `training_slots()` runs
compute at once. Jobs run in worker threads that never call `st.*`; pages poll them from a
fragment. A job belongs to its session's owner id, so a learner can switch pages and come back
to the same run, and the Compare page finds every run of this session.

Pages keep their own "current job" (Train and Diagnose each have one), stored in typed session
state by page name.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import streamlit as st

from ui.state import training_runs

if TYPE_CHECKING:  # torch is heavy: importing this module must stay cheap for light pages
    from adaptlab.jobs import JobRegistry, TrainingJob

SLOTS_ENV = "ADAPTLAB_TRAINING_SLOTS"
DEFAULT_SLOTS = 2  # the classroom machine has 2 cores; one torch thread per run
BUNDLED_MODEL = "mini"


def training_slots() -> int:
    """Runs that may compute at once: secrets `[training] max_concurrent`, then the environment."""
    try:
        section = st.secrets.get("training")
    except FileNotFoundError:  # no secrets file at all
        section = None
    raw = (section or {}).get("max_concurrent") or os.environ.get(SLOTS_ENV)
    try:
        slots = int(raw) if raw is not None else DEFAULT_SLOTS
    except (TypeError, ValueError):
        return DEFAULT_SLOTS  # a typo in the configuration must not take the Train page down
    return max(1, slots)


@st.cache_resource(show_spinner=False)
def job_registry() -> JobRegistry:
    """The process-wide registry and its compute gate. The bundled model is loaded by the first
    run that needs it (JobRegistry.base), so listing runs never fails on a broken model folder."""
    from adaptlab.jobs import ComputeGate, JobRegistry

    registry = JobRegistry(ComputeGate(slots=training_slots()))
    # torch, transformers and plotly are loaded by now: ~500k objects that live as long as the
    # process. Freezing them keeps Python's full collections from scanning them all (~0.4 s
    # holding the GIL, every few tens of seconds under a class's load: benchmarks/classroom.py
    # matched the largest health-endpoint spikes to them). Streamlit's own collection after every
    # rerun is off in .streamlit/config.toml for the same reason.
    gc.collect()
    gc.freeze()
    return registry


def session_owner() -> str:
    """This session's id in the registry: its runs are its own."""
    return training_runs().owner


def start_job(page: str, method: str, settings: Mapping[str, Any], *, task: str | None = None,
              examples: Any = None, **training: Any) -> TrainingJob:
    """Start a run for this session and make it `page`'s current job.

    Raises UserInputError (before any compute) when a setting is out of range. The registry
    cancels this session's previous unfinished run: one slot per learner.
    """
    job = job_registry().start(BUNDLED_MODEL, method, dict(settings), owner=session_owner(),
                               task=task, examples=examples, **training)
    training_runs().current[page] = job.id
    return job


def current_job(page: str) -> TrainingJob | None:
    """The job `page` started last in this session, if the registry still has it."""
    job = job_registry().get(training_runs().current.get(page))
    return job if job is not None and job.owner == session_owner() else None


def cancel_current(page: str) -> None:
    job = current_job(page)
    if job is not None:
        job.cancel()


def session_jobs() -> list[TrainingJob]:
    """Every run of this session, oldest first (all pages)."""
    return job_registry().jobs(session_owner())
