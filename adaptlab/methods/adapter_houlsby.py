"""Houlsby adapters: two bottleneck adapters per block, after attention and after the MLP.

Each sits on the output projection (attn.c_proj, mlp.c_proj), before the residual add. The base
model is frozen; only the new adapters train (and, optionally, the block LayerNorms).
Paper: Houlsby et al., "Parameter-Efficient Transfer Learning for NLP", ICML 2019 (arXiv 1902.00751).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, setting, validate
from adaptlab.methods.bottleneck import ACTIVATIONS, AdapterConfig, adapter_formula, insert_adapters

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class HoulsbyConfig(AdapterConfig):
    # AdapterHub's Houlsby config (DoubleSeqBnConfig) uses swish.
    non_linearity: str = setting("swish", "Nonlinearity between the two projections.",
                                 choices=tuple(ACTIVATIONS))

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: HoulsbyConfig) -> nn.Module:
    return insert_adapters(model, config, sites=("attn", "mlp"))


def formula(config: HoulsbyConfig, c) -> Formula:
    return adapter_formula(config, c, per_block=2)


SPEC = MethodSpec(
    name="adapter-houlsby", title="Bottleneck adapters (Houlsby)", family="inserted-modules",
    config_cls=HoulsbyConfig, apply_fn=apply, formula_fn=formula,
    summary="Insert two small bottleneck modules per block (after attention and after the MLP) "
            "and train only them (Houlsby et al. also train the LayerNorms: train_layernorm).",
    paper="Houlsby et al. (2019), Parameter-Efficient Transfer Learning for NLP, arXiv 1902.00751",
    training=TrainingDefaults(lr=3e-3, steps=200),
)
