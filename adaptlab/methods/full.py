"""Full fine-tuning: every existing weight trains.

The baseline every other method is measured against (Xiao & Zhu Eq. 4.1; the LoRA paper's "FT").
`lm_head` is tied to `wte`, so the output layer and the input embedding are one tensor, counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class FullConfig:
    """Full fine-tuning has no settings."""


def apply(model: nn.Module, config: FullConfig) -> nn.Module:
    for param in model.parameters():
        param.requires_grad_(True)
    return model


def formula(config: FullConfig, c) -> Formula:
    d, L, V, P = c.n_embd, c.n_layer, c.vocab_size, c.n_positions
    value = V * d + P * d + L * (12 * d * d + 13 * d) + 2 * d
    return Formula(
        "V·d + P·d + L·(12d² + 13d) + 2d",
        f"{V}·{d} + {P}·{d} + {L}·(12·{d}² + 13·{d}) + 2·{d}",
        value,
        "every parameter; lm_head is tied to wte and counted once",
    )


SPEC = MethodSpec(
    name="full", title="Full fine-tuning", family="all-weights", config_cls=FullConfig,
    apply_fn=apply, formula_fn=formula,
    summary="Update every weight of the model by gradient descent on the task loss.",
    paper="Baseline; Xiao & Zhu (2025) Eq. 4.1; Hu et al. (2021) §5.1 'FT'",
    training=TrainingDefaults(lr=1e-3, steps=200),
)
