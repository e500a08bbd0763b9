"""Which settings differ between runs, and the sentence Compare builds from them: computed from
every setting of the runs' plans, never assumed from a shared seed and data."""

from __future__ import annotations

from dataclasses import fields

import pytest

from adaptlab.data import Example
from adaptlab.training.config import TrainConfig
from adaptlab.training.differences import (
    NOT_USED,
    TRAINING_LABELS,
    compare_settings,
    differ_sentence,
    differences,
    run_settings,
)
from adaptlab.training.plan import plan_run

CONTEXT = 128


def plan(method: str = "lora", settings: dict | None = None, **training):
    return plan_run("mini", method, settings, context=CONTEXT,
                    **({"task": "sentiment"} | training))


def test_two_runs_with_the_same_seed_and_data_differ_only_by_their_learning_rate():
    # The case: "differ only by method and settings" was said of runs 10x apart in rate.
    slow, fast = plan(lr=1e-4, seed=0), plan(lr=1e-3, seed=0)
    assert [row.name for row in differences([slow, fast])] == ["learning rate"]
    assert (differ_sentence(["run 1", "run 2"], [slow, fast])
            == "run 1 and run 2 differ only by learning rate (0.0001 vs 0.001).")


# A value other than the method's default for every training setting.
CHANGED = {"steps": 30, "batch_size": 4, "max_length": 48, "lr": 0.5, "schedule": "constant",
           "warmup_steps": 3, "weight_decay": 0.1, "max_grad_norm": 0.5, "seed": 7,
           "eval_every": 5}


@pytest.mark.parametrize("key", [f.name for f in fields(TrainConfig)])
def test_every_training_setting_is_compared(key):
    assert key in CHANGED, f"add a changed value for the new TrainConfig field {key!r}"
    base = {"steps": 40, "warmup_steps": 2}  # fixed: a shorter run gets a shorter warm-up
    before, after = plan(**base), plan(**{**base, key: CHANGED[key]})
    name = TRAINING_LABELS.get(key, key)
    assert [row.name for row in differences([before, after])] == [name]
    assert name in differ_sentence(["a", "b"], [before, after])


def test_method_settings_task_and_data_are_compared():
    assert [r.name for r in differences([plan(settings={"r": 4}), plan(settings={"r": 8})])] == [
        "LoRA (low-rank adaptation): r"]
    assert [r.name for r in differences([plan(task="sentiment"), plan(task="facts")])] == [
        "task / data", "training examples"]
    mine = [Example(f"Q{n}:", f" a{n}") for n in range(6)]
    other = [Example(f"Q{n}:", f" b{n}") for n in range(6)]
    same_size = differences([plan(task=None, examples=mine), plan(task=None, examples=other)])
    assert [r.name for r in same_size] == ["task / data"]  # two uploads, different content
    assert not differences([plan(task=None, examples=mine), plan(task=None, examples=mine)])


def test_a_change_of_method_folds_in_the_settings_only_one_method_has():
    lora, full = plan(lr=1e-3), plan("full", lr=1e-3)
    rows = {row.name: row for row in compare_settings([lora, full])}
    assert rows["LoRA (low-rank adaptation): r"].values == ("8", NOT_USED)
    assert rows["LoRA (low-rank adaptation): r"].differs
    assert (differ_sentence(["run 1", "run 2"], [lora, full]) == "run 1 and run 2 differ only by "
            "method (LoRA (low-rank adaptation) vs Full fine-tuning, each with its own settings).")


def test_identical_runs_say_so_and_one_run_is_no_comparison():
    assert "the same settings in every row" in differ_sentence(["run 1", "run 2"], [plan(), plan()])
    with pytest.raises(ValueError, match="two runs"):
        differ_sentence(["run 1"], [plan()])


def test_values_read_as_on_the_train_page():
    shown = run_settings(plan("ia3", seed=2))
    assert shown["method"] == "(IA)³ rescaling vectors" and shown["seed"] == "2"
    assert shown["task / data"] == "Sentiment of a review"  # the task's title, not "sentiment"
    assert shown["(IA)³ rescaling vectors: target_modules"] == "c_attn, mlp.c_proj"
    assert run_settings(plan("top-k"))["Top-k blocks: train_ln_f"] == "off"


def test_uploads_are_named_by_their_file_and_told_apart_by_their_examples():
    rows = [Example(f"Q{i}:", f" {i % 2}") for i in range(8)]
    first = plan(task=None, examples=rows, data_name="reviews.jsonl")
    second = plan(task=None, examples=rows[:7], data_name="reviews.jsonl")  # same name, new data
    hostile = plan(task=None, examples=rows, data_name="<b>x</b>%{y}.jsonl")
    shown = [run_settings(p)["task / data"] for p in (first, second, hostile)]
    assert shown[0].startswith("reviews.jsonl #") and shown[0] != shown[1]
    # Chart legends read some HTML, hover templates %{...}: neither survives in the name.
    assert shown[2].startswith("_b_x__b___y_.jsonl #")
    assert [row.name for row in differences([first, second])] == ["task / data",
                                                                  "training examples"]
    assert plan().data_name == ""  # a bundled task is named by its title
