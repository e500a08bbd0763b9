"""A lesson path on the Quiz page: before-quiz, the lab pages, after-quiz, and the learner's gain.

The path itself (topics, parallel forms, which form a learner takes when) is data in
assets/quizzes/paths/ read by adaptlab.quiz.paths; marks and gains come from the stored tries
(adaptlab.quiz.gain), so they survive reloads and other sessions.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from adaptlab.quiz import SINGLE_TRY, Question, bundled_bank
from adaptlab.quiz.gain import learner_gains
from adaptlab.quiz.paths import PARTS, LessonPath, PathTopic, bundled_paths
from adaptlab.quiz.scoring import PARTIAL_CREDIT
from adaptlab.store import Store
from ui import quiz_widgets as qw
from ui.learner_form import learner_id
from ui.navigation import PAGES, page_file
from ui.store_access import read_safely
from ui.text import plural

PREFIX = "path:"
QUIZ_TITLES = {"before": "Before-quiz", "after": "After-quiz"}
TITLES = {p.url_path: p.title for p in PAGES}


def path_sections() -> dict[str, str]:
    """Section id -> label, one per bundled lesson path."""
    return {PREFIX + p.id: f"Lesson path: {p.title}" for p in bundled_paths()}


def find_path(section: str) -> LessonPath | None:
    return next((p for p in bundled_paths() if PREFIX + p.id == section), None)


def quiz_items(path: LessonPath, quiz: str) -> list[tuple[PathTopic, Question]]:
    bank = bundled_bank()
    return [(topic, bank.get(qid)) for topic, qid in path.questions(learner_id(), quiz)]


def _unmarked(path: LessonPath, quiz: str) -> list[int]:
    """The numbers (from 1) of the quiz's questions that have no mark yet."""
    marks = qw.saved_marks([q for _topic, q in quiz_items(path, quiz)], path.context(quiz))
    return [number for number, mark in enumerate(marks, start=1) if mark is None]


def _show_quiz(path: LessonPath, quiz: str, one_at_a_time: bool) -> None:
    items, context = quiz_items(path, quiz), path.context(quiz)
    title = QUIZ_TITLES[quiz]
    if one_at_a_time:
        qw.one_at_a_time(context, [q for _t, q in items], context, label=f"{title}, question")
        return
    for number, (topic, question) in enumerate(items, start=1):
        label = f"{title}, question {number} of {len(items)} ({PARTS[topic.part]}: {topic.title})"
        qw.show_question(question, label, context)


def _show_lab(path: LessonPath) -> None:
    for stop in path.lab:
        file = page_file(stop.page.strip("/"))
        if file:
            st.page_link(file, label=f"{TITLES.get(stop.page.strip('/'), stop.page)}: {stop.why}",
                         icon=":material/science:")


def gain_table(path: LessonPath, store: Store | None) -> pd.DataFrame | None:
    """This learner's marks before and after, per topic (None when the database is down)."""
    frame = read_safely(store, lambda s: s.attempts_frame(learner_id()))
    return None if frame is None else learner_gains(path, frame)


def _show_gain(path: LessonPath, store: Store | None) -> None:
    table = gain_table(path, store)
    if table is None:
        st.info("Your gain is unavailable while the results database cannot be read.")
        return
    if table["gain"].isna().all():
        st.info("Your gain per topic appears here once you have answered a topic in both quizzes.")
        return
    show_gain_table(table)


def show_gain_table(table: pd.DataFrame) -> None:
    """A learner_gains() table: before, after, gain and normalised change per topic of the card."""
    # Text, not a number column: st.dataframe shows a missing number as "None".
    change = [("–" if pd.isna(g) else f"{g:+.2f}") for g in table["normalised_change"]]
    shown = table.assign(part=table["part"].map(PARTS), normalised_change=change)
    st.dataframe(shown, hide_index=True, column_config={
        "topic": None, "title": "Topic", "part": st.column_config.TextColumn(
            "Card", help="Which half of the course card the topic belongs to: what to learn "
                         "before the lab, or after it."),
        "before": st.column_config.NumberColumn("Before", format="percent"),
        "after": st.column_config.NumberColumn("After", format="percent"),
        "gain": st.column_config.NumberColumn("Gain", format="percent"),
        "normalised_change": st.column_config.TextColumn(
            "Normalised change",
            help="If you improved: (after − before) / (1 − before), the share of what was left "
                 "to learn that you learned (Hake's gain). If you dropped: (after − before) / "
                 "before, the share of what you had that you lost. From −1 to +1; – when both "
                 "were 0% or both 100% (Marx & Cummings 2007).")})


def show_path(path: LessonPath, one_at_a_time: bool, store: Store | None) -> None:
    """The whole path, step by step; the after-quiz opens once the before-quiz is done."""
    st.markdown(f"### {path.title}")
    st.markdown(path.intro)
    st.info(f"How marks work here: {SINGLE_TRY.describe()} {PARTIAL_CREDIT}",
            icon=":material/info:")
    st.subheader("1. Before-quiz")
    _show_quiz(path, "before", one_at_a_time)
    st.subheader("2. The lab")
    _show_lab(path)
    st.subheader("3. After-quiz")
    missing = _unmarked(path, "before")
    if not missing:
        st.caption("Different questions on the same topics: a parallel form of the before-quiz.")
        _show_quiz(path, "after", one_at_a_time)
    else:
        numbers = ", ".join(str(n) for n in missing)
        st.info("Answer every before-quiz question first; then work through the lab pages and "
                f"come back for the after-quiz. Still to answer: {plural('question', len(missing))} "
                f"{numbers}.", icon=":material/lock:")
    st.subheader("4. Your gain per topic")
    _show_gain(path, store)
