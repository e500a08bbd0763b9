"""Quiz: sections by topic plus generated practice, instant feedback, up to three tries, review.

Thin on purpose: the controls, grading flow and review live in ui/quiz_widgets.py; progress in
ui/progress.py; the database in ui/store_access.py. This page never imports torch (a test checks
it); only the "Practice (generated)" section pulls in the engine, when it is opened.
"""

import streamlit as st

from ui.learner_form import ask_learner_name

st.title("Quiz")
name = ask_learner_name()
if not name:
    st.stop()

# Imported only once a learner is named: the store (pandas, SQLAlchemy) and the bank cost ~0.5 s,
# which would otherwise delay the first paint of this page on a fresh server.
import pandas as pd  # noqa: E402

from ui import quiz_widgets as qw  # noqa: E402
from ui.progress import progress_table, review_rows  # noqa: E402
from ui.state import widget_key  # noqa: E402
from ui.store_access import open_store, read_safely  # noqa: E402

st.caption(
    f"Up to {qw.MAX_TRIES} tries per question, with a hint after a wrong one. A question's "
    "score is your best try; every try is saved, so your instructor sees how you got there."
)
store = open_store()  # None after an error message: answers are still graded, just not saved
qw.quiz_session().store_ok = store is not None
qw.bank_problems_notice()  # a broken question file costs only its own questions

questions_tab, progress_tab, review_tab = st.tabs(["Questions", "My progress", "Review"])

with questions_tab:
    sections = qw.section_options()
    section = st.selectbox("Section", list(sections), format_func=sections.get,
                           key=widget_key("quiz", "section"))
    mode = st.radio("Show", ["one", "all"], horizontal=True, key=widget_key("quiz", "mode"),
                    format_func={"one": "One question at a time",
                                 "all": "The whole section"}.get)
    seed = 0
    if section == qw.PRACTICE:
        seed = st.number_input(
            "Practice seed", min_value=0, max_value=1_000_000, step=1,
            key=widget_key("quiz", "seed"),
            help="The same seed always gives the same questions; change it for new ones. "
                 "Each answer key is computed by the engine's parameter census.")
    questions = qw.section_questions(section, seed)

    tried, points = qw.section_score(questions)
    st.metric("Score in this section (this session)", f"{points:.1f} / {len(questions)}",
              help=f"Sum of your best scores; {tried} of {len(questions)} questions tried.")
    if mode == "one":
        qw.one_at_a_time(section, questions)
    else:
        for number, question in enumerate(questions, start=1):
            qw.show_question(question, number, len(questions))

with progress_tab:
    raw = read_safely(store, lambda s: s.progress(name))
    if raw is None:
        st.info("Progress is unavailable while the results database cannot be read.")
    elif raw.empty:
        st.info("No answers saved yet. Your progress per topic appears here.")
    else:
        st.dataframe(
            progress_table(raw), hide_index=True,
            column_config={"topic": None, "title": "Topic",
                           "questions_in_bank": "Questions",
                           "questions_attempted": "Tried", "questions_correct": "Got right",
                           "attempts": "Tries", "mean_best_score": st.column_config.ProgressColumn(
                               "Mean best score", min_value=0.0, max_value=1.0, format="%.2f")})

with review_tab:
    attempts = read_safely(store, lambda s: s.attempts(name))
    if attempts is None:
        st.info("Your past answers are unavailable while the results database cannot be read.")
    elif not attempts:
        st.info("No answers saved yet.")
    else:
        st.dataframe(pd.DataFrame(review_rows(attempts)), hide_index=True,
                     column_config={"when": st.column_config.DatetimeColumn(
                         "When", format="YYYY-MM-DD HH:mm"), "result": "Result",
                         "score": st.column_config.NumberColumn("Score", format="%.2f"),
                         "your answer": "Your answer", "question": "Question", "topic": "Topic"})
