"""Who the learner in this tab is, proven: Streamlit's login when configured, else name + secret.

- With an `[auth]` section in secrets (Streamlit's st.login, OIDC), the learner logs in and is
  their account's e-mail address (or subject id): st.user.
- Without it, a learner gives a name and a secret. The first session to use a name claims it;
  the store keeps only a salted scrypt hash (adaptlab.identity). Later sessions must give the
  same secret, so typing someone else's name gives nothing. The secret is never shown, logged
  or kept in session state. Wrong secrets for one name are limited like the instructor
  passcode (ui.attempt_limits), so nobody can try secrets for a name at speed.
The sidebar's display name is who the learner claims to be: changing it there signs this tab
out of the quiz until the new name's secret is given. Light to import (no pandas, no torch).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from adaptlab.identity import check_new_secret, check_secret, clean_name, hash_secret
from ui.attempt_limits import FailureLimiter, wait_words
from ui.state import learner, widget_key
from ui.text import plain

log = logging.getLogger("adaptlab.app")

PAGE = "quiz"
NAME_KEY, SECRET_KEY = widget_key(PAGE, "name"), widget_key(PAGE, "secret")
NEEDS_DATABASE = ("Signing in needs the results database, which is not answering right now. "
                  "Try again in a minute.")
TAKEN = ("This name is already in use and that is not its secret. If the name is yours, type "
         "your secret again (capitals count); if not, choose another name.")


@dataclass
class Identity:
    learner: str = ""  # the name this tab signed in with; "" = nobody
    # While the database is down the name cannot be checked: the secret waits here (server
    # memory only) and the tab may answer, but reads nothing and saves nothing until the check.
    unchecked_secret: str = ""
    error: str = ""  # why the last sign-in failed, shown once under the form
    new_name: bool = False  # the last sign-in claimed a name nobody had used: said once


def identity() -> Identity:
    return st.session_state.setdefault("adaptlab.identity", Identity())


@st.cache_resource(show_spinner=False)
def secret_limiter() -> FailureLimiter:
    # Keyed by the name tried, not the client: a class behind one NAT shares an address.
    return FailureLimiter(per_client=5, overall=200)


def login_configured() -> bool:
    """True when the deployment configures Streamlit's own login (an [auth] secrets section)."""
    try:
        return bool(st.secrets.get("auth"))
    except FileNotFoundError:  # no secrets file at all
        return False


def _account() -> tuple[str, str]:
    """(id, name to show) of the logged-in account; ("", "") when nobody is logged in."""
    user = st.user
    if not user.get("is_logged_in"):
        return "", ""
    account = str(user.get("email") or user.get("sub") or "")
    return account, str(user.get("name") or account)


def signed_in() -> str:
    """The learner id of this tab, or "" when the learner has not signed in (or renamed)."""
    if login_configured():
        return _account()[0]
    me = identity()
    if not me.learner or me.learner != learner().display_name:
        return ""
    if me.unchecked_secret:
        _check(me)
    return me.learner


def proven_learner() -> str:
    """The signed-in learner whose identity is already proven, without asking the database
    (for the training queue, which must not wait on it); "" otherwise."""
    if login_configured():
        return _account()[0]
    me = identity()
    proven = me.learner and me.learner == learner().display_name and not me.unchecked_secret
    return me.learner if proven else ""


def unchecked() -> bool:
    """True while this tab's name waits for the database to check its secret."""
    return bool(signed_in() and identity().unchecked_secret)


def shown_name() -> str:
    return _account()[1] if login_configured() else identity().learner


def sign_out() -> None:
    me = identity()
    me.learner, me.unchecked_secret = "", ""


def _sign_in() -> None:
    """Form callback: validate the name and secret, then check them (or claim a new name)."""
    me = identity()
    me.error, secret = "", str(st.session_state.get(SECRET_KEY, ""))
    st.session_state[SECRET_KEY] = ""  # never keep the secret in session state
    try:
        name = clean_name(st.session_state.get(NAME_KEY, ""))
        check_new_secret(secret, name)  # every stored secret was chosen under these rules
    except ValueError as exc:
        me.error = str(exc)
        return
    wait = secret_limiter().wait(name)
    if wait:
        me.error = (f"Too many wrong secrets for this name: try again in {wait_words(wait)}. "
                    "Your secret was not checked.")
        return
    me.learner, me.unchecked_secret = learner().rename(name), secret
    # Keep the sidebar field in step; allowed here because callbacks run before widgets.
    st.session_state[widget_key("sidebar", "display_name")] = name
    _check(me)


def _check(me: Identity) -> None:
    """Check the waiting secret against the store, claiming the name on its first use. While
    the database is down the sign-in stays unchecked; a wrong secret signs the tab out and drops
    the tries it made meanwhile (they were never reported as saved)."""
    from adaptlab.store import StoreError  # late: SQLAlchemy is not needed to show the form
    from ui.store_access import drop_pending, get_store

    name, secret = me.learner, me.unchecked_secret
    try:
        store = get_store()
        saved = store.learner_secret(name)
        if saved is None and store.claim_learner(name, *hash_secret(secret)):
            right, how = True, "claimed a new name"
        else:
            saved = saved or store.learner_secret(name)  # or claimed by another tab just now
            right, how = saved is not None and check_secret(secret, *saved), "signed in"
    except StoreError:
        return  # checked on a later run, once the database answers
    me.unchecked_secret = ""
    if right:
        secret_limiter().succeeded(name)
        me.new_name = how == "claimed a new name"
        log.info("quiz sign-in: a learner %s", how)
        return
    secret_limiter().failed(name)
    log.warning("quiz sign-in: wrong secret for a claimed name (%d recently)",
                secret_limiter().failures(name))
    me.learner, dropped = "", drop_pending(name)
    me.error = TAKEN + (f" The {dropped} answer(s) given before the check were not saved."
                        if dropped else "")


def identity_bar() -> None:
    """Who is answering, with the button to sign (or log) out."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    note = (" Your name is checked and your answers saved once the results database answers "
            "again." if unchecked() else "")
    left.caption(f"Answering as **{plain(shown_name())}**.{note}")
    me = identity()
    if me.new_name:  # "Walker4" after answering as "walker4" is a new, empty name: say so
        st.info(f"New name: nothing was saved under {plain(me.learner)!r} before. Names are "
                "matched exactly, capitals included: if you have answered under another "
                "spelling, sign out and sign in with that one.", icon=":material/person_add:")
        me.new_name = False
    if login_configured():
        right.button("Log out", key=widget_key(PAGE, "logout"), on_click=st.logout)
    else:
        right.button("Sign out", key=widget_key(PAGE, "sign_out"), on_click=sign_out,
                     help="Another learner can then sign in on this device.")


def sign_in_form() -> None:
    """The login button, or the name + secret form, with the last error under it."""
    if login_configured():
        st.info("Log in to take the quiz: your answers are saved under your account.",
                icon=":material/login:")
        st.button("Log in", key=widget_key(PAGE, "login"), on_click=st.login,
                  icon=":material/login:")
        return
    with st.form(widget_key(PAGE, "name_form")):
        st.text_input("Your name or an id", key=NAME_KEY, max_chars=40,
                      value=learner().display_name or None,
                      help="It keeps your answers apart from other learners'. Anything works: "
                           "a first name, a nickname, a student id.")
        st.text_input("Your secret (at least 8 characters)", key=SECRET_KEY, type="password",
                      max_chars=200, help="First time: choose one and remember it. Next time, "
                      "the same name and secret bring your answers back. It is stored only as "
                      "a hash and never shown again; do not reuse a real password.")
        st.form_submit_button("Start the quiz", on_click=_sign_in)
    me = identity()
    if me.error:
        st.error(plain(me.error, limit=300), icon=":material/error:")
        me.error = ""
    st.info("Give a name and a secret to start. First time here? Choose both and remember the "
            "secret. Coming back? Type the same two: "
            "someone else's name without its secret shows nothing of theirs.",
            icon=":material/key:")
