"""Scoring a model's answers: exact match, balanced accuracy, token F1 and the one-answer flag."""

import pytest

from adaptlab.training.metrics import (
    answer_rows,
    balanced_accuracy,
    class_labels,
    exact_match,
    one_answer_warning,
    same_words,
    score,
    token_f1,
)


def test_exact_match_strips_whitespace_but_keeps_case() -> None:
    assert exact_match([" positive\n", "Negative", " Mara  Fell"],
                       [" positive", " negative", " Mara Fell"]) == pytest.approx(1 / 3)
    assert exact_match([], []) == 0.0
    with pytest.raises(ValueError):
        exact_match(["a"], [])


def test_answer_rows_mark_an_answer_right_only_as_exact_match_does() -> None:
    rows = answer_rows(["Review: fine.", "Review: bad."], [" good", " bad"],
                       [" good\n", " good"], [" good\n", " Bad"])
    assert rows == [
        {"prompt": "Review: fine.", "expected": "good", "before": "good", "after": "good",
         "correct": True},
        {"prompt": "Review: bad.", "expected": "bad", "before": "good", "after": "Bad",
         "correct": False}]
    assert exact_match([" good\n", " Bad"], [" good", " bad"]) == 0.5  # the same judgement
    # No step ran: nothing after training, and nothing counted right.
    untrained = answer_rows(["Review: fine."], [" good"], [" good"], None)
    assert untrained[0]["after"] is None and untrained[0]["correct"] is False


def test_a_one_label_answerer_scores_chance_on_balanced_accuracy_whatever_the_split() -> None:
    # 36 bad / 28 good: "always bad" has 56% accuracy but exactly 50% balanced accuracy.
    targets = [" bad"] * 36 + [" good"] * 28
    always_bad = ["bad"] * 64
    labels = class_labels(targets)
    assert labels == ("bad", "good")
    assert exact_match(always_bad, targets) == pytest.approx(36 / 64)
    assert balanced_accuracy(always_bad, targets, labels) == pytest.approx(0.5)


def test_balanced_accuracy_is_the_mean_recall_over_labels() -> None:
    targets = ["a", "a", "a", "a", "b", "b"]
    predictions = ["a", "a", "a", "b", "b", "a"]
    assert balanced_accuracy(predictions, targets, ("a", "b")) == pytest.approx((3 / 4 + 1 / 2) / 2)


def test_generated_answers_are_not_a_class_task() -> None:
    assert class_labels([" Ford, Ravi (30)", " Baker, Adam (66)", " Ward, Jack (78)"]) is None
    assert class_labels([" good", " good"]) is None  # one label: nothing to balance


def test_token_f1_gives_partial_credit_for_shared_words() -> None:
    assert token_f1(" Ford, Ravi (30)", " Ford, Ravi (30)") == 1.0
    assert token_f1(" Ford, Simon (30)", " Ford, Ravi (30)") == pytest.approx(2 / 3)
    assert token_f1(" the", " Mara Fell") == 0.0
    assert token_f1("", "") == 1.0 and token_f1("", "x") == 0.0


def test_one_answer_to_everything_is_flagged_with_a_plain_warning() -> None:
    targets = [" bad", " good"] * 20
    scores = score([" good"] * 38 + [" bad"] * 2, targets)
    assert scores.one_answer and scores.top_answer == "good" and scores.top_share == 0.95
    assert scores.chance == 0.5 and scores.headline == scores.balanced_accuracy
    warning = one_answer_warning(scores)
    assert warning and "'good'" in warning and "95%" in warning and "not yet the task" in warning
    assert "compare with full fine-tuning" in warning
    # Full fine-tuning is not told to compare with itself.
    assert "compare with full fine-tuning" not in one_answer_warning(scores, full_fine_tuning=True)
    # A run with nothing held out is scored on its training examples, and told so.
    assert "95% of the training inputs" in one_answer_warning(scores, held_out=False)


def test_no_answer_at_all_is_not_called_the_answer_format() -> None:
    scores = score([""] * 40, [" bad", " good"] * 20)  # a diverged or broken model: empty output
    warning = one_answer_warning(scores)
    assert warning and "has not learned the answer format yet: it answers nothing" in warning
    assert "''" not in warning


def test_varied_right_answers_are_not_flagged() -> None:
    targets = [" bad", " good"] * 20
    assert one_answer_warning(score(targets, targets)) is None
    generated = [f" name {i}" for i in range(40)]
    scores = score(generated, generated)
    assert scores.balanced_accuracy is None and scores.headline == 1.0 and not scores.one_answer


def test_same_words_sees_an_answer_in_another_form_that_exact_match_does_not_count():
    assert same_words(" good.", "good") and same_words("Good", " good")
    assert exact_match([" good."], ["good"]) == 0.0
    assert not same_words("good", "bad") and not same_words("not good", "good")
