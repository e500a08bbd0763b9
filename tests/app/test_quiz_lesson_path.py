"""The lesson path on the Quiz page: before-quiz, lab, after-quiz (a parallel form), the gain.

Each test has its own SQLite file (the `db_url` fixture of tests/app/conftest.py).
"""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from adaptlab.quiz import (
    ChoiceQuestion,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    Question,
    bundled_bank,
    presentation,
)
from adaptlab.quiz.paths import bundled_paths
from adaptlab.store import Store
from tests.app.conftest import texts
from tests.app.test_quiz_page import LEARNER, open_quiz

PATH = next(p for p in bundled_paths() if p.id == "classification")


def open_path(name: str = LEARNER) -> AppTest:
    at = open_quiz(name)
    next(b for b in at.button if b.label.startswith("Follow the lesson path")).click().run()
    at.radio(key="quiz.mode").set_value("all").run()
    assert not at.exception
    return at


def answer(at: AppTest, question: Question, context: str, right: bool) -> None:
    """Answer with the key (`right`) or with a wrong answer of the question's own type."""
    prefix = f"quiz.{context}.{question.id}"
    if isinstance(question, ChoiceQuestion) and question.multiple:
        wrong = next(o.id for o in question.options if o.id not in question.answer)
        for o in question.options:
            at.checkbox(key=f"{prefix}.option.{o.id}").set_value(
                o.id in question.answer if right else o.id == wrong)
    elif isinstance(question, ChoiceQuestion):
        wrong = next(o.id for o in question.options if o.id not in question.answer)
        at.radio(key=f"{prefix}.answer").set_value(question.answer[0] if right else wrong)
    elif isinstance(question, PairingQuestion):
        lazy = question.items[0].answer  # one answer for every item scores 0
        for item in question.items:
            at.radio(key=f"{prefix}.item.{item.id}").set_value(item.answer if right else lazy)
    elif isinstance(question, OrderQuestion) and right:
        at.session_state[f"{prefix}.order"] = {"order": {"order": list(question.accepted[0]),
                                                         "n": 7}}
    elif isinstance(question, NumericQuestion):
        at.text_input(key=f"{prefix}.answer").input(str(question.answer if right else 1))
    at.button(key=f"{prefix}.submit").click().run()  # an unmoved list is a wrong start order
    assert not at.exception, [e.value for e in at.exception]


def quiz(name: str, which: str) -> list[Question]:
    bank = bundled_bank()
    return [bank.get(qid) for _topic, qid in PATH.questions(name, which)]


def gain_frame(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "normalised_change" in d.value.columns)


def test_the_path_follows_the_card_and_states_one_try(db_url):
    at = open_path()
    shown = texts(at.markdown) + texts(at.subheader)
    for heading in ("1. Before-quiz", "2. The lab", "3. After-quiz", "4. Your gain per topic"):
        assert heading in shown
    assert "One try per question" in texts(at.info)
    assert "Answer every before-quiz question first" in texts(at.info)  # after-quiz locked
    numbers = ", ".join(str(n) for n in range(1, len(quiz(LEARNER, "before")) + 1))
    assert f"Still to answer: questions {numbers}." in texts(at.info)  # which ones, by number
    labels = [link.label for link in at.get("page_link")]
    assert any(label.startswith("Diagnose") for label in labels)
    prompts = texts(at.markdown)
    before, after = quiz(LEARNER, "before"), quiz(LEARNER, "after")
    own = [getattr(q, "situation", "") or q.prompt for q in before]  # scenario prompts repeat
    assert all(text in prompts for text in own)  # the before-quiz is on screen...
    theirs = [getattr(q, "situation", "") or q.prompt for q in after]
    assert not any(text in prompts for text in theirs if text not in own)  # ...the after not yet
    assert not {q.id for q in before} & {q.id for q in after}  # a parallel form, no repeats


def test_before_wrong_after_right_shows_the_gain_and_saves_each_quiz(db_url):
    at = open_path()
    before = quiz(LEARNER, "before")
    for question in before:
        answer(at, question, "path:classification:before", right=False)
    assert "Answer every before-quiz question first" not in texts(at.info)
    assert texts(at.info).count("Explanation:") == len(before)  # one try: explained at once
    assert not any(b.key and b.key.endswith(".restart") for b in at.button)  # no practice here
    after = quiz(LEARNER, "after")
    for question in after:
        answer(at, question, "path:classification:after", right=True)

    gains = gain_frame(at).set_index("topic")
    assert set(gains.index) == {t.id for t in PATH.topics}
    # A wrong answer scores 0, except an unmoved list: partial credit for its ordered steps.
    assert (gains["before"] < 1).all() and (gains["after"] == 1).all()
    assert (gains.drop("step-order")["before"] == 0).all()
    assert (gains["normalised_change"] == "+1.00").all()
    # The same table under "My progress", where it stays after the learner leaves the path.
    tables = [d.value for d in at.dataframe if "normalised_change" in d.value.columns]
    assert len(tables) == 2 and tables[0].equals(tables[1])

    saved = Store(db_url).attempts(LEARNER)
    assert {a.context for a in saved} == {"path:classification:before",
                                          "path:classification:after"}
    assert all(a.try_number == 1 for a in saved)
    assert len(saved) == len(before) + len(after)


def test_an_ordering_question_of_the_path_starts_in_the_learners_wrong_order(db_url):
    at = open_path()
    question = next(q for q in quiz(LEARNER, "before") if isinstance(q, OrderQuestion))
    state = at.session_state["adaptlab.quiz"].questions[("path:classification:before",
                                                         question.id)]
    assert state.order == list(presentation(question, LEARNER).start)
    assert tuple(state.order) not in set(question.accepted)
