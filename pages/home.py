"""Home: what adapting a model means, the learning path, and where to start.

This page must load fast on a fresh server, so it never imports torch, transformers or peft
(tests/app/test_home.py checks this in a separate process).
"""

import streamlit as st

from ui.learner_form import learner_id
from ui.live_session import join_box
from ui.navigation import LEARNING_PATH, PAGES, page_file

TITLES = {p.url_path: p.title for p in PAGES}

st.title("AdaptLab")
st.markdown("#### How a pre-trained language model is adapted to a new task")
join_box()  # a live class: the code from the projector (or a ?join= link)
st.markdown(
    "A pre-trained model such as GPT-2 has already learned a great deal about text. **Adapting** "
    "it means training it a little more, on examples of *your* task, so that it answers in your "
    "format, your style or your labels. The real question is **which numbers to change**. Full "
    "fine-tuning updates every weight. Parameter-efficient methods freeze almost all of the model "
    "and train only a small part of it, or a few new parameters they add: far less memory to "
    "train, and a small file per task to keep."
)
st.markdown("Here you look inside a small GPT-2 (the real model code, 2.6 M parameters, bundled; "
            "the sizes from GPT-2 small to XL are counted too), run real training steps on a "
            "CPU, and check what you learned.")

st.subheader("The learning path")
for number, step in enumerate(LEARNING_PATH, start=1):
    with st.container(border=True):
        st.markdown(f"**{number}. {step.title}**  \n{step.what}")
        links = [(url, page_file(url)) for url in step.pages]
        cols = st.columns(len(links))
        for col, (url, file) in zip(cols, links, strict=True):
            if file:
                col.page_link(file, label=f"Open {TITLES[url]}", icon=":material/arrow_forward:")
            else:
                col.caption(f"{TITLES[url]}: coming soon")
        if learner_id():  # a proven learner only: a typed name alone shows nobody's progress
            # Imported only for a signed-in learner: the quiz store pulls in pandas and
            # SQLAlchemy, which a first visit to Home should not wait for.
            from ui.progress import show_progress

            show_progress(step, learner_id())

st.subheader("Where to start")
first = next((url for step in LEARNING_PATH for url in step.pages if page_file(url)), None)
if first:
    st.markdown(f"Follow the path from the top: its first step is on **{TITLES[first]}**.")
    st.page_link(page_file(first), label=f"Start with {TITLES[first]}", icon=":material/play_arrow:")
st.caption(("" if learner_id() else "Sign in on the Quiz page to keep your quiz progress. ")
           + "Teaching a class? Switch on projector mode in the sidebar for larger text.")
