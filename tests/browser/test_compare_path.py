"""Compare in a real browser: two runs that differ in their number of steps; the page names
every setting that differs, marks those rows in words ("◆ differs", not colour alone) and
builds its "differ only by" sentence from them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PAGE_TIMEOUT_MS, full_page_screenshot, wait_for_run
from tests.browser.test_main_path import assert_no_exception, choose
from tests.browser.test_train_path import open_in_sidebar, set_number

pytestmark = pytest.mark.browser
expect.set_options(timeout=PAGE_TIMEOUT_MS)
# The settings table as {setting: [cells]} (st.table renders a plain HTML table).
TABLE = """() => {
  const rows = [...document.querySelectorAll('[data-testid="stTable"] tbody tr')];
  return Object.fromEntries(rows.map(r => [r.querySelector('th').innerText.trim(),
                                           [...r.querySelectorAll('td')].map(c => c.innerText.trim())]));
}"""


def train(page, steps: int) -> None:
    set_number(page, "Steps", steps)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text(f"Finished {steps} steps.")).to_be_visible()
    assert_no_exception(page)


def test_compare_names_and_marks_what_differs(page, app_url, screenshot_dir):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(app_url)
    wait_for_run(page)
    open_in_sidebar(page, "Train")
    choose(page, "Method", "LoRA (low-rank adaptation)")
    train(page, 3)
    train(page, 4)

    open_in_sidebar(page, "Compare")
    expect(page.get_by_test_id("stTable")).to_be_visible()
    table = page.evaluate(TABLE)
    assert table["steps"][:3] == ["◆ differs", "3", "4"], table
    assert table["learning rate"][0] == "same" and table["seed"][0] == "same", table
    marked = [name for name, cells in table.items() if cells[0] == "◆ differs"]
    assert marked == list(table)[:len(marked)]  # what differs comes first
    sentence = page.get_by_text("run 1 and run 2 differ only by")
    expect(sentence).to_contain_text("steps (3 vs 4)")
    for name in marked:
        expect(sentence).to_contain_text(name)
    expect(page.get_by_text("differ only by method and settings")).to_have_count(0)
    full_page_screenshot(page, screenshot_dir / "compare-differences.png")


def test_runs_are_in_every_tab_of_the_browser_and_after_a_reload(browser, app_url):
    """The lesson presets open in new tabs ("run both, then Compare"), and a projector's page
    gets reloaded: each is a new Streamlit session, which finds the browser's runs through its
    cookie (ui.browser_id). Another browser does not."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(app_url)
    wait_for_run(page)
    open_in_sidebar(page, "Train")
    train(page, 2)

    tab = context.new_page()  # a preset link opened in a new tab
    tab.goto(f"{app_url}/compare")
    wait_for_run(tab)
    expect(tab.get_by_text("No runs yet")).to_have_count(0)
    expect(tab.get_by_role("combobox", name="Runs to compare")).to_be_visible()  # there are runs
    page.reload()
    wait_for_run(page)
    expect(page.get_by_text("Finished 2 steps.")).to_be_visible()  # Train shows the run again
    assert_no_exception(page)

    stranger = browser.new_context().new_page()
    stranger.goto(f"{app_url}/compare")
    wait_for_run(stranger)
    expect(stranger.get_by_text("No runs yet in this browser.")).to_be_visible()
    for each in (context, stranger.context):
        each.close()
