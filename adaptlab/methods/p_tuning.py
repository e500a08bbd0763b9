"""P-tuning: virtual token embeddings produced by a small prompt encoder (via peft).

Like prompt tuning the prompt enters at the input only, but the embeddings come out of an MLP
(peft's default; the paper uses an LSTM then an MLP), which eases optimisation. The encoder and
its input table train; the model is frozen. Paper: Liu et al., "GPT Understands, Too" (arXiv 2103.10385).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, setting, validate

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class PTuningSettings:
    num_virtual_tokens: int = setting(20, "Number m of virtual tokens.", min=1, max=200)
    encoder_hidden_size: int = setting(0, "Hidden size h of the MLP prompt encoder; 0 means h = d.",
                                       min=0, max=4096)

    def __post_init__(self):
        validate(self)


def hidden_size(config: PTuningSettings, model_config) -> int:
    return config.encoder_hidden_size or model_config.n_embd


def apply(model: nn.Module, config: PTuningSettings) -> nn.Module:
    from peft import PromptEncoderConfig, get_peft_model

    peft_config = PromptEncoderConfig(
        task_type="CAUSAL_LM", num_virtual_tokens=config.num_virtual_tokens,
        encoder_hidden_size=hidden_size(config, model.config), encoder_reparameterization_type="MLP",
    )
    return get_peft_model(model, peft_config)


def formula(config: PTuningSettings, c) -> Formula:
    d, m, h = c.n_embd, config.num_virtual_tokens, hidden_size(config, c)
    value = m * d + (d * h + h) + (h * h + h) + (h * d + d)
    return Formula(
        "m·d + (d·h + h) + (h·h + h) + (h·d + d)",
        f"{m}·{d} + ({d}·{h} + {h}) + ({h}·{h} + {h}) + ({h}·{d} + {d})", value,
        "input table m×d plus a three-layer MLP encoder d→h→h→d",
    )


SPEC = MethodSpec(
    name="p-tuning", title="P-tuning", family="virtual-tokens",
    config_cls=PTuningSettings, apply_fn=apply, formula_fn=formula, uses_peft=True,
    virtual_tokens="input",
    summary="Produce virtual token embeddings with a small trainable encoder; here, as in PEFT, "
            "the model stays frozen (the paper also tunes it in some experiments).",
    paper="Liu et al. (2021), GPT Understands, Too, arXiv 2103.10385",
    # 160 steps, not 200: the virtual tokens make each step ~55 ms on the bundled model, and a
    # default run must stay within 15 s on 2 cores (benchmarks/method_sweep.py --workers 1).
    training=TrainingDefaults(lr=1e-2, steps=160),
)
