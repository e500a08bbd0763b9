"""Tries become marks as in Moodle's interactive mode; statistics and gains use those marks."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
import yaml

from adaptlab.quiz import INTERACTIVE, SINGLE_TRY, QuizBankError, TriesPolicy, bundled_bank
from adaptlab.quiz.gain import (
    class_question_gains,
    class_topic_gains,
    learner_gains,
    normalised_change,
    normalised_gain,
)
from adaptlab.quiz.paths import PATHS_DIR, bundled_paths, parse_path
from adaptlab.quiz.scoring import TryRecord, policy_for, split_sequences
from adaptlab.quiz.stats import first_marks, learner_progress, progress, question_stats


@pytest.mark.parametrize("scores,mark", [
    ([1.0], 1.0), ([0.0, 1.0], 2 / 3), ([0.0, 0.0, 1.0], 1 / 3), ([0.0, 0.0, 0.0], 0.0),
    ([0.5, 1.0], 2 / 3),  # the last try counts, not the best
    ([0.8, 0.0, 0.9], 0.9 - 2 / 3), ([0.0, 0.2], 0.0),  # floored at 0
])
def test_interactive_marks_follow_moodle(scores, mark):
    assert INTERACTIVE.mark(scores) == pytest.approx(mark, abs=1e-6)  # rounded to 6 places


def test_the_policy_is_stated_with_its_numbers():
    text = INTERACTIVE.describe()
    assert "Up to 3 tries" in text and "costs 1/3" in text
    assert "try 1: 100%, try 2: 67%, try 3: 33%" in text and "first go" in text
    assert SINGLE_TRY.describe().startswith("One try per question")
    assert policy_for("") is INTERACTIVE and policy_for("path:classification:before") is SINGLE_TRY
    assert policy_for("live:3:7") is SINGLE_TRY  # one answer per live question
    with pytest.raises(ValueError):
        TriesPolicy(max_tries=0, penalty=0.5)


def test_sequences_split_on_try_one_and_on_finished_legacy_rows():
    numbered = [TryRecord(0.0, 1), TryRecord(1.0, 2), TryRecord(0.0, 1), TryRecord(0.0, 2)]
    assert [len(s) for s in split_sequences(numbered, INTERACTIVE)] == [2, 2]
    legacy = [TryRecord(0.0), TryRecord(1.0), TryRecord(1.0), TryRecord(0.0), TryRecord(0.0),
              TryRecord(0.0), TryRecord(0.0)]
    assert [len(s) for s in split_sequences(legacy, INTERACTIVE)] == [2, 1, 3, 1]


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Attempts as Store.attempts_frame() returns them: (learner, question, context, try, score)."""
    now = datetime.now(UTC)
    return pd.DataFrame([
        {"id": n + 1, "learner": who, "question_id": qid, "topic": "mechanisms",
         "context": context, "try_number": number, "answer": '"x"', "correct": score >= 1.0,
         "score": score, "wrong": "[]" if score >= 1 else '["x"]', "created_at": now}
        for n, (who, qid, context, number, score) in enumerate(rows)])


def test_the_first_go_counts_and_practice_does_not_change_the_mark():
    df = frame([("ann", "q1", "", 1, 0.0), ("ann", "q1", "", 2, 1.0),  # right on try 2
                ("ann", "q1", "", 1, 1.0),  # practice: right first time, mark stays 2/3
                ("bob", "q1", "", 1, 1.0), ("bob", "q2", "", 1, 0.0)])
    marks = first_marks(df).set_index(["learner", "question_id"])
    assert marks.loc[("ann", "q1"), "mark"] == pytest.approx(2 / 3)
    assert marks.loc[("ann", "q1"), "all_tries"] == 3 and marks.loc[("ann", "q1"), "sequences"] == 2
    stats = question_stats(df).set_index("question_id")
    assert stats.loc["q1", "mean_mark"] == pytest.approx((2 / 3 + 1) / 2, abs=1e-3)
    assert stats.loc["q1", "percent_right_first_try"] == 50.0 and stats.loc["q1", "attempts"] == 4
    assert stats.loc["q2", "most_chosen_wrong"] == "x"
    per_learner = learner_progress(df).set_index("learner")
    assert per_learner.loc["bob", "questions_correct"] == 1
    # ann was wrong at her first try and right at her second: not 100% "right" without saying so
    assert per_learner.loc["ann", "percent_correct"] == 100.0
    assert per_learner.loc["ann", "percent_right_first_try"] == 0.0
    assert per_learner.loc["bob", "percent_right_first_try"] == 50.0
    assert per_learner.loc["bob", "mean_mark"] == pytest.approx(0.5)
    assert progress(df[df["learner"] == "ann"]).iloc[0]["attempts"] == 3


def test_the_context_met_first_decides_the_mark():
    df = frame([("ann", "q1", "path:p:before", 1, 0.0), ("ann", "q1", "", 1, 1.0)])
    assert first_marks(df).iloc[0]["mark"] == 0.0 and first_marks(df).iloc[0]["all_tries"] == 2


# ---- lesson paths and gains ------------------------------------------------------------------

@pytest.fixture(scope="module")
def path():
    (found,) = bundled_paths()
    return found


def test_the_bundled_path_follows_the_card(path):
    parts = {t.id: t.part for t in path.topics}
    assert parts == {"sft-loss": "before", "step-order": "before", "stagnant-run": "before",
                     "card-categories": "after", "mechanisms": "after", "strategy": "after"}
    assert "card-inserted-modules" in path.topics[3].forms["A"] + path.topics[3].forms["B"]


def test_forms_are_counterbalanced_and_never_repeat_a_question(path):
    forms = {path.form_for(f"learner {n}", "before") for n in range(40)}
    assert forms == {"A", "B"}
    for who in ("amy", "bob"):
        before = [q for _t, q in path.questions(who, "before")]
        after = [q for _t, q in path.questions(who, "after")]
        assert not set(before) & set(after) and len(before) == len(after)
        assert path.questions(who, "before")[0][0].part == "before"  # Learn Before first
        assert path.questions(who, "after")[0][0].part == "after"  # Learn After first


@pytest.mark.parametrize("change,words", [
    (lambda d: d["topics"][0]["forms"].update(A=["no-such-question"]), "not in the bank"),
    (lambda d: d["topics"][0]["forms"].update(B=d["topics"][0]["forms"]["A"]), "share a question"),
    (lambda d: d["topics"].__setitem__(slice(3, None), []), "Learn After"),
    (lambda d: d["lab"][0].update(page="/nowhere"), "needs page"),
])
def test_a_broken_path_file_is_named(change, words):
    doc = yaml.safe_load((PATHS_DIR / "classification.yaml").read_text(encoding="utf-8"))
    change(doc)
    with pytest.raises(QuizBankError, match=words):
        parse_path(doc, "paths/x.yaml", {q.id for q in bundled_bank().questions})


def test_normalised_gain():
    assert normalised_gain(0.5, 0.75) == 0.5
    assert normalised_gain(0.2, 0.1) == pytest.approx(-0.125)


def test_a_learners_normalised_change_stays_within_minus_one_and_one():
    assert normalised_change(0.5, 0.75) == 0.5  # improved: Hake's gain
    assert normalised_change(5 / 6, 0.5) == pytest.approx(-0.4)  # Hake's formula gave -2.0
    assert normalised_change(1.0, 0.0) == -1.0 and normalised_change(0.0, 1.0) == 1.0
    assert normalised_change(0.4, 0.4) == 0.0
    assert normalised_change(1.0, 1.0) is None and normalised_change(0.0, 0.0) is None
    assert normalised_gain(1.0, 1.0) is None


def path_rows(path, who: str, before: float, after: float) -> list[tuple]:
    rows = [(who, qid, path.context("before"), 1, before) for _t, qid in path.questions(who, "before")]
    return rows + [(who, qid, path.context("after"), 1, after)
                   for _t, qid in path.questions(who, "after")]


def test_learner_and_class_gains(path):
    learners = [f"learner {n}" for n in range(6)]
    df = frame([r for who in learners for r in path_rows(path, who, 0.0, 1.0)]
               + [("late", qid, path.context("before"), 1, 1.0)
                  for _t, qid in path.questions("late", "before")])
    mine = learner_gains(path, df[df["learner"] == learners[0]])
    assert list(mine["gain"]) == [1.0] * 6 and list(mine["normalised_change"]) == [1.0] * 6
    late = learner_gains(path, df[df["learner"] == "late"])
    assert late["after"].isna().all() and late["gain"].isna().all()
    topics = class_topic_gains(path, df)
    assert list(topics["learners"]) == [6] * 6  # "late" took only the before-quiz
    assert list(topics["class_normalised_gain"]) == [1.0] * 6
    questions = class_question_gains(path, df).set_index("question_id")
    seen_both = questions[(questions["learners_before"] > 0) & (questions["learners_after"] > 0)]
    assert not seen_both.empty and (seen_both["normalised_gain"] == 1.0).all()
