"""Issue 15, item 5: a live class on two replicas behind HAProxy (the repository's
deploy/haproxy.cfg) sharing one PostgreSQL database, and one replica killed mid-class.

An instructor and three learners, each in their own browser context; the balancer spreads them
over both replicas and pins each with its cookie (checked: both replicas serve a learner). The
instructor opens a session, the learners join with the code, a question is pushed, answered,
counted on the projector's chart and revealed. The instructor assigns methods, and one learner's
finished run is stored for the class lab board through adaptlab.live.board.record_run, as the
Train page does when a run ends (a real run costs minutes here; test_live_board_path.py trains one).

Then the instructor's replica, which serves a learner too, is killed with SIGKILL and started
again on its port. Nothing acknowledged is lost: the database holds the session, its members,
the answers and their quiz attempts and the board's run; the instructor's page shows the same
session, 3 learners joined, the chart's 3 answers and the run; a learner signing in again sees
their graded answer. A Streamlit session lives in its server's memory, so everyone the killed
replica served signs in again (the instructor unlocks the page, a learner gives their name and
secret); nobody joins again: membership is in the database. Their tabs are reopened once the
balancer sends their cookie to the restarted replica again, so it serves them. The session goes
on: a second push reaches all three learners, and their answers count on the chart and in each
learner's progress (the instructor's per-learner CSV).

Needs $ADAPTLAB_TEST_POSTGRES_URL (`.ci/run` sets it) and `haproxy`; skips without them, unless
ADAPTLAB_REQUIRE_DEPLOY_TESTS=1 (CI).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from adaptlab.live import (
    assignments,
    board,
    current_push,
    live_context,
    members,
    open_session_of_instructor,
    push_answers,
)
from adaptlab.live.board import RunSummary
from adaptlab.quiz import ChoiceQuestion, bundled_bank
from adaptlab.store import Store
from tests.browser.conftest import (
    PAGE_TIMEOUT_MS,
    REPLICA_COOKIE,
    empty_postgres_url,
    haproxy_balancer,
    launch_server,
    learner_progress_csv,
    open_quiz_as,
    replica_of,
    stop_server,
    wait_for_run,
)
from tests.browser.test_live_class import PASSCODE, open_live_page, promise_s, sign_in_and_join

pytestmark = pytest.mark.browser
FIRST, SECOND = bundled_bank().by_topic("classification")[:2]  # the page's first choice; another
assert all(isinstance(q, ChoiceQuestion) and not q.multiple for q in (FIRST, SECOND))
LEARNERS = ("Ada", "Grace", "Alan")
RIGHT_FIRST = {"Ada": True, "Grace": True, "Alan": False}  # who answers the first push right
RIGHT_SECOND = {"Ada": False, "Grace": True, "Alan": True}
REACH_MS = 15_000  # a push, an answer or a reveal crossing replicas, on a loaded 2-core box


def option(question: ChoiceQuestion, right: bool) -> str:
    return next(o.text for o in question.options if (o.id in question.answer) == right)


@dataclass
class Replica:
    """One `streamlit run serve.py` that can be killed and started again on its port."""

    name: str  # its cookie value in deploy/haproxy.cfg: r1, r2
    folder: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    url: str = ""
    starts: int = 0

    def start(self, port: int | None = None) -> None:
        self.starts += 1
        log = self.folder / f"{self.name}-start{self.starts}.log"
        self.proc, self.url = launch_server(log, self.env, port)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            stop_server(self.proc)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, chromium_path) -> Iterator[tuple[dict[str, Replica], str, str]]:
    """Two replicas on one emptied PostgreSQL database, HAProxy in front: (replicas by cookie
    value, the balancer's URL, the database URL)."""
    db_url = empty_postgres_url()
    folder = tmp_path_factory.mktemp("live_replicas")
    env = {"ADAPTLAB_DB_URL": db_url, "ADAPTLAB_INSTRUCTOR_PASSCODE": PASSCODE,
           "ADAPTLAB_WARM_UP": "0",  # no engine pages here: keep the 2 cores for the class
           "STREAMLIT_SERVER_COOKIE_SECRET": "one-secret-for-every-replica"}
    replicas = {name: Replica(name, folder, env) for name in ("r1", "r2")}
    try:
        for replica in replicas.values():
            replica.start()
        with haproxy_balancer((replicas["r1"].url, replicas["r2"].url), folder) as url:
            yield replicas, url, db_url
    finally:
        for replica in replicas.values():
            replica.stop()


def wait_until_balanced_to(balancer: str, name: str, timeout: float = 60) -> None:
    """Until HAProxy sends a browser pinned to replica `name` there again. Its health checks
    mark a restarted server up a few seconds after it answers; until then it re-pins such a
    browser to the other replica (a Set-Cookie naming that one)."""
    request = urllib.request.Request(f"{balancer}/_stcore/health",
                                     headers={"Cookie": f"{REPLICA_COOKIE}={name}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                pinned = "; ".join(response.headers.get_all("Set-Cookie") or []) + ";"
                if f"{REPLICA_COOKIE}=" not in pinned or f"{REPLICA_COOKIE}={name};" in pinned:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the balancer did not route to {name} again within {timeout} s")


def push(host, question: ChoiceQuestion) -> None:
    """Pick `question` on the instructor's page, push it, wait until the projector shows it."""
    one_line = " ".join(question.prompt.split())
    listed = re.compile("^" + re.escape(f"{question.asked_to}: {one_line}"[:88]))
    choice = host.get_by_role("option", name=listed)  # as ui/live_host.py lists it, shortened
    for _ in range(10):  # the page's polling fragments can close the list as it opens
        host.get_by_test_id("stSelectbox").filter(has_text="Question to push").click()
        try:
            choice.click(timeout=3000)
            break
        except PlaywrightTimeoutError:
            host.keyboard.press("Escape")
    expect(host.get_by_role("combobox", name="Question to push")).to_have_value(listed)
    wait_for_run(host)
    host.get_by_role("button", name="Push to the class").click()
    expect(host.get_by_test_id("stMarkdownContainer").filter(has_text=question.prompt)
           .first).to_be_visible(timeout=REACH_MS)
    expect(host.locator(".gtitle", has_text="0 answers").first).to_be_visible(timeout=REACH_MS)
    expect(host.locator(".gtitle", has_text="3 answers")).to_have_count(0)  # no stale drawing


def answer_everywhere(learners: dict, question: ChoiceQuestion, right: dict[str, bool]) -> None:
    """Each learner's panel shows the pushed question by itself; each sends one answer."""
    for name, page in learners.items():
        panel = page.locator(".st-key-live_panel")
        expect(panel.get_by_text(question.prompt)).to_be_visible(
            timeout=promise_s() * 1000 + REACH_MS)
        panel.get_by_text(option(question, right[name]), exact=True).click()
        panel.get_by_role("button", name="Send my answer").click()
    for page in learners.values():
        expect(page.locator(".st-key-live_panel").get_by_text("Your answer is in")).to_be_visible(
            timeout=REACH_MS)


def counted_and_revealed(host, learners: dict, right: dict[str, bool]) -> None:
    """The projector counts the three answers; the reveal reaches every learner's panel."""
    expect(host.locator(".gtitle", has_text="3 answers").first).to_be_visible(timeout=REACH_MS)
    host.get_by_role("button", name="Reveal the answer").click()
    for name, page in learners.items():
        verdict = "You were right" if right[name] else "Not right"
        expect(page.locator(".st-key-live_panel").get_by_text(verdict)).to_be_visible(
            timeout=REACH_MS)


def record_a_finished_run(store: Store, session_id: int, learner: str) -> None:
    """What ui/live_runs.py stores when the learner's run of their assigned method ends."""
    method, task = assignments.assignment_for(store, session_id, learner)
    board.record_run(store, RunSummary(
        session_id, "run-before-the-crash", learner, method, task, trainable_params=24_576,
        total_params=1_200_000, accuracy=0.75, accuracy_before=0.5, chance=0.5,
        settings={"steps": 4, "learning_rate": 0.001}, finished_at=datetime.now(UTC)))


def saved(store: Store, session_id: int) -> dict[str, object]:
    """What the database holds of the class (compared before the crash and after)."""
    pushed = push_answers(store, current_push(store, session_id).id)
    return {"members": sorted(m.learner for m in members(store, session_id)),
            "answers": sorted((a.learner, a.correct) for a in pushed),
            "attempts": {name: [(a.question_id, a.correct, a.context)
                                for a in store.attempts(name)] for name in LEARNERS},
            "runs": len(board.runs(store, session_id))}


def test_a_live_class_on_two_replicas_survives_a_replica_crash(browser, cluster):
    replicas, balancer, db_url = cluster
    store = Store(db_url)
    contexts = {who: browser.new_context() for who in ("host", *LEARNERS)}
    pages = {who: context.new_page() for who, context in contexts.items()}
    host = pages["host"]
    learners = {name: pages[name] for name in LEARNERS}
    try:
        # The instructor opens a session; the learners join with its link, through the balancer.
        open_live_page(host, balancer)
        host.get_by_role("button", name="Open a class session").click()
        wait_for_run(host)
        session = open_session_of_instructor(store)
        for name, page in learners.items():
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(f"{balancer}/?join={session.code}")
            wait_for_run(page)
            sign_in_and_join(page, name, None)
            expect(page.get_by_text(f"You are in the live class {session.code}")).to_be_visible(
                timeout=REACH_MS)
        served_by = {who: replica_of(context) for who, context in contexts.items()}
        assert {served_by[name] for name in LEARNERS} == {"r1", "r2"}, served_by
        expect(host.get_by_test_id("stMetric").filter(has_text="Learners joined")).to_contain_text(
            "3", timeout=REACH_MS)

        # A question pushed, answered on both replicas, counted, revealed; a run on the board.
        push(host, FIRST)
        answer_everywhere(learners, FIRST, RIGHT_FIRST)
        counted_and_revealed(host, learners, RIGHT_FIRST)
        host.get_by_role("button", name="Assign").click()
        expect(host.get_by_text("to 3 learners on", exact=False)).to_be_visible(timeout=REACH_MS)
        record_a_finished_run(store, session.id, "Ada")
        expect(host.get_by_text("1 finished run on", exact=False)).to_be_visible(
            timeout=REACH_MS)
        before = saved(store, session.id)
        assert before["members"] == sorted(LEARNERS) and before["runs"] == 1
        assert before["answers"] == sorted(RIGHT_FIRST.items())
        first_push = current_push(store, session.id)

        # kill -9 the instructor's replica; its browsers' tabs are closed until it is back.
        victim = replicas[served_by["host"]]
        victim.kill()
        lost = [who for who, replica in served_by.items() if replica == victim.name]
        assert len(lost) >= 2, served_by  # the instructor and at least one learner
        for who in lost:
            pages[who].goto("about:blank")
        assert saved(store, session.id) == before  # every acknowledged write is in the database
        victim.start(port=urlsplit(victim.url).port)
        wait_until_balanced_to(balancer, victim.name)

        # Back through the restarted replica: sign in again; nothing acknowledged is lost.
        open_live_page(host, balancer)
        expect(host.get_by_test_id("stMetric").filter(has_text="Learners joined")).to_contain_text(
            "3", timeout=REACH_MS)
        for shown in (host.get_by_label(f"Join code {' '.join(session.code)}"),
                      host.locator(".gtitle", has_text="3 answers").first,
                      host.get_by_text("1 finished run on", exact=False)):
            expect(shown).to_be_visible(timeout=REACH_MS)
        for name in (n for n in LEARNERS if n in lost):
            open_quiz_as(learners[name], balancer, name)  # signs in; the live panel comes back
            verdict = "You were right" if RIGHT_FIRST[name] else "Not right"
            expect(learners[name].locator(".st-key-live_panel").get_by_text(verdict)).to_be_visible(
                timeout=REACH_MS)
        assert all(replica_of(contexts[who]) == victim.name for who in lost)

        # The session goes on: a second push reaches everyone, on both replicas, and counts.
        push(host, SECOND)
        answer_everywhere(learners, SECOND, RIGHT_SECOND)
        counted_and_revealed(host, learners, RIGHT_SECOND)
        for page in pages.values():
            expect(page.get_by_test_id("stException")).to_have_count(0)
        second_push = current_push(store, session.id)
        for name in LEARNERS:
            assert [(a.question_id, a.correct, a.context) for a in store.attempts(name)] == [
                (FIRST.id, RIGHT_FIRST[name], live_context(first_push)),
                (SECOND.id, RIGHT_SECOND[name], live_context(second_push))]
        contexts["csv"] = browser.new_context(accept_downloads=True)
        table = learner_progress_csv(contexts["csv"].new_page(), balancer, PASSCODE)
        table = table.set_index("learner")
        for name in LEARNERS:
            assert table.loc[name, "attempts"] == 2
            assert table.loc[name, "questions_correct"] == RIGHT_FIRST[name] + RIGHT_SECOND[name]
    finally:
        for context in contexts.values():
            context.close()
        store.close()

