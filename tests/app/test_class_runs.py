"""Bounded work per learner, through the pages (issue 13): one run per signed-in learner across
tabs, and the instructor's "Stop all runs". Each AppTest is one tab (its own session)."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, job_registry, open_instructor, small_run, texts, unlock
from tests.app.test_identity import sign_in

PASSCODE = "correct horse battery staple"


def train_tab(name: str | None = None, secret: str = "a-secret-of-mine-1") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if name:
        at.switch_page("pages/quiz.py").run()
        sign_in(at, name, secret)
    at.switch_page("pages/train.py").run()
    assert not at.exception
    return at


def press_train(at: AppTest, steps: int):
    small_run(at, steps)
    at.button(key="train.start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (job,) = [j for j in job_registry().jobs() if j.id == at.session_state["adaptlab.training_runs"]
              .current["train"]]
    return job


def wait_until(predicate, timeout=60.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_a_signed_in_learner_has_one_run_across_tabs(db_url):
    first, second = train_tab("alice"), train_tab("alice")
    long = press_train(first, 500)
    wait_until(lambda: long.status == "running")
    short = press_train(second, 2)  # alice's other tab: her first run stops
    assert long.join(60) and long.status == "cancelled"
    assert short.join(120) and short.status == "done"
    assert {j.owner for j in (long, short)} == {"learner:alice"}
    first.run()  # her first tab says why its run stopped: she did not press Stop there
    assert "Stopped when you started a newer run" in texts(first.warning)


def test_runs_made_before_signing_in_stay_on_train_and_compare(db_url):
    tab = train_tab()
    job = press_train(tab, 2)
    assert job.join(120) and job.status == "done"
    tab.switch_page("pages/quiz.py").run()
    sign_in(tab, "carol", "a-secret-of-mine-1")  # Home sends learners to sign in after the lab
    tab.switch_page("pages/compare.py").run()
    assert not tab.exception
    assert "No runs yet" not in texts(tab.info)
    assert job.owner == "learner:carol"
    tab.switch_page("pages/train.py").run()
    assert "Finished 2 steps" in texts(tab.success)


def test_tabs_of_one_browser_share_its_runs(db_url):
    """A preset opened in a new tab, or a reload: the session reads the browser's id from its
    cookie (ui.browser_id; AppTest has no cookies, so it is set as the cookie would set it)."""
    tabs = []
    for _ in range(2):
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["adaptlab.browser"] = "0123456789abcdef0123456789abcdef"
        tabs.append(at.run())
    first, second = (at.switch_page("pages/train.py").run() for at in tabs)
    job = press_train(first, 2)
    assert job.join(120) and job.status == "done"
    second.switch_page("pages/compare.py").run()
    assert not second.exception and "No runs yet" not in texts(second.info)
    second.switch_page("pages/train.py").run()  # a tab that started nothing shows the latest run
    assert "Finished 2 steps" in texts(second.success)


def test_two_anonymous_browsers_are_two_learners(db_url):
    first, second = train_tab(), train_tab()
    a = press_train(first, 500)
    b = press_train(second, 500)
    wait_until(lambda: a.status == b.status == "running")
    assert a.owner != b.owner and not a.done
    job_registry().cancel_all()
    assert a.join(60) and b.join(60)


def test_the_instructor_stops_every_run_of_the_class(db_url, monkeypatch):
    monkeypatch.setenv("ADAPTLAB_INSTRUCTOR_PASSCODE", PASSCODE)
    learners = [train_tab() for _ in range(3)]
    jobs = [press_train(at, 500) for at in learners]  # two compute, one waits
    wait_until(lambda: sum(j.status == "running" for j in jobs) == 2)
    instructor = unlock(open_instructor(), PASSCODE)
    instructor.radio(key="instructor.section").set_value("runs").run()
    shown = {m.label: m.value for m in instructor.metric}
    assert (shown["Computing now"], shown["Waiting"]) == ("2", "1")
    stop = instructor.button(key="instructor.stop_all")
    assert not stop.disabled
    stop.click().run()
    assert "Stopped 3 runs." in texts(instructor.success)
    assert all(j.join(60) for j in jobs) and {j.status for j in jobs} == {"cancelled"}
    instructor.run()
    assert instructor.button(key="instructor.stop_all").disabled  # nothing left to stop
