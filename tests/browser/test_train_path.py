"""The training path in a real browser: Parameters (LoRA) -> Train 10 steps -> Compare.

The live chart is a fragment that redraws every second while the run trains; here the number
of training-loss points in the drawn plotly chart is read from the page until it reaches 10,
and must only grow. Screenshots of Train and Compare are saved (see conftest.screenshot_dir).
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PAGE_TIMEOUT_MS, full_page_screenshot, wait_for_run
from tests.browser.test_main_path import assert_no_exception, choose, expected_lora_percent

pytestmark = pytest.mark.browser
expect.set_options(timeout=PAGE_TIMEOUT_MS)
STEPS = 10
# Training-loss points of the first plotly chart on the page (trace 0 is the training loss).
COUNT_POINTS = """() => {
  const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  return plot && plot.data && plot.data[0] && plot.data[0].y ? plot.data[0].y.length : 0;
}"""


def open_in_sidebar(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    wait_for_run(page)
    assert_no_exception(page)


def set_number(page, label: str, value: int) -> None:
    box = page.get_by_test_id("stNumberInput").filter(has_text=label).first.locator("input")
    box.fill(str(value))
    box.press("Enter")
    wait_for_run(page)


def points_while_training(page, steps: int, timeout: float = 90) -> list[int]:
    """Sample the chart's point count until it shows every step; the counts seen, in order."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(page.evaluate(COUNT_POINTS))
        if seen[-1] >= steps:
            return seen
        page.wait_for_timeout(150)
    raise AssertionError(f"the chart never showed {steps} points; saw {seen[-5:]}")


def test_train_ten_steps_see_the_chart_grow_then_compare(page, app_url, screenshot_dir):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(app_url)
    wait_for_run(page)
    open_in_sidebar(page, "Parameters")
    choose(page, "Method", "LoRA (low-rank adaptation)")
    expect(page.get_by_test_id("stMetric").filter(has_text="Trainable")).to_contain_text(
        f"{expected_lora_percent()} of total")

    open_in_sidebar(page, "Train")
    expect(page.get_by_role("heading", name="Train a small GPT-2")).to_be_visible()
    choose(page, "Method", "LoRA (low-rank adaptation)")
    set_number(page, "Steps", STEPS)
    page.get_by_role("button", name="Train").click()
    seen = points_while_training(page, STEPS)
    assert seen == sorted(seen) and seen[-1] == STEPS and len(set(seen)) >= 2, seen
    expect(page.get_by_text(f"Finished {STEPS} steps.")).to_be_visible()
    expect(page.get_by_text("Frozen weights unchanged")).to_be_visible()
    assert_no_exception(page)
    full_page_screenshot(page, screenshot_dir / "train.png")

    open_in_sidebar(page, "Compare")
    expect(page.get_by_role("heading", name="Compare your runs")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    assert page.evaluate(COUNT_POINTS) == STEPS  # the overlay has this run's line
    full_page_screenshot(page, screenshot_dir / "compare.png")
