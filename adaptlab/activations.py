"""What the backward pass keeps: the tensors autograd saves during one training step of a GPT-2.

PyTorch saves, in the forward pass, only what the gradients it will compute need. A projection
y = x·W + b keeps its input x only when W trains (the gradient for x needs W, not x); LayerNorm,
GELU and attention keep their tensors whenever a gradient must pass through them. So a frozen
block still keeps its LayerNorm, attention and GELU tensors when something below it trains (or
inside it, before them), but not the inputs of its frozen projections: part of the activation
memory is saved by PEFT, not all of it (CONTENT.md 4a). Blocks below the lowest trainable
parameter keep nothing (top-k).

The figures follow transformers' GPT-2 as AdaptLab trains it: PyTorch's fused attention
(scaled_dot_product_attention keeps q, k, v, its output and one softmax statistic per head, never
a T×T score matrix; it recomputes the scores in backward), GELU in GPT-2's tanh form (written as
Python operations, it saves four 4d tensors), no dropout (AdaptLab's runs turn every dropout
off, LoRA's too, so that a seed gives the same losses), no padding, every token scored.
tests/unit/test_activations.py checks them against the tensors PyTorch actually saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from adaptlab.methods.ia3 import FEEDFORWARD, VECTOR_SIZE
from adaptlab.methods.lora import PROJECTIONS

BYTES_FP32 = 4
# The kinds the estimate is reported in, in the order a block computes them, and what they are.
KINDS = {
    "LayerNorm inputs": "every LayerNorm a gradient passes through keeps its input and two "
                        "statistics per token",
    "attention q, k, v, output": "fused attention keeps q, k, v, its output and a softmax "
                                 "statistic per head; it recomputes the T×T scores in backward",
    "GELU intermediates": "GPT-2's tanh GELU keeps four 4d tensors per token",
    "inputs of trained weights": "a trained projection keeps its input (its weight's gradient "
                                 "needs it); a frozen one keeps nothing",
    "new modules": "what LoRA, adapters, (IA)³ or a prompt encoder keep: their inputs and "
                   "hidden values",
    "logits": "cross-entropy keeps the log-softmax over the vocabulary at every scored token",
}
# Where GPT-2's four projections (as LoRA and (IA)³ name them) sit in a block's module tree.
_PLACES = {"c_attn": "attn.c_attn", "attn.c_proj": "attn.c_proj", "c_fc": "mlp.c_fc",
           "mlp.c_proj": "mlp.c_proj"}


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
class MethodDetails:
    """What the census does not record but the saved tensors depend on: the soft prompt's
    virtual tokens, and an adapter's nonlinearity (ReLU keeps one tensor, SiLU and GELU two)."""

    virtual: VirtualTokens = VirtualTokens()
    adapter_activation: str = "relu"

    @classmethod
    def of(cls, spec: Any, config: Any) -> MethodDetails:
        return cls(VirtualTokens.of(spec, config), str(getattr(config, "non_linearity", "relu")))


@dataclass(frozen=True)
class BlockParts:
    """One block as the census frame describes it: what trains in it and what was added."""

    trained: frozenset[str]  # base tensors that train, e.g. "ln_1.weight", "mlp.c_fc.bias"
    lora_ranks: dict[str, int] = field(default_factory=dict)  # projection -> r
    rescaled: frozenset[str] = frozenset()  # projections with an (IA)³ vector
    adapters: dict[str, int] = field(default_factory=dict)  # "attn.c_proj"/"mlp.c_proj" -> size

    @classmethod
    def every_block(cls, df: pd.DataFrame, n_layer: int, d: int) -> list[BlockParts]:
        """Each block's parts, read in one pass over the census (a page re-renders the memory
        view on every setting change; filtering the frame per block and per part took 130 ms
        for GPT-2 XL's 48 blocks)."""
        counts: list[dict[str, int]] = [{} for _ in range(n_layer)]
        trained: list[set[str]] = [set() for _ in range(n_layer)]
        inside = df[df["block"].notna()]
        for block, component, count, trains, origin in zip(
                inside["block"], inside["component"], inside["count"], inside["trainable"],
                inside["origin"], strict=True):
            counts[block][component] = int(count)
            if trains and origin == "base":
                trained[block].add(component)
        return [cls.from_counts(c, frozenset(t), d) for c, t in zip(counts, trained, strict=True)]

    @classmethod
    def from_counts(cls, counts: dict[str, int], trained: frozenset[str], d: int) -> BlockParts:
        """From a block's parameter counts by component and the base tensors that train."""
        lora, adapters = {}, {}
        for name, at in _PLACES.items():
            if f"{at}.lora_A.weight" in counts:
                lora[name] = counts[f"{at}.lora_A.weight"] // (PROJECTIONS[name][0] * d)
            if f"{at}.adapter.adapter_down.weight" in counts:
                adapters[at] = counts[f"{at}.adapter.adapter_down.weight"] // d
        rescaled = frozenset(name for name, at in _PLACES.items() if f"{at}.ia3_l" in counts)
        return cls(trained, lora, rescaled, adapters)

    def trains(self, module: str) -> bool:
        return any(t.startswith(f"{module}.") for t in self.trained)


class _Saved:
    """The tensors one block keeps, per position (in floats), each counted once however many
    operations save it (LoRA's A and a trained W both keep the same input)."""

    def __init__(self):
        self.tensors: dict[str, tuple[str, float]] = {}

    def keep(self, tensor: str, kind: str, floats: float) -> None:
        self.tensors.setdefault(tensor, (kind, floats))

    def by_kind(self) -> dict[str, float]:
        out = dict.fromkeys(KINDS, 0.0)
        for kind, floats in self.tensors.values():
            out[kind] += floats
        return out


@dataclass(frozen=True)
class _Shape:
    d: int
    heads: int
    positions: int  # per sequence inside the blocks: T, or T + m with a soft prompt at the input
    prefix: int  # m key/value positions added in every layer (prefix tuning), else 0
    batch: int

    def once_per_step(self, floats: float) -> float:
        """A tensor kept once per step, in the per-position unit block figures use."""
        return floats / (self.batch * self.positions)


def _projection(saved: _Saved, parts: BlockParts, name: str, source: str, grad: bool,
                s: _Shape) -> bool:
    """A Conv1D projection (with any LoRA or (IA)³ on it) reading `source`; whether a gradient
    flows out of it."""
    at, (fan_in, fan_out), d = _PLACES[name], PROJECTIONS[name], s.d
    if name in parts.rescaled:  # peft keeps a copy of the vector l, whose gradient needs x or y
        saved.keep(f"{at} (IA)³ vector", "new modules", s.once_per_step(VECTOR_SIZE[name] * d))
    if name in parts.rescaled and name in FEEDFORWARD:  # x ⊙ l: keeps x for l's gradient
        saved.keep(source, "new modules", fan_in * d)
        source = f"{source}, rescaled"
        grad = True
    if parts.trained & {f"{at}.weight"}:
        saved.keep(source, "inputs of trained weights", fan_in * d)
    if name in parts.lora_ranks:
        saved.keep(source, "new modules", fan_in * d)  # A's input (the runs have no dropout)
        saved.keep(f"{at} LoRA A·x", "new modules", parts.lora_ranks[name])  # B keeps A's output
        grad = True
    if name in parts.rescaled and name not in FEEDFORWARD:  # y ⊙ l: keeps y for l's gradient
        saved.keep(f"{at} output", "new modules", fan_out * d)
        grad = True
    return grad or parts.trains(at)


def _adapter(saved: _Saved, parts: BlockParts, at: str, s: _Shape, details: MethodDetails) -> bool:
    """A bottleneck adapter after the projection `at`: down keeps its input, the nonlinearity
    its output (ReLU; up reads the same tensor) or its input (SiLU, GELU; up keeps the output)."""
    size = parts.adapters.get(at)
    if size is None:
        return False
    saved.keep(f"{at} adapter input", "new modules", s.d)
    saved.keep(f"{at} adapter hidden", "new modules", size if details.adapter_activation == "relu"
               else 2 * size)
    return True


def _layer_norm(saved: _Saved, parts: BlockParts, name: str, grad: bool, d: int) -> bool:
    if grad or parts.trains(name):  # input, mean and 1/std
        saved.keep(f"{name} input", "LayerNorm inputs", d + 2)
        return True
    return False


def block_saves(parts: BlockParts, grad_in: bool, s: _Shape,
                details: MethodDetails) -> tuple[dict[str, float], bool]:
    """Floats per position that one block keeps, by kind, and whether its output needs a
    gradient; `grad_in`: whether its input does (something below it trains)."""
    saved, d = _Saved(), s.d
    grad = _layer_norm(saved, parts, "ln_1", grad_in, d)
    grad = _projection(saved, parts, "c_attn", "ln_1 output", grad, s)
    grad = grad or s.prefix > 0  # the prefix keys and values train
    if grad:
        keys = s.positions + s.prefix
        saved.keep("q, k, v", "attention q, k, v, output", 3 * d)  # views of c_attn's output
        saved.keep("attention output", "attention q, k, v, output", d + s.heads)  # and logsumexp
        if s.prefix:  # keys and values with the prefix before them, and the mask that lets
            # every token see the prefix (no longer plain causal attention)
            saved.keep("prefixed k, v", "attention q, k, v, output", 2 * keys * d / s.positions)
            saved.keep("attention mask", "attention q, k, v, output", keys)
    grad = _projection(saved, parts, "attn.c_proj", "attention output", grad, s)
    grad = _adapter(saved, parts, "attn.c_proj", s, details) or grad
    stream = grad_in or grad  # the residual joins the block's input and the attention branch
    grad = _layer_norm(saved, parts, "ln_2", stream, d)
    grad = _projection(saved, parts, "c_fc", "ln_2 output", grad, s)
    if grad:  # 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): x, tanh, 0.5·x and 1 + tanh
        saved.keep("GELU intermediates", "GELU intermediates", 4 * 4 * d)
    grad = _projection(saved, parts, "mlp.c_proj", "GELU output", grad, s)
    grad = _adapter(saved, parts, "mlp.c_proj", s, details) or grad
    return saved.by_kind(), stream or grad


def _encoder_width(outside: pd.DataFrame, first_layer: str, d: int) -> int:
    """The hidden width of a prompt encoder whose first layer (d × width) is `first_layer`;
    0 when the method has none."""
    rows = outside[outside["component"] == first_layer]
    return int(rows["count"].iloc[0]) // d if not rows.empty else 0


@dataclass(frozen=True)
class ActivationEstimate:
    """Bytes the backward pass keeps, by kind, and how many blocks keep anything."""

    by_kind: dict[str, int]
    blocks_keeping: int

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def activation_estimate(df: pd.DataFrame, n_layer: int, d: int, heads: int, vocab: int,
                        batch: int, seq: int, details: MethodDetails = MethodDetails()
                        ) -> ActivationEstimate:
    """The saved tensors of one training step on `batch` sequences of `seq` tokens."""
    m, at = details.virtual.count, details.virtual.at
    s = _Shape(d, heads, seq + (m if at == "input" else 0), m if at == "attention" else 0, batch)
    outside = df[df["block"].isna()]
    trains_outside = set(outside.loc[outside["trainable"], "component"])
    # The blocks' input needs a gradient when the embeddings or an input soft prompt train.
    grad = bool(trains_outside & {"wte.weight", "wpe.weight"}) or (m > 0 and at == "input")
    totals = dict.fromkeys(KINDS, 0.0)
    keeping = 0
    for parts in BlockParts.every_block(df, n_layer, d):
        kinds, grad = block_saves(parts, grad, s, details)
        keeping += any(kinds.values())
        for kind, floats in kinds.items():
            totals[kind] += floats * s.positions
    if grad or trains_outside & {"ln_f.weight", "ln_f.bias"}:
        totals["LayerNorm inputs"] += (d + 2) * s.positions
    scored = max(seq - 1, 0)  # every position but the last predicts the next token
    if "wte.weight" in trains_outside:  # the tied output layer keeps its input, per scored token
        totals["inputs of trained weights"] += d * scored
    hidden = _encoder_width(outside, "prompt_encoder.transform.0.weight", d)
    if hidden:  # prefix tuning's MLP, run per sequence: its m inputs and tanh outputs
        totals["new modules"] += m * (d + hidden)
    hidden = _encoder_width(outside, "prompt_encoder.mlp_head.0.weight", d)
    if hidden:  # P-tuning's MLP runs once per step, not per sequence: m inputs, two ReLU outputs
        totals["new modules"] += m * (d + 2 * hidden) / batch
    if df["trainable"].any():  # cross-entropy keeps the log-softmax of every scored position
        totals["logits"] += vocab * scored
    return ActivationEstimate({k: round(BYTES_FP32 * batch * v) for k, v in totals.items()}, keeping)
