"""The shared frame around every page: sidebar, projector mode, friendly user errors.

Nothing here imports torch, so pages that do not need the engine (Home, Quiz) load fast.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from adaptlab.errors import ModelUnavailableError, UserInputError
from ui.browser_id import remember_browser
from ui.element_code import preload_element_code
from ui.jobs import keep_alive
from ui.state import NAME_LIMIT, learner, link_prefill, widget_key
from ui.text import plain

log = logging.getLogger("adaptlab.app")

# On every page. Streamlit 1.67 fades captions to 60% opacity: 2.7:1 on white, under WCAG AA's
# 4.5:1 (axe, tests/browser/test_accessibility.py). Opaque #555b62 is 6.9:1 on white and 6.3:1 on
# the sidebar's grey, and still lighter than body text.
BASE_CSS = """
<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; color: #555b62 !important; }
/* st.text shows file lines and run messages (the upload example): fixed-width, as they are. */
[data-testid="stText"], [data-testid="stText"] * {
    font-family: "Source Code Pro", Menlo, Consolas, monospace; font-size: .85rem; }
/* A title that wraps gets lines of even length, never a lone last piece ("GPT-" / "2" on a phone). */
[data-testid="stMain"] h1 { text-wrap: balance; }
/* Metrics side by side in a metric_grid(): a column is never narrower than its metric, so a number
   too wide for it moves under its neighbour instead of being cut off ("1,557,…": GPT-2 XL's counts
   at 1280 px, or any count in projector mode's larger type). Phones stack columns anyway. */
@media (min-width: 640px) {
  [class*="st-key-metric-grid-"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
  [class*="st-key-metric-grid-"] [data-testid="stColumn"] { min-width: min-content; }
}
</style>
"""

# A constant: no learner text is ever put through HTML. Streamlit sizes type in rem, so raising
# the root font size scales text and widgets together for the back of a room; the rest makes the
# larger type fit at 1280x720 and 1920x1080 (tests/browser/test_projector_layout.py checks it):
# - the main column gets the width that rem-sized padding would waste;
# - a label or metric title wraps between words, never inside one ("Learnin g rate"), and is
#   never cut off ("Held-out l…");
# - columns too narrow for a select's value or a label's longest word move to the next row;
# - the sidebar gives the page room. Charts get larger type from ui.charts.
PROJECTOR_CSS = """
<style>
html { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.1rem; }
/* A metric's number is markdown too: it keeps its own large size, well above its title. */
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: inherit; }
[data-testid="stMainBlockContainer"] {
  max-width: none; padding: 3rem 1.5rem 4rem 1.5rem;
}
section[data-testid="stSidebar"] { width: 13rem !important; min-width: 13rem; }
[data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] *,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stExpander"] summary *, button * {
  word-break: normal !important; overflow-wrap: normal !important; hyphens: none;
}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 0.5rem; }
[data-testid="stColumn"] { min-width: min(100%, 9.5rem); }
</style>
"""


def _save_name() -> None:
    learner().rename(st.session_state.get(widget_key("sidebar", "display_name"), ""))


def _save_projector() -> None:
    learner().projector = bool(st.session_state.get(widget_key("sidebar", "projector"), False))


# A link's projector=1 (the Instructor page adds it to the links it opens from a projector tab)
# switches projector mode on in the tab it opens; projector=0 switches it off.
PROJECTOR_PARAM = "projector"


def projector_from_link() -> str | None:
    """Apply the link's projector parameter, once per link (the toggle still works after it);
    a problem with it, in words, for the page's warning."""
    raw = st.query_params.get(PROJECTOR_PARAM)
    if raw is None:
        return None
    if raw not in ("0", "1"):
        return (f"projector={plain(raw, limit=40)} is not 0 or 1: the link's projector mode was "
                "ignored. Use projector=1, or the switch in the sidebar.")
    memory = link_prefill()
    if memory.applied.get(PROJECTOR_PARAM) != raw:  # before the toggle is drawn
        memory.applied[PROJECTOR_PARAM] = raw
        learner().projector = raw == "1"
        st.session_state[widget_key("sidebar", "projector")] = raw == "1"
    return None


def sidebar() -> None:
    """What this is, who is learning, and projector mode; shown on every page."""
    problem = projector_from_link()
    if problem:
        st.warning(problem, icon=":material/link_off:")
    me = learner()
    with st.sidebar:
        # A non-breaking hyphen (U+2011, in Source Sans): the narrow sidebar broke "GPT-" / "2".
        st.caption("AdaptLab: see how a GPT\u20112 is adapted to a task, one method at a time. "
                   "Everything runs on a CPU, offline.")
        st.text_input(
            "Your display name", key=widget_key("sidebar", "display_name"), max_chars=NAME_LIMIT,
            placeholder="e.g. Sam", on_change=_save_name,
            help="The name your quiz answers are saved under. The Quiz page also asks for a "
                 "secret you choose, so nobody else can use your name; do not enter anything "
                 "private.",
        )
        # Two words: in projector type the longer "(larger text)" took three lines.
        st.toggle("Projector mode", key=widget_key("sidebar", "projector"),
                  on_change=_save_projector, help="Larger text, charts and diagrams, laid out "
                  "for showing AdaptLab to a room at 1280x720 or more.")
        preload_element_code()
        remember_browser()
    st.html(BASE_CSS + (PROJECTOR_CSS if me.projector else ""))
    if keep_alive():
        _watch_runs()


@st.fragment(run_every=5.0)
def _watch_runs() -> None:
    """While a run of this learner trains, every page tells the registry the tab is still open;
    a closed tab stops ticking, and the registry cancels the run (ui.jobs.IDLE_SECONDS)."""
    keep_alive()


def metric_grid(name: str) -> DeltaGenerator:
    """A container for metrics in st.columns that wrap rather than cut a number off (BASE_CSS)."""
    return st.container(key=f"metric-grid-{name}")


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a UserInputError as a message where it happened; the rest of the page still runs.

    Anything else is a bug: it propagates (config.toml hides its details from learners).
    """
    try:
        yield
    except ModelUnavailableError as exc:  # the server's operator reads the folder in the log
        log.error("model unavailable: %s", exc)
        st.error(plain(exc, limit=400), icon=":material/error:")
    except UserInputError as exc:
        log.info("user input error: %s", exc)
        st.error(plain(exc, limit=400), icon=":material/error:")
