"""LoRA: learn a low-rank update ΔW = B·A beside frozen weight matrices (via peft).

h = W₀x + (α/r)·B·A·x; only A (r×fan_in) and B (fan_out×r) train. B starts at zero, so ΔW = 0
and the adapted model starts exactly where the base model is; A starts random so B gets a
gradient at step one. GPT-2's projections are `Conv1D`, which store weights as (fan_in, fan_out),
hence `fan_in_fan_out=True`. Paper: Hu et al., ICLR 2022 (arXiv 2106.09685).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, setting, validate

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn

# (fan_in, fan_out) of each GPT-2 projection, in multiples of d.
PROJECTIONS = {"c_attn": (1, 3), "attn.c_proj": (1, 1), "c_fc": (1, 4), "mlp.c_proj": (4, 1)}


@dataclass(frozen=True)
class LoraSettings:
    r: int = setting(8, "Rank r of the update B·A: A is r×fan_in, B is fan_out×r.", min=1, max=256)
    lora_alpha: float = setting(16.0, "Scale α: the update is multiplied by α/r.", min=0.01, max=1024)
    lora_dropout: float = setting(0.0, "Dropout on the input of the LoRA branch while training, kept in "
                                  "the exported adapter's config; AdaptLab's own runs turn every "
                                  "dropout off, so that a seed gives the same losses.",
                                  min=0.0, max=0.9)
    target_modules: tuple = setting(("c_attn",), "Which GPT-2 projections get a LoRA update.",
                                    choices=tuple(PROJECTIONS))

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: LoraSettings) -> nn.Module:
    from peft import LoraConfig, get_peft_model

    peft_config = LoraConfig(
        task_type="CAUSAL_LM", r=config.r, lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout, target_modules=list(config.target_modules),
        fan_in_fan_out=True, init_lora_weights=True,
    )
    return get_peft_model(model, peft_config)


def formula(config: LoraSettings, c) -> Formula:
    d, L, r = c.n_embd, c.n_layer, config.r
    per_d = sum(sum(PROJECTIONS[t]) for t in config.target_modules)  # Σ (fan_in + fan_out) / d
    return Formula(
        f"{per_d}·d·r·L", f"{per_d}·{d}·{r}·{L}", per_d * d * r * L,
        "A (r×fan_in) and B (fan_out×r) on " + ", ".join(config.target_modules) + " in every block",
    )


SPEC = MethodSpec(
    name="lora", title="LoRA (low-rank adaptation)", family="reparameterized",
    config_cls=LoraSettings, apply_fn=apply, formula_fn=formula, uses_peft=True,
    summary="Freeze the weights and learn a low-rank update B·A for chosen projections; "
            "it can be merged into W after training.",
    paper="Hu et al. (2022), LoRA: Low-Rank Adaptation of Large Language Models, arXiv 2106.09685",
    training=TrainingDefaults(lr=1e-2, steps=200),
)
