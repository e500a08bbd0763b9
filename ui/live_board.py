"""The class lab board on the Live class page (issue 15, items 3 and 4).

`board_section` draws, for the instructor's session: the assignment of methods across its
learners on one task; the board, redrawn every BOARD_SECONDS: accuracy against trainable
parameters (log x), one point per finished run of the class, coloured and shaped by family, the
shipped reference sweep faint behind; the best run per method; a clicked point's settings; and
the room's gain per topic on the lesson path. No learner names on the board: the assignment list
with names is folded away. The learner's side (assignment on Train, recording runs) is
ui/live_runs.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from adaptlab.data import DEFAULT_TASK, task_title
from adaptlab.errors import UserInputError
from adaptlab.live import assignments, board, gains
from adaptlab.methods import REGISTRY
from adaptlab.store import StoreError
from adaptlab.viz import class_board
from ui.charts import plotly_chart
from ui.state import widget_key
from ui.text import plain, plural

if TYPE_CHECKING:
    from adaptlab.store import Store

PAGE = "live_board"
BOARD_SECONDS = 2.0  # the projector board's redraw (one indexed query)
GAINS_SECONDS = 5.0  # the room's gain: quizzes are answered minutes apart
CHART_KEY = widget_key(PAGE, "chart")


@dataclass
class BoardView:
    """What this instructor's tab keeps between the board's redraws."""

    selected: int | None = None  # the run whose settings are shown (a clicked point)
    gains: tuple | None = None  # (what they were computed from, [(path, table)])


def board_view() -> BoardView:
    return st.session_state.setdefault("adaptlab.live_board", BoardView())


# ---------------------------------------------------------------- instructor: assign

def _assign_form(store: Store, session_id: int) -> None:
    from adaptlab.data import list_tasks
    from adaptlab.live import members

    current = assignments.plan(store, session_id)
    tasks = [t.name for t in list_tasks()]
    task_key, methods_key = widget_key(PAGE, "task"), widget_key(PAGE, "methods")
    # The task every method learns with its defaults: on the facts task the soft prompts answer
    # nothing, and a board of zeros teaches the wrong lesson unless the instructor means it.
    first = DEFAULT_TASK if DEFAULT_TASK in tasks else tasks[0]
    st.session_state.setdefault(task_key, current.task if current else first)
    st.session_state.setdefault(methods_key, list(current.methods) if current else list(REGISTRY))
    # The eleven method names get the page's whole width (in a third of it, projector type cut
    # them to "Laye…"); the task and Assign share the row under them.
    chosen = st.multiselect("Methods, given out in turn", list(REGISTRY), key=methods_key,
                            format_func=board.title,
                            help="Learners get these in turn, in the order they joined; "
                                 "someone who joins later gets the next one.")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    task = left.selectbox("Task for the class", tasks, key=task_key, format_func=task_title)
    if right.button("Assign", key=widget_key(PAGE, "assign"), icon=":material/groups:",
                    type="primary", disabled=not chosen, width="stretch"):
        learners = [m.learner for m in members(store, session_id)]
        try:
            given = assignments.assign(store, session_id, learners, task, chosen)
        except UserInputError as exc:
            st.error(plain(exc, limit=300))
            return
        st.success(f"Assigned {len(chosen)} {plural('method', len(chosen))} to {len(given)} "
                   f"{plural('learner', len(given))} on {plain(task_title(task))}.")
    given = assignments.assignments(store, session_id)
    if given:
        with st.expander(f"Who trains what ({len(given)} {plural('learner', len(given))}; "
                         "names: keep this folded on the projector)"):
            st.dataframe(pd.DataFrame({"learner": list(given),
                                       "method": [board.title(m) for m in given.values()]}),
                         hide_index=True, column_config={"learner": "Learner", "method": "Method"})


# ---------------------------------------------------------------- the projector board

def _reference(task: str) -> tuple[pd.DataFrame, float | None, str]:
    from ui.reference_view import _sweep, reference_frame

    sweep, _problem = _sweep()
    reference = reference_frame(sweep, task) if sweep else pd.DataFrame(
        columns=["family", "trainable_params", "headline", "title", "chance"])
    chance = reference["chance"].dropna() if "chance" in reference else pd.Series(dtype=float)
    chance = float(chance.iloc[0]) if len(chance) else None
    metric = "balanced accuracy (held-out)" if chance is not None else "exact match (held-out)"
    return reference, chance, metric


def _selected_run(runs: pd.DataFrame) -> None:
    state = st.session_state.get(CHART_KEY)
    points = (state or {}).get("selection", {}).get("points", []) if state else []
    picked = [p["customdata"][0] for p in points if p.get("customdata")]
    view = board_view()
    if picked:
        view.selected = int(picked[0])
    shown = board.run_settings(runs, view.selected if view.selected is not None else -1)
    if shown is None:
        st.caption("Click a point to see that run's settings.")
        return
    st.markdown(f"**Selected run: {plain(shown['method'])}**, "
                f"{shown['held-out accuracy']:.0%} held-out")
    shown = {k: _shown(k, v) for k, v in shown.items()}
    keys = list(shown)
    half = (len(keys) + 1) // 2  # two tables side by side: half as tall on the projector
    for column, part in zip(st.columns(2), (keys[:half], keys[half:]), strict=True):
        column.dataframe(pd.DataFrame({"setting": part, "value": [shown[k] for k in part]}),
                         hide_index=True, width="stretch", height="content")


def _shown(key: str, value: object) -> str:
    if isinstance(value, float) and "accuracy" in key:
        return f"{value:.0%}"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000:
        return f"{value:,}"
    return str(value)


def best_table(best: pd.DataFrame) -> None:
    # Every method's row (up to 11): a projector shows the whole table, no scrolling.
    st.dataframe(best, hide_index=True, width="stretch", height="content", column_config={
        "method": None, "run": None, "title": "Method", "family": "Family", "runs": "Runs",
        "best_accuracy": st.column_config.NumberColumn("Best", format="percent"),
        "median_accuracy": st.column_config.NumberColumn("Median", format="percent"),
        "trainable_params": st.column_config.NumberColumn("Trainable parameters",
                                                          format="localized")})


def lab_board(store: Store, session_id: int) -> None:
    """The board itself: chart, best run per method, the clicked run's settings."""
    current = assignments.plan(store, session_id)
    if current is None:
        st.info("Assign methods above: each learner's finished runs then appear here.",
                icon=":material/scatter_plot:")
        return
    runs = board.runs(store, session_id, task=current.task)
    reference, chance, metric = _reference(current.task)
    titled = runs.assign(title=[board.title(m) for m in runs["method"]])
    plotly_chart(class_board(reference, titled, chance, metric), key=CHART_KEY,
                 on_select="rerun", selection_mode="points",
                 alt=f"{metric} against trainable parameters on {task_title(current.task)}: {len(runs)} runs "
                     f"of the class over {len(reference)} reference methods.")
    st.caption(f"{len(runs)} finished {plural('run', len(runs))} on {plain(task_title(current.task))}. "
               "Large outlined points: the class's runs (shape and colour: the family); faint "
               "points: the shipped reference sweep, each method's defaults.")
    st.markdown("**Best run per method**")
    best = board.best_per_method(runs)
    if best.empty:
        st.caption("No run has finished yet.")
    else:
        best_table(best)
    _selected_run(runs)


def gain_board(store: Store, session_id: int) -> None:
    """The room's gain per topic of each lesson path its learners took both quizzes of."""
    from adaptlab.live import get_session, members
    from adaptlab.quiz.paths import bundled_paths

    learners = [m.learner for m in members(store, session_id)]
    since = get_session(store, session_id).created_at  # this class's tries only
    mark = (session_id, tuple(learners), gains.attempts_mark(store, learners, since))
    view = board_view()
    if view.gains is None or view.gains[0] != mark:  # recomputed only when someone answered
        attempts = gains.session_attempts(store, learners, since)
        tables = [(path, gains.room_gains(path, attempts)) for path in bundled_paths()]
        view.gains = (mark, [(p, t) for p, t in tables if t["learners"].any()])
    cached = view.gains
    for path, table in cached[1]:
        st.markdown(f"**{plain(path.title)}**: gain per topic of the learners who took both "
                    "quizzes")
        pct = st.column_config.NumberColumn
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "topic": None, "title": "Topic", "learners": "Learners",
            "mean_before": pct("Before", format="percent"),
            "mean_after": pct("After", format="percent"),
            "gain": pct("Gain", format="percent", help="Mean after − mean before, in "
                        "percentage points of the mark."),
            "class_normalised_gain": pct("<g>", format="%.2f", help="Hake's class normalised "
                                         "gain: (after − before) / (1 − before).")})
    if not cached[1]:
        st.caption("The room's gain appears once learners of this session have taken a lesson "
                   "path's before-quiz and after-quiz (Quiz page).")


def _safely(draw, store: Store, session_id: int) -> None:
    try:
        draw(store, session_id)
    except StoreError as exc:
        from ui.store_access import show_store_error

        show_store_error(exc)


def board_section(store: Store, session_id: int) -> None:
    """The Live class page's lab board: assignment, the live board and the room's gain."""
    st.subheader("Class lab board")
    _safely(_assign_form, store, session_id)

    @st.fragment(run_every=BOARD_SECONDS)
    def live_board() -> None:
        _safely(lab_board, store, session_id)

    @st.fragment(run_every=GAINS_SECONDS)
    def live_gains() -> None:
        st.subheader("Before and after: the room's gain")
        _safely(gain_board, store, session_id)

    live_board()
    live_gains()
