"""Tables of long texts at 1280x720, on a laptop and in projector mode: the columns read first
are in view, not behind a sideways scroll.

- The instructor's class results: % right first try, mean mark and the most chosen wrong answer
  beside the question. Before, the tables opened on Id, Question, Topic, Learners and Tries.
- A learner's review of past answers: the question, their answer, the result and the score.
  Before, it opened on When, Result, Score, Try and the answer's full text, and the question
  the answer belonged to sat off screen to the right.

The data grid draws on a canvas; for screen readers it keeps a table of the columns it has
drawn in view, whose headers are what these tests read.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from adaptlab.quiz import ChoiceQuestion, bundled_bank
from adaptlab.store import Store
from tests.browser.conftest import lab_server, wait_for_run
from tests.browser.screens import SIZES, open_app, start_quiz, visit

pytestmark = pytest.mark.browser
PASSCODE = "wide tables passcode 2026"


@pytest.fixture(scope="module")
def class_url(tmp_path_factory, chromium_path) -> Iterator[str]:
    """A server whose database holds six learners' tries at twelve choice questions, half of
    them wrong (so each question has a most chosen wrong answer)."""
    with lab_server(tmp_path_factory.mktemp("wide_tables"), PASSCODE) as (url, db_url):
        store, pick = Store(db_url), random.Random(0)
        questions = [q for q in bundled_bank().questions
                     if isinstance(q, ChoiceQuestion) and not q.multiple][:12]
        for number in range(6):
            for question in questions:
                wrong = next(o.id for o in question.options if o.id not in question.answer)
                right = pick.random() < 0.5
                store.record_attempt(f"Learner {number}", question.id,
                                     question.answer[0] if right else wrong, right, float(right),
                                     topic=question.topic, try_number=1,
                                     wrong=[] if right else [wrong])
        store.close()
        yield url


def headers_in_view(table) -> list[str]:
    return table.evaluate("e => [...e.querySelectorAll('th')].map(th => th.textContent)")


def open_at_1280x720(browser, url: str, page_name: str, projector: bool):
    """A new 1280x720 browser context on `page_name` (close the context when done)."""
    context = browser.new_context(viewport=SIZES["1280x720"])
    page = context.new_page()
    open_app(page, url, projector=projector)
    visit(page, page_name)
    return context, page


@pytest.mark.parametrize("projector", [False, True], ids=["laptop", "projector"])
def test_class_results_show_their_key_numbers_without_scrolling(browser, class_url, projector):
    context, page = open_at_1280x720(browser, class_url, "Instructor", projector)
    page.get_by_label("Instructor passcode").fill(PASSCODE)
    page.get_by_role("button", name="Unlock").click()
    wait_for_run(page)
    tables = page.get_by_test_id("stDataFrame")
    expect(tables).to_have_count(2)
    per_question, per_learner = tables.all()
    for table in (per_question, per_learner):  # the grid has drawn its first view
        expect(table.locator("th").first).to_be_attached()
    question_headers, learner_headers = headers_in_view(per_question), headers_in_view(per_learner)
    context.close()
    assert question_headers[:4] == ["Question", "% right first try", "Mean mark (0–1)",
                                    "Most chosen wrong answer"], question_headers
    assert learner_headers[:4] == ["Learner", "% right first try", "% right in the end",
                                   "Mean mark (0–1)"], learner_headers


@pytest.mark.parametrize("projector", [False, True], ids=["laptop", "projector"])
def test_review_shows_question_answer_and_result_without_scrolling(browser, class_url, projector):
    context, page = open_at_1280x720(browser, class_url, "Quiz", projector)
    start_quiz(page, "Learner 0")  # claims the name, and with it the twelve tries saved above
    page.get_by_role("tab", name="Review").click()
    table = page.get_by_test_id("stDataFrame").filter(has_text="Your answer")
    expect(table.locator("th").first).to_be_attached()
    headers = headers_in_view(table)
    context.close()
    # A fifth column drawn means the fourth, Score, is whole in view.
    assert headers[:4] == ["Question", "Your answer", "Result", "Score"] and len(headers) > 4, \
        headers
