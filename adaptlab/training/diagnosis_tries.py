"""A learner's diagnosis of one scenario: the tries, their feedback, and when the cause unlocks.

The broken run's symptoms are shown at once; its cause (the settings in `Scenario.cause`, e.g. a
learning rate of 1e-07) stays hidden until the learner has named it, or has used up `MAX_TRIES`
wrong tries, when the right answer is shown with its explanation. Only then is the fix offered.
A wrong try gets the feedback of the misconception it reveals; trying the same option twice
costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from adaptlab.training.scenarios import Scenario, check_diagnosis, get_scenario

MAX_TRIES = 2  # with four options, two tries still ask for a reason, not a lucky sweep


@dataclass(frozen=True)
class Attempt:
    choice: str
    correct: bool
    feedback: str  # names the misconception when wrong; the explanation when right


@dataclass(frozen=True)
class Diagnosis:
    """The tries so far at one scenario; each answer returns a new Diagnosis."""

    scenario_id: str
    attempts: tuple[Attempt, ...] = ()
    max_tries: int = MAX_TRIES

    @property
    def solved(self) -> bool:
        return any(a.correct for a in self.attempts)

    @property
    def tries_left(self) -> int:
        return 0 if self.solved else max(0, self.max_tries - len(self.attempts))

    @property
    def resolved(self) -> bool:
        """Named, or out of tries: the cause is shown and the fix unlocks."""
        return self.solved or self.tries_left == 0

    def tried(self, choice: str) -> bool:
        return any(a.choice == choice for a in self.attempts)

    def answer(self, choice: str) -> Diagnosis:
        """This diagnosis after the learner picks `choice` (an option key; UserInputError if it
        is none). Unchanged once resolved, and for an option already tried."""
        if self.resolved or self.tried(choice):
            return self
        correct, feedback = check_diagnosis(self.scenario_id, choice)
        return replace(self, attempts=(*self.attempts, Attempt(choice, correct, feedback)))

    @property
    def scenario(self) -> Scenario:
        return get_scenario(self.scenario_id)

    def hidden(self) -> tuple[str, ...]:
        """The broken recipe's fields to keep out of sight now: the suspects and the cause,
        until resolved."""
        return () if self.resolved else self.scenario.hidden_until_named
