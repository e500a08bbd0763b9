"""The quiz-attempts Store, one per process; one clear message, fast, when the database fails.

Where the database is, first match wins:
  1. Streamlit secrets:   [database]  url = "postgresql+psycopg://user:pw@host/db"
  2. the environment:     ADAPTLAB_DB_URL=sqlite:////path/to/attempts.db
  3. the default:         sqlite file data/adaptlab.db in the repository (adaptlab.store)
The URL is passed to Store() in code, so tests can point it anywhere (STREAMLIT.md gotcha 2).

A failure is remembered for COOLDOWN_S per URL, process-wide: during that time every use of the
database fails at once (StoreUnavailable) instead of each page and each answer waiting out the
timeouts again. Learners see one message without paths, URLs or driver errors; the reason goes
to the server log (and to the unlocked Instructor page, `detail=True`). A try that could not be
saved waits in its session (`save_attempt`) and is saved, in order and with its own time, by
the first page run that finds the database back (`open_store`). A try counts as saved only
once its commit returned. Importing this module never imports torch.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import streamlit as st

from adaptlab.store import ENV_VAR, Store, StoreError
from ui.text import plain

log = logging.getLogger("adaptlab.app")
T = TypeVar("T")

COOLDOWN_S = 10.0  # after a failure, how long the database is left alone
PENDING_LIMIT = 500  # unsaved tries one session keeps (bounded memory)
UNAVAILABLE = ("Quiz results cannot be saved or read right now: the results database is not "
               "answering. Your answers are still graded and kept in this tab; they are saved "
               "as soon as the database is back.")
NOT_SAVED_YET = ("not saved yet: it is kept in this tab and saved automatically when the "
                 "database answers again (keep this tab open).")


class StoreUnavailable(StoreError):
    """Raised without touching the database while a recent failure is remembered."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason  # the remembered failure's own message, for the server's people


class Outage:
    """The last failure of one database, shared by every session (thread-safe)."""

    def __init__(self) -> None:
        self._until = 0.0
        self._reason = ""
        self._lock = threading.Lock()

    def check(self) -> None:
        if time.monotonic() < self._until:
            raise StoreUnavailable(UNAVAILABLE, self._reason)

    def begin(self, exc: StoreError) -> None:
        with self._lock:
            if time.monotonic() >= self._until:  # log each outage once, not every page run
                log.warning("quiz database failed; not retried for %.0f s: %s", COOLDOWN_S, exc)
            self._until, self._reason = time.monotonic() + COOLDOWN_S, str(exc)


@st.cache_resource(show_spinner=False)
def _outage(url: str | None) -> Outage:
    return Outage()


class AppStore(Store):
    """A Store whose failures pause every use of the database for COOLDOWN_S."""

    def __init__(self, url: str | None) -> None:
        self._outage = _outage(url)
        super().__init__(url)

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        self._outage.check()
        try:
            with super()._errors(action):
                yield
        except StoreUnavailable:
            raise
        except StoreError as exc:
            self._outage.begin(exc)
            raise


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
    # A StoreError is not cached; the Outage makes the retries wait COOLDOWN_S instead.
    return AppStore(url)


def get_store() -> Store:
    """The shared Store; raises StoreError (StoreUnavailable during a remembered outage)."""
    url = database_url()
    _outage(url).check()
    return _cached_store(url)


def show_store_error(exc: StoreError, detail: bool = False) -> None:
    """One clear message; the reason (which may name a path or URL) only with `detail`."""
    if not isinstance(exc, StoreUnavailable):
        log.warning("quiz database: %s", exc)
    reason = exc.reason if isinstance(exc, StoreUnavailable) else str(exc)
    shown = f"\n\nReason: {plain(reason, limit=600)}" if detail and reason else ""
    st.error(UNAVAILABLE + shown, icon=":material/database:")


# --- tries that wait for the database ---------------------------------------------------------

@dataclass
class PendingSaves:
    rows: list[dict[str, Any]] = field(default_factory=list)  # record_attempt keyword arguments
    done: list[Callable[[], None]] = field(default_factory=list)  # one per row: "it is saved"
    saved_late: int = 0  # saved by the last flush, to say so once


def pending_saves() -> PendingSaves:
    return st.session_state.setdefault("adaptlab.pending_saves", PendingSaves())


def save_attempt(learner: str, question_id: str, answer: Any, correct: bool, score: float,
                 on_saved: Callable[[], None] = lambda: None, **fields: Any) -> str:
    """Save one try (Store.record_attempt's arguments); "" once committed, else a message for
    the learner: the try then waits in this session and `on_saved` runs when it is saved."""
    row = {"learner": learner, "question_id": question_id, "answer": answer,
           "correct": correct, "score": score, "created_at": datetime.now(UTC), **fields}
    from ui.identity import unchecked

    pending = pending_saves()
    if not pending.rows and not unchecked():  # earlier tries first: none may overtake them
        try:
            get_store().record_attempt(**row)
            return ""
        except StoreError:
            pass  # logged once by the Outage
    if len(pending.rows) >= PENDING_LIMIT:
        return "not saved: this tab already holds as many unsaved tries as it can keep."
    pending.rows.append(row)
    pending.done.append(on_saved)
    return NOT_SAVED_YET


def drop_pending(learner: str) -> int:
    """Forget `learner`'s waiting tries (their name turned out not to be theirs); how many."""
    pending = pending_saves()
    keep = [i for i, row in enumerate(pending.rows) if row["learner"] != learner]
    dropped = len(pending.rows) - len(keep)
    pending.rows = [pending.rows[i] for i in keep]
    pending.done = [pending.done[i] for i in keep]
    return dropped


def flush_pending(store: Store) -> int:
    """Save waiting tries in order until one fails; return how many were saved. Nothing is
    saved while the learner's name still waits for its secret to be checked."""
    from ui.identity import unchecked

    pending, saved = pending_saves(), 0
    while pending.rows and not unchecked():
        try:
            store.record_attempt(**pending.rows[0])
        except StoreError:
            break
        pending.rows.pop(0)
        pending.done.pop(0)()
        saved += 1
    return saved


def open_store(detail: bool = False) -> Store | None:
    """The Store (after saving this tab's waiting tries), or None after one st.error."""
    try:
        store = get_store()
    except StoreError as exc:
        show_store_error(exc, detail)
        return None
    saved = flush_pending(store)
    if saved:
        st.success(f"The results database is back: saved {saved} earlier "
                   f"{'try' if saved == 1 else 'tries'} from this tab.",
                   icon=":material/database:")
    if pending_saves().rows:  # the database failed again while saving them
        show_store_error(StoreUnavailable(UNAVAILABLE), detail)
        return None
    return store


def read_safely(store: Store | None, read: Callable[[Store], T], detail: bool = False) -> T | None:
    """`read(store)`, or None when the database fails mid-read: st.error for the failure itself,
    nothing more for reads that fail at once because of it (one message per page run)."""
    if store is None:
        return None
    try:
        return read(store)
    except StoreUnavailable:
        return None
    except StoreError as exc:
        show_store_error(exc, detail)
        return None
