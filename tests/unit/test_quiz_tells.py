"""The bank-wide tells check: the bundled bank has none, and each kind of tell is caught."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from adaptlab.quiz import bundled_bank, load_bank
from adaptlab.quiz.cli import add_quiz_commands
from adaptlab.quiz.tells import diagonal, find_tells, key_positions, longest_key, stem_echo


def single(qid: str, key_at: int = 0, key_text: str = "B option",
           prompt: str = "Which one?") -> str:
    options = ["      - {id: x, text: 'X option', feedback: wrong}",
               "      - {id: y, text: 'Y option', feedback: wrong}",
               "      - {id: z, text: 'Z option', feedback: wrong}"]
    options.insert(key_at, f"      - {{id: k, text: '{key_text}', feedback: right}}")
    return (f"  - id: {qid}\n    type: single\n    topic: mechanisms\n    lab: /methods\n"
            f"    prompt: '{prompt}'\n    hint: h\n    explanation: e\n    options:\n"
            + "\n".join(options) + "\n    answer: k\n")


def bank_of(tmp_path: Path, *questions: str):
    path = tmp_path / "t.yaml"
    path.write_text("questions:\n" + "".join(questions), encoding="utf-8")
    return list(load_bank([path]).questions)


def test_the_bundled_bank_has_no_tells():
    assert find_tells(bundled_bank().questions) == []


def test_a_key_far_longer_than_the_rest_is_flagged(tmp_path):
    long_key = "the key, written out with every detail that makes it obviously right"
    (line,) = longest_key(bank_of(tmp_path, single("q1", key_text=long_key)))
    assert line.startswith("t.yaml: question 'q1': tell 'longest'")


def test_keys_that_are_the_longest_far_more_often_than_chance_are_flagged(tmp_path):
    qs = bank_of(tmp_path, *[single(f"q{n}", key_at=n % 4, key_text="B option!")
                             for n in range(30)])
    assert longest_key(qs) and "bank: tell 'longest'" in longest_key(qs)[-1]


def test_keys_always_written_first_are_flagged_but_a_small_bank_is_not(tmp_path):
    biased = bank_of(tmp_path, *[single(f"q{n}") for n in range(20)])
    (line,) = key_positions(biased)
    assert "the key is option 1 in 20 of 20" in line
    assert key_positions(bank_of(tmp_path, *[single(f"q{n}") for n in range(3)])) == []
    mixed = bank_of(tmp_path, *[single(f"q{n}", key_at=n % 4) for n in range(20)])
    assert key_positions(mixed) == []


def test_select_all_keys_written_first_are_flagged(tmp_path):
    multi = textwrap.dedent("""\
      - id: m{n}
        type: multi
        topic: mechanisms
        lab: /methods
        prompt: Which?
        hint: h
        explanation: e
        options:
          - {{id: a, text: A, feedback: r}}
          - {{id: b, text: B, feedback: r}}
          - {{id: c, text: C, feedback: w}}
          - {{id: d, text: D, feedback: w}}
          - {{id: e, text: E, feedback: w}}
        answer: [a, b]
    """)
    questions = bank_of(tmp_path, *["  " + multi.format(n=n).replace("\n", "\n  ").rstrip(" ")
                                    for n in range(12)])
    assert any("select-all" in line and "first" in line for line in key_positions(questions))


def test_matching_items_listed_in_answer_order_are_flagged():
    bank = bundled_bank()
    diagonal_bank = []
    for q in bank.questions:
        if q.type == "match":
            # rebuild the question with items sorted by the position of their answer
            order = {c.id: i for i, c in enumerate(q.choices)}
            items = tuple(sorted(q.items, key=lambda item: order[item.answer]))
            diagonal_bank += [type(q)(**{**q.__dict__, "items": items})] * 3
    (line,) = diagonal(diagonal_bank)
    assert "tell 'diagonal'" in line


def test_a_distractor_that_repeats_the_stem_is_flagged(tmp_path):
    stem = "Which choice fits a model that is too large for one GPU?"
    qs = bank_of(tmp_path, single("q1", prompt=stem).replace(
        "'X option'", "'A model that is too large for one GPU'"))
    (line,) = stem_echo(qs)
    assert "distractor 'x' repeats 9 words of the stem" in line


def test_quiz_validate_reports_tells_and_fails(tmp_path, capsys):
    (tmp_path / "t.yaml").write_text(
        "questions:\n" + "".join(single(f"q{n}") for n in range(20)), encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_quiz_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["quiz", "validate", str(tmp_path / "t.yaml")])
    assert args.handler(args) == 2
    assert "tell 'position'" in capsys.readouterr().err
