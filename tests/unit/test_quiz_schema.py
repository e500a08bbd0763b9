"""The bank loader rejects broken files with messages naming file, question and field."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from adaptlab.quiz import QuizBankError, bundled_bank, check, load_bank
from adaptlab.quiz.schema import LAB_PAGES, OrderQuestion, PairingQuestion

GOOD = """
  - id: q1
    type: single
    topic: mechanisms
    lab: /methods
    prompt: Which one?
    hint: Think.
    explanation: Because.
    options:
      - {id: a, text: A, feedback: right}
      - {id: b, text: B, feedback: wrong because}
    answer: a
"""


def write(tmp_path: Path, body: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def errors_for(tmp_path: Path, body: str) -> list[str]:
    with pytest.raises(QuizBankError) as info:
        load_bank([write(tmp_path, body)])
    return info.value.errors


def test_good_file_loads(tmp_path):
    bank = load_bank([write(tmp_path, "questions:" + GOOD)])
    assert [q.id for q in bank.questions] == ["q1"]


@pytest.mark.parametrize("old,new,field,words", [
    ("answer: a", "answer: z", "answer", "not among the options"),
    ("type: single", "type: essay", "type", "unknown type"),
    ("    hint: Think.\n", "", "hint", "missing"),
    ("lab: /methods", "lab: /nowhere", "lab", "not an app page"),
    ("topic: mechanisms", "topic: cooking", "topic", "unknown topic"),
    ("{id: b, text: B, feedback: wrong because}", "{id: b, text: B}", "options", "feedback"),
])
def test_broken_question_names_file_question_field(tmp_path, old, new, field, words):
    (err,) = errors_for(tmp_path, "questions:" + GOOD.replace(old, new))
    assert err.startswith("t.yaml: question 'q1': field ")
    assert f"'{field}" in err and words in err


def test_duplicate_ids_across_files(tmp_path):
    a, b = write(tmp_path, "questions:" + GOOD, "a.yaml"), write(tmp_path, "questions:" + GOOD, "b.yaml")
    _, errors = check([a, b])
    assert len(errors) == 1 and "b.yaml: question 'q1': field 'id': duplicate" in errors[0]


def test_order_answer_must_be_permutation(tmp_path):
    body = GOOD.replace("type: single", "type: order").split("    options:")[0] + """
    steps:
      - {id: x, text: X, feedback: f}
      - {id: y, text: Y, feedback: f}
      - {id: z, text: Z, feedback: f}
    answers:
      - [x, y, z]
      - [x, y, y]
"""
    (err,) = errors_for(tmp_path, "questions:" + body)
    assert "field 'answers'" in err and "not a permutation" in err


def test_numeric_tolerance_negative(tmp_path):
    body = GOOD.replace("type: single", "type: numeric").split("    options:")[0] + """
    answer: 10
    tolerance: -1
"""
    (err,) = errors_for(tmp_path, "questions:" + body)
    assert "field 'tolerance'" in err and "negative" in err


MULTI = GOOD.replace("type: single", "type: multi").replace("answer: a", "answer: [a, b]")
PAIRS = GOOD.replace("type: single", "type: match").split("    options:")[0] + """
    choices:
      - {id: x, text: X}
      - {id: y, text: Y}
    items:
      - {id: i, text: I, answer: x, feedback: because}
      - {id: j, text: J, answer: x, feedback: because}
"""


@pytest.mark.parametrize("body,field,words", [
    (MULTI, "answer", "ticking everything would be right"),
    (PAIRS, "items", "giving one answer to all is right"),
    (PAIRS.replace("answer: x, feedback: because}\n      - {id: j, text: J, answer: x",
                   "answer: y, feedback: because}\n      - {id: j, text: J, answer: x")
     .replace("feedback: because}\n", "feedback: because, mistakes: {z: no}}\n", 1),
     "items[0].mistakes", "not among the choices"),
])
def test_lazy_answers_and_bad_mistakes_are_refused(tmp_path, body, field, words):
    (err,) = errors_for(tmp_path, "questions:" + body)
    assert f"field '{field}'" in err and words in err


def test_order_steps_need_feedback_and_a_wrong_order_to_start_from(tmp_path):
    body = GOOD.replace("type: single", "type: order").split("    options:")[0] + """
    steps:
      - {id: x, text: X, feedback: first}
      - {id: y, text: Y}
      - {id: z, text: Z, feedback: last}
    answer: [x, y, z]
"""
    (err,) = errors_for(tmp_path, "questions:" + body)
    assert "field 'steps'" in err and "feedback" in err
    every = body.replace("{id: y, text: Y}", "{id: y, text: Y, feedback: f}").replace(
        "    answer: [x, y, z]\n", "    answers: [[x,y,z],[x,z,y],[y,x,z],[y,z,x],[z,x,y],[z,y,x]]\n")
    (err,) = errors_for(tmp_path, "questions:" + every)
    assert "every order of the steps is accepted" in err


def test_classification_needs_source(tmp_path):
    (err,) = errors_for(tmp_path, "questions:" + GOOD.replace("topic: mechanisms", "topic: classification"))
    assert "field 'source'" in err


@pytest.mark.parametrize("body,words", [
    ("- just\n- a list\n", "must be a mapping"),
    ("questions: !!python/object/apply:os.system ['echo hi']\n", "unsafe"),
    ("questions: [\n", "invalid YAML"),
    ("topic: x\n", "non-empty list"),
])
def test_file_level_errors(tmp_path, body, words):
    (err,) = errors_for(tmp_path, body)
    assert err.startswith("t.yaml: ") and words in err


def test_yaml_booleans_as_ids_are_caught(tmp_path):
    (err,) = errors_for(tmp_path, "questions:" + GOOD.replace("{id: b,", "{id: no,"))
    assert "options[1].id" in err and "quote the value" in err


def test_big_file_rejected(tmp_path):
    path = write(tmp_path, "questions:" + GOOD + "#" + "x" * 1_100_000 + "\n")
    _, errors = check([path])
    assert "1 MB" in errors[0]


# ---- the bundled bank -------------------------------------------------------------------------

def test_bundled_bank_is_valid_and_big_enough():
    bank = bundled_bank()
    assert not bank.problems  # the app would skip a bad question quietly: catch it here
    assert len(bank.questions) >= 60
    types = Counter(q.type for q in bank.questions)
    assert set(types) == {"single", "multi", "classify", "match", "order", "numeric", "scenario"}


def test_classification_items_name_their_source_in_the_prompt():
    for q in bundled_bank().questions:
        if q.type == "classify" or q.topic == "classification":
            assert q.source, q.id
            first_name = re.split(r"[ ,'&]", q.source)[0]
            assert first_name.lower() in q.prompt.lower() or "what gets trained" in q.prompt, q.id


def test_adapters_are_never_bare_and_never_modify():
    for q in bundled_bank().questions:
        if isinstance(q, PairingQuestion):
            for item in q.items:
                assert item.text.lower() != "adapter", q.id


def test_lab_links_point_at_app_pages():
    assert all(q.lab_page in LAB_PAGES for q in bundled_bank().questions)


def test_zero_grad_orderings_accept_first_and_last():
    orders = [q for q in bundled_bank().questions
              if isinstance(q, OrderQuestion) and "zero" in {s.id for s in q.steps}]
    assert orders
    for q in orders:
        assert {a[0] for a in q.accepted} >= {"zero"} and {a[-1] for a in q.accepted} >= {"zero"}


def test_no_key_rederives_the_papers_035m():
    for q in bundled_bank().questions:
        assert getattr(q, "answer", None) not in (350000, 350000.0), q.id


def test_scenarios_keyed_with_several_answers_ask_for_all_of_them():
    scenarios = [q for q in bundled_bank().questions if q.type == "scenario"]
    assert {q.multiple for q in scenarios} == {True, False}  # the bank has both kinds
    for q in scenarios:
        assert q.asked_to == ("Scenario: pick all that apply" if len(q.answer) > 1
                              else "Scenario: pick one"), q.id


def test_lab_links_set_only_settings_their_page_accepts():
    from urllib.parse import parse_qsl

    from ui.query import parse_prefill

    for q in bundled_bank().questions:
        query = q.lab.partition("?")[2]
        if query:
            assert parse_prefill(dict(parse_qsl(query)), "full").problems == (), q.id
