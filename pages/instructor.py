"""Instructor: results of the class, demo presets for live teaching, quiz bank exports.

Everything below the passcode gate (ui/instructor_auth.py) stays unreachable without the
passcode: the check runs on every rerun of this page, and no query parameter is ever read here.
"""

import streamlit as st

from adaptlab.quiz import bundled_bank
from adaptlab.quiz.export import to_csv, to_gift, to_moodle_xml
from ui.instructor_auth import demo_preset_form, lock, passcode_gate, spreadsheet_safe
from ui.progress import describe_question
from ui.quiz_widgets import bank_problems_notice
from ui.state import widget_key
from ui.store_access import open_store, read_safely

st.title("Instructor")
if not passcode_gate():
    st.stop()

st.button("Lock the dashboard", key=widget_key("instructor", "lock"), on_click=lock,
          icon=":material/lock:")
SECTIONS = {"results": "Class results", "presets": "Demo presets", "export": "Quiz bank export"}
section = st.radio("Show", list(SECTIONS), format_func=SECTIONS.get, horizontal=True,
                   key=widget_key("instructor", "section"))

if section == "results":
    store = open_store()
    stats = read_safely(store, lambda s: s.question_stats())
    learners = read_safely(store, lambda s: s.learner_progress())
    if stats is not None and learners is not None:
        st.subheader("Per question")
        stats.insert(1, "question", stats["question_id"].map(describe_question))
        st.caption("Percent correct counts every try; the most chosen wrong option shows which "
                   "misconception to address in class.")
        st.dataframe(stats, hide_index=True, column_config={
            "question_id": "Id", "question": st.column_config.TextColumn("Question", width="large"),
            "topic": "Topic", "attempts": "Tries", "learners": "Learners",
            "percent_correct": st.column_config.NumberColumn("% correct", format="%.1f"),
            "mean_score": st.column_config.NumberColumn("Mean score", format="%.2f"),
            "most_chosen_wrong": "Most chosen wrong answer",
            "most_chosen_wrong_count": "Chosen (times)"})
        st.download_button("Download per-question statistics (CSV)",
                           spreadsheet_safe(stats).to_csv(index=False),
                           file_name="adaptlab_question_stats.csv", mime="text/csv",
                           key=widget_key("instructor", "stats_csv"), on_click="ignore")
        st.subheader("Per learner")
        st.caption("Names are what learners typed; there are no accounts. A question counts as "
                   "right when any try was right.")
        st.dataframe(learners, hide_index=True, column_config={
            "learner": "Learner", "attempts": "Tries", "questions_attempted": "Questions tried",
            "questions_correct": "Got right",
            "percent_correct": st.column_config.NumberColumn("% right", format="%.1f"),
            "mean_best_score": st.column_config.NumberColumn("Mean best score", format="%.2f"),
            "last_attempt": st.column_config.DatetimeColumn("Last try", format="YYYY-MM-DD HH:mm")})
        st.download_button("Download per-learner progress (CSV)",
                           spreadsheet_safe(learners).to_csv(index=False),
                           file_name="adaptlab_learner_progress.csv", mime="text/csv",
                           key=widget_key("instructor", "learners_csv"), on_click="ignore")

elif section == "presets":
    st.markdown("Build a link that opens a page already set up, for a live demo or to hand out. "
                "With **lock** the learners see the settings but cannot change them.")
    st.caption("Example links: `/parameters?model=gpt2&method=lora&r=4`, "
               "`/train?method=lora&task=sentiment&steps=30&seed=0&lock=1`.")
    with st.spinner("Loading the method registry..."):
        demo_preset_form()
    st.info("Projector layout: switch on **Projector mode** in the sidebar for larger text. "
            "It applies to this browser tab only.", icon=":material/co_present:")

else:
    questions = list(bundled_bank().questions)
    bank_problems_notice(detail=True)  # the instructor is the one who can fix the files
    st.markdown(f"The bundled bank: {len(questions)} questions. Moodle XML carries every type; "
                "GIFT skips ordering questions (it has no such type); CSV lists everything.")
    for label, render, file_name, mime in (
        ("Moodle XML", to_moodle_xml, "adaptlab_quiz.xml", "application/xml"),
        ("GIFT", to_gift, "adaptlab_quiz.gift.txt", "text/plain"),
        ("CSV", to_csv, "adaptlab_quiz.csv", "text/csv"),
    ):
        st.download_button(f"Download {label}", render(questions), file_name=file_name,
                           mime=mime, key=widget_key("instructor", "export", label),
                           on_click="ignore")
