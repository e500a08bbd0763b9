"""Diagnose scenarios' runs, really trained: every number comes from the engine's `train_steps`.

The scenarios themselves (recipes, checks, texts) are in adaptlab.training.scenarios. The two
bugs a recipe may carry are applied here, openly, to the adapted copy: freezing every parameter
after the method, and a masking step that masks every label.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from adaptlab.data import IGNORE_INDEX, batches, encode_all, load_task, split
from adaptlab.errors import UserInputError
from adaptlab.methods.base import freeze_all
from adaptlab.training.config import default_lr
from adaptlab.training.evaluation import answer_all, eval_set, held_out_loss
from adaptlab.training.plan import adapt, plan_run
from adaptlab.training.scenarios import (
    FREEZE_ALL,
    MASK_ALL,
    REFUSED,
    HeldOutAnswers,
    Outcome,
    Recipe,
)
from adaptlab.training.steps import StepResult, train_steps


def _examples(recipe: Recipe) -> list:
    train, validation = split(load_task(recipe.task))
    return train[:recipe.train_examples] + validation


def mask_every_label(batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The bug: a masking step that hides the completion as well as the prompt."""
    return {**batch, "labels": torch.full_like(batch["labels"], IGNORE_INDEX)}


def _stream(recipe: Recipe, encoded: list, pad: int) -> Iterator[dict[str, torch.Tensor]]:
    stream = batches(encoded, recipe.batch_size, recipe.seed, pad)
    return map(mask_every_label, stream) if recipe.bug == MASK_ALL else stream


def run(recipe: Recipe, base: nn.Module, tokenizer: Any) -> Outcome:
    """Really train a copy of `base` as `recipe` says; `base` is only read."""
    start = time.perf_counter()
    plan = plan_run("mini", recipe.method, dict(recipe.settings),
                    context=base.config.n_positions, examples=_examples(recipe),
                    steps=recipe.steps, lr=recipe.lr, batch_size=recipe.batch_size,
                    max_length=recipe.max_length, eval_every=recipe.eval_every, seed=recipe.seed)
    model = adapt(base, plan)
    if recipe.bug == FREEZE_ALL:
        freeze_all(model)
    pad = tokenizer.eos_token_id
    data = eval_set(tokenizer, list(plan.validation), list(plan.train), recipe.max_length)
    held = data.encoded
    encoded = encode_all(tokenizer, list(plan.train), recipe.max_length)
    points = [(0, held_out_loss(model, held, pad))]
    before, scores_before = answer_all(model, tokenizer, data, recipe.max_length)
    steps, stopped = _train(model, plan.config, _stream(recipe, encoded, pad),
                            lambda: held_out_loss(model, held, pad),
                            default_lr(recipe.method))
    points += [(s.step, s.eval_loss) for s in steps if s.eval_loss is not None]
    if steps and not stopped and points[-1][0] != steps[-1].step:
        points.append((steps[-1].step, held_out_loss(model, held, pad)))
    after, scores_after = (answer_all(model, tokenizer, data, recipe.max_length) if steps
                           else (None, None))
    answers = HeldOutAnswers(tuple(ex.prompt for ex in data.examples),
                             tuple(ex.completion for ex in data.examples), tuple(before),
                             None if after is None else tuple(after), scores_before, scores_after)
    params = list(model.parameters())
    return Outcome(recipe, tuple(steps), tuple(points),
                   sum(p.numel() for p in params if p.requires_grad),
                   sum(p.numel() for p in params), stopped, time.perf_counter() - start, answers)


def _train(model, config, stream, held_out, suggested) -> tuple[list[StepResult], str | None]:
    """The engine's steps; its refusal to start (nothing trainable) becomes the stop reason."""
    steps: list[StepResult] = []
    try:
        for result in train_steps(model, stream, config, held_out=held_out, suggested_lr=suggested):
            steps.append(result)
    except UserInputError as exc:
        return steps, REFUSED + str(exc)
    return steps, steps[-1].stopped if steps else None


def masked_mean_cross_entropy() -> float:
    """What PyTorch's mean cross-entropy returns when every target is -100 (it is NaN)."""
    logits = torch.zeros(4, 8)  # (N, V): any values; no target selects one
    targets = torch.full((4,), IGNORE_INDEX)
    return float(torch.nn.functional.cross_entropy(logits, targets))
