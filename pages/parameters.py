"""Parameters: what trains, what stays frozen, what a method adds, and what that costs.

Pick a model and a method; every number comes from a census of the adapted model (cached per
model, method and settings), and the formula beside it says where the number comes from.
"""

import streamlit as st

from adaptlab.methods import method_names
from ui import parameters_view as view
from ui.query import app_origin, link_for, prefill_widgets
from ui.settings_form import settings_widgets
from ui.state import learner, widget_key

PAGE = "parameters"
VIEWS = {"map": "Where the parameters are", "memory": "Memory to train", "compare": "Compare two methods"}
DEFAULT_METHOD = method_names()[0]  # full fine-tuning: the baseline every other method is read against

st.title("Parameters: frozen, trainable, added")
st.caption("Pick a model and an adaptation method. Counts are exact: they come from the model "
           "itself, built without weights, so even GPT-2 XL needs no download.")
prefill_widgets(PAGE, DEFAULT_METHOD)

# Wide enough at 1280 px for the longest model and method names in their selects ("LoRA
# (low-rank adaptation)"); projector mode's larger type needs more.
controls, results = st.columns([1.8, 2.2] if learner().projector else [1.55, 2.45], gap="medium")
with controls, st.container(border=True):
    model = view.model_picker(PAGE)
    spec = view.method_picker(PAGE, DEFAULT_METHOD)
    st.caption(spec.summary)
    values = settings_widgets(spec, PAGE)
    report = view.report_or_error(model, spec, values)
    if report is not None:
        defaults = vars(spec.config_cls())
        # Drawn only when opened: st.code's browser module (1.5 MB) would otherwise be fetched
        # on every first visit to this page, for a folded box (benchmarks/page_load.py).
        link_box = st.expander("Link to this setup", icon=":material/link:",
                               key=f"{PAGE}.link", on_change="rerun")
        if link_box.open:
            with link_box:
                query, origin = link_for(model, spec.name, values, defaults), app_origin()
                st.caption("Open or share this link to show the page set up like this:" if origin
                           else "Add this to the page's address to open it set up like this:")
                st.code(f"{origin}/{PAGE}{query}" if origin else query, language=None,
                        wrap_lines=True)

with results:
    if report is None:
        st.info("Fix the setting marked in red on the left to see the counts.",
                icon=":material/arrow_back:")
        st.stop()
    view.metric_cards(report.totals)
    view.formula_check(report)

# Only the chosen view is computed: each figure costs tens of ms, and a setting change must
# re-render fast (issue 2: <= 200 ms for GPT-2 small).
view_name = st.segmented_control("Show", list(VIEWS), format_func=VIEWS.get, required=True,
                                 default="map", key=widget_key(PAGE, "view"),
                                 persist_state="page")
if view_name == "map":
    view.structure_charts(report, model, spec, key="parameters.main")
elif view_name == "memory":
    st.markdown("Memory for **one training step** with AdamW in fp32. Frozen weights still sit in "
                "memory but need no gradient and no optimizer state. Activations are the tensors "
                "PyTorch keeps for the backward pass: every block it must go through keeps its "
                "LayerNorm, attention and GELU tensors, but a frozen projection keeps no input; a "
                "soft prompt's virtual tokens make them longer.")
    view.memory_section(report, model, spec, view.memory_inputs(PAGE))
else:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"**A: {spec.title}**, as chosen above")
        st.caption(spec.summary)
        shape = view.memory_inputs(PAGE)
    with right:
        other = view.method_picker(f"{PAGE}.compare", "lora", label="B: compare with")
        other_values = settings_widgets(other, f"{PAGE}.compare")
        other_report = view.report_or_error(model, other, other_values)
    rows = None if other_report is None else view.memories(
        model, shape, {f"A: {spec.title}": report, f"B: {other.title}": other_report})
    if rows is not None:
        view.comparison(rows)
