"""Streamlit's chart code is fetched while a learner reads Home, not when the next page needs it
(ui/element_code.py): after Home has finished, the browser loads the Plotly module; Methods then
draws its chart, and an opened card its diagram, without fetching any of the preloaded modules
again."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PAGE_TIMEOUT_MS, wait_for_run
from ui.element_code import element_files

pytestmark = pytest.mark.browser


def test_home_loads_chart_code_that_methods_then_reuses(page, app_url):
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url.rsplit("/", 1)[-1]))
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(app_url)
    wait_for_run(page)
    expect(page.get_by_role("heading", name="AdaptLab", exact=True)).to_be_visible()
    preloaded = set(element_files())
    plotly = next(name for name in preloaded if name.startswith("PlotlyChart."))
    assert plotly not in fetched  # Home draws no chart: this is the preloader's fetch, later
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while not preloaded <= set(fetched) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert preloaded <= set(fetched), f"never fetched: {sorted(preloaded - set(fetched))}"

    before = len(fetched)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Methods").click()
    page.get_by_role("heading", name="Methods: what gets trained?", exact=True).wait_for()
    wait_for_run(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    expect(page.get_by_test_id("stTable").first).to_be_visible()
    # The block diagrams are drawn when a card opens: GraphViz's module was preloaded too.
    page.get_by_test_id("stExpander").filter(has_text="LoRA").locator("summary").first.click()
    expect(page.get_by_test_id("stGraphVizChart").first).to_be_visible()
    assert not preloaded & set(fetched[before:])  # the module map already had them
    expect(page.get_by_test_id("stException")).to_have_count(0)
