"""The pieces of the Parameters page: pickers, counts, the formula check, memory, comparison.

Each function renders one section from a cached ParameterReport (ui.resources); the page file
only arranges them. The Train and Compare pages can reuse the pickers and `metric_cards`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from adaptlab import census_cache
from adaptlab.activations import KINDS
from adaptlab.errors import UserInputError
from adaptlab.memory import MemoryBreakdown, human_bytes
from adaptlab.methods import REGISTRY, MethodSpec, get_method
from adaptlab.model_specs import MODEL_SPECS
from adaptlab.viz import block_bars, memory_bars, param_map
from ui.charts import plotly_chart
from ui.frame import metric_grid
from ui.resources import ParameterReport, memory, parameter_report, settings_key
from ui.state import widget_key
from ui.text import plain
from ui.warmup import engine_loaded


def model_note(name: str) -> str:
    spec = MODEL_SPECS[name]
    if spec.needs_download:
        return "Structure only: built without weights, nothing to download."
    return "The bundled model: the one you train in AdaptLab."


def model_picker(page: str, default: str = "mini") -> str:
    key = widget_key(page, "model")
    st.session_state.setdefault(key, default)
    name = st.selectbox("Model", list(MODEL_SPECS), format_func=lambda n: MODEL_SPECS[n].title,
                        key=key, help="Counts need only each model's shape: the GPT-2 sizes are "
                                      "built without weights, so nothing is downloaded.")
    st.caption(model_note(name))
    return name


def method_picker(page: str, default: str, label: str = "Method", suffix: str = "method") -> MethodSpec:
    key = widget_key(page, suffix)
    st.session_state.setdefault(key, default)
    name = st.selectbox(label, list(REGISTRY), format_func=lambda n: REGISTRY[n].title, key=key,
                        help="Every adaptation method AdaptLab implements; see the Methods page "
                             "for how each works.", persist_state="page")
    return get_method(name)


def report_or_error(model: str, spec: MethodSpec, values: dict[str, Any]) -> ParameterReport | None:
    """The cached report, or None after showing the problem right here, beside the controls."""
    try:
        if engine_loaded() or census_cache.covers(model, spec.name, values):
            return parameter_report(model, spec.name, settings_key(values))
        with st.spinner("Counting these settings needs the engine (torch): loading it, once "
                        "per server start..."):
            return parameter_report(model, spec.name, settings_key(values))
    except UserInputError as exc:
        st.error(plain(exc, limit=400), icon=":material/error:")
        return None


def percent(pct: float) -> str:
    return f"{pct:.4g}%"


def metric_cards(totals: dict[str, Any]) -> None:
    """Four counts in a 2×2 grid, or one under another where a column is too narrow for a count
    (GPT-2 XL's ten-digit numbers at 1280 px, projector mode's larger type): never cut off."""
    total, trainable = totals["total_params"], totals["trainable_params"]
    with metric_grid("counts"):
        top, bottom = st.columns(2), st.columns(2)
    top[0].metric("Trainable", f"{trainable:,}", delta=f"{percent(totals['trainable_pct'])} of total",
                  delta_color="off", delta_arrow="off", border=True,
                  help="Parameters that get a gradient and an optimizer update.")
    top[1].metric("Total parameters", f"{total:,}", border=True,
                  help="Every parameter tensor once; GPT-2's lm_head shares its tensor with wte.")
    bottom[0].metric("Frozen", f"{totals['frozen_params']:,}", border=True,
                     help="Used in the forward pass but never updated.")
    bottom[1].metric("Added (new)", f"{totals['added_params']:,}", border=True,
                     help="Parameters GPT-2 did not have (adapters, LoRA matrices, virtual "
                          "tokens). They all train.")


def formula_check(report: ParameterReport) -> None:
    """The closed form next to the measured count, with a word, not only a colour, for the result."""
    f, measured = report.formula, report.totals["trainable_params"]
    with st.container(border=True):
        st.markdown("**Explain the number**")
        st.markdown(f"`{f.symbolic}` = `{f.substituted}` = **{f.value:,}**")
        if f.value == measured:
            st.success(f"✓ Matches the measured trainable count ({measured:,}).")
        else:
            st.error(f"✗ Differs from the measured trainable count ({measured:,}) by "
                     f"{measured - f.value:+,}.")
        if f.convention:
            st.caption(f"Convention: {f.convention}. d = hidden size, L = blocks, V = vocabulary, "
                       "P = positions.")


def structure_charts(report: ParameterReport, model: str, spec: MethodSpec, key: str) -> None:
    counts = report.frame["status"].value_counts()
    st.markdown("**Every parameter tensor of the model**: one marker each; hover for its name, "
                "shape and size.")
    plotly_chart(
        param_map(report.frame), key=f"{key}.map",
        alt=f"Map of the {len(report.frame)} parameter tensors of {MODEL_SPECS[model].title} with "
            f"{spec.title}: {counts.get('frozen', 0)} frozen, {counts.get('trainable', 0)} trainable, "
            f"{counts.get('added', 0)} added.")
    log_axis = st.toggle("Logarithmic axis, bars side by side", value=True, key=f"{key}.log",
                         help="On: each status gets its own bar on a log axis, so a small "
                              "trainable part stays visible next to a large frozen one. Off: "
                              "bars stacked to each block's total.")
    plotly_chart(block_bars(report.blocks, log_scale=log_axis), key=f"{key}.bars",
                 alt="Bar chart of parameter counts per place in the model (embeddings, each "
                     "block, final LayerNorm), split into frozen, trainable and added.")


def memory_inputs(page: str) -> tuple[int, int]:
    """Batch size and sequence length (whether they fit the model: `memories`)."""
    left, right = st.columns(2)
    # persist_state: the memory and compare views share these inputs, and only one view renders.
    batch = left.number_input("Batch size (sequences)", 1, 512, 8, key=widget_key(page, "batch"),
                              help="How many sequences one training step processes.",
                              persist_state="page")
    seq = right.number_input("Sequence length (tokens)", 1, 1024, 64, key=widget_key(page, "seq"),
                             help="Tokens per sequence; activations grow in proportion "
                                  "(fused attention keeps no T×T score matrix).",
                             persist_state="page")
    return int(batch), int(seq)


def memories(model: str, shape: tuple[int, int], reports: dict[str, ParameterReport]
             ) -> dict[str, tuple[ParameterReport, MemoryBreakdown]] | None:
    """Each report with its memory at `shape`; None after a message when the sequence (with a
    method's virtual tokens) is longer than the model's context."""
    try:
        return {label: (r, memory(r, model, *shape)) for label, r in reports.items()}
    except UserInputError as exc:
        problem = plain(exc, limit=300)
        st.error(f"{problem[:1].upper()}{problem[1:]}.", icon=":material/error:")
        return None


def memory_table(breakdowns: dict[str, MemoryBreakdown]) -> pd.DataFrame:
    """Rows: weights, gradients, AdamW state, activations, total; one column per setup."""
    first = next(iter(breakdowns.values()))
    table = pd.DataFrame({"item": [r["item"] for r in first.as_rows()] + ["total"]})
    for label, b in breakdowns.items():
        table[label] = [human_bytes(r["bytes"]) for r in b.as_rows()] + [human_bytes(b.total)]
    if len(breakdowns) == 1:
        table["why"] = [r["why"] for r in first.as_rows()] + ["fp32 estimate for one training step"]
    return table


def memory_section(report: ParameterReport, model: str, spec: MethodSpec, shape: tuple[int, int]) -> None:
    shown = memories(model, shape, {spec.title: report})
    if shown is None:
        return
    mem = shown[spec.title][1]
    # st.table, not st.dataframe: five rows read better as text, and text grows in projector mode.
    st.table(memory_table({spec.title: mem}).set_index("item"))
    plotly_chart(memory_bars({spec.title: mem}), key="parameters.memory.bars",
                 alt=f"Stacked bar of training memory for {spec.title}: "
                     f"total {human_bytes(mem.total)}.")
    with st.expander(f"What the {human_bytes(mem.activations)} of activations are"):
        st.table(activation_table(mem).set_index("kept for backward"))


def activation_table(mem: MemoryBreakdown) -> pd.DataFrame:
    """The saved tensors by kind, zeros included: what a frozen part does not keep teaches too."""
    return pd.DataFrame([{"kept for backward": kind, "size": human_bytes(mem.activations_by_kind[kind]),
                          "why": why} for kind, why in KINDS.items()])


def compare_table(rows: dict[str, tuple[ParameterReport, MemoryBreakdown]]) -> pd.DataFrame:
    return pd.DataFrame([{
        "method": label, "trainable": f"{r.totals['trainable_params']:,}",
        "trainable %": percent(r.totals["trainable_pct"]), "added": f"{r.totals['added_params']:,}",
        "total": f"{r.totals['total_params']:,}", "activations": human_bytes(m.activations),
        "training memory": human_bytes(m.total),
    } for label, (r, m) in rows.items()]).set_index("method")


def comparison(rows: dict[str, tuple[ParameterReport, MemoryBreakdown]]) -> None:
    st.table(compare_table(rows))
    plotly_chart(memory_bars({k: m for k, (_, m) in rows.items()}), key="parameters.compare.bars",
                 alt="Stacked bars of training memory for the two methods side by side.")
