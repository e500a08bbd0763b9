"""Prompt tuning: a trainable soft prompt prepended to the input embeddings only (via peft).

m learned vectors of size d go in front of the token embeddings; every model weight is frozen,
yet the gradient must still flow back through the whole network to reach them. The gap to full
fine-tuning closes only near 10 B parameters, so expect little on GPT-2.
Paper: Lester, Al-Rfou & Constant, EMNLP 2021 (arXiv 2104.08691).
"""

from dataclasses import dataclass

from peft import PromptTuningConfig, get_peft_model
from torch import nn

from adaptlab.methods.base import Formula, MethodSpec, setting, validate


@dataclass(frozen=True)
class PromptSettings:
    num_virtual_tokens: int = setting(20, "Soft prompt length m: virtual tokens before the input.",
                                      min=1, max=200)

    def __post_init__(self):
        validate(self)


def apply(model: nn.Module, config: PromptSettings) -> nn.Module:
    peft_config = PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=config.num_virtual_tokens)
    return get_peft_model(model, peft_config)


def formula(config: PromptSettings, c) -> Formula:
    d, m = c.n_embd, config.num_virtual_tokens
    return Formula("m·d", f"{m}·{d}", m * d, "one d-dimensional embedding per virtual token")


SPEC = MethodSpec(
    name="prompt", title="Prompt tuning", family="virtual-tokens",
    config_cls=PromptSettings, apply_fn=apply, formula_fn=formula, uses_peft=True,
    summary="Learn a few virtual token embeddings placed before the input; the model stays frozen.",
    paper="Lester, Al-Rfou & Constant (2021), The Power of Scale for Parameter-Efficient Prompt "
          "Tuning, arXiv 2104.08691",
)
