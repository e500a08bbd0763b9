"""(IA)³: learn vectors that rescale activations element-wise (via peft).

peft's GPT-2 default scales the output of the fused c_attn (3d: queries, keys and values) and the
input of mlp.c_proj (4d: the FFN activation), i.e. 7dL; the paper scales keys, values and the FFN
activation only (6dL). Vectors start at one, so the model is unchanged until trained.
Paper: Liu et al., NeurIPS 2022 (arXiv 2205.05638).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, setting, validate

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn

# Size of the scaling vector per target, in multiples of d: outputs, except mlp.c_proj, a
# "feed-forward" target whose *input* (the 4d activation) is scaled.
VECTOR_SIZE = {"c_attn": 3, "attn.c_proj": 1, "c_fc": 4, "mlp.c_proj": 4}
FEEDFORWARD = {"mlp.c_proj"}


@dataclass(frozen=True)
class IA3Settings:
    target_modules: tuple = setting(("c_attn", "mlp.c_proj"),
                                    "Which projections get a rescaling vector (peft's GPT-2 default: "
                                    "c_attn and mlp.c_proj).", choices=tuple(VECTOR_SIZE))

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: IA3Settings) -> nn.Module:
    from peft import IA3Config, get_peft_model

    targets = list(config.target_modules)
    peft_config = IA3Config(
        task_type="CAUSAL_LM", target_modules=targets, fan_in_fan_out=True,
        feedforward_modules=[t for t in targets if t in FEEDFORWARD],
    )
    return get_peft_model(model, peft_config)


def formula(config: IA3Settings, c) -> Formula:
    d, L = c.n_embd, c.n_layer
    per_d = sum(VECTOR_SIZE[t] for t in config.target_modules)
    return Formula(
        f"{per_d}·d·L", f"{per_d}·{d}·{L}", per_d * d * L,
        "one vector per target per block: c_attn's output is 3d (it also scales queries); "
        "mlp.c_proj's input is 4d. The paper's k, v, ff definition gives 6dL.",
    )


SPEC = MethodSpec(
    name="ia3", title="(IA)³ rescaling vectors", family="inserted-modules",
    config_cls=IA3Settings, apply_fn=apply, formula_fn=formula, uses_peft=True,
    summary="Learn vectors that rescale the keys, the values and the FFN's inner activation "
            "element-wise (the paper); PEFT's GPT-2 default also rescales the queries.",
    paper="Liu et al. (2022), Few-Shot Parameter-Efficient Fine-Tuning is Better and Cheaper "
          "than In-Context Learning, arXiv 2205.05638",
    training=TrainingDefaults(lr=1e-1, steps=200),
)
