"""Quiz: sections by topic, the lesson path, generated practice; instant feedback; progress, review.

Thin on purpose: the question flow lives in ui/quiz_widgets.py, the controls in
ui/quiz_controls.py, the lesson path in ui/lesson_view.py, progress in ui/progress.py, the
database in ui/store_access.py. This page never imports torch (a test checks it); only the
"Practice (generated)" section pulls in the engine, when it is opened.
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

from adaptlab.quiz import INTERACTIVE  # noqa: E402
from adaptlab.quiz.scoring import PARTIAL_CREDIT  # noqa: E402
from ui import lesson_view  # noqa: E402
from ui import quiz_widgets as qw  # noqa: E402
from ui.learner_form import learner_id  # noqa: E402
from ui.progress import progress_table, review_rows  # noqa: E402
from ui.state import widget_key  # noqa: E402
from ui.store_access import open_store, read_safely  # noqa: E402
from ui.text import plural  # noqa: E402

SECTION = widget_key("quiz", "section")


def start_path(section: str) -> None:
    st.session_state[SECTION] = section  # a callback runs before the selectbox is drawn


store = open_store()  # None after an error message: answers are still graded, just not saved
qw.quiz_session().store_ok = store is not None
qw.bank_problems_notice()  # a broken question file costs only its own questions

questions_tab, progress_tab, review_tab = st.tabs(["Questions", "My progress", "Review"])

with questions_tab:
    paths = lesson_view.path_sections()
    sections = {**qw.bundled_bank().topics(), **paths, qw.PRACTICE: "Practice (generated)"}
    for section_id, label in paths.items():
        st.button(f"Follow the {label[0].lower()}{label[1:]}: before-quiz, lab, after-quiz, "
                  "your gain",
                  key=widget_key("quiz", "start", section_id), icon=":material/route:",
                  on_click=start_path, args=(section_id,))
    # One row, and the marking rules folded under their gist: at 1280x720 these took the whole
    # first screen, and the question began below it.
    pick, show = st.columns([3, 2], vertical_alignment="bottom")
    section = pick.selectbox("Section", list(sections), format_func=sections.get, key=SECTION)
    mode = show.radio("Show", ["one", "all"], horizontal=True, key=widget_key("quiz", "mode"),
                      format_func={"one": "One question at a time",
                                   "all": "The whole section"}.get)
    path = lesson_view.find_path(section)
    if path is not None:
        lesson_view.show_path(path, mode == "one", store)
    else:
        with st.expander(f"How marks work: {INTERACTIVE.summary()}", icon=":material/info:"):
            st.markdown(f"{INTERACTIVE.describe()} {PARTIAL_CREDIT}")
        seed = 0
        if section == qw.PRACTICE:
            seed = st.number_input(
                "Practice seed", min_value=0, max_value=1_000_000, step=1,
                key=widget_key("quiz", "seed"),
                help="The same seed always gives the same questions; change it for new ones. "
                     "Each answer key is computed by the engine's parameter census.")
        questions = qw.section_questions(section, seed)
        total = st.container()  # filled after the questions: an answer checked in this run counts
        if mode == "one":
            qw.one_at_a_time(section, questions)
        else:
            for number, question in enumerate(questions, start=1):
                qw.show_question(question, f"Question {number} of {len(questions)}")
        marked, points, still_open = qw.section_score(questions)
        total.metric("Your marks in this section", f"{points:.1f} / {len(questions)}",
                     help=f"Sum of your marks (first go at each question); {marked} of "
                          f"{len(questions)} questions have a mark.")
        if still_open:  # "this try scores 43%" above, 0.0 here: say why the two differ
            total.caption(f"{still_open} {plural('question', still_open)} still open: a question's mark "
                          "counts here once you get it right or have used its tries.")

with progress_tab:
    raw = read_safely(store, lambda s: s.progress(learner_id()))
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
                           "attempts": "Tries", "mean_mark": st.column_config.ProgressColumn(
                               "Mean mark", min_value=0.0, max_value=1.0, format="%.2f")})
    for path in lesson_view.bundled_paths():
        gains = lesson_view.gain_table(path, store)
        if gains is not None and not gains["gain"].isna().all():
            st.markdown(f"**Lesson path: {path.title}**: your gain per topic")
            lesson_view.show_gain_table(gains)

with review_tab:
    attempts = read_safely(store, lambda s: s.attempts(learner_id()))
    if attempts is None:
        st.info("Your past answers are unavailable while the results database cannot be read.")
    elif not attempts:
        st.info("No answers saved yet.")
    else:
        # Both texts cut to a width that leaves Result and Score in view at 1280 px, in
        # projector mode too; a cell shows its whole text when clicked.
        st.dataframe(pd.DataFrame(review_rows(attempts)), hide_index=True,
                     column_config={"question": st.column_config.TextColumn("Question", width=320),
                                    "your answer": st.column_config.TextColumn("Your answer",
                                                                               width=300),
                                    "result": "Result", "try": "Try",
                                    "score": st.column_config.NumberColumn("Score", format="%.2f"),
                                    "when": st.column_config.DatetimeColumn(
                                        "When", format="YYYY-MM-DD HH:mm"),
                                    "topic": "Topic", "where": "Where"})
