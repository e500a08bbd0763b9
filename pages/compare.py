"""Compare: this learner's training runs side by side, as one chart and one table.

Runs are kept by the job registry for their maker (ui.jobs.session_owner: the signed-in learner,
else this browser), so they are here after switching pages, in another tab and after a reload;
a run still training shows its steps so far.
"""

import streamlit as st

from adaptlab.viz import run_overlay
from ui import compare_view as view
from ui.charts import plotly_chart
from ui.jobs import session_jobs
from ui.reference_view import accuracy_chart, task_picker
from ui.script_slots import script_slot, spread

st.title("Compare your runs")
st.caption("Every run you started in this browser (signed in: under your name), on one chart "
           "and in two tables: what each run was set to, and what it measured. Below the chart, "
           "the settings that differ between the runs you pick are named and marked.")

jobs = session_jobs()
if not jobs:
    st.info("No runs yet in this browser. Train a model first, then come back to compare.",
            icon=":material/info:")
    st.page_link("pages/train.py", label="Go to Train", icon=":material/model_training:")
    st.stop()

names = view.run_names(jobs)  # numbered over every run, so a run keeps its name when picked
picked = st.multiselect("Runs to compare", list(names.values()), key="compare.runs",
                        placeholder="All your runs",
                        help="Leave empty to compare every run of yours.")
jobs = view.selected(jobs, picked)
was_running = any(not job.done for job in jobs)


# While a run trains, this part redraws itself; the table's numbers need finished runs.
@st.fragment(run_every=spread(2.0, st.session_state) if was_running else None)
def runs_view() -> None:
    with script_slot():
        _runs_view()


def _runs_view() -> None:
    still = sum(not job.done for job in jobs)
    if still:
        st.caption(f"{still} run still training: its line grows as it goes." if still == 1 else
                   f"{still} runs still training: their lines grow as they go.")
    elif was_running:
        st.rerun()  # the last run just ended: redraw once more, then stop polling
    plotly_chart(run_overlay(view.overlay_frame(jobs, names)), key="compare.overlay",
                 alt=(f"Training loss per step of your {len(jobs)} runs, one line each; the "
                         if len(jobs) > 1 else "Training loss per step of your run; the ")
                        + "legend gives each run's method, seed and data.")
    sentence = view.differ_sentence(jobs, names)
    if sentence:
        st.markdown(f"**What differs:** {sentence}")
    st.subheader("Settings of each run")
    st.caption(view.settings_caption(len(jobs), len(names)))
    st.table(view.highlighted(view.settings_table(jobs, names)))
    st.subheader("The runs in numbers")
    # st.dataframe shows cells as literal text (settings and reasons come from the engine).
    table = view.compare_table(jobs, names)
    st.dataframe(table, width="stretch", height="content")  # every row, no scroll, no blank one


runs_view()
st.subheader("What each method learned: held-out accuracy against trainable parameters")
accuracy_chart(task_picker("compare.task", jobs), jobs, key="compare.accuracy")
st.caption("trainable %: share of the model's parameters that train. ms/step: mean time of one "
           "optimizer step. Eval loss and accuracy: on held-out examples, before and after "
           "training. Memory: the engine's fp32 estimate for one training step at the run's "
           "batch size and length (weights, gradients, AdamW state, activations).")
