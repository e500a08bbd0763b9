"""The pieces of the Train page: the link (task, steps, seed, lr, lock), the essential
controls (method, task, learning rate, steps), the folded ones (method settings, batch size,
max length, seed, schedule, warm-up) and the learner's own data (format, example, template,
upload). The run panel is ui.train_run; the results after a run ui.train_results.

With lock=1 (an instructor's demo link) every control here is drawn disabled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from adaptlab.data import (
    DEFAULT_TASK,
    MAX_BYTES,
    MAX_EXAMPLES,
    NOTHING_HELD_OUT,
    UPLOAD_TEMPLATE,
    VALIDATION_EVERY,
    DataError,
    Example,
    list_tasks,
    parse_jsonl,
    split,
)
from adaptlab.errors import UserInputError
from adaptlab.methods import REGISTRY, MethodSpec, get_method, settings_of
from adaptlab.methods.base import SettingInfo, check_setting, parse_value
from adaptlab.training.config import TrainConfig, fitted_warmup, method_defaults
from ui.reference_view import expectations
from ui.state import link_prefill, widget_key
from ui.text import plain, plural

_DEFAULT_CONFIG_FIELDS = {info.name: info.default for info in settings_of(TrainConfig)}
PAGE_KEYS = ("task", "steps", "seed", "lr", "lock")  # read here, not by ui.query
BUNDLED, UPLOAD = "bundled", "upload"
# Settings shared by every method; steps, rate, schedule and warm-up are each method's own.
START_VALUES = {name: _DEFAULT_CONFIG_FIELDS[name] for name in ("batch_size", "max_length", "seed")}
_TRAIN_INFOS = {info.name: info for info in settings_of(TrainConfig)}


# ---------------------------------------------------------------- the link: task, steps, seed, lr, lock

@dataclass(frozen=True)
class RunLink:
    """What a link asks of the Train page beyond model/method/settings; already validated."""

    task: str | None = None
    steps: int | None = None
    seed: int | None = None
    lr: float | None = None
    locked: bool = False
    problems: tuple[str, ...] = ()


def parse_run_link(params: Mapping[str, str]) -> RunLink:
    """Validate task, steps, seed, lr and lock from a query string (no Streamlit calls)."""
    problems: list[str] = []
    task = params.get("task")
    names = [t.name for t in list_tasks()]
    if task is not None and task not in names:
        problems.append(f"task={task[:40]!r} is not a bundled task: choose one of {', '.join(names)}.")
        task = None
    numbers: dict[str, Any] = {}
    for name in ("steps", "seed", "lr"):
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
    return RunLink(task, numbers["steps"], numbers["seed"], numbers["lr"], lock == "1",
                   tuple(problems))


def read_run_link() -> RunLink:
    """This page's own part of the link (task, steps, seed, lr, lock), validated."""
    return parse_run_link(st.query_params.to_dict())


def apply_run_link(page: str, link: RunLink, method: str) -> None:
    """Fill task/steps/seed/lr once per link (like ui.query); its problems are warned about by
    ui.query.prefill_widgets, in the page's one link warning."""
    params = st.query_params.to_dict()
    signature = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    memory, slot = link_prefill(), f"{page}.run"
    if params and memory.applied.get(slot) != signature:
        memory.applied[slot] = signature
        if link.task:
            st.session_state[widget_key(page, "source")] = BUNDLED
            st.session_state[widget_key(page, "task")] = link.task
        for name in ("steps", "lr"):
            if getattr(link, name) is not None:
                st.session_state[recipe_key(page, name, method)] = getattr(link, name)
        if link.seed is not None:
            st.session_state[widget_key(page, "seed")] = link.seed


def lock_notice() -> None:
    st.info("Your instructor set up this run: the method, data and every setting are locked. "
            "Press Train to run it.", icon=":material/lock:")


# ---------------------------------------------------------------- essentials: method, task, lr, steps

def method_picker(page: str, default: str, locked: bool) -> MethodSpec:
    key = widget_key(page, "method")
    st.session_state.setdefault(key, default)
    name = st.selectbox("Method", list(REGISTRY), format_func=lambda n: REGISTRY[n].title, key=key,
                        disabled=locked, persist_state="session",
                        help="How the model is adapted; see the Methods page for each one.")
    return get_method(name)


def data_source(page: str) -> str:
    """The data source chosen so far (the radio itself sits with the upload, further down)."""
    return st.session_state.get(widget_key(page, "source"), BUNDLED)


def task_picker(page: str, source: str, locked: bool) -> str | None:
    """The bundled task, or None when the learner trains on their own file."""
    if source == UPLOAD:
        st.text_input("Task", "Your own JSONL file", disabled=True,
                      key=widget_key(page, "task_is_upload"),
                      help="Chosen under \"Your own data\" below.")
        return None
    tasks = {t.name: t for t in list_tasks()}
    st.session_state.setdefault(widget_key(page, "task"),
                                DEFAULT_TASK if DEFAULT_TASK in tasks else next(iter(tasks)))
    return st.selectbox("Task", list(tasks), format_func=lambda n: tasks[n].title,
                        key=widget_key(page, "task"), disabled=locked, persist_state="session",
                        help="Small prompt → completion tasks bundled with AdaptLab; or train on "
                             "your own file (\"Your own data\" below).")


def _number(key: str, label: str, default: Any, info: SettingInfo, **kwargs: Any) -> Any:
    st.session_state.setdefault(key, default)
    kind = int if info.kind is int else float
    return st.number_input(label, min_value=kind(info.min), max_value=kind(info.max), key=key,
                           help=info.help, persist_state="session", **kwargs)


def recipe_key(page: str, name: str, method: str) -> str:
    """Steps, learning rate, schedule and warm-up are kept per method: each starts from its own
    defaults (MethodSpec.training), and a learner's change to one method's rate stays with it."""
    return widget_key(page, name, method)


def learning_rate(page: str, spec: MethodSpec, locked: bool) -> float:
    default = method_defaults(spec.name)["lr"]
    return float(_number(recipe_key(page, "lr", spec.name), "Learning rate", default,
                         _TRAIN_INFOS["lr"], format="%g", step=default / 2, disabled=locked))


def steps(page: str, spec: MethodSpec, locked: bool) -> int:
    return int(_number(recipe_key(page, "steps", spec.name), "Steps",
                       method_defaults(spec.name)["steps"], _TRAIN_INFOS["steps"], step=10,
                       disabled=locked))


# ---------------------------------------------------------------- folded away: the other settings

def training_details(page: str, spec: MethodSpec, locked: bool, steps: int) -> dict[str, Any]:
    """Batch size, sequence length, seed, schedule and warm-up (with the warm-up a run of `steps`
    really uses, where the default shrinks to fit)."""
    defaults = method_defaults(spec.name)
    left, right = st.columns(2)
    with left:
        batch = _number(widget_key(page, "batch_size"), "Batch size", START_VALUES["batch_size"],
                        _TRAIN_INFOS["batch_size"], step=1, disabled=locked)
        seed = _number(widget_key(page, "seed"), "Seed", START_VALUES["seed"], _TRAIN_INFOS["seed"],
                       step=1, disabled=locked)
        warmup = _number(recipe_key(page, "warmup_steps", spec.name), "Warm-up steps",
                         defaults["warmup_steps"], _TRAIN_INFOS["warmup_steps"], step=1,
                         disabled=locked)
        used = fitted_warmup(spec.name, steps, int(warmup))
        if used != int(warmup):
            st.caption(f"This run warms up for {used} {plural('step', used)}: the default "
                       f"{int(warmup)} shrinks to a tenth of a {steps}-step run. Any other value "
                       "is used as typed.")
    with right:
        length = _number(widget_key(page, "max_length"), "Max length (tokens)",
                         START_VALUES["max_length"], _TRAIN_INFOS["max_length"], step=8,
                         disabled=locked)
        schedule_key = recipe_key(page, "schedule", spec.name)
        st.session_state.setdefault(schedule_key, defaults["schedule"])
        schedule = st.selectbox("Schedule", list(_TRAIN_INFOS["schedule"].choices), key=schedule_key,
                                help=_TRAIN_INFOS["schedule"].help, persist_state="session",
                                disabled=locked)
    st.caption(f"{spec.title}'s own defaults, where a new choice of method starts: lr "
               f"{defaults['lr']:g}, {defaults['steps']} steps, {defaults['schedule']} schedule "
               f"with {defaults['warmup_steps']} warm-up steps (small parameter sets need a "
               "higher rate than full fine-tuning).")
    return {"batch_size": int(batch), "seed": int(seed), "max_length": int(length),
            "schedule": schedule, "warmup_steps": int(warmup)}


def about(spec: MethodSpec, task: str | None) -> None:
    """What the chosen method does and what the task is, with the measured reference runs."""
    st.caption(f"**{spec.title}**: {spec.summary}")
    if task is not None:
        info = next(t for t in list_tasks() if t.name == task)
        st.caption(f"**{info.title}**: {info.summary}")
        expectations(task)


# ---------------------------------------------------------------- the learner's own data

def _format_help() -> None:
    st.markdown(
        "**Format:** a `.jsonl` file, UTF-8, one JSON object per line with `prompt` (the text "
        "the model continues) and `completion` (what it should write next; start it with a "
        'space). Optional `split`: `"train"` or `"validation"`; left out, every '
        f"{VALIDATION_EVERY}th example is held out for scoring. At most {MAX_EXAMPLES:,} "
        f"examples and {MAX_BYTES // (1024 * 1024)} MB. For example:")
    # Plain fixed-width text, not st.code: the code element's browser module (1.5 MB) cost the
    # Train page's first visit for a folded box; the download below is the way to copy it.
    st.text(UPLOAD_TEMPLATE)


def own_data(page: str, locked: bool) -> tuple[str, list[Example] | None, str]:
    """(source, examples, file name): the source radio, the format with an example and a
    template, and the upload; examples is None unless a valid file is uploaded. Errors name the
    file's line."""
    source = st.radio("Training data", [BUNDLED, UPLOAD], horizontal=True, disabled=locked,
                      format_func={BUNDLED: "A bundled task", UPLOAD: "Your own JSONL file"}.get,
                      key=widget_key(page, "source"), persist_state="session")
    _format_help()
    st.download_button("Download this template (.jsonl)", UPLOAD_TEMPLATE,
                       file_name="adaptlab_template.jsonl", mime="application/jsonl",
                       icon=":material/download:", key=widget_key(page, "template"),
                       on_click="ignore", help="Four examples in the format above: replace them "
                                               "with yours.")
    if source != UPLOAD:
        return source, None, ""
    upload = st.file_uploader("Your JSONL file", type=["jsonl"], key=widget_key(page, "upload"),
                              disabled=locked, help="The format is described just above.")
    if upload is None:
        st.caption("Choose a .jsonl file to train on your own examples.")
        return source, None, ""
    try:
        examples = parse_jsonl(upload.getvalue(), source=upload.name)
    except DataError as exc:
        # Each line of the message names a line and field of the file; keep them apart.
        st.error("  \n".join(plain(line, limit=300) for line in str(exc).splitlines()),
                 icon=":material/error:")
        return source, None, ""
    train, held_out = split(examples)
    st.caption(f"{len(examples)} {plural('example', len(examples))} read from "
               f"{plain(upload.name)}: {len(train)} to train on, {len(held_out)} held out to score "
               "the model.")
    if not held_out:
        st.warning(NOTHING_HELD_OUT, icon=":material/warning:")
    return source, examples, upload.name
