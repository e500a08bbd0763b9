"""The instructor passcode, on the page as a learner would meet it (inside app.py).

Wrong, empty, huge, unicode and NUL passcodes stay locked; no link parameter unlocks; the
comparison is constant-time; changing the passcode locks dashboards already open.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.store import Store
from tests.app.conftest import open_how_to_set, open_instructor, unlock

ROOT = Path(__file__).resolve().parents[2]
PASSCODE = "correct horse battery staple"


@pytest.fixture
def db_url(db_url) -> str:
    """The conftest's empty database with one attempt, so an open dashboard would show "amy"."""
    Store(db_url).record_attempt("amy", "cls-lialin-lora", "reparam", True, 1.0,
                                 topic="classification")
    return db_url


def unlocked(at: AppTest) -> bool:
    return bool(at.dataframe) or bool(at.get("download_button"))


@pytest.mark.parametrize("given", [
    "", " ", "correct horse battery", PASSCODE + " ", PASSCODE.upper(), "x" * 100_000,
    "çørrect hørse 🐎 battery staple", "correct\x00horse battery staple", "' OR '1'='1",
])
def test_wrong_passcodes_are_refused(db_url, monkeypatch, given):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    at = unlock(open_instructor(), given)
    assert not unlocked(at) and "Wrong passcode" in "\n".join(e.value for e in at.error)
    assert "amy" not in "\n".join(m.value for m in at.markdown)


def test_a_unicode_passcode_works_when_it_matches(db_url, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", "çørrect hørse 🐎")
    assert unlocked(unlock(open_instructor(), "çørrect hørse 🐎"))


def test_no_passcode_configured_means_locked_with_how_to(db_url, monkeypatch):
    monkeypatch.delenv("ADAPTLAB_INSTRUCTOR_PASSCODE", raising=False)
    at = open_how_to_set(open_instructor({"passcode": "", "instructor": "1"}))
    info = "\n".join(i.value for i in at.info)
    assert "No instructor passcode is configured" in info and "ADAPTLAB_INSTRUCTOR_PASSCODE" in info
    assert not at.main.text_input and not unlocked(at)


@pytest.mark.parametrize("query", [
    {"passcode": PASSCODE}, {"instructor": "1"}, {"page": "instructor", "unlock": "1"},
    {"learner": "amy", "section": "results"}, {"instructor.passcode": PASSCODE},
])
def test_query_parameters_never_unlock(db_url, monkeypatch, query):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    at = open_instructor(query)
    assert not unlocked(at) and at.text_input(key="instructor.passcode").value == ""


def test_the_passcode_is_compared_in_constant_time():
    # Behaviour is tested above; this pins the mechanism: digests of equal length compared
    # with hmac.compare_digest, never ==, so timing reveals neither content nor length.
    source = (ROOT / "ui" / "instructor_auth.py").read_text(encoding="utf-8")
    assert source.count("hmac.compare_digest(") == 2
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            assert not names & {"passcode", "given"}, ast.unparse(node)


def test_changing_the_passcode_locks_open_dashboards(db_url, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    at = unlock(open_instructor(), PASSCODE)
    assert unlocked(at)
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", "a new passcode")
    at.run()
    assert not at.exception and not unlocked(at)
