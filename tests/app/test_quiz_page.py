"""The Quiz page under AppTest: every control type, tries and hints, saved progress, DB failure.

Every test points the store at its own SQLite file (ADAPTLAB_DB_URL), never data/adaptlab.db.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from adaptlab.quiz import bundled_bank, presentation
from adaptlab.store import Store

APP = "../../app.py"  # AppTest resolves it relative to this file
ROOT = Path(__file__).resolve().parents[2]
LEARNER = "tester"
SECRET = "test-secret-42"  # the quiz's sign-in: a name plus the secret chosen at first use


def open_quiz(name: str | None = LEARNER) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/quiz.py").run()
    assert not at.exception
    if name:
        at.text_input(key="quiz.name").input(name)
        at.text_input(key="quiz.secret").input(SECRET)
        submit(at, "Start the quiz")
    return at


def submit(at: AppTest, label_start: str) -> None:
    button = next(b for b in at.button if b.label.startswith(label_start))
    button.click().run()
    assert not at.exception


def show_section(at: AppTest, topic: str) -> AppTest:
    at.selectbox(key="quiz.section").select(topic)
    at.radio(key="quiz.mode").set_value("all")
    at.run()
    assert not at.exception
    return at


def check(at: AppTest, question_id: str) -> None:
    at.button(key=f"quiz.{question_id}.submit").click().run()
    assert not at.exception


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_name_is_asked_once_and_fills_the_sidebar(db_url):
    at = open_quiz(name=None)
    assert "Give a name" in texts(at.info)
    assert not at.radio  # no questions before a name is given
    at.text_input(key="quiz.name").input("  Sam   Lee ")
    at.text_input(key="quiz.secret").input(SECRET)
    submit(at, "Start the quiz")
    assert at.sidebar.text_input(key="sidebar.display_name").value == "Sam Lee"
    assert at.session_state["adaptlab.learner"].display_name == "Sam Lee"
    assert "Sam Lee" in texts(at.caption)


def test_single_choice_wrong_then_right(db_url):
    at = show_section(open_quiz(), "classification")
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("additive")
    check(at, "cls-lialin-lora")
    assert "Not right" in texts(at.error)
    assert "naive test" in texts(at.markdown)  # the option's feedback names the misconception
    assert "Hint:" in texts(at.info)
    assert "Explanation:" not in texts(at.info)  # kept for after the final try

    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    check(at, "cls-lialin-lora")
    assert "Correct" in texts(at.success)
    assert "Explanation: Lialin et al." in texts(at.info)
    assert any(link.label == "See it happen in the lab" for link in at.get("page_link"))

    saved = Store(db_url).attempts(LEARNER)
    assert [(a.question_id, a.answer, a.correct) for a in saved] == [
        ("cls-lialin-lora", "additive", False), ("cls-lialin-lora", "reparam", True)]


def test_three_wrong_tries_end_the_question(db_url):
    at = show_section(open_quiz(), "classification")
    for wrong in ("selective", "additive", "hybrid"):
        at.radio(key="quiz.cls-lialin-lora.answer").set_value(wrong)
        check(at, "cls-lialin-lora")
    assert "Explanation:" in texts(at.info)
    assert at.button(key="quiz.cls-lialin-lora.restart")
    assert len(Store(db_url).attempts(LEARNER)) == 3


def test_an_empty_answer_uses_no_try(db_url):
    at = show_section(open_quiz(), "classification")
    check(at, "cls-lialin-lora")
    assert "Choose an answer first" in texts(at.warning)
    assert Store(db_url).attempts(LEARNER) == []


def move_to(at: AppTest, question_id: str, order: list[str], number: int = 1) -> None:
    """What the movable list sends when the learner drags or presses ▲/▼ (ui/sortable.py)."""
    at.session_state[f"quiz.{question_id}.order"] = {"order": {"order": order, "n": number}}


def sortable_data(at: AppTest, question_id: str) -> dict:
    """The data the movable list of `question_id` was drawn with (ui/sortable.py)."""
    (element,) = [e for e in at.get("bidi_component") if e.key == f"quiz.{question_id}.order"]
    return json.loads(element.proto.json)


def shown_order(at: AppTest, question_id: str) -> list[str]:
    return list(at.session_state["adaptlab.quiz"].questions[("", question_id)].order)


def test_the_movable_list_starts_wrong_and_moves_are_kept(db_url):
    at = show_section(open_quiz(), "training_step")
    question = bundled_bank().get("ord-step-basic")
    start = shown_order(at, "ord-step-basic")
    assert start == list(presentation(question, LEARNER).start)
    assert tuple(start) not in set(question.accepted)  # never already right
    assert sortable_data(at, "ord-step-basic")["order"] == start  # what the list draws
    assert {s["id"]: s["text"] for s in sortable_data(at, "ord-step-basic")["steps"]} == {
        s.id: s.text for s in question.steps}
    move_to(at, "ord-step-basic", ["forward", "loss", "backward", "step", "zero"])
    at.run()
    assert shown_order(at, "ord-step-basic") == ["forward", "loss", "backward", "step", "zero"]
    assert sortable_data(at, "ord-step-basic")["order"] == shown_order(at, "ord-step-basic")
    check(at, "ord-step-basic")
    assert "Correct" in texts(at.success)


def test_ordering_accepts_zero_grad_first_and_last(db_url):
    at = show_section(open_quiz(), "training_step")
    move_to(at, "ord-step-basic", ["zero", "forward", "loss", "backward", "step"])
    check(at, "ord-step-basic")  # a move made just before the click counts
    assert "Correct" in texts(at.success)
    at.button(key="quiz.ord-step-basic.restart").click().run()
    assert tuple(shown_order(at, "ord-step-basic")) not in set(
        bundled_bank().get("ord-step-basic").accepted)  # practice starts from a wrong order
    move_to(at, "ord-step-basic", ["forward", "loss", "backward", "step", "zero"], number=2)
    check(at, "ord-step-basic")
    assert "Correct" in texts(at.success)
    assert [a.correct for a in Store(db_url).attempts(LEARNER)] == [True, True]


def test_an_unmoved_list_is_graded_with_partial_credit_and_names_the_misplaced_step(db_url):
    at = show_section(open_quiz(), "training_step")
    move_to(at, "ord-step-basic", ["forward", "loss", "step", "backward", "zero"])
    check(at, "ord-step-basic")
    assert "Partly right: this try scores 75%" in texts(at.warning)  # 4 of 5 steps in a right order
    assert "Out of place:" in texts(at.markdown)
    assert "Right on the next try: mark 67%" in texts(at.caption)


def test_a_hand_made_order_that_is_not_a_permutation_is_ignored(db_url):
    at = show_section(open_quiz(), "training_step")
    start = shown_order(at, "ord-step-basic")
    move_to(at, "ord-step-basic", ["forward", "forward", "loss", "step", "zero"])
    at.run()
    assert shown_order(at, "ord-step-basic") == start


def test_matching_shows_every_pair_at_once_and_gives_partial_credit(db_url):
    at = show_section(open_quiz(), "mechanisms")
    question = bundled_bank().get("mech-match-core")
    key = {"lora": "lowrank", "prefix": "kvprefix", "prompt": "inputprompt", "bitfit": "bias",
           "ia3": "rescale", "houlsby": "bottleneck"}
    radios = {item: at.radio(key=f"quiz.mech-match-core.item.{item}") for item in key}
    view = presentation(question, LEARNER)
    letters = "ABCDEFG"[:len(question.choices)]
    for radio in radios.values():  # every item is one row of the grid, its choice visible
        assert list(radio.options) == list(letters)
    legend = next(m.value for m in at.markdown if m.value.startswith("- **A**"))
    assert legend.splitlines() == [f"- **{letter}**: {question.choice_text(c)}"
                                   for letter, c in zip(letters, view.choices, strict=True)]
    wrong = {**key, "lora": "bottleneck"}  # lora confused with an adapter
    for item, choice in wrong.items():
        radios[item].set_value(choice)
    check(at, "mech-match-core")
    assert "Partly right: this try scores 80%" in texts(at.warning)  # (5 - 1) / (6 - 1)
    assert "no nonlinearity and runs in parallel" in texts(at.markdown)  # the named mistake
    for item, choice in key.items():
        at.radio(key=f"quiz.mech-match-core.item.{item}").set_value(choice)
    check(at, "mech-match-core")
    assert "Correct" in texts(at.success)
    assert "minus 1 × 33%" in texts(at.markdown)  # right on the second try: 67%


def test_the_scoring_policy_is_stated_before_answering(db_url):
    at = show_section(open_quiz(), "classification")
    (rules,) = [e for e in at.expander if e.label.startswith("How marks work")]
    assert rules.label == "How marks work: up to 3 tries per question, each extra try costs 1/3"
    policy = texts(rules.markdown)  # the whole policy, folded under its gist
    assert "Up to 3 tries per question" in policy and "ticking everything scores 0" in policy


def test_options_are_shuffled_per_learner_and_stable(db_url):
    question = bundled_bank().get("cls-lialin-lora")
    orders = {}
    for name in ("ann", "bob", "cyd", "dee"):
        at = show_section(open_quiz(name), "classification")
        orders[name] = list(at.radio(key="quiz.cls-lialin-lora.answer").options)
        again = show_section(open_quiz(name), "classification")  # another session
        assert list(again.radio(key="quiz.cls-lialin-lora.answer").options) == orders[name]
        expected = [question.option(o).text for o in presentation(question, name).options]
        assert orders[name] == expected
    assert len({tuple(o) for o in orders.values()}) > 1


def test_multiple_select_gives_partial_credit_and_names_the_missed_option(db_url):
    at = show_section(open_quiz(), "freezing")
    at.checkbox(key="quiz.frz-saves.option.grads").check()
    check(at, "frz-saves")
    assert "Partly right: this try scores 50%" in texts(at.warning)
    assert "Missed:" in texts(at.markdown)


def test_numeric_junk_gets_a_message_not_a_try(db_url):
    at = show_section(open_quiz(), "counting")
    at.text_input(key="quiz.cnt-lora-small-r8.answer").input("lots")
    check(at, "cnt-lora-small-r8")
    assert "is not a number" in texts(at.warning)
    assert Store(db_url).attempts(LEARNER) == []
    at.text_input(key="quiz.cnt-lora-small-r8.answer").input("294,912 parameters")
    check(at, "cnt-lora-small-r8")
    assert "Correct" in texts(at.success)
    assert Store(db_url).attempts(LEARNER)[0].answer == 294912.0


def test_the_same_answer_checked_again_uses_no_second_try(db_url):
    # Enter in the box submits the form; a learner who then clicks Check sends the same answer.
    at = show_section(open_quiz(), "counting")
    for _ in range(2):
        at.text_input(key="quiz.cnt-lora-small-r8.answer").input("12,345")
        check(at, "cnt-lora-small-r8")
    assert "does not use another try" in texts(at.warning)
    assert len(Store(db_url).attempts(LEARNER)) == 1
    assert at.button(key="quiz.cnt-lora-small-r8.submit").label.startswith("Check answer (try 2 of")
    at.text_input(key="quiz.cnt-lora-small-r8.answer").input("294912")  # a new answer counts
    check(at, "cnt-lora-small-r8")
    assert "Correct" in texts(at.success) and len(Store(db_url).attempts(LEARNER)) == 2


def test_one_question_at_a_time_moves_forward(db_url):
    at = open_quiz()
    at.selectbox(key="quiz.section").select("freezing").run()
    assert "Question 1 of" in texts(at.markdown)
    at.button(key="quiz.next").click().run()
    assert not at.exception
    assert "Question 2 of" in texts(at.markdown)


def test_progress_and_review_survive_a_restart(db_url):
    at = show_section(open_quiz(), "classification")
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    check(at, "cls-lialin-lora")

    st.cache_resource.clear()  # as after a server restart: a new Store on the same file
    again = open_quiz()
    progress, review = again.dataframe[0].value, again.dataframe[1].value
    row = progress.set_index("topic").loc["classification"]
    assert (row["questions_attempted"], row["questions_correct"]) == (1, 1)
    assert review.iloc[0]["your answer"].startswith("Reparametrization-based")
    assert review.iloc[0]["result"] == "right"


def section_marks(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Your marks in this section")


def test_the_section_total_counts_a_mark_at_once_and_after_coming_back(db_url):
    at = show_section(open_quiz(), "classification")
    total = section_marks(at).split(" / ")[1]
    assert section_marks(at) == f"0.0 / {total}"
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("selective")  # wrong, tries left
    check(at, "cls-lialin-lora")
    assert section_marks(at) == f"0.0 / {total}"  # no mark yet, and the page says why
    assert "1 question still open" in texts(at.caption)
    at.radio(key="quiz.cls-hf-adapter.answer").set_value("adapter")  # the section's last
    check(at, "cls-hf-adapter")
    assert section_marks(at) == f"1.0 / {total}"  # in the same run as the check

    st.cache_resource.clear()  # a new session on the same database
    again = show_section(open_quiz(), "classification")
    assert section_marks(again) == f"1.0 / {total}"  # on the first run that shows the section


def test_home_shows_the_saved_progress(db_url):
    at = show_section(open_quiz(), "classification")
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    check(at, "cls-lialin-lora")
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert re.search(r"Your quiz progress here: 1 of \d+ questions tried, 1 of them answered "
                     "right", texts(at.caption))


def test_a_database_failure_is_shown_and_answers_are_still_graded(monkeypatch):
    monkeypatch.setenv("ADAPTLAB_DB_URL", "sqlite:////proc/adaptlab-denied/quiz.db")
    at = show_section(open_quiz(), "classification")
    assert "cannot be saved" in texts(at.error)
    at.radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    check(at, "cls-lialin-lora")
    assert "Correct" in texts(at.success)
    assert "Progress is unavailable" in texts(at.info)


def test_secrets_url_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_DB_URL", "sqlite:////proc/adaptlab-denied/quiz.db")
    url = f"sqlite:///{tmp_path / 'from_secrets.db'}"
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["database"] = {"url": url}
    at.run().switch_page("pages/quiz.py").run()
    assert not at.exception
    at.text_input(key="quiz.name").input(LEARNER)
    at.text_input(key="quiz.secret").input(SECRET)
    submit(at, "Start the quiz")
    assert not at.error
    show_section(at, "classification").radio(key="quiz.cls-lialin-lora.answer").set_value("reparam")
    check(at, "cls-lialin-lora")
    assert len(Store(url).attempts(LEARNER)) == 1


def test_learner_text_is_shown_as_typed(db_url):
    at = open_quiz(name="**bold** <b>x</b> [link](http://x.io)")
    caption = texts(at.caption)
    assert "\\*\\*bold\\*\\*" in caption and "\\[link\\]" in caption


def test_practice_questions_come_from_the_engine(db_url):
    at = open_quiz()
    at.selectbox(key="quiz.section").select("practice")
    at.radio(key="quiz.mode").set_value("all")
    at.run(timeout=120)
    at.number_input(key="quiz.seed").set_value(36)  # its draw repeats a question: deduped
    at.run(timeout=120)
    assert not at.exception
    assert "Question 5 of 5" in texts(at.markdown)


def test_quiz_page_never_imports_torch(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(ROOT / 'pages' / 'quiz.py')!r}, default_timeout=60).run()
        at.text_input(key="quiz.name").input("tester")
        at.text_input(key="quiz.secret").input("test-secret-42")
        next(b for b in at.button if b.label == "Start the quiz").click().run()
        at.selectbox(key="quiz.section").select("classification")
        at.radio(key="quiz.mode").set_value("all").run()
        at.radio(key="quiz.cls-lialin-lora.answer").set_value("additive")
        at.button(key="quiz.cls-lialin-lora.submit").click().run()
        assert not at.exception, at.exception
        assert "Not right" in at.error[0].value
        print("torch" in sys.modules)
    """)
    env = {**os.environ, "ADAPTLAB_DB_URL": f"sqlite:///{tmp_path / 'quiz.db'}",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
