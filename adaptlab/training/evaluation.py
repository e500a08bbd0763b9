"""What is measured about a model: the held-out loss, greedy answers scored against the expected
ones (adaptlab.training.metrics), a few longer generations, and the proof that frozen weights did
not move. Every number is computed from the model; nothing is estimated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from adaptlab.census import added_parameter_ids, display_name
from adaptlab.data import EncodedExample, Example, collate, encode_all
from adaptlab.training.loss import finite, labelled_logits, virtual_positions
from adaptlab.training.metrics import Scores, class_labels, score

# Every validation example of the bundled tasks (60 to 90 each) is scored; a larger file is
# sampled so that evaluation stays a few seconds on the bundled model.
MAX_EVAL_EXAMPLES = 100
EVAL_BATCH = 32
SAMPLE_PROMPTS = 3
SAMPLE_NEW_TOKENS = 24
MAX_ANSWER_TOKENS = 16


@torch.inference_mode()
def held_out_loss(model: nn.Module, encoded: list[EncodedExample], pad_id: int) -> float | None:
    """Token-weighted mean loss over `encoded`; None if it is not finite (never NaN)."""
    total, count = 0.0, 0
    for start in range(0, len(encoded), EVAL_BATCH):
        batch = collate(encoded[start:start + EVAL_BATCH], pad_id)
        logits, targets = labelled_logits(model, batch)
        total += float(F.cross_entropy(logits.float(), targets, reduction="sum"))
        count += targets.numel()
    return finite(total / count) if count else None


@torch.inference_mode()
def greedy_complete(model: nn.Module, tokenizer, prompts: list[str], max_new_tokens: int,
                    max_length: int, batch_size: int = EVAL_BATCH) -> list[str]:
    """Greedy continuations of `prompts`, each stopped at end-of-text; batched = one by one.

    Not `model.generate()`: with transformers 5, peft 0.21's prompt and p-tuning models prepend
    their virtual tokens again at every cached decoding step (positions run past the context), and
    peft ignores position_ids, so left padding would shift positions. Without a cache, right
    padding is exact: causal attention never lets a row's real tokens see its padding.
    """
    eos = tokenizer.eos_token_id
    room = max(1, max_length - max_new_tokens)  # keep the prompt's right end, as training does
    rows = [tokenizer(p, add_special_tokens=False)["input_ids"][-room:] or [eos] for p in prompts]
    new: list[list[int]] = []
    for start in range(0, len(rows), batch_size):
        new += _greedy_batch(model, rows[start:start + batch_size], max_new_tokens, eos)
    return [tokenizer.decode(ids, skip_special_tokens=True) for ids in new]


def _greedy_batch(model: nn.Module, prompts: list[list[int]], max_new_tokens: int,
                  eos: int) -> list[list[int]]:
    rows, new = [list(r) for r in prompts], [[] for _ in prompts]
    live, offset = list(range(len(rows))), virtual_positions(model)
    for _ in range(max_new_tokens):
        if not live:
            break
        width = max(len(rows[i]) for i in live)
        ids = torch.tensor([rows[i] + [eos] * (width - len(rows[i])) for i in live])  # (b, T)
        mask = torch.tensor([[1] * len(rows[i]) + [0] * (width - len(rows[i])) for i in live])
        keep = torch.zeros(len(live), offset + width, dtype=torch.bool)  # (b, m+T)
        keep[torch.arange(len(live)), offset + mask.sum(1) - 1] = True  # each row's last token
        logits = model(input_ids=ids, attention_mask=mask, logits_to_keep=keep,
                       use_cache=False).logits  # (b, V)
        still = []
        for i, token in zip(live, logits.argmax(-1).tolist(), strict=True):
            if token != eos:
                rows[i].append(token)
                new[i].append(token)
                still.append(i)
        live = still
    return new


@dataclass(frozen=True)
class EvalSet:
    """What evaluation reads, encoded once: held-out examples and a few sample prompts."""

    examples: list[Example]
    encoded: list[EncodedExample]
    split: str  # "validation", or "train" when the data has no validation examples
    answer_tokens: int  # new tokens allowed for an exact-match answer


def _subset(examples: list[Example], limit: int) -> list[Example]:
    """At most `limit` examples; for a class task, taken in turn from each label (balanced)."""
    if len(examples) <= limit:
        return examples
    if class_labels([ex.completion for ex in examples]) is None:
        return examples[:limit]
    by_label: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        by_label[ex.completion.strip()].append(ex)
    rounds = [ex for group in zip(*by_label.values(), strict=False) for ex in group]
    return rounds[:limit]


def eval_set(tokenizer, validation: list[Example], train: list[Example], max_length: int) -> EvalSet:
    examples, split = (validation, "validation") if validation else (train, "train")
    examples = _subset(examples, MAX_EVAL_EXAMPLES)
    encoded = encode_all(tokenizer, examples, max_length)
    longest = max(len(tokenizer(ex.completion, add_special_tokens=False)["input_ids"])
                  for ex in examples)
    return EvalSet(examples, encoded, split, min(longest + 1, MAX_ANSWER_TOKENS))


@dataclass(frozen=True)
class EvalReport:
    loss: float | None
    answers: list[str]  # the greedy answer to every held-out prompt, in EvalSet order
    scores: Scores
    samples: list[str]  # longer greedy continuations of the first SAMPLE_PROMPTS prompts

    @property
    def accuracy(self) -> float:
        """Exact match: the CLI's and the charts' accuracy."""
        return self.scores.exact_match


def evaluate(model: nn.Module, tokenizer, data: EvalSet, max_length: int) -> EvalReport:
    """Held-out loss, greedy answers to every held-out prompt scored, and a few generations."""
    was_training = model.training
    model.eval()
    try:
        loss = held_out_loss(model, data.encoded, tokenizer.eos_token_id)
        answers, scores = answer_all(model, tokenizer, data, max_length)
        samples = greedy_complete(model, tokenizer, [ex.prompt for ex in data.examples[:SAMPLE_PROMPTS]],
                                  SAMPLE_NEW_TOKENS, max_length)
    finally:
        model.train(was_training)
    return EvalReport(loss, answers, scores, samples)


def answer_all(model: nn.Module, tokenizer, data: EvalSet, max_length: int
               ) -> tuple[list[str], Scores]:
    """The greedy answer to every held-out prompt, and those answers scored: what a run is
    judged by (its loss alone can fall while every answer stays wrong)."""
    was_training = model.training
    model.eval()
    try:
        answers = greedy_complete(model, tokenizer, [ex.prompt for ex in data.examples],
                                  data.answer_tokens, max_length)
    finally:
        model.train(was_training)
    return answers, score(answers, [ex.completion for ex in data.examples])


def frozen_unchanged(adapted: nn.Module, base: nn.Module) -> bool:
    """True when every frozen base parameter of `adapted` has no gradient and is bitwise equal to
    the same parameter of `base` (matched by GPT-2 name). Added parameters are not base weights."""
    reference = {display_name(raw): p for raw, p in base.named_parameters()}
    added = added_parameter_ids(adapted)
    for raw, p in adapted.named_parameters():
        if p.requires_grad or id(p) in added:
            continue
        ref = reference.get(display_name(raw))
        if p.grad is not None or ref is None or not torch.equal(p, ref):
            return False
    return True
