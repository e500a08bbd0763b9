"""Typed, frozen question objects: what a quiz question is, independent of where it came from.

The YAML bank (bank.py) and the generator (generated.py) both produce these; grading.py,
export.py and the pages only read them. One class per question type, all sharing `Question`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Topic id -> title shown on the Quiz page. A question's topic must be one of these.
TOPICS: dict[str, str] = {
    "classification": "Classifying adaptation methods",
    "mechanisms": "Mechanisms: what each method changes",
    "freezing": "What freezing does to gradients",
    "training_step": "The order of events in one training step",
    "loss": "The role of the loss and loss masking",
    "diagnosis": "Diagnosing a stalled run",
    "strategy": "Choosing a strategy under constraints",
    "counting": "Counting parameters",
    "beyond_sft": "Beyond SFT: RLHF, weak-to-strong, data selection",
}

# App pages a question can link to ("lab"); query parameters may follow, e.g. /parameters?method=lora.
LAB_PAGES: tuple[str, ...] = ("/methods", "/parameters", "/train", "/compare", "/diagnose")

# Type id (what a bank file writes) -> what the learner is asked to do, as an instructor's live
# push picker and the projected question name it.
QUESTION_TYPES: dict[str, str] = {
    "single": "Pick one", "multi": "Pick all that apply", "classify": "Classify",
    "match": "Match", "order": "Put in order", "numeric": "Give a number",
    "scenario": "Scenario: pick one",
}


class QuizBankError(ValueError):
    """A question file or question is invalid. `errors` holds one line per problem."""

    def __init__(self, errors: list[str] | str) -> None:
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Option:
    """A choice in single/multi/scenario questions, or a step of an ordering question.

    `feedback` names the misconception a learner who picks (or misplaces) it probably holds.
    """

    id: str
    text: str
    feedback: str = ""


@dataclass(frozen=True)
class Item:
    """Something to sort (classify) or to pair (match); `answer` is the id of its right choice.

    `feedback` explains the right pairing; `mistakes` (choice id, text) names what a learner
    who picks that particular wrong choice probably believes.
    """

    id: str
    text: str
    answer: str
    feedback: str = ""
    mistakes: tuple[tuple[str, str], ...] = ()

    def mistake(self, choice_id: str) -> str:
        return next((text for cid, text in self.mistakes if cid == choice_id), "")


@dataclass(frozen=True)
class WrongValue:
    """A tempting wrong numeric answer and the misconception behind it."""

    value: float
    feedback: str
    tolerance: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Question:
    """Fields every question has. `source` scopes disputed content to a named reference."""

    id: str
    type: str
    topic: str
    prompt: str
    hint: str
    explanation: str
    lab: str
    source: str = ""
    file: str = ""  # where it was loaded from ("generated" for generated questions)

    @property
    def lab_page(self) -> str:
        """The page path without query parameters, e.g. "/parameters"."""
        return self.lab.split("?", 1)[0]

    @property
    def asked_to(self) -> str:
        """What the learner is asked to do, e.g. "Pick one" (the live picker, the projector)."""
        return QUESTION_TYPES[self.type]


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    """single, multi and scenario: pick option ids. `answer` holds the correct ids."""

    options: tuple[Option, ...]
    answer: tuple[str, ...]
    multiple: bool = False  # True: a list of ids is expected (multi select)
    situation: str = ""  # scenario only: the described situation, shown above the prompt
    # Options that have a natural order of their own (generated "block 0 ... block 11"): shown
    # in that order, since shuffling numbers only hides them. The YAML bank never sets it.
    keep_order: bool = False

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def asked_to(self) -> str:
        # A scenario keys one answer or several; "pick one" over "select all that apply" misleads.
        if self.type == "scenario" and self.multiple:
            return "Scenario: pick all that apply"
        return super().asked_to


@dataclass(frozen=True, kw_only=True)
class PairingQuestion(Question):
    """classify (items -> categories) and match (techniques -> mechanisms)."""

    items: tuple[Item, ...]
    choices: tuple[Option, ...]

    def choice_text(self, choice_id: str) -> str:
        return next((c.text for c in self.choices if c.id == choice_id), choice_id)

    @property
    def key(self) -> dict[str, str]:
        return {item.id: item.answer for item in self.items}

    @property
    def best_constant(self) -> int:
        """How many items one choice, given to every item, gets right (the lazy answer)."""
        answers = [item.answer for item in self.items]
        return max(answers.count(a) for a in set(answers))


@dataclass(frozen=True, kw_only=True)
class OrderQuestion(Question):
    """order: put `steps` in order. Any of `accepted` (each a permutation of step ids) is right."""

    steps: tuple[Option, ...]
    accepted: tuple[tuple[str, ...], ...]

    def step_text(self, step_id: str) -> str:
        return next((s.text for s in self.steps if s.id == step_id), step_id)


@dataclass(frozen=True, kw_only=True)
class NumericQuestion(Question):
    """numeric: right when |given - answer| <= tolerance. `wrong_values` carry feedback."""

    answer: float
    tolerance: float = 0.0
    unit: str = ""
    wrong_values: tuple[WrongValue, ...] = ()
    # Feedback for any other wrong value. Empty: numeric.diagnose reads the value as a parameter
    # count ("3x too small: some part is counted 3 times over"), which fits counts only.
    otherwise: str = ""
