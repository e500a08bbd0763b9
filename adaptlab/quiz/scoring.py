"""How tries turn into a mark: Moodle's "interactive with multiple tries", stated to the learner.

Moodle (question/behaviour/interactive): a question ends when a try is right or when the tries
run out; its mark is that last try's score minus `penalty` for every try before it, floored at
0. So right first time is full marks, right on the second try is 1 - 1/3, and so on. A try's
score is the partial-credit score of grading.py, whose rules make ticking or matching
everything worth nothing.

A learner's mark on a question is the mark of their FIRST sequence of tries at it (in one
context: a topic section, or one quiz of a lesson path). "Practise again" starts a new sequence
that is saved and reviewed but does not change the mark, so a mark measures what the learner
could do the first time, not how often they retried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class TriesPolicy:
    """How many tries a question gets and what each extra try costs (a fraction of 1)."""

    max_tries: int
    penalty: float

    def __post_init__(self) -> None:
        if self.max_tries < 1 or not 0 <= self.penalty <= 1:
            raise ValueError("max_tries must be >= 1 and penalty within [0, 1]")

    def mark(self, scores: Sequence[float]) -> float:
        """The mark of one sequence of try scores (oldest first)."""
        if not scores:
            return 0.0
        return round(max(0.0, scores[-1] - self.penalty * (len(scores) - 1)), 6)

    def finished(self, scores: Sequence[float]) -> bool:
        """True once a try was right or no try is left."""
        return len(scores) >= self.max_tries or (bool(scores) and scores[-1] >= 1.0)

    def right_on(self, try_number: int) -> float:
        """The mark for a right answer on try `try_number` (1-based)."""
        return self.mark([0.0] * (try_number - 1) + [1.0])

    def summary(self) -> str:
        """The rule in a few words, for a folded heading over `describe`."""
        if self.max_tries == 1:
            return "one try per question"
        penalty = str(Fraction(self.penalty).limit_denominator(12))
        return f"up to {self.max_tries} tries per question, each extra try costs {penalty}"

    def describe(self) -> str:
        """The policy in one or two sentences, for the learner before they answer."""
        if self.max_tries == 1:
            return "One try per question: your mark is that try's score."
        penalty = str(Fraction(self.penalty).limit_denominator(12))
        marks = ", ".join(f"try {n}: {self.right_on(n):.0%}"
                          for n in range(1, self.max_tries + 1))
        return (f"Up to {self.max_tries} tries per question, with a hint after a wrong one. "
                f"Each extra try costs {penalty} of the marks (right on {marks}). The mark "
                "comes from your last try, and only your first go at a question counts: "
                "practising it again afterwards does not change it.")


INTERACTIVE = TriesPolicy(max_tries=3, penalty=1 / 3)  # Moodle's default penalty, 33.33%
SINGLE_TRY = TriesPolicy(max_tries=1, penalty=0.0)  # before/after quizzes of a lesson path

PARTIAL_CREDIT = (
    "Partial credit: in select-all questions each right tick earns 1/(number of right options) "
    "and each wrong tick costs 1/(number of wrong options), so ticking everything scores 0. "
    "In matching and sorting, each wrong pair costs enough that giving every item the same "
    "answer scores 0. In ordering, credit follows the longest run of steps already in a right "
    "order. Single answers and numbers are right or wrong."
)


PATH_PREFIX = "path:"  # a lesson path's before- or after-quiz (adaptlab.quiz.paths)
LIVE_PREFIX = "live:"  # a live class question (adaptlab.live.questions.live_context)


def policy_for(context: str) -> TriesPolicy:
    """The policy of a quiz context: "" (topic sections, practice) gets tries; "path:..." (a
    lesson's quiz) and "live:..." (a live class question, answered once) get one try."""
    return SINGLE_TRY if context.startswith((PATH_PREFIX, LIVE_PREFIX)) else INTERACTIVE


@dataclass(frozen=True)
class TryRecord:
    """One stored try, as far as scoring needs it."""

    score: float
    try_number: int | None = None  # None for tries saved before try numbers were stored


def split_sequences(tries: Sequence[TryRecord], policy: TriesPolicy) -> list[list[TryRecord]]:
    """Group one learner's tries at one question (oldest first) into sequences.

    A stored try number 1 starts a sequence. Older rows without a number start one when the
    previous sequence had finished under `policy` (right, or out of tries).
    """
    sequences: list[list[TryRecord]] = []
    for t in tries:
        if sequences and not _starts_sequence(sequences[-1], t, policy):
            sequences[-1].append(t)
        else:
            sequences.append([t])
    return sequences


def _starts_sequence(current: list[TryRecord], t: TryRecord, policy: TriesPolicy) -> bool:
    if t.try_number is not None:
        return t.try_number == 1
    return policy.finished([x.score for x in current])
