"""Marks and statistics from stored tries, under the scoring policy the learner was shown.

Input: the attempts DataFrame of Store.attempts_frame() (one row per try, oldest first by id).
A learner's mark on a question is the mark of their first sequence of tries (scoring.py), in
the first context where they met it; later sequences (practice, the same question in another
quiz) are counted as tries but never change that mark.
"""

from __future__ import annotations

import json

import pandas as pd

from adaptlab.quiz.scoring import TryRecord, policy_for, split_sequences

SEQUENCE_COLUMNS = ["learner", "context", "question_id", "topic", "first_id", "tries", "mark",
                    "right", "right_first_try", "finished", "sequences", "all_tries"]


def _records(group: pd.DataFrame) -> list[TryRecord]:
    return [TryRecord(float(score), None if pd.isna(number) else int(number))
            for score, number in zip(group["score"], group["try_number"], strict=True)]


def question_marks(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (learner, context, question): its first sequence of tries and that mark."""
    if df.empty:
        return pd.DataFrame(columns=SEQUENCE_COLUMNS)
    rows = []
    keys = ["learner", "context", "question_id"]
    for (learner, context, qid), group in df.sort_values("id").groupby(keys, sort=False):
        policy = policy_for(str(context))
        sequences = split_sequences(_records(group), policy)
        scores = [t.score for t in sequences[0]]
        rows.append({"learner": learner, "context": context, "question_id": qid,
                     "topic": group["topic"].iloc[-1], "first_id": int(group["id"].iloc[0]),
                     "tries": len(scores), "mark": policy.mark(scores),
                     "right": scores[-1] >= 1.0, "right_first_try": scores[0] >= 1.0,
                     "finished": policy.finished(scores), "sequences": len(sequences),
                     "all_tries": len(group)})
    return pd.DataFrame(rows, columns=SEQUENCE_COLUMNS)


def first_marks(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (learner, question): the first sequence in the context met first.

    `all_tries` is replaced by the learner's tries at the question in every context.
    """
    marks = question_marks(df)
    if marks.empty:
        return marks
    total = marks.groupby(["learner", "question_id"])["all_tries"].transform("sum")
    marks = marks.assign(all_tries=total).sort_values("first_id")
    return marks.drop_duplicates(["learner", "question_id"]).reset_index(drop=True)


def progress(df: pd.DataFrame) -> pd.DataFrame:
    """Per topic (one learner's rows): questions tried, right, tries, mean mark."""
    cols = ["topic", "questions_attempted", "questions_correct", "attempts", "mean_mark"]
    marks = first_marks(df)
    if marks.empty:
        return pd.DataFrame(columns=cols)
    out = marks.groupby("topic", as_index=False).agg(
        questions_attempted=("question_id", "count"), questions_correct=("right", "sum"),
        attempts=("all_tries", "sum"), mean_mark=("mark", "mean"))
    out["questions_correct"] = out["questions_correct"].astype(int)
    out["mean_mark"] = out["mean_mark"].round(3)
    return out[cols]


def _most_wrong(wrong_json: pd.Series) -> tuple[str, int]:
    counts = pd.Series([w for text in wrong_json for w in json.loads(text)], dtype=object)
    if counts.empty:
        return "", 0
    top = counts.value_counts()
    return str(top.index[0]), int(top.iloc[0])


QUESTION_COLUMNS = ["question_id", "topic", "learners", "attempts", "mean_mark",
                    "percent_right_first_try", "mean_tries", "most_chosen_wrong",
                    "most_chosen_wrong_count"]


def question_stats(df: pd.DataFrame) -> pd.DataFrame:
    """Per question: learners, tries, mean mark, % right at the first try, most chosen wrong."""
    marks = first_marks(df)
    if marks.empty:
        return pd.DataFrame(columns=QUESTION_COLUMNS)
    rows = []
    for qid, g in marks.groupby("question_id", sort=True):
        tries = df[df["question_id"] == qid]
        wrong, count = _most_wrong(tries["wrong"])
        rows.append({"question_id": qid, "topic": g["topic"].iloc[-1],
                     "learners": len(g), "attempts": len(tries),
                     "mean_mark": round(g["mark"].mean(), 3),
                     "percent_right_first_try": round(100 * g["right_first_try"].mean(), 1),
                     "mean_tries": round(g["tries"].mean(), 2),
                     "most_chosen_wrong": wrong, "most_chosen_wrong_count": count})
    return pd.DataFrame(rows, columns=QUESTION_COLUMNS)


def learner_progress(df: pd.DataFrame) -> pd.DataFrame:
    """Per learner: tries, questions tried, right at the first try and right in the end (after
    hints and further tries), those as percents, mean mark, last try. Right in the end alone read
    100% for a learner whose every first try was wrong."""
    cols = ["learner", "attempts", "questions_attempted", "questions_right_first_try",
            "percent_right_first_try", "questions_correct", "percent_correct", "mean_mark",
            "last_attempt"]
    marks = first_marks(df)
    if marks.empty:
        return pd.DataFrame(columns=cols)
    out = marks.groupby("learner", as_index=False).agg(
        attempts=("all_tries", "sum"), questions_attempted=("question_id", "count"),
        questions_right_first_try=("right_first_try", "sum"),
        questions_correct=("right", "sum"), mean_mark=("mark", "mean"))
    for count, percent in (("questions_right_first_try", "percent_right_first_try"),
                           ("questions_correct", "percent_correct")):
        out[count] = out[count].astype(int)
        out[percent] = (100 * out[count] / out["questions_attempted"]).round(1)
    out["mean_mark"] = out["mean_mark"].round(3)
    out["last_attempt"] = out["learner"].map(df.groupby("learner")["created_at"].max())
    return out[cols]
