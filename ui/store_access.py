"""The quiz-attempts Store, one per process, and a friendly message when the database fails.

Where the database is, first match wins:
  1. Streamlit secrets:   [database]  url = "postgresql+psycopg://user:pw@host/db"
  2. the environment:     ADAPTLAB_DB_URL=sqlite:////path/to/attempts.db
  3. the default:         sqlite file data/adaptlab.db in the repository (adaptlab.store)
The URL is passed to Store() in code, so tests can point it anywhere (STREAMLIT.md gotcha 2).
A failure never shows a traceback: pages call `open_store()`, which shows st.error and returns
None, so the page keeps working without saving (Store's messages already say how to fix a bad
URL, a missing driver or an unreachable host). Importing this module never imports torch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from adaptlab.store import ENV_VAR, Store, StoreError
from ui.text import plain

log = logging.getLogger("adaptlab.app")
T = TypeVar("T")

UNAVAILABLE = ("Quiz results cannot be saved or read right now. Your answers are still graded, "
               "but they will not count towards your progress.")


def database_url() -> str | None:
    """The configured URL (secrets, then ADAPTLAB_DB_URL); None means Store's SQLite default."""
    try:
        section = st.secrets.get("database")
    except FileNotFoundError:  # StreamlitSecretNotFoundError subclasses it
        section = None  # no secrets file at all: that is the normal local setup
    if section and section.get("url"):
        return str(section["url"])
    return os.environ.get(ENV_VAR) or None


@st.cache_resource(show_spinner=False)
def _cached_store(url: str | None) -> Store:
    # Store holds an SQLAlchemy engine (a thread-safe pool): one per process for every session.
    # A StoreError is not cached, so the next rerun tries again once the database is back.
    return Store(url)


def get_store() -> Store:
    """The shared Store; raises StoreError (with a message fit to show) when it cannot open."""
    return _cached_store(database_url())


def show_store_error(exc: StoreError) -> None:
    """One clear message for learners; the full reason goes to the server log as well."""
    log.warning("quiz database: %s", exc)
    st.error(f"{UNAVAILABLE}\n\nReason: {plain(exc, limit=600)}",
             icon=":material/database:")


def open_store() -> Store | None:
    """The Store, or None after showing st.error when it cannot be opened."""
    try:
        return get_store()
    except StoreError as exc:
        show_store_error(exc)
        return None


def read_safely(store: Store | None, read: Callable[[Store], T]) -> T | None:
    """`read(store)`, or None (after st.error) when the database fails mid-read."""
    if store is None:
        return None
    try:
        return read(store)
    except StoreError as exc:
        show_store_error(exc)
        return None
