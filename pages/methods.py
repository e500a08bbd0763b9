"""Methods: the classes of adaptation methods by what gets trained, and a card per method.

The cards are built from the registry, so a new method appears here by registering it. Nothing
here imports torch until a card is opened (tests/unit/test_light_pages.py).
"""

import streamlit as st

from adaptlab.methods import REGISTRY
from adaptlab.taxonomy import FAMILIES
from ui import methods_view as view
from ui.jobs import session_jobs
from ui.reference_view import accuracy_chart, task_picker

st.title("Methods: what gets trained?")
st.markdown(
    "Every method below adapts the same small GPT-2. They differ in **what gets trained**: all of the "
    "model, a chosen part of it, new virtual tokens (at the input, or at every layer), new "
    "modules or scaling vectors inside each block, or a compact update of existing weights. "
    "These five classes do not take sides between the surveys, which name them differently."
)
with st.container(border=True):
    st.markdown(
        "**Where the sources disagree, we name the source.** Lialin et al. (2023) and Han et al. "
        "(2024) group classes 3 and 4 as *additive*; Ding et al. (2023) call bottleneck adapters "
        "and soft prompts (prompt and prefix tuning) *addition-based*. LoRA is "
        "*reparameterization-based* in all three surveys, yet an *adapter method* in the Hugging "
        "Face PEFT docs. Bottleneck adapters (Houlsby et al.) **add** new parameters in every "
        "survey; they do not modify existing ones."
    )
    st.caption("In the diagrams of each GPT-2 block:")
    view.legend()

st.subheader("What each method learns on the bundled model")
st.caption("Real runs, not estimates: every method trained with its defaults on a bundled task. "
           "Fewer trainable parameters is not the same as worse, until the method runs out of "
           "ways to reach the skill it needs.")
jobs = session_jobs()
accuracy_chart(task_picker("methods.task", jobs), jobs, key="methods.accuracy")

for number, family in enumerate(FAMILIES.values(), start=1):
    st.subheader(f"{number}. {family.title}")
    st.caption(family.description)
    for spec in (s for s in REGISTRY.values() if s.family == family.id):
        view.method_card(spec)

st.subheader("How each survey labels each method")
st.caption("Each column is one source's own name for the class a method belongs to; "
           "\"–\" means the source does not cover it.")
st.table(view.labels_table())
