"""Hints and named mistakes for generated practice questions (no torch: closed forms only).

Each count question gets a hint for its own method (a generic "count per block, then multiply
by L" would push prompt tuning toward the m·d·L mistake) and the wrong counts a learner is
likely to give, each with the misconception behind it. The numbers come from the same
conventions the question states (CONTENT.md §2); a wrong value equal to the key is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adaptlab.quiz.schema import WrongValue

V, P = 50257, 1024  # GPT-2 vocabulary and context length, the same for every size

COUNT_HINTS: dict[str, str] = {
    "full": "Embeddings (wte, wpe) + L blocks of 12d² + 13d + ln_f; lm_head is tied to wte, so "
            "count that tensor once.",
    "top-k": "Count one whole block (weights, biases, LayerNorms), then multiply by k, not L.",
    "bitfit": "Per block: the linear biases (3d + d + 4d + d) and the β of two LayerNorms; then "
              "ln_f's β once, outside the blocks.",
    "ln": "Per block: two LayerNorms with a gain and a bias of size d each; then ln_f once.",
    "adapter-houlsby": "One adapter: d·b + b + b·d + d. Then: how many per block?",
    "adapter-pfeiffer": "One adapter: d·b + b + b·d + d. Then: how many per block?",
    "lora": "A target layer fan_in → fan_out gets A (r×fan_in) and B (fan_out×r); sum over the "
            "targets of one block, then times L.",
    "ia3": "Per block: one vector the size of c_attn's output (3d) and one the size of "
           "mlp.c_proj's input (4d).",
    "prefix": "Per layer and per virtual token: one key vector and one value vector of size d.",
    "prompt": "The soft prompt sits only at the input: how many d-vectors does it add?",
}

LORA_FAN: dict[str, tuple[int, int]] = {  # (fan_in, fan_out) in units of d
    "c_attn": (1, 3), "attn.c_proj": (1, 1), "c_fc": (1, 4), "mlp.c_proj": (4, 1)}


def _full(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    return [(key + V * d, "Counts the tied lm_head a second time; it is the same tensor as wte."),
            (key - P * d, "Leaves out the position embedding wpe (nanoGPT's get_num_params "
                          "does that by default).")]


def _top_k(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    block = 12 * d * d + 13 * d
    return [(block * L, "Multiplies one block by L = all blocks; only the last k train."),
            (key + 2 * d, "Adds ln_f, which the stated convention keeps frozen.")]


def _bitfit(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    return [(9 * d * L, "9dL counts only the linear biases; this convention also includes the "
                        "LayerNorm β (11dL + d)."),
            (11 * d * L, "Forgets ln_f's β, which sits outside the blocks (d more).")]


def _ln(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    return [(4 * d * L, "Forgets ln_f (2d), which sits outside the blocks."),
            (key // 2, "Counts only the gains or only the biases; each LayerNorm has both.")]


def _adapter(per_block: int) -> Callable[..., list[tuple[float, str]]]:
    def wrong(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
        one = 2 * d * int(s["bottleneck"]) + int(s["bottleneck"]) + d
        other = 3 - per_block  # Houlsby 2 <-> Pfeiffer 1
        return [(other * one * L, "Uses the other layout (Houlsby: two adapters per block; "
                                  "Pfeiffer: one, after the MLP)."),
                (key + 4 * d * L, "Adds the block LayerNorms (4dL), which this convention "
                                  "keeps frozen.")]
    return wrong


def _lora(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    r, targets = int(s["r"]), str(s["target_modules"]).split(",")
    b_as_d = sum(r * (LORA_FAN[t][0] * d + d) for t in targets if t in LORA_FAN) * L
    return [(b_as_d, "Counts B as d×r for every target; B's rows follow the layer's output "
                     "size (c_attn: 3d, c_fc: 4d).")]


def _ia3(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    return [(6 * d * L, "6dL is the paper's (IA)³ (keys, values, FFN); PEFT's vector on the "
                        "fused c_attn is 3d and also scales the queries.")]


def _prefix(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    m = int(s["num_virtual_tokens"])
    return [(L * m * d, "L·m·d is the one-vector-per-layer convention; this question stores "
                        "key and value prefixes separately."),
            (2 * m * d, "Counts one layer only; prefix tuning puts prefixes at every layer.")]


def _prompt(L: int, d: int, s: dict[str, Any], key: int) -> list[tuple[float, str]]:
    m = int(s["num_virtual_tokens"])
    return [(m * d * L, "You multiplied by the number of blocks: prompt tuning adds m·d once, "
                        "at the input."),
            (2 * L * m * d, "2Lmd is prefix tuning's key/value count; prompt tuning acts only at "
                            "the input embeddings.")]


MISTAKES: dict[str, Callable[[int, int, dict[str, Any], int], list[tuple[float, str]]]] = {
    "full": _full, "top-k": _top_k, "bitfit": _bitfit, "ln": _ln,
    "adapter-houlsby": _adapter(2), "adapter-pfeiffer": _adapter(1), "lora": _lora,
    "ia3": _ia3, "prefix": _prefix, "prompt": _prompt,
}


def count_mistakes(method: str, layers: int, d: int, settings: dict[str, Any],
                   key: int) -> tuple[WrongValue, ...]:
    """Likely wrong counts for a count question, each naming its misconception."""
    found = MISTAKES.get(method, lambda *_: [])(layers, d, settings, key)
    seen, out = {float(key)}, []
    for value, feedback in found:
        if float(value) not in seen:
            seen.add(float(value))
            out.append(WrongValue(float(value), feedback))
    return tuple(out)


# "What gets trained" rows: what a method in that row does (used in feedback on a wrong row).
FAMILY_DOES: dict[str, str] = {
    "all-weights": "updates every existing weight",
    "selective": "trains a chosen subset of the existing weights and adds nothing",
    "virtual-tokens": "adds trainable vectors to the sequence (at the input or at every layer)",
    "inserted-modules": "adds new modules or scaling vectors inside the blocks and trains those",
    "reparameterized": "learns a low-rank update ΔW = BA of existing weight matrices",
}
# (method, wrongly chosen row) -> the misconception, where a generic sentence would miss it.
FAMILY_MISTAKES: dict[tuple[str, str], str] = {
    ("ia3", "reparameterized"): "(IA)³ can be merged into the weights, but it learns scaling "
    "vectors, not a low-rank ΔW = BA; Lialin et al. and Han et al. class it additive.",
    ("lora", "inserted-modules"): "LoRA's A and B are new, but they form an update of an "
    "existing matrix; every survey gives LoRA its own reparameterization class.",
    ("adapter-houlsby", "selective"): "Adapters modify no existing weight: they add a module "
    "(a widely copied course card says otherwise).",
    ("adapter-pfeiffer", "selective"): "Adapters modify no existing weight: they add a module "
    "(a widely copied course card says otherwise).",
    ("prompt", "inserted-modules"): "Prompt tuning adds vectors to the sequence, not a module "
    "inside the blocks.",
    ("p-tuning", "inserted-modules"): "The prompt encoder is a new module, but it sits outside "
    "the model and only makes the virtual tokens at the input; nothing is inserted inside the "
    "blocks.",
}


def family_feedback(method: str, title: str, right: str, chosen: str) -> str:
    """Feedback for choosing row `chosen` when `method` belongs to row `right`."""
    if chosen == right:
        return f"Right: {title} {FAMILY_DOES[right]}."
    special = FAMILY_MISTAKES.get((method, chosen))
    return special or (f"That row {FAMILY_DOES[chosen]}; {title} instead "
                       f"{FAMILY_DOES[right]}.")
