"""Broken runs to diagnose: each scenario really trains the model twice, broken and fixed.

A scenario is data (a frozen dataclass): what the learner sees, the settings of the broken run
and of its fix, and diagnosis options whose feedback names the misconception (CONTENT.md 4c).
Every number comes from the engine's `train_steps`; nothing is simulated. Two bugs cannot be
asked of `plan_run` (it only builds healthy runs), so they are applied here, openly, to the
adapted copy: freezing every parameter after the method, and a masking step that masks every label.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import torch
from torch import nn

from adaptlab.data import IGNORE_INDEX, batches, encode_all, load_task, split
from adaptlab.errors import UserInputError
from adaptlab.evaluation import eval_set, held_out_loss
from adaptlab.methods import get_method
from adaptlab.methods.base import freeze_all
from adaptlab.training import SUGGESTED_LR, StepResult, adapt, plan_run, train_steps

FREEZE_ALL = "freeze every parameter after applying the method"
MASK_ALL = "set every label to -100"
REFUSED = "The engine refused to start: "


@dataclass(frozen=True)
class Recipe:
    """One run: method, training settings, data, and at most one deliberate bug."""

    method: str = "lora"
    lr: float = 2e-3
    steps: int = 20
    settings: tuple[tuple[str, Any], ...] = ()  # the method's own settings
    task: str = "sentiment"
    train_examples: int | None = None  # only the first n training examples (None: all)
    batch_size: int = 8
    max_length: int = 40
    eval_every: int = 5
    seed: int = 0
    bug: str | None = None  # FREEZE_ALL, MASK_ALL or None

    def describe(self) -> str:
        data = (f"{self.train_examples} training examples" if self.train_examples
                else "all training examples")
        # The bug is left out on purpose: naming it would give the diagnosis away.
        return f"{get_method(self.method).title}, lr={self.lr:g}, {self.steps} steps, {data}"


@dataclass(frozen=True)
class Outcome:
    """What one real run produced; losses and eval points are None where not finite."""

    recipe: Recipe
    steps: tuple[StepResult, ...]
    eval_points: tuple[tuple[int, float | None], ...]  # (step, held-out loss); step 0 = before
    trainable_params: int
    total_params: int
    stopped_reason: str | None
    seconds: float

    @property
    def losses(self) -> list[float | None]:
        return [s.loss for s in self.steps]

    @property
    def first_loss(self) -> float | None:
        return next((v for v in self.losses if v is not None), None)

    @property
    def final_loss(self) -> float | None:
        """The last finite training loss, averaged over the last 3 steps to damp batch noise."""
        tail = [v for v in self.losses[-3:] if v is not None]
        return sum(tail) / len(tail) if tail else None

    @property
    def eval_before(self) -> float | None:
        return self.eval_points[0][1] if self.eval_points else None

    @property
    def eval_after(self) -> float | None:
        return self.eval_points[-1][1] if len(self.eval_points) > 1 else None


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
    held = eval_set(tokenizer, list(plan.validation), list(plan.train), recipe.max_length).encoded
    encoded = encode_all(tokenizer, list(plan.train), recipe.max_length)
    points = [(0, held_out_loss(model, held, pad))]
    steps, stopped = _train(model, plan.config, _stream(recipe, encoded, pad),
                            lambda: held_out_loss(model, held, pad),
                            SUGGESTED_LR.get(get_method(recipe.method).family, 1e-3))
    points += [(s.step, s.eval_loss) for s in steps if s.eval_loss is not None]
    if steps and not stopped and points[-1][0] != steps[-1].step:
        points.append((steps[-1].step, held_out_loss(model, held, pad)))
    params = list(model.parameters())
    return Outcome(recipe, tuple(steps), tuple(points),
                   sum(p.numel() for p in params if p.requires_grad),
                   sum(p.numel() for p in params), stopped, time.perf_counter() - start)


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


# ---------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Option:
    """One diagnosis a learner can pick; `feedback` names the misconception when it is wrong."""

    key: str
    text: str
    feedback: str
    correct: bool = False


Check = Callable[[Outcome, Outcome], bool]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    symptom: str  # what the learner sees, described neutrally
    broken: Recipe
    fixed: Recipe
    options: tuple[Option, ...]
    change: str  # what the fix changes, in one sentence
    shows_symptom: Callable[[Outcome], bool] = field(repr=False)
    fix_works: Check = field(repr=False)  # (broken, fixed) -> the fix really worked

    def run_broken(self, base: nn.Module, tokenizer: Any) -> Outcome:
        return run(self.broken, base, tokenizer)

    def run_fixed(self, base: nn.Module, tokenizer: Any) -> Outcome:
        return run(self.fixed, base, tokenizer)

    @property
    def answer(self) -> Option:
        return next(o for o in self.options if o.correct)


def learned(outcome: Outcome, share: float = 0.6) -> bool:
    """Ran to the end with finite losses and the held-out loss fell below `share` of its start."""
    before, after = outcome.eval_before, outcome.eval_after
    return (outcome.stopped_reason is None and outcome.final_loss is not None
            and before is not None and after is not None and after < share * before)


def flat(outcome: Outcome, tolerance: float = 0.02) -> bool:
    """Ran to the end, but the held-out loss moved by less than `tolerance` of its start."""
    before, after = outcome.eval_before, outcome.eval_after
    return (outcome.stopped_reason is None and before is not None and after is not None
            and abs(after - before) < tolerance * before)


def _drop(outcome: Outcome) -> float:
    return (outcome.eval_before or 0.0) - (outcome.eval_after or math.inf)


def _rises_after_minimum(outcome: Outcome, by: float = 1.0) -> bool:
    values = [v for _, v in outcome.eval_points if v is not None]
    return len(values) > 2 and values[-1] > min(values) + by


def _overfits(o: Outcome) -> bool:
    first, final = o.first_loss, o.final_loss
    return (first is not None and final is not None and final < 0.1 * first
            and _rises_after_minimum(o))


def _generalises(broken: Outcome, fixed: Outcome) -> bool:
    after = fixed.eval_after
    return (learned(fixed) and after is not None and after < (broken.eval_after or 0) - 2
            and not _rises_after_minimum(fixed, by=0.5))


def _option(key: str, text: str, feedback: str, correct: bool = False) -> Option:
    return Option(key, text, feedback, correct)


HEALTHY_LORA = Recipe()  # LoRA at the rate the engine suggests for it (SUGGESTED_LR)
WRONG_MASKED = _option(
    "masked", "Every label is masked (-100), so the loss carries no signal.",
    "Not this run: a fully masked batch has no token to score, so it has no loss at all "
    "(PyTorch's mean cross-entropy gives NaN, never a number). Here every step scored real "
    "completion tokens and reported a finite loss.")

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "lr-too-low", "A run that does not move",
        "LoRA on the sentiment task, 20 steps. The run finishes without an error, yet the training "
        "loss only wobbles around its first value and the held-out loss stays where it started.",
        replace(HEALTHY_LORA, lr=1e-7), HEALTHY_LORA,
        (_option("lr", "The learning rate is far too low: every update is tiny, so 20 steps "
                       "change almost nothing.",
                 "Right. At lr=1e-7 AdamW moves each weight by about 1e-7 per step. PEFT methods "
                 "usually need a higher rate than full fine-tuning, not a lower one.", True),
         _option("frozen", "Everything is frozen: no parameter is trainable.",
                 "Check the run's facts first: 24,576 parameters are trainable. A run with nothing "
                 "trainable does not run flat: the engine refuses to start it."),
         WRONG_MASKED,
         _option("lora-zero", "LoRA starts with B = 0, so ΔW = BA is zero and never learns.",
                 "Misconception: B = 0 with A random is LoRA's standard start. B gets a gradient "
                 "at the first step; only A and B both at zero would block learning.")),
        "Only the learning rate changed: 1e-7 to 2e-3, the engine's suggested rate for LoRA.",
        flat, lambda b, f: learned(f) and (f.eval_after or 0) < (b.eval_after or 0) - 2),
    Scenario(
        "all-frozen", "A run that never starts",
        "LoRA on the sentiment task. The training code applied LoRA and then ran a loop over the "
        "model's parameters. The run ends before its first step: no loss curve at all.",
        replace(HEALTHY_LORA, bug=FREEZE_ALL), HEALTHY_LORA,
        (_option("frozen", "Every parameter is frozen (requires_grad=False everywhere), so the "
                           "optimizer would get an empty list.",
                 "Right. The loop froze LoRA's new A and B as well as the base weights: 0 "
                 "trainable parameters. Check the trainable count before training.", True),
         _option("lr", "The learning rate is too low.",
                 "Misconception: a low rate still makes small updates and the run goes on with a "
                 "flat curve. Here there is nothing to update, at any rate."),
         _option("peft-frozen", "PEFT freezes the model by design; it only needs more steps.",
                 "Misconception: PEFT freezes the base weights but trains its own added ones "
                 "(LoRA's A and B). A trainable count of 0 means those were frozen too."),
         _option("backprop", "Frozen layers stop backpropagation, so no gradient reaches "
                             "anything.",
                 "Misconception: the backward pass still runs through frozen layers (prompt "
                 "tuning relies on it); frozen weights just get no gradient of their own.")),
        "The loop that froze every parameter is gone: LoRA's A and B train again.",
        lambda b: b.trainable_params == 0 and not b.steps and bool(b.stopped_reason),
        lambda b, f: f.trainable_params > 0 and learned(f)),
    Scenario(
        "labels-masked", "A run that stops at step 1",
        "LoRA on the sentiment task with a new masking step in the data pipeline. The run stops "
        "at step 1 and has no loss value to show.",
        replace(HEALTHY_LORA, bug=MASK_ALL), HEALTHY_LORA,
        (_option("masked", "Every label is -100, so no token is scored: PyTorch's mean "
                           "cross-entropy over zero tokens is NaN.",
                 "Right. The masking step hid the completion as well as the prompt. Only the "
                 "prompt should be -100; the completion is what the loss scores.", True),
         _option("zero", "Nothing is wrong: a fully masked batch has loss 0, a perfect score.",
                 "Misconception: with every label ignored there is nothing to average, and "
                 "PyTorch's mean cross-entropy returns NaN, not 0."),
         _option("lr", "The learning rate is too high and the loss exploded.",
                 "A divergence needs updates first: the loss rises after some steps. This run "
                 "stopped before any update, because the batch had 0 scored tokens."),
         _option("shift", "The labels must be shifted by one before they go to the model.",
                 "Misconception: Hugging Face causal LMs shift labels internally. Shifting them "
                 "yourself gives a double shift (a loss stuck high), not zero scored tokens.")),
        "The masking step is fixed: prompt tokens are -100, completion tokens keep their ids.",
        lambda b: len(b.steps) == 1 and b.steps[0].target_tokens == 0 and b.losses == [None],
        lambda b, f: learned(f)),
    Scenario(
        "lr-too-high", "A run that blows up",
        "Full fine-tuning on the sentiment task. After the first update the loss jumps far above "
        "where it started and the run stops at step 2.",
        Recipe("full", lr=1.0), Recipe("full", lr=3e-4),
        (_option("lr", "The learning rate is far too high: each update overshoots and the loss "
                       "diverges.",
                 "Right. lr=1 throws the weights far past any minimum. Full fine-tuning of this "
                 "model learns well at 3e-4; a divergence can also end in NaN.", True),
         _option("zero-grad", "zero_grad() ran between backward() and the optimizer step.",
                 "That bug erases the gradients, so nothing updates: the loss would stay flat, "
                 "not jump."),
         _option("clip", "Gradient clipping must come before the backward pass.",
                 "Misconception: clipping needs the gradients, so it comes after backward and "
                 "before the step. The engine clipped to norm 1 and the rate still overshot."),
         WRONG_MASKED),
        "Only the learning rate changed: 1 to 3e-4, the engine's suggested rate for full "
        "fine-tuning.",
        lambda b: b.stopped_reason is not None and len(b.steps) < b.recipe.steps,
        lambda b, f: learned(f)),
    Scenario(
        "prompt-tiny", "A soft prompt that barely helps",
        "Prompt tuning (20 virtual tokens) on the sentiment task, 20 steps at lr=1e-2, the rate "
        "suggested for soft prompts. The loss falls, but after 20 steps it is still high.",
        Recipe("prompt", lr=1e-2), HEALTHY_LORA,
        (_option("scale", "Prompt tuning converges slowly and needs a very large model (about "
                          "10B parameters) to match fine-tuning; on a tiny model a soft prompt "
                          "has little leverage.",
                 "Right. Only 3,840 input vectors steer a frozen 2.6 M-parameter model. With this "
                 "budget, LoRA or full fine-tuning is the better choice.", True),
         _option("every-layer", "Prompt tuning trains every layer, so 20 steps are too few.",
                 "Misconception: prompt tuning trains the input soft prompt only. Prefix tuning "
                 "is the method that adds vectors at every layer."),
         _option("frozen", "The model is frozen, so it cannot learn.",
                 "Freezing the base is by design: the soft prompt trains (3,840 values) and the "
                 "loss does fall, only slowly."),
         _option("backprop", "Backpropagation stops at the frozen layers, so the soft prompt "
                             "gets no gradient.",
                 "Misconception: the gradient flows back through every frozen layer to reach the "
                 "soft prompt; that is why the loss falls at all.")),
        "Same data, steps and seed; the method changed from prompt tuning to LoRA.",
        lambda b: b.stopped_reason is None and (b.eval_after or 0) > 0.5 * (b.eval_before or 0),
        # The fix reaches a held-out loss at least one nat lower with the same budget.
        lambda b, f: learned(f) and (f.eval_after or math.inf) < (b.eval_after or 0.0) - 1.0),
    Scenario(
        "overfitting", "Better on training, worse on held-out",
        "Full fine-tuning on the facts task, 30 steps. The training loss falls almost to 0; the "
        "held-out loss falls at first, then climbs.",
        Recipe("full", lr=1e-3, steps=30, task="facts", train_examples=4, batch_size=4,
               max_length=32),
        Recipe("full", lr=1e-3, steps=30, task="facts", batch_size=4, max_length=32),
        (_option("overfit", "Overfitting: the model memorises its few training examples "
                            "instead of learning the task.",
                 "Right. Four examples seen over and over are learnt by heart. More varied data "
                 "helps; so do early stopping, regularisation or a smaller rate.", True),
         _option("lr-high", "The learning rate is too high: the run is diverging.",
                 "A divergence shows in the training loss too (jumps, NaN). Here the training "
                 "loss falls smoothly; the held-out rise is about generalising."),
         _option("lr-low", "The learning rate is too low: train longer.",
                 "The training loss is nearly 0, so the rate is enough. More steps on the same "
                 "four examples would push the held-out loss higher still."),
         _option("fine", "Nothing is wrong: a lower training loss means a better model.",
                 "Misconception: the training loss only covers the examples trained on. The "
                 "held-out loss measures the task, and it got worse.")),
        "Same steps and rate; the run trains on every training example instead of 4.",
        _overfits, _generalises),
)
BY_ID = {s.id: s for s in SCENARIOS}


def get_scenario(scenario_id: str) -> Scenario:
    if scenario_id not in BY_ID:
        raise UserInputError(f"unknown scenario {scenario_id!r}: choose one of {', '.join(BY_ID)}")
    return BY_ID[scenario_id]


def check_diagnosis(scenario_id: str, choice: str) -> tuple[bool, str]:
    """(correct, feedback) for the option with key `choice`."""
    scenario = get_scenario(scenario_id)
    option = next((o for o in scenario.options if o.key == choice), None)
    if option is None:
        keys = ", ".join(o.key for o in scenario.options)
        raise UserInputError(f"{choice!r} is not an option of {scenario_id}: choose one of {keys}")
    return option.correct, option.feedback
