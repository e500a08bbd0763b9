"""The live question on a learner's page: shown on every page, answered once, then the key.

A fragment polls every ~1 s (so a pushed question shows within 2 s without reloading) and
costs one dictionary lookup per tick: the session's status comes from a process-wide cache
refreshed at most every STATUS_TTL_S (ui/live_session.py), so a class of 60 on one server makes
about two small indexed queries a second between them. It draws nothing for a tab that is not
in an open session, and a session that ends disappears from the page at the next tick.
Answers use the Quiz page's controls (ui/quiz_controls.py) and grading, one answer per push.
The instructor's side is ui/live_host.py.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import streamlit as st

from ui.identity import signed_in
from ui.live_session import learner_session, live_tab, membership_cache, status_cache
from ui.script_slots import spread
from ui.state import widget_key
from ui.text import plain

if TYPE_CHECKING:
    from adaptlab.live import LiveStatus, Push
    from adaptlab.quiz import Question

log = logging.getLogger("adaptlab.app")

LIVE = "live"
POLL_S = 0.8  # stretched by up to a quarter per tab (ui.script_slots.spread): <= 1.0 s


def cached_status(session_id: int) -> LiveStatus:
    from adaptlab.live import live_status
    from ui.store_access import get_store

    store = get_store()
    return status_cache().get(session_id, lambda: live_status(store, session_id))


def question_by_id(question_id: str) -> Question | None:
    from adaptlab.quiz import bundled_bank

    return next((q for q in bundled_bank().questions if q.id == question_id), None)


# --- the learner's panel -----------------------------------------------------------------------

def live_panel() -> None:
    """On every page (app.py): the live question of the signed-in learner's session, if any."""
    if not signed_in():  # a visitor who has not signed in: nothing to import, nothing to poll
        return
    session = learner_session()
    if session is not None:
        _panel_fragment = st.fragment(run_every=spread(POLL_S, st.session_state))(_panel)
        _panel_fragment(session.id)


def _panel(session_id: int) -> None:
    from adaptlab.store import StoreError

    tab = live_tab()
    if tab.session is None or tab.session.id != session_id:
        st.rerun()  # left or switched in a callback: redraw the page without this panel
    try:
        status = cached_status(session_id)
    except StoreError:
        st.caption(f"Live class {tab.session.code}: waiting for the results database.")
        return
    if not status.is_open():  # ended or past its time: show nothing of it, stop polling
        membership_cache().forget(tab.learner)
        tab.session = None
        st.rerun()
    push = status.push
    if push is None or push.id in tab.hidden:
        st.caption(f"Live class {status.session.code}: you are in. Your instructor's "
                   "questions appear here.")
        return
    question = question_by_id(push.question_id)
    if question is None:
        return
    with st.container(border=True, key="live_panel"):  # class st-key-live_panel (browser test)
        _learner_question(question, push)


def _learner_question(question: Question, push: Push) -> None:
    from adaptlab.quiz import ChoiceQuestion

    tab = live_tab()
    st.markdown(f"**Question from your instructor** (live class {tab.session.code})")
    if isinstance(question, ChoiceQuestion) and question.situation:
        st.markdown(f"*Situation.* {question.situation}")
    st.markdown(question.prompt)
    grade = _my_grade(push)
    if grade is None and not push.revealed:
        _answer_form(question, push)
        notice = tab.notices.get(push.id)  # why the last send did not count; only while it can
        if notice:
            st.warning(plain(notice, limit=300), icon=":material/edit:")
    elif not push.revealed:
        st.success("Your answer is in. Your instructor shows the answer when the room is "
                   "ready.", icon=":material/how_to_reg:")
    else:
        _revealed(question, grade)
        st.button("Put this question away", key=widget_key(LIVE, "hide", str(push.id)),
                  on_click=tab.hidden.add, args=(push.id,))


def _my_grade(push: Push):
    """This learner's grade for `push` (None: no answer), read once per push and tab."""
    from adaptlab.live import answer_of
    from adaptlab.quiz import grade
    from adaptlab.store import StoreError
    from ui.store_access import get_store

    tab = live_tab()
    if push.id not in tab.grades:
        try:
            saved = answer_of(get_store(), push.id, tab.learner)
        except StoreError:
            return None
        question = question_by_id(push.question_id)
        tab.grades[push.id] = None if saved is None or question is None else \
            grade(question, saved.answer)
    return tab.grades[push.id]


def _answer_form(question: Question, push: Push) -> None:
    from adaptlab.quiz import (
        ChoiceQuestion,
        NumericQuestion,
        OrderQuestion,
        PairingQuestion,
        presentation,
    )
    from ui import quiz_controls as controls

    tab, context = live_tab(), f"live{push.id}"
    # Not "(one answer)": on a pick-several question that read as "pick one option".
    submit, once = "Send my answer", "You can send one answer to each question; it cannot be changed."
    if isinstance(question, OrderQuestion):
        order, moved = tab.orders.get(push.id) or (
            list(presentation(question, tab.learner).start), 0)
        taken = controls.take_order_move(question, context, moved)
        tab.orders[push.id] = taken or (order, moved)
        controls.order_widget(question, tab.orders[push.id][0], context)
        st.button(submit, key=widget_key(LIVE, "submit", str(push.id)), type="primary",
                  on_click=_send, args=(question, push), help=once)
        return
    with st.form(widget_key(LIVE, "form", str(push.id))):
        if isinstance(question, ChoiceQuestion):
            controls.choice_widgets(question, context, tab.learner)
        elif isinstance(question, PairingQuestion):
            controls.pairing_widgets(question, context, tab.learner)
        elif isinstance(question, NumericQuestion):
            controls.number_widget(question, context)
        st.form_submit_button(submit, type="primary", on_click=_send, args=(question, push),
                              help=once)


def _send(question: Question, push: Push) -> None:
    """Submit callback: read, grade and save the one answer (with its quiz attempt)."""
    from adaptlab.live import LiveError, submit_answer
    from adaptlab.quiz import OrderQuestion
    from adaptlab.store import StoreError
    from ui import quiz_controls as controls
    from ui.store_access import get_store

    tab, context = live_tab(), f"live{push.id}"
    tab.notices.pop(push.id, None)
    order = None
    if isinstance(question, OrderQuestion):
        order, moved = tab.orders.get(push.id) or ([], 0)
        taken = controls.take_order_move(question, context, moved)  # a move just before the click
        order = (taken or (order, moved))[0]
    try:
        answer = controls.read_answer(question, context, order)
        tab.grades[push.id] = submit_answer(get_store(), push, tab.learner, question, answer)
    except ValueError as exc:  # LiveError too: closed, answered already, a missing choice
        tab.notices[push.id] = str(exc)
        if isinstance(exc, LiveError):
            tab.grades.pop(push.id, None)  # read it again: another tab may have answered
    except StoreError:
        tab.notices[push.id] = ("Your answer could not be saved: the results database is not "
                                "answering. Try again in a moment.")


def _revealed(question: Question, grade) -> None:
    from adaptlab.live.tally import key_lines
    from ui.quiz_widgets import show_verdict

    if grade is None:
        st.info("You did not answer this one.", icon=":material/info:")
    else:
        show_verdict(grade, right="You were right")
    st.markdown("**The answer:**\n" + "\n".join(f"- {line}" for line in key_lines(question)))
    st.info(f"Explanation: {question.explanation}", icon=":material/school:")
