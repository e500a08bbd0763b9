"""The learning path, and the learner's quiz progress along it (for Home, Quiz, Instructor).

- `learner_progress_summary(name)`: per topic, from the attempts database (ui.store_access).
- `show_progress(step, name)`: Home's one line per learning-path step, built on the summary.
- `review_rows(attempts)`: past answers in the words the learner saw, for the Quiz review
  (numbers as the learner typed them: 294,912, never 294912.0).
- `describe_question(id)`: the question's full text, for the Review and the instructor's CSV.
Every number comes from the store; when there is no name or the database cannot be read, the
answer is None, never a made-up zero. Visiting Home never creates a database: a SQLite file
that does not exist yet simply means "no answers yet". Generated practice questions count
under their topic ("counting", "freezing", ...). Importing this module never imports torch.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from adaptlab.quiz import (
    TOPICS,
    ChoiceQuestion,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    bundled_bank,
)
from adaptlab.quiz.numeric import format_number
from adaptlab.quiz.paths import QUIZZES, bundled_paths
from adaptlab.quiz.scoring import LIVE_PREFIX
from adaptlab.store import Attempt, StoreError, default_url
from ui.navigation import Step
from ui.store_access import database_url, get_store, show_store_error

log = logging.getLogger("adaptlab.app")

COLUMNS = ["topic", "title", "questions_in_bank", "questions_attempted", "questions_correct",
           "attempts", "mean_mark"]


def progress_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Store.progress() rows with the topic title and the bank's size per topic, in TOPICS order.

    Topics the learner has not tried yet are left out: their row would only hold zeros.
    """
    bank_sizes = pd.Series({t: len(bundled_bank().by_topic(t)) for t in TOPICS}, dtype=int)
    order = {topic: n for n, topic in enumerate(TOPICS)}
    out = raw.assign(
        title=raw["topic"].map(lambda t: TOPICS.get(t, t)),
        questions_in_bank=raw["topic"].map(bank_sizes).fillna(0).astype(int),
        mean_mark=raw["mean_mark"].astype(float).round(2),
    )
    out = out.sort_values("topic", key=lambda s: s.map(lambda t: order.get(t, len(order))))
    return out[COLUMNS].reset_index(drop=True)


def _database_missing() -> bool:
    """True for a SQLite file nobody has written yet (opening it would create it)."""
    try:
        url = make_url(database_url() or default_url())
    except ArgumentError:  # a garbage URL: let get_store() report it (quietly, on Home)
        return False
    database = url.database or ""
    return (url.get_backend_name() == "sqlite" and database not in ("", ":memory:")
            and not Path(database).expanduser().exists())


def learner_progress_summary(learner: str, show_errors: bool = True) -> pd.DataFrame | None:
    """Per topic: questions in the bank, tried, got right, tries, mean mark (first go counts).

    None when `learner` is empty or the database cannot be read (with st.error when
    `show_errors`, else only a server log line); an empty DataFrame when nothing is saved yet.
    """
    name = learner.strip()
    if not name:
        return None
    if _database_missing():
        return pd.DataFrame(columns=COLUMNS)
    try:
        return progress_table(get_store().progress(name))
    except StoreError as exc:
        if show_errors:
            show_store_error(exc)
        else:
            log.warning("quiz progress unavailable: %s", exc)
        return None


def show_progress(step: Step, name: str) -> None:
    """Home: one line of quiz progress for `step`, only once the learner has answered on it.

    Quiet on a database failure: Home is no place for a database message, the Quiz page says it.
    """
    summary = learner_progress_summary(name, show_errors=False)
    if summary is None or summary.empty:
        return
    rows = summary[summary["topic"].isin(step.topics)]
    tried, right = int(rows["questions_attempted"].sum()), int(rows["questions_correct"].sum())
    if tried:
        total = int(rows["questions_in_bank"].sum())
        st.caption(f"Your quiz progress here: {tried} of {total} questions tried, {right} of "
                   "them answered right (on any try; the Quiz page has your marks).")


# --- review of past answers -------------------------------------------------------------

def describe_question(question_id: str) -> str:
    """The question's full text; generated ids describe themselves (rebuilding them would import
    torch), and a question since removed from the bank is shown by its id."""
    if question_id.startswith("gen:"):
        return "Practice: " + question_id[4:].replace(":", " ").replace(";", ", ")
    question = next((q for q in bundled_bank().questions if q.id == question_id), None)
    if question is None:
        return question_id
    situation = getattr(question, "situation", "")
    return f"{situation} {question.prompt}".strip()


def describe_answer(question_id: str, answer: object) -> str:
    """The answer in the words the learner saw (ids of bank questions become their texts)."""
    question = None if question_id.startswith("gen:") else next(
        (q for q in bundled_bank().questions if q.id == question_id), None)
    if isinstance(answer, bool):
        return str(answer)
    if isinstance(answer, int | float):
        unit = f" {question.unit}" if isinstance(question, NumericQuestion) and question.unit else ""
        return format_number(float(answer)) + unit
    texts: dict[str, str] = {}
    if isinstance(question, ChoiceQuestion):
        texts = {o.id: o.text for o in question.options}
    elif isinstance(question, OrderQuestion):
        texts = {s.id: s.text for s in question.steps}
    if isinstance(question, PairingQuestion) and isinstance(answer, dict):
        items = {i.id: i.text for i in question.items}
        return "; ".join(f"{items.get(k, k)} → {question.choice_text(v)}" for k, v in answer.items())
    if isinstance(answer, list):
        joiner = " → " if isinstance(question, OrderQuestion) else "; "
        return joiner.join(texts.get(str(a), str(a)) for a in answer)
    if isinstance(answer, str):
        return texts.get(answer, answer)
    return json.dumps(answer)


def describe_wrong(question_id: str, wrong: str) -> str:
    """A stored wrong answer (adaptlab.quiz.grading: an option id, "item->choice" of a match,
    "a > b" of an order, a number) in the words the learner saw."""
    question = None if question_id.startswith("gen:") else next(
        (q for q in bundled_bank().questions if q.id == question_id), None)
    if isinstance(question, PairingQuestion) and "->" in wrong:
        item, choice = wrong.split("->", 1)
        return describe_answer(question_id, {item: choice})
    if isinstance(question, OrderQuestion):
        return describe_answer(question_id, wrong.split(" > "))
    return describe_answer(question_id, wrong) if wrong else ""


def describe_context(context: str) -> str:
    """Where a try was made, in words: a topic section, one quiz of a lesson path, or a live
    class question (its context holds only database ids: nothing to show a learner)."""
    if context.startswith(LIVE_PREFIX):
        return "live class"
    for path in bundled_paths():
        for quiz in QUIZZES:
            if context == path.context(quiz):
                return f"{path.title}: {quiz}-quiz"
    return context or "topic section"


def review_rows(attempts: list[Attempt]) -> list[dict[str, object]]:
    """Newest first, in plain words; shown with st.dataframe, which never renders HTML.

    The question, the answer and the result come first: a learner reads them together, and at
    1280 px with the answer's full text the columns after it sit behind a sideways scroll."""
    return [{"question": describe_question(a.question_id),
             "your answer": describe_answer(a.question_id, a.answer),
             "result": "right" if a.correct else ("partly right" if a.score > 0 else "wrong"),
             "score": a.score, "try": a.try_number, "when": a.created_at,
             "topic": TOPICS.get(a.topic, a.topic), "where": describe_context(a.context)}
            for a in reversed(attempts)]
