"""Attempts persist across restarts, survive kill -9, and 20 concurrent writers lose nothing;
a database from before try numbers and contexts were stored is upgraded in place."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from adaptlab.quiz import bundled_bank, submit
from adaptlab.store import Store, StoreError, default_url

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'attempts.db'}"


def test_a_configured_sqlite_path_in_a_missing_folder_is_named_not_created(tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(StoreError, match=r"no-such-folder does not exist; create it first"):
        Store(f"sqlite:///{missing / 'attempts.db'}")
    assert not missing.exists()


def test_a_missing_driver_says_how_to_install_it():
    with pytest.raises(StoreError, match=r"driver \(pg8000\) is not installed\. Run pip install "
                                         r"pg8000, or use postgresql\+psycopg://"):
        Store("postgresql+pg8000://u:p@127.0.0.1/x")


def test_default_url_is_data_folder_or_env(monkeypatch):
    monkeypatch.delenv("ADAPTLAB_DB_URL", raising=False)
    assert default_url().endswith("/data/adaptlab.db")
    monkeypatch.setenv("ADAPTLAB_DB_URL", "sqlite:///elsewhere.db")
    assert default_url() == "sqlite:///elsewhere.db"


def test_wal_mode_and_persistence_across_restart(url):
    store = Store(url)
    first = store.record_attempt("ann", "q1", {"a": "b"}, False, 0.5, topic="mechanisms",
                                 wrong=["a->b"])
    store.close()
    again = Store(url)
    (attempt,) = again.attempts("ann")
    assert attempt.id == first and attempt.answer == {"a": "b"} and attempt.wrong == ("a->b",)
    path = url.removeprefix("sqlite:///")
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_submit_grades_and_records_and_stats_use_the_policy(url):
    store, bank = Store(url), bundled_bank()
    submit(store, "ann", bank.get("cls-lialin-lora"), "additive", try_number=1)
    submit(store, "ann", bank.get("cls-lialin-lora"), "reparam", try_number=2)
    submit(store, "bob", bank.get("cls-lialin-lora"), "additive", try_number=1)
    submit(store, "bob", bank.get("mech-ia3"), ["keys", "queries"], try_number=1)
    stats = store.question_stats().set_index("question_id")
    row = stats.loc["cls-lialin-lora"]
    assert row.attempts == 3 and row.learners == 2 and row.percent_right_first_try == 0.0
    assert row.mean_mark == pytest.approx((2 / 3 + 0) / 2, abs=1e-3)  # ann: right on try 2
    assert row.most_chosen_wrong == "additive" and row.most_chosen_wrong_count == 2
    progress = store.progress("ann").set_index("topic")
    assert progress.loc["classification", "questions_correct"] == 1
    learners = store.learner_progress().set_index("learner")
    assert learners.loc["bob", "questions_attempted"] == 2
    csv_text = store.results_csv()
    assert csv_text.splitlines()[0].startswith("table,question_id")


def test_context_and_try_number_round_trip(url):
    store = Store(url)
    store.record_attempt("ann", "q1", 1.0, True, 1.0, context="path:p:after", try_number=1)
    (attempt,) = store.attempts("ann")
    assert (attempt.context, attempt.try_number) == ("path:p:after", 1)
    assert store.attempts_frame("ann").iloc[0]["context"] == "path:p:after"


OLD_SCHEMA = """CREATE TABLE quiz_attempts (
    id INTEGER PRIMARY KEY, learner VARCHAR(200) NOT NULL, question_id VARCHAR(300) NOT NULL,
    topic VARCHAR(100) NOT NULL, answer TEXT NOT NULL, correct BOOLEAN NOT NULL,
    score FLOAT NOT NULL, wrong TEXT NOT NULL, created_at DATETIME NOT NULL)"""


def test_a_database_from_before_contexts_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the table as the previous release created it
        conn.execute(OLD_SCHEMA)
        for n, (answer, score) in enumerate([("additive", 0.0), ("reparam", 1.0)], start=1):
            conn.execute("INSERT INTO quiz_attempts VALUES (?, 'ann', 'cls-lialin-lora', "
                         "'classification', ?, ?, ?, '[]', '2025-01-01 10:00:00')",
                         (n, f'"{answer}"', score == 1.0, score))
    store = Store(f"sqlite:///{path}")
    old = store.attempts("ann")
    assert [(a.context, a.try_number) for a in old] == [("", None), ("", None)]
    # legacy rows form one go: wrong, then right -> right on try 2
    assert store.question_stats().iloc[0]["mean_mark"] == pytest.approx(0.667, abs=1e-3)
    store.record_attempt("ann", "q2", "a", True, 1.0, context="path:p:before", try_number=1)
    Store(f"sqlite:///{path}").close()  # opening again finds the columns and adds nothing
    assert len(Store(f"sqlite:///{path}").attempts("ann")) == 3


@pytest.mark.skipif(not os.environ.get("ADAPTLAB_TEST_POSTGRES_URL"),
                    reason="needs ADAPTLAB_TEST_POSTGRES_URL (set by .ci/run)")
def test_postgresql_upgrade_and_round_trip():
    from sqlalchemy import create_engine, text

    pg_url = os.environ["ADAPTLAB_TEST_POSTGRES_URL"]
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS quiz_attempts"))
        conn.execute(text(OLD_SCHEMA.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")
                          .replace("DATETIME", "TIMESTAMP WITH TIME ZONE")))
        conn.execute(text("INSERT INTO quiz_attempts (learner, question_id, topic, answer, "
                          "correct, score, wrong, created_at) VALUES ('ann', 'q1', 't', '\"a\"',"
                          " true, 1.0, '[]', now())"))
    engine.dispose()
    store = Store(pg_url)
    store.record_attempt("ann", "q2", "b", False, 0.0, context="path:p:before", try_number=1)
    assert [(a.context, a.try_number) for a in store.attempts("ann")] == [
        ("", None), ("path:p:before", 1)]
    store.close()


def test_bad_database_raises_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Could not open the quiz results database"):
        Store(f"sqlite:///{blocker / 'x.db'}")
    with pytest.raises(StoreError, match="Bad database URL"):
        Store("not a url")
    with pytest.raises(StoreError, match="learner"):
        Store(f"sqlite:///{tmp_path / 'ok.db'}").record_attempt(" ", "q", "a", True, 1)


def _write_many(url: str, learner: str, n: int) -> None:
    store = Store(url)
    for i in range(n):
        store.record_attempt(learner, f"q{i}", i, i % 2 == 0, 1.0)
    store.close()


def test_twenty_threads_lose_nothing(url):
    Store(url).close()
    threads = [threading.Thread(target=_write_many, args=(url, f"t{n}", 10)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(Store(url).attempts()) == 200


def test_twenty_processes_lose_nothing(url):
    ctx = multiprocessing.get_context("fork")  # fork: no re-import, keeps the test fast
    procs = [ctx.Process(target=_write_many, args=(url, f"p{n}", 5)) for n in range(20)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    rows = Store(url).attempts()
    assert len(rows) == 100 and len({r.learner for r in rows}) == 20


WRITER = textwrap.dedent("""
    import sys
    from adaptlab.store import Store
    store = Store(sys.argv[1])
    i = 0
    while True:
        attempt_id = store.record_attempt("k", f"q{i}", {"i": i}, True, 1.0)
        print(attempt_id, flush=True)  # reported only after the commit returned
        i += 1
""")


def test_kill_9_mid_write_loses_no_committed_attempt(url):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    committed = [int(proc.stdout.readline()) for _ in range(60)]
    proc.send_signal(signal.SIGKILL)  # mid-loop: very likely inside a transaction
    proc.wait()
    committed += [int(line) for line in proc.stdout.read().split()]
    path = url.removeprefix("sqlite:///")
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {a.id for a in Store(url).attempts()}
    assert set(committed) <= stored
