"""The live class under AppTest: the instructor's Live class page and a learner's Home and pages,
each its own AppTest session on one temporary database (as two browsers on one server).

Fragments do not tick under AppTest (STREAMLIT.md gotcha 3): a learner's `at.run()` stands in
for the next poll; the browser test (tests/browser/test_live_class.py) checks the polling.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.live import open_session_of_instructor
from adaptlab.quiz import ChoiceQuestion, bundled_bank
from adaptlab.store import Store
from tests.app.conftest import APP, texts
from ui.live_session import JOIN_LABEL

PASSCODE = "correct horse battery staple"
SECRET = "a-secret-of-ada-42"


@pytest.fixture(autouse=True)
def passcode(monkeypatch):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)


@pytest.fixture
def store(db_url):
    store = Store(db_url)
    yield store
    store.close()


def instructor() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run().switch_page("pages/live.py").run()
    at.text_input(key="instructor.passcode").input(PASSCODE)
    button(at, "Unlock").click().run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def open_class(at: AppTest, title: str = "Lecture 5") -> AppTest:
    at.text_input(key="live.title").input(title)
    button(at, "Open a class session").click().run()
    assert not at.exception
    return at


def learner(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception
    return at


def join(at: AppTest, code: str, name: str = "ada", secret: str = SECRET) -> AppTest:
    at.text_input(key="home.join_code").input(code)
    if any(t.key == "quiz.name" for t in at.text_input):
        at.text_input(key="quiz.name").input(name)
        at.text_input(key="quiz.secret").input(secret)
    next(b for b in at.button if b.label in ("Sign in and join", "Join the class")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def push(at: AppTest, question) -> AppTest:
    at.selectbox(key="live.topic").set_value(question.topic).run()
    at.selectbox(key="live.question").set_value(question.id).run()
    button(at, "Push to the class").click().run()
    assert not at.exception
    return at


def chart_spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no answer chart"
    return json.loads(charts[0].proto.spec)


QUESTION = next(q for q in bundled_bank().by_topic("classification")
                if isinstance(q, ChoiceQuestion) and not q.multiple)
RIGHT = QUESTION.answer[0]
WRONG = next(o.id for o in QUESTION.options if o.id not in QUESTION.answer)


def test_the_live_page_is_closed_without_the_passcode(db_url, store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run().switch_page("pages/live.py").run()
    assert not at.exception
    assert any(t.key == "instructor.passcode" for t in at.text_input)
    assert not any(b.label == "Open a class session" for b in at.button)
    assert open_session_of_instructor(store) is None


def test_opening_a_session_shows_its_code_link_and_who_joined(db_url, store):
    at = open_class(instructor())
    session = open_session_of_instructor(store)
    assert session is not None and session.title == "Lecture 5"
    assert f"?join={session.code}" in texts(at.code)
    assert any(session.code in str(h.proto.body) for h in at.get("html"))
    assert [m.value for m in at.metric] == ["0"]
    join(learner(), session.code)
    at.run()
    assert [m.value for m in at.metric] == ["1"]
    assert not at.exception


def test_a_learner_joins_from_a_link_signs_in_and_sees_the_session(db_url, store):
    open_class(instructor())
    code = open_session_of_instructor(store).code
    at = learner({"join": code.lower()})
    assert at.text_input(key="home.join_code").value == code  # the link fills the form
    join(at, code)
    assert "You joined the class session" in texts(at.success)
    assert f"You are in the live class {code}" in texts(at.markdown)
    assert f"Live class {code}: you are in" in texts(at.caption)
    at.switch_page("pages/methods.py").run()
    assert f"Live class {code}: you are in" in texts(at.caption)  # on every page


@pytest.mark.parametrize("code, message", [
    ("", "Type the join code"),
    ("K7MQ0X", "never contains 0, 1, I, L or O"),
    ("ZZZZZZ", "No class session has the code ZZZZZZ"),
])
def test_wrong_codes_get_a_clear_message(db_url, store, code, message):
    open_class(instructor())
    at = join(learner(), code)
    assert message in texts(at.error)
    assert "You are in the live class" not in texts(at.markdown)
    form = next(e for e in at.expander if e.label.startswith("In a class? Join"))
    assert form.proto.expanded  # open again, to correct the code at once


def test_a_wrong_secret_does_not_join(db_url, store):
    open_class(instructor())
    code = open_session_of_instructor(store).code
    join(learner(), code, "ada", SECRET)
    at = join(learner(), code, "ada", "someone-elses-guess")
    assert "already in use" in texts(at.error)
    assert "You are in the live class" not in texts(at.markdown)


def test_push_answer_chart_and_reveal(db_url, store):
    host = open_class(instructor())
    session = open_session_of_instructor(store)
    ada, grace = join(learner(), session.code, "Qwyx"), join(learner(), session.code, "Zorb",
                                                              "zorb-secret-42")
    push(host, QUESTION)
    assert QUESTION.prompt in texts(host.markdown)
    # Named by what learners do, as on the projector; not by the bank file's type id.
    assert "**Live question** · Pick one · Classifying adaptation methods" in texts(host.markdown)
    assert chart_spec(host)["layout"]["title"]["text"] == "0 answers"

    ada.run()  # the next poll
    assert "**Question from your instructor** (live class " + session.code + ")" in texts(
        ada.markdown)
    ada.radio(key=f"quiz.live1.{QUESTION.id}.answer").set_value(RIGHT)
    button(ada, "Send my answer").click().run()
    assert not ada.exception
    assert "Your answer is in" in texts(ada.success)
    grace.run()
    grace.radio(key=f"quiz.live1.{QUESTION.id}.answer").set_value(WRONG)
    button(grace, "Send my answer").click().run()

    host.run()
    spec = chart_spec(host)
    assert spec["layout"]["title"]["text"] == "2 answers"
    counts = {label.replace("<br>", " ")[:40]: n  # long options wrap onto lines
              for label, n in zip(spec["data"][0]["y"], spec["data"][0]["x"], strict=True)}
    texts_by_id = {o.id: o.text[:40] for o in QUESTION.options}
    assert counts[texts_by_id[RIGHT]] == 1 and counts[texts_by_id[WRONG]] == 1
    assert sum(counts.values()) == 2
    assert "Qwyx" not in json.dumps(spec) and "Zorb" not in json.dumps(spec)

    button(host, "Reveal the answer").click().run()
    assert QUESTION.explanation in texts(host.info)
    assert "**1** right" in texts(host.markdown)
    ada.run()
    assert "You were right" in texts(ada.success)
    assert QUESTION.explanation in texts(ada.info)
    grace.run()
    assert "Not right" in texts(grace.error)

    # Saved as quiz attempts (so they count in progress), one each, in the live context.
    assert [(a.question_id, a.correct, a.context) for a in store.attempts("Qwyx")] == [
        (QUESTION.id, True, "live:1:1")]
    assert [a.correct for a in store.attempts("Zorb")] == [False]


def test_one_answer_per_push_even_from_a_new_tab(db_url, store):
    host = open_class(instructor())
    session = open_session_of_instructor(store)
    first_tab = join(learner(), session.code)
    push(host, QUESTION)
    first_tab.run()
    first_tab.radio(key=f"quiz.live1.{QUESTION.id}.answer").set_value(RIGHT)
    button(first_tab, "Send my answer").click().run()
    second_tab = join(learner(), session.code)  # the same learner signs in again elsewhere
    assert "Your answer is in" in texts(second_tab.success)
    assert not any(b.label.startswith("Send my answer") for b in second_tab.button)


def test_an_empty_answer_is_not_sent(db_url, store):
    host = open_class(instructor())
    ada = join(learner(), open_session_of_instructor(store).code)
    push(host, QUESTION)
    ada.run()
    button(ada, "Send my answer").click().run()
    assert "Choose an answer first" in texts(ada.warning)
    assert store.attempts("ada") == []
    button(host, "Reveal the answer").click().run()
    ada.run()  # the reveal: "You did not answer this one", and no stale "choose an answer"
    assert "You did not answer this one" in texts(ada.info)
    assert "Choose an answer first" not in texts(ada.warning)


def test_nothing_of_an_ended_session_is_shown(db_url, store):
    host = open_class(instructor())
    session = open_session_of_instructor(store)
    ada = join(learner(), session.code)
    push(host, QUESTION)
    ada.run()
    assert QUESTION.prompt in texts(ada.markdown)
    button(host, "End it now").click().run()
    assert "No class session is open" in texts(host.info)
    ada.run()
    assert not ada.exception
    page = texts(ada.markdown) + texts(ada.caption)
    assert QUESTION.prompt not in page and session.code not in page
    assert [e.label for e in ada.expander] == [JOIN_LABEL]  # the join form is back
    join(ada, session.code)
    assert f"The class session {session.code} has ended" in texts(ada.error)


def test_a_learner_who_leaves_sees_nothing_more(db_url, store):
    host = open_class(instructor())
    session = open_session_of_instructor(store)
    ada = join(learner(), session.code)
    button(ada, "Leave the class session").click().run()
    assert f"You left the class session {session.code}" in texts(ada.success)
    push(host, QUESTION)
    ada.run()
    assert QUESTION.prompt not in texts(ada.markdown)
    assert session.code not in texts(ada.caption)


def test_a_visitor_who_has_not_signed_in_sees_only_the_join_form(db_url, store):
    open_class(instructor())
    at = learner()
    assert [e.label for e in at.expander] == [JOIN_LABEL]
    assert not any("Live class" in c for c in [str(c.value) for c in at.caption])


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "K" * 5000, "../../etc", "  "])
def test_hostile_join_links_fill_nothing_and_break_nothing(db_url, value):
    at = learner({"join": value})
    assert at.text_input(key="home.join_code").value in ("", None)
    assert not at.error


def test_a_database_outage_during_class_shows_a_message_never_a_traceback(db_url, store,
                                                                            monkeypatch):
    host = open_class(instructor())
    session = open_session_of_instructor(store)
    ada = join(learner(), session.code)
    push(host, QUESTION)
    monkeypatch.setenv("ADAPTLAB_DB_URL", "postgresql+psycopg://u:p@127.0.0.1:1/x")
    ada.run()
    assert not ada.exception
    assert f"Live class {session.code}: waiting for the results database" in texts(ada.caption)
    host.run()
    assert not host.exception and "not answering" in texts(host.error)
    monkeypatch.setenv("ADAPTLAB_DB_URL", db_url)  # the database is back
    ada.run()
    assert QUESTION.prompt in texts(ada.markdown)


def _kind(name: str):
    from adaptlab.quiz import NumericQuestion, OrderQuestion, PairingQuestion

    picks = {"multi": lambda q: isinstance(q, ChoiceQuestion) and q.multiple,
             "pairing": lambda q: isinstance(q, PairingQuestion),
             "numeric": lambda q: isinstance(q, NumericQuestion),
             "order": lambda q: isinstance(q, OrderQuestion)}
    return next(q for q in bundled_bank().questions if picks[name](q))


def _answer_rightly(at: AppTest, question, prefix: str) -> None:
    from adaptlab.quiz import NumericQuestion, PairingQuestion

    if isinstance(question, ChoiceQuestion):
        for option in question.answer:
            at.checkbox(key=f"{prefix}.option.{option}").check()
    elif isinstance(question, PairingQuestion):
        for item in question.items:
            at.radio(key=f"{prefix}.item.{item.id}").set_value(item.answer)
    elif isinstance(question, NumericQuestion):
        at.text_input(key=f"{prefix}.answer").input(f"{question.answer:,.0f}"
                                                    if question.answer >= 1000
                                                    else repr(question.answer))


@pytest.mark.parametrize("kind", ["multi", "pairing", "numeric", "order"])
def test_every_question_type_can_be_pushed_and_answered(db_url, store, kind):
    question = _kind(kind)
    host = open_class(instructor())
    ada = join(learner(), open_session_of_instructor(store).code)
    push(host, question)
    ada.run()
    assert question.prompt in texts(ada.markdown)
    _answer_rightly(ada, question, f"quiz.live1.{question.id}")
    button(ada, "Send my answer").click().run()
    assert not ada.exception and "Your answer is in" in texts(ada.success)
    (attempt,) = store.attempts("ada")
    assert attempt.question_id == question.id and attempt.context == "live:1:1"
    if kind != "order":  # the movable list starts in an order that is never right
        assert attempt.correct, attempt
    host.run()
    assert chart_spec(host)["layout"]["title"]["text"] == "1 answer"
    button(host, "Reveal the answer").click().run()
    ada.run()
    assert question.explanation in texts(ada.info)
