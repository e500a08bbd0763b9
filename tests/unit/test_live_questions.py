"""Live questions (adaptlab.live.questions, tally, cache, links) on a temporary SQLite file; a
second Store on the same file is the other replica."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from adaptlab.live import (
    LiveError,
    answer_of,
    current_push,
    join_session,
    live_context,
    live_status,
    open_session,
    push_answers,
    push_question,
    reveal,
    submit_answer,
)
from adaptlab.live.cache import TTLCache
from adaptlab.live.links import join_link, qr_png
from adaptlab.live.sessions import end_session
from adaptlab.live.tally import answer_chart, key_lines, results, tally
from adaptlab.quiz import (
    SINGLE_TRY,
    ChoiceQuestion,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    bundled_bank,
    policy_for,
)
from adaptlab.quiz.stats import learner_progress, question_marks
from adaptlab.store import Store
from tests.unit.live_databases import DATABASES, database_url


def first(kind):
    return next(q for q in bundled_bank().questions if isinstance(q, kind)
                and not getattr(q, "multiple", False))


@pytest.fixture(params=DATABASES)
def replicas(request, tmp_path):
    url = database_url(request.param, tmp_path)
    one, two = Store(url), Store(url)
    yield one, two
    one.close()
    two.close()


@pytest.fixture
def session(replicas):
    one, two = replicas
    session = open_session(one)
    for learner in ("ada", "grace", "alan"):
        join_session(two, session.code, learner)
    return session


def test_a_push_on_one_replica_is_the_current_question_on_the_other(replicas, session):
    one, two = replicas
    assert live_status(two, session.id).push is None
    question = first(ChoiceQuestion)
    push = push_question(one, session.id, question.id)
    status = live_status(two, session.id)
    assert status.is_open() and status.session == session and status.push == push
    later = push_question(one, session.id, first(NumericQuestion).id)
    assert current_push(two, session.id) == later == live_status(two, session.id).push
    assert live_status(two, 999).session is None


def test_an_answer_is_a_quiz_attempt_and_only_one_per_learner_per_push(replicas, session):
    one, two = replicas
    question = first(ChoiceQuestion)
    wrong = next(o.id for o in question.options if o.id not in question.answer)
    push = push_question(one, session.id, question.id)
    assert submit_answer(two, push, "ada", question, question.answer[0]).correct
    assert not submit_answer(one, push, "grace", question, wrong).correct
    with pytest.raises(LiveError, match="answered this question already"):
        submit_answer(one, push, "ada", question, wrong)
    attempts = one.attempts("ada")
    assert [(a.question_id, a.correct, a.context, a.try_number) for a in attempts] == [
        (question.id, True, live_context(push), 1)]
    assert one.progress("ada")["questions_correct"].sum() == 1  # counts like any attempt
    assert answer_of(two, push.id, "ada").answer == question.answer[0]
    assert answer_of(two, push.id, "alan") is None
    assert [a.learner for a in push_answers(two, push.id)] == ["ada", "grace"]



def test_a_wrong_live_answer_is_a_finished_one_try_question(replicas, session):
    """One answer per push: scoring uses the single-try policy, so a wrong live answer is
    finished with mark 0 in the instructor's statistics, not "2 tries left"."""
    one, _ = replicas
    question = first(ChoiceQuestion)
    wrong = next(o.id for o in question.options if o.id not in question.answer)
    push = push_question(one, session.id, question.id)
    assert policy_for(live_context(push)) is SINGLE_TRY
    submit_answer(one, push, "grace", question, wrong)
    submit_answer(one, push, "ada", question, question.answer[0])
    marks = question_marks(one.attempts_frame()).set_index("learner")
    assert marks.loc["grace", ["tries", "mark", "finished"]].tolist() == [1, 0.0, True]
    assert marks.loc["ada", ["tries", "mark", "finished"]].tolist() == [1, 1.0, True]
    table = learner_progress(one.attempts_frame()).set_index("learner")
    assert table.loc["grace", "mean_mark"] == 0.0 and table.loc["ada", "mean_mark"] == 1.0


def test_the_quiz_review_says_live_class_not_the_database_ids(replicas, session):
    from ui.progress import describe_context, review_rows

    one, _ = replicas
    question = first(ChoiceQuestion)
    push = push_question(one, session.id, question.id)
    submit_answer(one, push, "ada", question, question.answer[0])
    (row,) = review_rows(one.attempts("ada"))
    assert row["where"] == "live class"
    assert describe_context("") == "topic section"  # the others as before

def test_double_clicks_from_two_replicas_at_once_save_one_answer(replicas, session):
    one, two = replicas
    question = first(ChoiceQuestion)
    push = push_question(one, session.id, question.id)
    outcomes: list[str] = []

    def send(store):
        try:
            submit_answer(store, push, "ada", question, question.answer[0])
            outcomes.append("saved")
        except LiveError:
            outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(s,)) for s in (one, two, one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    assert len(one.attempts("ada")) == 1 and len(push_answers(one, push.id)) == 1


def test_a_reveal_closes_the_question_and_an_ended_session_takes_nothing(replicas, session):
    one, two = replicas
    question = first(ChoiceQuestion)
    push = push_question(one, session.id, question.id)
    reveal(one, push.id)
    reveal(two, push.id)  # twice: the first time stays
    assert current_push(two, session.id).revealed
    with pytest.raises(LiveError, match="closed: your instructor has shown the answer"):
        submit_answer(two, push, "ada", question, question.answer[0])
    second = push_question(one, session.id, question.id)
    end_session(one, session.id)
    with pytest.raises(LiveError, match="has ended"):
        submit_answer(two, second, "ada", question, question.answer[0])
    with pytest.raises(LiveError, match="has ended"):
        push_question(one, session.id, question.id)
    assert not live_status(two, session.id).is_open()
    assert one.attempts("ada") == []


def test_a_push_past_the_time_limit_is_refused(replicas):
    one, _ = replicas
    old = open_session(one, hours=1, now=datetime.now(UTC) - timedelta(hours=2))
    with pytest.raises(LiveError, match="time limit"):
        push_question(one, old.id, first(ChoiceQuestion).id)


def test_only_bank_questions_can_be_pushed_and_answers_must_fit(replicas, session):
    one, _ = replicas
    with pytest.raises(LiveError, match="No question 'no-such-question' in the question bank"):
        push_question(one, session.id, "no-such-question")
    question, other = first(ChoiceQuestion), first(NumericQuestion)
    push = push_question(one, session.id, question.id)
    with pytest.raises(LiveError, match="not the question your instructor pushed"):
        submit_answer(one, push, "ada", other, 3.0)
    with pytest.raises(LiveError, match="does not fit this question"):
        submit_answer(one, push, "ada", question, {"not": "an option"})
    assert push_answers(one, push.id) == []


@pytest.mark.parametrize("kind", [ChoiceQuestion, PairingQuestion, OrderQuestion,
                                  NumericQuestion])
def test_every_question_type_is_answered_tallied_and_charted(replicas, session, kind):
    one, two = replicas
    question = first(kind)
    push = push_question(one, session.id, question.id)
    right = _right_answer(question)
    join_session(two, session.code, "Qwyx Zorb")
    submit_answer(two, push, "Qwyx Zorb", question, right)
    submit_answer(two, push, "ada", question, right)
    answers = push_answers(one, push.id)
    frame = tally(question, answers)
    assert list(frame.columns) == ["part", "label", "count", "right"]
    if kind is PairingQuestion:  # every item counted once per answer, on its right choice
        assert frame.groupby("part")["count"].sum().eq(2).all()
        assert frame.loc[frame["right"], "count"].eq(2).all()
    else:
        assert frame.loc[frame["right"], "count"].max() == 2
    assert results(answers) == {"right": 2, "partly right": 0, "wrong": 0}
    assert key_lines(question)
    before, after = answer_chart(frame, False, 2), answer_chart(frame, True, 2)
    assert before.layout.title.text == "2 answers"
    shown = str(after.to_dict())
    assert "✓ right" in shown and "✓ right" not in str(before.to_dict())
    assert "Qwyx" not in shown and "Zorb" not in shown  # counts only, never names


def test_long_options_are_wrapped_for_the_room_not_cut():
    question = next(q for q in bundled_bank().questions if q.id == "cls-lialin-lora")
    frame = tally(question, [])
    labels = list(answer_chart(frame, False, 0).data[0].y)
    longest = max((o.text for o in question.options), key=len)
    assert len(longest) > 60  # what one cut line of 60 characters lost
    shown = next(label for label in labels if label.startswith(longest[:20]))
    assert shown.replace("<br>", " ") == " ".join(longest.split())  # every word, on 2-3 lines
    assert all(len(line) <= 40 for label in labels for line in label.split("<br>"))


def _right_answer(question):
    if isinstance(question, ChoiceQuestion):
        return list(question.answer) if question.multiple else question.answer[0]
    if isinstance(question, PairingQuestion):
        return question.key
    if isinstance(question, OrderQuestion):
        return list(question.accepted[0])
    return question.answer


def test_a_multi_answer_counts_for_every_option_ticked(replicas, session):
    one, _ = replicas
    question = next(q for q in bundled_bank().questions
                    if isinstance(q, ChoiceQuestion) and q.multiple)
    push = push_question(one, session.id, question.id)
    submit_answer(one, push, "ada", question, list(question.answer))
    frame = tally(question, push_answers(one, push.id)).set_index("label")
    texts = {o.id: o.text for o in question.options}
    assert all(frame.loc[texts[o], "count"] == 1 for o in question.answer)
    assert frame["count"].sum() == len(question.answer)


def test_the_status_cache_loads_once_per_ttl_for_many_threads():
    now = [0.0]
    cache: TTLCache[int] = TTLCache(0.5, clock=lambda: now[0])
    calls = []

    def load():
        calls.append(1)
        return len(calls)

    threads = [threading.Thread(target=cache.get, args=("s1", load)) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("s1", load) == 1 and cache.loads == 1
    now[0] = 0.6
    assert cache.get("s1", load) == 2
    cache.forget("s1")
    assert cache.get("s1", load) == 3


def test_a_failing_load_is_not_cached():
    cache: TTLCache[int] = TTLCache(10)

    def broken():
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        cache.get("s1", broken)
    assert cache.get("s1", lambda: 7) == 7


def test_the_join_link_and_its_qr_code():
    link = join_link("http://class.example:8501/", "K7MQ3X")
    assert link == "http://class.example:8501/?join=K7MQ3X"
    png = qr_png(link)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 200
    import segno

    assert segno.make(link, error="m", micro=False).version <= 4  # coarse modules: scans far off
