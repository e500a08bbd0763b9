"""Train: run real training steps of the bundled mini GPT-2 and watch the loss.

The run is a background job of this session (ui.jobs): the learner can move around the app
while it trains, and come back to its live chart, or to its results once it has finished.
"""

import streamlit as st

from adaptlab.errors import UserInputError
from adaptlab.methods import method_names
from ui import train_view as view
from ui.jobs import current_job, start_job
from ui.query import prefill_widgets
from ui.settings_form import settings_widgets, validated_config
from ui.state import learner, widget_key
from ui.text import plain
from ui.train_results import results

PAGE = "train"
DEFAULT_METHOD = "lora" if "lora" in method_names() else method_names()[0]  # a good first run

st.title("Train: real steps on a small GPT-2")
st.caption("Pick data, a method and its settings, then press Train. Every step below really "
           "runs on this computer's CPU: forward pass, loss, backward pass, optimizer step.")
link = view.read_run_link()
prefill = prefill_widgets(PAGE, DEFAULT_METHOD, page_keys=view.PAGE_KEYS,
                          page_problems=link.problems)
view.apply_run_link(PAGE, link, prefill.method or st.session_state.get(
    widget_key(PAGE, "method"), DEFAULT_METHOD))

controls, run_area = st.columns([1.6, 2.4] if learner().projector else [1.25, 2.75], gap="large")
with controls:
    with st.container(border=True):
        task, examples = view.data_picker(PAGE, link.locked)
    with st.container(border=True):
        spec = view.method_picker(PAGE, DEFAULT_METHOD, link.locked)
        st.caption(spec.summary)
        with st.expander(f"{spec.title} settings", expanded=not link.locked):
            if link.locked:
                values = view.locked_settings(PAGE, spec)
            else:
                values = settings_widgets(spec, PAGE)
        config = validated_config(spec, values)
    with st.container(border=True):
        st.markdown("**Training**")
        training = view.training_settings(PAGE, spec, link.locked)
    ready = config is not None and (task is not None or examples is not None)
    pressed = st.button("Train", type="primary", icon=":material/play_arrow:", disabled=not ready,
                        key=widget_key(PAGE, "start"), width="stretch",
                        help="Starts a new run; a run of yours that is still going is stopped.")
    if not ready:
        st.caption("Choose data and fix any setting marked in red to train.")

with run_area:
    if pressed:
        try:
            start_job(PAGE, spec.name, values, task=task, examples=examples, **training)
        except UserInputError as exc:
            st.error(plain(exc, limit=400), icon=":material/error:")
    job = current_job(PAGE)
    if job is None:
        st.info("No run yet. Choose your data, a method and its settings on the left, then press "
                "**Train**. The loss chart appears here and updates as the model trains.",
                icon=":material/arrow_back:")
        st.stop()
    st.markdown(f"**This run:** {job.plan.method} on {plain(job.plan.data_source)}, "
                f"{job.plan.config.steps} steps, seed {job.plan.config.seed}, "
                f"learning rate {job.plan.config.lr:g}")
    view.live_run(job, key=f"{PAGE}.{job.id}")
    if job.done:
        results(job)
    else:
        st.caption("You can open other pages while this runs: the run keeps going, and its "
                   "results wait here and on Compare.")
