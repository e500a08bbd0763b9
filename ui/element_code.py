"""Fetch Streamlit's chart and table code while a learner reads a page, so later pages draw at once.

Streamlit's browser code loads each kind of element the first time a page shows one: Plotly's
module is 4.6 MB, GraphViz's and the table's about 0.75 MB each. On a 2-core laptop fetching and
compiling them took Methods' first visit from Home to 1.8 s (benchmarks/page_load.py), all of it
in the browser. A script without visible content, in the sidebar of every page, waits until no
script has run for a moment and the browser is idle, then imports those same files one at a time.
They are the URLs Streamlit's own lazy imports ask for, so the browser keeps one copy of each and
the next page's first chart needs no fetch at all.

A deep link that opens a chart page first still pays for its own chart: nothing ran before it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import streamlit as st

# Streamlit's element modules that AdaptLab's pages draw, in the order a learner meets them
# from Home (Methods: a Plotly chart, a table and a select box, then GraphViz diagrams in the cards
# a learner opens). The code highlighter (1.5 MB) is left out: no first view shows st.code any
# more. A file name is the module name, a dot, a content hash, ".js"; the hash changes with
# Streamlit's version, so the files are found on disk, and a name this version does not have is
# skipped.
ELEMENT_MODULES = ("PlotlyChart", "Table", "Selectbox", "GraphVizChart", "Metric", "Multiselect",
                   "NumberInput", "Radio", "ButtonGroup", "DownloadButton")
QUIET_MS = 600  # no script run for this long before each module is fetched
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.js")

# Runs once per browser tab (later reruns and pages find the modules loaded). st.html, not a
# custom component: a component's own browser code (about 190 KB) slowed Home's first visit.
# "Quiet" is read from stApp's data-test-script-state, the attribute Streamlit's own end-to-end
# tests read; should a later Streamlit drop it, nothing is preloaded (and the browser test fails).
SCRIPT = """<script>
(() => {
  if (window.__adaptlabElementCode) return;
  window.__adaptlabElementCode = true;
  const entry = document.querySelector('script[src*="/static/js/index."]');
  if (!entry) return;
  const files = FILES;
  const app = () => document.querySelector('[data-testid="stApp"]');
  // Wait until no script has run for QUIET ms and the browser is idle: a page may run twice
  // on opening, and compiling a module holds the browser's main thread for a while.
  const quiet = () => new Promise((resolve) => {
    let since = null;
    const check = () => {
      const now = performance.now();
      if (app()?.dataset.testScriptState !== 'notRunning') since = null;
      else if (since === null) since = now;
      if (since !== null && now - since >= QUIET) {
        (window.requestIdleCallback || setTimeout)(resolve, { timeout: 3000 });
      } else setTimeout(check, 250);
    };
    check();
  });
  (async () => {
    for (const file of files) {
      await quiet();
      // A failed import is harmless: Streamlit fetches the module itself when a page needs it.
      await import(new URL(file, entry.src).href).catch(() => undefined);
    }
  })();
})();
</script>"""


@cache
def element_files() -> tuple[str, ...]:
    """The file names of ELEMENT_MODULES in the installed Streamlit's static folder."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = []
    for module in ELEMENT_MODULES:
        # Only plain names go into the script (they become a JavaScript string either way).
        names = sorted(p.name for p in folder.glob(f"{module}.*.js") if SAFE_NAME.fullmatch(p.name))
        found += names[:1]
    return tuple(found)


@cache
def preload_html() -> str:
    """The script with its file names: our own constant and names from Streamlit's folder,
    never a user's input (with ui.browser_id's cookie, the only st.html that runs JavaScript)."""
    return SCRIPT.replace("FILES", json.dumps(list(element_files()))).replace(
        "QUIET", str(QUIET_MS))


def preload_element_code() -> None:
    """Add the script (no visible content); call inside the sidebar of every page."""
    if element_files():
        st.html(preload_html(), unsafe_allow_javascript=True)
