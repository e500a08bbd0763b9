"""What training a method costs in memory: weights, gradients, AdamW state, activations.

Frozen weights still occupy memory, but they need no gradient and no optimizer state: that is
where PEFT saves. Activations are not saved by PEFT in general: backpropagation must still pass
through every block above the lowest trainable parameter (or through all of them when the
trainable part sits at the input, as with prompt tuning). Soft prompts even add to them: their m
virtual tokens lengthen every sequence (prompt tuning, P-tuning) or every layer's keys and
values (prefix tuning). All figures are fp32 estimates; they count the same tensors for a frozen
block as for a trained one, though PyTorch keeps somewhat fewer where no weight needs a gradient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from adaptlab.errors import UserInputError

if TYPE_CHECKING:  # only for type hints: importing transformers takes seconds
    from transformers import PretrainedConfig

BYTES_FP32 = 4


@dataclass(frozen=True)
class VirtualTokens:
    """The positions a soft-prompt method adds: `count` of them, at the "input" (every block runs
    on them, the logits too) or in every layer's "attention" (m more keys and values)."""

    count: int = 0
    at: str = "input"

    @classmethod
    def of(cls, spec: Any, config: Any) -> VirtualTokens:
        """Those of a method (a MethodSpec) with its config; none for methods that add none."""
        if not spec.virtual_tokens:
            return cls()
        return cls(int(getattr(config, "num_virtual_tokens", 0)), spec.virtual_tokens)


@dataclass(frozen=True)
class MemoryBreakdown:
    """Bytes per item of one training setup, plus how the activation estimate was reached."""

    weights: int
    gradients: int
    optimizer: int
    activations: int
    blocks_backpropagated: int
    batch_size: int
    seq_len: int
    virtual_tokens: int = 0

    @property
    def total(self) -> int:
        return self.weights + self.gradients + self.optimizer + self.activations

    def as_rows(self) -> list[dict]:
        return [
            {"item": "weights", "bytes": self.weights, "why": "every parameter, frozen or not (fp32)"},
            {"item": "gradients", "bytes": self.gradients, "why": "one fp32 gradient per trainable parameter"},
            {"item": "AdamW state", "bytes": self.optimizer,
             "why": "two fp32 moments (m, v) per trainable parameter"},
            {"item": "activations", "bytes": self.activations,
             "why": f"kept for backward in {self.blocks_backpropagated} block(s) plus the logits, "
                    f"batch {self.batch_size} × "
                    + (f"({self.seq_len} tokens + {self.virtual_tokens} virtual tokens)"
                       if self.virtual_tokens else f"{self.seq_len} tokens") + " (estimate)"},
        ]


def blocks_to_backpropagate(df: pd.DataFrame, n_layer: int) -> int:
    """How many blocks the backward pass must run through to reach every trainable parameter."""
    trainable = df[df["trainable"]]
    if trainable.empty:
        return 0
    outside = trainable[trainable["block"].isna()]
    # Anything trainable before the blocks (embeddings, virtual tokens) needs gradients through all
    # of them; ln_f sits after the last block and needs none.
    if (~outside["component"].str.startswith("ln_f")).any():
        return n_layer
    lowest = trainable["block"].dropna()
    return n_layer - int(lowest.min()) if not lowest.empty else 0


def activation_bytes_per_block(c: PretrainedConfig, batch: int, seq: int,
                               virtual: VirtualTokens = VirtualTokens()) -> int:
    """Tensors a GPT-2 block keeps for backward, eager attention (an estimate, fp32).

    Per token: LayerNorm inputs and outputs (4d), q, k, v (3d), attention output (d), MLP
    activations before and after GELU (8d): 16d; plus two B·H·T·K score tensors (softmax in,
    out), K keys per query. Virtual tokens at the input make T and K longer by m; prefixes in
    the attention add m keys and values (2md per sequence) and make K = T + m.
    """
    d, heads, m = c.n_embd, c.n_head, virtual.count
    if virtual.at == "input":
        seq += m
        prefixes, keys = 0, seq
    else:
        prefixes, keys = 2 * m * d, seq + m
    return BYTES_FP32 * batch * (16 * seq * d + prefixes + 2 * heads * seq * keys)


def memory_breakdown(df: pd.DataFrame, c: PretrainedConfig, batch: int = 8, seq: int = 64,
                     virtual: VirtualTokens = VirtualTokens()) -> MemoryBreakdown:
    """One training step's memory; UserInputError when `seq` and the virtual tokens together
    do not fit the model's context (the run itself would refuse them: training.plan)."""
    if seq + virtual.count > c.n_positions:
        taken = f" (of which the method's virtual tokens take {virtual.count})" if virtual.count else ""
        raise UserInputError(f"sequence length {seq} does not fit the model's context of "
                             f"{c.n_positions} tokens{taken}: use 1 to {c.n_positions - virtual.count}")
    total = int(df["count"].sum())
    trainable = int(df.loc[df["trainable"], "count"].sum())
    blocks = blocks_to_backpropagate(df, c.n_layer)
    logit_positions = seq + (virtual.count if virtual.at == "input" else 0)
    logits = 2 * BYTES_FP32 * batch * logit_positions * c.vocab_size if trainable else 0  # and grads
    return MemoryBreakdown(
        weights=BYTES_FP32 * total,
        gradients=BYTES_FP32 * trainable,
        optimizer=2 * BYTES_FP32 * trainable,
        activations=blocks * activation_bytes_per_block(c, batch, seq, virtual) + logits,
        blocks_backpropagated=blocks,
        batch_size=batch,
        seq_len=seq,
        virtual_tokens=virtual.count,
    )


def human_bytes(n: float) -> str:
    """Decimal units, as papers and "parameters × 4 bytes" count them: 13,516,800 fp32 values
    are 54.1 MB (dividing by 1024 gave 51.6, labelled MB, which a learner's check contradicts)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")
