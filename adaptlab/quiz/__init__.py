"""Quizzes: question bank (YAML under assets/quizzes/), grading, generated questions, exporters.

A page needs only these:
    bank = bundled_bank()                      # validated, cached Bank
    bank.topics(); bank.by_topic(t); bank.get(question_id)
    g = submit(store, learner, question, answer, context, try_number)   # grade + save
    presentation(question, learner_id)         # the learner's shuffled option order
    INTERACTIVE / policy_for(context)          # tries, penalty, marks (scoring.py)
    generate(n, seed)                          # endless practice, keyed by the census
Nothing here imports streamlit; generated questions import the engine (torch) lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adaptlab.quiz.bank import Bank, bundled_bank, check, load_bank
from adaptlab.quiz.grading import Answer, AnswerError, Grade, grade
from adaptlab.quiz.schema import (
    QUESTION_TYPES,
    TOPICS,
    ChoiceQuestion,
    Item,
    NumericQuestion,
    Option,
    OrderQuestion,
    PairingQuestion,
    Question,
    QuizBankError,
)
from adaptlab.quiz.scoring import INTERACTIVE, SINGLE_TRY, TriesPolicy, policy_for
from adaptlab.quiz.shuffle import presentation

if TYPE_CHECKING:
    from adaptlab.store import Store


def submit(store: Store, learner: str, question: Question, answer: Answer, context: str = "",
           try_number: int | None = None) -> Grade:
    """Grade `answer` and record the attempt (committed before returning). StoreError on DB failure."""
    result = grade(question, answer)
    store.record_attempt(learner, question.id, answer, result.correct, result.score,
                         topic=question.topic, wrong=result.wrong, context=context,
                         try_number=try_number)
    return result


def generate(n: int, seed: int = 0, kind: str | None = None) -> list[Question]:
    """`n` generated questions (see adaptlab.quiz.generated); imports the engine on first use."""
    from adaptlab.quiz.generated import generate as _generate

    return _generate(n, seed, kind)


__all__ = [
    "INTERACTIVE", "QUESTION_TYPES", "SINGLE_TRY", "TOPICS", "Answer", "AnswerError", "Bank", "ChoiceQuestion",
    "Grade", "Item", "NumericQuestion", "Option", "OrderQuestion", "PairingQuestion", "Question",
    "QuizBankError", "TriesPolicy", "bundled_bank", "check", "generate", "grade", "load_bank",
    "policy_for", "presentation", "submit",
]
