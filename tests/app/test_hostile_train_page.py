"""AppTest of the Train page under hostile input: broken uploads, markup in learner text, junk
links, and a learning rate of 1e9.

Each bad input gets one message that says what to fix, the page keeps serving (no exception),
what the learner already has (a finished run, their settings) stays, and learner text is shown
as text: markdown elements carry it escaped by ui.text.plain, and model inputs and outputs sit
in dataframes, which never render markup. Runs are tiny (batch 2 × 32 tokens, a few steps).
"""

from __future__ import annotations

import json
import random
import re

from adaptlab.data import MAX_BYTES, NOTHING_HELD_OUT
from adaptlab.training.config import MAX_LR
from tests.app.conftest import job_registry, small_run, texts

PAGE = "pages/train.py"
JOB_TIMEOUT = 120
GOOD = b'{"prompt": "Review: fine.\\nSentiment:", "completion": " positive"}\n'
MARKDOWN_KINDS = ("markdown", "caption", "error", "warning", "info", "success")

BROKEN_UPLOADS = [
    (b"", "the file is empty"),
    (b"hello, world\n", "line 1: not valid JSON"),
    (b'{"prompt": "x"}\n', 'field "completion": it is missing'),
    (b'{"prompt": 1, "completion": " y"}\n', 'field "prompt": expected text in quotes, got int'),
    (random.Random(0).randbytes(4096), "looks binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
    (GOOD + b'{"prompt": "\xff", "completion": " y"}\n', "line 2: the file is not UTF-8"),
    (b'{"prompt": "' + b"a" * 2_000_000 + b'", "completion": " b"}\n', "2,000,000 characters"),
    (b"[" * 200_000 + b"\n", "nested too deeply"),
    (b'{"prompt": "\\udc00", "completion": " y"}\n', "half of a UTF-16 pair"),
    (GOOD * (MAX_BYTES // len(GOOD) + 1), "the limit is 5 MB"),
]


def shown(element) -> str:
    """An element's text as the learner reads it: plain()'s markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", str(element.value))


def upload(at, name: str, raw: bytes) -> None:
    at.radio(key="train.source").set_value("upload").run()
    at.file_uploader(key="train.upload").set_value((name, raw, "application/jsonl")).run()
    assert not at.exception, [e.value for e in at.exception]


def markdown_source(at) -> str:
    """Every markdown source the page sent, joined; none may let HTML through."""
    elements = [e for kind in MARKDOWN_KINDS for e in at.get(kind)]
    assert not any(getattr(e.proto, "allow_html", False) for e in elements)
    return "\n".join(str(e.value) for e in elements)


def unescaped_tag(source: str) -> bool:
    """A `<` that markdown would read as the start of a tag (plain() writes `\\<`)."""
    return re.search(r"(?<!\\)<[a-z/!]", source, re.IGNORECASE) is not None


def train_and_wait(at):
    at.button(key="train.start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = job_registry().jobs()[-1]
    assert job.join(JOB_TIMEOUT), job.status
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return job


def test_each_broken_upload_gets_one_message_and_a_finished_run_stays(open_page):
    at = open_page(PAGE)
    at.number_input(key="train.lora.r").set_value(4)
    small_run(at, 2)
    job = train_and_wait(at)
    assert "Finished 2 steps" in texts(at.success)
    for raw, fragment in BROKEN_UPLOADS:
        upload(at, "mine.jsonl", raw)
        assert len(at.error) == 1 and fragment in shown(at.error[0]), (fragment, texts(at.error))
        assert len(at.error[0].value) < 1000
        assert at.button(key="train.start").disabled
        # What the learner already had: the finished run and its results, and their settings.
        assert "Finished 2 steps" in texts(at.success)
        assert at.number_input(key="train.lora.r").value == 4
    at.radio(key="train.source").set_value("bundled").run()
    assert not at.exception and not at.button(key="train.start").disabled
    assert job_registry().jobs() == [job]  # a broken upload never started or dropped a run


def test_markup_in_the_file_name_and_in_a_bad_split_is_shown_as_text(open_page):
    at = open_page(PAGE)
    bad = {"prompt": "x", "completion": " y", "split": "<img src=x onerror=alert(1)>**x**"}
    upload(at, "<script>alert(1)</script>[a](https://e.example).jsonl",
           (json.dumps(bad) + "\n").encode())
    (error,) = at.error
    assert "\\<img src=x onerror=alert\\(1\\)\\>\\*\\*x\\*\\*" in error.value
    source = markdown_source(at)
    assert not unescaped_tag(source) and "**x**" not in source and "](" not in source


def test_html_prompts_train_and_show_literally_before_and_after(open_page):
    rows = [{"prompt": f"<script>alert({i})</script> **Review {i}** [link](https://e.example)\n"
                       "Sentiment:", "completion": " <b>positive</b>" if i % 2 else " negative"}
            for i in range(8)]
    raw = "".join(json.dumps(r) + "\n" for r in rows).encode()
    at = open_page(PAGE)
    upload(at, "**bold** <i>name</i>.jsonl", raw)
    assert not at.error, texts(at.error)
    caption = next(c.value for c in at.caption if "examples read from" in c.value)
    assert "\\*\\*bold\\*\\* \\<i\\>name\\</i\\>" in caption
    small_run(at, 2)
    job = train_and_wait(at)
    assert job.status == "done", job.message
    table = next(d.value for d in at.dataframe if "before training" in d.value.columns)
    # Unsplit data holds out every 7th example: row 6 is the one sample, exactly as typed.
    assert table["prompt"].tolist() == [rows[6]["prompt"]]
    source = markdown_source(at)
    assert not unescaped_tag(source) and "**bold**" not in source and "](" not in source


def test_a_file_with_nothing_held_out_is_never_called_held_out(open_page):
    at = open_page(PAGE)
    upload(at, "one.jsonl", b'{"prompt": "Q: 1+1?\\nA:", "completion": " 2"}\n')
    assert not at.error, texts(at.error)
    assert "1 example read from one\\.jsonl: 1 to train on, 0 held out" in texts(at.caption)
    assert NOTHING_HELD_OUT in texts(at.warning)  # said before the learner trains
    small_run(at, 2)
    job = train_and_wait(at)
    assert job.status == "done", job.message
    assert job.plan.data_name == "one.jsonl"  # Compare names the run's data by its file
    assert "Answers on the training examples (nothing held out)" in texts(at.subheader)
    assert "Answers on held-out inputs" not in texts(at.subheader)
    assert "never trained on" not in texts(at.caption)
    labels = [m.label for m in at.metric]
    assert "Loss on training data" in labels and "Accuracy on training data" in labels
    assert not any(label.startswith("Held-out") for label in labels)


def test_junk_settings_in_a_link_warn_without_crashing(open_page):
    huge = "1" + "0" * 400  # parses as an int, overflows float(): once an OverflowError
    at = open_page(PAGE, {"method": "lora", "r": huge, "lora_alpha": "inf",
                          "lora_dropout": "nan", "steps": "100000000", "seed": "-1",
                          "target_modules": "<script>"})
    assert not at.exception, [e.value for e in at.exception]
    lines = [line for w in at.warning for line in shown(w).splitlines()]
    for name in ("r=", "lora_alpha=", "lora_dropout=", "steps=", "seed=", "target_modules="):
        assert sum(f" {name}" in f" {line}" for line in lines) == 1, (name, lines)
    assert all(len(line) < 400 for line in lines)  # the 401-digit r is cut, not echoed
    assert at.number_input(key="train.lora.r").value == 8  # the default, not the junk
    assert not at.button(key="train.start").disabled


def test_lr_1e9_diverges_and_the_page_explains_it(open_page):
    at = open_page(PAGE)
    at.selectbox(key="train.method").select("lora").run()
    small_run(at, 20)
    lr = at.number_input(key="train.lr.lora")
    assert lr.proto.max == MAX_LR  # the widget lets a learner try it: same bound as the engine
    lr.set_value(1e9)
    job = train_and_wait(at)
    assert job.status == "stopped" and len(job.steps) < 20 and job.error is None
    (error,) = at.error
    assert "stopped early" in error.value and "diverged" in error.value
    assert "far too high" in error.value and "Try lr=0" in error.value
    assert "The run failed" not in texts(at.error)
    at.switch_page("pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "diverged" in at.dataframe[0].value.loc["how it ended", "run 1: LoRA"]
