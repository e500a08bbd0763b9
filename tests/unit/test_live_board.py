"""The class lab board (issue 15, items 3 and 4) on a real Store (a temporary SQLite file, and
PostgreSQL when ADAPTLAB_TEST_POSTGRES_URL is set): methods assigned round robin, late joiners,
a real finished run stored once per session, the best run per method, the settings behind a
point, and the room's gain for its own learners only.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from adaptlab.errors import UserInputError
from adaptlab.live import (
    assignments,
    board,
    gains,
    get_session,
    join_session,
    members,
    open_session,
)
from adaptlab.methods import REGISTRY
from adaptlab.quiz.paths import bundled_paths
from adaptlab.store import Store
from tests.unit.live_databases import DATABASES, database_url


@pytest.fixture(params=DATABASES)
def store(request, tmp_path):
    """A temporary SQLite file, and PostgreSQL where ADAPTLAB_TEST_POSTGRES_URL names one."""
    made = Store(database_url(request.param, tmp_path))
    yield made
    made.close()


@pytest.fixture
def room(store) -> int:
    """A real open class session; ann, bob and cy joined it, in that order."""
    session = open_session(store, title="Tuesday")
    for who in ("ann", "bob", "cy"):
        join_session(store, session.code, who)
    return session.id


@pytest.fixture
def other_room(store) -> int:
    return open_session(store, title="another room", instructor="colleague").id


def summary(run_id: str, method: str, accuracy: float, session: int,
            learner: str = "ann", **kw) -> board.RunSummary:
    params = {"full": 1_000_000, "lora": 8_192, "bitfit": 3_000, "prompt": 2_560}
    return board.RunSummary(session, run_id, learner, method, "sentiment", params.get(method, 500),
                            1_000_000, accuracy, 0.5, 0.5, "done",
                            {"lr": 1e-3, "steps": 40, "batch_size": 8, "seed": 0}, **kw)


# ---------------------------------------------------------------- assignment

def test_round_robin_cycles_through_the_methods_in_registry_order():
    learners = [f"l{n}" for n in range(13)]
    given = assignments.round_robin(learners, assignments.ordered_methods())
    order = list(REGISTRY)
    assert [given[f"l{n}"] for n in range(11)] == order  # the 11 methods, each once
    assert given["l11"] == order[0] and given["l12"] == order[1]  # then around again


def test_a_chosen_subset_keeps_the_registry_order_and_refuses_unknown_names():
    assert assignments.ordered_methods(["lora", "prompt", "full", "lora"]) == ("full", "prompt", "lora")
    with pytest.raises(UserInputError, match="'qlora' is not one"):
        assignments.ordered_methods(["lora", "qlora"])
    with pytest.raises(UserInputError):
        assignments.ordered_methods([])


def test_assign_stores_each_learners_method_and_a_late_joiner_gets_the_next(store, room, other_room):
    assert assignments.assignment_for(store, room, "ann") is None  # nothing assigned yet
    given = assignments.assign(store, room, ["ann", "bob", "cy"], "sentiment", ["lora", "ia3"])
    assert given == {"ann": "ia3", "bob": "lora", "cy": "ia3"}  # (IA)³ comes first, as on Methods
    assert assignments.plan(store, room) == assignments.Plan("sentiment", ("ia3", "lora"))
    assert assignments.assignment_for(store, room, "bob") == ("lora", "sentiment")
    assert assignments.assignment_for(store, room, "dee") == ("lora", "sentiment")  # 4th in rotation
    assert assignments.assignment_for(store, room, "dee") == ("lora", "sentiment")  # and it stays
    assert assignments.assignments(store, room) == {**given, "dee": "lora"}
    assert assignments.assignment_for(store, other_room, "ann") is None  # another session is separate


def test_assigning_again_replaces_the_plan(store, room):
    assignments.assign(store, room, ["ann", "bob"], "sentiment", ["lora", "ia3"])
    assignments.assign(store, room, ["bob", "ann"], "sentiment", ["full"])
    assert assignments.assignments(store, room) == {"bob": "full", "ann": "full"}
    with pytest.raises(UserInputError, match="not a bundled task"):
        assignments.assign(store, room, ["ann"], "no-such-task")


def test_a_second_store_on_the_same_database_sees_the_board(store, room):
    """Two replicas share one database: what one records, the other's board reads."""
    assignments.assign(store, room, ["ann"], "sentiment")
    board.record_run(store, summary("r1", "lora", 0.8, room))
    other = Store(store.url.render_as_string(hide_password=False))  # str() hides it
    try:
        assert assignments.assignment_for(other, room, "ann") == (next(iter(REGISTRY)), "sentiment")
        assert list(board.runs(other, room)["run_id"]) == ["r1"]
    finally:
        other.close()


# ---------------------------------------------------------------- runs

@pytest.mark.usefixtures("one_thread")
def test_a_real_finished_run_is_summarised_and_stored_once(store, tok, room, other_room):
    from adaptlab.training.jobs import TrainingJob
    from adaptlab.training.run import run_training
    from tests.unit.tiny_task import tiny_base

    result = run_training(tiny_base(), "lora", {"r": 4}, task="sentiment", tokenizer=tok,
                          steps=3, batch_size=2, max_length=32, lr=1e-2, seed=7)
    job = TrainingJob(result.plan, owner="learner:ann")
    job.result = result
    job._end("done", "finished")
    run = board.summarize(room, "ann", job)
    assert run.accuracy == result.after.scores.headline  # the Train page's held-out accuracy
    assert run.trainable_params == result.trainable_params and run.task == "sentiment"
    assert run.settings["r"] == 4 and run.settings["seed"] == 7 and run.settings["steps"] == 3
    assert board.record_run(store, run) is True
    assert board.record_run(store, run) is False  # noticed again (another tab): still one row
    (row,) = board.runs(store, room).itertuples()
    assert (row.learner, row.method, row.family) == ("ann", "lora", "reparameterized")
    assert row.settings["lr"] == pytest.approx(1e-2) and row.settings["batch_size"] == 2
    assert board.runs(store, other_room).empty


def test_a_run_without_a_score_after_training_is_not_summarised():
    from types import SimpleNamespace

    stopped = SimpleNamespace(done=True, result=SimpleNamespace(after=None), id="x")
    assert board.summarize(1, "ann", stopped) is None
    running = SimpleNamespace(done=False, result=None, id="y")
    assert board.summarize(1, "ann", running) is None


def test_best_run_per_method_in_registry_order_without_names(store, room, other_room):
    for n, (method, acc) in enumerate([("lora", 0.6), ("full", 0.9), ("lora", 0.8),
                                       ("lora", 0.7), ("prompt", 0.5)]):
        board.record_run(store, summary(f"r{n}", method, acc, room, learner=f"l{n}"))
    board.record_run(store, summary("other", "lora", 1.0, other_room))
    frame = board.runs(store, room, task="sentiment")
    best = board.best_per_method(frame)
    assert list(best["method"]) == ["full", "prompt", "lora"]
    lora = best.set_index("method").loc["lora"]
    assert (lora["runs"], lora["best_accuracy"], lora["median_accuracy"]) == (3, 0.8, 0.7)
    assert "learner" not in best.columns
    shown = board.run_settings(frame, int(lora["run"]))
    assert shown["method"] == "LoRA (low-rank adaptation)" and shown["held-out accuracy"] == 0.8
    assert shown["lr"] == 1e-3 and "learner" not in shown
    assert board.run_settings(frame, 999) is None
    assert board.best_per_method(frame.iloc[0:0]).empty


# ---------------------------------------------------------------- before/after for the room

def path_tries(store, path, who: str, before: float, after: float, when=None) -> None:
    for quiz, score in (("before", before), ("after", after)):
        for topic, qid in path.questions(who, quiz):
            store.record_attempt(who, qid, "x", score >= 1.0, score, topic=topic.id,
                                 context=path.context(quiz), try_number=1, created_at=when)


def test_the_room_gain_counts_the_sessions_learners_only(store, room):
    path = bundled_paths()[0]
    since = get_session(store, room).created_at
    path_tries(store, path, "ann", 1.0, 0.0, when=since - timedelta(days=7))  # before this class
    path_tries(store, path, "ann", 0.0, 1.0)
    path_tries(store, path, "bob", 0.5, 1.0)
    path_tries(store, path, "outsider", 1.0, 0.0)  # not in this session
    store.record_attempt("ann", "q-elsewhere", "x", True, 1.0)  # not a path try
    attempts = gains.session_attempts(store, [m.learner for m in members(store, room)], since)
    assert set(attempts["learner"]) == {"ann", "bob"}  # cy joined but took no quiz
    table = gains.room_gains(path, attempts)
    assert list(table.columns) == ["topic", "title", "learners", "mean_before", "mean_after",
                                   "gain", "class_normalised_gain"]
    assert (table["learners"] == 2).all()
    assert (table["mean_before"] == 0.25).all() and (table["mean_after"] == 1.0).all()
    assert (table["gain"] == 0.75).all() and (table["class_normalised_gain"] == 1.0).all()
    assert gains.session_attempts(store, [], since).empty
    empty = gains.room_gains(path, gains.session_attempts(store, ["nobody"], since))
    assert (empty["learners"] == 0).all() and empty["gain"].isna().all()
