"""The order in which one learner sees a question's options: shuffled, and the same every time.

Authors may write options in any order (the key first is fine): what a learner sees is a
permutation seeded by (learner id, question id). The seed uses SHA-256, not Python's hash(),
which is salted per process: the same learner gets the same order on every rerun, in every
session and on every server replica, while two learners see different orders.

  single, multi, scenario   options shuffled (except generated block lists, `keep_order`:
                            every block is an option, so their natural order gives nothing away)
  match                     the choices (right-hand side) and the items shuffled
  classify                  the items shuffled; categories keep their authored order, because
                            they are a taxonomy's own sequence ((a)-(d), rows 1-5)
  order                     a start order that is never already an accepted order
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from adaptlab.quiz.schema import ChoiceQuestion, OrderQuestion, PairingQuestion, Question


def shuffle_seed(learner_id: str, question_id: str, purpose: str = "") -> int:
    """A 64-bit seed from the learner and the question, stable across processes."""
    text = "\x1f".join((learner_id.strip(), question_id, purpose))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _shuffled(ids: list[str], seed: int) -> list[str]:
    out = list(ids)
    random.Random(seed).shuffle(out)
    return out


@dataclass(frozen=True)
class Presentation:
    """What one learner sees of one question, as id lists (empty where it does not apply)."""

    options: tuple[str, ...] = ()  # choice questions
    items: tuple[str, ...] = ()  # classify/match: left-hand side
    choices: tuple[str, ...] = ()  # classify/match: right-hand side
    start: tuple[str, ...] = ()  # ordering: the start order of the movable list


def start_order(question: OrderQuestion, seed: int) -> list[str]:
    """A seeded permutation of the steps that is not an accepted order.

    Redrawn (deterministically) until it is wrong; with 3+ steps at least 6 orders exist and
    the parser caps the accepted ones below that, so the loop ends after a few draws.
    """
    steps = [s.id for s in question.steps]
    accepted = {tuple(a) for a in question.accepted}
    rng = random.Random(seed)
    for _ in range(1000):
        rng.shuffle(steps)
        if tuple(steps) not in accepted:
            return steps
    raise ValueError(f"{question.id}: every order of its steps is accepted; nothing to ask")


def presentation(question: Question, learner_id: str) -> Presentation:
    """The shuffled view of `question` for `learner_id` (same inputs, same result)."""
    seed = shuffle_seed(learner_id, question.id)
    if isinstance(question, ChoiceQuestion):
        ids = [o.id for o in question.options]
        return Presentation(options=tuple(ids if question.keep_order else _shuffled(ids, seed)))
    if isinstance(question, PairingQuestion):
        items = _shuffled([i.id for i in question.items], seed)
        choices = [c.id for c in question.choices]
        if question.type == "match":
            choices = _shuffled(choices, shuffle_seed(learner_id, question.id, "choices"))
        return Presentation(items=tuple(items), choices=tuple(choices))
    if isinstance(question, OrderQuestion):
        return Presentation(start=tuple(start_order(question, seed)))
    return Presentation()
