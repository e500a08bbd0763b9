"""What is measured about a model and a run: the loss on labelled tokens, held-out evaluation,
greedy completions, gradient norms per module group, the proof that frozen weights did not move,
and the run's report (`TrainingResult`). Why a run stopped early is adaptlab.stopping.

Logits are computed only where a label is (transformers' boolean `logits_to_keep`): on a small
GPT-2 the vocabulary projection is a large share of the compute, and the prompt's positions carry
no loss anyway (CONTENT.md 4a). The mean over the kept positions is exactly Hugging Face's loss.
peft's prompt and p-tuning models put m virtual tokens in front of the input, so their hidden
states are m positions longer; prefix tuning adds keys and values, not positions.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import nn

from adaptlab.census import added_parameter_ids, config_dict, display_name
from adaptlab.data import IGNORE_INDEX, EncodedExample, Example, collate, encode_all, exact_match

if TYPE_CHECKING:
    from adaptlab.runs import RunPlan
    from adaptlab.training import StepResult

# peft 0.21's prefix tuning passes `past_key_values`, which transformers 5 renamed; nothing a
# learner can act on.
warnings.filterwarnings("ignore", message=".*past_key_values.*deprecated", category=FutureWarning)

MAX_EVAL_EXAMPLES = 64  # bounds evaluation to a few seconds on the bundled model
EVAL_BATCH = 32
SAMPLE_PROMPTS = 3
SAMPLE_NEW_TOKENS = 24
MAX_ANSWER_TOKENS = 16


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


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


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


def eval_set(tokenizer, validation: list[Example], train: list[Example], max_length: int) -> EvalSet:
    examples, split = (validation, "validation") if validation else (train, "train")
    examples = examples[:MAX_EVAL_EXAMPLES]
    encoded = encode_all(tokenizer, examples, max_length)
    longest = max(len(tokenizer(ex.completion, add_special_tokens=False)["input_ids"])
                  for ex in examples)
    return EvalSet(examples, encoded, split, min(longest + 1, MAX_ANSWER_TOKENS))


@dataclass(frozen=True)
class EvalReport:
    loss: float | None
    accuracy: float
    samples: list[str]  # greedy continuations of the first SAMPLE_PROMPTS prompts


def evaluate(model: nn.Module, tokenizer, data: EvalSet, max_length: int) -> EvalReport:
    """Held-out loss, exact-match accuracy of greedy answers, and a few longer generations."""
    was_training = model.training
    model.eval()
    try:
        loss = held_out_loss(model, data.encoded, tokenizer.eos_token_id)
        prompts = [ex.prompt for ex in data.examples]
        answers = greedy_complete(model, tokenizer, prompts, data.answer_tokens, max_length)
        accuracy = exact_match(answers, [ex.completion for ex in data.examples])
        samples = greedy_complete(model, tokenizer, prompts[:SAMPLE_PROMPTS], SAMPLE_NEW_TOKENS,
                                  max_length)
    finally:
        model.train(was_training)
    return EvalReport(loss, accuracy, samples)


# ---------------------------------------------------------------- gradients and the proof


def module_group(name: str, added: bool) -> str:
    """Where a parameter lives, by its GPT-2 display name: embeddings, block i, final, ..."""
    parts = name.split(".")
    if "h" in parts and parts.index("h") + 1 < len(parts) and parts[parts.index("h") + 1].isdigit():
        place = f"block {parts[parts.index('h') + 1]}"
    elif parts[-2] in ("wte", "wpe", "lm_head"):
        place = "embeddings"
    elif "ln_f" in parts:
        place = "final"
    else:
        return "added: virtual tokens"  # peft's prompt encoder: outside the GPT-2 tree
    return f"added: {place}" if added else place


class GradGroups:
    """Gradient norm per module group, with one fused norm call over all trainable tensors."""

    def __init__(self, model: nn.Module) -> None:
        added = added_parameter_ids(model)
        self.params: list[nn.Parameter] = []
        group_of: list[str] = []
        self.frozen: dict[str, bool] = {}
        for raw, p in model.named_parameters():
            group = module_group(display_name(raw), id(p) in added)
            self.frozen[group] = self.frozen.get(group, True) and not p.requires_grad
            if p.requires_grad:
                self.params.append(p)
                group_of.append(group)
        self.names = list(self.frozen)
        self.index = [self.names.index(g) for g in group_of]

    def measure_and_clip(self, max_norm: float) -> tuple[float, dict[str, float | None]]:
        live = [(p, i) for p, i in zip(self.params, self.index, strict=True) if p.grad is not None]
        per_group = torch.zeros(len(self.names))
        total = torch.zeros(())
        if live:
            squares = torch.stack(torch._foreach_norm([p.grad for p, _ in live])).square()  # (P,)
            per_group.index_add_(0, torch.tensor([i for _, i in live]), squares)
            total = squares.sum().sqrt()
            if max_norm > 0 and torch.isfinite(total):
                # takes the parameters (it scales their .grad), not the gradient tensors
                torch.nn.utils.clip_grads_with_norm_([p for p, _ in live], max_norm, total)
        norms = per_group.sqrt().tolist()
        return float(total), {name: None if self.frozen[name] else finite(norms[i])
                              for i, name in enumerate(self.names)}


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


# ---------------------------------------------------------------- the report of a run


@dataclass
class TrainingResult:
    """Everything a run produced; `to_json()` is the CLI's contract (DESIGN.md)."""

    plan: RunPlan
    steps: list[StepResult]
    before: EvalReport
    after: EvalReport | None  # None when the learner stopped the run
    eval_split: str
    sample_prompts: list[str]
    trainable_params: int
    total_params: int
    frozen_unchanged: bool
    stopped_reason: str | None
    model: nn.Module | None = field(repr=False)  # the adapted, trained copy (None once released)
    tokenizer: Any = field(repr=False)
    base: nn.Module = field(repr=False)  # the shared base it was copied from; read-only

    @property
    def losses(self) -> list[float | None]:
        return [s.loss for s in self.steps]

    @property
    def eval_points(self) -> list[tuple[int, float | None]]:
        """(step, held-out loss): before training (step 0), periodic points, after training."""
        points = [(0, self.before.loss)] + [(s.step, s.eval_loss) for s in self.steps
                                            if s.eval_loss is not None]
        if self.after is not None and self.steps and points[-1][0] != self.steps[-1].step:
            points.append((self.steps[-1].step, self.after.loss))
        return points

    @property
    def seconds_per_step(self) -> float | None:
        return sum(s.seconds for s in self.steps) / len(self.steps) if self.steps else None

    def to_json(self) -> dict[str, Any]:
        after = self.after
        samples = [{"prompt": p, "before": b, "after": after.samples[i] if after else None}
                   for i, (p, b) in enumerate(zip(self.sample_prompts, self.before.samples, strict=True))]
        return {
            "model": self.plan.model, "method": self.plan.method,
            "settings": config_dict(self.plan.method_config), "training": asdict(self.plan.config),
            "data": self.plan.data_source, "eval_split": self.eval_split,
            "steps_done": len(self.steps), "losses": self.losses,
            "lrs": [s.lr for s in self.steps], "grad_norms": [s.grad_norm for s in self.steps],
            "eval_points": [{"step": s, "loss": v} for s, v in self.eval_points],
            "eval_loss_before": self.before.loss, "eval_loss_after": after.loss if after else None,
            "accuracy_before": self.before.accuracy,
            "accuracy_after": after.accuracy if after else None, "samples": samples,
            "seconds_per_step": self.seconds_per_step, "trainable_params": self.trainable_params,
            "total_params": self.total_params, "frozen_unchanged": self.frozen_unchanged,
            "stopped_reason": self.stopped_reason,
        }
