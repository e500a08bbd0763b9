"""The quiz in real Chromium: a question answered and saved, a list ordered by drag and by
keyboard, and the lesson path from the before-quiz to the instructor's class gain.

It starts its own server (conftest.streamlit_server) with ADAPTLAB_DB_URL pointing at a temp
SQLite file, so the browser never writes to the repository's data/adaptlab.db.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from adaptlab.quiz import ChoiceQuestion, bundled_bank, presentation
from adaptlab.quiz.paths import bundled_paths
from adaptlab.store import Store
from tests.browser.conftest import lab_server, open_quiz_as, submit_choice, wait_for_run

pytestmark = pytest.mark.browser
LEARNER = "Browser learner"
PASSCODE = "browser quiz passcode 2026"


@pytest.fixture(scope="module")
def quiz_server(tmp_path_factory, chromium_path) -> Iterator[tuple[str, str]]:
    with lab_server(tmp_path_factory.mktemp("quiz_browser"), PASSCODE) as urls:
        yield urls


def test_answer_one_question_in_the_browser(page, quiz_server):
    url, db_url = quiz_server
    question = bundled_bank().by_topic("classification")[0]  # the page opens on it
    assert isinstance(question, ChoiceQuestion) and not question.multiple
    right = next(o.text for o in question.options if o.id in question.answer)

    open_quiz_as(page, url, LEARNER)

    expect(page.get_by_text("Question 1 of", exact=False)).to_be_visible()
    submit_choice(page, right)
    wait_for_run(page)

    expect(page.get_by_test_id("stAlert").filter(has_text="Correct:")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    saved = Store(db_url).attempts(LEARNER)
    assert [(a.question_id, a.correct) for a in saved] == [(question.id, True)]


def step_ids(steps) -> list[str]:
    return [steps.nth(i).get_attribute("data-id") for i in range(steps.count())]


def test_order_steps_by_drag_and_by_keyboard(page, quiz_server):
    """The movable list in real Chromium: one drag, then ▲ buttons pressed from the keyboard."""
    url, db_url = quiz_server
    learner = "Ordering learner"
    question = bundled_bank().get("ord-step-basic")
    target = ["forward", "loss", "backward", "step", "zero"]
    assert tuple(target) in question.accepted
    open_quiz_as(page, url, learner)
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="The order of events in one training step").click()
    # Wait for what the rerun draws, not only for a quiet script: on a loaded machine the rerun
    # may not have started 150 ms after the click, and Next would then move the old section on.
    sized = len(bundled_bank().by_topic("training_step"))
    expect(page.get_by_text(f"Question 1 of {sized}", exact=False)).to_be_visible()
    # And for the run's end: until then the previous run's tabs, with their own Next button,
    # may still be on the page beside the new ones (a fresh-check run clicked into both).
    wait_for_run(page)
    page.get_by_role("button", name="Next question").click()  # question 2: ord-step-basic
    expect(page.get_by_text(f"Question 2 of {sized}", exact=False)).to_be_visible()
    wait_for_run(page)
    listed = "ol[aria-label^='Steps of: A minimal training step']"
    steps = page.locator(f"{listed} li")
    expect(steps).to_have_count(5)
    start = step_ids(steps)
    assert start == list(presentation(question, learner).start)  # seeded, never right

    # Drag the second step onto the top half of the first row: it becomes the first.
    first_wrong = next(s for s in start if s != start[0])
    page.locator(f"{listed} li[data-id='{first_wrong}']").drag_to(
        steps.first, target_position={"x": 30, "y": 3})
    wait_for_run(page)
    after_drag = [first_wrong] + [s for s in start if s != first_wrong]
    assert step_ids(steps) == after_drag  # redrawn from the order the server kept

    # Then the keyboard only: Tab focus on a ▲ button, Enter, until the order is right.
    for position, step in enumerate(target):
        while (now := step_ids(steps)).index(step) > position:
            up = page.locator(f"{listed} li[data-id='{step}'] button[data-what='up']")
            up.focus()
            page.keyboard.press("Enter")
            wait_for_run(page)
            assert step_ids(steps).index(step) == now.index(step) - 1
    assert step_ids(steps) == target
    page.get_by_role("button", name=re.compile(r"^Check answer")).click()
    wait_for_run(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Correct:")).to_be_visible()
    saved = Store(db_url).attempts(learner)
    assert [(a.question_id, a.answer, a.correct) for a in saved] == [
        ("ord-step-basic", target, True)]


def test_lesson_path_from_before_quiz_to_class_gain(page, quiz_server):
    """One before-quiz question in the browser (one try, explained at once), the rest of both
    quizzes from the database; the learner's gain per topic; the instructor's class gain."""
    url, db_url = quiz_server
    learner = "Path learner"
    path = next(p for p in bundled_paths() if p.id == "classification")
    bank = bundled_bank()
    first = bank.get(path.questions(learner, "before")[0][1])
    assert isinstance(first, ChoiceQuestion) and not first.multiple
    open_quiz_as(page, url, learner)
    page.get_by_role("button", name=re.compile(r"^Follow the lesson path")).click()
    wait_for_run(page)
    expect(page.get_by_test_id("stAlert").filter(
        has_text="How marks work here: One try per question")).to_be_visible()
    expect(page.get_by_text("Answer every before-quiz question first", exact=False)).to_be_visible()
    submit_choice(page, next(o.text for o in first.options if o.id in first.answer))
    wait_for_run(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Correct:")).to_be_visible()
    expect(page.get_by_test_id("stAlert").filter(has_text="Explanation:")).to_be_visible()
    expect(page.get_by_role("button", name="Practise this question again")).to_have_count(0)

    store = Store(db_url)  # the rest of both quizzes: wrong before the lab, right after it
    for quiz in ("before", "after"):
        for _topic, qid in path.questions(learner, quiz)[1 if quiz == "before" else 0:]:
            right = quiz == "after"
            store.record_attempt(learner, qid, "x", right, float(right),
                                 topic=bank.get(qid).topic, context=path.context(quiz),
                                 try_number=1)
    store.close()
    open_quiz_as(page, url, learner)  # a new session reads the saved tries
    page.get_by_role("button", name=re.compile(r"^Follow the lesson path")).click()
    wait_for_run(page)
    expect(page.get_by_text("Answer every before-quiz question first", exact=False)).to_have_count(0)
    gain = page.get_by_test_id("stDataFrame").filter(has_text="Normalised change").first
    expect(gain).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Instructor").click()
    wait_for_run(page)
    page.get_by_label("Instructor passcode").fill(PASSCODE)
    page.get_by_role("button", name="Unlock").click()
    wait_for_run(page)
    page.get_by_text("Lesson path gains").click()
    wait_for_run(page)
    expect(page.get_by_role("heading", name=path.title)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)  # per topic, per question
    expect(page.get_by_text("No learner has taken both quizzes", exact=False)).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
