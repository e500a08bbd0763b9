"""AppTest of the class lab board (issue 15, items 3 and 4): the instructor assigns methods, a
learner in the session sees theirs on Train, a real finished run is recorded once against the
session, and the board draws the class's runs, the best per method, a chosen run's settings and
the room's gain, with no learner names outside the folded assignment list.

Fragments do not tick in AppTest (STREAMLIT.md, gotcha 3): each test reruns the page.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.live import assignments, board, join_session, open_session
from adaptlab.quiz.paths import bundled_paths
from adaptlab.store import Store
from tests.app.conftest import APP, job_registry, small_run, texts, unlock
from tests.app.test_identity import sign_in
from ui.live_board import BoardView

PASSCODE = "live board passcode 2026"


def board_script() -> None:
    """The board section alone, for the instructor's open session (the Live class page's call)."""
    from adaptlab.live import open_session_of_instructor
    from ui.live_board import board_section
    from ui.store_access import get_store

    store = get_store()
    board_section(store, open_session_of_instructor(store).id)


@pytest.fixture
def store(db_url):
    made = Store(db_url)
    yield made
    made.close()


@pytest.fixture
def room(store):
    session = open_session(store, title="Tuesday")
    for who in ("ann", "bob", "cy"):
        join_session(store, session.code, who)
    return session


def run(session_id: int, run_id: str, learner: str, method: str, accuracy: float, **settings):
    return board.RunSummary(session_id, run_id, learner, method, "sentiment",
                            {"lora": 8_192, "full": 1_000_000}.get(method, 3_000), 1_000_000,
                            accuracy, 0.5, 0.5, "done", {"lr": 1e-3, "steps": 40, **settings})


def open_board() -> AppTest:
    at = AppTest.from_function(board_script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_spec(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def test_assign_gives_methods_in_turn_and_the_board_waits_for_runs(store, room):
    at = open_board()
    assert "Assign methods above" in texts(at.info)
    # Offered first: the task every method learns (on facts the soft prompts answer nothing).
    assert at.selectbox(key="live_board.task").value == "sentiment"
    at.multiselect(key="live_board.methods").set_value(["lora", "ia3"])
    at.button(key="live_board.assign").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Assigned 2 methods to 3 learners on Sentiment of a review." in texts(at.success)
    assert assignments.assignments(store, room.id) == {"ann": "ia3", "bob": "lora", "cy": "ia3"}
    assert "No run has finished yet." in texts(at.caption)
    assert chart_spec(at)["data"]  # the reference sweep, faint, before any run


def test_the_board_shows_the_class_runs_without_names(store, room):
    assignments.assign(store, room.id, ["ann", "bob", "cy"], "sentiment", ["lora", "full"])
    for n, (who, method, acc) in enumerate([("ann", "lora", 0.7), ("bob", "full", 0.9),
                                            ("cy", "lora", 0.8)]):
        board.record_run(store, run(room.id, f"r{n}", who, method, acc, seed=n))
    at = open_board()
    spec = chart_spec(at)
    mine = [t for t in spec["data"] if t.get("customdata")]
    assert sorted(p for t in mine for p in t["y"]) == [0.7, 0.8, 0.9]
    # Marker and colour per family, named as the Methods page names it, not by its id.
    assert {t["name"] for t in mine} == {"1. All existing weights",
                                         "5. A low-rank update of an existing weight matrix"}
    assert len({t["marker"]["symbol"] for t in mine}) == 2
    assert spec["layout"]["xaxis"]["type"] == "log"
    best = next(d.value for d in at.dataframe if "best_accuracy" in d.value.columns)
    assert list(best["title"]) == ["Full fine-tuning", "LoRA (low-rank adaptation)"]
    assert list(best["best_accuracy"]) == [0.9, 0.8]
    # Names only in the folded list of who trains what, never on the chart or the table.
    names = {"ann", "bob", "cy"}
    assert not names & set(json.dumps(spec).split('"'))
    (listing,) = [d.value for d in at.dataframe if "learner" in d.value.columns]
    assert set(listing["learner"]) == names
    assert "keep this folded" in at.expander[0].label

    lora_best = int(best.set_index("method").loc["lora", "run"])
    at.session_state["adaptlab.live_board"] = BoardView(selected=lora_best)  # as a click sets
    at.run()
    shown = {k: v for d in at.dataframe if "setting" in d.value.columns
             for k, v in zip(d.value["setting"], d.value["value"], strict=True)}
    assert shown["method"] == "LoRA (low-rank adaptation)" and shown["seed"] == "2"
    assert shown["lr"] == "0.001" and shown["held-out accuracy"] == "80%"
    assert "learner" not in shown


def test_the_room_gain_per_topic_for_the_sessions_learners(store, room):
    path = bundled_paths()[0]
    for who, before, after in (("ann", 0.0, 1.0), ("bob", 0.5, 1.0), ("stranger", 1.0, 0.0)):
        for quiz, score in (("before", before), ("after", after)):
            for topic, qid in path.questions(who, quiz):
                store.record_attempt(who, qid, "x", score >= 1.0, score, topic=topic.id,
                                     context=path.context(quiz), try_number=1)
    at = open_board()
    gains = next(d.value for d in at.dataframe if "class_normalised_gain" in d.value.columns)
    assert (gains["learners"] == 2).all()  # ann and bob; the stranger is not in the room
    assert (gains["mean_before"] == 0.25).all() and (gains["gain"] == 0.75).all()


def test_a_learner_sees_the_assignment_and_their_finished_run_is_recorded_once(store, room):
    assignments.assign(store, room.id, ["ann", "bob", "cy"], "sentiment", ["ia3", "bitfit"])
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/quiz.py").run()
    sign_in(at, "ann", "anns-own-secret-7")
    at.switch_page("pages/train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="train.method").value == "bitfit"
    assert at.selectbox(key="train.task").value == "sentiment"
    assert "Your instructor assigned you **BitFit (biases only)** on **sentiment**" in texts(at.info)

    small_run(at, 2)
    at.button(key="train.start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (job,) = job_registry().jobs()
    assert job.join(120) and job.status == "done", job.error
    at.run()  # the page notices the finished run (ui.jobs.keep_alive)
    at.run()  # and again: still one row
    assert not at.exception, [e.value for e in at.exception]
    (row,) = board.runs(store, room.id).itertuples()
    assert (row.learner, row.method, row.task, row.run_id) == ("ann", "bitfit", "sentiment",
                                                                job.id)
    assert row.accuracy == job.result.after.scores.headline
    assert row.trainable_params == job.result.trainable_params
    assert row.settings["steps"] == 2 and row.settings["batch_size"] == 2


def test_the_live_class_page_draws_the_board_under_the_session(store, room, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    assignments.assign(store, room.id, ["ann", "bob", "cy"], "sentiment")
    board.record_run(store, run(room.id, "r1", "ann", "full", 0.9))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/live.py").run()
    unlock(at, PASSCODE)
    assert not at.exception, [e.value for e in at.exception]
    assert "Class lab board" in texts(at.subheader)
    assert [p for t in chart_spec(at)["data"] if t.get("customdata") for p in t["y"]] == [0.9]
