"""BitFit: train only the bias terms, freeze every weight matrix.

Convention: every parameter named `bias`, i.e. the four linear biases of each block plus the
LayerNorm betas (11dL + d). Nothing is added. Paper: Ben Zaken, Ravfogel & Goldberg, "BitFit",
ACL 2022 (arXiv 2106.10199).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, freeze_all

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class BitFitConfig:
    """BitFit has no settings: the bias terms are the whole method."""


def apply(model: nn.Module, config: BitFitConfig) -> nn.Module:
    freeze_all(model)
    for module in model.modules():
        # Parameters only: GPT-2 attention may register a causal-mask *buffer* called "bias".
        bias = module._parameters.get("bias")
        if bias is not None:
            bias.requires_grad_(True)
    return model


def formula(config: BitFitConfig, c) -> Formula:
    d, L = c.n_embd, c.n_layer
    return Formula(
        "11dL + d", f"11·{d}·{L} + {d}", 11 * d * L + d,
        "all *.bias: linear biases (3d + d + 4d + d per block) and LayerNorm β (2d per block, d for ln_f)",
    )


SPEC = MethodSpec(
    name="bitfit", title="BitFit (biases only)", family="selective", config_cls=BitFitConfig,
    apply_fn=apply, formula_fn=formula,
    summary="Train only the bias vectors; every weight matrix stays frozen.",
    paper="Ben Zaken, Ravfogel & Goldberg (2022), BitFit, arXiv 2106.10199",
    training=TrainingDefaults(lr=3e-2, steps=200),
)
