"""A database that hangs costs seconds, not minutes (issue 13): short timeouts in Store."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy.engine import make_url

from adaptlab.store import Store, StoreError, _postgres_args


def test_a_silent_postgres_host_fails_within_seconds(silent_host):
    pytest.importorskip("psycopg")
    start = time.monotonic()
    with pytest.raises(StoreError, match="timeout"):
        Store(f"postgresql+psycopg://u:p@127.0.0.1:{silent_host}/x")
    assert time.monotonic() - start < 6  # was > 10 s (5 s per attempt, SSL then plain)


def test_a_locked_sqlite_file_fails_within_seconds(tmp_path):
    url = f"sqlite:///{tmp_path / 'quiz.db'}"
    store = Store(url)
    holder = sqlite3.connect(tmp_path / "quiz.db", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing, and never finishing
    try:
        start = time.monotonic()
        with pytest.raises(StoreError, match="locked"):
            store.record_attempt("amy", "q1", "a", True, 1.0)
        assert time.monotonic() - start < 6  # was 30 s
    finally:
        holder.rollback()
        holder.close()
    assert store.record_attempt("amy", "q1", "a", True, 1.0)  # and works once it is free


def test_postgres_connections_carry_connect_and_statement_timeouts():
    args = _postgres_args(make_url("postgresql+psycopg://u:p@db/x"))
    assert args["connect_timeout"] <= 3
    assert args["options"] == "-c statement_timeout=5000"
    own = make_url("postgresql+psycopg://u:p@db/x?connect_timeout=9&options=-c%20x%3D1")
    assert _postgres_args(own) == {}  # a URL's own settings win
