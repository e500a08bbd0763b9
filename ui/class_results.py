"""The instructor's class results: marks per question and per learner, and the lesson paths'
gains, each with its CSV download.

The columns an instructor reads first (how many got it right, which wrong answer they chose)
come right after the question or the learner: with the question's full text the tables are
wider than a 1280 px laptop, and wider still in projector mode's larger type, and those numbers
used to sit off screen to the right, behind a sideways scroll. (Not pinned: Streamlit draws a
pinned column's text faded, like the index, too faint for a projector.) The CSV keeps every
column in the store's order.
"""

from __future__ import annotations

import streamlit as st

from adaptlab.quiz import INTERACTIVE, SINGLE_TRY
from adaptlab.quiz.gain import class_question_gains, class_topic_gains
from adaptlab.quiz.paths import bundled_paths
from ui.instructor_auth import spreadsheet_safe
from ui.progress import describe_question, describe_wrong
from ui.state import learner, widget_key
from ui.store_access import open_store, read_safely

Number = st.column_config.NumberColumn


def question_column() -> dict:
    """The question's full text, cut to the column: in projector mode's larger type narrower
    (320 px holds its first 30-odd characters), so that the numbers and the most chosen wrong
    answer still fit beside it at 1280 px."""
    return st.column_config.TextColumn("Question", width=320 if learner().projector else "large")


QUESTION_STATS = {
    "percent_right_first_try": Number("% right first try", format="%.0f%%"),
    "mean_mark": Number("Mean mark (0–1)", format="%.2f"),
    "most_chosen_wrong": "Most chosen wrong answer",
    "most_chosen_wrong_count": "Chosen (times)",
    "learners": "Learners", "attempts": "Tries",
    "mean_tries": Number("Tries per learner", format="%.2f"),
    "topic": "Topic", "question_id": "Id",
}
LEARNER_PROGRESS = {
    "learner": "Learner",
    "percent_right_first_try": Number("% right first try", format="%.0f%%"),
    "percent_correct": Number("% right in the end", format="%.0f%%"),
    "mean_mark": Number("Mean mark (0–1)", format="%.2f"),
    "questions_attempted": "Questions tried", "questions_right_first_try": "Right first try",
    "questions_correct": "Right in the end", "attempts": "Tries",
    "last_attempt": st.column_config.DatetimeColumn("Last try", format="YYYY-MM-DD HH:mm"),
}
TOPIC_GAINS = {
    "title": "Topic", "class_normalised_gain": Number("<g>", format="%.2f"),
    "learners": "Learners (both quizzes)",
    "mean_before": Number("Mean before", format="percent"),
    "mean_after": Number("Mean after", format="percent"),
}
QUESTION_GAINS = {
    "normalised_gain": Number("Normalised gain", format="%.2f"),
    "learners_before": "Met it before the lab",
    "mean_before": Number("Mean before", format="percent"),
    "learners_after": "Met it after", "mean_after": Number("Mean after", format="percent"),
    "topic": "Topic", "question_id": "Id",
}


def table(frame, columns: dict) -> None:
    """`frame` with `columns` (name -> label or column config) shown, in that order."""
    st.dataframe(frame, hide_index=True, column_order=list(columns), column_config=columns)


def results_section() -> None:
    store = open_store(detail=True)  # the instructor may see why (URL, driver); learners never
    stats = read_safely(store, lambda s: s.question_stats(), detail=True)
    learners = read_safely(store, lambda s: s.learner_progress(), detail=True)
    if stats is None or learners is None:
        return
    st.subheader("Per question")
    stats.insert(1, "question", stats["question_id"].map(describe_question))
    stats["most_chosen_wrong"] = [describe_wrong(q, w) for q, w in
                                  zip(stats["question_id"], stats["most_chosen_wrong"], strict=True)]
    st.caption(f"Marks follow the policy learners see. Topic sections: {INTERACTIVE.describe()} "
               f"Lesson-path quizzes: {SINGLE_TRY.describe()} The most chosen wrong answer shows "
               "which misconception to address in class.")
    table(stats, {"question": question_column(), **QUESTION_STATS})
    st.download_button("Download per-question statistics (CSV)",
                       spreadsheet_safe(stats).to_csv(index=False),
                       file_name="adaptlab_question_stats.csv", mime="text/csv",
                       key=widget_key("instructor", "stats_csv"), on_click="ignore")
    st.subheader("Per learner")
    st.caption("Learners are the names they signed in with (each kept by the learner's own "
               "secret) or, with a login configured, their account. Per question, the first "
               "go counts: right at its first try, or right in the end (after a hint and "
               "more tries, which the mean mark charges for).")
    table(learners, LEARNER_PROGRESS)
    st.download_button("Download per-learner progress (CSV)",
                       spreadsheet_safe(learners).to_csv(index=False),
                       file_name="adaptlab_learner_progress.csv", mime="text/csv",
                       key=widget_key("instructor", "learners_csv"), on_click="ignore")


def gains_section() -> None:
    frame = read_safely(open_store(detail=True), lambda s: s.attempts_frame(), detail=True)
    for path in bundled_paths() if frame is not None else ():
        st.subheader(path.title)
        st.caption("Hake's class normalised gain <g> = (mean after − mean before) / (1 − mean "
                   "before), over learners who took both quizzes on a topic. Per question, the "
                   "counterbalanced forms compare learners who met it before the lab with those "
                   "who met it after.")
        topics = class_topic_gains(path, frame)
        if not topics["learners"].any():
            st.info("No learner has taken both quizzes of this path yet.")
        table(topics, TOPIC_GAINS)
        by_question = class_question_gains(path, frame)
        by_question.insert(1, "question", by_question["question_id"].map(describe_question))
        table(by_question, {"question": question_column(), **QUESTION_GAINS})
        st.download_button("Download gains per question (CSV)",
                           spreadsheet_safe(by_question).to_csv(index=False),
                           file_name=f"adaptlab_gains_{path.id}.csv", mime="text/csv",
                           key=widget_key("instructor", "gains_csv", path.id), on_click="ignore")
