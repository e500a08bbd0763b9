"""How methods are classified: the neutral "what gets trained?" axis and what each source says.

The primary axis (CONTENT.md §1g) avoids taking sides where the surveys disagree. The source
labels let lessons and quiz items name whose classification they quote; LoRA, for one, is
"reparameterization" in every survey here yet an "adapter method" in the peft docs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    id: str
    title: str
    description: str


FAMILIES: dict[str, Family] = {f.id: f for f in [
    Family("all-weights", "All existing weights", "Every parameter of the pre-trained model trains."),
    Family("selective", "A chosen subset of existing weights",
           "Some existing parameters train, the rest are frozen, and nothing is added "
           "(Lialin: selective; Ding: specification-based)."),
    Family("virtual-tokens", "New virtual tokens in the input or activation stream",
           "New vectors are placed in front of the sequence, at the input or at every layer; "
           "the model is frozen (as here; some P-tuning experiments also tune it)."),
    Family("inserted-modules", "New modules or scaling vectors inserted in the computation path",
           "Small new modules (bottleneck adapters) or scaling vectors ((IA)³) sit inside each "
           "block; the model is frozen. Some, like (IA)³, can also be merged into the weights."),
    Family("reparameterized", "A low-rank update of an existing weight matrix",
           "The update of an existing weight matrix is learned as a low-rank product, ΔW = BA "
           "(it can be merged back into the weight, but merging is not what defines the row)."),
]}

SOURCES: dict[str, str] = {
    "xiao-zhu": "Xiao & Zhu (2025), Foundations of LLMs, Fig. 3.7",
    "lialin": "Lialin et al. (2023), Scaling Down to Scale Up",
    "ding": "Ding et al. (2023), Nature Machine Intelligence (delta tuning)",
    "han": "Han et al. (2024), PEFT for Large Models: A Comprehensive Survey",
    "peft-docs": "Hugging Face PEFT documentation (methods overview)",
}

# Each source's own label for each method (CONTENT.md §1f). "–" where the source has none.
_LABELS: dict[str, tuple[str, str, str, str, str]] = {
    #                  Xiao & Zhu                      Lialin                         Ding                            Han                                 peft docs
    "full": ("baseline (update all parameters)", "baseline", "baseline", "baseline", "–"),
    # Han et al.'s figure does not name top-k; "selective" there is an inference (CONTENT §1f).
    "top-k": ("(c) fine-tune parts of the model", "selective", "specification-based",
              "not named (would be selective)", "–"),
    "bitfit": ("(c) fine-tune parts of the model", "selective", "specification-based",
               "selective (structural masking)", "–"),
    "ln": ("(c) fine-tune parts of the model", "not covered", "not covered", "not in the figure",
           "layer tuning"),
    "adapter-houlsby": ("(d) fine-tune the adaptor", "additive (adapters)", "addition-based (adapter)",
                        "additive (adapter-based)", "adapter"),
    "adapter-pfeiffer": ("(d) fine-tune the adaptor", "additive (adapters)", "addition-based (adapter)",
                         "additive (adapter-based)", "adapter"),
    "lora": ("cited, not described", "reparametrization-based", "reparameterization-based",
             "reparameterized (low-rank)", "adapter method"),
    "ia3": ("–", "additive (other)", "not in the three-way figure", "additive (others)",
            "adapter method"),
    "prefix": ("(a) prefixes at each layer", "additive (soft prompts, all layers)",
               "addition-based (prompt)", "additive (soft prompt)", "prompt-based"),
    "prompt": ("(b) soft prompts as input embeddings", "additive (soft prompts, input)",
               "addition-based (prompt)", "additive (soft prompt)", "prompt-based"),
    "p-tuning": ("soft and hard prompts mixed (mentioned)", "additive (soft prompts, input)", "–",
                 "additive (soft prompt)", "prompt-based"),
}


def source_labels(method: str) -> dict[str, str]:
    """{source id: that source's label for `method`}."""
    return dict(zip(SOURCES, _LABELS[method], strict=True))


def all_labels() -> dict[str, dict[str, str]]:
    return {method: source_labels(method) for method in _LABELS}
