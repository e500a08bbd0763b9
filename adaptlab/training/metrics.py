"""What a model answered on held-out inputs, scored (plain Python: no torch).

A falling loss is not learning: a model that answers " good" to every review has a low loss and
is right only by chance. So a run is judged by its answers: exact match for every task; balanced
accuracy (the mean recall over the labels, so "always good" scores exactly 1/k) for tasks with a
few labels; token F1 (partial credit, as SQuAD scores answers) for generated ones; and a flag when
one answer covers most inputs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_LABELS = 10  # a task whose answers take at most this many values is a class task
ONE_ANSWER_SHARE = 0.8  # above this share of one answer, the model has not learned the task yet
_PUNCTUATION = re.compile(r"[^\w\s]")


def exact_match(predictions: list[str], targets: list[str]) -> float:
    """Share of predictions equal to their target, after stripping whitespace at both ends.

    Stripping is fair because completions start with a space by GPT-2 convention and generation
    may end on a newline: that whitespace is a tokenisation detail, not the answer. Case counts.
    """
    _same_length(predictions, targets)
    if not targets:
        return 0.0
    return sum(p.strip() == t.strip() for p, t in zip(predictions, targets, strict=True)) / len(targets)


def answer_rows(prompts: Sequence[str], expected: Sequence[str], before: Sequence[str],
                after: Sequence[str] | None) -> list[dict[str, Any]]:
    """Per held-out example: prompt, expected answer, the answers before and after (None when no
    step ran), and whether the answer after is right; answers stripped, as exact match does."""
    after = after if after is not None else [None] * len(prompts)
    return [{"prompt": p, "expected": e.strip(), "before": b.strip(),
             "after": a.strip() if a is not None else None,
             "correct": a is not None and a.strip() == e.strip()}
            for p, e, b, a in zip(prompts, expected, before, after, strict=True)]


def class_labels(targets: list[str]) -> tuple[str, ...] | None:
    """The labels of a class task (few distinct answers, each seen at least twice), else None."""
    counts = Counter(t.strip() for t in targets)
    if len(counts) < 2 or len(counts) > MAX_LABELS or min(counts.values()) < 2:
        return None
    return tuple(sorted(counts))


def balanced_accuracy(predictions: list[str], targets: list[str], labels: tuple[str, ...]) -> float:
    """Mean over labels of the share of that label's examples answered right (mean recall)."""
    _same_length(predictions, targets)
    recalls = []
    for label in labels:
        answers = [p.strip() for p, t in zip(predictions, targets, strict=True) if t.strip() == label]
        recalls.append(sum(a == label for a in answers) / len(answers) if answers else 0.0)
    return sum(recalls) / len(recalls)


def _words(text: str) -> list[str]:
    return _PUNCTUATION.sub(" ", text.lower()).split()


def same_words(prediction: str, target: str) -> bool:
    """The same words, case and punctuation aside: " good." answers " good" in another form,
    which exact match does not count (the answer's form is part of the task)."""
    return _words(prediction) == _words(target)


def token_f1(prediction: str, target: str) -> float:
    """F1 of the words two answers share (lower case, punctuation ignored), as SQuAD scores."""
    predicted, expected = _words(prediction), _words(target)
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def _same_length(predictions: list[str], targets: list[str]) -> None:
    if len(predictions) != len(targets):
        raise ValueError(f"{len(predictions)} predictions for {len(targets)} targets")


@dataclass(frozen=True)
class Scores:
    """A model's answers to a held-out set, scored."""

    exact_match: float
    token_f1: float
    balanced_accuracy: float | None  # class tasks only
    chance: float | None  # balanced accuracy of any one-label answerer: 1/k (class tasks only)
    top_answer: str  # the model's most frequent answer
    top_share: float  # its share of all answers
    expected_top_share: float  # the share of the most frequent expected answer

    @property
    def one_answer(self) -> bool:
        """Most inputs get the same answer although the expected answers differ."""
        return self.top_share > ONE_ANSWER_SHARE and self.expected_top_share <= ONE_ANSWER_SHARE

    @property
    def headline(self) -> float:
        """The number to judge the run by: balanced accuracy for class tasks, else exact match."""
        return self.exact_match if self.balanced_accuracy is None else self.balanced_accuracy


def score(predictions: list[str], targets: list[str]) -> Scores:
    _same_length(predictions, targets)
    if not targets:
        return Scores(0.0, 0.0, None, None, "", 0.0, 0.0)
    labels = class_labels(targets)
    answer, count = Counter(p.strip() for p in predictions).most_common(1)[0]
    expected = Counter(t.strip() for t in targets).most_common(1)[0][1]
    f1 = sum(token_f1(p, t) for p, t in zip(predictions, targets, strict=True)) / len(targets)
    return Scores(exact_match(predictions, targets), f1,
                  balanced_accuracy(predictions, targets, labels) if labels else None,
                  1 / len(labels) if labels else None, answer, count / len(targets),
                  expected / len(targets))


def one_answer_warning(scores: Scores, full_fine_tuning: bool = False,
                       held_out: bool = True) -> str | None:
    """The plain warning for a model that gives one answer to most inputs, or None. `held_out`:
    the inputs were held out (else the run had none and was scored on its training examples)."""
    if not scores.one_answer:
        return None
    share = f"{scores.top_share:.0%} of the {'held-out' if held_out else 'training'} inputs"
    if not scores.top_answer.strip():
        found = f"It has not learned the answer format yet: it answers nothing to {share}."
    else:
        shown = scores.top_answer if len(scores.top_answer) <= 40 else scores.top_answer[:39] + "…"
        found = (f"It learned the answer format, not yet the task: it answers {shown!r} to {share}, "
                 "although the expected answers differ.")
    other = "" if full_fine_tuning else ", or compare with full fine-tuning"
    return (f"{found} A falling loss alone does not show learning. Try more steps or another "
            f"learning rate{other}.")
