"""Learner identity (issue 13): typing someone else's name gives nothing.

Without a login, a name is claimed with a secret at first use (stored as a salted scrypt hash);
with Streamlit's login configured ([auth] in secrets), the account is the learner. Every test
opens separate sessions, as two browsers would.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.identity import check_new_secret, check_secret, clean_name
from adaptlab.store import Store
from tests.app.conftest import APP, open_instructor, texts, unlock

ALICE_SECRET = "alices-own-secret-7"
QUESTION = "cls-lialin-lora"


def quiz_session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/quiz.py").run()
    assert not at.exception
    return at


def sign_in(at: AppTest, name: str, secret: str) -> AppTest:
    at.text_input(key="quiz.name").input(name)
    at.text_input(key="quiz.secret").input(secret)
    next(b for b in at.button if b.label == "Start the quiz").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answer(at: AppTest, choice: str = "reparam") -> AppTest:
    at.selectbox(key="quiz.section").select("classification")
    at.radio(key="quiz.mode").set_value("all").run()
    at.radio(key=f"quiz.{QUESTION}.answer").set_value(choice)
    at.button(key=f"quiz.{QUESTION}.submit").click().run()
    assert not at.exception
    return at


def keys(elements) -> list[str]:
    return [e.key for e in elements]


def signed_in(at: AppTest) -> bool:
    return any(b.label == "Sign out" for b in at.button)


@pytest.fixture
def alice(db_url) -> str:
    """alice has signed in once and answered one question."""
    answer(sign_in(quiz_session(), "alice", ALICE_SECRET))
    assert len(Store(db_url).attempts("alice")) == 1
    return db_url


def test_someone_elses_name_without_the_secret_gives_nothing(alice):
    at = sign_in(quiz_session(), "alice", "not-alices-secret")
    assert not signed_in(at) and "already in use" in texts(at.error)
    assert not at.dataframe and not at.radio  # no review, no progress, no questions
    assert "quiz.section" not in keys(at.selectbox)
    assert len(Store(alice).attempts("alice")) == 1  # nothing saved as alice


def test_the_right_secret_brings_the_answers_back_in_another_session(alice):
    at = sign_in(quiz_session(), "  alice ", ALICE_SECRET)
    assert signed_in(at) and "alice" in texts(at.caption)
    assert "New name" not in texts(at.info)  # a returning learner is not told otherwise
    review = at.dataframe[-1].value
    assert len(review) == 1 and review.iloc[0]["result"] == "right"


def test_renaming_in_the_sidebar_signs_the_quiz_out(alice):
    at = sign_in(quiz_session(), "bob", "bobs-secret-123")
    assert signed_in(at)
    at.sidebar.text_input(key="sidebar.display_name").input("alice").run()
    assert not at.exception and not signed_in(at)
    assert not at.dataframe and not at.radio  # alice's answers stay hidden
    at.switch_page("pages/home.py").run()
    assert "questions tried" not in texts(at.caption)


def test_the_secret_is_stored_only_as_a_salted_hash_and_never_kept(alice):
    at = sign_in(quiz_session(), "alice", ALICE_SECRET)
    assert signed_in(at) and "quiz.secret" not in keys(at.text_input)
    assert not any(ALICE_SECRET in repr(at.session_state[k]) for k in at.session_state)
    path = alice.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        ((salt, digest),) = conn.execute("SELECT salt, digest FROM learner_secrets "
                                         "WHERE learner = 'alice'").fetchall()
    assert ALICE_SECRET not in digest and len(bytes.fromhex(salt)) == 16
    assert check_secret(ALICE_SECRET, salt, digest) and not check_secret("x" * 8, salt, digest)
    for file in (Path(path), Path(path + "-wal")):
        assert not file.exists() or ALICE_SECRET.encode() not in file.read_bytes()


@pytest.mark.parametrize(("name", "secret", "message"), [
    ("", "long-enough-1", "Type a name"),
    ("   ", "long-enough-1", "Type a name"),
    ("sam", "short", "at least 8 characters"),
    ("sam", "", "at least 8 characters"),
    ("samantha", "Samantha", "must not be your name"),
    ("a\u202eb", "long-enough-1", "letters, digits"),
])
def test_bad_names_and_secrets_get_a_clear_message(db_url, name, secret, message):
    at = quiz_session()
    at.text_input(key="quiz.name").input(name)
    at.text_input(key="quiz.secret").input(secret)
    next(b for b in at.button if b.label == "Start the quiz").click().run()
    assert not at.exception and not signed_in(at)
    assert message in texts(at.error).replace("\\", "")


def test_guessing_a_learners_secret_is_limited(alice):
    for n in range(5):
        sign_in(quiz_session(), "alice", f"guess-number-{n}")
    at = sign_in(quiz_session(), "alice", ALICE_SECRET)
    assert not signed_in(at) and "Too many wrong secrets" in texts(at.error)
    assert signed_in(sign_in(quiz_session(), "bob", "bobs-secret-123"))  # others unaffected


def test_a_sign_in_during_an_outage_is_checked_before_anything_is_saved(alice, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_DB_URL", "postgresql+psycopg://u:p@127.0.0.1:1/x")
    at = answer(sign_in(quiz_session(), "alice", "an-impostors-secret"))
    assert signed_in(at) and "Correct" in texts(at.success)  # graded, not saved, nothing read
    monkeypatch.setenv("ADAPTLAB_DB_URL", alice)  # the database is back
    at.run()
    assert not at.exception and not signed_in(at) and "already in use" in texts(at.error)
    assert "were not saved" in texts(at.error)
    assert len(Store(alice).attempts("alice")) == 1  # the impostor's try was dropped


def test_a_new_name_during_an_outage_is_claimed_and_saved_when_it_returns(db_url, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_DB_URL", "postgresql+psycopg://u:p@127.0.0.1:1/x")
    at = answer(sign_in(quiz_session(), "carol", "carols-secret-9"))
    monkeypatch.setenv("ADAPTLAB_DB_URL", db_url)
    at.run()
    assert not at.exception and signed_in(at)
    assert [a.answer for a in Store(db_url).attempts("carol")] == ["reparam"]
    assert signed_in(sign_in(quiz_session(), "carol", "carols-secret-9"))


# --- Streamlit's own login ---------------------------------------------------------------------

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32,
        "client_id": "adaptlab", "client_secret": "s",
        "server_metadata_url": "https://idp.example.edu/.well-known/openid-configuration"}


@pytest.fixture
def login_package(monkeypatch):
    """As if streamlit[auth] (Authlib) were installed; AppTest never calls the provider."""
    monkeypatch.setattr("ui.config_checks.login_problem", lambda: None)


def login_session(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = user
    at.run().switch_page("pages/quiz.py").run()
    assert not at.exception
    return at


def test_a_login_without_its_package_stops_with_a_clear_message(db_url, monkeypatch):
    real = __import__("importlib.util").util.find_spec
    monkeypatch.setattr("ui.config_checks.importlib.util.find_spec",
                        lambda name, *a: None if name == "authlib" else real(name, *a))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception and 'pip install "streamlit[auth]"' in texts(at.error)


@pytest.mark.usefixtures("login_package")
def test_with_a_login_configured_the_account_is_the_learner(db_url):
    at = login_session({"is_logged_in": False})
    assert any(b.label == "Log in" for b in at.button) and not at.radio
    assert "quiz.secret" not in keys(at.text_input)
    at = login_session({"is_logged_in": True, "email": "ada@uni.example", "name": "Ada L."})
    assert "Ada L." in texts(at.caption).replace("\\", "")
    answer(at)
    assert len(Store(db_url).attempts("ada@uni.example")) == 1


@pytest.mark.usefixtures("login_package")
def test_instructor_statistics_and_export_include_both_kinds_of_learner(alice, monkeypatch):
    answer(login_session({"is_logged_in": True, "email": "ada@uni.example", "name": "Ada"}))
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", "correct horse battery staple")
    at = unlock(open_instructor(), "correct horse battery staple")
    learners = at.dataframe[1].value
    assert set(learners["learner"]) == {"alice", "ada@uni.example"}
    csv = Store(alice).results_csv()
    assert "alice" in csv and "ada@uni.example" in csv and "digest" not in csv


def test_the_engine_refuses_overlong_names_and_secrets():
    with pytest.raises(ValueError, match="at most 40"):
        clean_name("n" * 41)
    with pytest.raises(ValueError, match="at most 200"):
        check_new_secret("x" * 201, "sam")
    assert clean_name("  Sam   Lee ") == "Sam Lee"


def test_another_spelling_is_a_new_name_and_the_page_says_so(alice):
    """'Alice' after answering as 'alice' signs in to an empty name: a returning learner would
    think their progress was lost, so the page says the name is new and how names match."""
    at = sign_in(quiz_session(), "Alice", ALICE_SECRET)
    assert signed_in(at) and "New name: nothing was saved under 'Alice' before" in texts(at.info)
    assert "capitals included" in texts(at.info)
    at.run()
    assert "New name" not in texts(at.info)  # said once
