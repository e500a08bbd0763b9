"""Helpers for the whole-screen browser tests (projector layout, accessibility, keyboard only).

A server of their own (temp SQLite database, a known instructor passcode), projector mode
switched on in the sidebar, every page visited through the sidebar (a new URL would be a new
session, and projector mode lives in the session), and a check of what a reader actually sees:
no word split across lines, no text cut off, no select or input too narrow for its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PAGE_TIMEOUT_MS, lab_server, wait_for_run
from ui.navigation import available_pages

PASSCODE = "screens passcode 2026"
PAGE_NAMES = [p.title for p in available_pages()]  # sidebar link names, in learning order
SIZES = {"1280x720": {"width": 1280, "height": 720}, "1920x1080": {"width": 1920, "height": 1080}}


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory, chromium_path) -> Iterator[str]:
    with lab_server(tmp_path_factory.mktemp("screens"), PASSCODE) as (url, _):
        yield url


def open_app(page, url: str, projector: bool = False) -> None:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    page.goto(url)
    wait_for_run(page)
    if projector:
        toggle = page.get_by_test_id("stCheckbox").filter(has_text="Projector mode")
        toggle.click()  # the label: the switch itself is visually hidden
        wait_for_run(page)
        expect(toggle.get_by_role("switch")).to_be_checked()


def visit(page, name: str) -> None:
    """Open the page `name` from the sidebar (the session, and projector mode, stay)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    wait_for_run(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.wait_for_timeout(300)  # charts and diagrams lay themselves out after the run


def start_quiz(page, learner: str) -> None:
    """On the Quiz page: sign in as `learner` (a secret made from the name) and start."""
    page.get_by_role("textbox", name="Your name or an id").fill(learner)
    page.get_by_label("Your secret (at least 8 characters)", exact=True).fill(f"{learner}-secret-42")
    page.get_by_role("button", name="Start the quiz").click()
    wait_for_run(page)
    expect(page.get_by_text("Question 1 of", exact=False)).to_be_visible()


# The accessible name of the focused element, roughly as a screen reader says it: its aria-label,
# its <label>, or its own text without Material icon ligatures ("play_arrow").
FOCUSED_NAME_JS = r"""
() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  if (!e || e === document.body) return '';
  const text = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('[data-testid="stIconMaterial"], .material-symbols-rounded')
        .forEach(icon => icon.remove());
    return copy.textContent;
  };
  const by = e.getAttribute('aria-labelledby');
  const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] && text(e.labels[0])) ||
    (by && by.split(' ').map(id => document.getElementById(id)).filter(Boolean).map(text).join(' ')) ||
    text(e) || e.value || '';
  return name.replace(/\s+/g, ' ').trim();
}
"""


def focused_name(page) -> str:
    return page.evaluate(FOCUSED_NAME_JS)


def tab_to(page, name: str | re.Pattern, limit: int = 120, back: bool = False,
           pauses: int = 3) -> str:
    """Press Tab (Shift+Tab with `back`) until the focused element's name is `name` (or matches
    the pattern); return that name. Fails with the names passed on the way.

    After `limit` presses without it, wait a moment and go round again (`pauses` times), as a
    reader would whose screen is still drawing: on a busy machine a page's widgets can appear a
    few seconds after its script has finished (seen in CI: Train's title, panel and expanders
    were there, its method, steps and Train button not yet)."""
    seen = []
    for round_ in range(pauses + 1):
        if round_:
            page.wait_for_timeout(2_000)
        for _ in range(limit):
            page.keyboard.press("Shift+Tab" if back else "Tab")
            now = focused_name(page)
            if (now == name) if isinstance(name, str) else name.search(now):
                return now
            seen.append(now[:60])
    raise AssertionError(f"Tab never reached {name!r}; passed {seen[-40:]}")


def press(page, key: str) -> None:
    """Press `key` on the focused element and wait for the rerun it starts."""
    page.keyboard.press(key)
    wait_for_run(page)


# Runs in the page. Returns one line per problem a reader would see.
READING_PROBLEMS_JS = r"""
() => {
  const shown = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  };
  const name = (el) => (el.closest('[data-testid]')?.dataset.testid || el.tagName) + ' "' +
    (el.value || el.innerText || el.textContent || '').trim().slice(0, 50) + '"';
  // Text that may wrap or scroll by design: code, charts (their own checks), icons, tables.
  const exempt = 'pre, code, svg, .js-plotly-plot, [data-testid="stDataFrame"], ' +
    '[data-testid="stGraphVizChart"], [data-testid="stIconMaterial"], [data-testid="stTable"], ' +
    'textarea, [role="tooltip"]';
  const problems = [];
  for (const root of document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')) {
    // 1. A word split across two lines ("Learnin / g rate").
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest(exempt) || !shown(el)) continue;
      const word = /[^\s\-\u2010-\u2014\/·…=,;:]+/g;
      for (let m; (m = word.exec(node.textContent));) {
        if (m[0].length < 3 || m[0].length > 24) continue;  // ids and URLs may wrap anywhere
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 1)
                                                        .map(r => Math.round(r.bottom)));
        if (lines.size > 1) problems.push(`word split across lines: "${m[0]}" in ${name(el)}`);
      }
    }
    // 2. Text cut off ("Held-out l…"): an element that clips its own text, overflowing.
    for (const el of root.querySelectorAll('*')) {
      if (el.closest(exempt) || !shown(el)) continue;
      if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const s = getComputedStyle(el);
      const clips = s.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(s.overflowX);
      if (clips && el.scrollWidth > el.clientWidth + 1)
        problems.push(`text cut off (${el.scrollWidth} > ${el.clientWidth} px): ${name(el)}`);
    }
    // 3. A select or input narrower than the value it shows ("con" for "constant").
    const canvas = document.createElement('canvas').getContext('2d');
    for (const input of root.querySelectorAll('input[role="combobox"], input[type="text"], input[type="number"]')) {
      if (!shown(input) || !input.value) continue;
      const s = getComputedStyle(input);
      canvas.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      const need = canvas.measureText(input.value).width;
      if (need > room + 1)
        problems.push(`value cut off (${Math.round(need)} > ${Math.round(room)} px): ${name(input)}`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page wider than the window: ${document.documentElement.scrollWidth} px`);
  return [...new Set(problems)];
}
"""


def reading_problems(page) -> list[str]:
    return page.evaluate(READING_PROBLEMS_JS)


def screenshot(page, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path
