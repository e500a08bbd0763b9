"""Diagnose under AppTest: run a broken scenario for real, diagnose it wrongly then rightly, apply
the fix and see both runs overlaid. No traceback at any step."""

from __future__ import annotations

import json

from tests.app.conftest import texts

PAGE = "pages/diagnose.py"
RUN_TIMEOUT = 90  # one real run of a few seconds; generous for a busy shared CPU


def traces(at) -> list[int]:
    """The number of traces of each plotly chart on the page (charts are UnknownElements)."""
    return [len(json.loads(chart.proto.spec)["data"]) for chart in at.get("plotly_chart")]


def answer(at, scenario: str, choice: str):
    at.radio(key=f"diagnose.answer.{scenario}").set_value(choice)
    at.form_submit_button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_run_diagnose_and_fix_a_too_low_learning_rate(open_page):
    at = open_page(PAGE)
    assert not at.get("plotly_chart")  # nothing is trained until the learner asks
    at.selectbox(key="diagnose.scenario").select("lr-too-low").run()
    at.button(key="diagnose.run").click().run(timeout=RUN_TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert at.status[0].state == "complete"
    assert traces(at) == [1, 1]  # training and held-out curves of the broken run
    assert "24,576" in [m.value for m in at.metric]

    answer(at, "lr-too-low", "frozen")
    assert "Not quite" in texts(at.error) and "24,576" in texts(at.error)
    assert not at.success

    answer(at, "lr-too-low", "lr")
    assert texts(at.success).startswith("Right.") and not at.error

    at.button(key="diagnose.fix").click().run(timeout=RUN_TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert traces(at)[-2:] == [2, 2]  # the fixed run drawn over the broken one
    assert "What changed" in texts(at.markdown)
    assert "The fix worked" in texts(at.success)


def test_the_fix_is_offered_only_after_a_diagnosis(open_page):
    at = open_page(PAGE)
    at.selectbox(key="diagnose.scenario").select("all-frozen").run()
    at.button(key="diagnose.run").click().run(timeout=RUN_TIMEOUT)
    assert not at.exception
    assert "Nothing to draw" in texts(at.info)  # refused before step 1: no curve, no fake one
    assert "0" in [m.value for m in at.metric]
    at.form_submit_button[0].click().run()  # submitting with nothing picked
    assert not at.exception
    assert "Pick one" in texts(at.warning)
    assert not [b for b in at.button if b.key == "diagnose.fix"]
