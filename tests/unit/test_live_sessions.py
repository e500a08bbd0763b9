"""Class sessions (adaptlab.live.sessions) on a temporary SQLite file. A second Store on the same
file stands in for a second replica: whatever one writes, the other reads, and a Store opened
afterwards (a restarted server) finds everything committed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adaptlab.live import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LiveError,
    current_session_for_learner,
    end_session,
    get_session,
    join_session,
    leave_session,
    members,
    normalise_code,
    open_session,
    open_session_of_instructor,
)
from adaptlab.store import Store
from tests.unit.live_databases import DATABASES, database_url


@pytest.fixture(params=DATABASES)
def url(request, tmp_path) -> str:
    return database_url(request.param, tmp_path)


@pytest.fixture
def replicas(url):
    one, two = Store(url), Store(url)
    yield one, two
    one.close()
    two.close()


def test_a_session_opened_on_one_replica_is_joined_and_listed_on_the_other(replicas):
    one, two = replicas
    session = open_session(one, "  Lecture   5 ")
    assert session.title == "Lecture 5" and session.is_open()
    assert len(session.code) == CODE_LENGTH and set(session.code) <= set(CODE_ALPHABET)
    assert open_session_of_instructor(two) == session
    assert join_session(two, session.code.lower(), "ada") == session
    join_session(one, f" {session.code[:3]}-{session.code[3:]} ", "grace")
    join_session(two, session.code, "ada")  # twice (another tab): still one member
    assert [m.learner for m in members(one, session.id)] == ["ada", "grace"]
    assert current_session_for_learner(one, "ada") == session
    assert current_session_for_learner(one, "alan") is None


def test_nothing_committed_is_lost_when_the_server_restarts(url):
    first = Store(url)
    session = open_session(first)
    join_session(first, session.code, "ada")
    first.close()
    restarted = Store(url)
    assert open_session_of_instructor(restarted) == session
    assert current_session_for_learner(restarted, "ada") == session
    restarted.close()


def test_codes_are_unique_and_never_reused(replicas):
    one, two = replicas
    sessions = []
    for n in range(30):
        sessions.append(open_session(one if n % 2 else two))
        end_session(one, sessions[-1].id)
    assert len({s.code for s in sessions}) == 30
    assert all(not get_session(two, s.id).is_open() for s in sessions)


def test_one_open_session_per_instructor(replicas):
    one, two = replicas
    first = open_session(one)
    with pytest.raises(LiveError, match=f"Session {first.code} is still open"):
        open_session(two)
    other = open_session(two, instructor="second lecturer")  # another instructor label: fine
    assert open_session_of_instructor(one, "second lecturer") == other
    end_session(two, first.id)
    assert open_session(one).code != first.code


def test_an_ended_session_is_gone_for_its_learners_and_cannot_be_joined(replicas):
    one, two = replicas
    session = open_session(one)
    join_session(two, session.code, "ada")
    end_session(one, session.id)
    end_session(two, session.id)  # a second end changes nothing
    assert get_session(two, session.id).closed_at is not None
    assert current_session_for_learner(two, "ada") is None
    assert open_session_of_instructor(two) is None
    with pytest.raises(LiveError, match=f"session {session.code} has ended"):
        join_session(two, session.code, "grace")


def test_a_session_past_its_time_limit_ends_by_itself(replicas):
    one, two = replicas
    start = datetime.now(UTC) - timedelta(hours=4)
    session = open_session(one, hours=3, now=start)
    join_session(two, session.code, "ada", now=start + timedelta(minutes=5))
    assert current_session_for_learner(two, "ada", now=start + timedelta(hours=2)) == session
    assert current_session_for_learner(two, "ada") is None  # now: 4 h after the start
    assert open_session_of_instructor(one) is None
    with pytest.raises(LiveError, match="reached its time limit"):
        join_session(two, session.code, "grace")
    assert open_session(one).is_open()  # the expired one does not block a new one


def test_a_learner_is_in_the_newest_session_they_joined_until_they_leave(replicas):
    one, two = replicas
    first = open_session(one, instructor="a")
    second = open_session(one, instructor="b")
    join_session(two, first.code, "ada")
    join_session(two, second.code, "ada")
    assert current_session_for_learner(one, "ada") == second
    leave_session(one, second.id, "ada")
    assert current_session_for_learner(two, "ada") == first
    assert [m.learner for m in members(two, second.id)] == []


@pytest.mark.parametrize("typed, message", [
    ("", "Type the join code"),
    ("   ", "Type the join code"),
    ("K7MQ3", "6 letters and digits"),
    ("K7MQ3XY", "6 letters and digits"),
    ("K7MQ0X", "never contains 0, 1, I, L or O"),
    ("<b>XX", "6 letters and digits"),
    (None, "Type the join code"),
])
def test_malformed_codes_get_a_message_that_says_what_a_code_looks_like(typed, message):
    with pytest.raises(LiveError, match=message):
        normalise_code(typed)


def test_a_well_formed_unknown_code_says_so(replicas):
    one, _ = replicas
    open_session(one)
    with pytest.raises(LiveError, match="No class session has the code ZZZZZZ"):
        join_session(one, "zzz zzz", "ada")


def test_joining_needs_a_learner_and_opening_needs_sane_settings(replicas):
    one, _ = replicas
    session = open_session(one)
    with pytest.raises(LiveError, match="Sign in first"):
        join_session(one, session.code, "  ")
    with pytest.raises(LiveError, match="between a few minutes and 12 hours"):
        open_session(one, instructor="x", hours=24)
    with pytest.raises(LiveError, match="keep it to 100"):
        open_session(one, "t" * 101, instructor="y")


def test_a_code_clash_draws_another_code_without_an_error(replicas, monkeypatch):
    from adaptlab.live import sessions

    one, two = replicas
    first = open_session(one, instructor="a")
    drawn = iter([first.code, first.code, "ABCDEF"])
    monkeypatch.setattr(sessions, "new_code", lambda: next(drawn))
    assert open_session(two, instructor="b").code == "ABCDEF"
    assert open_session_of_instructor(one, "a") == first
