"""How fast every page renders in a real browser after `streamlit run serve.py` starts (budget 1.5 s).

Two measurements, both timed from navigation until the page's title shows and Streamlit has
finished running the script (tests/browser/conftest.py's server and browser machinery):

- `cold_first_visit_s`: for each page, a fresh server whose very first visitor opens that page's
  link. Nothing is cached yet: the worst case, and what a deep link from a slide gets. With
  --app-py also `cold_first_visit_app_py_s`, the same through a plain `streamlit run app.py`
  (no page libraries imported before the server answers), in the same rounds.
- `path_first_visit_s`: one fresh server; Home, then every page clicked in the sidebar in
  learning order, each visited for the first time (what the issue timed: Methods took 8.8 s).
  With --think S the visitor reads each page for S seconds before the next click (a learner
  does; the engine then loads in the background, ui/warmup.py); the default 0 clicks at once.
- `returning_first_visit_s` and `returning_baseline_s` (with --returning): the cold first
  visits again, of the pages and of the baselines below, but by a browser that opened each of
  them before, on earlier servers at the same address (a learner's second class). Streamlit
  serves its hashed browser code as immutable, so that browser's cache already holds it,
  compiled, Plotly's module included.

- `baseline_s`: the floor on this machine, measured in the same run: a fresh server of a bare
  Streamlit script (a title only) and of one with a single Plotly chart (and, for comparison,
  the same chart in Vega-Lite and in ECharts), each opened as a cold first visit. Streamlit's
  own browser code and its chart module cost this much before any of AdaptLab's runs; a page
  can be no faster than its floor.

With --repeat N every figure is the median of N rounds (the times vary by a few tenths of a
second from run to run on a small machine).

Prints JSON (also written to --json-out). With --screenshots DIR it saves full-page PNGs of
Home, Methods and Parameters on the path (docs/screenshots/ is where the README takes them from).

    python benchmarks/page_load.py [--only methods,train] [--think 3] [--skip-cold] [--app-py]
                                   [--returning]
                                   [--repeat 3] [--screenshots docs/screenshots] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.report import print_report  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_TIMEOUT_MS,
    VIEWPORT,
    free_port,
    full_page_screenshot,
    launch_server,
    stop_server,
    streamlit_server,
    wait_for_run,
)
from ui.navigation import PAGES as NAV_PAGES  # noqa: E402

BUDGET_S = 1.5
# url path -> (sidebar link, the page's st.title), in learning order.
HEADINGS = {"": "AdaptLab", "methods": "Methods: what gets trained?",
            "parameters": "Parameters: frozen, trainable, added",
            "train": "Train a small GPT-2", "compare": "Compare your runs",
            "diagnose": "Diagnose a broken run", "quiz": "Quiz", "instructor": "Instructor"}
PAGES = {p.url_path: (p.title, HEADINGS[p.url_path]) for p in NAV_PAGES if p.url_path in HEADINGS}
SCREENSHOTS = {"": "home", "methods": "methods", "parameters": "parameters"}
# The floor: Streamlit alone, with AdaptLab's page config and .streamlit/config.toml; a title,
# then nothing, or the same two-bar chart in Plotly and in the two lighter chart kinds Streamlit
# ships (what a first view with a chart would cost without Plotly's 4.6 MB browser module).
BASELINE_PAGE = 'import streamlit as st\nst.set_page_config(layout="wide")\nst.title("Baseline")\n'
BASELINES = {
    "bare": BASELINE_PAGE,
    "one_plotly_chart": ('import plotly.graph_objects as go\n' + BASELINE_PAGE
                         + 'st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))\n'),
    "one_vega_lite_chart": BASELINE_PAGE + (
        'st.vega_lite_chart({"data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 2}]}, '
        '"mark": "bar", "encoding": {"x": {"field": "x", "type": "nominal"}, '
        '"y": {"field": "y", "type": "quantitative"}}})\n'),
    "one_echarts_chart": BASELINE_PAGE + (
        'st.echarts_chart({"xAxis": {"type": "category", "data": ["a", "b"]}, '
        '"yAxis": {"type": "value"}, "series": [{"type": "bar", "data": [1, 2]}]})\n'),
}


def wait_for_heading(page, heading: str, start: float) -> float:
    """Seconds from `start` until `heading` shows and the script run is over."""
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_for_run(page)
    return round(time.perf_counter() - start, 2)


def open_and_time(page, url: str, heading: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    return wait_for_heading(page, heading, start)


def click_and_time(page, link: str, heading: str) -> float:
    start = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    return wait_for_heading(page, heading, start)


def cold_visits(browser, log: Path, only: list[str], script: str = "serve.py") -> dict[str, float]:
    """Each page as the first visit of a fresh server (its own server start, its own tab)."""
    times = {}
    for path in only:
        with streamlit_server(log, script=script) as url:
            page = browser.new_page(viewport=VIEWPORT)
            times[path or "home"] = open_and_time(page, f"{url}/{path}", PAGES[path][1])
            page.close()
    return times


def baseline_scripts() -> dict[str, str]:
    """Each BASELINES script written to a file of its own: name -> path."""
    folder = Path(tempfile.mkdtemp())
    for name, source in BASELINES.items():
        (folder / f"{name}.py").write_text(source)
    return {name: str(folder / f"{name}.py") for name in BASELINES}


def baseline_visits(browser, log: Path) -> dict[str, float]:
    """Each BASELINES script as the cold first visit of its own fresh server."""
    times = {}
    for name, script in baseline_scripts().items():
        with streamlit_server(log, script=script) as url:
            page = browser.new_page(viewport=VIEWPORT)
            times[name] = open_and_time(page, url, "Baseline")
            page.close()
    return times


def returning_visits(playwright, log: Path, only: list[str]) -> dict[str, dict[str, float]]:
    """The baselines and each page as the first visit of a fresh server, by a browser (its own
    profile on disk) that opened each of them twice before, on earlier servers at the same
    port: Chromium keeps a script's compiled code from its second load on."""
    # (report key, name, server script, url path, heading), each visited three times
    visits = [("returning_baseline_s", name, script, "", "Baseline")
              for name, script in baseline_scripts().items()]
    visits += [("returning_first_visit_s", path or "home", "serve.py", path, PAGES[path][1])
               for path in only]
    times: dict[str, dict[str, float]] = {"returning_baseline_s": {}, "returning_first_visit_s": {}}
    port = free_port()
    context = playwright.chromium.launch_persistent_context(
        tempfile.mkdtemp(), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=VIEWPORT)
    try:
        for visit in (1, 2, 3):  # the third is timed
            for kind, name, script, path, heading in visits:
                proc, url = launch_server(log, port=port, script=script)
                try:
                    page = context.new_page()
                    took = open_and_time(page, f"{url}/{path}", heading)
                    page.close()
                finally:
                    stop_server(proc)
                if visit == 3:
                    times[kind][name] = took
    finally:
        context.close()
    return times


def medians(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {name: round(statistics.median(r[name] for r in rounds), 2) for name in rounds[0]}


def path_visits(browser, log: Path, only: list[str], shots: Path | None,
                think: float) -> dict[str, float]:
    """Home on a fresh server, then each page's first visit through the sidebar, `think`
    seconds after the previous page finished."""
    times = {}
    with streamlit_server(log) as url:
        page = browser.new_page(viewport=VIEWPORT)
        times["home"] = open_and_time(page, url, PAGES[""][1])
        if shots:
            full_page_screenshot(page, shots / "home.png")
        for path in (p for p in only if p):
            time.sleep(think)
            times[path] = click_and_time(page, *PAGES[path])
            if shots and path in SCREENSHOTS:
                full_page_screenshot(page, shots / f"{SCREENSHOTS[path]}.png")
        page.close()
    return times


def one_round(playwright, browser, log: Path, wanted: list[str],
              args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Every measurement the arguments ask for, once, in the order the report lists them."""
    times = {"baseline_s": baseline_visits(browser, log)}
    if not args.skip_cold:
        times["cold_first_visit_s"] = cold_visits(browser, log, wanted)
        if args.app_py:
            times["cold_first_visit_app_py_s"] = cold_visits(browser, log, wanted, "app.py")
    if args.returning:
        times.update(returning_visits(playwright, log, wanted))
    times["path_first_visit_s"] = path_visits(browser, log, wanted, args.screenshots, args.think)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated url paths (home for /); default: all")
    parser.add_argument("--skip-cold", action="store_true", help="only the sidebar path")
    parser.add_argument("--app-py", action="store_true",
                        help="also time cold visits through `streamlit run app.py` (not with --skip-cold)")
    parser.add_argument("--returning", action="store_true",
                        help="also time each page's first visit by a browser that opened AdaptLab "
                             "before (its cache warm), on a fresh server")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds on each page before the next click (path only)")
    parser.add_argument("--screenshots", type=Path, help="save home/methods/parameters PNGs here")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds; each figure is the median over them (default 1)")
    parser.add_argument("--json-out", type=Path, help="also write the JSON report here")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH")
    wanted = [("" if p == "home" else p) for p in args.only.split(",")] if args.only else list(PAGES)
    unknown = [p for p in wanted if p not in PAGES]
    if unknown:
        sys.exit(f"unknown pages {unknown}: choose from home, {', '.join(p for p in PAGES if p)}")

    if args.repeat < 1:
        sys.exit("--repeat takes a whole number of rounds, 1 or more")

    log = Path(tempfile.mkdtemp()) / "server.log"
    report: dict = {"budget_s": BUDGET_S, "think_s": args.think, "rounds": args.repeat}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        rounds = [one_round(p, browser, log, wanted, args) for _ in range(args.repeat)]
        browser.close()
    report.update({kind: medians([r[kind] for r in rounds]) for kind in rounds[0]})
    report["over_budget"] = sorted({f"{kind}:{name}" for kind in ("cold_first_visit_s",
                                                                    "returning_first_visit_s",
                                                                    "path_first_visit_s")
                                    for name, s in report.get(kind, {}).items() if s > BUDGET_S})
    report.update({"cpu_count": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 2),
                   "server_log": str(log)})
    print_report(report, args.json_out)


if __name__ == "__main__":
    main()
