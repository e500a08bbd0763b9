"""What training a method costs in memory: weights, gradients, AdamW state, activations.

Frozen weights still occupy memory, but they need no gradient and no optimizer state: that is
where PEFT saves most. Activations are saved only in part: the backward pass must still pass
through every block above the lowest trainable parameter (or through all of them when the
trainable part sits at the input, as with prompt tuning), keeping LayerNorm, attention and GELU
tensors there; what a frozen block does not keep is the inputs of its frozen projections.
Soft prompts add to them: their m virtual tokens lengthen every sequence (prompt tuning,
P-tuning) or every layer's keys and values (prefix tuning). All figures are fp32; the
activations are those PyTorch saves (adaptlab.activations, checked against it by a test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from adaptlab.activations import BYTES_FP32, MethodDetails, activation_estimate
from adaptlab.errors import UserInputError

if TYPE_CHECKING:  # only for type hints: importing transformers takes seconds
    from transformers import PretrainedConfig


@dataclass(frozen=True)
class MemoryBreakdown:
    """Bytes per item of one training setup, plus how the activation estimate was reached."""

    weights: int
    gradients: int
    optimizer: int
    activations: int
    blocks_backpropagated: int  # blocks that keep any tensor for the backward pass
    batch_size: int
    seq_len: int
    virtual_tokens: int = 0
    activations_by_kind: dict[str, int] = field(default_factory=dict)

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
             "why": f"saved for backward in {self.blocks_backpropagated} block(s) and the logits, "
                    f"batch {self.batch_size} × "
                    + (f"({self.seq_len} tokens + {self.virtual_tokens} virtual tokens)"
                       if self.virtual_tokens else f"{self.seq_len} tokens")},
        ]


def memory_breakdown(df: pd.DataFrame, c: PretrainedConfig, batch: int = 8, seq: int = 64,
                     details: MethodDetails | None = None) -> MemoryBreakdown:
    """One training step's memory; UserInputError when `seq` and the virtual tokens together
    do not fit the model's context (the run itself would refuse them: training.plan)."""
    details = details or MethodDetails()
    virtual = details.virtual
    if seq + virtual.count > c.n_positions:
        taken = f" (of which the method's virtual tokens take {virtual.count})" if virtual.count else ""
        raise UserInputError(f"sequence length {seq} does not fit the model's context of "
                             f"{c.n_positions} tokens{taken}: use 1 to {c.n_positions - virtual.count}")
    total = int(df["count"].sum())
    trainable = int(df.loc[df["trainable"], "count"].sum())
    kept = activation_estimate(df, c.n_layer, c.n_embd, c.n_head, c.vocab_size, batch, seq, details)
    return MemoryBreakdown(
        weights=BYTES_FP32 * total,
        gradients=BYTES_FP32 * trainable,
        optimizer=2 * BYTES_FP32 * trainable,
        activations=kept.total,
        blocks_backpropagated=kept.blocks_keeping,
        batch_size=batch,
        seq_len=seq,
        virtual_tokens=virtual.count,
        activations_by_kind=kept.by_kind,
    )


def human_bytes(n: float) -> str:
    """Decimal units, as papers and "parameters × 4 bytes" count them: 13,516,800 fp32 values
    are 54.1 MB (dividing by 1024 gave 51.6, labelled MB, which a learner's check contradicts)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")
