"""Grade an answer to any question type: a score in [0, 1], per-part feedback, the explanation.

Answers are plain JSON-able values so they can be stored as they are:
  single, scenario (one answer)  str            option id
  multi, scenario (several)      list[str]      option ids
  classify, match                dict[str, str] item id -> category/choice id
  order                          list[str]      step ids, first to last
  numeric                        float (or a numeric string)

Partial credit rules (a try's score; scoring.py turns tries into a mark). Each makes the
lazy answer worth nothing:
  multi     right ticks / number of right options - wrong ticks / number of wrong options,
            floored at 0 (Moodle's multiple-answer fractions): ticking everything scores 0
  classify, match
            (R - m) / (n - m), floored at 0: R of n items right, m the items the best single
            choice would get right if given to every item. Equivalently each wrong pair costs
            m / (n - m) of a right one, so giving every item the same answer scores 0
  order     (L - 1) / (n - 1), where L is the longest subsequence of the answer that keeps the
            relative order of an accepted order (maximised over accepted orders); a fully
            reversed order scores 0. Same idea as Moodle's "longest ordered subset".
  single, numeric: all or nothing (numeric: right when within the tolerance). A wrong number
            gets the author's feedback for that value, or numeric.diagnose names the slip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from adaptlab.quiz.numeric import diagnose, format_number
from adaptlab.quiz.schema import (
    ChoiceQuestion,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    Question,
)

Answer = str | list[str] | dict[str, str] | float


class AnswerError(ValueError):
    """The answer has the wrong shape for the question type (a bug in the caller)."""


@dataclass(frozen=True)
class Grade:
    """The result of grading one answer. `wrong` lists wrong choices, for instructor stats."""

    question_id: str
    score: float
    correct: bool
    feedback: tuple[str, ...]
    explanation: str
    wrong: tuple[str, ...] = ()


def _ids(answer: Any, what: str) -> list[str]:
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, list | tuple) and all(isinstance(a, str) for a in answer):
        return list(answer)
    raise AnswerError(f"expected {what}, got {answer!r}")


def _sentence(text: str) -> str:
    """`text` ended by a full stop, unless it ends a sentence already ("... the batch.")."""
    return text if text.rstrip().endswith((".", "?", "!", "…")) else f"{text}."


_VERDICT = re.compile(r"^\s*(Right|Wrong)\s*[:.]\s*")


def _reason(feedback: str) -> str:
    """An option's feedback without its own "Right:" or "Wrong:": the line already starts with
    the verdict ("Right: Reparametrization-based ... Right: Lialin et al. list ...")."""
    return _VERDICT.sub("", feedback, count=1)


def _grade_choice(q: ChoiceQuestion, answer: Any) -> tuple[float, list[str], list[str]]:
    picked = list(dict.fromkeys(_ids(answer, "an option id or a list of option ids")))
    key = set(q.answer)
    feedback, wrong = [], []
    for oid in picked:
        option = q.option(oid)
        if option is None:
            feedback.append(f"Unknown option {oid!r}.")
            wrong.append(oid)
        elif oid in key:
            feedback.append(f"Right: {_sentence(option.text)} {_reason(option.feedback)}")
        else:
            feedback.append(f"Not right: {_sentence(option.text)} {_reason(option.feedback)}")
            wrong.append(oid)
    missed = [q.option(oid) for oid in q.answer if oid not in picked]
    if q.multiple:
        feedback += [f"Missed: {_sentence(o.text)} {_reason(o.feedback)}" for o in missed]
        hits = len(key & set(picked))
        n_wrong = max(1, len(q.options) - len(key))  # the parser requires one distractor
        score = max(0.0, hits / len(key) - len(wrong) / n_wrong)
    else:
        score = 1.0 if picked == list(q.answer) else 0.0
    return score, feedback, wrong


def _grade_pairing(q: PairingQuestion, answer: Any) -> tuple[float, list[str], list[str]]:
    if not isinstance(answer, dict):
        raise AnswerError(f"expected a mapping item id -> choice id, got {answer!r}")
    feedback, wrong, right = [], [], []
    for item in q.items:
        given = answer.get(item.id)
        if given == item.answer:
            right.append(f"'{item.text}' → '{q.choice_text(given)}'")
            continue
        if given is None:
            feedback.append(f"'{item.text}' was not placed. {item.feedback}")
        else:
            why = item.mistake(given) or item.feedback
            feedback.append(f"'{item.text}' is not '{q.choice_text(given)}'. {why}")
        wrong.append(f"{item.id}->{given}")
    if wrong and right:  # what already stands, so a second try changes only the rest
        feedback.append("Right already: " + "; ".join(right) + ".")
    n, m = len(q.items), q.best_constant
    score = max(0.0, (n - len(wrong) - m) / (n - m))
    return score, feedback, wrong


def longest_ordered_subset(given: list[str], accepted: tuple[str, ...]) -> list[str]:
    """The longest subsequence of `given` whose items appear in the same order in `accepted`."""
    pos = {s: i for i, s in enumerate(accepted)}
    seq = [s for s in dict.fromkeys(given) if s in pos]
    # O(n^2) longest increasing subsequence over positions; n is a handful of steps.
    best: list[list[str]] = []
    for i, s in enumerate(seq):
        prev = [best[j] for j in range(i) if pos[seq[j]] < pos[s]]
        best.append(max(prev, key=len, default=[]) + [s])
    return max(best, key=len, default=[])


def _grade_order(q: OrderQuestion, answer: Any) -> tuple[float, list[str], list[str]]:
    given = _ids(answer, "a list of step ids")
    n = len(q.steps)
    if given in [list(a) for a in q.accepted]:
        return 1.0, [], []
    kept = max((longest_ordered_subset(given, a) for a in q.accepted), key=len)
    score = max(0.0, (len(kept) - 1) / (n - 1))
    feedback = [f"Out of place: {q.step_text(s)}. " + next(st.feedback for st in q.steps
                                                            if st.id == s)
                for s in given if s not in kept and any(st.id == s for st in q.steps)]
    missing = [s.text for s in q.steps if s.id not in given]
    if missing:
        feedback.append("Missing steps: " + "; ".join(missing) + ".")
    return score, feedback, [" > ".join(given)]


def _grade_numeric(q: NumericQuestion, answer: Any) -> tuple[float, list[str], list[str]]:
    try:
        value = float(str(answer).replace(",", "").replace("_", "").strip())
    except ValueError:
        raise AnswerError(f"expected a number, got {answer!r}") from None
    if abs(value - q.answer) <= q.tolerance:
        return 1.0, [], []
    shown = format_number(value)
    for wv in q.wrong_values:
        if abs(value - wv.value) <= wv.tolerance:
            return 0.0, [f"{shown}: {wv.feedback}"], [shown]
    return 0.0, [f"{shown}: {q.otherwise or diagnose(value, q.answer, q.prompt)}"], [shown]


GRADERS = {
    ChoiceQuestion: _grade_choice,
    PairingQuestion: _grade_pairing,
    OrderQuestion: _grade_order,
    NumericQuestion: _grade_numeric,
}


def grade(question: Question, answer: Answer) -> Grade:
    """Grade `answer` (see the module docstring for its shape per type). AnswerError on bad shape."""
    if answer is None or answer == "" or answer == [] or answer == {}:
        return Grade(question.id, 0.0, False, ("No answer given.",), question.explanation)
    score, feedback, wrong = GRADERS[type(question)](question, answer)
    score = round(score, 6)
    return Grade(question.id, score, score >= 1.0, tuple(f.strip() for f in feedback),
                 question.explanation, tuple(wrong))
