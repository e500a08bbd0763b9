"""Grading of every question type, partial credit that makes lazy answers worth nothing, the
zero_grad-first-or-last rule, and numeric feedback that names the mistake."""

from __future__ import annotations

import json

import pytest

from adaptlab.quiz import (
    AnswerError,
    ChoiceQuestion,
    NumericQuestion,
    PairingQuestion,
    bundled_bank,
    grade,
)
from adaptlab.quiz.numeric import diagnose, format_number, stated_symbols

BANK = bundled_bank()


def q(qid: str):
    return BANK.get(qid)


def test_single_right_and_wrong_with_misconception_feedback():
    right = grade(q("cls-lialin-lora"), "reparam")
    assert right.correct and right.score == 1.0
    wrong = grade(q("cls-lialin-lora"), "additive")
    assert not wrong.correct and wrong.score == 0.0 and wrong.wrong == ("additive",)
    assert "naive test" in wrong.feedback[0]
    assert wrong.explanation


def test_multi_partial_credit_follows_moodle_fractions():
    question = q("mech-ia3")  # key: keys, values, ffn; distractors: queries, embed
    assert grade(question, ["keys", "values", "ffn"]).score == 1.0
    two = grade(question, ["keys", "values"])
    assert two.score == pytest.approx(2 / 3) and any("Missed" in f for f in two.feedback)
    # each wrong tick costs 1 / (number of wrong options) = 1/2
    penalised = grade(question, ["keys", "values", "ffn", "queries"])
    assert penalised.score == pytest.approx(0.5) and not penalised.correct
    assert "queries" in penalised.wrong
    assert grade(question, ["queries", "embed"]).score == 0.0


def test_ticking_everything_scores_zero_in_every_select_all_question():
    multis = [x for x in BANK.questions if isinstance(x, ChoiceQuestion) and x.multiple]
    assert len(multis) >= 8
    for question in multis:
        everything = [o.id for o in question.options]
        assert grade(question, everything).score == 0.0, question.id


def test_one_answer_for_every_item_scores_zero_in_every_pairing_question():
    pairings = [x for x in BANK.questions if isinstance(x, PairingQuestion)]
    assert len(pairings) >= 6
    for question in pairings:
        for choice in question.choices:
            lazy = {item.id: choice.id for item in question.items}
            assert grade(question, lazy).score == 0.0, (question.id, choice.id)


def test_scenario_single_and_multi():
    assert grade(q("diag-zero-trainable"), "frozen").correct
    half = grade(q("diag-scheduler"), ["swap"])
    assert half.score == pytest.approx(0.5)
    assert grade(q("diag-scheduler"), ["swap", "expected"]).correct


def test_classify_partial_credit_above_the_lazy_answer_names_the_mistake():
    question = q("cls-xiao-fig37")  # 5 items; the biggest panel, (c), holds 2 of them
    assert question.best_constant == 2
    key = question.key
    assert grade(question, key).correct
    answer = dict(key, houlsby="c")  # adapter as "fine-tuning parts of the model"
    result = grade(question, answer)
    assert result.score == pytest.approx((4 - 2) / (5 - 2))
    assert result.wrong == ("houlsby->c",)
    assert "course card's misreading" in result.feedback[0]  # the item's named mistake
    assert result.feedback[-1].startswith("Right already: ")  # the four pairs that stand
    assert result.feedback[-1].count("→") == 4 and "bottleneck" not in result.feedback[-1].lower()
    assert not any(line.startswith("Right already") for line in grade(question, key).feedback)


def test_match_unplaced_item():
    question = q("mech-match-core")  # one-to-one: the lazy answer gets 1 of 6
    answer = {k: v for k, v in question.key.items() if k != "ia3"}
    result = grade(question, answer)
    assert result.score == pytest.approx((5 - 1) / (6 - 1)) and "not placed" in result.feedback[0]


FIRST = ["zero", "batch", "forward", "loss", "backward", "clip", "step", "sched"]
LAST = ["batch", "forward", "loss", "backward", "clip", "step", "sched", "zero"]


@pytest.mark.parametrize("order", [FIRST, LAST])
def test_order_zero_grad_first_or_last_both_right(order):
    assert grade(q("ord-step-full"), order).correct


def test_order_zero_grad_between_backward_and_step_is_wrong():
    order = ["batch", "forward", "loss", "backward", "zero", "clip", "step", "sched"]
    result = grade(q("ord-step-full"), order)
    assert not result.correct
    assert result.score == pytest.approx(6 / 7)  # 7 of 8 in order -> (7-1)/(8-1)
    assert any("erases the gradients" in f for f in result.feedback)


def test_order_partial_credit_rule():
    # (L - 1) / (n - 1): reversing the zero-last order still keeps "zero, batch" in the order
    # of the zero-first key, so L = 2 and the score is 1/7; nothing in order scores 0.
    assert grade(q("ord-step-full"), list(reversed(LAST))).score == pytest.approx(1 / 7)
    assert grade(q("ord-step-basic"), ["step", "backward", "loss", "forward"]).score == 0.0
    swapped = ["batch", "forward", "loss", "backward", "clip", "sched", "step", "zero"]
    assert grade(q("ord-step-full"), swapped).score == pytest.approx(6 / 7)


def test_numeric_tolerance_and_wrong_value_feedback():
    question = q("cnt-lora-medium-r4")
    assert grade(question, 393216).correct
    assert grade(question, "393,216").correct
    paper = grade(question, 350000)
    assert not paper.correct and "Table 3" in paper.feedback[0]
    pct = q("cnt-lora-pct")
    assert grade(pct, 0.2365).correct and not grade(pct, 0.2370).correct


def test_numeric_feedback_names_the_mistake_from_the_issue():
    result = grade(q("cnt-prompt-small"), 15360 * 12)
    assert result.feedback[0].startswith("184,320: You multiplied by the number of blocks")
    assert "m·d once, at the input" in result.feedback[0]


@pytest.mark.parametrize("value,words", [
    (294912 * 12, "multiplied by L = 12 (the number of blocks)"),
    (294912 // 8, "left out the factor r = 8 (the rank)"),
    (294912 * 2, "twice the key"),
    (294912 * 24, "counted 24 times over"),  # 24: no symbol the question states
    (12345, "24× too small: a factor of 24 is missing"),  # 294,912 / 12,345 = 23.9
    (294912 + 700, "Close, but 0.2% too high"),
    (500000, "70% too high"),
])
def test_an_unlisted_wrong_number_still_gets_a_diagnosis(value, words):
    result = grade(q("cnt-lora-small-r8"), value)  # states L = 12, d = 768, r = 8
    assert not result.correct and words in result.feedback[0]


def test_every_wrong_answer_gets_feedback_that_is_not_a_generic_line():
    for question in BANK.questions:
        if isinstance(question, NumericQuestion):
            assert grade(question, question.answer * 3 + 7).feedback, question.id
        elif isinstance(question, ChoiceQuestion):
            assert all(o.feedback for o in question.options), question.id
        elif isinstance(question, PairingQuestion):
            assert all(i.feedback for i in question.items), question.id


def test_numbers_are_shown_as_integers_when_they_are():
    assert format_number(294912.0) == "294,912"
    assert format_number(0.2364) == "0.2364"
    assert format_number(1e20) == "1e+20"
    assert stated_symbols("GPT-2 small (L = 12, d = 768). LoRA r = 8") == {"L": 12, "d": 768, "r": 8}
    # no ratio to read when the sign flips or either side is 0: a plain "recount" message
    for value, key in ((-5, 10), (0, 10), (10, 0)):
        assert diagnose(value, key, "").startswith("Not the key")


def test_empty_and_malformed_answers():
    assert grade(q("cls-lialin-lora"), None).score == 0.0
    with pytest.raises(AnswerError):
        grade(q("cls-xiao-fig37"), ["a"])
    with pytest.raises(AnswerError):
        grade(q("cnt-ln-small"), "many")


def test_every_bank_question_grades_its_own_key_as_right():
    for question in BANK.questions:
        key = _key(question)
        result = grade(question, json.loads(json.dumps(key)))  # answers survive JSON storage
        assert result.correct and result.score == 1.0, question.id


def _key(question):
    if question.type == "numeric":
        return question.answer
    if question.type in ("classify", "match"):
        return question.key
    if question.type == "order":
        return list(question.accepted[0])
    return list(question.answer) if question.multiple else question.answer[0]


def test_feedback_never_doubles_a_full_stop():
    # Options that end their own sentence ("... averaged over the batch.") got "..".
    for question in BANK.questions:
        if not isinstance(question, ChoiceQuestion):
            continue
        every = [o.id for o in question.options]
        answers = [every, []] if question.multiple else every  # all ticked, or none (all missed)
        for answer in answers:
            for line in grade(question, answer).feedback:
                assert ".." not in line.replace("...", ""), (question.id, line)


def test_a_verdict_is_said_once_per_line():
    # The bank's option feedback often starts "Right:" itself: "Right: ... Right: Lialin et al."
    for question in BANK.questions:
        if isinstance(question, ChoiceQuestion):
            for option in question.options:
                for line in grade(question, [option.id] if question.multiple else option.id).feedback:
                    assert line.count("Right:") + line.count("Right.") <= 1, line
                    assert "Wrong:" not in line, line
    lines = grade(q("cls-lialin-lora"), "reparam").feedback
    assert lines[0].startswith("Right: Reparametrization-based") and "Lialin et al." in lines[0]
