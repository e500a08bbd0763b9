"""The bottleneck adapter module shared by the Houlsby and Pfeiffer placements (peft has none).

An adapter maps h -> h + up(act(down(h))): down-projection d -> b, a nonlinearity, up-projection
b -> d, and an internal skip. `up` starts at zero, so right after insertion the adapter is the
identity and the adapted model computes exactly what the base model does (Houlsby et al. 2019
use a near-identity init; exact zero makes "output unchanged" testable bit for bit).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from adaptlab.errors import UserInputError
from adaptlab.methods.base import Formula, freeze_all, setting, validate

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "swish": nn.SiLU}


class BottleneckAdapter(nn.Module):
    def __init__(self, d: int, bottleneck: int, non_linearity: str, device=None):
        super().__init__()
        self.adapter_down = nn.Linear(d, bottleneck, device=device)  # W_down: (b, d)
        self.adapter_act = ACTIVATIONS[non_linearity]()
        self.adapter_up = nn.Linear(bottleneck, d, device=device)  # W_up: (d, b)
        if device is None or torch.device(device).type != "meta":
            nn.init.normal_(self.adapter_down.weight, std=1e-2)
            nn.init.zeros_(self.adapter_down.bias)
            nn.init.zeros_(self.adapter_up.weight)  # the adapter starts as the identity
            nn.init.zeros_(self.adapter_up.bias)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:  # (B, T, d) -> (B, T, d)
        return hidden + self.adapter_up(self.adapter_act(self.adapter_down(hidden)))


class AdaptedProjection(nn.Module):
    """An existing projection followed by an adapter, before the block's residual add.

    The original layer is kept as `base_layer` (peft's naming), so its weights stay where a
    learner expects them: `h.0.mlp.c_proj.base_layer.weight` is GPT-2's `h.0.mlp.c_proj.weight`.
    """

    def __init__(self, base_layer: nn.Module, adapter: BottleneckAdapter):
        super().__init__()
        self.base_layer = base_layer
        self.adapter = adapter

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.adapter(self.base_layer(hidden))


@dataclass(frozen=True)
class AdapterConfig:
    bottleneck: int = setting(64, "Bottleneck size b: the adapter projects d -> b -> d.",
                              min=1, max=4096)
    train_layernorm: bool = setting(
        False, "Also train the block LayerNorms ln_1 and ln_2, as Houlsby et al. do (+4dL).")
    non_linearity: str = setting("swish", "Nonlinearity between the two projections.",
                                 choices=tuple(ACTIVATIONS))

    def __post_init__(self):
        validate(self)


def insert_adapters(model: nn.Module, config: AdapterConfig, sites: tuple[str, ...]) -> nn.Module:
    """Freeze the model and wrap the projections named in `sites` ("attn", "mlp") with adapters."""
    d = model.config.n_embd
    if config.bottleneck > d:
        raise UserInputError(
            f"bottleneck={config.bottleneck} is wider than the model (d={d}): use 1 to {d}")
    freeze_all(model)
    device = model.transformer.wte.weight.device
    for block in model.transformer.h:
        for site in sites:
            sub = getattr(block, site)
            adapter = BottleneckAdapter(d, config.bottleneck, config.non_linearity, device=device)
            sub.c_proj = AdaptedProjection(sub.c_proj, adapter)
        if config.train_layernorm:
            for param in [*block.ln_1.parameters(), *block.ln_2.parameters()]:
                param.requires_grad_(True)
    return model


def adapter_formula(config: AdapterConfig, c, per_block: int) -> Formula:
    d, L, b = c.n_embd, c.n_layer, config.bottleneck
    n = "2L" if per_block == 2 else "L"
    n_num = f"2·{L}" if per_block == 2 else f"{L}"
    value = per_block * L * (2 * d * b + b + d)
    symbolic, substituted = f"{n}·(2db + b + d)", f"{n_num}·(2·{d}·{b} + {b} + {d})"
    if config.train_layernorm:
        symbolic, substituted, value = symbolic + " + 4dL", substituted + f" + 4·{d}·{L}", value + 4 * d * L
    return Formula(symbolic, substituted, value,
                   "per adapter: down weights d·b, down bias b, up weights b·d, up bias d")

