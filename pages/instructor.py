"""Instructor: results of the class, demo presets for live teaching, quiz bank exports.

Everything below the passcode gate (ui/instructor_auth.py) stays unreachable without the
passcode: the check runs on every rerun of this page, and no query parameter is ever read here.
"""

import streamlit as st

from ui.instructor_auth import (
    demo_preset_form,
    lesson_presets_panel,
    lock,
    passcode_gate,
    spreadsheet_safe,
)
from ui.state import widget_key

st.title("Instructor")
if not passcode_gate():
    st.stop()

# After the gate: a locked page draws its passcode form without pandas and SQLAlchemy (its first
# visit on a fresh server took 0.9 s of imports before the form).
from adaptlab.quiz import INTERACTIVE, SINGLE_TRY, bundled_bank  # noqa: E402
from adaptlab.quiz.export import to_csv, to_gift, to_moodle_xml  # noqa: E402
from adaptlab.quiz.gain import class_question_gains, class_topic_gains  # noqa: E402
from adaptlab.quiz.paths import bundled_paths  # noqa: E402
from ui.class_runs import class_runs_panel  # noqa: E402
from ui.progress import describe_question, describe_wrong  # noqa: E402
from ui.quiz_widgets import bank_problems_notice  # noqa: E402
from ui.store_access import open_store, read_safely  # noqa: E402

st.button("Lock the dashboard", key=widget_key("instructor", "lock"), on_click=lock,
          icon=":material/lock:")
st.page_link("pages/live.py", label="Run a live class: join code, live questions, the room's "
             "answers", icon=":material/groups:")
SECTIONS = {"results": "Class results", "gains": "Lesson path gains", "presets": "Demo presets",
            "runs": "Class runs", "export": "Quiz bank export"}
section = st.radio("Show", list(SECTIONS), format_func=SECTIONS.get, horizontal=True,
                   key=widget_key("instructor", "section"))

if section == "results":
    store = open_store(detail=True)  # the instructor may see why (URL, driver); learners never
    stats = read_safely(store, lambda s: s.question_stats(), detail=True)
    learners = read_safely(store, lambda s: s.learner_progress(), detail=True)
    if stats is not None and learners is not None:
        st.subheader("Per question")
        stats.insert(1, "question", stats["question_id"].map(describe_question))
        stats["most_chosen_wrong"] = [describe_wrong(q, w) for q, w in
                                      zip(stats["question_id"], stats["most_chosen_wrong"],
                                          strict=True)]
        st.caption(f"Marks follow the policy learners see. Topic sections: "
                   f"{INTERACTIVE.describe()} Lesson-path quizzes: {SINGLE_TRY.describe()} The "
                   "most chosen wrong answer shows which misconception to address in class.")
        st.dataframe(stats, hide_index=True, column_config={
            "question_id": "Id", "question": st.column_config.TextColumn("Question", width="large"),
            "topic": "Topic", "attempts": "Tries", "learners": "Learners",
            "mean_mark": st.column_config.NumberColumn("Mean mark (0–1)", format="%.2f"),
            "percent_right_first_try": st.column_config.NumberColumn(
                "% right first try", format="%.0f%%"),
            "mean_tries": st.column_config.NumberColumn("Tries per learner", format="%.2f"),
            "most_chosen_wrong": "Most chosen wrong answer",
            "most_chosen_wrong_count": "Chosen (times)"})
        st.download_button("Download per-question statistics (CSV)",
                           spreadsheet_safe(stats).to_csv(index=False),
                           file_name="adaptlab_question_stats.csv", mime="text/csv",
                           key=widget_key("instructor", "stats_csv"), on_click="ignore")
        st.subheader("Per learner")
        st.caption("Learners are the names they signed in with (each kept by the learner's own "
                   "secret) or, with a login configured, their account. Per question, the first "
                   "go counts: right at its first try, or right in the end (after a hint and "
                   "more tries, which the mean mark charges for).")
        st.dataframe(learners, hide_index=True, column_config={
            "learner": "Learner", "attempts": "Tries", "questions_attempted": "Questions tried",
            "questions_right_first_try": "Right first try",
            "percent_right_first_try": st.column_config.NumberColumn("% right first try",
                                                                     format="%.0f%%"),
            "questions_correct": "Right in the end",
            "percent_correct": st.column_config.NumberColumn("% right in the end", format="%.0f%%"),
            "mean_mark": st.column_config.NumberColumn("Mean mark (0–1)", format="%.2f"),
            "last_attempt": st.column_config.DatetimeColumn("Last try", format="YYYY-MM-DD HH:mm")})
        st.download_button("Download per-learner progress (CSV)",
                           spreadsheet_safe(learners).to_csv(index=False),
                           file_name="adaptlab_learner_progress.csv", mime="text/csv",
                           key=widget_key("instructor", "learners_csv"), on_click="ignore")

elif section == "gains":
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
        mean = st.column_config.NumberColumn
        st.dataframe(topics, hide_index=True, column_config={
            "topic": None, "title": "Topic", "learners": "Learners (both quizzes)",
            "mean_before": mean("Mean before", format="percent"),
            "mean_after": mean("Mean after", format="percent"),
            "class_normalised_gain": mean("<g>", format="%.2f")})
        by_question = class_question_gains(path, frame)
        by_question.insert(1, "question", by_question["question_id"].map(describe_question))
        st.dataframe(by_question, hide_index=True, column_config={
            "question_id": "Id", "question": st.column_config.TextColumn("Question", width="large"),
            "topic": "Topic", "learners_before": "Met it before the lab",
            "mean_before": mean("Mean before", format="percent"),
            "learners_after": "Met it after", "mean_after": mean("Mean after", format="percent"),
            "normalised_gain": mean("Normalised gain", format="%.2f")})
        st.download_button("Download gains per question (CSV)",
                           spreadsheet_safe(by_question).to_csv(index=False),
                           file_name=f"adaptlab_gains_{path.id}.csv", mime="text/csv",
                           key=widget_key("instructor", "gains_csv", path.id), on_click="ignore")

elif section == "runs":
    class_runs_panel()
elif section == "presets":
    st.subheader("Ready-made lessons")
    st.caption("Each opens a page set up for one point (the Train ones locked: learners press "
               "Train and watch). Copy a link to hand out, or open it here on the projector.")
    with st.spinner("Loading the method registry..."):
        lesson_presets_panel()
    st.subheader("Build your own link")
    st.markdown("Build a link that opens a page already set up, for a live demo or to hand out. "
                "With **lock** the learners see the settings but cannot change them.")
    st.caption("Example links: `/parameters?model=gpt2&method=lora&r=4`, "
               "`/train?method=lora&task=sentiment&seed=0&lock=1` (settings left out take the "
               "method's defaults).")
    with st.spinner("Loading the method registry..."):
        demo_preset_form()
    st.info("Projector layout: switch on **Projector mode** in the sidebar for larger text. "
            "It applies to this browser tab, and to the pages its buttons open (their links "
            "carry projector=1); the links to copy go without it.", icon=":material/co_present:")

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
