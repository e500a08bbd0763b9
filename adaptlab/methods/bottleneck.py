"""The bottleneck adapter shared by the Houlsby and Pfeiffer placements (peft has none): settings,
formula and insertion; its torch modules are in adapter_layers.py.

An adapter maps h -> h + up(act(down(h))): down-projection d -> b, a nonlinearity, up-projection
b -> d, and an internal skip. `up` starts at zero, so right after insertion the adapter is the
identity and the adapted model computes exactly what the base model does (Houlsby et al. 2019
use a near-identity init; exact zero makes "output unchanged" testable bit for bit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.errors import UserInputError
from adaptlab.methods.base import Formula, freeze_all, setting, validate

if TYPE_CHECKING:  # torch loads only when a model is adapted (adapter_layers)
    from torch import nn

ACTIVATIONS = ("relu", "gelu", "swish")  # names; the torch modules: adapter_layers.py


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
    from adaptlab.methods.adapter_layers import AdaptedProjection, BottleneckAdapter

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

