"""Every diagnosis scenario, really trained on the bundled model: the broken run shows its
symptom, the fixed run fixes it, and the learner's diagnosis is graded with named misconceptions.

Runs are shared through one module-scoped cache (several scenarios' fixes are the same healthy
LoRA run), so the whole file trains 8 runs: about 65 s on one CPU thread (the facts scenarios
train 120 steps, enough for their fixes to answer the held-out questions).
"""

from __future__ import annotations

import math

import pytest
import torch

from adaptlab.errors import UserInputError
from adaptlab.model_specs import BUNDLED_DIR
from adaptlab.models import load_model, load_tokenizer
from adaptlab.training.diagnosis import masked_mean_cross_entropy, run
from adaptlab.training.scenarios import (
    BY_ID,
    REFUSED,
    SCENARIOS,
    SUSPECTS,
    Outcome,
    Recipe,
    check_diagnosis,
)

needs_model = pytest.mark.skipif(not (BUNDLED_DIR / "config.json").exists(),
                                 reason="the bundled model is missing")


@pytest.fixture(scope="module")
def runner():
    torch.set_num_threads(1)  # as in the app: one thread per run
    base, tokenizer = load_model("mini"), load_tokenizer("mini")
    before = {name: p.clone() for name, p in base.named_parameters()}
    cache: dict[Recipe, Outcome] = {}

    def _run(recipe: Recipe) -> Outcome:
        if recipe not in cache:
            cache[recipe] = run(recipe, base, tokenizer)
        return cache[recipe]

    yield _run
    # The shared base is only ever read: every run trained its own copy.
    assert all(torch.equal(p, before[name]) for name, p in base.named_parameters())


@needs_model
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_broken_run_shows_its_symptom_and_the_fix_works(runner, scenario):
    broken, fixed = runner(scenario.broken), runner(scenario.fixed)
    assert scenario.shows_symptom(broken), broken
    assert scenario.fix_works(broken, fixed), (broken.eval_points, fixed.eval_points)
    # Judged by answers too: the fixed run gets most held-out questions right, the broken one
    # clearly fewer (at 40 steps the overfitting fix answered 3% of the facts right).
    assert fixed.accuracy_after is not None and fixed.accuracy_after >= 0.8, fixed.accuracy_after
    assert scenario.fix_worked(broken, fixed), (broken.accuracy_after, fixed.accuracy_after)
    assert not scenario.shows_symptom(fixed)
    assert fixed.stopped_reason is None and len(fixed.steps) == scenario.fixed.steps
    assert all(v is None or math.isfinite(v) for v in broken.losses + fixed.losses)  # never NaN


@needs_model
def test_the_engine_explains_each_stop(runner):
    frozen = runner(BY_ID["all-frozen"].broken)
    assert frozen.trainable_params == 0 and frozen.stopped_reason.startswith(REFUSED)
    masked = runner(BY_ID["labels-masked"].broken)
    assert "-100" in masked.stopped_reason and "NaN" in masked.stopped_reason
    high = runner(BY_ID["lr-too-high"].broken)
    assert "diverged" in high.stopped_reason and high.eval_after is None


def test_pytorch_mean_cross_entropy_of_a_fully_masked_batch_is_nan():
    assert math.isnan(masked_mean_cross_entropy())  # why "loss 0" is the wrong answer


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_grading_one_right_answer_and_misconceptions_named(scenario):
    results = [check_diagnosis(scenario.id, o.key) for o in scenario.options]
    assert [correct for correct, _ in results].count(True) == 1
    assert len({o.key for o in scenario.options}) == len(scenario.options) >= 4
    for correct, feedback in results:
        assert feedback and (correct or len(feedback) > 40)  # wrong answers say why
    assert scenario.change and scenario.symptom


def test_bad_choice_or_scenario_is_a_user_error():
    with pytest.raises(UserInputError, match="not an option"):
        check_diagnosis("lr-too-low", "nope")
    with pytest.raises(UserInputError, match="unknown scenario"):
        check_diagnosis("nope", "lr")


def _texts_file(tmp_path, text: str):
    path = tmp_path / "scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_scenario_texts_are_named_by_file_scenario_and_field(tmp_path):
    from adaptlab.training.scenario_texts import ScenarioFileError, load_texts

    option = "{key: k%d, text: t, feedback: f%s}"
    good = f"[{option % (1, ', correct: true')}, {option % (2, '')}]"
    cases = {
        f"scenarios: [{{id: a, title: '', symptom: s, change: c, options: {good}}}]":
            "scenarios.yaml: scenario 'a': field 'title'",
        f"scenarios: [{{id: a, title: t, symptom: s, change: c, options: {good}, x: 1}}]":
            "scenarios.yaml: scenarios[0]: field 'x'",
        "scenarios: [{id: a, title: t, symptom: s, change: c, options: [{key: k, text: t, "
        "feedback: f}, {key: j, text: t, feedback: f}]}]":
            "scenarios.yaml: scenario 'a': field 'options'",
        f"scenarios: [{{id: b, title: t, symptom: s, change: c, options: {good}}}]":
            "scenarios.yaml: scenario 'b': field 'id'",
        "scenarios: []": "scenarios.yaml: scenario 'a': field 'id': missing",
    }
    for text, message in cases.items():
        with pytest.raises(ScenarioFileError, match=message.replace("[", r"\[")):
            load_texts(["a"], _texts_file(tmp_path, text))


def test_the_bundled_texts_match_the_runs():
    from adaptlab.training.scenario_texts import load_texts
    from adaptlab.training.scenarios import RUNS

    assert [t.id for t in load_texts(RUNS)] == [s.id for s in SCENARIOS] == list(RUNS)


# ---------------------------------------------------------------- tries, and the hidden cause

def test_a_right_answer_unlocks_the_cause_at_once():
    from adaptlab.training.diagnosis_tries import Diagnosis

    start = Diagnosis("lr-too-low")
    assert start.hidden() == SUSPECTS and not start.resolved and start.tries_left == 2
    done = start.answer("lr")
    assert done.solved and done.resolved and done.hidden() == ()
    assert done.answer("frozen") is done  # nothing changes once diagnosed


def test_wrong_tries_get_feedback_and_the_last_one_unlocks_with_the_explanation():
    from adaptlab.training.diagnosis_tries import MAX_TRIES, Diagnosis

    once = Diagnosis("lr-too-low").answer("frozen")
    assert not once.attempts[-1].correct and "trainable" in once.attempts[-1].feedback
    assert not once.resolved and once.hidden() == SUSPECTS and once.tries_left == MAX_TRIES - 1
    assert once.answer("frozen") is once  # the same wrong option twice costs no try
    twice = once.answer("lora-zero")
    assert "Misconception" in twice.attempts[-1].feedback
    assert twice.resolved and not twice.solved and twice.hidden() == ()
    assert twice.answer("lr") is twice  # out of tries: the page shows the answer instead
    with pytest.raises(UserInputError, match="not an option"):
        Diagnosis("lr-too-low").answer("nope")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_cause_is_a_setting_the_fix_changes_and_is_hidden_in_the_settings(scenario):
    for name in scenario.cause:
        assert getattr(scenario.broken, name) != getattr(scenario.fixed, name), name
    shown = scenario.broken.describe(scenario.hidden_until_named)
    for name in scenario.hidden_until_named:
        piece = scenario.broken.pieces().get(name)
        assert piece is None or piece not in shown, (piece, shown)
    assert scenario.broken.describe() == scenario.broken.describe(())


def test_the_question_marks_are_the_same_in_every_scenario_so_they_name_no_cause():
    # "lr=?" in the learning-rate scenarios only, with the rate shown elsewhere, gave the answer.
    marked = {s.id: sorted(piece.split(": ")[-1] for piece
                           in s.broken.describe(s.hidden_until_named).split(", ")
                           if piece.endswith("=?")) for s in SCENARIOS}
    assert set(map(tuple, marked.values())) == {("lr=?", "training examples=?")}, marked
    assert all(set(s.cause) <= set(s.hidden_until_named) for s in SCENARIOS)


# What must not be read before answering: the broken value of each scenario's cause, as the texts
# would quote it. Option texts may name a cause (they are the choices), never its value.
LEAKS = {"lr-too-low": [r"1e-0?7", r"0\.0000001"], "lr-too-high": [r"lr\s*=\s*1\b", r"rate of 1\b"],
         "overfitting": [r"\b4\b", r"\bfour\b"]}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_nothing_read_before_answering_quotes_the_cause(scenario):
    import re

    before = [scenario.title, scenario.symptom, *(o.text for o in scenario.options),
              *(o.feedback for o in scenario.options if not o.correct)]
    for pattern in LEAKS.get(scenario.id, []):
        for text in before:
            assert not re.search(pattern, text, re.IGNORECASE), (pattern, text)
    assert not re.search(r"^\s*Right\b", scenario.answer.feedback)  # the page says "Right."
