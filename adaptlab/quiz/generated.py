"""Generated practice questions, answered by the engine's parameter census, so practice never ends.

Four kinds, each drawn with a seeded random.Random:
  count   numeric: how many parameters train for (model, method, settings)?  -> census_summary
  blocks  multi: which blocks does top-k train? (models with up to 12 blocks) -> trainable_blocks
  lowest  numeric: the lowest trainable block under top-k (deeper models, where
          a checkbox per block would be a wall of 24-48 boxes)               -> trainable_blocks
  family  single: which "what gets trained" row does a method belong to?      -> get_method().family
Hints and named wrong answers come from generated_feedback.py.
The question id encodes everything needed to rebuild it ("gen:count:gpt2:lora:r=4;..."), so a
stored attempt can always be re-graded and reviewed. The engine (torch) is imported lazily.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from adaptlab.quiz.generated_feedback import (
    COUNT_HINTS,
    count_mistakes,
    family_feedback,
)
from adaptlab.quiz.schema import ChoiceQuestion, NumericQuestion, Option, Question, WrongValue

# (L, d) per model, as stated to the learner (CONTENT.md 0); "mini" is left out on purpose:
# its shape is an implementation detail of the bundled model.
MODELS: dict[str, tuple[str, int, int]] = {
    "gpt2": ("GPT-2 small", 12, 768), "gpt2-medium": ("GPT-2 medium", 24, 1024),
    "gpt2-large": ("GPT-2 large", 36, 1280), "gpt2-xl": ("GPT-2 XL", 48, 1600),
    "distilgpt2": ("DistilGPT-2", 6, 768),
}
FAMILY_TEXT: dict[str, str] = {
    "all-weights": "All existing weights",
    "selective": "A chosen subset of existing weights, nothing added",
    "virtual-tokens": "New virtual tokens in the input/activation stream",
    "inserted-modules": "New modules or scaling vectors inserted in the computation path",
    "reparameterized": "A low-rank update ΔW = BA of an existing weight matrix",
}
MAX_CHECKBOX_BLOCKS = 12  # deeper models get the numeric "lowest trainable block" question
FAMILY_SOURCE = "AdaptLab's 'what gets trained' axis, neutral across Lialin 2023, Ding 2023, Han 2024"
LORA_SHAPES = {"c_attn": "d→3d", "attn.c_proj": "d→d", "c_fc": "d→4d", "mlp.c_proj": "4d→d"}


def _lora_settings(rng: random.Random, _layers: int) -> dict[str, Any]:
    choices = ["c_attn", "c_attn,attn.c_proj", "c_attn,attn.c_proj,c_fc,mlp.c_proj", "c_fc,mlp.c_proj"]
    return {"r": rng.choice([1, 2, 4, 8, 16, 32]), "target_modules": rng.choice(choices)}


def _lora_convention(s: dict[str, Any]) -> str:
    targets = ", ".join(f"{t} ({LORA_SHAPES.get(t, '?')})" for t in str(s["target_modules"]).split(","))
    return (f"LoRA r = {s['r']} on {targets} in every block, counting A (r×fan_in) and "
            "B (fan_out×r), no biases")


def _adapter(per_block: str) -> Callable[[dict[str, Any]], str]:
    return lambda s: (f"{per_block}, bottleneck b = {s['bottleneck']}; each adapter has down weights "
                      "d·b, down bias b, up weights b·d, up bias d; LayerNorms stay frozen")


# method -> (draw settings, state the convention). Only these methods get count questions.
COUNTABLE: dict[str, tuple[Callable[[random.Random, int], dict[str, Any]],
                           Callable[[dict[str, Any]], str]]] = {
    "full": (lambda r, L: {}, lambda s: "every parameter; the tied lm_head is counted once (it is wte)"),
    "top-k": (lambda r, L: {"k": r.randint(1, L)},
              lambda s: f"the last k = {s['k']} blocks train (weights, biases and LayerNorms); "
                        "ln_f and the tied lm_head stay frozen"),
    "bitfit": (lambda r, L: {}, lambda s: "every parameter named *.bias: linear biases of c_attn, "
               "attn.c_proj, c_fc and mlp.c_proj plus the LayerNorm β of ln_1, ln_2 and ln_f"),
    "ln": (lambda r, L: {}, lambda s: "gain and bias of ln_1 and ln_2 in every block, plus ln_f"),
    "adapter-houlsby": (lambda r, L: {"bottleneck": r.choice([8, 16, 32, 64, 128])},
                        _adapter("two bottleneck adapters per block (after attention and after the MLP)")),
    "adapter-pfeiffer": (lambda r, L: {"bottleneck": r.choice([8, 16, 32, 64, 128])},
                         _adapter("one bottleneck adapter per block, after the MLP")),
    "lora": (_lora_settings, _lora_convention),
    "ia3": (lambda r, L: {}, lambda s: "HF PEFT default targets: a vector on the output of c_attn "
            "(3d, so it also scales queries) and one on the input of mlp.c_proj (4d) per block"),
    "prefix": (lambda r, L: {"num_virtual_tokens": r.choice([5, 10, 20, 30, 50])},
               lambda s: f"m = {s['num_virtual_tokens']} virtual tokens; key and value prefixes "
                         "stored separately at every layer, no reparameterization: 2·L·m·d"),
    "prompt": (lambda r, L: {"num_virtual_tokens": r.choice([5, 10, 20, 50, 100])},
               lambda s: f"m = {s['num_virtual_tokens']} virtual tokens, one trainable "
                         "d-dimensional input embedding each"),
}


# Settings every counting question fixes, whatever the method's default: the convention learners
# count is the stored prefix table (2·L·m·d), not the training-time MLP that the Train page's
# prefix default adds for stability.
COUNTED_AS: dict[str, dict[str, Any]] = {"prefix": {"prefix_projection": False}}


def _encode(kind: str, model: str, method: str, settings: dict[str, Any]) -> str:
    return f"gen:{kind}:{model}:{method}:" + ";".join(f"{k}={v}" for k, v in settings.items())


def _decode(question_id: str) -> tuple[str, str, str, dict[str, str]]:
    parts = question_id.split(":", 4)
    if len(parts) != 5 or parts[0] != "gen":
        raise KeyError(f"unknown question id {question_id!r}")
    pairs = [p.split("=", 1) for p in parts[4].split(";") if p]
    return parts[1], parts[2], parts[3], {k: v for k, v in pairs}


def _lab(model: str, method: str, settings: dict[str, Any]) -> str:
    query = "".join(f"&{k}={v}" for k, v in settings.items())
    return f"/parameters?model={model}&method={method}{query}"


def _census(model: str, method: str, settings: dict[str, Any]) -> dict[str, Any]:
    from adaptlab.census import census_summary  # lazy: pulls in torch

    return census_summary(model, method, settings)


def _title(method: str) -> str:
    from adaptlab.methods import get_method

    return get_method(method).title


def count_question(model: str, method: str, settings: dict[str, Any]) -> NumericQuestion:
    """How many parameters train? Keyed by census_summary(model, method, settings)."""
    name, layers, d = MODELS[model]
    counted = COUNTED_AS.get(method, {}) | settings
    summary = _census(model, method, counted)
    convention = COUNTABLE[method][1](summary["settings"] | counted)
    answer = summary["trainable_params"]
    wrong = count_mistakes(method, layers, d, summary["settings"] | counted, answer)
    return NumericQuestion(
        id=_encode("count", model, method, settings), type="numeric", topic="counting",
        prompt=(f"{name} (L = {layers}, d = {d}). {_title(method)}. Convention: {convention}. "
                "How many parameters train?"),
        hint=COUNT_HINTS.get(method, "Count part by part, following the stated convention."),
        explanation=(f"The census of {name} with this method counts {answer:,} trainable "
                     f"parameters, {summary['trainable_pct']:.4g}% of {summary['total_params']:,}."),
        lab=_lab(model, method, counted), file="generated", answer=float(answer),
        tolerance=0.0, unit="parameters", wrong_values=wrong)


def blocks_question(model: str, k: int) -> ChoiceQuestion:
    """Which blocks does top-k train? Keyed by census_summary(...)["trainable_blocks"]."""
    name, layers, _d = MODELS[model]
    settings = {"k": k}
    blocks = _census(model, "top-k", settings)["trainable_blocks"]
    lowest = min(blocks)

    def why(b: int) -> str:
        if b in blocks:
            return f"Trains: top-k trains the last k = {k} {'block' if k == 1 else 'blocks'}."
        if b >= lowest - 2:  # just below the trained ones: one block too many, not the wrong end
            trained = "the last block trains" if k == 1 else f"the last {k} blocks train"
            below = "just" if lowest - b == 1 else f"{lowest - b} blocks"
            return (f"Frozen: k = {k}, so only {trained}; block {b} is {below} below "
                    f"{'it' if k == 1 else 'them'}.")
        return "Frozen: top-k trains the blocks nearest the output, not the first ones."

    options = tuple(Option(str(b), f"block {b}", why(b)) for b in range(layers))
    return ChoiceQuestion(
        id=_encode("blocks", model, "top-k", settings), type="multi", topic="freezing",
        prompt=(f"{name} has blocks 0 to {layers - 1}. Top-k with k = {k} (ln_f and the tied "
                "lm_head frozen): which blocks have trainable parameters? Select all that apply."),
        hint="'Top' means nearest the output.",
        explanation=(f"The parameter census (the Parameters page's table of every tensor) lists "
                     f"{'block' if len(blocks) == 1 else 'blocks'} "
                     f"{', '.join(map(str, blocks))} as trainable."),
        lab=_lab(model, "top-k", settings), file="generated",
        options=options, answer=tuple(str(b) for b in blocks), multiple=True,
        keep_order=True)


def lowest_block_question(model: str, k: int) -> NumericQuestion:
    """Top-k on a deep model: the number of the lowest block that trains."""
    name, layers, _d = MODELS[model]
    settings = {"k": k}
    lowest = min(_census(model, "top-k", settings)["trainable_blocks"])
    # First listed wins where two coincide (k = 1: the block after the last is also L - k + 1).
    wrong = [WrongValue(float(layers), f"There is no block {layers}: the blocks are numbered 0 "
                                       f"to {layers - 1}."),
             WrongValue(float(k), f"k = {k} is how many blocks train, not the number of the "
                                  f"lowest one; the highest of them is block {layers - 1}."),
             WrongValue(0.0, "Block 0 is nearest the input; 'top' means nearest the output."),
             WrongValue(float(k - 1), "Blocks 0 to k-1 are the bottom k; top-k trains the last k."),
             WrongValue(float(layers - k + 1), "Off by one: blocks are numbered from 0, so the "
                                               f"last {k} are {layers - k} to {layers - 1}."),
             WrongValue(float(layers - k - 1), "Off by one: that would be k + 1 blocks.")]
    return NumericQuestion(
        id=_encode("lowest", model, "top-k", settings), type="numeric", topic="freezing",
        prompt=(f"{name} has blocks 0 to {layers - 1}. Top-k with k = {k} (ln_f and the tied "
                "lm_head frozen): what is the number of the lowest block that trains?"),
        hint="'Top' means nearest the output, and blocks are numbered from 0.",
        explanation=(f"The census lists blocks {lowest} to {layers - 1} as trainable: the last "
                     f"{k} of {layers}."),
        lab=_lab(model, "top-k", settings), file="generated", answer=float(lowest),
        unit="", wrong_values=tuple({w.value: w for w in reversed(wrong)
                                     if w.value != lowest and w.value >= 0}.values()),
        otherwise=(f"Blocks are numbered from 0 (nearest the input) to {layers - 1} (nearest the "
                   f"output), and top-k trains the last k of them, the highest being block "
                   f"{layers - 1}."))


def family_question(method: str) -> ChoiceQuestion:
    """Which 'what gets trained' row does a method belong to? Keyed by get_method().family."""
    from adaptlab.methods import get_method

    spec = get_method(method)
    options = tuple(Option(fid, text, family_feedback(method, spec.title, spec.family, fid))
                    for fid, text in FAMILY_TEXT.items())
    return ChoiceQuestion(
        id=_encode("family", "-", method, {}), type="single", topic="classification",
        prompt=(f"On AdaptLab's neutral 'what gets trained?' axis, which row "
                f"does {spec.title} belong to?"),
        hint="Does the method add anything? If so: tokens, a module, or an update of a matrix?",
        explanation=f"{spec.title}: {spec.summary}", lab=f"/methods?method={method}",
        source=FAMILY_SOURCE, file="generated", options=options, answer=(spec.family,))


def from_id(question_id: str) -> Question:
    """Rebuild a generated question from its id (for review and re-grading)."""
    kind, model, method, settings = _decode(question_id)
    if kind == "count":
        return count_question(model, method, settings)
    if kind == "blocks":
        return blocks_question(model, int(settings["k"]))
    if kind == "lowest":
        return lowest_block_question(model, int(settings["k"]))
    if kind == "family":
        return family_question(method)
    raise KeyError(f"unknown generated question kind {kind!r} in {question_id!r}")


def _available() -> list[str]:
    from adaptlab.methods import method_names

    return method_names()


def generate_one(rng: random.Random, kind: str | None = None) -> Question:
    """One random question of `kind` ("count", "blocks", "family"; None: any)."""
    kind = kind or rng.choice(["count", "count", "blocks", "family"])
    model = rng.choice(list(MODELS))
    if kind == "blocks":
        k = rng.randint(1, max(1, MODELS[model][1] // 2))
        if MODELS[model][1] > MAX_CHECKBOX_BLOCKS:
            return lowest_block_question(model, k)
        return blocks_question(model, k)
    methods = _available()
    if kind == "family":
        return family_question(rng.choice(methods))
    method = rng.choice([m for m in methods if m in COUNTABLE])
    return count_question(model, method, COUNTABLE[method][0](rng, MODELS[model][1]))


def generate(n: int, seed: int = 0, kind: str | None = None) -> list[Question]:
    """`n` questions drawn with random.Random(seed): the same seed gives the same questions."""
    rng = random.Random(seed)
    return [generate_one(rng, kind) for _ in range(n)]
