"""The live class tables, on adaptlab.store's metadata: Store() creates them with the rest.

Every row a learner or the instructor adds is committed on its own; the quiz attempt of a live
answer is committed in the same transaction as the answer (adaptlab.live.questions).
Times are UTC; SQLite hands them back without a zone, so readers pass them through `utc()`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adaptlab.store import metadata

Time = DateTime(timezone=True)

sessions_table = Table(
    "live_sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(12), nullable=False, unique=True),  # never reused: old codes say "ended"
    Column("title", String(100), nullable=False, default=""),
    Column("instructor", String(200), nullable=False, index=True),
    Column("created_at", Time, nullable=False),
    Column("expires_at", Time, nullable=False),
    Column("closed_at", Time, nullable=True),  # set by the instructor ending it
)
members_table = Table(
    "live_members", metadata,
    Column("session_id", Integer, ForeignKey("live_sessions.id"), primary_key=True),
    Column("learner", String(200), primary_key=True, index=True),
    Column("joined_at", Time, nullable=False),
)
pushes_table = Table(
    "live_pushes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("live_sessions.id"), nullable=False, index=True),
    Column("question_id", String(300), nullable=False),
    Column("pushed_at", Time, nullable=False),
    Column("revealed_at", Time, nullable=True),  # key shown, answers closed
)
answers_table = Table(
    "live_answers", metadata,
    # The primary key is the rule "one answer per learner per push", kept by the database.
    Column("push_id", Integer, ForeignKey("live_pushes.id"), primary_key=True),
    Column("learner", String(200), primary_key=True),
    Column("answer", Text, nullable=False),  # JSON, as in quiz_attempts
    Column("score", Float, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("attempt_id", Integer, nullable=False),  # its row in quiz_attempts
    Column("created_at", Time, nullable=False),
)
# What the instructor chose for a session: one task, the methods in rotation (JSON list).
plans_table = Table(
    "live_board_plans", metadata,
    Column("session_id", Integer, ForeignKey("live_sessions.id"), primary_key=True),
    Column("task", String(100), nullable=False),
    Column("methods", Text, nullable=False),
    Column("created_at", Time, nullable=False),
)
assignments_table = Table(
    "live_board_assignments", metadata,
    Column("session_id", Integer, ForeignKey("live_sessions.id"), primary_key=True),
    Column("learner", String(200), primary_key=True),
    Column("method", String(50), nullable=False),
    Column("task", String(100), nullable=False),
    Column("assigned_at", Time, nullable=False),
)
runs_table = Table(
    "live_board_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("live_sessions.id"), nullable=False, index=True),
    Column("run_id", String(64), nullable=False),  # the training job's id
    Column("learner", String(200), nullable=False),
    Column("method", String(50), nullable=False),
    Column("family", String(50), nullable=False),
    Column("task", String(100), nullable=False),
    Column("trainable_params", BigInteger, nullable=False),
    Column("total_params", BigInteger, nullable=False),
    Column("accuracy", Float, nullable=False),  # held-out, after training: Scores.headline
    Column("accuracy_before", Float, nullable=True),
    Column("chance", Float, nullable=True),  # label tasks only
    Column("outcome", String(20), nullable=False),  # "done", or "stopped" (diverged)
    Column("settings", Text, nullable=False),  # JSON: training settings + the method's own
    Column("finished_at", Time, nullable=False),
    UniqueConstraint("session_id", "run_id", name="uq_live_board_run"),  # record once per run
)


def utc(moment: datetime | None) -> datetime | None:
    """`moment` with its zone: SQLite returns stored UTC times naive."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
