"""The Train page's run panel: the run's progress, its key numbers and its live loss chart.

Laid out for a lecture hall (issue 14): at 1280x720, in normal and projector mode, the panel
sits right under the essential settings and the Train button, the chart on the right, so button
and chart are on screen together while the run trains, and the step, loss and held-out accuracy
are large metric numbers on the left, with Stop under them while it trains. The panel is one
fragment: while a run trains it polls the job every POLL_SECONDS; it is also drawn on every
normal rerun, so the page shows the job's state where fragments do not tick (AppTest) and when
the learner comes back from another page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from adaptlab.data import task_title
from adaptlab.methods import REGISTRY
from adaptlab.training.differences import UPLOAD_SOURCE
from ui.charts import plotly_chart
from ui.frame import metric_grid
from ui.script_slots import script_slot, spread
from ui.text import plain
from ui.train_results import points_delta

POLL_SECONDS = 1.0
# Heights that keep the chart inside a 720 px tall window under the title and essentials row;
# projector mode's larger type leaves less room above it, and ui.charts draws a projector chart a
# quarter taller than asked (224 -> 280 px).
CHART_HEIGHT = {False: 360, True: 224}
# Numbers on the left, chart on the right. Projector mode's left column is wide enough at 1280 px
# for step and loss side by side in its larger type ("500 / 500" is 185 px of the 198 it gets).
PANEL_COLUMNS = {False: [1, 2.6], True: [1.9, 2.1]}
STATUS_WORDS = {"queued": "Waiting", "waiting": "Waiting", "running": "Running", "done": "Finished",
                "stopped": "Stopped early", "cancelled": "Stopped", "failed": "Failed"}


def status_line(snapshot: dict[str, Any]) -> str:
    word = STATUS_WORDS.get(snapshot["status"], snapshot["status"])
    message = snapshot["message"]
    if snapshot["status"] == "stopped":  # what happened; the cause and the fix are in full below
        message = message.split(". ", 1)[0].rstrip(".") + ". Why, and what to change: below."
    if message.lower() in word.lower():
        said = word
    elif message.lower().startswith(word.lower()):  # "stopped by the learner"
        said = message[:1].upper() + message[1:]
    else:
        said = f"{word}: {message}"
    return said  # the step count is the Step metric just below


def chart_frames(job) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train losses per step, held-out points); after the run, with the before/after points."""
    steps = list(job.steps)
    train = pd.DataFrame({"step": [s.step for s in steps], "loss": [s.loss for s in steps]},
                         dtype="float64")
    points = job.result.eval_points if job.result else [(s.step, s.eval_loss) for s in steps
                                                        if s.eval_loss is not None]
    evals = pd.DataFrame(points, columns=["step", "loss"], dtype="float64")
    return train, evals


def loss_figure(job, height: int = CHART_HEIGHT[False]):
    from adaptlab.viz import loss_chart

    train, evals = chart_frames(job)
    figure = loss_chart(train, evals, total_steps=job.plan.config.steps)
    figure.update_layout(height=height)
    return figure


def progress_numbers(job, projector: bool = False) -> None:
    """Step and training loss, as metrics big enough for the back of a room. One under another;
    in projector mode side by side, as three of its larger metrics stacked (with held-out
    accuracy) would not fit a 720 px screen."""
    steps = list(job.steps)
    last = next((s.loss for s in reversed(steps) if s.loss is not None), None)
    if projector:
        step_box, loss_box = metric_grid("train-numbers").columns(2, gap="small")
    else:
        step_box = loss_box = st.container()
    step_box.metric("Step", f"{len(steps)} / {job.plan.config.steps}")
    loss_box.metric("Training loss", "–" if last is None else f"{last:.4f}",
                    help="Cross-entropy on this step's batch of training examples.")


def held_out_number(job) -> None:
    """The run's payoff: held-out accuracy after the run, with its change from before."""
    result = job.result
    before = result.before.scores.headline if result else None
    after = result.after.scores.headline if result and result.after else None
    held_out = job.plan.held_out
    # While it trains: say when the number comes, or a bare "–" beside live curves looks broken.
    change = (points_delta(before, after) if job.done else
              {"delta": "at the end", "delta_color": "off", "delta_arrow": "off"})
    st.metric("Held-out accuracy" if held_out else "Accuracy on training data",
              "–" if after is None else f"{after:.0%}", **change,
              help="Balanced accuracy (label tasks) or exact match, on "
                   + ("examples the model never trained on" if held_out
                      else "the training examples: nothing was held out")
                   + "; measured before and after the run"
                   + ("" if before is None else f" (before: {before:.0%}).")
                   + ("" if job.done else ": it appears when the run ends."))


def _chart(job, key: str, height: int) -> None:
    snapshot = job.snapshot()
    # Load (issue 7, benchmarks/classroom.py): no chart before the first step. Redrawing an
    # empty figure every second for each learner still queued for a slot cost the server more
    # than the training itself in a class of 30.
    if snapshot["step"] or job.done:
        plotly_chart(loss_figure(job, height), key=f"{key}.loss",
                     alt=f"Loss chart: {snapshot['step']} training-loss points so far, one per "
                         "step, and held-out loss points.")
    else:
        st.info("Waiting for the first step: the loss chart appears here.",
                icon=":material/hourglass_top:")
    plan = job.plan
    st.caption(f"This run: {run_title(plan.method, plan.data_source)}, {plan.config.steps} "
               f"steps, seed {plan.config.seed}, learning rate {plan.config.lr:g}.")


def run_title(method: str, data_source: str) -> str:
    """"LoRA on Sentiment of a review": the names the pickers show, not the internal ids."""
    shown = REGISTRY[method].short_title if method in REGISTRY else method
    if data_source == UPLOAD_SOURCE:
        return f"{shown} on your own data"
    return f"{shown} on {plain(task_title(data_source))}"


def run_panel(job, *, key: str, projector: bool, notices: Callable[[], None]) -> None:
    """Left: progress, key numbers and Stop; right: the live loss chart. `notices` draws first on
    the left (the lock, why Train is off, a refused start)."""
    was_running = job is not None and not job.done

    @st.fragment(run_every=spread(POLL_SECONDS, st.session_state) if was_running else None)
    def panel() -> None:
        with script_slot():
            _panel()

    def _panel() -> None:
        if job is None:  # full width: beside an empty column the box looked misplaced
            notices()
            st.info("No run yet: press **Train** to start one. Every step really runs on this "
                    "computer's CPU: forward pass, loss, backward pass, optimizer step. The "
                    "loss chart appears here.",
                    icon=":material/model_training:")
            return
        left, right = st.columns(PANEL_COLUMNS[projector], gap="medium")
        with left:
            notices()
            progress_numbers(job, projector)
            # Held-out accuracy comes at the end. Until then a laptop shows its place ("–");
            # a projector's 720 px hold Stop instead, right under step and loss. The same element
            # order while training and after keeps a redraw from showing the metric twice.
            if job.done or not projector:
                held_out_number(job)
            snapshot = job.snapshot()
            st.progress(snapshot["step"] / max(1, snapshot["steps"]),
                        text=plain(status_line(snapshot), limit=200))  # may quote an upload
            if not job.done:
                st.button("Stop", key=f"{key}.{job.id}.stop", icon=":material/stop_circle:",
                          on_click=job.cancel, help="Stop after the current step.",
                          width="stretch")
        with right:
            _chart(job, f"{key}.{job.id}", CHART_HEIGHT[projector])
        if was_running and job.done:
            st.rerun()  # the run just ended: redraw the whole page with its results, stop polling

    panel()
