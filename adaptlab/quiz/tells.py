"""Bank-wide checks for "tells": ways to score without knowing the content.

A tell lets a test-wise learner pick the key without knowing the answer (Haladyna, Downing &
Rodriguez 2002, "A review of multiple-choice item-writing guidelines"). Learners see options in
a shuffled order (adaptlab.quiz.shuffle), but exports and the files themselves keep the authored
order, and length or wording tells survive any shuffle. Four checks, each one line per finding:

  longest   a keyed option is by far the longest of its question (and, bank-wide, keys are the
            longest option far more often than chance)
  position  keys sit in one authored position (first, last, ...) far more often than chance
  diagonal  matching/sorting items are listed in the order of their answers
  stem      a distractor repeats a run of the stem's words (a non-answer that only echoes it)

Bank-wide tests use a normal approximation and flag |z| >= Z_LIMIT, so a bank of a few
questions is not rejected for a pattern chance explains.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from adaptlab.quiz.schema import ChoiceQuestion, PairingQuestion, Question

LONGEST_RATIO = 1.5  # "by far": the key is at least 1.5x the longest other option...
LONGEST_MARGIN = 15  # ...and at least this many characters longer (short options vary a lot)
Z_LIMIT = 3.0  # bank-wide patterns: about 1 in 700 for one test when the bank has none
MIN_BANK = 10  # questions a bank-wide test needs: below that the normal approximation misleads
STEM_RUN = 5  # words in a row shared with the stem
_WORD = re.compile(r"[a-z0-9_.'³]+")


def _single(q: Question) -> bool:
    return isinstance(q, ChoiceQuestion) and not q.multiple


def _singles(questions: Sequence[Question]) -> list[ChoiceQuestion]:
    return [q for q in questions if isinstance(q, ChoiceQuestion) and not q.multiple]


def _z(observed: float, expected: float, variance: float) -> float:
    return (observed - expected) / math.sqrt(variance) if variance > 0 else 0.0


def longest_key(questions: Sequence[Question]) -> list[str]:
    """Questions whose keyed option(s) are by far longer than the other options."""
    out = []
    for q in questions:
        if not isinstance(q, ChoiceQuestion) or len(q.answer) == len(q.options):
            continue
        keyed = [len(o.text) for o in q.options if o.id in q.answer]
        others = [len(o.text) for o in q.options if o.id not in q.answer]
        # single: the key against the longest distractor; multi: the keys' mean against the
        # distractors' mean (several long keys and short distractors is the same tell).
        key, other = (keyed[0], max(others)) if _single(q) else (
            sum(keyed) / len(keyed), sum(others) / len(others))
        if key >= LONGEST_RATIO * other and key - other >= LONGEST_MARGIN:
            what = "keyed option" if _single(q) else "keyed options (mean)"
            out.append(f"{q.file}: question {q.id!r}: tell 'longest': the {what} has "
                       f"{key:.0f} characters, the others at most {other:.0f}; make every "
                       "option about as long and as specific as the key")
    return out + _longest_rate(questions)


def _longest_rate(questions: Sequence[Question]) -> list[str]:
    """Bank-wide: is the key the strictly longest option more often than chance?"""
    hits, expected, variance = [], 0.0, 0.0
    for q in _singles(questions):
        lengths = [len(o.text) for o in q.options]
        key = lengths[[o.id for o in q.options].index(q.answer[0])]
        p = 1 / len(lengths)
        expected, variance = expected + p, variance + p * (1 - p)
        if key == max(lengths) and lengths.count(key) == 1:
            hits.append(q.id)
    z = _z(len(hits), expected, variance)
    if z < Z_LIMIT or len(_singles(questions)) < MIN_BANK:
        return []
    return [f"bank: tell 'longest': in {len(hits)} single-answer questions the key is the "
            f"longest option (chance: about {expected:.0f}; z = {z:.1f}); shorten keys or "
            f"lengthen distractors in: {', '.join(hits)}"]


def key_positions(questions: Sequence[Question]) -> list[str]:
    """Authored key positions: per position for single answers, mean rank for select-all."""
    out = []
    singles = _singles(questions)
    width = max((len(q.options) for q in singles), default=0)
    for pos in range(width):
        counted = [q for q in singles if len(q.options) > pos]
        if len(counted) < MIN_BANK:
            continue
        p = [1 / len(q.options) for q in counted]
        hits = sum(q.options[pos].id == q.answer[0] for q in counted)
        z = _z(hits, sum(p), sum(x * (1 - x) for x in p))
        if z >= Z_LIMIT:
            out.append(f"bank: tell 'position': the key is option {pos + 1} in {hits} of "
                       f"{len(counted)} single-answer questions (chance: about {sum(p):.0f}; "
                       f"z = {z:.1f}); vary where the key is written")
    multis = [q for q in questions if isinstance(q, ChoiceQuestion) and q.multiple]
    z = _multi_rank_z(multis)
    if abs(z) >= Z_LIMIT and len(multis) >= MIN_BANK:
        where = "first" if z < 0 else "last"
        out.append(f"bank: tell 'position': in select-all questions the right options are "
                   f"written {where} far more often than chance (z = {z:.1f}); mix them in")
    return out


def _multi_rank_z(questions: Sequence[ChoiceQuestion]) -> float:
    """z of the keys' mean relative position (0 first, 1 last) against a random placement."""
    total, variance = 0.0, 0.0
    for q in questions:
        k, n = len(q.options), len(q.answer)
        if n == k:
            continue
        ranks = [i / (k - 1) for i, o in enumerate(q.options) if o.id in q.answer]
        # The mean of n ranks drawn without replacement from k evenly spaced points in [0, 1].
        population = (k + 1) / (12 * (k - 1))
        total += sum(ranks) / n - 0.5
        variance += population / n * (k - n) / (k - 1)
    return _z(total, 0.0, variance)


def diagonal(questions: Sequence[Question]) -> list[str]:
    """Matching/sorting: are items listed in the order of their answers (Kendall's S)?"""
    s_total, var_total = 0.0, 0.0
    for q in questions:
        if not isinstance(q, PairingQuestion):
            continue
        rank = {c.id: i for i, c in enumerate(q.choices)}
        seq = [rank[item.answer] for item in q.items]
        n = len(seq)
        s_total += sum((seq[j] > seq[i]) - (seq[j] < seq[i])
                       for i in range(n) for j in range(i + 1, n))
        ties = [seq.count(v) for v in set(seq)]
        var_total += (n * (n - 1) * (2 * n + 5)
                      - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    z = _z(s_total, 0.0, var_total)
    if abs(z) < Z_LIMIT:
        return []
    return [f"bank: tell 'diagonal': matching and sorting items are listed in the order of "
            f"their answers (Kendall z = {z:.1f}); list items and choices independently"]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shared_run(a: list[str], b: list[str]) -> int:
    """Length of the longest run of consecutive words that appears in both."""
    best, prev = 0, [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def stem_echo(questions: Sequence[Question]) -> list[str]:
    """Distractors that repeat STEM_RUN or more words of the stem in a row."""
    out = []
    for q in questions:
        if not isinstance(q, ChoiceQuestion):
            continue
        stem = _words(f"{q.situation} {q.prompt}")
        for option in q.options:
            run = _shared_run(_words(option.text), stem)
            if option.id not in q.answer and run >= STEM_RUN:
                out.append(f"{q.file}: question {q.id!r}: tell 'stem': distractor "
                           f"{option.id!r} repeats {run} words of the stem in a row; say "
                           "what is wrong with it in its own words")
    return out


def find_tells(questions: Sequence[Question]) -> list[str]:
    """Every tell in `questions`, one line each (empty: none found)."""
    return [*longest_key(questions), *key_positions(questions), *diagonal(questions),
            *stem_echo(questions)]
