"""The room's before/after (issue 15, item 4): the class's gain per topic on the lesson path,
over the session's learners who took both its before-quiz and its after-quiz during the session
(tries from before it opened, e.g. last week's, are not this class's gain).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select

from adaptlab.quiz.gain import class_topic_gains
from adaptlab.quiz.paths import LessonPath
from adaptlab.store import Store, attempts_table


def _path_tries(learners: Sequence[str], since: datetime) -> tuple:
    return (attempts_table.c.learner.in_(list(learners)), attempts_table.c.context.like("path:%"),
            attempts_table.c.created_at >= since)


def attempts_mark(store: Store, learners: Sequence[str], since: datetime) -> tuple[int, int]:
    """(count, newest id) of these learners' lesson-path tries since `since` (the session's
    opening): a cheap "anything new?" check."""
    if not learners:
        return 0, 0
    query = select(func.count(), func.max(attempts_table.c.id)).where(*_path_tries(learners, since))
    with store.reading() as conn:
        count, newest = conn.execute(query).one()
    return int(count), int(newest or 0)


def session_attempts(store: Store, learners: Sequence[str], since: datetime) -> pd.DataFrame:
    """The lesson-path tries (before- and after-quizzes) of these learners since `since`."""
    columns = [c.name for c in attempts_table.columns]
    if not learners:
        return pd.DataFrame(columns=columns)
    query = select(attempts_table).where(*_path_tries(learners, since)).order_by(attempts_table.c.id)
    with store.reading() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return pd.DataFrame(rows, columns=columns)


def room_gains(path: LessonPath, attempts: pd.DataFrame) -> pd.DataFrame:
    """Per topic of the path, over the learners who took both quizzes on it: learners, mean
    before, mean after, gain (after - before) and Hake's class normalised gain."""
    table = class_topic_gains(path, attempts)
    both = table["mean_before"].notna() & table["mean_after"].notna()
    gain = (table["mean_after"].astype(float) - table["mean_before"].astype(float)).round(3)
    table.insert(5, "gain", gain.where(both))
    return table
