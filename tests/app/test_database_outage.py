"""A database that hangs or fails (issue 13): one clear message, fast pages, nothing lost.

The failure is remembered briefly (ui.store_access.COOLDOWN_S), so only the first page run waits
for the timeout; learners never see a URL, host, path or driver error.
"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, texts

SECRET = "test-secret-42"


@pytest.fixture
def silent_db(monkeypatch, silent_host) -> str:
    """ADAPTLAB_DB_URL pointing at a host that accepts connections and never answers."""
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://adaptlab:pw@127.0.0.1:{silent_host}/attempts"
    monkeypatch.setenv("ADAPTLAB_DB_URL", url)
    return url


def db_errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error if "cannot be saved or read" in e.value]


def timed(at: AppTest) -> float:
    start = time.monotonic()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return time.monotonic() - start


def test_a_silent_database_costs_one_wait_then_pages_render_at_once(silent_db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/quiz.py").run()
    at.text_input(key="quiz.name").input("tester")
    at.text_input(key="quiz.secret").input(SECRET)
    next(b for b in at.button if b.label == "Start the quiz").click()
    timed(at)  # the first contact waits out the connect timeout (a few seconds)
    assert len(db_errors(at)) == 1
    at.selectbox(key="quiz.section").select("classification")
    at.radio(key="quiz.mode").set_value("all")
    assert timed(at) < 1.5  # was ~10 s per run: every run retried the connection
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    at.button(key="quiz.cls-lialin-lora.submit").click()
    assert timed(at) < 1.5  # each answer too (was 20 s)
    assert "Correct" in texts(at.success) and len(db_errors(at)) == 1
    at.switch_page("pages/home.py")
    assert timed(at) < 1.5 and not at.error  # Home stays quiet


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://adaptlab:hunter22@127.0.0.1:1/attempts",
    "sqlite:////proc/adaptlab-denied/quiz.db",
    "nosuchdb://db.internal.example/x",
])
def test_learners_never_see_urls_paths_or_driver_errors(db_url, monkeypatch, url):
    monkeypatch.setenv("ADAPTLAB_DB_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/quiz.py").run()
    at.text_input(key="quiz.name").input("tester")
    at.text_input(key="quiz.secret").input(SECRET)
    next(b for b in at.button if b.label == "Start the quiz").click().run()
    shown = "\n".join(texts(group) for group in (at.error, at.warning, at.info, at.caption,
                                                 at.markdown))
    assert len(db_errors(at)) == 1
    for secret_bit in ("127.0.0.1", "hunter22", "adaptlab:", "/proc", "adaptlab-denied",
                       "nosuchdb", "db.internal", "psycopg", "sqlalchemy", "Connection refused"):
        assert secret_bit not in shown.replace("\\", ""), secret_bit


def test_tries_made_during_an_outage_are_saved_in_order_with_their_own_time(db_url, monkeypatch):
    from datetime import UTC, datetime

    from adaptlab.store import Store

    Store(db_url)  # the database exists; then it goes away
    monkeypatch.setenv("ADAPTLAB_DB_URL", "postgresql+psycopg://u:p@127.0.0.1:1/x")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/quiz.py").run()
    at.text_input(key="quiz.name").input("tester")
    at.text_input(key="quiz.secret").input(SECRET)
    next(b for b in at.button if b.label == "Start the quiz").click().run()
    at.selectbox(key="quiz.section").select("classification")
    at.radio(key="quiz.mode").set_value("all").run()
    for choice in ("additive", "selective", "reparam"):  # three tries, the last one right
        at.radio(key="quiz.cls-lialin-lora.answer").set_value(choice)
        at.button(key="quiz.cls-lialin-lora.submit").click().run()
    assert "Correct" in texts(at.success)
    back = datetime.now(UTC)
    monkeypatch.setenv("ADAPTLAB_DB_URL", db_url)  # the database answers again
    at.run()
    assert not at.exception and not db_errors(at)
    saved = Store(db_url).attempts("tester")
    assert [(a.answer, a.try_number) for a in saved] == [
        ("additive", 1), ("selective", 2), ("reparam", 3)]
    assert all(a.created_at.replace(tzinfo=UTC) <= back for a in saved)  # when they were made
    at.run()
    assert len(Store(db_url).attempts("tester")) == 3  # saved once, not again
