"""Generated questions are keyed by the census: their answers equal census_summary()."""

from __future__ import annotations

import pytest

from adaptlab.quiz import grade
from adaptlab.quiz.generated import (
    COUNTED_AS,
    blocks_question,
    count_question,
    family_question,
    from_id,
    generate,
    lowest_block_question,
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
            counted = COUNTED_AS.get(method, {}) | settings  # e.g. the prefix table, not its MLP
            assert q.answer == census.census_summary(model, method, counted)["trainable_params"]
        elif kind == "blocks":
            blocks = census.census_summary(model, "top-k", settings)["trainable_blocks"]
            assert list(q.answer) == [str(b) for b in blocks]
        elif kind == "lowest":
            blocks = census.census_summary(model, "top-k", settings)["trainable_blocks"]
            assert q.answer == min(blocks)
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


def test_family_question_is_sourced_and_names_each_misconception():
    q = family_question("adapter-houlsby")
    assert q.answer == ("inserted-modules",) and q.source and q.topic == "classification"
    assert "course card" in q.option("selective").feedback
    ia3 = family_question("ia3")
    assert ia3.answer == ("inserted-modules",)
    assert "not a low-rank ΔW = BA" in ia3.option("reparameterized").feedback
    assert "low-rank update ΔW = BA" in ia3.option("reparameterized").text  # D4: no "mergeable"
    feedback = {o.feedback for o in family_question("bitfit").options}
    assert len(feedback) == 5  # a different sentence for each row
    p_tuning = family_question("p-tuning")  # its prompt encoder is new, but not in the blocks
    assert p_tuning.answer == ("virtual-tokens",)
    assert "outside the model" in p_tuning.option("inserted-modules").feedback


def test_count_hints_and_named_mistakes_per_method():
    prompt = count_question("gpt2", "prompt", {"num_virtual_tokens": 20})
    assert prompt.answer == 15360 and "only at the input" in prompt.hint
    assert "multiply" not in prompt.hint.lower()  # no nudge toward m·d·L
    wrong = {w.value: w.feedback for w in prompt.wrong_values}
    assert "number of blocks" in wrong[15360 * 12]
    wrong = {w.value for w in count_question("gpt2", "bitfit", {}).wrong_values}
    assert 9 * 768 * 12 in wrong  # linear biases only
    wrong = {w.value for w in count_question("gpt2", "ia3", {}).wrong_values}
    assert 6 * 768 * 12 in wrong  # the paper's (IA)³
    lora = count_question("gpt2", "lora", {"r": 8, "target_modules": "c_attn"})
    assert {w.value for w in lora.wrong_values} == {8 * (768 + 768) * 12}  # B as d×r


def test_a_block_just_below_the_trained_ones_is_named_as_one_too_many():
    q = blocks_question("distilgpt2", 1)  # blocks 0 to 5: only block 5 trains
    feedback = grade(q, ["4", "5"]).feedback
    assert "Frozen: k = 1, so only the last block trains; block 4 is just below it." in feedback[0]
    assert "nearest the output" in grade(q, ["0"]).feedback[0]  # the wrong end: that slip
    assert q.explanation.endswith("lists block 5 as trainable.")


def test_deep_models_ask_for_the_lowest_trainable_block():
    q = lowest_block_question("gpt2-xl", 5)
    assert q.answer == 43 and q.type == "numeric" and q.topic == "freezing"
    assert grade(q, 43).correct
    assert "Off by one" in grade(q, 44).feedback[0] and "bottom k" in grade(q, 4).feedback[0]
    assert from_id(q.id).answer == 43
    # The likely slips about block numbers are named, and no other wrong block is read as a
    # parameter count (18 and 72, half and twice the key 36 below, were "one part is counted
    # twice" slips).
    assert "how many blocks train" in grade(q, 5).feedback[0]  # k itself
    assert "no block 48" in grade(q, 48).feedback[0]
    twelve = lowest_block_question("gpt2-xl", 12)
    for other in (18, 72, 30):
        feedback = grade(twelve, other).feedback[0]
        assert "counted" not in feedback and "the last k" in feedback, feedback


def test_ids_rebuild_the_same_question(questions):
    for q in questions[:4]:
        again = from_id(q.id)
        assert again.prompt == q.prompt and again.answer == q.answer


def test_block_checkboxes_keep_their_numbers_in_order():
    from adaptlab.quiz import presentation

    q = blocks_question("gpt2", 3)
    assert all(presentation(q, who).options == tuple(str(b) for b in range(12))
               for who in ("ann", "bob", "cyd"))
