"""Guessing the instructor passcode (issue 13): limited across sessions, logged, never short.

Each AppTest is a new session, as a new browser tab would be: a per-session counter stops no
one, so these tests open a fresh session for every guess.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from tests.app.conftest import open_instructor, texts, unlock
from ui import attempt_limits
from ui.attempt_limits import FailureLimiter

ROOT = Path(__file__).resolve().parents[2]
PASSCODE = "correct horse battery staple"
ENV = "ADAPTLAB_INSTRUCTOR_PASSCODE"


def unlocked(at) -> bool:
    return bool(at.get("download_button")) or any(b.label == "Lock the dashboard"
                                                  for b in at.button)


def guess_in_a_new_session(guess: str):
    return unlock(open_instructor(), guess)


def test_wrong_guesses_from_many_sessions_lock_the_client_out(db_url, monkeypatch):
    monkeypatch.setenv(ENV, PASSCODE)
    for n in range(5):
        at = guess_in_a_new_session(f"guess number {n}")
        assert not unlocked(at) and "Wrong passcode" in texts(at.error)
    at = guess_in_a_new_session(PASSCODE)  # even the right passcode is not checked now
    assert not unlocked(at)
    assert "Too many wrong passcodes from your network" in texts(at.error)
    assert "was not checked" in texts(at.error)


def test_many_clients_together_pause_checks_for_everyone(db_url, monkeypatch):
    monkeypatch.setenv(ENV, PASSCODE)
    clients = iter(f"203.0.113.{n}" for n in range(1, 200))
    monkeypatch.setattr("ui.instructor_auth.client_key", lambda: next(clients))
    for n in range(20):  # 20 clients, one guess each: no client is over its own limit
        assert not unlocked(guess_in_a_new_session(f"spray {n}"))
    at = guess_in_a_new_session(PASSCODE)
    assert not unlocked(at) and "paused for everyone" in texts(at.error)


def test_wrong_guesses_are_logged_without_the_guess(db_url, monkeypatch, caplog):
    monkeypatch.setenv(ENV, PASSCODE)
    secret_guess = "my-guess-" + "q7w8e9"
    with caplog.at_level(logging.INFO, logger="adaptlab.app"):
        guess_in_a_new_session(secret_guess)
        guess_in_a_new_session(PASSCODE)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "wrong guess from localhost" in logged and "unlocked from localhost" in logged
    assert secret_guess not in logged and PASSCODE not in logged


@pytest.mark.parametrize("short", ["hunter2", "password1", "  eleven-ch  ", "x" * 11])
def test_a_short_passcode_stops_every_page_with_a_clear_message(db_url, monkeypatch, short):
    monkeypatch.setenv(ENV, short)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../../app.py", default_timeout=30).run()  # Home, the first page
    assert not at.exception
    message = texts(at.error)
    assert "does not start with this instructor passcode" in message and "12" in message
    assert short.strip() not in message  # the message never repeats the passcode
    assert not at.title and not at.main.button  # no page ran
    at.switch_page("pages/instructor.py").run()
    assert not at.main.text_input and not unlocked(at)


def test_a_twelve_character_passcode_is_accepted(db_url, monkeypatch):
    monkeypatch.setenv(ENV, "x" * 12)
    assert unlocked(unlock(open_instructor(), "x" * 12))


def test_the_documented_example_passcodes_are_not_words():
    files = [ROOT / "README.md", ROOT / "docs" / "deploy.md", ROOT / "ui" / "instructor_auth.py"]
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        found += re.findall(r"PASSCODE[\"']?\s*[=:]\s*['\"]?([^'\"\s$]+)", text)
        found += re.findall(r"passcode = \"([^\"]+)\"", text)
        found += re.findall(r"e\.g\. `([^`]+)` \(pick your own", text)
    from ui.instructor_auth import EXAMPLE  # what the Instructor page itself suggests

    examples = [f for f in found if not f.startswith(("{", "...", "<"))] + [EXAMPLE]
    assert examples, "the docs show an example passcode"
    for example in examples:
        assert len(example) >= 12 and re.search(r"\d", example) and "-" in example, example


# --- the limiter itself, on a fake clock ------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_doubles_the_wait_and_forgets_old_failures():
    clock = Clock()
    limiter = FailureLimiter(per_client=3, window_s=600, base_lock_s=10, max_lock_s=40,
                             overall=100, clock=clock)
    assert not limiter.failed("a") and not limiter.failed("a")
    assert limiter.failed("a").seconds == 10
    assert limiter.wait("b").seconds == 0  # another client is not affected
    clock.now += 10
    assert not limiter.wait("a")
    assert limiter.failed("a").seconds == 20
    clock.now += 20
    assert limiter.failed("a").seconds == 40
    clock.now += 40
    assert limiter.failed("a").seconds == 40  # capped
    clock.now += 601  # all failures out of the window
    assert not limiter.wait("a")


def test_limiter_success_clears_the_client_but_not_everyone():
    clock = Clock()
    limiter = FailureLimiter(per_client=5, overall=4, overall_window_s=60, clock=clock)
    for client in "abcd":
        limiter.failed(client)
    wait = limiter.wait("e")
    assert wait.everyone and wait.seconds == 60
    limiter.succeeded("a")
    assert limiter.wait("e").everyone
    clock.now += 60
    assert not limiter.wait("e")


def test_client_key_behind_the_proxy_uses_the_address_it_appended(monkeypatch):
    class Context:
        ip_address = "10.0.0.2"  # the balancer, on a private network
        headers = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}

    monkeypatch.setattr(attempt_limits.st, "context", Context())
    assert attempt_limits.client_key() == "203.0.113.9"
    Context.ip_address = "8.8.8.8"  # a public peer: its own address, headers ignored
    assert attempt_limits.client_key() == "8.8.8.8"
