"""The Quiz page's parts: one form per question, instant feedback, tries, review.

Controls are native and keyboard-usable (STREAMLIT.md "Widgets for ordering/matching"):
  single, scenario  st.radio                 multi      one st.checkbox per option
  classify, match   one st.selectbox per item
  order             st.multiselect; the order of clicks is the answer (remove and re-add to move)
  numeric           st.text_input, parsed here so junk gets a message instead of a try
Scoring: a question's score is its BEST try, as Store.progress() and the instructor's tables
count it; every try is saved. A try is used only by a well-formed answer. After a wrong try the
hint shows; after a right one or the third try, the explanation and the lab link.
Importing this module never imports torch: generated practice questions import it on first use.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import streamlit as st

from adaptlab.quiz import (
    TOPICS,
    ChoiceQuestion,
    Grade,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    Question,
    bundled_bank,
    generate,
    grade,
)
from adaptlab.store import StoreError
from ui.navigation import page_file
from ui.state import learner, widget_key
from ui.store_access import get_store
from ui.text import plain

PAGE = "quiz"
MAX_TRIES = 3
PRACTICE = "practice"  # the section of generated questions
PRACTICE_COUNT = 5


@dataclass
class Try:
    answer: object
    grade: Grade


@dataclass
class QuestionState:
    """This session's tries at one question; the database keeps every try for good."""

    tries: list[Try] = field(default_factory=list)
    notice: str = ""  # why the last submit was not graded (empty answer, junk number)
    save_error: str = ""  # why the last try was not saved

    @property
    def best(self) -> float:
        return max((t.grade.score for t in self.tries), default=0.0)

    @property
    def finished(self) -> bool:
        return len(self.tries) >= MAX_TRIES or any(t.grade.correct for t in self.tries)


@dataclass
class QuizSession:
    questions: dict[str, QuestionState] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)  # section -> index, one-at-a-time
    # False while the page shows "database unavailable" at the top: a try that could not be
    # saved then gets a one-line note instead of the same message again under the question.
    store_ok: bool = True


def quiz_session() -> QuizSession:
    return st.session_state.setdefault("adaptlab.quiz", QuizSession())


def question_state(question_id: str) -> QuestionState:
    return quiz_session().questions.setdefault(question_id, QuestionState())


def key(question: Question, *parts: str) -> str:
    return widget_key(PAGE, question.id, *parts)


# --- questions -------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=32)
def practice_questions(seed: int, count: int = PRACTICE_COUNT) -> tuple[Question, ...]:
    # Frozen dataclasses answered by the census: shared read-only by every session. A draw can
    # repeat a question (seed 36 does), and one id twice would be two widgets with one key:
    # draw extra (the same seed's draws share a prefix, so the first ones never change) and dedupe.
    unique: dict[str, Question] = {}
    for question in generate(3 * count, seed=seed):
        unique.setdefault(question.id, question)
    return tuple(unique.values())[:count]


def section_questions(section: str, seed: int) -> list[Question]:
    if section == PRACTICE:
        with st.spinner("Drawing practice questions from the engine's parameter census..."):
            return list(practice_questions(int(seed)))
    return bundled_bank().by_topic(section)


def bank_problems_notice(detail: bool = False) -> None:
    """One warning when bundled_bank() left questions out; `detail` lists each problem."""
    problems = bundled_bank().problems
    if not problems:
        return
    first = "" if detail else f" First problem: {plain(problems[0], limit=300)}"
    st.warning(f"{len(problems)} problem(s) in the question files under assets/quizzes/: the "
               "questions affected are left out, the rest work. To fix, run `python -m adaptlab "
               f"quiz validate` and correct each line it prints.{first}",
               icon=":material/report:")
    if detail:
        st.code("\n".join(problems), language=None)  # st.code shows text verbatim, never HTML


def section_options() -> dict[str, str]:
    return {**bundled_bank().topics(), PRACTICE: "Practice (generated)"}


def shuffled_steps(question: OrderQuestion) -> list[str]:
    """Steps in a fixed, question-specific order: the file lists them in the right order."""
    ids = [s.id for s in question.steps]
    random.Random(question.id).shuffle(ids)
    return ids


def answer_widgets(question: Question) -> None:
    """The controls for one question; their values are read on submit by `read_answer`."""
    if isinstance(question, ChoiceQuestion) and question.multiple:
        st.caption("Select all that apply.")
        for option in question.options:
            st.checkbox(option.text, key=key(question, "option", option.id))
    elif isinstance(question, ChoiceQuestion):
        texts = {o.id: o.text for o in question.options}
        st.radio("Your answer", list(texts), format_func=texts.get, index=None,
                 key=key(question, "answer"))
    elif isinstance(question, PairingQuestion):
        texts = {c.id: c.text for c in question.choices}
        for item in question.items:
            st.selectbox(item.text, list(texts), format_func=texts.get, index=None,
                         placeholder="Choose...", key=key(question, "item", item.id))
    elif isinstance(question, OrderQuestion):
        texts = {s.id: s.text for s in question.steps}
        st.multiselect("Pick the steps in order, first to last", shuffled_steps(question),
                       format_func=texts.get, key=key(question, "answer"),
                       help="The order you pick them in is your answer. To move a step, "
                            "remove it (its x, or Backspace) and pick it again.")
    elif isinstance(question, NumericQuestion):
        unit = f" ({question.unit})" if question.unit else ""
        st.text_input(f"Your answer{unit}", key=key(question, "answer"),
                      help="Digits, with . for decimals; commas, spaces and _ between "
                           "thousands are ignored; 1.2e6 works too.")


def parse_number(text: str, unit: str = "") -> float:
    """A learner's number; ValueError with a message that says what to type instead."""
    cleaned = re.sub(r"[\s,_]", "", text)
    if unit and cleaned.lower().endswith(unit.replace(" ", "").lower()):
        cleaned = cleaned[: -len(unit.replace(" ", ""))]
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"'{plain(text, limit=30)}' is not a number. Type digits only, e.g. "
                         "294912 or 0.25 (use . for decimals).") from None
    if not math.isfinite(value):
        raise ValueError("Type a finite number, e.g. 294912.")
    return value


def read_answer(question: Question) -> object:
    """The submitted answer in the shape `grade` expects; ValueError says what is missing."""
    state = st.session_state
    if isinstance(question, ChoiceQuestion) and question.multiple:
        picked = [o.id for o in question.options if state.get(key(question, "option", o.id))]
        if not picked:
            raise ValueError("Select at least one option.")
        return picked
    if isinstance(question, ChoiceQuestion):
        if state.get(key(question, "answer")) is None:
            raise ValueError("Choose an answer first.")
        return state[key(question, "answer")]
    if isinstance(question, PairingQuestion):
        answer = {i.id: state.get(key(question, "item", i.id)) for i in question.items}
        missing = [i.text for i in question.items if answer[i.id] is None]
        if missing:
            raise ValueError(f"Choose for every item; still open: {'; '.join(missing)}.")
        return answer
    if isinstance(question, OrderQuestion):
        order = list(state.get(key(question, "answer")) or [])
        if sorted(order) != sorted(s.id for s in question.steps):
            raise ValueError(f"Put all {len(question.steps)} steps in order; you placed "
                             f"{len(order)}.")
        return order
    text = str(state.get(key(question, "answer")) or "").strip()
    if not text:
        raise ValueError("Type a number first.")
    return parse_number(text, getattr(question, "unit", ""))


def check_answer(question: Question) -> None:
    """Form callback: grade, record, and keep the result for this session's rerun."""
    qs = question_state(question.id)
    qs.notice, qs.save_error = "", ""
    try:
        answer = read_answer(question)
    except ValueError as exc:
        qs.notice = str(exc)
        return
    result = grade(question, answer)  # graded here, so a database failure cannot lose it
    qs.tries.append(Try(answer, result))
    try:
        get_store().record_attempt(learner().display_name, question.id, answer, result.correct,
                                   result.score, topic=question.topic, wrong=result.wrong)
    except StoreError as exc:
        qs.save_error = str(exc)


def restart_question(question: Question) -> None:
    quiz_session().questions.pop(question.id, None)


# --- showing a question --------------------------------------------------------------------

def show_question(question: Question, number: int, total: int) -> None:
    qs = question_state(question.id)
    with st.container(border=True):
        st.markdown(f"**Question {number} of {total}** · {TOPICS.get(question.topic, '')}")
        if isinstance(question, ChoiceQuestion) and question.situation:
            st.markdown(f"*Situation.* {question.situation}")
        st.markdown(question.prompt)
        if question.source:
            st.caption(f"Source: {question.source}")
        if not qs.finished:
            with st.form(key(question, "form")):
                answer_widgets(question)
                st.form_submit_button(f"Check answer (try {len(qs.tries) + 1} of {MAX_TRIES})",
                                      key=key(question, "submit"), on_click=check_answer,
                                      args=(question,))
        show_feedback(question, qs)


def show_feedback(question: Question, qs: QuestionState) -> None:
    if qs.notice:
        st.warning(qs.notice, icon=":material/edit:")
    if qs.save_error and quiz_session().store_ok:
        # About this try only (the database may be back by now), with the reason.
        st.warning(f"This try is graded but was not saved: {plain(qs.save_error, limit=600)}",
                   icon=":material/database:")
    elif qs.save_error:
        st.caption("This try is graded but was not saved: see the database message above.")
    if not qs.tries:
        return
    last = qs.tries[-1].grade
    if last.correct:
        st.success(f"Correct. Score {last.score:.0%}.", icon=":material/check_circle:")
    elif last.score > 0:
        st.warning(f"Partly right. Score {last.score:.0%}.", icon=":material/rule:")
    else:
        st.error(f"Not right. Score {last.score:.0%}.", icon=":material/cancel:")
    if last.feedback:
        st.markdown("\n".join(f"- {line}" for line in last.feedback))
    if not qs.finished:
        st.info(f"Hint: {question.hint}", icon=":material/lightbulb:")
        return
    st.markdown(f"**Best score on this question: {qs.best:.0%}** ({len(qs.tries)} "
                f"{'try' if len(qs.tries) == 1 else 'tries'}).")
    st.info(f"Explanation: {question.explanation}", icon=":material/school:")
    lab_link(question)
    st.button("Start this question again", key=key(question, "restart"),
              on_click=restart_question, args=(question,))


def lab_link(question: Question) -> None:
    """A link to the page where the learner can see it happen, if that page exists yet."""
    path, _, query = question.lab.partition("?")
    file = page_file(path.strip("/"))
    if file:
        st.page_link(file, label="See it happen in the lab", icon=":material/science:",
                     query_params=dict(parse_qsl(query)) or None)


def section_score(questions: list[Question]) -> tuple[int, float]:
    """(questions tried this session, sum of best scores) over `questions`."""
    tried = [quiz_session().questions[q.id] for q in questions
             if q.id in quiz_session().questions and quiz_session().questions[q.id].tries]
    return len(tried), sum(s.best for s in tried)


def step_position(section: str, delta: int, total: int) -> None:
    now = quiz_session().position.get(section, 0)
    quiz_session().position[section] = min(max(now + delta, 0), total - 1)


def one_at_a_time(section: str, questions: list[Question]) -> None:
    total = len(questions)
    index = min(quiz_session().position.get(section, 0), total - 1)
    show_question(questions[index], index + 1, total)
    back, forward = st.columns(2)
    back.button("Previous question", key=widget_key(PAGE, "previous"), disabled=index == 0,
                on_click=step_position, args=(section, -1, total))
    forward.button("Next question", key=widget_key(PAGE, "next"), disabled=index == total - 1,
                   on_click=step_position, args=(section, 1, total))
