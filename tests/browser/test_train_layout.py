"""The Train page on a 1280x720 screen (a laptop, a lecture-hall projector), in normal and
projector mode: the Train button and the live loss chart are on screen together, before and
while the run trains, with its key numbers and the Stop button; and a lock=1 demo link leaves no input enabled.

Element boxes are read from the page (getBoundingClientRect through Playwright) and must lie
inside the window without scrolling. Screenshots go to conftest.screenshot_dir.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from adaptlab.training.config import MAX_STEPS
from tests.browser.conftest import wait_for_run
from tests.browser.screens import open_app

pytestmark = pytest.mark.browser
SCREEN = {"width": 1280, "height": 720}
# Inputs a learner could change, in the page's main area (the sidebar's own name and projector
# switch are not settings of the run). Streamlit marks a disabled select on its input.
ENABLED_INPUTS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] input, [data-testid="stMain"] textarea')]
  .filter(e => !e.disabled && e.getAttribute('aria-disabled') !== 'true' && e.type !== 'hidden')
  .map(e => (e.getAttribute('aria-label') || e.closest('[data-testid]')?.dataset.testid || '?')
            + ' ' + e.type)"""

# Font sizes (px) of a metric's number and of its title, where their text is drawn.
TEXT_SIZES = """m => ['stMetricValue', 'stMetricLabel'].map(id => {
  const box = m.querySelector(`[data-testid="${id}"]`);
  return parseFloat(getComputedStyle(box.querySelector('p') || box).fontSize); })"""


def open_train(page, url: str, projector: bool, query: str = "") -> None:
    """Home, projector mode as a learner switches it (the sidebar), then Train from the sidebar;
    with `query`, the demo link in the same session (projector mode lives in the session)."""
    page.set_viewport_size(SCREEN)
    open_app(page, url, projector)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    wait_for_run(page)
    if query:
        page.goto(f"{url}/train?{query}")
        wait_for_run(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def on_screen(page, locator, what: str) -> dict:
    """The element's box, asserted to lie wholly inside the window (no scrolling needed)."""
    box = None
    for _ in range(20):  # the live panel redraws every second: catch it between redraws
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        if box is not None:
            break
        page.wait_for_timeout(100)
    assert box is not None, f"{what} is not drawn"
    inside = (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= SCREEN["width"]
              and box["y"] + box["height"] <= SCREEN["height"])
    assert inside, f"{what} is not wholly on a {SCREEN['width']}x{SCREEN['height']} screen: {box}"
    return box


def main_scroll(page) -> int:
    return page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop")


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
def test_train_button_and_live_chart_share_the_screen(page, app_url, screenshot_dir, projector):
    open_train(page, app_url, projector)
    mode = "projector" if projector else "normal"
    button = page.get_by_role("button", name="Train", exact=True)
    on_screen(page, button, "the Train button")
    # The most steps a run may take: still training when the checks below end, however fast the
    # machine (60 steps were done before them in one CI run, and the Stop button had gone).
    page.get_by_role("spinbutton", name="Steps").fill(str(MAX_STEPS))
    page.get_by_role("spinbutton", name="Steps").press("Enter")
    wait_for_run(page)
    button.click()
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.locator(".js-plotly-plot").wait_for(state="visible")
    expect(page.get_by_role("button", name="Stop")).to_be_visible()  # still training
    assert main_scroll(page) == 0, "the page scrolled"
    chart_box = on_screen(page, chart, "the live loss chart")
    button_box = on_screen(page, button, "the Train button")
    assert button_box["y"] < chart_box["y"] + chart_box["height"]
    on_screen(page, page.get_by_role("button", name="Stop"), "the Stop button")
    metric = page.get_by_test_id("stMetric")
    expect(metric.filter(has_text="Step")).to_contain_text(f" / {MAX_STEPS}")
    # The key numbers: all three on a laptop; the step and loss with projector mode's larger type.
    for name in ("Step", "Training loss") + (() if projector else ("Held-out accuracy",)):
        on_screen(page, metric.filter(has_text=name), f"the {name} number")
        value, title = metric.filter(has_text=name).evaluate(TEXT_SIZES)
        assert value >= 1.5 * title, f"the {name} number ({value}px) is no larger than its title"
    page.screenshot(path=str(screenshot_dir / f"train-1280x720-{mode}.png"))
    page.get_by_role("button", name="Stop").click()  # leave the worker free for the next test
    wait_for_run(page)


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
def test_a_locked_demo_link_leaves_no_input_enabled(page, app_url, projector):
    open_train(page, app_url, projector, "method=lora&task=style&lr=0.02&seed=3&lock=1")
    expect(page.get_by_test_id("stAlert").filter(has_text="locked")).to_be_visible()
    for details in page.get_by_test_id("stMain").locator("details").all():  # unfold them all
        if details.get_attribute("open") is None:
            details.locator("summary").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate(ENABLED_INPUTS) == []
    expect(page.get_by_role("spinbutton", name="Learning rate")).to_have_value("0.02")
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_enabled()
