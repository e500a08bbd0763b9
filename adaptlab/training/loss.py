"""The training signal: cross-entropy on the labelled (completion) tokens only.

Logits are computed only where a label is (transformers' boolean `logits_to_keep`): on a small
GPT-2 the vocabulary projection is a large share of the compute, and the prompt's positions carry
no loss anyway (CONTENT.md 4a). The mean over the kept positions is exactly Hugging Face's loss.
peft's prompt and p-tuning models put m virtual tokens in front of the input, so their hidden
states are m positions longer; prefix tuning adds keys and values, not positions.
"""

from __future__ import annotations

import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn

from adaptlab.data import IGNORE_INDEX

# peft 0.21's prefix tuning passes `past_key_values`, which transformers 5 renamed; nothing a
# learner can act on.
warnings.filterwarnings("ignore", message=".*past_key_values.*deprecated", category=FutureWarning)


def virtual_positions(model: nn.Module) -> int:
    """Positions a peft prompt-learning model prepends to the hidden states (0 for others)."""
    config = getattr(model, "active_peft_config", None)
    if config is None or not config.is_prompt_learning or config.peft_type == "PREFIX_TUNING":
        return 0
    return config.num_virtual_tokens


def labelled_logits(model: nn.Module, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, targets) at the labelled positions only: (N, V) and (N,), N = scored tokens."""
    targets = batch["labels"][:, 1:]  # (B, T-1): position t predicts token t+1 (unshifted labels)
    scored = targets != IGNORE_INDEX  # (B, T-1)
    # (B, m+T): no virtual position and not the last position predicts a label.
    keep = F.pad(scored, (virtual_positions(model), 1), value=False)
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                logits_to_keep=keep, use_cache=False)
    return out.logits, targets[scored]


def label_loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy over the completion tokens; equals the model's own `labels=` loss."""
    logits, targets = labelled_logits(model, batch)
    return F.cross_entropy(logits.float(), targets)


def scored_tokens(batch: dict[str, torch.Tensor]) -> int:
    return int((batch["labels"][:, 1:] != IGNORE_INDEX).sum())


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
