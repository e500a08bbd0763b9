"""Every task with the keyboard alone: Tab / Shift+Tab to move, Enter or Space to press, arrows in
a radio group, typing into a field. No mouse click after the page has opened. Each page is
reached from the sidebar with the keyboard too. Where a task ends on a new screen (a finished
run, an opened method card) axe audits that screen as well (test_accessibility only sees pages
as they open).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from adaptlab.quiz import (
    ChoiceQuestion,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    bundled_bank,
    presentation,
)
from adaptlab.training.scenarios import SCENARIOS
from tests.browser.conftest import wait_for_run
from tests.browser.screens import (
    PASSCODE,
    focused_name,
    lab_url,  # noqa: F401 (a fixture)
    open_app,
    press,
    tab_to,
)
from tests.browser.test_accessibility import blocking_violations
from ui.quiz_controls import LETTERED_OVER

pytestmark = pytest.mark.browser
STEPS = 4


def go_to(page, name: str) -> None:
    """The sidebar link `name`, by keyboard (from wherever the focus is)."""
    page.locator("body").focus()
    tab_to(page, name)
    press(page, "Enter")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def type_into(page, label: str, text: str, commit: str = "Enter") -> None:
    tab_to(page, label)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    press(page, commit)


def choose_radio(page, options: list[str], target: str) -> None:
    """Tab into the next radio group made of `options`, then arrow keys until `target` is
    checked. (Tab leaves a group: called again, it moves on to the next group.)"""
    tab_to(page, re.compile("^(" + "|".join(map(re.escape, options)) + ")$"))
    for _ in range(len(options) + 1):
        if focused_name(page) == target:
            page.keyboard.press("Space")  # checks it when it was only focused
            return
        page.keyboard.press("ArrowDown")  # moves and checks, wrapping at the end
    raise AssertionError(f"{target!r} not among the radio options {options}")


def test_train_a_run_with_the_keyboard(page, lab_url):  # noqa: F811
    open_app(page, lab_url)
    go_to(page, "Train")
    type_into(page, "Steps", str(STEPS))
    tab_to(page, "Train")
    press(page, "Enter")
    expect(page.get_by_text(f"Finished {STEPS} steps.", exact=False).first).to_be_visible()
    wait_for_run(page)
    assert blocking_violations(page) == []


def test_open_a_method_card_with_the_keyboard(page, lab_url):  # noqa: F811
    open_app(page, lab_url)
    go_to(page, "Methods")
    tab_to(page, re.compile(r"^LoRA \(low-rank adaptation\)"))
    press(page, "Enter")
    expect(page.get_by_text("On GPT-2 small:", exact=False).first).to_be_visible()
    assert blocking_violations(page) == []


def quiz_targets() -> dict[str, tuple[str, int]]:
    """One question of each kind: kind -> (section title, position in the section)."""
    bank, found = bundled_bank(), {}
    kinds = {"single": lambda q: isinstance(q, ChoiceQuestion) and not q.multiple,
             "multiple": lambda q: isinstance(q, ChoiceQuestion) and q.multiple,
             "pairing": lambda q: isinstance(q, PairingQuestion),
             "numeric": lambda q: isinstance(q, NumericQuestion),
             "order": lambda q: isinstance(q, OrderQuestion)}
    for topic, title in bank.topics().items():
        for index, question in enumerate(bank.by_topic(topic)):
            for kind, fits in kinds.items():
                if kind not in found and fits(question):
                    found[kind] = (title, index, question)
    assert set(found) == set(kinds), f"the bank has no question of kinds {set(kinds) - set(found)}"
    return found


def answer_by_keyboard(page, question, learner: str) -> None:
    if isinstance(question, ChoiceQuestion) and not question.multiple:
        choose_radio(page, [o.text for o in question.options],
                     next(o.text for o in question.options if o.id in question.answer))
    elif isinstance(question, ChoiceQuestion):
        for option in question.options:
            if option.id in question.answer:
                tab_to(page, option.text)
                page.keyboard.press("Space")
    elif isinstance(question, PairingQuestion):
        view = presentation(question, learner)
        texts = {c.id: c.text for c in question.choices}
        lettered = any(len(t) > LETTERED_OVER for t in texts.values())
        labels = {c: (letter if lettered else texts[c])
                  for c, letter in zip(view.choices, "ABCDEFGHIJ", strict=False)}
        for item_id in view.items:  # one radio group per item, in the order shown
            item = next(i for i in question.items if i.id == item_id)
            choose_radio(page, list(labels.values()), labels[item.answer])
    elif isinstance(question, NumericQuestion):
        tab_to(page, re.compile(r"^Your answer"))
        page.keyboard.type(f"{question.answer:g}")
    elif isinstance(question, OrderQuestion):
        target = list(question.accepted[0])
        steps = page.locator("ol[aria-label^='Steps of:'] li")
        for position, step in enumerate(target):
            while (now := [steps.nth(i).get_attribute("data-id")
                           for i in range(steps.count())]).index(step) > position:
                page.locator("body").focus()
                tab_to(page, f"Move '{question.step_text(step)}' up")
                press(page, "Enter")
                assert steps.nth(now.index(step) - 1).get_attribute("data-id") == step


@pytest.mark.parametrize("kind", ["single", "multiple", "pairing", "numeric", "order"])
def test_answer_a_quiz_question_of_each_kind_with_the_keyboard(page, lab_url, kind):  # noqa: F811
    title, index, question = quiz_targets()[kind]
    learner = f"Keyboard {kind}"
    open_app(page, lab_url)
    go_to(page, "Quiz")
    tab_to(page, "Your name or an id")
    page.keyboard.type(learner)
    tab_to(page, "Your secret (at least 8 characters)")
    page.keyboard.type(f"{learner}-secret-42")
    press(page, "Enter")  # submits the sign-in form, as Start the quiz does
    section = page.get_by_role("combobox", name="Section")
    if section.input_value() != title:  # typing the title shown would list every section
        tab_to(page, "Section")
        page.keyboard.press("Control+A")  # type over the section shown, to filter the list
        page.keyboard.type(title)
        page.keyboard.press("ArrowDown")  # the one section left
        press(page, "Enter")
    expect(section).to_have_value(title)
    prompt = page.get_by_text(question.prompt[:50], exact=False)
    for _ in range(index + 10):  # Next question until it shows (about `index` presses)
        if prompt.count():
            break
        page.locator("body").focus()
        tab_to(page, "Next question")
        press(page, "Enter")
    expect(prompt.first).to_be_visible()
    answer_by_keyboard(page, question, learner)
    tab_to(page, re.compile(r"^Check answer"))
    press(page, "Enter")
    expect(page.get_by_test_id("stAlert").filter(has_text="Correct:")).to_be_visible()


def test_diagnose_a_run_with_the_keyboard(page, lab_url):  # noqa: F811
    scenario = SCENARIOS[0]  # the page opens on it
    open_app(page, lab_url)
    go_to(page, "Diagnose")
    tab_to(page, "Run the broken run")
    press(page, "Enter")
    choose_radio(page, [o.text for o in scenario.options], scenario.answer.text)
    tab_to(page, "Check my diagnosis")
    press(page, "Enter")
    expect(page.get_by_test_id("stAlert").filter(has_text="Right.")).to_be_visible()
    page.locator("body").focus()
    tab_to(page, "Apply the fix and rerun")  # the fix is now reachable from the keyboard


def test_unlock_the_instructor_page_with_the_keyboard(page, lab_url):  # noqa: F811
    open_app(page, lab_url)
    go_to(page, "Instructor")
    tab_to(page, "Instructor passcode")
    page.keyboard.type(PASSCODE)
    tab_to(page, "Unlock")
    press(page, "Enter")
    expect(page.get_by_role("button", name="Download per-learner progress (CSV)")).to_be_visible()
