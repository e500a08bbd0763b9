"""The instructor's view of the class's training runs: what computes, what waits, stop all."""

from __future__ import annotations

import streamlit as st

from ui.jobs import existing_registry, stop_all_runs, training_slots
from ui.state import widget_key


def _stop_all() -> None:
    st.session_state[widget_key("instructor", "stopped")] = stop_all_runs()


def class_runs_panel() -> None:
    registry = existing_registry()  # none yet: nobody has pressed Train on this server
    stats = (registry.stats() if registry is not None
             else {"busy": 0, "waiting": 0, "jobs": 0, "slots": training_slots()})
    running, waiting = stats["busy"], stats["waiting"]
    left, middle, right = st.columns(3)
    left.metric("Computing now", running, help=f"{stats['slots']} worker processes train runs.")
    middle.metric("Waiting", waiting, help="Runs queued for a free worker, class-wide.")
    right.metric("Runs kept", stats["jobs"], help="Finished runs keep their history and scores.")
    st.button("Stop all runs", key=widget_key("instructor", "stop_all"), on_click=_stop_all,
              icon=":material/stop_circle:", disabled=not (running or waiting),
              help="Cancels every unfinished run of every learner, e.g. before a demo. Learners "
                   "read 'Stopped by the instructor' and can start again.")
    stopped = st.session_state.pop(widget_key("instructor", "stopped"), None)
    if stopped is not None:
        st.success(f"Stopped {stopped} run{'s' if stopped != 1 else ''}.")
