"""Generated questions are keyed by the census: their answers equal census_summary()."""

from __future__ import annotations

import pytest

from adaptlab.quiz import grade
from adaptlab.quiz.generated import (
    blocks_question,
    count_question,
    family_question,
    from_id,
    generate,
)

census = pytest.importorskip("adaptlab.census")
methods = pytest.importorskip("adaptlab.methods")


@pytest.fixture(scope="module")
def questions():
    return generate(12, seed=7)


def test_same_seed_same_questions(questions):
    assert [q.id for q in generate(12, seed=7)] == [q.id for q in questions]


def test_generated_answers_equal_the_census(questions):
    for q in questions:
        _, kind, model, method, encoded = q.id.split(":", 4)
        settings = dict(p.split("=", 1) for p in encoded.split(";") if p)
        if kind == "count":
            assert q.answer == census.census_summary(model, method, settings)["trainable_params"]
        elif kind == "blocks":
            blocks = census.census_summary(model, "top-k", settings)["trainable_blocks"]
            assert list(q.answer) == [str(b) for b in blocks]
        else:
            assert q.answer == (methods.get_method(method).family,)
        assert grade(q, q.answer[0] if kind == "family" else
                     (list(q.answer) if kind == "blocks" else q.answer)).correct


def test_examples_from_the_brief_match_content_md():
    lora = count_question("gpt2-medium", "lora", {"r": 4, "target_modules": "c_attn"})
    assert lora.answer == 393216  # CONTENT.md 2.6, never the table's 0.35M
    assert "counting A" in lora.prompt and "c_attn" in lora.prompt
    prefix = count_question("gpt2", "prefix", {"num_virtual_tokens": 20})
    assert prefix.answer == 368640 and "2·L·m·d" in prefix.prompt
    assert any(w.value == 184320 for w in prefix.wrong_values)
    top = blocks_question("gpt2", 3)
    assert top.answer == ("9", "10", "11")


def test_family_question_is_sourced():
    q = family_question("adapter-houlsby")
    assert q.answer == ("inserted-modules",) and q.source and q.topic == "classification"


def test_ids_rebuild_the_same_question(questions):
    for q in questions[:4]:
        again = from_id(q.id)
        assert again.prompt == q.prompt and again.answer == q.answer
