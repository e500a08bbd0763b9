"""AppTest of the Train page's controls (issue 14): a lock=1 link locks every setting of every
method, the Instructor's lesson presets open set up and locked, and the upload explains its
format on the page with an example and a template that really parses."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.data import UPLOAD_TEMPLATE, parse_jsonl
from adaptlab.methods import REGISTRY
from adaptlab.presets import lesson_presets
from adaptlab.training.config import method_defaults
from tests.app.conftest import texts

PAGE = "pages/train.py"
INPUT_KINDS = ("selectbox", "multiselect", "number_input", "text_input", "text_area", "radio",
               "toggle", "checkbox", "slider", "select_slider")
TRAIN_LINKS = [link for preset in lesson_presets() for link in preset.links if link.page == "train"]


def editable(at: AppTest) -> list[str]:
    """Every enabled input of the page (the sidebar's own name and projector switch aside)."""
    found = []
    for kind in INPUT_KINDS:
        found += [f"{kind} {w.key or w.label}" for w in getattr(at.main, kind) if not w.disabled]
    return found


@pytest.mark.parametrize("method", list(REGISTRY))
def test_lock_disables_every_setting_of_every_method(open_page, method):
    at = open_page(PAGE, {"method": method, "task": "style", "lock": "1"})
    assert not at.warning, texts(at.warning)
    assert at.selectbox(key="train.method").value == method
    assert editable(at) == []
    assert not at.button(key="train.start").disabled  # the one thing left to do: Train
    assert "locked" in texts(at.info)


def test_without_lock_the_same_settings_are_editable(open_page):
    at = open_page(PAGE, {"method": "lora", "task": "style"})
    keys = " ".join(editable(at))
    for key in ("train.method", "train.task", "train.lr.lora", "train.steps.lora",
                "train.batch_size", "train.max_length", "train.seed", "train.schedule.lora",
                "train.warmup_steps.lora", "train.lora.r", "train.lora.target_modules"):
        assert key in keys, key


@pytest.mark.parametrize("link", TRAIN_LINKS, ids=[link.url() for link in TRAIN_LINKS])
def test_each_lesson_preset_opens_train_set_up_and_locked(open_page, link):
    params = dict(parse_qsl(urlsplit(link.url()).query))
    at = open_page(PAGE, params)
    assert not at.warning, texts(at.warning)  # the link parses without a problem
    method = params["method"]
    assert at.selectbox(key="train.method").value == method
    assert at.selectbox(key="train.task").value == params["task"]
    lr = float(params.get("lr", method_defaults(method)["lr"]))
    assert at.number_input(key=f"train.lr.{method}").value == pytest.approx(lr)
    assert editable(at) == []


def test_the_upload_format_example_and_template_are_on_the_page(open_page):
    at = open_page(PAGE)
    page_text = texts(at.markdown)
    assert "`prompt`" in page_text and "`completion`" in page_text and "`split`" in page_text
    assert UPLOAD_TEMPLATE.strip() in [t.value.strip() for t in at.text]  # the example, in full
    (template,) = [b for b in at.get("download_button") if b.proto.id.endswith("train.template")]
    assert template.proto.label.startswith("Download this template")
    assert len(parse_jsonl(UPLOAD_TEMPLATE)) == 4  # what the learner downloads trains as is


def test_the_template_uploads_cleanly_and_a_broken_copy_names_its_line(open_page):
    at = open_page(PAGE)
    at.radio(key="train.source").set_value("upload").run()
    at.file_uploader(key="train.upload").set_value(
        ("template.jsonl", UPLOAD_TEMPLATE.encode(), "application/jsonl")).run()
    assert not at.exception and not at.error, texts(at.error)
    assert "4 examples read from template\\.jsonl" in texts(at.caption)  # markdown-escaped
    assert not at.button(key="train.start").disabled
    lines = UPLOAD_TEMPLATE.splitlines()
    lines[2] = lines[2].replace('"completion"', '"answer"')  # a typo on line 3
    at.file_uploader(key="train.upload").set_value(
        ("mine.jsonl", "\n".join(lines).encode(), "application/jsonl")).run()
    (error,) = at.error
    assert "line 3" in error.value and "completion" in error.value and "missing" in error.value
    assert at.button(key="train.start").disabled
