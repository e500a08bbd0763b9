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
