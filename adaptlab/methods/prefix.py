"""Prefix tuning: trainable key and value vectors prepended at every layer (via peft).

The whole model is frozen; each attention layer attends to m extra positions whose keys and
values are learned. peft stores them as one table of shape (m, 2·L·d): 2Lmd parameters. With
`prefix_projection` (the default) an MLP produces the table during training, as Li & Liang do
for stability; only the table is kept for inference.
Paper: Li & Liang, ACL-IJCNLP 2021 (arXiv 2101.00190).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, setting, validate

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class PrefixSettings:
    num_virtual_tokens: int = setting(20, "Prefix length m: extra key/value positions per layer.",
                                      min=1, max=200)
    # On by default, as in Li & Liang: measured on the bundled model (200 steps, 3 seeds), the
    # bare prefix table sat at chance on sentiment at every rate tried (1e-2 to 3e-1) and was
    # erratic on format (0-55%); through the MLP it learned both (benchmarks/method_sweep.py).
    prefix_projection: bool = setting(True, "Produce the prefix with an MLP during training "
                                            "(reparameterization, Li & Liang's recipe for "
                                            "stability); off = train the prefix table directly.")
    encoder_hidden_size: int = setting(512, "Hidden size of that MLP (only with prefix_projection).",
                                       min=1, max=4096)

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: PrefixSettings) -> nn.Module:
    from peft import PrefixTuningConfig, get_peft_model

    peft_config = PrefixTuningConfig(
        task_type="CAUSAL_LM", num_virtual_tokens=config.num_virtual_tokens,
        prefix_projection=config.prefix_projection, encoder_hidden_size=config.encoder_hidden_size,
    )
    return get_peft_model(model, peft_config)


def formula(config: PrefixSettings, c) -> Formula:
    d, L, m, h = c.n_embd, c.n_layer, config.num_virtual_tokens, config.encoder_hidden_size
    if not config.prefix_projection:
        return Formula("2·L·m·d", f"2·{L}·{m}·{d}", 2 * L * m * d,
                       "key and value prefixes stored separately (peft); Xiao & Zhu count L·m·d")
    value = m * d + (d * h + h) + (h * 2 * L * d + 2 * L * d)
    return Formula(
        "m·d + (d·h + h) + (h·2Ld + 2Ld)",
        f"{m}·{d} + ({d}·{h} + {h}) + ({h}·2·{L}·{d} + 2·{L}·{d})", value,
        f"with the MLP reparameterization; only 2·L·m·d = {2 * L * m * d:,} are kept for inference",
    )


SPEC = MethodSpec(
    name="prefix", title="Prefix tuning", family="virtual-tokens",
    config_cls=PrefixSettings, apply_fn=apply, formula_fn=formula, uses_peft=True,
    virtual_tokens="attention",
    summary="Prepend trainable key/value vectors at every layer; the model itself stays frozen.",
    paper="Li & Liang (2021), Prefix-Tuning: Optimizing Continuous Prompts for Generation, "
          "arXiv 2101.00190",
    training=TrainingDefaults(lr=1e-3, steps=200),
)
