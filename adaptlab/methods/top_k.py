"""Top-k blocks: freeze everything except the last k Transformer blocks.

Only existing weights train, nothing is added (Lialin: "selective"; Ding: "specification-based").
ln_f stays frozen unless asked for, and the tied lm_head/wte always stays frozen: unfreezing the
head would silently train the input embedding too. References: Li & Liang (2021) "FT-TOP2".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import (
    Formula,
    MethodSpec,
    TrainingDefaults,
    check_blocks,
    freeze_all,
    setting,
    validate,
)

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class TopKConfig:
    k: int = setting(2, "How many of the last Transformer blocks train; the rest stay frozen.",
                     min=1, max=48)
    train_ln_f: bool = setting(False, "Also train the final LayerNorm ln_f (2·d parameters).")

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: TopKConfig) -> nn.Module:
    check_blocks(config.k, model.config)
    freeze_all(model)
    for block in model.transformer.h[-config.k:]:
        for param in block.parameters():
            param.requires_grad_(True)
    if config.train_ln_f:
        for param in model.transformer.ln_f.parameters():
            param.requires_grad_(True)
    return model


def formula(config: TopKConfig, c) -> Formula:
    d, k = c.n_embd, config.k
    extra = (" + 2d", f" + 2·{d}", 2 * d) if config.train_ln_f else ("", "", 0)
    return Formula(
        f"k·(12d² + 13d){extra[0]}",
        f"{k}·(12·{d}² + 13·{d}){extra[1]}",
        k * (12 * d * d + 13 * d) + extra[2],
        "a block holds 12d² weights and 13d biases and LayerNorm parameters",
    )


SPEC = MethodSpec(
    name="top-k", title="Top-k blocks", family="selective", config_cls=TopKConfig,
    apply_fn=apply, formula_fn=formula,
    summary="Train only the last k Transformer blocks; everything else (the embeddings and the "
            "tied output head, the lower blocks, ln_f unless chosen) stays frozen.",
    paper="Li & Liang (2021) FT-TOP2; Lee et al. (2019) arXiv 1911.03090",
    training=TrainingDefaults(lr=3e-3, steps=200),
)
