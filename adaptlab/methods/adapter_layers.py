"""The bottleneck adapter's torch modules (see adaptlab.methods.bottleneck for the method side).

Kept apart from the settings and the formula so that listing the methods (the Methods, Train and
Compare pages) never imports torch: only building an adapted model does.
"""

from __future__ import annotations

import torch
from torch import nn

ACTIVATION_MODULES = {"relu": nn.ReLU, "gelu": nn.GELU, "swish": nn.SiLU}


class BottleneckAdapter(nn.Module):
    def __init__(self, d: int, bottleneck: int, non_linearity: str, device=None):
        super().__init__()
        self.adapter_down = nn.Linear(d, bottleneck, device=device)  # W_down: (b, d)
        self.adapter_act = ACTIVATION_MODULES[non_linearity]()
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
