"""Compare: this session's training runs side by side, as one chart and one table.

Runs are kept by the job registry for this session (ui.jobs), so they are here after switching
pages; a run still training shows its steps so far.
"""

import streamlit as st

from adaptlab.viz import run_overlay
from ui import compare_view as view
from ui.jobs import session_jobs
from ui.reference_view import accuracy_chart, task_picker

st.title("Compare your runs")
st.caption("Every run you started in this session, on one chart and in one table. Runs with the "
           "same seed and data saw the same batches in the same order: a fair comparison.")

jobs = session_jobs()
if not jobs:
    st.info("No runs yet in this session. Train a model first, then come back to compare.",
            icon=":material/info:")
    st.page_link("pages/train.py", label="Go to Train", icon=":material/model_training:")
    st.stop()

was_running = any(not job.done for job in jobs)


# While a run trains, this part redraws itself; the table's numbers need finished runs.
@st.fragment(run_every=2.0 if was_running else None)
def runs_view() -> None:
    still = sum(not job.done for job in jobs)
    if still:
        st.caption(f"{still} run still training: its line grows as it goes.")
    elif was_running:
        st.rerun()  # the last run just ended: redraw once more, then stop polling
    st.plotly_chart(run_overlay(view.overlay_frame(jobs)), key="compare.overlay",
                    config={"displaylogo": False},
                    alt=f"Training loss per step of your {len(jobs)} runs, one line each; the "
                        "legend gives each run's method, seed and data.")
    for sentence in view.shared_setups(jobs):
        st.markdown(f"- {sentence}")
    st.subheader("The runs in numbers")
    # st.dataframe shows cells as literal text (settings and reasons come from the engine).
    table = view.compare_table(jobs)
    st.dataframe(table, width="stretch", height=36 * (len(table) + 1) + 4)  # every row, no scroll


runs_view()
st.subheader("What each method learned: held-out accuracy against trainable parameters")
accuracy_chart(task_picker("compare.task", jobs), jobs, key="compare.accuracy")
st.caption("trainable %: share of the model's parameters that train. ms/step: mean time of one "
           "optimizer step. Eval loss and accuracy: on held-out examples, before and after "
           "training. Memory: the engine's fp32 estimate for one training step at the run's "
           "batch size and length (weights, gradients, AdamW state, activations).")
