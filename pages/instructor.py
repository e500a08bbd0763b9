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
)
from ui.state import widget_key

st.title("Instructor")
if not passcode_gate():
    st.stop()

# After the gate: a locked page draws its passcode form without pandas and SQLAlchemy (its first
# visit on a fresh server took 0.9 s of imports before the form).
from adaptlab.quiz import bundled_bank  # noqa: E402
from adaptlab.quiz.export import to_csv, to_gift, to_moodle_xml  # noqa: E402
from ui.class_results import gains_section, results_section  # noqa: E402
from ui.class_runs import class_runs_panel  # noqa: E402
from ui.quiz_widgets import bank_problems_notice  # noqa: E402

st.button("Lock the dashboard", key=widget_key("instructor", "lock"), on_click=lock,
          icon=":material/lock:")
st.page_link("pages/live.py", label="Run a live class: join code, live questions, the room's "
             "answers", icon=":material/groups:")
SECTIONS = {"results": "Class results", "gains": "Lesson path gains", "presets": "Demo presets",
            "runs": "Class runs", "export": "Quiz bank export"}
section = st.radio("Show", list(SECTIONS), format_func=SECTIONS.get, horizontal=True,
                   key=widget_key("instructor", "section"))

if section == "results":
    results_section()
elif section == "gains":
    gains_section()
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
