"""The learner's side of the class lab board (issue 15): their assignment on Train, and their
finished runs recorded against their live class session.

`tag_run` (called by ui.jobs.start_job) remembers that a run was started in a live session;
`record_finished` (called by ui.jobs.keep_alive, which every page runs, and polls while a run
trains) stores each tagged run once it has finished: adaptlab.live.board.record_run keeps one
row per run, whichever tab or replica notices first. `assigned_run` prefills the Train page with
the method and task the instructor assigned. The board itself is ui/live_board.py.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import streamlit as st

from adaptlab.live import assignments, board
from adaptlab.store import StoreError
from ui.state import link_prefill, widget_key
from ui.store_access import get_store
from ui.text import plain

log = logging.getLogger("adaptlab.app")


class RunTags:
    """Runs started in a live session, until they are recorded: job id -> (session, learner)."""

    def __init__(self) -> None:
        self.tags: dict[str, tuple[int, str]] = {}
        self.lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def run_tags() -> RunTags:
    return RunTags()


def _learner_session() -> tuple[int, str] | None:
    """(session id, learner) of the signed-in learner's open class session (ui.live_session:
    cached 2 s, and the last known one while the database does not answer)."""
    from ui.live_session import learner_session, live_tab

    session = learner_session()
    return None if session is None or not session.is_open() else (session.id, live_tab().learner)


def tag_run(job: Any) -> None:
    """Remember that `job` belongs to the live session its learner is in (if any)."""
    found = _learner_session()
    if found is not None:
        tags = run_tags()
        with tags.lock:
            tags.tags[job.id] = found


def record_finished(jobs: list) -> int:
    """Store each tagged run of `jobs` that has finished; how many were new. A run without a
    score after training (stopped, failed) is dropped; a failed write is retried next time."""
    tags = run_tags()
    with tags.lock:
        ended = [(job, tags.tags[job.id]) for job in jobs if job.done and job.id in tags.tags]
    stored = 0
    for job, (session_id, who) in ended:
        summary = board.summarize(session_id, who, job)
        if summary is not None:
            try:
                stored += board.record_run(get_store(), summary)
            except StoreError as exc:
                log.warning("live board: run %s not recorded yet: %s", job.id, exc)
                continue
        with tags.lock:
            tags.tags.pop(job.id, None)
    return stored


def assigned_run(page: str, locked: bool = False) -> tuple[str, str] | None:
    """(method, task) the instructor assigned this learner in their live session, copied into
    the page's method and task pickers once per assignment (the learner may change them)."""
    found = _learner_session()
    try:
        assigned = assignments.assignment_for(get_store(), *found) if found else None
    except StoreError:
        return None  # the page itself reports the database
    if assigned is None or locked:
        return assigned
    method, task = assigned
    memory, signature = link_prefill(), f"{found[0]}:{method}:{task}"
    if memory.applied.get(f"{page}.live") != signature:
        memory.applied[f"{page}.live"] = signature
        st.session_state[widget_key(page, "method")] = method
        st.session_state[widget_key(page, "source")] = "bundled"
        st.session_state[widget_key(page, "task")] = task
    return assigned


def assignment_notice(assigned: tuple[str, str] | None) -> None:
    if assigned is not None:
        method, task = assigned
        st.info(f"Your instructor assigned you **{board.title(method)}** on **{plain(task)}**. "
                "Your finished runs appear on the class board.", icon=":material/groups:")
