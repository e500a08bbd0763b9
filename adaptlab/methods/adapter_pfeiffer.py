"""Pfeiffer adapters: one bottleneck adapter per block, after the MLP only.

Half the adapters of the Houlsby placement, on the MLP output projection before the residual
add (AdapterHub SeqBnConfig: output_adapter only, ReLU). The base model is frozen.
Paper: Pfeiffer et al., "AdapterFusion", EACL 2021 (arXiv 2005.00247).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, setting, validate
from adaptlab.methods.bottleneck import ACTIVATIONS, AdapterConfig, adapter_formula, insert_adapters


@dataclass(frozen=True)
class PfeifferConfig(AdapterConfig):
    non_linearity: str = setting("relu", "Nonlinearity between the two projections.",
                                 choices=tuple(ACTIVATIONS))

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: PfeifferConfig) -> nn.Module:
    return insert_adapters(model, config, sites=("mlp",))


def formula(config: PfeifferConfig, c) -> Formula:
    return adapter_formula(config, c, per_block=1)


SPEC = MethodSpec(
    name="adapter-pfeiffer", title="Bottleneck adapter (Pfeiffer)", family="inserted-modules",
    config_cls=PfeifferConfig, apply_fn=apply, formula_fn=formula,
    summary="Insert one small bottleneck module per block, after the MLP, and train only it.",
    paper="Pfeiffer et al. (2021), AdapterFusion, arXiv 2005.00247",
    training=TrainingDefaults(lr=1e-2, steps=200),
)

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn
