"""Settings AdaptLab refuses to run with, checked by app.py before any page runs.

Light on purpose (no pandas, no torch): app.py imports it on every page, Home included.
The rules: a configured instructor passcode must have at least MIN_PASSCODE_LENGTH characters
(a shorter one is guessed quickly); a login configured in secrets ([auth], Streamlit's st.login)
needs its package, streamlit[auth]. A broken rule stops every page with a message saying how to
fix it, so such a deployment never serves a class.
"""

from __future__ import annotations

import importlib.util
import logging
import os

import streamlit as st

log = logging.getLogger("adaptlab.app")

PASSCODE_ENV = "ADAPTLAB_INSTRUCTOR_PASSCODE"
MIN_PASSCODE_LENGTH = 12


def configured_passcode() -> str | None:
    """The instructor passcode: secrets `[instructor] passcode`, then the environment."""
    try:
        section = st.secrets.get("instructor")
    except FileNotFoundError:  # no secrets file at all
        section = None
    if section and section.get("passcode"):
        return str(section["passcode"])
    return os.environ.get(PASSCODE_ENV) or None


def passcode_problem() -> str | None:
    """Why the configured passcode is refused (too short), or None when it is fine or unset."""
    length = len((configured_passcode() or "").strip())  # an unset passcode is not refused
    if not length or length >= MIN_PASSCODE_LENGTH:
        return None
    return (f"AdaptLab does not start with this instructor passcode: it has {length} "
            f"characters and needs at least {MIN_PASSCODE_LENGTH} (a short one is guessed "
            f"quickly). Set a longer one in `{PASSCODE_ENV}` or in `[instructor] passcode` of "
            "`.streamlit/secrets.toml`, e.g. a few random words with a number, then restart "
            "the server.")


def login_problem() -> str | None:
    """Why the configured login cannot work (its package is missing), or None."""
    try:
        configured = bool(st.secrets.get("auth"))
    except FileNotFoundError:  # no secrets file at all
        configured = False
    if not configured or importlib.util.find_spec("authlib") is not None:
        return None
    return ("AdaptLab does not start: `.streamlit/secrets.toml` configures a login (`[auth]`), "
            "but its package is not installed. Run `pip install \"streamlit[auth]\"`, or remove "
            "the `[auth]` section to use names with secrets, then restart the server.")


def refuse_bad_config() -> None:
    """Stop the page with one clear message (and a server log line) when a setting is refused."""
    problem = passcode_problem() or login_problem()
    if problem is None:
        return
    log.error("refusing to serve pages: %s", problem)
    st.error(problem, icon=":material/gpp_bad:")
    st.stop()
