"""The Diagnose scenarios: each a broken run and its fix, the checks on what they produce, and
the words the learner reads; no torch, so the page draws at once (adaptlab.training.diagnosis
trains the runs, in a worker process).

A scenario joins two halves by id: its texts (what the learner sees, and diagnosis options whose
feedback names the misconception, CONTENT.md 4c) are data in assets/diagnosis/scenarios.yaml,
loaded by `adaptlab.training.scenario_texts`; its runs (the broken recipe and its fix) and the
checks on their outcomes are code, in `RUNS` below. Two bugs cannot be asked of `plan_run` (it
only builds healthy runs), so a recipe names them and the trainer applies them, openly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from adaptlab.errors import UserInputError
from adaptlab.methods import get_method
from adaptlab.model_specs import architecture
from adaptlab.training.config import default_lr
from adaptlab.training.metrics import Scores, answer_rows
from adaptlab.training.scenario_texts import Option, ScenarioText, load_texts

if TYPE_CHECKING:  # steps imports torch: an Outcome only carries its results
    from adaptlab.training.steps import StepResult

FREEZE_ALL = "freeze every parameter after applying the method"
MASK_ALL = "set every label to -100"
REFUSED = "The engine refused to start: "


# A diagnosis needs the symptom, not a finished model: each run is this many steps. The facts
# scenarios run FACTS_STEPS: a fix is judged by its held-out answers, and new facts take longer
# to learn than a sentiment label (at 40 steps the overfitting fix answered 3% of the held-out
# questions right, at 120 steps 93%, about 10 s a run). Rate, schedule and warm-up are the
# method's defaults (MethodSpec.training) unless a scenario breaks one of them on purpose.
DIAGNOSE_STEPS = 40
FACTS_STEPS = 120
# The lab's verdict on a fix: its held-out answers, not only its loss. The fixed run must answer
# this much more of them right (balanced accuracy or exact match) than the broken one.
BETTER_ANSWERS = 0.3
# Settings kept out of sight in every scenario until the learner has named the cause, with the
# cause itself: were only the cause hidden, its "?" would name it ("lr=?": the learning rate).
SUSPECTS = ("lr", "train_examples")


@dataclass(frozen=True)
class Recipe:
    """One run: method, training settings, data, and at most one deliberate bug."""

    method: str = "lora"
    lr: float | None = None  # None: the method's default rate
    steps: int = DIAGNOSE_STEPS
    settings: tuple[tuple[str, Any], ...] = ()  # the method's own settings
    task: str = "sentiment"
    train_examples: int | None = None  # only the first n training examples (None: all)
    batch_size: int = 8
    max_length: int = 40
    eval_every: int = 5
    seed: int = 0
    bug: str | None = None  # FREEZE_ALL, MASK_ALL or None

    @property
    def rate(self) -> float:
        return self.lr if self.lr is not None else default_lr(self.method)

    def pieces(self) -> dict[str, str]:
        """The learner-visible settings by Recipe field, e.g. {"lr": "lr=1e-07"}."""
        data = str(self.train_examples) if self.train_examples else "all"
        out = {"lr": f"lr={self.rate:g}", "steps": f"steps={self.steps}",
               "train_examples": f"training examples={data}",
               "batch_size": f"batch_size={self.batch_size}",
               "max_length": f"max_length={self.max_length}", "seed": f"seed={self.seed}"}
        return out | ({"bug": f"bug: {self.bug}"} if self.bug else {})

    def describe(self, hidden: Collection[str] = ()) -> str:
        """The settings, each field in `hidden` shown as "?" (a bug is left out while hidden):
        the cause of a broken run stays out of sight until the learner has named it."""
        shown = [piece if name not in hidden else f"{piece.split('=')[0]}=?"
                 for name, piece in self.pieces().items() if not (name == "bug" and name in hidden)]
        return f"{get_method(self.method).title} on {self.task}: {', '.join(shown)}"

    def trainable(self) -> int:
        """Trainable parameters of this recipe's method on the bundled model (its formula)."""
        spec = get_method(self.method)
        return spec.formula(spec.config(dict(self.settings)), architecture("mini")).value


@dataclass(frozen=True)
class HeldOutAnswers:
    """The model's greedy answer to every held-out prompt, before and after training, scored."""

    prompts: tuple[str, ...]
    expected: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...] | None  # None when no step ran
    scores_before: Scores
    scores_after: Scores | None

    def rows(self) -> list[dict[str, Any]]:
        """Per held-out example: prompt, expected answer, the answers before and after, right?"""
        return answer_rows(self.prompts, self.expected, self.before, self.after)


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
    answers: HeldOutAnswers | None = None

    @property
    def accuracy_before(self) -> float | None:
        """The headline score (balanced accuracy, or exact match) before training."""
        return self.answers.scores_before.headline if self.answers else None

    @property
    def accuracy_after(self) -> float | None:
        scores = self.answers.scores_after if self.answers else None
        return scores.headline if scores else None

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
    cause: tuple[str, ...] = ()  # Recipe fields hidden until the learner has named the cause

    @property
    def answer(self) -> Option:
        return next(o for o in self.options if o.correct)

    @property
    def hidden_until_named(self) -> tuple[str, ...]:
        """The broken recipe's fields out of sight until the cause is named: SUSPECTS, then the
        cause where it is another (a bug: left out of the settings, not shown as "?")."""
        return tuple(dict.fromkeys((*SUSPECTS, *self.cause)))

    def fix_worked(self, broken: Outcome, fixed: Outcome) -> bool:
        """The scenario's own check on the curves, and the held-out answers: the fixed run gets
        clearly more of them right than the broken one (a loss can fall while every answer
        stays wrong)."""
        after = fixed.accuracy_after
        return (self.fix_works(broken, fixed) and after is not None
                and after >= (broken.accuracy_after or 0.0) + BETTER_ANSWERS)


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


def _rises_after_minimum(outcome: Outcome, by: float = 1.0) -> bool:
    values = [v for _, v in outcome.eval_points if v is not None]
    return len(values) > 2 and values[-1] > min(values) + by


def _overfits(o: Outcome) -> bool:
    first, final = o.first_loss, o.final_loss
    return (first is not None and final is not None and final < 0.1 * first
            and _rises_after_minimum(o, by=0.75))


def _generalises(broken: Outcome, fixed: Outcome) -> bool:
    after = fixed.eval_after
    return (learned(fixed) and after is not None and after < (broken.eval_after or 0) - 2
            and not _rises_after_minimum(fixed, by=0.5))


@dataclass(frozen=True)
class Runs:
    """The code half of a scenario: its two runs and the checks on what they produced."""

    broken: Recipe
    fixed: Recipe
    shows_symptom: Callable[[Outcome], bool]
    fix_works: Check
    # The broken recipe's fields that are the cause (the fix changes them): kept from the learner
    # until they have named it. Empty where the cause is no setting (a method's limits).
    cause: tuple[str, ...] = ()


HEALTHY_LORA = Recipe()  # LoRA at its default rate, schedule and warm-up
FACTS_LENGTH = {"steps": FACTS_STEPS, "eval_every": 10}  # every run on the facts task
FACTS = {"task": "facts", "batch_size": 4, "max_length": 32, **FACTS_LENGTH}

# Keyed by scenario id; the texts of each scenario are in SCENARIOS_FILE, in display order.
RUNS: dict[str, Runs] = {
    "lr-too-low": Runs(
        replace(HEALTHY_LORA, lr=1e-7), HEALTHY_LORA,
        flat, lambda b, f: learned(f) and (f.eval_after or 0) < (b.eval_after or 0) - 2, ("lr",)),
    "all-frozen": Runs(
        replace(HEALTHY_LORA, bug=FREEZE_ALL), HEALTHY_LORA,
        lambda b: b.trainable_params == 0 and not b.steps and bool(b.stopped_reason),
        lambda b, f: f.trainable_params > 0 and learned(f), ("bug",)),
    "labels-masked": Runs(
        replace(HEALTHY_LORA, bug=MASK_ALL), HEALTHY_LORA,
        lambda b: len(b.steps) == 1 and b.steps[0].target_tokens == 0 and b.losses == [None],
        lambda b, f: learned(f), ("bug",)),
    "lr-too-high": Runs(
        Recipe("full", lr=1.0), Recipe("full"),
        lambda b: b.stopped_reason is not None and len(b.steps) < b.recipe.steps,
        lambda b, f: learned(f), ("lr",)),
    "prompt-tiny": Runs(  # new knowledge: a soft prompt steers skills but stores no facts
        Recipe("prompt", task="facts", **FACTS_LENGTH), Recipe("full", task="facts", **FACTS_LENGTH),
        lambda b: b.stopped_reason is None and (b.eval_after or 0) > 0.5 * (b.eval_before or 0),
        # The fix reaches a held-out loss at least one nat lower with the same budget.
        lambda b, f: learned(f) and (f.eval_after or math.inf) < (b.eval_after or 0.0) - 1.0),
    "overfitting": Runs(
        Recipe("full", train_examples=4, **FACTS), Recipe("full", **FACTS),
        _overfits, _generalises, ("train_examples",)),
}


def _numbers(code: Runs) -> dict[str, str]:
    """What a scenario's texts may quote of its runs, e.g. {fixed_lr}: never a stale copy."""
    return {"broken_lr": f"{code.broken.rate:g}", "fixed_lr": f"{code.fixed.rate:g}",
            "broken_steps": str(code.broken.steps), "fixed_steps": str(code.fixed.steps),
            "broken_trainable": f"{code.broken.trainable():,}",
            "fixed_trainable": f"{code.fixed.trainable():,}"}


def _join(text: ScenarioText, code: Runs) -> Scenario:
    numbers = _numbers(code)

    def fill(value: str) -> str:
        return value.format_map(numbers)

    options = tuple(replace(o, text=fill(o.text), feedback=fill(o.feedback)) for o in text.options)
    return Scenario(text.id, fill(text.title), fill(text.symptom), code.broken, code.fixed, options,
                    fill(text.change), code.shows_symptom, code.fix_works, code.cause)


SCENARIOS: tuple[Scenario, ...] = tuple(_join(t, RUNS[t.id]) for t in load_texts(RUNS))
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
