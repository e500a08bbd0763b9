"""Issue 13 in a real browser: offline assets, proven learner identity, no raw CSV export.

One server with its own database and passcode. Every request the pages make is recorded: none
may leave this machine (the old page icon fetched its favicon from fonts.gstatic.com).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from adaptlab.quiz import ChoiceQuestion, bundled_bank
from tests.browser.conftest import (
    PAGE_TIMEOUT_MS,
    lab_server,
    open_quiz_as,
    submit_choice,
    unlock_instructor,
    wait_for_run,
)

pytestmark = pytest.mark.browser
expect.set_options(timeout=PAGE_TIMEOUT_MS)
PASSCODE = "hostile-class-passcode-7"
FORMULA_NAME = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium_path) -> Iterator[str]:
    with lab_server(tmp_path_factory.mktemp("hostile"), PASSCODE) as (url, _):
        yield url


def first_question_texts() -> tuple[str, str]:
    question = bundled_bank().by_topic("classification")[0]  # the quiz opens on it
    assert isinstance(question, ChoiceQuestion) and not question.multiple
    right = next(o.text for o in question.options if o.id in question.answer)
    wrong = next(o.text for o in question.options if o.id not in question.answer)
    return right, wrong


def test_no_request_leaves_this_machine(page, server):
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or urlsplit(r.url).scheme))
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(server)
    wait_for_run(page)
    for name in ("Quiz", "Methods", "Home"):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
        wait_for_run(page)
    page.wait_for_timeout(1000)  # a favicon or font request would have started by now
    icon = page.locator("link[rel~='icon']").first.get_attribute("href") or ""
    assert not urlsplit(icon).hostname or urlsplit(icon).hostname == "127.0.0.1", icon
    assert hosts <= {"127.0.0.1", "data", "blob"}, hosts


def test_typing_someone_elses_name_gives_nothing(browser, server):
    right, wrong = first_question_texts()
    alice = browser.new_context()
    page = alice.new_page()
    open_quiz_as(page, server, "alice", "alices-own-secret-7")
    submit_choice(page, wrong)
    wait_for_run(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Not right")).to_be_visible()
    alice.close()

    intruder = browser.new_context()
    page = intruder.new_page()
    open_quiz_as(page, server, "alice", "a-guessed-secret")
    expect(page.get_by_test_id("stAlert").filter(has_text="already in use")).to_be_visible()
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
    expect(page.get_by_test_id("stRadio")).to_have_count(0)  # no questions, no review
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    intruder.close()


def test_the_instructor_tables_offer_only_formula_safe_csv(browser, server):
    right, _ = first_question_texts()
    learner = browser.new_context()
    page = learner.new_page()
    open_quiz_as(page, server, FORMULA_NAME)
    submit_choice(page, right)
    wait_for_run(page)
    learner.close()

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    unlock_instructor(page, server, PASSCODE)
    table = page.get_by_test_id("stDataFrame").nth(1)
    table.hover()
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)  # the raw one
    with page.expect_download() as download:
        page.get_by_role("button", name="Download per-learner progress (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8")
    names = pd.read_csv(io.StringIO(text))["learner"].tolist()
    assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
    context.close()
