"""Grading of every question type, partial credit, and the zero_grad-first-or-last rule."""

from __future__ import annotations

import json

import pytest

from adaptlab.quiz import AnswerError, bundled_bank, grade

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


def test_multi_partial_credit():
    question = q("mech-ia3")  # key: keys, values, ffn
    assert grade(question, ["keys", "values", "ffn"]).score == 1.0
    two = grade(question, ["keys", "values"])
    assert two.score == pytest.approx(2 / 3) and any("Missed" in f for f in two.feedback)
    penalised = grade(question, ["keys", "values", "ffn", "queries"])
    assert penalised.score == pytest.approx(2 / 3) and not penalised.correct
    assert "queries" in penalised.wrong
    assert grade(question, ["queries", "embed"]).score == 0.0


def test_scenario_single_and_multi():
    assert grade(q("diag-zero-trainable"), "frozen").correct
    half = grade(q("diag-scheduler"), ["swap"])
    assert half.score == pytest.approx(0.5)
    assert grade(q("diag-scheduler"), ["swap", "warmup"]).correct


def test_classify_partial_credit_names_the_item():
    question = q("cls-xiao-fig37")
    key = question.key
    assert grade(question, key).correct
    answer = dict(key, houlsby="c")  # adapter as "fine-tuning parts of the model"
    result = grade(question, answer)
    assert result.score == pytest.approx(4 / 5)
    assert "bottleneck adapter" in result.feedback[0] and result.wrong == ("houlsby->c",)


def test_match_unplaced_item():
    question = q("mech-match-core")
    answer = {k: v for k, v in question.key.items() if k != "ia3"}
    result = grade(question, answer)
    assert result.score == pytest.approx(5 / 6) and "not placed" in result.feedback[0]


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
