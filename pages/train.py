"""Train: run real training steps of the bundled mini GPT-2 and watch the loss.

The run is a background job of this session (ui.jobs): the learner can move around the app
while it trains, and come back to its live chart, or to its results once it has finished.
Layout, for a projector at 1280x720 as much as a laptop: the essentials (method, task, learning
rate, steps) and Train in one row, the live run right under them (ui.train_run), everything
else folded away; the results follow.
"""

import streamlit as st

from adaptlab.errors import UserInputError
from adaptlab.methods import method_names
from adaptlab.training.differences import UPLOAD_SOURCE
from ui import train_view as view
from ui.jobs import current_job, prepare_workers, start_job
from ui.live_runs import assigned_run, assignment_notice
from ui.query import prefill_widgets
from ui.settings_form import settings_widgets, validated_config
from ui.state import learner, widget_key
from ui.text import plain
from ui.train_results import results
from ui.train_run import run_panel, run_title

PAGE = "train"
DEFAULT_METHOD = "lora" if "lora" in method_names() else method_names()[0]  # a good first run

st.title("Train a small GPT-2", help="Every step really runs on this computer's CPU: forward "
         "pass, loss, backward pass, optimizer step.")
link = view.read_run_link()
prefill = prefill_widgets(PAGE, DEFAULT_METHOD, page_keys=view.PAGE_KEYS,
                          page_problems=link.problems)
view.apply_run_link(PAGE, link, prefill.method or st.session_state.get(
    widget_key(PAGE, "method"), DEFAULT_METHOD))
locked, projector = link.locked, learner().projector
prepare_workers()  # in the background: the first Train press then finds them ready
assigned = assigned_run(PAGE, locked)  # a live class: the instructor's method and task, once

# Containers first, in screen order; filled below in the order the values are needed. In
# projector mode the essentials take two rows: four columns of its larger type would wrap.
if projector:
    slots = [*st.columns(2), *st.columns(3, vertical_alignment="bottom")]
else:
    slots = st.columns([1.6, 1.4, 1.0, 1.0, 0.9], vertical_alignment="bottom")
panel, settings_box, data_box, about_box = (st.container() for _ in range(4))

with slots[0]:
    spec = view.method_picker(PAGE, DEFAULT_METHOD, locked)
with data_box, st.expander("Your own data (JSONL): format, example, template and upload",
                           expanded=view.data_source(PAGE) == view.UPLOAD,
                           icon=":material/upload_file:"):
    source, examples, file_name = view.own_data(PAGE, locked)
with slots[1]:
    task = view.task_picker(PAGE, source, locked)
with about_box:
    view.about(spec, task)
with slots[2]:
    lr = view.learning_rate(PAGE, spec, locked)
with slots[3]:
    steps = view.steps(PAGE, spec, locked)
with settings_box, st.expander(f"More settings: {spec.title}, batch size, max length, seed, "
                               "schedule", icon=":material/tune:"):
    values = settings_widgets(spec, PAGE, disabled=locked)
    config = validated_config(spec, values)
    st.divider()
    training = {"lr": lr, "steps": steps, **view.training_details(PAGE, spec, locked, steps)}

ready = config is not None and (task is not None or examples is not None)
refused = None
# No tooltip on Train: the pointer rests on it while the run starts, and the tip covered "Steps".
if slots[4].button("Train", type="primary", icon=":material/play_arrow:", disabled=not ready,
                   key=widget_key(PAGE, "start"), width="stretch"):
    try:
        start_job(PAGE, spec.name, values, task=task, examples=examples, data_name=file_name,
                  **training)
    except UserInputError as exc:
        refused = plain(exc, limit=400)
job = current_job(PAGE)  # after a Train press: the run it started


def notices() -> None:
    assignment_notice(assigned)
    if locked:
        view.lock_notice()
    if config is None:
        st.caption("To train, fix the setting marked in red under More settings.")
    elif not ready:  # no task picked and no usable upload
        st.caption("To train, choose a task, or fix your file under Your own data (its messages "
                   "say which lines).")
    if refused:
        st.error(refused, icon=":material/error:")
    if job is not None and (job.plan.method != spec.name or job.plan.data_source
                            not in (task, UPLOAD_SOURCE)):
        # The form changed since, or the run is another tab's (or from before a reload).
        st.caption(f"The run shown is {run_title(job.plan.method, job.plan.data_source)}; the "
                   "settings above are for your next run.")


with panel:
    run_panel(job, key=PAGE, projector=projector, notices=notices)
if job is not None and job.done:
    results(job)
elif job is not None:
    st.caption("You can open other pages while this runs: the run keeps going, and its results "
               "wait here and on Compare. Pressing Train again starts a new run and stops this "
               "one.")
