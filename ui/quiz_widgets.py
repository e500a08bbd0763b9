"""The Quiz page's question flow: tries under the stated policy, feedback, marks, practice.

Scoring follows adaptlab.quiz.scoring, and the page states it before the first answer: topic
sections use Moodle's interactive mode (3 tries, 1/3 off per extra try), lesson-path quizzes
one try. A question's mark is the one of the learner's first go at it; "Practise again" starts
a new go that is saved but does not change the mark. Tries are restored from the database when
a question is first shown in a session, so a reload neither resets the tries nor the mark.
Every try is saved with its context and try number. A try is used only by a well-formed answer.
Importing this module never imports torch: generated practice questions import it on first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import streamlit as st

from adaptlab.quiz import (
    TOPICS,
    AnswerError,
    ChoiceQuestion,
    Grade,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    Question,
    TriesPolicy,
    bundled_bank,
    generate,
    grade,
    policy_for,
    presentation,
)
from adaptlab.quiz.scoring import TryRecord, split_sequences
from adaptlab.store import Attempt, StoreError
from ui import quiz_controls as controls
from ui.learner_form import learner_id
from ui.navigation import page_file
from ui.state import widget_key
from ui.store_access import get_store, save_attempt
from ui.text import plain
from ui.warmup import load_engine

PAGE = "quiz"
PRACTICE = "practice"  # the section of generated questions
PRACTICE_COUNT = 5
key = controls.key


@dataclass
class Try:
    answer: object
    grade: Grade


@dataclass
class QuestionState:
    """This learner's current go at one question in one context (restored from the store)."""

    policy: TriesPolicy
    tries: list[Try] = field(default_factory=list)
    order: list[str] | None = None  # ordering questions: the movable list as it stands
    moved: int = 0  # number of the last move of the movable list taken into `order`
    first_mark: float | None = None  # the mark that counts, once the first go has finished
    practice: bool = False  # a later go: saved, but the mark stays first_mark
    notice: str = ""  # why the last submit was not graded (empty answer, junk number)
    save_error: str = ""  # why the last try was not saved

    @property
    def scores(self) -> list[float]:
        return [t.grade.score for t in self.tries]

    @property
    def finished(self) -> bool:
        return self.policy.finished(self.scores)

    @property
    def mark(self) -> float:
        return self.policy.mark(self.scores)


@dataclass
class QuizSession:
    learner: str = ""  # whose history and states these are
    history: dict[tuple[str, str], list[Attempt]] | None = None  # (context, question) -> tries
    questions: dict[tuple[str, str], QuestionState] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)  # section -> index, one-at-a-time
    # False while the page shows "database unavailable" at the top: a try that could not be
    # saved then gets a one-line note instead of the same message again under the question.
    store_ok: bool = True


def quiz_session() -> QuizSession:
    session = st.session_state.setdefault("adaptlab.quiz", QuizSession())
    if session.learner != learner_id():  # a new name is another learner: other tries, order
        session.learner, session.history, session.questions = learner_id(), None, {}
    return session


def _history() -> dict[tuple[str, str], list[Attempt]]:
    session = quiz_session()
    if session.history is None:
        session.history = {}
        try:
            for attempt in get_store().attempts(session.learner):
                session.history.setdefault((attempt.context, attempt.question_id), []).append(attempt)
        except StoreError:
            pass  # the page shows the database message; answers are still graded
    return session.history


def _restored(question: Question, context: str, saved: list[Attempt]) -> QuestionState:
    policy = policy_for(context)
    state = QuestionState(policy)
    sequences = split_sequences([TryRecord(a.score, a.try_number) for a in saved], policy)
    if sequences:
        first = [t.score for t in sequences[0]]
        state.first_mark = policy.mark(first) if policy.finished(first) else None
        state.practice = len(sequences) > 1
        for attempt in saved[len(saved) - len(sequences[-1]):]:
            try:
                state.tries.append(Try(attempt.answer, grade(question, attempt.answer)))
            except (AnswerError, KeyError, TypeError, ValueError):
                continue  # a try at an older version of the question: not shown again
    if isinstance(question, OrderQuestion):
        last = state.tries[-1].answer if state.tries else None
        state.order = list(last) if isinstance(last, list) else \
            list(presentation(question, learner_id()).start)
    return state


def question_state(question: Question, context: str = "") -> QuestionState:
    session = quiz_session()
    slot = (context, question.id)
    if slot not in session.questions:
        session.questions[slot] = _restored(question, context, _history().get(slot, []))
    return session.questions[slot]


# --- questions -------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=32)
def practice_questions(seed: int, count: int = PRACTICE_COUNT) -> tuple[Question, ...]:
    # Frozen dataclasses answered by the census: shared read-only by every session. A draw can
    # repeat a question (seed 36 does), and one id twice would be two widgets with one key:
    # draw extra (the same seed's draws share a prefix, so the first ones never change) and dedupe.
    load_engine()  # the census of non-default settings imports torch: only the warm-up thread may
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


# --- answering -------------------------------------------------------------------------------

def check_answer(question: Question, context: str = "") -> None:
    """Submit callback: grade, record, and keep the result for this session's rerun."""
    qs = question_state(question, context)
    qs.notice, qs.save_error = "", ""
    if qs.finished:  # a double click after the last try
        return
    sync_order(question, context, qs)  # a move made just before the click
    try:
        answer = controls.read_answer(question, context, qs.order)
    except ValueError as exc:
        qs.notice = str(exc)
        return
    if qs.tries and answer == qs.tries[-1].answer:
        # As Moodle does: the same answer again (Enter in the box, then the button) is graded
        # already, and a second try on it would only cost marks.
        qs.notice = ("That is the answer you just checked, so it does not use another try. "
                     "Change it, then check again.")
        return
    result = grade(question, answer)  # graded here, so a database failure cannot lose it
    qs.tries.append(Try(answer, result))
    if qs.finished and not qs.practice and qs.first_mark is None:
        qs.first_mark = qs.mark
    # A try the database cannot take now waits in this session and is saved when it is back.
    qs.save_error = save_attempt(learner_id(), question.id, answer, result.correct, result.score,
                                 on_saved=lambda: setattr(qs, "save_error", ""),
                                 topic=question.topic, wrong=list(result.wrong),
                                 context=context, try_number=len(qs.tries))


def practise_again(question: Question, context: str = "") -> None:
    qs = question_state(question, context)
    qs.tries, qs.practice, qs.notice, qs.save_error = [], True, "", ""
    if isinstance(question, OrderQuestion):
        qs.order = list(presentation(question, learner_id()).start)


def sync_order(question: Question, context: str, qs: QuestionState) -> None:
    """Take the learner's latest move of the movable list into `qs.order`."""
    if isinstance(question, OrderQuestion):
        moved = controls.take_order_move(question, context, qs.moved)
        if moved is not None:
            qs.order, qs.moved = moved


def _submit_label(qs: QuestionState) -> str:
    if qs.policy.max_tries == 1:
        return "Check answer (one try)"
    practice = ", practice" if qs.practice else ""
    return f"Check answer (try {len(qs.tries) + 1} of {qs.policy.max_tries}{practice})"


def answer_controls(question: Question, context: str, qs: QuestionState) -> None:
    who = learner_id()
    if isinstance(question, OrderQuestion):
        sync_order(question, context, qs)
        controls.order_widget(question, qs.order or [], context)
        st.button(_submit_label(qs), key=key(question, context, "submit"), type="primary",
                  on_click=check_answer, args=(question, context))
        return
    with st.form(key(question, context, "form")):
        if isinstance(question, ChoiceQuestion):
            controls.choice_widgets(question, context, who)
        elif isinstance(question, PairingQuestion):
            controls.pairing_widgets(question, context, who)
        elif isinstance(question, NumericQuestion):
            controls.number_widget(question, context)
        st.form_submit_button(_submit_label(qs), key=key(question, context, "submit"),
                              on_click=check_answer, args=(question, context))


# --- showing a question --------------------------------------------------------------------

def show_question(question: Question, label: str, context: str = "") -> None:
    qs = question_state(question, context)
    with st.container(border=True):
        st.markdown(f"**{label}** · {TOPICS.get(question.topic, '')}")
        if isinstance(question, ChoiceQuestion) and question.situation:
            st.markdown(f"*Situation.* {question.situation}")
        st.markdown(question.prompt)
        if question.source:
            st.caption(f"Source: {question.source}")
        if not qs.finished:
            answer_controls(question, context, qs)
        show_feedback(question, context, qs)


def _show_notices(qs: QuestionState) -> None:
    if qs.notice:
        st.warning(qs.notice, icon=":material/edit:")
    if qs.save_error and quiz_session().store_ok:
        # About this try only (the database may be back by now), with the reason.
        st.warning(f"This try is graded but was not saved: {plain(qs.save_error, limit=600)}",
                   icon=":material/database:")
    elif qs.save_error:
        st.caption("This try is graded but was not saved: see the database message above.")


def show_verdict(grade, right: str = "Correct") -> None:
    """A graded answer: right (in the words `right`), partly right or not, with this try's score
    (the question's mark, after the tries, is mark_line's: "this try" keeps the two apart)."""
    if grade.correct:
        st.success(f"{right}: this try scores {grade.score:.0%}.", icon=":material/check_circle:")
    elif grade.score > 0:
        st.warning(f"Partly right: this try scores {grade.score:.0%}.", icon=":material/rule:")
    else:
        st.error(f"Not right: this try scores {grade.score:.0%}.", icon=":material/cancel:")


def show_feedback(question: Question, context: str, qs: QuestionState) -> None:
    _show_notices(qs)
    if not qs.tries:
        return
    last = qs.tries[-1].grade
    show_verdict(last)
    if last.feedback:
        st.markdown("\n".join(f"- {line}" for line in last.feedback))
    if not qs.finished:
        st.info(f"Hint: {question.hint}", icon=":material/lightbulb:")
        st.caption(f"Right on the next try: mark {qs.policy.right_on(len(qs.tries) + 1):.0%}.")
        return
    st.markdown(mark_line(qs))
    st.info(f"Explanation: {question.explanation}", icon=":material/school:")
    lab_link(question)
    if qs.policy.max_tries > 1:
        st.button("Practise this question again", key=key(question, context, "restart"),
                  on_click=practise_again, args=(question, context),
                  help="A new go for practice. It is saved, but your mark stays.")


def mark_line(qs: QuestionState) -> str:
    tries = f"{len(qs.tries)} {'try' if len(qs.tries) == 1 else 'tries'}"
    if qs.practice:
        kept = "" if qs.first_mark is None else f" Your mark stays {qs.first_mark:.0%}."
        return f"Practice: this go would score {qs.mark:.0%} ({tries}).{kept}"
    penalty = "" if len(qs.tries) == 1 else (
        f": last try {qs.scores[-1]:.0%} minus {len(qs.tries) - 1} × "
        f"{qs.policy.penalty:.0%} for the earlier tries")
    return f"**Your mark on this question: {qs.mark:.0%}** ({tries}{penalty})."


def lab_link(question: Question) -> None:
    """A link to the page where the learner can see it happen, if that page exists yet."""
    path, _, query = question.lab.partition("?")
    file = page_file(path.strip("/"))
    if file:
        st.page_link(file, label="See it happen in the lab", icon=":material/science:",
                     query_params=dict(parse_qsl(query)) or None)


def counted_mark(question: Question, context: str = "") -> float | None:
    """The mark that counts for this question here, or None while it is not decided yet."""
    slot = (context, question.id)
    qs = quiz_session().questions.get(slot)
    if qs is None or qs.first_mark is not None:
        return None if qs is None else qs.first_mark
    return qs.mark if qs.finished and not qs.practice else None


def saved_marks(questions: list[Question], context: str = "") -> list[float | None]:
    """counted_mark() of each question, saved tries included: a learner back in a new session
    has the marks already earned, not only this visit's."""
    for question in questions:
        question_state(question, context)  # restores saved tries on first use
    return [counted_mark(q, context) for q in questions]


def section_score(questions: list[Question], context: str = "") -> tuple[int, float, int]:
    """(questions with a mark, sum of those marks, questions still open) over `questions`: an
    open question has a try but no mark yet (a try left, neither right nor out of tries)."""
    marks = saved_marks(questions, context)
    decided = [m for m in marks if m is not None]
    still_open = sum(1 for q, m in zip(questions, marks, strict=True)
                     if m is None and question_state(q, context).tries)
    return len(decided), sum(decided), still_open


def step_position(section: str, delta: int, total: int) -> None:
    now = quiz_session().position.get(section, 0)
    quiz_session().position[section] = min(max(now + delta, 0), total - 1)


def one_at_a_time(section: str, questions: list[Question], context: str = "",
                  label: str = "Question") -> None:
    total = len(questions)
    index = min(quiz_session().position.get(section, 0), total - 1)
    show_question(questions[index], f"{label} {index + 1} of {total}", context)
    back, forward = st.columns(2)
    where = [context] if context else []
    back.button("Previous question", key=widget_key(PAGE, *where, "previous"),
                disabled=index == 0, on_click=step_position, args=(section, -1, total))
    forward.button("Next question", key=widget_key(PAGE, *where, "next"),
                   disabled=index == total - 1, on_click=step_position, args=(section, 1, total))
