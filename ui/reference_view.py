"""Accuracy against trainable parameters: the shipped reference sweep, with the learner's runs.

The sweep (adaptlab.reference) is every method on every bundled task, 3 seeds, with the engine's
defaults, really trained by benchmarks/method_sweep.py. The learner's finished runs on the same
task are drawn on top as they finish (Compare and Methods both show it).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from adaptlab.data import list_tasks, task_title
from adaptlab.errors import UserInputError
from adaptlab.methods import REGISTRY
from adaptlab.reference import Sweep, card_section, load_sweep
from ui.charts import chart_screen, plotly_chart
from ui.text import plain


@st.cache_data(show_spinner=False)
def _sweep() -> tuple[Sweep | None, str | None]:
    try:
        return load_sweep(), None
    except UserInputError as exc:
        return None, str(exc)


def reference_frame(sweep: Sweep, task: str) -> pd.DataFrame:
    """One row per method on `task`: title, family, trainable parameters, headline mean and range."""
    rows = sweep.summary()
    rows = rows[(rows["task"] == task) & rows["method"].isin(list(REGISTRY))].copy()
    rows["title"] = [REGISTRY[m].short_title for m in rows["method"]]
    rows["family"] = [REGISTRY[m].family for m in rows["method"]]
    return rows


def run_name(number: int, job) -> str:
    """"run 1: LoRA": numbered in the order this session started its runs, named as learners
    see the method (not its id, "lora")."""
    return f"run {number}: {REGISTRY[job.plan.method].short_title}"


def run_points(jobs: list, task: str) -> pd.DataFrame:
    """The learner's finished runs on `task`: run name, family, trainable parameters, headline."""
    rows = []
    for number, job in enumerate(jobs, start=1):
        result = job.result
        if job.plan.data_source != task or result is None or result.after is None:
            continue
        rows.append({"run": run_name(number, job),
                     "family": REGISTRY[job.plan.method].family,
                     "trainable_params": result.trainable_params,
                     "headline": result.after.scores.headline})
    return pd.DataFrame(rows, columns=["run", "family", "trainable_params", "headline"])


def task_picker(key: str, jobs: list) -> str:
    """A bundled task; the default is the task of the learner's latest run, if bundled."""
    names = [t.name for t in list_tasks()]
    latest = next((j.plan.data_source for j in reversed(jobs) if j.plan.data_source in names), None)
    st.session_state.setdefault(key, latest or names[0])
    return st.selectbox("Task", names, key=key, format_func=task_title,
                        help="The bundled task whose reference runs are shown.")


def accuracy_chart(task: str, jobs: list, key: str) -> None:
    """The chart with its caption; a missing results file is a message, not a traceback."""
    from adaptlab.viz import LAPTOP_LABELS, PHONE_LABELS, PROJECTOR_LABELS, accuracy_vs_params

    sweep, problem = _sweep()
    if sweep is None:
        st.info(plain(problem or "", limit=400), icon=":material/info:")
        return
    reference, mine = reference_frame(sweep, task), run_points(jobs, task)
    if reference.empty:
        st.info(f"The reference sweep has no runs on {plain(task)}.", icon=":material/info:")
        return
    chance = reference["chance"].dropna()
    chance = float(chance.iloc[0]) if len(chance) else None
    metric = "balanced accuracy (held-out)" if chance is not None else "exact match (held-out)"
    screen = chart_screen()  # ui.charts also enlarges it for a projector, wraps its legend for a phone
    labels = {"projector": PROJECTOR_LABELS, "phone": PHONE_LABELS, "laptop": LAPTOP_LABELS}[screen]
    plotly_chart(accuracy_vs_params(reference, mine, chance, metric, labels), key=key,
                 alt=f"{metric} against trainable parameters on {task}: {len(reference)} "
                     f"methods from the reference sweep and {len(mine)} of your runs.")
    st.caption(f"Faint points: each method with its own defaults, mean of "
               f"{int(reference['seeds'].max())} seeds (bars: lowest and highest seed), measured "
               f"on {sweep.created} ({plain(sweep.machine)}). Outlined points: your finished runs "
               "on this task. Shape and colour give the family (what gets trained)."
               + (" Tap a point for its method." if screen == "phone" else ""))


def expectations(task: str) -> None:
    """What the reference runs measured on `task`, method by method (folded away)."""
    sweep, _ = _sweep()
    text = card_section(sweep, task, {n: s.title for n, s in REGISTRY.items()}) if sweep else ""
    if text:
        with st.expander("What each method reached on this task (measured)"):
            st.markdown(text)  # our own generated text: method titles and numbers only
