"""Training jobs for this learner: the shared registry and small start/poll/cancel helpers.

One `JobRegistry` serves the whole process (`st.cache_resource`): a queue in front of a pool of
worker processes (adaptlab.training.workers) that hold the pristine bundled model and train
copies of it, so the server's event loop never waits on training. Pages poll jobs from a
fragment; a job belongs to its learner, so a learner can switch pages and come back to the same
run, and the Compare page finds every run of theirs. A run whose pages stopped polling (the tab
was closed) is cancelled within IDLE_SECONDS.

Pages keep their own "current job" (Train has one), stored in typed session state by page name.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import streamlit as st

from ui.state import training_runs
from ui.warmup import load_engine, when_loaded

if TYPE_CHECKING:  # torch is heavy: importing this module must stay cheap for light pages
    from adaptlab.training.jobs import JobRegistry, TrainingJob

SLOTS_ENV = "ADAPTLAB_TRAINING_SLOTS"
QUEUE_ENV = "ADAPTLAB_TRAINING_QUEUE"
DEFAULT_SLOTS = 2  # the classroom machine has 2 cores; one worker process with one thread each
DEFAULT_QUEUE = 60  # runs waiting at most: two per learner of a class of 30
IDLE_SECONDS = 20.0  # a run nobody polls for this long (tab closed) is cancelled
BUNDLED_MODEL = "mini"
_registry_made = False  # set by job_registry(): until then nobody has a run on this server


def _setting(name: str, env: str, default: int) -> int:
    """A positive whole number from secrets `[training] name`, then the environment."""
    try:
        section = st.secrets.get("training")
    except FileNotFoundError:  # no secrets file at all
        section = None
    raw = (section or {}).get(name) or os.environ.get(env)
    try:
        value = int(raw) if raw is not None else default
    except (TypeError, ValueError):
        return default  # a typo in the configuration must not take the Train page down
    return max(1, value)


def training_slots() -> int:
    """Runs that may compute at once: secrets `[training] max_concurrent`, then the environment."""
    return _setting("max_concurrent", SLOTS_ENV, DEFAULT_SLOTS)


def _release(registry: JobRegistry) -> None:
    registry.close()  # its worker processes end with it (a cleared cache, a test)


@st.cache_resource(show_spinner=False, on_release=_release)
def job_registry() -> JobRegistry:
    """The process-wide registry and its worker pool. Workers load the bundled model as they start
    (a broken model folder is reported when a learner presses Train, not here). Made on the first
    Train press or Diagnose run, never just to draw a page: it needs torch (ui/warmup.py)."""
    load_engine()  # only the warm-up thread may import transformers
    from adaptlab.training.jobs import JobRegistry

    global _registry_made
    _registry_made = True
    registry = JobRegistry(slots=training_slots(),
                           max_waiting=_setting("max_queue", QUEUE_ENV, DEFAULT_QUEUE),
                           idle_seconds=IDLE_SECONDS, preload=(BUNDLED_MODEL,))
    # torch, transformers and plotly are loaded by now: ~500k objects that live as long as the
    # process. Freezing them keeps Python's full collections from scanning them all (~0.4 s
    # holding the GIL, every few tens of seconds under a class's load: benchmarks/classroom.py
    # matched the largest health-endpoint spikes to them). Streamlit's own collection after every
    # rerun is off in .streamlit/config.toml for the same reason.
    gc.collect()
    gc.freeze()
    return registry


def session_owner() -> str:
    """This learner's id in the registry. A signed-in learner is one owner in every tab, so
    "one run per learner" is per person, not per tab; before signing in, this browser (every tab
    and reload of it: ui.browser_id). Runs the browser made before its learner signed in become
    theirs (Home sends learners to sign in on Quiz after the lab, and their runs must still be
    on Train and Compare)."""
    from ui.identity import proven_learner

    proven, browser = proven_learner(), training_runs().owner
    if not proven:
        return browser
    owner = f"learner:{proven}"
    registry = existing_registry()
    if registry is not None:
        registry.adopt(browser, owner)
    return owner


def start_job(page: str, method: str, settings: Mapping[str, Any], *, task: str | None = None,
              examples: Any = None, data_name: str = "", **training: Any) -> TrainingJob:
    """Start a run for this learner and make it `page`'s current job.

    Raises UserInputError (before any compute) when a setting is out of range, and QueueFull
    (a UserInputError) when the class queue is at its cap. The registry cancels this learner's
    previous unfinished run: one run per learner.
    """
    from ui.live_runs import tag_run

    job = job_registry().start(BUNDLED_MODEL, method, dict(settings), owner=session_owner(),
                               task=task, examples=examples, data_name=data_name, **training)
    training_runs().current[page] = job.id
    tag_run(job)  # started in a live class session: it goes on the class board once it ends
    return job


def prepare_workers() -> None:
    """Start the worker processes ahead of the first Train press (Train calls it), once the
    engine is imported: in the background, so the page does not wait for torch."""
    if not _registry_made:
        when_loaded(job_registry)


def existing_registry() -> JobRegistry | None:
    """The registry, or None when no run was ever started on this server: a page that only shows
    runs must not create it (and import torch) to find there are none."""
    return job_registry() if _registry_made else None


def current_job(page: str) -> TrainingJob | None:
    """The job `page` started last in this session, if the registry still has it. A session
    that has started none there (another tab, a reload) shows this learner's latest run."""
    registry = existing_registry()
    if registry is None:
        return None
    runs, owner = training_runs(), session_owner()
    if page not in runs.current:
        mine = registry.jobs(owner)
        return mine[-1] if mine else None
    job = registry.get(runs.current[page])
    return job if job is not None and job.owner == owner else None


def cancel_current(page: str) -> None:
    job = current_job(page)
    if job is not None:
        job.cancel()


def session_jobs() -> list[TrainingJob]:
    """Every run of this learner, oldest first (all pages). Reading them counts as looking at
    them, so the weights of runs a learner still compares are not released."""
    registry = existing_registry()
    jobs = registry.jobs(session_owner()) if registry is not None else []
    for job in jobs:
        job.touch()
    return jobs


def stop_all_runs() -> int:
    """The instructor's button: cancel every unfinished run of the class; how many."""
    registry = existing_registry()
    return registry.cancel_all() if registry is not None else 0


def keep_alive() -> bool:
    """Mark this learner's runs as watched (any page polls it); True if one still runs."""
    if "adaptlab.training_runs" not in st.session_state:
        return False  # no run started in this session: do not even create the registry
    from ui.live_runs import record_finished

    jobs = session_jobs()  # touches each run
    record_finished(jobs)  # a live class's finished runs go to its board, once each
    return any(not job.done for job in jobs)
