"""LayerNorm tuning: train only the LayerNorm gains and biases (ln_1, ln_2, ln_f).

Nothing is added; these are PEFT's default LN-tuning targets for GPT-2. Implemented with
requires_grad rather than peft's LNTuningConfig, which trains a copy of each LayerNorm.
Paper credited by PEFT: arXiv 2312.11420.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, freeze_all

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class LayerNormConfig:
    """LayerNorm tuning has no settings."""


def apply(model: nn.Module, config: LayerNormConfig) -> nn.Module:
    from torch import nn

    freeze_all(model)
    for module in model.modules():
        if isinstance(module, nn.LayerNorm):
            for param in module.parameters():
                param.requires_grad_(True)
    return model


def formula(config: LayerNormConfig, c) -> Formula:
    d, L = c.n_embd, c.n_layer
    return Formula("4dL + 2d", f"4·{d}·{L} + 2·{d}", 4 * d * L + 2 * d,
                   "gain and bias (2d) of ln_1 and ln_2 in each block, plus ln_f")


SPEC = MethodSpec(
    name="ln", title="LayerNorm tuning", family="selective", config_cls=LayerNormConfig,
    apply_fn=apply, formula_fn=formula,
    summary="Train only the LayerNorm gains and biases; all weight matrices stay frozen.",
    paper="LayerNorm tuning as in PEFT's LNTuningConfig (arXiv 2312.11420)",
    training=TrainingDefaults(lr=1e-1, steps=200),
)
