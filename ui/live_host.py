"""The Live class page's sections: open a session, show its code, link and QR code, who joined;
push a bank question, watch the room's answers arrive as a chart (counts, no names), reveal.

The instructor's tab keeps nothing of the session: every run reads it from the database
(adaptlab.live), so a second tab, another replica or a restarted server shows the same one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from ui.live_question import question_by_id
from ui.live_session import status_cache
from ui.state import widget_key
from ui.text import plain

if TYPE_CHECKING:
    from adaptlab.live import ClassSession
    from adaptlab.store import Store

log = logging.getLogger("adaptlab.app")

LIVE = "live"
POLL_S = 1.0  # the projector: one tab, uncached reads
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def local_time(moment: datetime) -> str:
    """`moment` as HH:MM in the browser's time zone (UTC when it is unknown)."""
    try:
        zone = ZoneInfo(st.context.timezone) if st.context.timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    shown = moment.astimezone(zone).strftime("%H:%M")
    return shown + (" UTC" if zone is UTC else "")


def _left(until: datetime) -> str:
    minutes = max(0, int((until - datetime.now(UTC)) / timedelta(minutes=1)))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def open_form(store: Store) -> None:
    """No session is open: a title and a time limit, then Open."""
    from adaptlab.live import DEFAULT_HOURS, LiveError, open_session
    from adaptlab.live.sessions import MAX_HOURS, TITLE_LIMIT
    from adaptlab.store import StoreError

    st.info("No class session is open. Open one: learners join it from Home with its code.",
            icon=":material/groups:")
    with st.form(widget_key(LIVE, "open_form")):
        title = st.text_input("Title (optional)", max_chars=TITLE_LIMIT,
                              key=widget_key(LIVE, "title"), placeholder="e.g. Lecture 5: LoRA")
        hours = st.number_input("Ends by itself after (hours)", min_value=0.25,
                                max_value=MAX_HOURS, value=DEFAULT_HOURS, step=0.25,
                                key=widget_key(LIVE, "hours"),
                                help="You can end it earlier. Afterwards learners see "
                                     "nothing of it.")
        opened = st.form_submit_button("Open a class session", icon=":material/play_arrow:")
    if opened:
        try:
            session = open_session(store, title, hours=float(hours))
        except LiveError as exc:
            st.error(plain(exc, limit=300), icon=":material/error:")
            return
        except StoreError as exc:
            from ui.store_access import show_store_error

            show_store_error(exc, detail=True)
            return
        log.info("live class: session %s opened", session.id)
        st.rerun()


def _change_session(session_id: int, error: str, change: Callable[[Store], object]) -> None:
    """A button's change to the session, `change(store)`. A refusal is kept under `error` for
    the page's next run to show (a callback's own messages vanish with the rerun); on success
    the cached status is forgotten, so learners on this server see it at their next tick."""
    from adaptlab.live import LiveError
    from adaptlab.store import StoreError
    from ui.store_access import get_store

    try:
        change(get_store())
    except (LiveError, StoreError) as exc:
        st.session_state[widget_key(LIVE, error)] = str(exc)
        return
    status_cache().forget(session_id)


def _end(session_id: int) -> None:
    from adaptlab.live import end_session

    def end(store: Store) -> None:
        end_session(store, session_id)
        log.info("live class: session %s ended", session_id)

    _change_session(session_id, "end_error", end)


def join_details(session: ClassSession) -> None:
    """The code, large; the link and its QR code; the time limit and the End button."""
    from adaptlab.live.links import join_link, qr_png
    from ui.query import app_origin

    origin = app_origin()
    link = join_link(origin, session.code)
    code_col, qr_col = st.columns([3, 2], vertical_alignment="center")
    with code_col:
        if session.title:
            st.subheader(plain(session.title, limit=100))
        st.caption("Join code: open AdaptLab's Home page and type it")
        # The code uses only CODE_ALPHABET (A-Z, 2-9): nothing in it can be markup.
        st.html(f'<div role="text" aria-label="Join code {" ".join(session.code)}" '
                'style="font: 700 5rem/1.1 monospace; letter-spacing: 0.25em">'
                f"{session.code}</div>")
        st.code(link, language=None)
        st.caption(f"Open until {local_time(session.expires_at)} ({_left(session.expires_at)} "
                   "left), or until you end it.")
        with st.popover("End the class session", icon=":material/stop_circle:"):
            st.markdown("Learners stop seeing its questions at once. This cannot be undone.")
            st.button("End it now", key=widget_key(LIVE, "end"), type="primary",
                      on_click=_end, args=(session.id,))
        problem = st.session_state.pop(widget_key(LIVE, "end_error"), "")
        if problem:
            st.error(f"The session could not be ended: {plain(problem, limit=300)}",
                     icon=":material/database:")
    if urlsplit(origin).hostname in LOCAL_HOSTS:
        st.warning("This address is this computer's own: learners' devices cannot open it. "
                   "Open this page at the server's network address (the Network URL that "
                   "`streamlit run` prints) to show them a link and QR code that work.",
                   icon=":material/lan:")
    with qr_col:
        if origin:
            st.image(qr_png(link), caption="Scan to join", width=260,
                     alt=f"QR code of the join link {link}")
        else:
            st.caption("The QR code appears when this page is opened at the server's address.")


@st.fragment(run_every=2.0)
def joined_panel(session_id: int) -> None:
    """How many learners joined (live), and who, folded away: names stay off the projector
    unless the instructor opens the list."""
    import pandas as pd

    from adaptlab.live import members
    from adaptlab.store import StoreError
    from ui.store_access import get_store

    try:
        joined = members(get_store(), session_id)
    except StoreError:
        st.caption("Who has joined cannot be read right now (results database).")
        return
    st.metric("Learners joined", len(joined))
    with st.expander(f"Who has joined ({len(joined)})"):
        if joined:
            st.dataframe(pd.DataFrame({"learner": [m.learner for m in joined],
                                       "joined": [m.joined_at for m in joined]}),
                         hide_index=True, column_config={
                             "learner": "Learner", "joined": st.column_config.DatetimeColumn(
                                 "Joined", format="HH:mm:ss")})
        else:
            st.caption("Nobody yet.")


# --- live questions ----------------------------------------------------------------------------

def push_controls(session_id: int) -> None:
    """Pick a bank question (topic, then question) and push it to everyone in the session."""
    from adaptlab.quiz import TOPICS, bundled_bank

    bank = bundled_bank()
    topics = bank.topics()
    topic = st.selectbox("Topic", list(topics), format_func=topics.get,
                         key=widget_key(LIVE, "topic"))
    questions = {q.id: q for q in bank.by_topic(topic)} if topic else {}
    chosen = st.selectbox(
        "Question to push", list(questions), key=widget_key(LIVE, "question"),
        format_func=lambda qid: f"{questions[qid].asked_to}: "
                            f"{_short(questions[qid].prompt)}",
        help=f"Every question of the bank, any type ({len(bank.questions)} in {len(TOPICS)} "
             "topics). Pushing replaces the question on the learners' screens.")
    st.button("Push to the class", key=widget_key(LIVE, "push"), type="primary",
              icon=":material/send:", on_click=_push, args=(session_id, chosen))
    problem = st.session_state.pop(widget_key(LIVE, "push_error"), "")
    if problem:
        st.error(plain(problem, limit=300), icon=":material/error:")


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _push(session_id: int, question_id: str | None) -> None:
    from adaptlab.live import push_question

    if not question_id:
        st.session_state[widget_key(LIVE, "push_error")] = "Choose a question to push first."
        return

    def push(store: Store) -> None:
        pushed = push_question(store, session_id, question_id)
        log.info("live class: question pushed to session %s (push %s)", session_id, pushed.id)

    _change_session(session_id, "push_error", push)


def _reveal(session_id: int, push_id: int) -> None:
    from adaptlab.live import reveal

    _change_session(session_id, "push_error", lambda store: reveal(store, push_id))


@st.fragment(run_every=POLL_S)
def answers_panel(session_id: int) -> None:
    """The current question, its live answer chart (counts only, no names), and Reveal."""
    from adaptlab.live import live_status, push_answers
    from adaptlab.live.tally import answer_chart, key_lines, results, tally
    from adaptlab.quiz import TOPICS
    from adaptlab.store import StoreError
    from ui.charts import plotly_chart
    from ui.store_access import get_store

    try:
        store = get_store()
        status = live_status(store, session_id)
        answers = push_answers(store, status.push.id) if status.push else []
    except StoreError:
        st.caption("The answers cannot be read right now (results database).")
        return
    if not status.is_open():
        st.rerun()  # ended (here, in another tab, or by the clock): the page says so
    push = status.push
    question = question_by_id(push.question_id) if push else None
    if push is None or question is None:
        st.info("No question pushed yet. Pick one above and push it.", icon=":material/send:")
        return
    # The topic, as the Quiz page heads a question: the bank's id ("cls-lialin-lora") is noise
    # on a projector.
    st.markdown(f"**Live question** · {question.asked_to} · "
                f"{TOPICS.get(question.topic, '')}")
    st.markdown(question.prompt)
    frame = tally(question, answers)
    plotly_chart(answer_chart(frame, push.revealed, len(answers)), key=widget_key(LIVE, "chart"),
                 alt=f"{len(answers)} answers so far, counted per answer; no names.")
    if not push.revealed:
        st.button("Reveal the answer", key=widget_key(LIVE, "reveal"), type="primary",
                  icon=":material/visibility:", on_click=_reveal, args=(session_id, push.id),
                  help="Shows the key and the explanation here and on the learners' screens, "
                       "and closes the question for answers.")
        return
    counts = results(answers)
    st.markdown(" · ".join(f"**{n}** {what}" for what, n in counts.items()))
    st.markdown("**The answer:**\n" + "\n".join(f"- {line}" for line in key_lines(question)))
    st.info(f"Explanation: {question.explanation}", icon=":material/school:")
