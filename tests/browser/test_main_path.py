"""The main path, as a learner walks it in a real browser: Home -> Parameters -> choose LoRA.

The server and Chromium start once per session; the shared-link test starts servers of its own,
since the link must be a server's first visit, which is when it could skip app.py (see
ui/routing.py), through serve.py and through a plain `streamlit run app.py`. Screenshots of Home, Methods and Parameters are saved along the way
(see conftest.screenshot_dir).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    PAGE_TIMEOUT_MS,
    full_page_screenshot,
    streamlit_server,
    wait_for_run,
)

pytestmark = pytest.mark.browser
expect.set_options(timeout=PAGE_TIMEOUT_MS)  # the first engine page imports torch: seconds, not ms


def expected_lora_percent() -> str:
    from adaptlab.census import census_summary
    from ui.parameters_view import percent

    return percent(census_summary("mini", "lora")["trainable_pct"])


def assert_no_exception(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label`, by clicking as a learner does."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_run(page)


@pytest.mark.parametrize("script", ["serve.py", "app.py"])
def test_a_shared_link_opens_the_page_set_up_inside_the_app(page, tmp_path, script):
    # A server of its own: the link must be the server's very first visit, which is when it
    # could skip app.py (ui/routing.py); the shared server has had other visitors by now.
    with streamlit_server(tmp_path / "server.log", script=script) as url:
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{url}/parameters?model=gpt2&method=lora&r=4")
        shows_the_page_inside_the_app(page)


def shows_the_page_inside_the_app(page) -> None:
    trainable = page.get_by_test_id("stMetric").filter(has_text="Trainable")
    expect(trainable).to_contain_text("147,456")  # 4·d·r·L for GPT-2 small, r = 4 (CONTENT §2.6)
    wait_for_run(page)
    # The shared frame ran: app.py's sidebar and navigation, not a bare page.
    expect(page.get_by_test_id("stSidebar").get_by_role("textbox", name="Your display name")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Parameters")).to_be_visible()
    assert_no_exception(page)


def test_home_to_parameters_lora_shows_trainable_percent(page, app_url, screenshot_dir):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(app_url)
    wait_for_run(page)
    expect(page.get_by_role("heading", name="AdaptLab", exact=True)).to_be_visible()
    assert_no_exception(page)
    full_page_screenshot(page, screenshot_dir / "home.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Parameters").click()
    # On a fresh server the engine imports in the background: the click's rerun may start after
    # wait_for_run has seen the old page idle, so wait for the address first.
    expect(page).to_have_url(re.compile(r"/parameters$"))
    wait_for_run(page)
    assert_no_exception(page)

    choose(page, "Method", "LoRA (low-rank adaptation)")
    trainable = page.get_by_test_id("stMetric").filter(has_text="Trainable")
    expect(trainable).to_contain_text(f"{expected_lora_percent()} of total")
    expect(page.get_by_text("Matches the measured trainable count")).to_be_visible()
    assert_no_exception(page)
    full_page_screenshot(page, screenshot_dir / "parameters.png")

    # The setup's link is a whole address to paste into a slide or a chat, not a fragment.
    page.get_by_test_id("stExpander").filter(has_text="Link to this setup").locator("summary").click()
    wait_for_run(page)
    expect(page.get_by_test_id("stCode")).to_contain_text(f"{app_url}/parameters?model=mini&method=lora")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Methods").click()
    wait_for_run(page)
    expect(page.get_by_role("heading", name="Methods: what gets trained?")).to_be_visible()
    assert_no_exception(page)
    full_page_screenshot(page, screenshot_dir / "methods.png")
