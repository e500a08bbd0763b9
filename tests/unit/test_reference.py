"""The shipped reference sweep matches the methods and tasks that exist, and the cards quote it."""

import json

import pytest

from adaptlab.data import list_tasks
from adaptlab.errors import UserInputError
from adaptlab.methods import REGISTRY, method_names
from adaptlab.reference import CARD_END, CARD_START, card_section, load_sweep, replace_card_section


@pytest.fixture(scope="module")
def sweep():
    return load_sweep()


def test_the_sweep_covers_every_method_on_every_task_with_three_seeds(sweep) -> None:
    runs = sweep.runs
    tasks = {t.name for t in list_tasks()}
    assert set(runs["method"]) == set(method_names())
    assert set(runs["task"]) == tasks
    seeds = runs.groupby(["method", "task"])["seed"].nunique()
    assert len(seeds) == len(method_names()) * len(tasks) and (seeds >= 3).all()


def test_every_run_is_scored_on_its_answers(sweep) -> None:
    runs = sweep.runs
    assert runs["exact_match"].between(0, 1).all() and runs["token_f1"].between(0, 1).all()
    classes = runs[runs["chance"].notna()]
    assert not classes.empty and classes["balanced_accuracy"].between(0, 1).all()
    assert (runs["trainable_params"] > 0).all() and (runs["seconds"] > 0).all()


def test_each_task_card_states_what_the_sweep_measured(sweep) -> None:
    titles = {name: spec.title for name, spec in REGISTRY.items()}
    for task in list_tasks():
        card = task.path.with_suffix(".md").read_text(encoding="utf-8")
        assert CARD_START in card and CARD_END in card, task.name
        shipped = card.split(CARD_START, 1)[1].split(CARD_END, 1)[0].strip()
        assert shipped == card_section(sweep, task.name, titles).strip(), (
            f"{task.name}.md is out of date: run benchmarks/method_sweep.py")


def test_replacing_the_section_keeps_the_rest_of_the_card() -> None:
    card = f"# T\n\nintro\n\n{CARD_START}\nold\n{CARD_END}\n\nafter\n"
    assert replace_card_section(card, "new") == f"# T\n\nintro\n\n{CARD_START}\nnew\n{CARD_END}\n\nafter\n"
    with pytest.raises(ValueError):
        replace_card_section("no markers", "new")


@pytest.mark.parametrize("content", [None, "not json", json.dumps({"runs": []}),
                                     json.dumps({"model": "m", "created": "d", "machine": "x",
                                                 "runs": []})])
def test_a_missing_or_broken_results_file_says_how_to_make_it_again(tmp_path, content) -> None:
    path = tmp_path / "method_sweep.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UserInputError, match="benchmarks/method_sweep.py"):
        load_sweep(path)


def test_the_sweep_ran_each_methods_current_defaults(sweep) -> None:
    """A changed default makes the shipped numbers stale: run the sweep again."""
    from adaptlab.training.config import method_defaults

    for method, runs in sweep.runs.groupby("method"):
        defaults = method_defaults(method)
        assert (runs["lr"] == defaults["lr"]).all(), method
        assert (runs["steps"] <= defaults["steps"]).all(), method
