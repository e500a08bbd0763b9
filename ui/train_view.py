"""The pieces of the Train page: data, method and training controls, and the live run.

Training runs as a background job (ui.jobs); nothing here waits for it. `live_run()` is a
fragment that polls the job every POLL_SECONDS while it runs, and it is also drawn on every
normal rerun, so the page shows the job's state even where fragments do not tick (AppTest) and
when the learner comes back from another page. The results after the run are ui.train_results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from adaptlab.data import DataError, Example, list_tasks, parse_jsonl
from adaptlab.errors import UserInputError
from adaptlab.methods import REGISTRY, MethodSpec, get_method, settings_of
from adaptlab.methods.base import SettingInfo, check_setting, parse_value
from adaptlab.training.config import TrainConfig, method_defaults
from ui.reference_view import expectations
from ui.settings_form import seed_defaults, setting_key
from ui.state import link_prefill, widget_key
from ui.text import plain

_DEFAULT_CONFIG_FIELDS = {info.name: info.default for info in settings_of(TrainConfig)}
POLL_SECONDS = 1.0
PAGE_KEYS = ("task", "steps", "seed", "lock")  # read here, not by ui.query
BUNDLED, UPLOAD = "bundled", "upload"
DEFAULT_TASK = "sentiment"  # the one the suggested learning rates were tuned on
# Settings shared by every method; steps, rate, schedule and warm-up are each method's own.
START_VALUES = {name: _DEFAULT_CONFIG_FIELDS[name] for name in ("batch_size", "max_length", "seed")}
_TRAIN_INFOS = {info.name: info for info in settings_of(TrainConfig)}


# ---------------------------------------------------------------- the link: task, steps, seed, lock

@dataclass(frozen=True)
class RunLink:
    """What a link asks of the Train page beyond model/method/settings; already validated."""

    task: str | None = None
    steps: int | None = None
    seed: int | None = None
    locked: bool = False
    problems: tuple[str, ...] = ()


def parse_run_link(params: Mapping[str, str]) -> RunLink:
    """Validate task, steps, seed and lock from a query string (no Streamlit calls)."""
    problems: list[str] = []
    task = params.get("task")
    names = [t.name for t in list_tasks()]
    if task is not None and task not in names:
        problems.append(f"task={task[:40]!r} is not a bundled task: choose one of {', '.join(names)}.")
        task = None
    numbers: dict[str, int | None] = {}
    for name in ("steps", "seed"):
        numbers[name] = None
        if name in params:
            try:
                value = parse_value(_TRAIN_INFOS[name], params[name])
                check_setting(_TRAIN_INFOS[name], value)
                numbers[name] = value
            except UserInputError as exc:
                problems.append(f"{exc}.")
    lock = params.get("lock")
    if lock not in (None, "0", "1"):
        problems.append(f"lock={lock[:40]!r}: use lock=1 to lock the controls, or leave it out.")
    return RunLink(task, numbers["steps"], numbers["seed"], lock == "1", tuple(problems))


def read_run_link() -> RunLink:
    """This page's own part of the link (task, steps, seed, lock), validated."""
    return parse_run_link(st.query_params.to_dict())


def apply_run_link(page: str, link: RunLink, method: str) -> None:
    """Fill task/steps/seed once per link (like ui.query); its problems are warned about by
    ui.query.prefill_widgets, in the page's one link warning."""
    params = st.query_params.to_dict()
    signature = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    memory, slot = link_prefill(), f"{page}.run"
    if params and memory.applied.get(slot) != signature:
        memory.applied[slot] = signature
        if link.task:
            st.session_state[widget_key(page, "source")] = BUNDLED
            st.session_state[widget_key(page, "task")] = link.task
        if link.steps is not None:
            st.session_state[recipe_key(page, "steps", method)] = link.steps
        if link.seed is not None:
            st.session_state[widget_key(page, "seed")] = link.seed
    if link.locked:
        st.info("Your instructor set up this run: the method, task and settings are locked. "
                "Press Train to run it.", icon=":material/lock:")


# ---------------------------------------------------------------- controls

def data_picker(page: str, locked: bool) -> tuple[str | None, list[Example] | None]:
    """(task name, None) for a bundled task, (None, examples) for a valid upload, else (None, None)."""
    source = st.radio("Training data", [BUNDLED, UPLOAD], horizontal=True, disabled=locked,
                      format_func={BUNDLED: "A bundled task", UPLOAD: "Your own JSONL file"}.get,
                      key=widget_key(page, "source"), persist_state="session")
    if source == BUNDLED:
        tasks = {t.name: t for t in list_tasks()}
        st.session_state.setdefault(widget_key(page, "task"),
                                    DEFAULT_TASK if DEFAULT_TASK in tasks else next(iter(tasks)))
        name = st.selectbox("Task", list(tasks), format_func=lambda n: tasks[n].title,
                            key=widget_key(page, "task"), disabled=locked, persist_state="session",
                            help="Small prompt → completion tasks bundled with AdaptLab.")
        st.caption(tasks[name].summary)
        expectations(name)
        return name, None
    upload = st.file_uploader("Your JSONL file", type=["jsonl"], key=widget_key(page, "upload"),
                              help='One JSON object per line: {"prompt": "...", "completion": '
                                   '"...", "split": "train" or "validation" (optional)}.')
    if upload is None:
        st.caption("Choose a .jsonl file to train on your own examples.")
        return None, None
    try:
        examples = parse_jsonl(upload.getvalue(), source=upload.name)
    except DataError as exc:
        # Each line of the message names a line and field of the file; keep them apart.
        st.error("  \n".join(plain(line, limit=300) for line in str(exc).splitlines()),
                 icon=":material/error:")
        return None, None
    st.caption(f"{len(examples)} examples read from {plain(upload.name)}.")
    return None, examples


def method_picker(page: str, default: str, locked: bool) -> MethodSpec:
    key = widget_key(page, "method")
    st.session_state.setdefault(key, default)
    name = st.selectbox("Method", list(REGISTRY), format_func=lambda n: REGISTRY[n].title, key=key,
                        disabled=locked, persist_state="session",
                        help="How the model is adapted; see the Methods page for each one.")
    return get_method(name)


def locked_settings(page: str, spec: MethodSpec) -> dict[str, Any]:
    """The method's settings as read-only fields (instructor demo); values from session state."""
    seed_defaults(page, spec)
    values = {}
    for info in settings_of(spec.config_cls):
        value = st.session_state[setting_key(page, spec.name, info.name)]
        values[info.name] = tuple(value) if isinstance(value, list) else value
        shown = ", ".join(value) if isinstance(value, list | tuple) else str(value)
        st.text_input(info.name, value=shown, disabled=True, help=info.help,
                      key=widget_key(page, "locked", spec.name, info.name))
    return values


def _number(key: str, label: str, default: Any, info: SettingInfo, **kwargs: Any) -> Any:
    st.session_state.setdefault(key, default)
    kind = int if info.kind is int else float
    return st.number_input(label, min_value=kind(info.min), max_value=kind(info.max), key=key,
                           help=info.help, persist_state="session", **kwargs)


def recipe_key(page: str, name: str, method: str) -> str:
    """Steps, learning rate, schedule and warm-up are kept per method: each starts from its own
    defaults (MethodSpec.training), and a learner's change to one method's rate stays with it."""
    return widget_key(page, name, method)


def training_settings(page: str, spec: MethodSpec, locked: bool) -> dict[str, Any]:
    """Steps, learning rate, batch size, sequence length, seed, schedule and warm-up."""
    defaults = method_defaults(spec.name)
    left, right = st.columns(2)
    with left:
        steps = _number(recipe_key(page, "steps", spec.name), "Steps", defaults["steps"],
                        _TRAIN_INFOS["steps"], step=10, disabled=locked)
        batch = _number(widget_key(page, "batch_size"), "Batch size", START_VALUES["batch_size"],
                        _TRAIN_INFOS["batch_size"], step=1)
        seed = _number(widget_key(page, "seed"), "Seed", START_VALUES["seed"], _TRAIN_INFOS["seed"],
                       step=1, disabled=locked)
    with right:
        lr = _number(recipe_key(page, "lr", spec.name), "Learning rate", defaults["lr"],
                     _TRAIN_INFOS["lr"], format="%.1e", step=defaults["lr"] / 2)
        length = _number(widget_key(page, "max_length"), "Max length (tokens)",
                         START_VALUES["max_length"], _TRAIN_INFOS["max_length"], step=8)
        schedule_key = recipe_key(page, "schedule", spec.name)
        st.session_state.setdefault(schedule_key, defaults["schedule"])
        schedule = st.selectbox("Schedule", list(_TRAIN_INFOS["schedule"].choices), key=schedule_key,
                                help=_TRAIN_INFOS["schedule"].help, persist_state="session")
    warmup = _number(recipe_key(page, "warmup_steps", spec.name), "Warm-up steps",
                     defaults["warmup_steps"], _TRAIN_INFOS["warmup_steps"], step=1)
    st.caption(f"{spec.title} starts from its own defaults: lr {defaults['lr']:g}, "
               f"{defaults['steps']} steps, {defaults['schedule']} schedule with "
               f"{defaults['warmup_steps']} warm-up steps (small parameter sets need a higher "
               "rate than full fine-tuning).")
    return {"steps": int(steps), "batch_size": int(batch), "seed": int(seed), "lr": float(lr),
            "max_length": int(length), "schedule": schedule, "warmup_steps": int(warmup)}


# ---------------------------------------------------------------- the live run

STATUS_WORDS = {"queued": "Waiting", "waiting": "Waiting", "running": "Running", "done": "Finished",
                "stopped": "Stopped early", "cancelled": "Stopped", "failed": "Failed"}


def status_line(snapshot: dict[str, Any]) -> str:
    word = STATUS_WORDS.get(snapshot["status"], snapshot["status"])
    message = snapshot["message"]
    if message.lower() in word.lower():
        said = word
    elif message.lower().startswith(word.lower()):  # "stopped by the learner"
        said = message[:1].upper() + message[1:]
    else:
        said = f"{word}: {message}"
    return f"{said} · step {snapshot['step']} of {snapshot['steps']}"


def chart_frames(job) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train losses per step, held-out points); after the run, with the before/after points."""
    steps = list(job.steps)
    train = pd.DataFrame({"step": [s.step for s in steps], "loss": [s.loss for s in steps]},
                         dtype="float64")
    points = job.result.eval_points if job.result else [(s.step, s.eval_loss) for s in steps
                                                        if s.eval_loss is not None]
    evals = pd.DataFrame(points, columns=["step", "loss"], dtype="float64")
    return train, evals


def loss_figure(job):
    from adaptlab.viz import loss_chart

    train, evals = chart_frames(job)
    return loss_chart(train, evals, total_steps=job.plan.config.steps)


def live_run(job, key: str) -> None:
    """Progress, status, the loss chart and Stop; a polling fragment while the job runs."""
    was_running = not job.done

    @st.fragment(run_every=POLL_SECONDS if was_running else None)
    def poll() -> None:
        snapshot = job.snapshot()
        st.progress(snapshot["step"] / max(1, snapshot["steps"]),
                    text=plain(status_line(snapshot), limit=200))  # may quote an upload
        train_points = snapshot["step"]
        # Load (issue 7, benchmarks/classroom.py): no chart before the first step. Redrawing an
        # empty figure every second for each learner still queued for a slot cost the server
        # more than the training itself in a class of 30.
        if train_points or job.done:
            st.plotly_chart(loss_figure(job), key=f"{key}.loss", config={"displaylogo": False},
                            alt=f"Loss chart: {train_points} training-loss points so far, one per "
                                "step, and held-out loss points.")
        if not job.done:
            st.button("Stop", key=f"{key}.stop", icon=":material/stop_circle:",
                      on_click=job.cancel, help="Stop after the current step.")
        elif was_running:
            st.rerun()  # the run just ended: redraw the whole page with its results, stop polling

    poll()
