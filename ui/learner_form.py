"""The Quiz page's "who are you?" form: light on purpose (no pandas, SQLAlchemy or quiz bank).

A fresh server's first Quiz visit shows only this form until a name is given, so the page
imports the heavier quiz and store modules after it (see pages/quiz.py).
"""

from __future__ import annotations

import streamlit as st

from ui.state import NAME_LIMIT, learner, widget_key
from ui.text import plain

PAGE = "quiz"

def _save_name() -> None:
    name = learner().rename(st.session_state.get(widget_key(PAGE, "name"), ""))
    if name:  # keep the sidebar field in step; allowed here because callbacks run before widgets
        st.session_state[widget_key("sidebar", "display_name")] = name


def ask_learner_name() -> str:
    """The learner's display name; asks for it (once per session) when none is set yet."""
    name = learner().display_name
    if name:
        st.caption(f"Answering as **{plain(name)}**. Change it in the sidebar.")
        return name
    with st.form(widget_key(PAGE, "name_form")):
        st.text_input("Your name or an id (no password)", key=widget_key(PAGE, "name"),
                      max_chars=NAME_LIMIT, help="It keeps your answers apart from other "
                      "learners'. Anything works: a first name, a nickname, a student id.")
        st.form_submit_button("Start the quiz", on_click=_save_name)
    st.info("Give a name or an id to start. It is used only to save your progress.")
    return ""
