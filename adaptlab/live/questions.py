"""Live questions: the instructor pushes a bank question to a session, learners answer once, the
instructor reveals the key.

A session's current question is its newest push. A push is open until revealed; the reveal
closes it for answers. An answer is saved in one transaction with its quiz attempt (context
`live:<session id>:<push id>`), so it counts in the learner's progress like any other try and
is never half saved. The database's primary key (push, learner) keeps it to one per learner.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from adaptlab.live.sessions import ClassSession, LiveError, _session
from adaptlab.live.tables import answers_table, pushes_table, sessions_table, utc
from adaptlab.quiz import AnswerError, Bank, Grade, Question, bundled_bank, grade
from adaptlab.quiz.scoring import LIVE_PREFIX
from adaptlab.store import Store, attempt_row, attempts_table


@dataclass(frozen=True)
class Push:
    id: int
    session_id: int
    question_id: str
    pushed_at: datetime
    revealed_at: datetime | None = None

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


@dataclass(frozen=True)
class LiveAnswer:
    """One learner's answer to one push. Charts use answer/score only, never `learner`."""

    push_id: int
    learner: str
    answer: Any
    score: float
    correct: bool
    created_at: datetime


@dataclass(frozen=True)
class LiveStatus:
    """What a learner's page needs each second: the session (None if unknown) and its current
    push (None before the first)."""

    session: ClassSession | None
    push: Push | None

    def is_open(self, now: datetime | None = None) -> bool:
        return self.session is not None and self.session.is_open(now)


def live_context(push: Push) -> str:
    """The quiz-attempt context of answers to `push`."""
    return f"{LIVE_PREFIX}{push.session_id}:{push.id}"


def _push(row: Row) -> Push:
    return Push(row.id, row.session_id, row.question_id, utc(row.pushed_at), utc(row.revealed_at))


def _open_session(conn: Any, session_id: int, now: datetime) -> ClassSession:
    row = conn.execute(select(sessions_table).where(sessions_table.c.id == session_id)).first()
    if row is None:
        raise LiveError("That class session does not exist.")
    session = _session(row)
    if not session.is_open(now):
        raise LiveError(session.ended_why(now))
    return session


def push_question(store: Store, session_id: int, question_id: str, bank: Bank | None = None,
                  now: datetime | None = None) -> Push:
    """Make a bank question the session's current one; LiveError for an unknown question or a
    session that has ended."""
    bank = bank or bundled_bank()
    if not any(q.id == question_id for q in bank.questions):
        raise LiveError(f"No question {question_id[:100]!r} in the question bank: pick one from "
                        "the list.")
    now = now or datetime.now(UTC)
    row = {"session_id": session_id, "question_id": question_id, "pushed_at": now}
    with store.transaction("save a live question to") as conn:
        _open_session(conn, session_id, now)
        push_id = conn.execute(insert(pushes_table).values(row)).inserted_primary_key[0]
    return Push(push_id, session_id, question_id, now)


def current_push(store: Store, session_id: int) -> Push | None:
    query = (select(pushes_table).where(pushes_table.c.session_id == session_id)
             .order_by(pushes_table.c.id.desc()).limit(1))
    with store.reading() as conn:
        row = conn.execute(query).first()
    return None if row is None else _push(row)


def reveal(store: Store, push_id: int, now: datetime | None = None) -> None:
    """Show the key of `push_id` and close it for answers (a second call changes nothing)."""
    query = (update(pushes_table)
             .where(pushes_table.c.id == push_id, pushes_table.c.revealed_at.is_(None))
             .values(revealed_at=now or datetime.now(UTC)))
    with store.transaction("save a reveal to") as conn:
        conn.execute(query)


def live_status(store: Store, session_id: int) -> LiveStatus:
    """The session and its newest push, in one query (what learners' pages poll)."""
    newest = (select(func.max(pushes_table.c.id))
              .where(pushes_table.c.session_id == sessions_table.c.id)
              .correlate(sessions_table).scalar_subquery())
    p = pushes_table.alias("p")
    query = (select(sessions_table, p.c.id.label("push_id"), p.c.question_id, p.c.pushed_at,
                    p.c.revealed_at)
             .select_from(sessions_table.outerjoin(p, p.c.id == newest))
             .where(sessions_table.c.id == session_id))
    with store.reading() as conn:
        row = conn.execute(query).first()
    if row is None:
        return LiveStatus(None, None)
    push = None if row.push_id is None else Push(row.push_id, session_id, row.question_id,
                                                 utc(row.pushed_at), utc(row.revealed_at))
    return LiveStatus(_session(row), push)


class _Answered(Exception):
    pass


def submit_answer(store: Store, push: Push, learner: str, question: Question, answer: Any,
                  now: datetime | None = None) -> Grade:
    """Grade and save `learner`'s one answer to `push`, with its quiz attempt, in one transaction.

    LiveError when the session has ended, the key was revealed, the learner answered already,
    or the answer does not fit the question; StoreError when the database fails.
    """
    if question.id != push.question_id:
        raise LiveError("That is not the question your instructor pushed: reload the page.")
    try:
        result = grade(question, answer)
    except AnswerError as exc:
        raise LiveError(f"That answer does not fit this question ({exc}).") from None
    now = now or datetime.now(UTC)
    attempt = attempt_row(learner, question.id, answer, result.correct, result.score,
                          topic=question.topic, wrong=list(result.wrong),
                          context=live_context(push), try_number=1, created_at=now)
    try:
        with store.transaction("save your answer to") as conn:
            _check_open(conn, push, now)
            try:
                conn.execute(insert(answers_table).values(
                    push_id=push.id, learner=attempt["learner"], answer=attempt["answer"],
                    score=result.score, correct=result.correct, attempt_id=0, created_at=now))
            except IntegrityError:
                raise _Answered from None
            saved = conn.execute(insert(attempts_table).values(attempt))
            conn.execute(update(answers_table)
                         .where(answers_table.c.push_id == push.id,
                                answers_table.c.learner == attempt["learner"])
                         .values(attempt_id=saved.inserted_primary_key[0]))
    except _Answered:
        raise LiveError("You have answered this question already: one answer per question.") \
            from None
    return result


def _check_open(conn: Any, push: Push, now: datetime) -> None:
    _open_session(conn, push.session_id, now)
    revealed = conn.execute(select(pushes_table.c.revealed_at)
                            .where(pushes_table.c.id == push.id)).scalar_one_or_none()
    if revealed is not None:
        raise LiveError("Answers to this question are closed: your instructor has shown the "
                        "answer.")


def _answer(row: Row) -> LiveAnswer:
    return LiveAnswer(row.push_id, row.learner, json.loads(row.answer), float(row.score),
                      bool(row.correct), utc(row.created_at))


def answer_of(store: Store, push_id: int, learner: str) -> LiveAnswer | None:
    query = select(answers_table).where(answers_table.c.push_id == push_id,
                                        answers_table.c.learner == learner)
    with store.reading() as conn:
        row = conn.execute(query).first()
    return None if row is None else _answer(row)


def push_answers(store: Store, push_id: int) -> list[LiveAnswer]:
    """Every answer to `push_id`, oldest first."""
    query = (select(answers_table).where(answers_table.c.push_id == push_id)
             .order_by(answers_table.c.created_at))
    with store.reading() as conn:
        return [_answer(r) for r in conn.execute(query)]
