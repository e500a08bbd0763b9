"""AppTest of the Train page: pick a method, change a setting, train, stop, upload, links.

Fragments do not tick in AppTest (STREAMLIT.md, gotcha 3), so each test waits for the job
through the registry (`job.join`) and reruns the page, which draws the job's state on every
normal run. Runs are kept tiny (batch 2 × 32 tokens) so a run takes seconds on 2 cores.
"""

from __future__ import annotations

import json

from tests.app.conftest import job_registry, small_run, texts

PAGE = "pages/train.py"
JOB_TIMEOUT = 120


def loss_chart_points(at, job_id: str) -> int:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"train.{job_id}.loss")
                 or f"train.{job_id}.loss" in c.proto.id)
    return len(json.loads(chart.proto.spec)["data"][0]["y"])


def test_train_three_steps_then_stop_a_longer_run_and_compare_both(open_page):
    at = open_page(PAGE)
    at.selectbox(key="train.method").select("lora").run()
    at.number_input(key="train.lora.r").set_value(4)
    small_run(at, 3)
    at.button(key="train.start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (job,) = job_registry().jobs()
    assert job.plan.method_config.r == 4 and job.plan.config.steps == 3
    assert job.join(JOB_TIMEOUT), job.status
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert loss_chart_points(at, job.id) == 3
    successes = texts(at.success)
    assert "Finished 3 steps" in successes and "Frozen weights unchanged" in successes
    assert "new virtual tokens" not in texts(at.caption)  # LoRA starts at the base model
    scores = job.result.before.scores  # the bar under the chance line is explained, if it is
    below = scores.balanced_accuracy < scores.chance
    assert ("below chance" in texts(at.caption)) == below
    answers = next(d for d in at.dataframe if "prompt" in d.value.columns)
    # The default task's longest prompts do not fit one line at 1280 px: the rows wrap them,
    # which Streamlit does only in rows taller than 4rem (64 px).
    assert answers.value["prompt"].str.len().max() > 60 and answers.proto.row_height > 64
    anatomy = next(d.value for d in at.dataframe if "event" in d.value.columns)  # after answers
    events = anatomy["event"].tolist()
    assert events[:3] == ["batch", "forward", "loss"] and events[-1] == "zero grad"
    assert at.get("download_button")

    small_run(at, 500)  # long enough to still be running when Stop is pressed
    at.button(key="train.start").click().run()
    longer = job_registry().jobs()[-1]
    assert longer.id != job.id and not longer.done
    at.button(key=f"train.{longer.id}.stop").click().run()
    assert longer.join(JOB_TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert longer.status == "cancelled" and len(longer.steps) < 500
    assert "Stopped" in texts(at.warning)

    at.switch_page("pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert list(table.columns) == ["run 1: LoRA", "run 2: LoRA"]
    assert table.loc["how it ended", "run 2: LoRA"] == "stopped by the learner"
    # What each run was is the settings table's alone, in full; the numbers table has outcomes.
    assert "settings" not in table.index and "method" not in table.index
    settings = at.table[0].value
    assert settings.loc[[r for r in settings.index if r.endswith(": r")][0], "run 1: LoRA"] == "4"


def test_a_broken_upload_names_the_line_and_the_page_keeps_working(open_page):
    at = open_page(PAGE)
    at.radio(key="train.source").set_value("upload").run()
    broken = b'{"prompt": "Review: fine.\\nSentiment:", "completion": " positive"}\nnot json at all\n'
    at.file_uploader(key="train.upload").set_value(("mine.jsonl", broken, "application/jsonl")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "line 2" in texts(at.error)
    assert at.button(key="train.start").disabled
    at.radio(key="train.source").set_value("bundled").run()  # the page still works
    assert not at.exception and not at.button(key="train.start").disabled


def test_a_link_prefills_method_task_steps_and_seed(open_page):
    at = open_page(PAGE, {"method": "lora", "r": "4", "task": "sentiment", "steps": "30", "seed": "7"})
    assert not at.warning, texts(at.warning)
    assert at.selectbox(key="train.method").value == "lora"
    assert at.number_input(key="train.lora.r").value == 4
    assert at.selectbox(key="train.task").value == "sentiment"
    assert at.number_input(key="train.steps.lora").value == 30
    assert at.number_input(key="train.seed").value == 7
    assert not at.selectbox(key="train.method").disabled


def test_lock_shows_the_controls_disabled(open_page):
    at = open_page(PAGE, {"method": "ia3", "task": "style", "lock": "1"})
    assert at.selectbox(key="train.method").disabled and at.selectbox(key="train.task").disabled
    assert at.number_input(key="train.steps.ia3").disabled
    assert "locked" in texts(at.info)


def test_junk_query_params_warn_and_never_crash(open_page):
    at = open_page(PAGE, {"method": "<b>x</b>", "task": "../../etc/passwd", "steps": "9999",
                          "seed": "abc", "lock": "maybe", "bogus": "1", "lr": "1e20",
                          "batch_size": "4"})
    assert not at.exception, [e.value for e in at.exception]
    (warning,) = at.warning  # one message for the whole link
    for name in ("method", "task", "steps", "seed", "lock", "bogus", "lr"):
        assert name in warning.value, name
    # batch_size is a real setting on this page, just not one a link sets: say so
    assert "a link cannot set 'batch\\_size' here" in warning.value  # markdown-escaped
    assert not at.button(key="train.start").disabled


def test_a_diverging_run_explains_why_it_stopped(open_page):
    at = open_page(PAGE)
    at.selectbox(key="train.method").select("full").run()
    small_run(at, 20)
    at.number_input(key="train.lr.full").set_value(10.0)  # far too high for full fine-tuning
    at.button(key="train.start").click().run()
    (job,) = job_registry().jobs()
    assert job.join(JOB_TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert job.status == "stopped" and len(job.steps) < 20
    assert "stopped early" in texts(at.error) and "learning rate" in texts(at.error)
    shown = texts(at.error).replace("\\", "")  # markdown escapes off: what a learner reads
    assert "Try lr=0.001" in shown  # the fix, in full below the panel
    # The panel's status line says what happened, whole, and where the cause is: not a cut
    # sentence ("each update overshoo…").
    (status,) = [p.proto.text.replace("\\", "") for p in at.get("progress")]
    assert status.startswith("Stopped early: At step") and "diverged" in status
    assert status.endswith("Why, and what to change: below.") and "…" not in status


def test_the_form_says_when_the_default_warm_up_shrinks_to_fit_a_short_run(open_page):
    at = open_page(PAGE)
    at.selectbox(key="train.method").select("lora").run()
    default = at.number_input(key="train.warmup_steps.lora").value
    at.number_input(key="train.steps.lora").set_value(10).run()
    assert not at.exception, [e.value for e in at.exception]
    assert default > 1 and f"This run warms up for 1 step: the default {default} shrinks" in texts(
        at.caption)
    at.number_input(key="train.warmup_steps.lora").set_value(default - 1).run()  # chosen: as typed
    assert "This run warms up for" not in texts(at.caption)


def test_a_soft_prompt_run_says_why_its_before_is_not_the_base_model(open_page):
    """Prompt tuning's 'before' loss and answers differ from LoRA's on the same data (a learner
    expects one base model): its virtual tokens start random, and the page says so."""
    at = open_page(PAGE)
    at.selectbox(key="train.method").select("prompt").run()
    small_run(at, 2)
    at.button(key="train.start").click().run()
    (job,) = job_registry().jobs()
    assert job.join(JOB_TIMEOUT), job.status
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "already has its new virtual tokens, drawn at random" in texts(at.caption)
    assert "The run shown is" not in texts(at.caption)  # the form matches the run
    at.selectbox(key="train.method").select("lora").run()  # (or another tab's run on show)
    assert ("The run shown is Prompt tuning on Sentiment of a review; the settings above are "
            "for your next run.") in texts(at.caption)
