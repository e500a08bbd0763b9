"""Diagnose under AppTest: run a broken scenario for real; its cause stays hidden until named; a
wrong try gets feedback and another go; the fix unlocks on a right answer, or after the last try
with the explanation; then both runs are overlaid. No traceback at any step."""

from __future__ import annotations

import json

from adaptlab.training.diagnosis_tries import MAX_TRIES
from tests.app.conftest import texts

PAGE = "pages/diagnose.py"
RUN_TIMEOUT = 90  # one real run of a few seconds; generous for a busy shared CPU


def traces(at) -> list[int]:
    """The number of traces of each plotly chart on the page (charts are UnknownElements)."""
    return [len(json.loads(chart.proto.spec)["data"]) for chart in at.get("plotly_chart")]


def on_screen(at) -> str:
    """Everything the page shows as text: captions, markdown, alerts, metrics, status labels,
    expanders and the charts' legends."""
    parts = [texts(getattr(at, kind)) for kind in
             ("caption", "markdown", "info", "success", "warning", "error")]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [s.proto.label for s in at.status] + [e.label for e in at.expander]
    parts += [chart.proto.spec for chart in at.get("plotly_chart")]
    return "\n".join(parts)


def fix_offered(at) -> bool:
    return any(b.key == "diagnose.fix" for b in at.button)


def answer(at, scenario: str, choice: str):
    at.radio(key=f"diagnose.answer.{scenario}").set_value(choice)
    at.form_submit_button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_broken(at, scenario: str):
    at.selectbox(key="diagnose.scenario").select(scenario).run()
    at.button(key="diagnose.run").click().run(timeout=RUN_TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_run_diagnose_and_fix_a_too_low_learning_rate(open_page):
    at = open_page(PAGE)
    assert not at.get("plotly_chart")  # nothing is trained until the learner asks
    assert "lr=?" in texts(at.caption) and "1e-07" not in on_screen(at)
    at.selectbox(key="diagnose.scenario").select("all-frozen").run()
    assert "lr=?" in texts(at.caption)  # hidden in every scenario: a "?" names no cause
    run_broken(at, "lr-too-low")
    assert at.status[0].state == "complete"
    assert traces(at) == [1, 1]  # training and held-out curves of the broken run
    assert "24,576" in [m.value for m in at.metric]  # a symptom: shown
    assert "before → after training: 0% → 0%" in texts(at.caption)  # what it answers, too
    assert "1e-07" not in on_screen(at)  # the cause: not in a caption, metric, legend or status
    assert not fix_offered(at)

    answer(at, "lr-too-low", "frozen")
    assert "Not quite" in texts(at.error) and "24,576" in texts(at.error)
    assert f"{MAX_TRIES - 1} try left" in texts(at.error)  # another go
    assert "1e-07" not in on_screen(at) and not fix_offered(at) and not at.success

    answer(at, "lr-too-low", "lr")
    assert texts(at.success).startswith("Right.")
    assert "lr=1e-07" in on_screen(at)  # now revealed: settings, metric and legend
    assert "1e-07" in [m.value for m in at.metric]
    assert not at.radio and not at.form_submit_button  # diagnosed: no more tries to submit

    at.button(key="diagnose.fix").click().run(timeout=RUN_TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert traces(at)[-2:] == [2, 2]  # the fixed run drawn over the broken one
    assert "What changed" in texts(at.markdown)
    assert "The fix worked" in texts(at.success)
    assert "Held-out accuracy, before → after training: broken run 0% → 0%" in texts(at.markdown)
    answers = at.dataframe[-1].value  # judged by what the model answers, question by question
    assert list(answers.columns) == ["question", "expected", "broken run", "fixed run",
                                     "fixed run right"]
    assert (answers["fixed run right"] == "✓ right").mean() >= 0.8


def test_after_the_last_wrong_try_the_cause_is_explained_and_the_fix_unlocks(open_page):
    at = run_broken(open_page(PAGE), "lr-too-high")
    shown = on_screen(at)
    assert "lr=?" in shown and "lr=1," not in shown and "diverged" not in shown
    assert "stopped early" in texts(at.warning)  # the symptom is there; the engine's words wait

    answer(at, "lr-too-high", "zero-grad")
    answer(at, "lr-too-high", "zero-grad")  # the same option again costs no try
    assert "tried that cause already" in texts(at.warning) and not fix_offered(at)
    answer(at, "lr-too-high", "clip")
    assert texts(at.error).count("Not quite") == MAX_TRIES
    assert "The cause:" in texts(at.info) and "far too high" in texts(at.info)
    assert "Hidden until now:** lr=1; training examples=all." in texts(at.markdown)
    assert not at.success and fix_offered(at)
    assert not at.form_submit_button


def test_the_fix_is_offered_only_after_a_diagnosis(open_page):
    at = run_broken(open_page(PAGE), "all-frozen")
    assert "Nothing to draw" in texts(at.info)  # refused before step 1: no curve, no fake one
    assert "0" in [m.value for m in at.metric]
    at.form_submit_button[0].click().run()  # submitting with nothing picked
    assert not at.exception
    assert "Pick one" in texts(at.warning)
    assert not fix_offered(at)


def test_projector_mode_enlarges_the_curves_and_no_toolbar_covers_their_legend(open_page):
    from adaptlab.viz import PROJECTOR_FONT

    at = open_page(PAGE)
    at.toggle(key="sidebar.projector").set_value(True).run()
    run_broken(at, "lr-too-high")
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # the training and the held-out curves
    for chart in charts:
        assert json.loads(chart.proto.spec)["layout"]["font"]["size"] == PROJECTOR_FONT
        assert json.loads(chart.proto.config)["displayModeBar"] is False


def test_a_reload_of_the_same_browser_finds_its_run_and_tries(open_page, monkeypatch):
    # A reload is a new session; the browser's cookie (ui.browser_id) names it the same browser.
    import ui.diagnose_view

    monkeypatch.setattr(ui.diagnose_view, "this_browser", lambda: "a" * 32)
    at = run_broken(open_page(PAGE), "lr-too-high")
    answer(at, "lr-too-high", "zero-grad")

    again = open_page(PAGE)  # the same browser, reloaded
    assert again.selectbox(key="diagnose.scenario").value == "lr-too-high"
    assert traces(again) == [1, 1] and "Not quite" in texts(again.error)  # not trained again

    monkeypatch.setattr(ui.diagnose_view, "this_browser", lambda: "b" * 32)
    other = open_page(PAGE)  # another browser starts afresh
    assert not other.get("plotly_chart") and not other.error
    assert other.selectbox(key="diagnose.scenario").value == "lr-too-low"
