"""A learner answers one quiz question in real Chromium: name, answer, feedback, saved attempt.

It starts its own server (conftest.streamlit_server) with ADAPTLAB_DB_URL pointing at a temp
SQLite file, so the browser never writes to the repository's data/adaptlab.db.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from adaptlab.quiz import ChoiceQuestion, bundled_bank
from adaptlab.store import Store
from tests.browser.conftest import open_quiz_as, streamlit_server, submit_choice, wait_for_run

pytestmark = pytest.mark.browser
LEARNER = "Browser learner"


@pytest.fixture(scope="module")
def quiz_server(tmp_path_factory, chromium_path) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("quiz_browser")
    db_url = f"sqlite:///{tmp / 'quiz.db'}"
    with streamlit_server(tmp / "server.log", {"ADAPTLAB_DB_URL": db_url}) as url:
        yield url, db_url


def test_answer_one_question_in_the_browser(page, quiz_server):
    url, db_url = quiz_server
    question = bundled_bank().by_topic("classification")[0]  # the page opens on it
    assert isinstance(question, ChoiceQuestion) and not question.multiple
    right = next(o.text for o in question.options if o.id in question.answer)

    open_quiz_as(page, url, LEARNER)

    expect(page.get_by_text("Question 1 of", exact=False)).to_be_visible()
    submit_choice(page, right)
    wait_for_run(page)

    expect(page.get_by_test_id("stAlert").filter(has_text="Correct.")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    saved = Store(db_url).attempts(LEARNER)
    assert [(a.question_id, a.correct) for a in saved] == [(question.id, True)]
