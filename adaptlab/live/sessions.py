"""Class sessions: open, join with a code, who joined, end (by the instructor or the clock).

Every function reads or writes the database and keeps nothing in memory, so any replica (or a
restarted server) answers the same. A session's id is its primary key; its code is what people
type. "Open" means not ended and not past `expires_at`; nothing else is ever called current.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from adaptlab.live.tables import members_table, sessions_table, utc
from adaptlab.store import Store

# No 0/O, 1/I/L: a code read off a projector at the back of a room must not be ambiguous.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6  # 31**6 ~ 9e8 codes: unguessable enough for a lecture, short enough to type
DEFAULT_HOURS = 3.0
MAX_HOURS = 12.0
TITLE_LIMIT = 100
INSTRUCTOR = "instructor"  # one passcode, one instructor role: the Instructor pages' label
_CODE_TRIES = 8  # fresh codes drawn before giving up (a clash is ~1 in 1e8 per draw)


class LiveError(ValueError):
    """A request the live class cannot do; the message says why, for the person who asked."""


@dataclass(frozen=True)
class ClassSession:
    id: int
    code: str
    title: str
    instructor: str
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None = None

    def is_open(self, now: datetime | None = None) -> bool:
        return self.closed_at is None and (now or datetime.now(UTC)) < self.expires_at

    def ended_why(self, now: datetime | None = None) -> str:
        """Why it is not open, in words ("" while it is)."""
        if self.closed_at is not None:
            return f"The class session {self.code} has ended."
        if not self.is_open(now):
            return f"The class session {self.code} reached its time limit and has ended."
        return ""


@dataclass(frozen=True)
class Member:
    learner: str
    joined_at: datetime


def _session(row: Row) -> ClassSession:
    return ClassSession(row.id, row.code, row.title, row.instructor, utc(row.created_at),
                        utc(row.expires_at), utc(row.closed_at))


def normalise_code(text: object) -> str:
    """A typed code in canonical form ("k7m-q3x " -> "K7MQ3X"); LiveError says what is wrong."""
    code = re.sub(r"[\s\-_.]", "", str(text or "")).upper()
    if not code:
        raise LiveError("Type the join code shown on the projector.")
    wrong = sorted(set(code) - set(CODE_ALPHABET))
    if wrong or len(code) != CODE_LENGTH:
        raise LiveError(f"A join code is {CODE_LENGTH} letters and digits, e.g. K7MQ3X (it never "
                        "contains 0, 1, I, L or O). Check the code on the projector.")
    return code


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class _Duplicate(Exception):
    pass


def open_session(store: Store, title: str = "", instructor: str = INSTRUCTOR,
                 hours: float = DEFAULT_HOURS, now: datetime | None = None) -> ClassSession:
    """Open a session with a fresh code; LiveError if this instructor has one open already."""
    title = " ".join(str(title or "").split())
    if len(title) > TITLE_LIMIT:
        raise LiveError(f"The title is {len(title)} characters; keep it to {TITLE_LIMIT}.")
    if not 0 < hours <= MAX_HOURS:
        raise LiveError(f"A session lasts between a few minutes and {MAX_HOURS:g} hours; "
                        f"{hours:g} hours is outside that.")
    current = open_session_of_instructor(store, instructor, now)
    if current is not None:
        raise LiveError(f"Session {current.code} is still open: end it before opening another.")
    now = now or datetime.now(UTC)
    row = {"title": title, "instructor": instructor, "created_at": now,
           "expires_at": now + timedelta(hours=hours)}
    for _ in range(_CODE_TRIES):
        row["code"] = new_code()
        try:
            with store.transaction("save a class session to") as conn:
                try:
                    result = conn.execute(insert(sessions_table).values(row))
                except IntegrityError:
                    raise _Duplicate from None
        except _Duplicate:
            continue
        return ClassSession(result.inserted_primary_key[0], row["code"], title, instructor, now,
                            row["expires_at"])
    raise LiveError("Could not find a free join code; try again.")  # not in a lifetime


def get_session(store: Store, session_id: int) -> ClassSession | None:
    with store.reading() as conn:
        row = conn.execute(select(sessions_table).where(sessions_table.c.id == session_id)).first()
    return None if row is None else _session(row)


def _session_by_code(store: Store, code: str) -> ClassSession | None:
    with store.reading() as conn:
        row = conn.execute(select(sessions_table).where(sessions_table.c.code == code)).first()
    return None if row is None else _session(row)


def open_session_of_instructor(store: Store, instructor: str = INSTRUCTOR,
                               now: datetime | None = None) -> ClassSession | None:
    """The instructor's newest open session, or None."""
    query = (select(sessions_table)
             .where(sessions_table.c.instructor == instructor, sessions_table.c.closed_at.is_(None))
             .order_by(sessions_table.c.id.desc()))
    with store.reading() as conn:
        rows = conn.execute(query).all()
    return next((s for s in map(_session, rows) if s.is_open(now)), None)


def end_session(store: Store, session_id: int, now: datetime | None = None) -> None:
    """End the session now (a second call changes nothing)."""
    query = (update(sessions_table)
             .where(sessions_table.c.id == session_id, sessions_table.c.closed_at.is_(None))
             .values(closed_at=now or datetime.now(UTC)))
    with store.transaction("end a class session in") as conn:
        conn.execute(query)


def join_session(store: Store, code: object, learner: str,
                 now: datetime | None = None) -> ClassSession:
    """Add `learner` to the open session with `code` (joining twice is fine); LiveError if
    the code is malformed, unknown, or its session has ended."""
    if not learner.strip():
        raise LiveError("Sign in first: the session needs to know who you are.")
    code = normalise_code(code)
    session = _session_by_code(store, code)
    if session is None:
        raise LiveError(f"No class session has the code {code}. Check the code on the projector.")
    if not session.is_open(now):
        raise LiveError(session.ended_why(now) + " Ask your instructor for the new code.")
    row = {"session_id": session.id, "learner": learner.strip(),
           "joined_at": now or datetime.now(UTC)}
    try:
        with store.transaction("save your place in the class session to") as conn:
            try:
                conn.execute(insert(members_table).values(row))
            except IntegrityError:
                raise _Duplicate from None  # joined before (another tab): nothing to add
    except _Duplicate:
        pass
    return session


def leave_session(store: Store, session_id: int, learner: str) -> None:
    query = delete(members_table).where(members_table.c.session_id == session_id,
                                        members_table.c.learner == learner)
    with store.transaction("leave the class session in") as conn:
        conn.execute(query)


def current_session_for_learner(store: Store, learner: str,
                                now: datetime | None = None) -> ClassSession | None:
    """The newest open session `learner` has joined, or None (never a closed or expired one)."""
    if not learner:
        return None
    query = (select(sessions_table)
             .join(members_table, members_table.c.session_id == sessions_table.c.id)
             .where(members_table.c.learner == learner, sessions_table.c.closed_at.is_(None))
             .order_by(sessions_table.c.id.desc()))
    with store.reading() as conn:
        rows = conn.execute(query).all()
    return next((s for s in map(_session, rows) if s.is_open(now)), None)


def members(store: Store, session_id: int) -> list[Member]:
    """Who joined the session, in the order they joined."""
    query = (select(members_table.c.learner, members_table.c.joined_at)
             .where(members_table.c.session_id == session_id)
             .order_by(members_table.c.joined_at, members_table.c.learner))
    with store.reading() as conn:
        return [Member(r.learner, utc(r.joined_at)) for r in conn.execute(query)]
