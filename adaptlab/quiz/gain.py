"""Learning gain on a lesson path: before-quiz marks against after-quiz marks.

Normalised gain (Hake 1998, Am. J. Phys. 66, 64): g = (post - pre) / (1 - pre), the share of
what was still to learn that was learned. It is undefined when pre is already full marks. A
learner's own row uses the normalised change (Marx & Cummings 2007), which is the same when they
improved and stays within -1 when they dropped.
For a class, Hake's <g> uses the class averages: (<post> - <pre>) / (1 - <pre>), over the
learners who took both quizzes on that topic. Per question, the counterbalanced forms give two
groups: learners who met the question before the lab and learners who met it after.
"""

from __future__ import annotations

import pandas as pd

from adaptlab.quiz.paths import LessonPath
from adaptlab.quiz.stats import question_marks


def normalised_gain(pre: float, post: float) -> float | None:
    """(post - pre) / (1 - pre); None when pre is full marks (nothing left to gain)."""
    if pre >= 1.0:
        return None
    return round((post - pre) / (1.0 - pre), 3)


def normalised_change(pre: float, post: float) -> float | None:
    """One learner's normalised change (Marx & Cummings 2007, Am. J. Phys. 75, 87): Hake's gain
    when they improved, (post - pre) / pre when they dropped, so both lie in [-1, 1] (Hake's
    formula made a drop from 83% to 50% a "gain" of -2). None when both are 0 or both full."""
    if post == pre:
        return None if pre in (0.0, 1.0) else 0.0
    return round((post - pre) / (1.0 - pre) if post > pre else (post - pre) / pre, 3)


def _path_marks(path: LessonPath, attempts: pd.DataFrame) -> pd.DataFrame:
    """Marks of the path's two quizzes, with `quiz` (before/after) and `path_topic` columns."""
    contexts = {path.context(q): q for q in ("before", "after")}
    marks = question_marks(attempts[attempts["context"].isin(list(contexts))])
    if marks.empty:
        return marks.assign(quiz=[], path_topic=[])
    topics = {qid: t.id for t in path.topics for f in t.forms.values() for qid in f}
    marks = marks.assign(quiz=marks["context"].map(contexts),
                         path_topic=marks["question_id"].map(topics))
    return marks.dropna(subset=["path_topic"])  # a question since removed from the path


def _per_learner_topic(marks: pd.DataFrame) -> pd.DataFrame:
    """Rows (learner, path_topic) with the mean mark before and after (NaN if not taken)."""
    table = marks.pivot_table(index=["learner", "path_topic"], columns="quiz", values="mark",
                              aggfunc="mean")
    return table.reindex(columns=["before", "after"]).reset_index()


def learner_gains(path: LessonPath, attempts: pd.DataFrame) -> pd.DataFrame:
    """One learner's rows in, one row per topic out: before, after, gain, normalised change."""
    cols = ["topic", "title", "part", "before", "after", "gain", "normalised_change"]
    marks = _path_marks(path, attempts)
    per = _per_learner_topic(marks).set_index("path_topic") if not marks.empty else None
    rows = []
    for topic in path.topics:
        pre = post = None
        if per is not None and topic.id in per.index:
            pre, post = per.loc[topic.id, "before"], per.loc[topic.id, "after"]
            pre = None if pd.isna(pre) else float(pre)
            post = None if pd.isna(post) else float(post)
        both = pre is not None and post is not None
        rows.append({"topic": topic.id, "title": topic.title, "part": topic.part,
                     "before": pre, "after": post,
                     "gain": round(post - pre, 3) if both else None,
                     "normalised_change": normalised_change(pre, post) if both else None})
    return pd.DataFrame(rows, columns=cols)


def class_topic_gains(path: LessonPath, attempts: pd.DataFrame) -> pd.DataFrame:
    """Per topic: learners with both quizzes, class mean before/after, Hake's <g>."""
    cols = ["topic", "title", "learners", "mean_before", "mean_after", "class_normalised_gain"]
    marks = _path_marks(path, attempts)
    both = _per_learner_topic(marks).dropna() if not marks.empty else pd.DataFrame()
    rows = []
    for topic in path.topics:
        mine = both[both["path_topic"] == topic.id] if not both.empty else both
        pre = float(mine["before"].mean()) if len(mine) else None
        post = float(mine["after"].mean()) if len(mine) else None
        rows.append({"topic": topic.id, "title": topic.title, "learners": len(mine),
                     "mean_before": None if pre is None else round(pre, 3),
                     "mean_after": None if post is None else round(post, 3),
                     "class_normalised_gain": None if pre is None else normalised_gain(pre, post)})
    return pd.DataFrame(rows, columns=cols)


def class_question_gains(path: LessonPath, attempts: pd.DataFrame) -> pd.DataFrame:
    """Per question: mean mark of those who met it before vs after the lab, and the gain."""
    cols = ["question_id", "topic", "learners_before", "mean_before", "learners_after",
            "mean_after", "normalised_gain"]
    marks = _path_marks(path, attempts)
    rows = []
    for topic in path.topics:
        for qid in (q for form in topic.forms.values() for q in form):
            mine = marks[marks["question_id"] == qid] if not marks.empty else marks
            pre = mine[mine["quiz"] == "before"]["mark"] if len(mine) else pd.Series(dtype=float)
            post = mine[mine["quiz"] == "after"]["mark"] if len(mine) else pd.Series(dtype=float)
            mean_pre = round(float(pre.mean()), 3) if len(pre) else None
            mean_post = round(float(post.mean()), 3) if len(post) else None
            gain = (normalised_gain(mean_pre, mean_post)
                    if mean_pre is not None and mean_post is not None else None)
            rows.append({"question_id": qid, "topic": topic.title, "learners_before": len(pre),
                         "mean_before": mean_pre, "learners_after": len(post),
                         "mean_after": mean_post, "normalised_gain": gain})
    return pd.DataFrame(rows, columns=cols)
