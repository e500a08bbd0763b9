"""docs/deploy.md in miniature: two replicas behind HAProxy, attempts in one real PostgreSQL.

Two `streamlit run serve.py` processes share ADAPTLAB_DB_URL (a PostgreSQL database) and sit behind
HAProxy started with the repository's own deploy/haproxy.cfg (only the addresses rewritten).
Learners answer in real Chromium through the balancer, which spreads them over both replicas and
pins each browser to one with its cookie; the instructor's per-learner CSV download on either
replica must count every attempt of every learner.

Needs $ADAPTLAB_TEST_POSTGRES_URL (`.ci/run` starts Debian's PostgreSQL and sets it) and the
`haproxy` command. Without them the test skips, unless ADAPTLAB_REQUIRE_DEPLOY_TESTS=1 (CI).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from adaptlab.quiz import ChoiceQuestion, bundled_bank
from adaptlab.store import Store
from tests.browser.conftest import (
    REPLICA_COOKIE,
    ROOT,
    empty_postgres_url,
    haproxy_balancer,
    learner_progress_csv,
    open_quiz_as,
    replica_of,
    streamlit_server,
    submit_choice,
    wait_for_run,
)

pytestmark = pytest.mark.browser
PASSCODE = "replica-test-passcode"


@pytest.fixture(scope="module")
def postgres_url() -> str:
    return empty_postgres_url()  # earlier runs may have left attempts behind


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, chromium_path, postgres_url) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("replicas")
    env = {"ADAPTLAB_DB_URL": postgres_url, "ADAPTLAB_INSTRUCTOR_PASSCODE": PASSCODE,
           "STREAMLIT_SERVER_COOKIE_SECRET": "one-secret-for-every-replica"}
    with (streamlit_server(tmp / "replica1.log", env) as url_1,
          streamlit_server(tmp / "replica2.log", env) as url_2):
        yield url_1, url_2


@pytest.fixture(scope="module")
def balancer(tmp_path_factory, replicas) -> Iterator[str]:
    with haproxy_balancer(replicas, tmp_path_factory.mktemp("haproxy")) as url:
        yield url


def test_attempts_through_two_replicas_all_reach_the_instructor(browser, replicas, balancer,
                                                                postgres_url):
    question = bundled_bank().by_topic("classification")[0]  # the quiz opens on it
    assert isinstance(question, ChoiceQuestion) and not question.multiple
    right = next(o.text for o in question.options if o.id in question.answer)
    wrong = next(o.text for o in question.options if o.id not in question.answer)
    run = uuid.uuid4().hex[:6]
    plan = {f"Ada {run}": [wrong, right], f"Grace {run}": [right],
            f"Alan {run}": [right], f"Barbara {run}": [wrong, right]}

    contexts, replicas_of = [], {}
    try:
        for learner, answers in plan.items():
            # Each learner's browser stays open, as in class: the balancer counts its connection.
            contexts.append(context := browser.new_context())
            page = context.new_page()
            open_quiz_as(page, balancer, learner)
            for option in answers:
                submit_choice(page, option)
                wait_for_run(page)
            expect(page.get_by_test_id("stAlert").filter(has_text="Correct:")).to_be_visible()
            expect(page.get_by_test_id("stException")).to_have_count(0)
            replicas_of[learner] = replica_of(context)
    finally:
        for context in contexts:
            context.close()
    assert set(replicas_of.values()) == {"r1", "r2"}, replicas_of  # spread over both, each pinned

    # The database holds each attempt once, whichever replica wrote it.
    store = Store(postgres_url)
    saved = {learner: [(a.question_id, a.correct) for a in store.attempts(learner)]
             for learner in plan}
    store.close()
    assert saved == {learner: [(question.id, option == right) for option in answers]
                     for learner, answers in plan.items()}

    # Each replica's instructor dashboard counts the learners the other replica served.
    context = browser.new_context(accept_downloads=True)
    try:
        for url in replicas:
            table = learner_progress_csv(context.new_page(), url, PASSCODE).set_index("learner")
            for learner, answers in plan.items():
                assert table.loc[learner, "attempts"] == len(answers)
                assert table.loc[learner, "questions_correct"] == 1
    finally:
        context.close()


def test_deploy_files_agree_with_the_test(tmp_path):
    """The balancer config the test rewrites is the one docs/deploy.md and compose.yaml use."""
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    compose = (ROOT / "deploy" / "compose.yaml").read_text()
    assert "replica1:8501" in config and "replica2:8501" in config and "bind :8080" in config
    assert f"cookie {REPLICA_COOKIE} insert" in config
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in compose and "postgresql+psycopg://" in compose
    assert Path(ROOT / "Dockerfile").exists()
