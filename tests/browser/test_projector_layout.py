"""Projector mode as a room sees it: every page at 1280x720 and 1920x1080, screenshots saved
(conftest.screenshot_dir), and the element boxes checked: no word split across lines, no label
or metric title cut off, every select wide enough for its value, charts drawn in larger type.
Then the big numbers: no metric number cut off ("1,557,…") with the longest counts (GPT-2 XL)
and after a Diagnose run, in normal and projector mode; the Train panel's three key numbers on a
1280x720 screen after a run; and a phone's title that keeps "GPT-2" on one line, and its
Methods chart, whose legend stays on screen and whose points are named by a tap.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from adaptlab.methods import REGISTRY
from tests.browser.conftest import wait_for_run
from tests.browser.screens import (
    PAGE_NAMES,
    SIZES,
    lab_url,  # noqa: F401 (a fixture)
    open_app,
    reading_problems,
    screenshot,
    start_quiz,
    visit,
)
from tests.browser.test_train_layout import TEXT_SIZES, on_screen, open_train

pytestmark = pytest.mark.browser

# Plotly's own default is 12 px; ui/charts.py asks for 18 px in projector mode. Diagram text
# (Graphviz, scaled by the browser) is about 15 px tall in normal mode.
MIN_CHART_FONT_PX = 16
MIN_DIAGRAM_TEXT_PX = 20


def chart_font_sizes(page) -> list[float]:
    """Per chart on screen, the font size of its axis tick labels (the largest: a log axis draws
    its in-between labels smaller on purpose)."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(chart =>
        Math.max(...[...chart.querySelectorAll('.xtick text, .ytick text')]
                    .map(t => parseFloat(getComputedStyle(t).fontSize))))
        .filter(size => Number.isFinite(size))""")


def diagram_text_heights(page) -> list[float]:
    """The heights of the block diagrams' words and of their legend's (HTML, not a diagram)."""
    return page.evaluate("""() => {
        const text = (el) => { const r = document.createRange(); r.selectNodeContents(el);
                               return r.getBoundingClientRect().height; };  // not the padding
        return [...document.querySelectorAll('[data-testid="stGraphVizChart"] svg text')]
                   .map(t => t.getBoundingClientRect().height)
               .concat([...document.querySelectorAll(
                   '[aria-label="Legend of the block diagrams"] span')].map(text));
    }""")


# The widest drawings: a box above the path (prefix tuning), two new boxes on it (Houlsby).
WIDEST_DIAGRAMS = ("Prefix tuning", "Bottleneck adapters (Houlsby)")


def open_cards(page, titles=WIDEST_DIAGRAMS) -> None:
    """Methods draws a block diagram in a card only once the card is open."""
    for count, title in enumerate(titles, start=1):
        page.get_by_test_id("stExpander").filter(has_text=title).locator("summary").first.click()
        expect(page.get_by_test_id("stGraphVizChart")).to_have_count(count)
        wait_for_run(page)


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_reads_well_in_projector_mode(browser, lab_url, screenshot_dir, size):  # noqa: F811
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    open_app(page, lab_url, projector=True)
    problems, small_charts = {}, {}
    for name in PAGE_NAMES:
        visit(page, name)
        if name == "Methods":
            open_cards(page)
        if name == "Quiz":  # a question on screen, not only the sign-in form
            start_quiz(page, f"Projector {size}")
            page.get_by_text("Question 1 of", exact=False).evaluate(
                "e => e.scrollIntoView({block: 'start'})")
        screenshot(page, screenshot_dir / f"projector-{name.lower()}-{size}.png")
        if found := reading_problems(page):
            problems[name] = found
        if (fonts := chart_font_sizes(page)) and min(fonts) < MIN_CHART_FONT_PX:
            small_charts[name] = min(fonts)
        if (heights := diagram_text_heights(page)) and min(heights) < MIN_DIAGRAM_TEXT_PX:
            small_charts[name] = min(heights)
    context.close()
    assert not problems, problems
    assert not small_charts, f"chart or diagram text too small (px): {small_charts}"


def test_normal_mode_keeps_normal_charts_and_reads_well_on_a_laptop(page, lab_url):  # noqa: F811
    """The larger chart and diagram type belongs to projector mode only; at 1280x720 the
    Parameters selects still show their whole value ("mini GPT-2 (bundled, 2.6 M)" was cut)."""
    page.set_viewport_size(SIZES["1280x720"])
    open_app(page, lab_url)
    visit(page, "Parameters")
    wait_for_run(page)
    fonts = chart_font_sizes(page)
    assert fonts and max(fonts) < MIN_CHART_FONT_PX
    assert reading_problems(page) == []
    visit(page, "Methods")
    open_cards(page)
    heights = diagram_text_heights(page)
    assert heights and max(heights) < MIN_DIAGRAM_TEXT_PX
    assert reading_problems(page) == []


# Every title, number and delta of a metric whose text is wider than its box: an ellipsis shows
# ("2,457,…"). The text sits in a <p> inside the box that clips it, which the generic check
# (screens.reading_problems) does not look at.
METRICS_CUT_OFF = """() => [...document.querySelectorAll(
    '[data-testid="stMetric"] [data-testid="stMarkdownContainer"]')]
  .filter(box => box.getBoundingClientRect().width > 0 && box.scrollWidth > box.clientWidth + 1)
  .map(box => `${box.innerText} (${box.scrollWidth} > ${box.clientWidth} px)`)"""


def pick(page, select: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=select).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_run(page)


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
@pytest.mark.parametrize("size", list(SIZES))
def test_no_metric_number_is_cut_off(browser, lab_url, screenshot_dir, size, projector):  # noqa: F811
    """Parameters with GPT-2 XL's ten-digit counts, and Diagnose's facts after a broken run."""
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    open_app(page, lab_url, projector=projector)
    mode = "projector" if projector else "normal"
    visit(page, "Parameters")
    pick(page, "Model", "GPT-2 XL (1.5 B)")
    pick(page, "Method", "LoRA (low-rank adaptation)")
    expect(page.get_by_test_id("stMetric").filter(has_text="Frozen")).to_contain_text(
        "1,557,611,200")
    screenshot(page, screenshot_dir / f"metrics-parameters-xl-{size}-{mode}.png")
    cut = {"Parameters": page.evaluate(METRICS_CUT_OFF)}
    visit(page, "Diagnose")
    page.get_by_role("button", name="Run the broken run").click()
    wait_for_run(page)
    facts = page.get_by_test_id("stMetric").filter(has_text="Held-out loss")
    expect(facts).to_contain_text("→")
    facts.scroll_into_view_if_needed()
    screenshot(page, screenshot_dir / f"metrics-diagnose-{size}-{mode}.png")
    cut["Diagnose"] = page.evaluate(METRICS_CUT_OFF)
    context.close()
    assert cut == {"Parameters": [], "Diagnose": []}


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
def test_train_key_numbers_fit_a_1280x720_screen_after_a_run(page, lab_url, screenshot_dir,  # noqa: F811
                                                            projector):
    """Step, loss and held-out accuracy (with its change) are all on screen once a run ends, in
    numbers larger than their titles, none cut off; so are the Train button and the chart."""
    open_train(page, lab_url, projector)
    page.get_by_role("spinbutton", name="Steps").fill("10")
    page.get_by_role("spinbutton", name="Steps").press("Enter")
    wait_for_run(page)
    page.get_by_role("button", name="Train", exact=True).click()
    metric = page.get_by_test_id("stMetric")
    accuracy = metric.filter(has_text="Held-out accuracy")
    expect(accuracy.get_by_test_id("stMetricValue")).to_contain_text("%")  # "–" until it ends
    wait_for_run(page)
    mode = "projector" if projector else "normal"
    screenshot(page, screenshot_dir / f"train-1280x720-{mode}-after-a-run.png")
    for name in ("Step", "Training loss", "Held-out accuracy"):
        on_screen(page, metric.filter(has_text=name), f"the {name} number")
        value, title = metric.filter(has_text=name).evaluate(TEXT_SIZES)
        assert value >= 1.5 * title, f"the {name} number ({value}px) is no larger than its title"
    on_screen(page, page.get_by_role("button", name="Train", exact=True), "the Train button")
    on_screen(page, page.get_by_test_id("stPlotlyChart").first, "the loss chart")
    assert page.evaluate(METRICS_CUT_OFF) == []


@pytest.mark.parametrize("width", [360, 390, 412])
def test_a_phone_keeps_gpt_2_on_one_line_in_the_train_title(browser, lab_url, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    open_app(page, lab_url)  # Home first: a fresh server's first deep link skips app.py
    page.goto(f"{lab_url}/train")
    wait_for_run(page)
    title = page.get_by_role("heading", name="Train a small GPT-2")
    lines = title.evaluate("""h => {
        const node = [...h.querySelectorAll('*')].concat([h]).flatMap(e => [...e.childNodes])
            .find(n => n.nodeType === 3 && n.textContent.includes('GPT-2'));
        const range = document.createRange(), at = node.textContent.indexOf('GPT-2');
        range.setStart(node, at);
        range.setEnd(node, at + 5);
        return new Set([...range.getClientRects()].map(r => Math.round(r.bottom))).size; }""")
    context.close()
    assert lines == 1, '"GPT-2" breaks across lines in the Train title on a phone'


# What Chrome on an Android phone sends; ui/charts.py lays out charts for a phone by its "Mobi".
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/131.0.0.0 Mobile Safari/537.36")

CHART_TEXT_OUTSIDE = """chart => {
    const box = chart.querySelector('.main-svg').getBoundingClientRect();
    return [...chart.querySelectorAll('.legendtext, .textpoint text')]
        .filter(t => { const r = t.getBoundingClientRect();
                       return r.left < box.left - 1 || r.right > box.right + 1; })
        .map(t => t.textContent);
}"""


def test_a_phone_keeps_the_methods_chart_legend_on_screen_and_names_points_by_a_tap(
        browser, lab_url):  # noqa: F811
    # On a 390 px phone the legend ran off the screen ("...inserted in the com") and eleven
    # method names overlapped across the plot's edges.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, user_agent=PHONE_AGENT)
    page = context.new_page()
    open_app(page, lab_url)  # Home first: a fresh server's first deep link skips app.py
    page.goto(f"{lab_url}/methods")  # a phone's sidebar is folded away
    wait_for_run(page)
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.scroll_into_view_if_needed()
    expect(chart.locator(".legendtext").first).to_be_visible()
    outside = chart.evaluate(CHART_TEXT_OUTSIDE)
    legend_lines = chart.locator(".legendtext tspan.line").count()
    legend_top, axis_title_bottom = chart.evaluate("""chart => [
        chart.querySelector('.legend').getBoundingClientRect().top,
        chart.querySelector('.g-xtitle').getBoundingClientRect().bottom]""")
    names_on_points = chart.locator(".textpoint").count()
    tap_hint = page.get_by_text("Tap a point for its method.", exact=False).count()
    context.close()
    assert outside == [], f"chart text beyond the phone's chart: {outside}"
    assert legend_lines > 0, "no legend entry was wrapped onto lines"
    assert legend_top >= axis_title_bottom - 1, "the legend covers the x-axis title"
    assert names_on_points == 0, "method names drawn beside the points on a phone"
    assert tap_hint == 1, "the caption does not say that a tap names a point"


def test_a_laptop_keeps_the_method_names_beside_the_points(page, lab_url):  # noqa: F811
    open_app(page, lab_url)
    visit(page, "Methods")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".textpoint").first).to_be_attached()
    assert chart.locator(".textpoint").count() == len(REGISTRY)  # no runs yet: the reference
    expect(page.get_by_text("Tap a point for its method.", exact=False)).to_have_count(0)
