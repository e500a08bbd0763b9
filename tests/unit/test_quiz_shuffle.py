"""Option order: shuffled per learner and question, the same on every rerun, session and process."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from adaptlab.quiz import ChoiceQuestion, OrderQuestion, PairingQuestion, bundled_bank, presentation
from adaptlab.quiz.shuffle import shuffle_seed, start_order

BANK = bundled_bank()
ROOT = Path(__file__).resolve().parents[2]
LEARNERS = [f"learner {n}" for n in range(200)]


def of_type(cls, **flags):
    return [q for q in BANK.questions if isinstance(q, cls)
            and all(getattr(q, k) == v for k, v in flags.items())]


def test_the_seed_does_not_depend_on_the_process():
    # Python's hash() is salted per process; a fresh interpreter must give the same seed.
    here = shuffle_seed("amy", "cls-lialin-lora")
    code = ("from adaptlab.quiz.shuffle import shuffle_seed; "
            "print(shuffle_seed('amy', 'cls-lialin-lora'))")
    there = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                           text=True, check=True, env={"PYTHONPATH": str(ROOT),
                                                       "PYTHONHASHSEED": "12345"})
    assert int(there.stdout) == here


def test_same_learner_same_order_other_learners_other_orders():
    question = BANK.get("cls-lialin-lora")
    first = presentation(question, "amy")
    assert all(presentation(question, "amy") == first for _ in range(5))
    orders = {presentation(question, who).options for who in LEARNERS}
    assert len(orders) == 24  # all 4! orders of four options occur across 200 learners
    assert sorted(first.options) == sorted(o.id for o in question.options)


def test_the_key_lands_in_every_position_about_equally():
    # Over learners, the displayed position of the key is uniform, whatever the file says.
    singles = [q for q in of_type(ChoiceQuestion, multiple=False) if len(q.options) == 4]
    positions = Counter(presentation(q, who).options.index(q.answer[0])
                        for q in singles for who in LEARNERS[:50])
    total = sum(positions.values())
    assert set(positions) == {0, 1, 2, 3}
    assert all(abs(n / total - 0.25) < 0.03 for n in positions.values()), positions


def test_select_all_keys_are_not_shown_first():
    multis = of_type(ChoiceQuestion, multiple=True)
    first_is_key = [presentation(q, who).options[0] in q.answer
                    for q in multis for who in LEARNERS[:50]]
    expected = sum(len(q.answer) / len(q.options) for q in multis) / len(multis)
    assert abs(sum(first_is_key) / len(first_is_key) - expected) < 0.05


def test_matching_shuffles_the_right_hand_side_and_classify_keeps_categories():
    match = BANK.get("mech-match-core")
    assert isinstance(match, PairingQuestion)
    choices = {presentation(match, who).choices for who in LEARNERS[:20]}
    assert len(choices) > 15
    diagonal = sum(view.choices.index(match.key[item]) == view.items.index(item)
                   for view in (presentation(match, who) for who in LEARNERS)
                   for item in view.items)
    assert diagonal < 0.3 * len(LEARNERS) * len(match.items)  # about 1 in 7 by chance
    fig = BANK.get("cls-xiao-fig37")
    assert presentation(fig, "amy").choices == tuple(c.id for c in fig.choices)  # (a)-(d)
    assert len({presentation(fig, who).items for who in LEARNERS[:20]}) > 10


@pytest.mark.parametrize("question", of_type(OrderQuestion), ids=lambda q: q.id)
def test_an_ordering_never_starts_in_an_accepted_order(question):
    accepted = {tuple(a) for a in question.accepted}
    starts = [presentation(question, who).start for who in LEARNERS]
    assert not accepted & set(starts)
    assert all(sorted(s) == sorted(x.id for x in question.steps) for s in starts)
    assert len(set(starts)) > 1


def test_start_order_is_redrawn_until_wrong():
    question = BANK.get("strat-workflow")  # 3 steps: 1 right order of 6
    for seed in range(300):
        assert tuple(start_order(question, seed)) not in {tuple(a) for a in question.accepted}


def test_options_with_a_natural_order_of_their_own_keep_it():
    from dataclasses import replace

    question = replace(BANK.get("frz-saves"), keep_order=True)
    ids = tuple(o.id for o in question.options)
    assert all(presentation(question, who).options == ids for who in LEARNERS[:20])
    assert len({presentation(BANK.get("frz-saves"), who).options for who in LEARNERS[:20]}) > 1
