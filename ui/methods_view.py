"""The pieces of the Methods page: one card per registered method, and the survey labels table.

Facts on a card come from the engine: what trains is read from a census of the bundled mini
GPT-2 with the method's default settings, the count on GPT-2 small from the method's formula,
and the code from `inspect.getsource`, so none of it can drift from what actually runs.

A card computes its census only while it is open: the census builds a model, which needs torch,
and the page itself must load fast on a fresh server (torch alone takes seconds to import).
"""

from __future__ import annotations

import inspect

import pandas as pd
import streamlit as st

from adaptlab.methods import REGISTRY, MethodSpec
from adaptlab.taxonomy import SOURCES, all_labels, source_labels
from ui.block_diagram import block_dot, legend_html
from ui.method_notes import WHEN_TO_CHOOSE
from ui.state import learner

DEMO_MODEL = "mini"  # the bundled model: small enough to list every tensor
REFERENCE_MODEL = "gpt2"  # GPT-2 small: the counts learners meet in papers


def labels_table() -> pd.DataFrame:
    """Rows: methods, in the page's order (by class, as the cards above); columns: each source's
    own name for the method's class."""
    labels = all_labels()
    rows = {spec.title: labels[spec.name] for spec in REGISTRY.values() if spec.name in labels}
    return pd.DataFrame.from_dict(rows, orient="index").rename(columns=SOURCES)


def _blocks_text(blocks: list[int], n_layer: int) -> str:
    if blocks == list(range(n_layer)):
        return "in every block"
    word = "block" if len(blocks) == 1 else "blocks"
    return f"in {word} " + ", ".join(map(str, blocks)) + f" only (of 0 to {n_layer - 1})"


def _tensor_list(components: pd.Series) -> str:
    """`ln_1.weight, ln_1.bias, ...` as `ln_1` (weight, bias), ...: one entry per module."""
    leaves: dict[str, list[str]] = {}
    for component in dict.fromkeys(components):
        module, _, leaf = component.rpartition(".")
        leaves.setdefault(module or leaf, []).append(leaf if module else "")
    return ", ".join(f"`{m}` ({', '.join(x)})" if any(x) else f"`{m}`" for m, x in leaves.items())


def what_trains(df: pd.DataFrame, n_layer: int) -> str:
    """A sentence listing the tensors that train, inside the blocks and outside them."""
    train = df[df["trainable"]]
    if train.empty:
        return "Nothing trains."
    inside = train[train["block"].notna()]
    outside = train[train["block"].isna()]
    parts = []
    if not inside.empty:
        names = _tensor_list(inside["component"])
        parts.append(f"{names} {_blocks_text(sorted(set(inside['block'].astype(int))), n_layer)}")
    if not outside.empty:
        parts.append("outside the blocks: " + _tensor_list(outside["component"]))
    return "; ".join(parts) + "."


def engine_code(spec: MethodSpec) -> str:
    """The method module's docstring, its settings class and its apply function, as they run."""
    module = inspect.getmodule(spec.apply_fn)
    doc = f'"""{inspect.cleandoc(module.__doc__ or "")}\n"""'
    return "\n\n\n".join([f"# {module.__name__}\n{doc}", inspect.getsource(spec.config_cls),
                          inspect.getsource(spec.apply_fn)])


def _diagram_font() -> int:
    return 17 if learner().projector else 11  # points; a room reads the diagrams from afar


def legend() -> None:
    st.html(legend_html(_diagram_font()))


def method_card(spec: MethodSpec) -> None:
    """A folded card; its facts are computed (and torch imported) only when it is opened."""
    card = st.expander(f"{spec.title}  ·  `{spec.name}`", key=f"methods.card.{spec.name}",
                       on_change="rerun")
    if card.open:
        with card:
            _card_body(spec)


def _card_body(spec: MethodSpec) -> None:
    from adaptlab.counts import totals
    from ui.resources import census_frame, model_config

    cfg = model_config(DEMO_MODEL)
    df = census_frame(DEMO_MODEL, spec.name, ())
    t = totals(df)
    st.markdown(spec.summary)
    rows = 3 if learner().projector else 2  # larger type needs a narrower drawing
    st.graphviz_chart(block_dot(df, cfg.n_layer, cfg.n_embd, _diagram_font(), rows), width="stretch",
                      alt=f"Diagram of a GPT-2 block showing what {spec.title} trains, "
                          f"freezes and adds.")
    info, when = st.columns(2, gap="large")
    with info:
        st.markdown(f"**What trains** (mini GPT-2, default settings): {what_trains(df, cfg.n_layer)}")
        st.markdown(f"{t['trainable_params']:,} of {t['total_params']:,} parameters train "
                    f"({t['trainable_pct']:.4g}%); {t['added_params']:,} of them are new.")
        f = spec.formula(spec.config(), model_config(REFERENCE_MODEL))
        st.markdown(f"On GPT-2 small: `{f.symbolic}` = **{f.value:,}** trainable.")
        st.markdown(f"**Paper:** {spec.paper}")
    with when:
        st.markdown("**When to choose it**")
        st.markdown("\n".join(f"- {line}" for line in WHEN_TO_CHOOSE.get(spec.name, [])))
    labels, code = st.tabs(["What the surveys call it", "The engine code"])
    with labels:
        table = pd.DataFrame({"source": [SOURCES[s] for s in SOURCES],
                              "label": list(source_labels(spec.name).values())})
        st.table(table.set_index("source"))
    with code:
        st.caption("The code below is read from the engine as it runs (inspect.getsource).")
        st.code(engine_code(spec), language="python")
