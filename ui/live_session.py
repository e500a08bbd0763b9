"""Class sessions for learners: join on Home, the tab's view of its session, shared caches.

The database (adaptlab.live) is the only truth: this tab keeps a copy of the learner's current
session (`LiveTab`), refreshed on every full page run, so a learner whose session ended, or who
left it in another tab, sees nothing of it after at most one page run or one poll of the live
panel (ui/live_question.py). Joining needs a proven learner (ui/identity.py): a tab that has not
signed in gets the name + secret fields in the join form itself. Light to import: adaptlab.live
(SQLAlchemy, the quiz bank) is imported only once a learner is signed in or a form is used.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st

from ui import identity
from ui.attempt_limits import FailureLimiter, wait_words
from ui.state import widget_key
from ui.text import plain

if TYPE_CHECKING:
    from adaptlab.live import ClassSession
    from adaptlab.live.cache import TTLCache

log = logging.getLogger("adaptlab.app")

HOME = "home"
CODE_KEY = widget_key(HOME, "join_code")
JOIN_LABEL = "In a class? Join the live session with the code on the projector"
MEMBERSHIP_TTL_S = 2.0  # a learner's session, shared by their tabs on this server
STATUS_TTL_S = 0.4  # a session's status and current question: poll + age stays well under 2 s
DB_DOWN = ("The live class cannot be reached right now: the results database is not answering. "
           "Try again in a minute.")


@dataclass
class LiveTab:
    """This tab's view of the learner's class session (the database decides; this caches)."""

    learner: str = ""
    session: ClassSession | None = None
    grades: dict[int, Any] = field(default_factory=dict)  # push id -> Grade, or None: no answer
    notices: dict[int, str] = field(default_factory=dict)  # push id -> why a submit failed
    orders: dict[int, tuple[list[str], int]] = field(default_factory=dict)  # order questions
    hidden: set[int] = field(default_factory=set)  # pushes the learner put away
    join_error: str = ""
    join_message: str = ""


def live_tab() -> LiveTab:
    tab = st.session_state.setdefault("adaptlab.live", LiveTab())
    who = identity.signed_in()
    if tab.learner != who:  # another learner in this tab: nothing of the last one's session
        tab.learner, tab.session, tab.hidden = who, None, set()
        tab.grades, tab.notices, tab.orders = {}, {}, {}
    return tab


@st.cache_resource(show_spinner=False)
def membership_cache() -> TTLCache:
    from adaptlab.live.cache import TTLCache

    return TTLCache(MEMBERSHIP_TTL_S)


@st.cache_resource(show_spinner=False)
def status_cache() -> TTLCache:
    """Session id -> LiveStatus, shared by every tab of this server (ui/live_question.py)."""
    from adaptlab.live.cache import TTLCache

    return TTLCache(STATUS_TTL_S)


@st.cache_resource(show_spinner=False)
def join_limiter() -> FailureLimiter:
    # Keyed by the learner: a class behind one NAT shares an address. Codes are 1 in ~9e8.
    return FailureLimiter(per_client=8, base_lock_s=30.0, overall=300)


def learner_session() -> ClassSession | None:
    """The signed-in learner's open session, read (through a 2 s cache) from the database;
    None for a learner who is not signed in or not in one. Keeps the last known one while
    the database does not answer: the live panel then says so."""
    tab = live_tab()
    if not tab.learner:
        return None
    from adaptlab.live import current_session_for_learner
    from adaptlab.store import StoreError
    from ui.store_access import get_store

    try:
        store = get_store()
        tab.session = membership_cache().get(
            tab.learner, lambda: current_session_for_learner(store, tab.learner))
    except StoreError:
        pass
    return tab.session


# --- joining on Home ---------------------------------------------------------------------------

def _join() -> None:
    """Form callback: check the code, sign in when the form asked for it, join."""
    from adaptlab.live import LiveError, join_session, normalise_code
    from adaptlab.store import StoreError
    from ui.store_access import get_store

    tab = st.session_state.setdefault("adaptlab.live", LiveTab())
    tab.join_error = tab.join_message = ""
    try:
        code = normalise_code(st.session_state.get(CODE_KEY, ""))
    except LiveError as exc:
        tab.join_error = str(exc)
        return
    if not identity.signed_in() and not identity.login_configured():
        identity._sign_in()  # the same check as the Quiz page's form (same fields)
        me = identity.identity()
        if not identity.signed_in():
            tab.join_error, me.error = me.error or "Give your name and secret to join.", ""
            return
    who = identity.signed_in()
    if not who:
        tab.join_error = "Log in first: the class session needs to know who you are."
        return
    wait = join_limiter().wait(who)
    if wait:
        tab.join_error = f"Too many wrong codes: try again in {wait_words(wait)}."
        return
    try:
        session = join_session(get_store(), code, who)
    except LiveError as exc:
        join_limiter().failed(who)
        tab.join_error = str(exc)
        return
    except StoreError:
        tab.join_error = DB_DOWN
        return
    join_limiter().succeeded(who)
    membership_cache().forget(who)
    tab = live_tab()
    tab.session = session
    tab.join_message = (f"You joined the class session {session.code}. Your instructor's "
                        "questions appear at the top of every page.")
    log.info("live class: a learner joined session %s", session.id)


def leave() -> None:
    """Button callback: leave the current session (in the database, for every tab)."""
    from adaptlab.live import leave_session
    from adaptlab.store import StoreError
    from ui.store_access import get_store

    tab = live_tab()
    if tab.session is None:
        return
    try:
        leave_session(get_store(), tab.session.id, tab.learner)
    except StoreError:
        tab.join_error = DB_DOWN
        return
    membership_cache().forget(tab.learner)
    tab.join_message, tab.session = f"You left the class session {tab.session.code}.", None


def _prefill() -> str | None:
    """The code of a ?join= link, if it looks like one (the form checks it properly)."""
    raw = st.query_params.get("join")
    cleaned = "".join(str(raw or "")[:40].split()).upper()
    return cleaned if cleaned.isascii() and cleaned.isalnum() and len(cleaned) <= 12 else None


def join_box() -> None:
    """Home: the learner's current session with a Leave button, or the join form (folded away
    unless a join link brought the learner here)."""
    tab = live_tab()
    session = learner_session()
    if tab.join_message:
        st.success(tab.join_message, icon=":material/groups:")
        tab.join_message = ""
    refused = bool(tab.join_error)
    if refused:
        st.error(plain(tab.join_error, limit=300), icon=":material/error:")
        tab.join_error = ""
    if session is None:
        # Open after a refused try too, so the learner can correct the code at once.
        with st.expander(JOIN_LABEL, expanded=bool(_prefill()) or refused,
                         icon=":material/groups:"):
            _join_form(tab)
        return
    with st.container(border=True, key=widget_key(HOME, "live")):
        title = f" ({plain(session.title)})" if session.title else ""
        st.markdown(f"**You are in the live class {session.code}**{title}. Questions from "
                    "your instructor appear at the top of every page.")
        st.button("Leave the class session", key=widget_key(HOME, "leave"), on_click=leave)


def _join_form(tab: LiveTab) -> None:
    signed, oidc = bool(tab.learner), identity.login_configured()
    if not signed and oidc:
        st.caption("Log in first (your answers are saved under your account), then join.")
        st.button("Log in", key=widget_key(HOME, "login"), on_click=st.login,
                  icon=":material/login:")
    with st.form(widget_key(HOME, "join_form")):
        st.text_input("Join code", key=CODE_KEY, max_chars=20, value=_prefill(),
                      placeholder="e.g. K7MQ3X", help="6 letters and digits, shown on the "
                      "projector. Lower case and spaces are fine.")
        if not signed and not oidc:
            st.text_input("Your name or an id", key=identity.NAME_KEY, max_chars=40,
                          help="The name your answers are saved under (as on the Quiz page).")
            st.text_input("Your secret (at least 8 characters)", key=identity.SECRET_KEY,
                          type="password", max_chars=200,
                          help="First time: choose one and remember it. Coming back: the same "
                               "name and secret as on the Quiz page.")
        label = "Join the class" if signed or oidc else "Sign in and join"
        st.form_submit_button(label, on_click=_join, icon=":material/groups:")
    if signed:
        st.caption(f"Joining as **{plain(identity.shown_name())}**.")
