"""Exports are well-formed: Moodle XML parses with Moodle's structure; GIFT escapes; CSV is complete."""

from __future__ import annotations

import argparse
import csv
import io
import xml.etree.ElementTree as ET

import pytest

from adaptlab.quiz import bundled_bank
from adaptlab.quiz.cli import add_quiz_commands
from adaptlab.quiz.export import gift_escape, to_csv, to_gift, to_moodle_xml

QUESTIONS = list(bundled_bank().questions)


@pytest.fixture(scope="module")
def moodle() -> ET.Element:
    return ET.fromstring(to_moodle_xml(QUESTIONS).encode("utf-8"))


def test_moodle_structure(moodle):
    assert moodle.tag == "quiz"
    questions = [q for q in moodle.findall("question") if q.get("type") != "category"]
    assert len(questions) == len(QUESTIONS)
    assert {q.get("type") for q in questions} == {"multichoice", "matching", "ordering", "numerical"}
    for q in questions:
        assert q.find("name/text").text
        assert q.find("questiontext").get("format") == "html" and q.find("questiontext/text").text
    for q in moodle.findall("question[@type='multichoice']"):
        answers = q.findall("answer")
        assert all(a.get("fraction") is not None and a.find("text") is not None for a in answers)
        assert all(a.find("feedback/text").text for a in answers)
        assert max(float(a.get("fraction")) for a in answers) > 0


def test_moodle_matching_and_ordering(moodle):
    by_name = {q.findtext("name/text"): q for q in moodle.findall("question")}
    fig = by_name["cls-xiao-fig37"]
    assert fig.get("type") == "matching" and len(fig.findall("subquestion")) == 5
    order = by_name["ord-step-full"]
    answers = order.findall("answer")
    assert [a.get("fraction") for a in answers] == [str(i) for i in range(1, 8)]
    assert "zero_grad" in order.findtext("questiontext/text")  # named as left out
    num = by_name["cnt-lora-medium-r4"]
    right = num.find("answer[@fraction='100']")
    assert right.findtext("text") == "393216" and right.findtext("tolerance") == "0"


def test_penalty_and_shuffling_travel_with_every_format(moodle):
    for q in moodle.findall("question"):
        if q.get("type") != "category":
            assert q.findtext("penalty") == "0.3333333"
            assert len(q.findall("hint")) == 2  # Moodle: tries = hints + 1 = 3, as in the app
        if q.get("type") in ("multichoice", "matching"):
            assert q.findtext("shuffleanswers") == "true"
    gift = to_gift(QUESTIONS)
    assert gift.startswith("// AdaptLab bank. Scoring: Up to 3 tries") and "33.33%" in gift
    rows = list(csv.DictReader(io.StringIO(to_csv(QUESTIONS))))
    assert {(r["max_tries"], r["penalty"]) for r in rows} == {("3", "0.3333333")}
    assert {r["shuffle"] for r in rows if r["type"] == "match"} == {"items and choices"}


def test_moodle_select_all_fractions_make_ticking_everything_zero(moodle):
    for q in moodle.findall("question[@type='multichoice']"):
        if q.findtext("single") == "false":
            total = sum(float(a.get("fraction")) for a in q.findall("answer"))
            assert abs(total) < 0.01, q.findtext("name/text")


def test_named_mistakes_reach_the_moodle_feedback(moodle):
    by_name = {q.findtext("name/text"): q for q in moodle.findall("question")}
    notes = by_name["cls-xiao-fig37"].findtext("incorrectfeedback/text")
    assert "If paired with" in notes and "misreading" in notes


def test_gift_escaping_and_types():
    assert gift_escape("a~b=c#d{e}f:g\\") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\"
    text = to_gift(QUESTIONS)
    assert "// skipped ord-step-full" in text
    assert "::cls-lialin-lora::" in text and "::cnt-lora-medium-r4::" in text
    assert "{\n#=393216:0#" in text


def test_csv_has_every_question():
    rows = list(csv.DictReader(io.StringIO(to_csv(QUESTIONS))))
    assert [r["id"] for r in rows] == [q.id for q in QUESTIONS]
    assert all(r["answer"] and r["prompt"] for r in rows)


def parse(argv):
    parser = argparse.ArgumentParser()
    add_quiz_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_validate_bundled_and_broken(tmp_path, capsys):
    assert parse(["quiz", "validate"]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: x\n    type: essay\n", encoding="utf-8")
    assert parse(["quiz", "validate", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(line.startswith("bad.yaml: question 'x': field ") for line in err)
    assert parse(["quiz", "validate", str(tmp_path / "missing.yaml")]) == 2


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift", "csv"])
def test_cli_export(tmp_path, fmt):
    out = tmp_path / f"bank.{fmt}"
    assert parse(["quiz", "export", "--format", fmt, "--out", str(out)]) == 0
    assert out.stat().st_size > 1000


def test_cli_export_unwritable(tmp_path, capsys):
    assert parse(["quiz", "export", "--format", "csv", "--out", str(tmp_path / "no" / "f.csv")]) == 2
    assert capsys.readouterr().err.startswith("error: cannot write")


def test_cli_results_export(tmp_path, capsys):
    from adaptlab.store import Store

    url = f"sqlite:///{tmp_path / 'r.db'}"
    Store(url).record_attempt("ann", "q1", "a", True, 1.0, topic="counting")
    out = tmp_path / "results.csv"
    assert parse(["results", "export", "--out", str(out), "--db", url]) == 0
    assert "question,q1" in out.read_text()
    assert parse(["results", "export", "--out", str(out), "--db", "nonsense"]) == 2
    assert "Bad database URL" in capsys.readouterr().err
