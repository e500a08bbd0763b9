"""Prompt tuning: a trainable soft prompt prepended to the input embeddings only (via peft).

m learned vectors of size d go in front of the token embeddings; every model weight is frozen,
yet the gradient must still flow back through the whole network to reach them. The vectors start
as the embeddings of randomly drawn vocabulary tokens: Lester et al. found that start far better
than random values on small models (peft's random start draws N(0, 1): about 20 times the scale
of the bundled model's embeddings). The gap to full fine-tuning closes only near 10 B parameters.
Paper: Lester, Al-Rfou & Constant, EMNLP 2021 (arXiv 2104.08691).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptlab.methods.base import Formula, MethodSpec, TrainingDefaults, setting, validate

if TYPE_CHECKING:  # torch (and peft) load when a model is adapted, not when methods are listed
    from torch import nn


@dataclass(frozen=True)
class PromptSettings:
    num_virtual_tokens: int = setting(20, "Soft prompt length m: virtual tokens before the input.",
                                      min=1, max=200)
    prompt_tuning_init: str = setting("sample_vocab", "How the soft prompt starts: sample_vocab "
                                      "(embeddings of random vocabulary tokens) or random "
                                      "(peft's N(0, 1) draw).", choices=("sample_vocab", "random"))

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: PromptSettings) -> nn.Module:
    from peft import PromptTuningConfig, PromptTuningInit, get_peft_model

    init = {"sample_vocab": PromptTuningInit.SAMPLE_VOCAB, "random": PromptTuningInit.RANDOM}
    peft_config = PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=config.num_virtual_tokens,
                                     prompt_tuning_init=init[config.prompt_tuning_init])
    return get_peft_model(model, peft_config)


def formula(config: PromptSettings, c) -> Formula:
    d, m = c.n_embd, config.num_virtual_tokens
    return Formula("m·d", f"{m}·{d}", m * d, "one d-dimensional embedding per virtual token")


SPEC = MethodSpec(
    name="prompt", title="Prompt tuning", family="virtual-tokens",
    config_cls=PromptSettings, apply_fn=apply, formula_fn=formula, uses_peft=True,
    virtual_tokens="input",
    summary="Learn a few virtual token embeddings placed before the input; the model stays frozen.",
    paper="Lester, Al-Rfou & Constant (2021), The Power of Scale for Parameter-Efficient Prompt "
          "Tuning, arXiv 2104.08691",
    # 160 steps, not 200: the virtual tokens make each step ~55 ms on the bundled model, and a
    # default run must stay within 15 s on 2 cores (benchmarks/method_sweep.py --workers 1).
    training=TrainingDefaults(lr=1e-1, steps=160),
)
