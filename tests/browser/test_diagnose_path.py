"""Diagnose in a real browser: the broken run's symptoms are on screen, its cause (lr=1e-07) is
nowhere on the page until the learner names it; a wrong try gets feedback and no fix; the right
answer reveals the rate and unlocks the fix."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PAGE_TIMEOUT_MS, full_page_screenshot, wait_for_run
from tests.browser.test_main_path import assert_no_exception, choose
from tests.browser.test_train_path import open_in_sidebar

pytestmark = pytest.mark.browser
expect.set_options(timeout=PAGE_TIMEOUT_MS)
CAUSE = "1e-07"
# Every text of the page, the charts' legends (SVG) included.
PAGE_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const legends = [...main.querySelectorAll('.js-plotly-plot')].flatMap(p => (p.data || []).map(t => t.name));
  return main.innerText + '\\n' + legends.join('\\n');
}"""


def check(page, option: str) -> None:
    page.get_by_test_id("stRadio").get_by_text(option).click()
    page.get_by_role("button", name="Check my diagnosis").click()
    wait_for_run(page)
    assert_no_exception(page)


def test_the_cause_stays_hidden_until_the_learner_names_it(page, app_url, screenshot_dir):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(app_url)
    wait_for_run(page)
    open_in_sidebar(page, "Diagnose")
    choose(page, "Scenario", "1. A run that does not move")
    page.get_by_role("button", name="Run the broken run").click()
    wait_for_run(page)
    assert_no_exception(page)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)  # the symptoms
    expect(page.get_by_test_id("stMetric").filter(has_text="Learning rate")).to_contain_text("hidden")
    text = page.evaluate(PAGE_TEXT)
    assert "lr=?" in text and CAUSE not in text, text

    full_page_screenshot(page, screenshot_dir / "diagnose-hidden.png")

    check(page, "Everything is frozen")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Not quite")
    expect(page.get_by_role("button", name="Apply the fix and rerun")).to_have_count(0)
    assert CAUSE not in page.evaluate(PAGE_TEXT)

    check(page, "The learning rate is far too low")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Right.")
    expect(page.get_by_text(f"lr={CAUSE}").first).to_be_visible()
    assert f"broken run (lr={CAUSE})" in page.evaluate(PAGE_TEXT)  # the legend names it now
    expect(page.get_by_role("button", name="Apply the fix and rerun")).to_be_visible()
    full_page_screenshot(page, screenshot_dir / "diagnose-named.png")
