"""How fast pages render in a real browser after `streamlit run app.py` starts (Home: <= 1.5 s).

Starts the server (the browser tests' machinery, tests/browser/conftest.py), waits for its health
endpoint, then opens Home as the server's first visitor and times it until Streamlit has finished
running the page; then Methods and Parameters (their first visit imports torch and builds the
census). Prints JSON. With --screenshots DIR it also saves full-page PNGs of the three pages
(docs/screenshots/ is where the README takes them from).

    python benchmarks/page_load.py [--screenshots docs/screenshots]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_TIMEOUT_MS,
    VIEWPORT,
    full_page_screenshot,
    streamlit_server,
    wait_for_run,
)

PAGES = {"home": ("", "AdaptLab"), "quiz": ("quiz", "Quiz"), "methods": ("methods", "Methods: what gets trained?"),
         # LoRA on GPT-2 small: frozen, added and the formula all show (the README's screenshot).
         "parameters": ("parameters?model=gpt2&method=lora", "Parameters: frozen, trainable, added")}


def open_and_time(page, url: str, heading: str) -> float:
    """Seconds from navigation start until the page's title shows and the script run is over."""
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_for_run(page)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="save home/methods/parameters PNGs here")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH")

    log = Path(tempfile.mkdtemp()) / "server.log"
    launched = time.perf_counter()
    with streamlit_server(log) as url, sync_playwright() as p:
        healthy_s = time.perf_counter() - launched
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        results = {"server_start_to_healthy_s": round(healthy_s, 2)}
        for name, (path, heading) in PAGES.items():
            results[f"{name}_first_visit_s"] = round(open_and_time(page, f"{url}/{path}", heading), 2)
            if name == "home":  # how much of it is the browser loading Streamlit's own frontend
                results["home_frontend_loaded_s"] = round(page.evaluate(
                    "performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000, 2)
            if args.screenshots:
                full_page_screenshot(page, args.screenshots / f"{name}.png")
        results["home_again_s"] = round(open_and_time(page, url, "AdaptLab"), 2)
        browser.close()
    results.update({"home_budget_s": 1.5, "quiz_budget_s": 1.5, "cpu_count": os.cpu_count(),
                    "load_avg_1min": round(os.getloadavg()[0], 2)})
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
