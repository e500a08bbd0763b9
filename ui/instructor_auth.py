"""The Instructor page's passcode gate, and the small tools behind it (presets, CSV downloads).

Where the passcode comes from, first match wins:
  1. Streamlit secrets (.streamlit/secrets.toml, kept out of git):  [instructor]  passcode = "..."
     (a table, not a root key: Streamlit exports root-level secrets as environment variables)
  2. the environment: ADAPTLAB_INSTRUCTOR_PASSCODE=...
With neither, the page only says how to set one. A passcode shorter than MIN_PASSCODE_LENGTH
characters is refused: app.py stops every page with a message (ui/config_checks.py). The check
is hmac.compare_digest; the unlocked state lives in this session only and remembers a hash of
the passcode it was opened with, so changing or removing the passcode locks every open
dashboard. Query parameters are never read. Wrong guesses are limited per client and over the
whole server (ui/attempt_limits.py) and logged with the client's address, never the guess.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import streamlit as st

from ui.attempt_limits import FailureLimiter, Wait, client_key, wait_words
from ui.config_checks import (
    MIN_PASSCODE_LENGTH,
    PASSCODE_ENV,
    configured_passcode,
    passcode_problem,
)
from ui.query import app_origin
from ui.state import learner, widget_key
from ui.text import plain

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("adaptlab.app")

PAGE = "instructor"
EXAMPLE = "plum-orbit-candle-92-fjord"  # not a word: the docs' example must not be guessable
HOW_TO_SET = f"""No instructor passcode is configured, so the dashboard stays closed.

Set one of at least {MIN_PASSCODE_LENGTH} characters in either place, then reload this page:

- `.streamlit/secrets.toml` (keep it out of git):

  ```toml
  [instructor]
  passcode = "{EXAMPLE}"
  ```

- or the environment of the server: `{PASSCODE_ENV}="{EXAMPLE}" streamlit run serve.py`

Pick your own: a few random words with a number, not a word or a name.
"""


@dataclass
class InstructorSession:
    unlocked_with: str = ""  # sha256 of the passcode that unlocked this session; "" = locked
    failed_tries: int = 0
    wait: Wait | None = None  # set when the last guess was refused unchecked
    preset_url: str = ""  # the last demo link built, kept across reruns


def instructor_session() -> InstructorSession:
    return st.session_state.setdefault("adaptlab.instructor", InstructorSession())


@st.cache_resource(show_spinner=False)
def passcode_limiter() -> FailureLimiter:
    """One per process: wrong guesses from every session count together."""
    return FailureLimiter()


def _fingerprint(passcode: str) -> str:
    return hashlib.sha256(passcode.encode("utf-8")).hexdigest()


def is_unlocked() -> bool:
    passcode = configured_passcode()
    opened_with = instructor_session().unlocked_with
    return bool(passcode and opened_with) and hmac.compare_digest(opened_with,
                                                                  _fingerprint(passcode))


def _try_passcode() -> None:
    field = widget_key(PAGE, "passcode")
    given = str(st.session_state.get(field, ""))
    st.session_state[field] = ""  # never keep the typed passcode in session state
    passcode, session = configured_passcode(), instructor_session()
    limiter, client = passcode_limiter(), client_key()
    session.wait = limiter.wait(client)
    if session.wait or not passcode or passcode_problem():
        return  # refused unchecked: a locked-out client learns nothing from its guess
    # Comparing fixed-length digests keeps even the passcode's length out of the timing.
    if hmac.compare_digest(_fingerprint(given), _fingerprint(passcode)):
        session.unlocked_with, session.failed_tries = _fingerprint(passcode), 0
        limiter.succeeded(client)
        log.info("instructor passcode: dashboard unlocked from %s", client)
        return
    session.failed_tries += 1
    wait = limiter.failed(client)
    log.warning("instructor passcode: wrong guess from %s (%d from it recently)%s", client,
                limiter.failures(client),
                f"; checks paused {wait.seconds:.0f} s" + (" for everyone" if wait.everyone
                                                           else "") if wait else "")


def lock() -> None:
    instructor_session().unlocked_with = ""


def _refusal(wait: Wait) -> str:
    if wait.everyone:
        return (f"Too many wrong passcodes were tried on this server in the last minute, so "
                f"passcode checks are paused for everyone. Try again in {wait_words(wait)}.")
    return (f"Too many wrong passcodes from your network: try again in {wait_words(wait)}. "
            "Your passcode was not checked.")


def passcode_gate() -> bool:
    """True when this session is unlocked; otherwise shows the form (or how to set a passcode)."""
    if is_unlocked():
        return True
    # A learner who opens this page from the sidebar learns where their part is first.
    st.caption("For the instructor, with the instructor passcode. Learners join a live class "
               "on Home, with the join code shown on the projector.")
    if configured_passcode() is None:
        # Drawn only when opened: its code block would load the code highlighter's browser
        # module (1.5 MB) on every first visit of this page.
        how = st.expander("No instructor passcode is set on this server: how to set one",
                          icon=":material/lock:", key=widget_key(PAGE, "how_to_set"),
                          on_change="rerun")
        if how.open:
            how.info(HOW_TO_SET, icon=":material/lock:")
        return False
    with st.form(widget_key(PAGE, "login")):
        st.text_input("Instructor passcode", type="password", key=widget_key(PAGE, "passcode"))
        st.form_submit_button("Unlock", on_click=_try_passcode)
    session = instructor_session()
    if session.wait:
        st.error(_refusal(session.wait), icon=":material/timer:")
    elif session.failed_tries:
        st.error("Wrong passcode: the dashboard stays locked.", icon=":material/block:")
    session.wait = None
    return False


# --- demo presets -----------------------------------------------------------------------------

PRESET_PAGES = ("parameters", "train", "methods", "compare", "diagnose")


def parse_settings(text: str) -> dict[str, str]:
    """'r=4; lora_alpha=16' (or one per line) -> {"r": "4", "lora_alpha": "16"}; ValueError."""
    pairs = [p.strip() for line in text.splitlines() for p in line.split(";") if p.strip()]
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip().isidentifier() or not value.strip():
            raise ValueError(f"'{pair}' is not NAME=VALUE: write e.g. r=4 (one per line or "
                             "separated by ;)")
        out[name.strip()] = value.strip()
    return out


def preset_url(page: str, params: Mapping[str, object], base: str = "") -> str:
    """`base` + /page?params, leaving out unset (None or empty) values, in the given order."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    query = urlencode(kept, safe=",")
    return f"{base.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def for_this_screen(url: str) -> str:
    """`url` for a button that opens it from this tab: in projector mode with projector=1, so the
    page opens as large as this one (a copied link, for learners' laptops, goes without it)."""
    if not learner().projector:
        return url
    return url + ("&" if "?" in url else "?") + "projector=1"


# --- downloads --------------------------------------------------------------------------------

def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Learner-typed text starting with = + - @ would run as a formula in Excel: quote it."""
    from adaptlab.spreadsheet import safe_frame  # pandas: only once a table is exported

    return safe_frame(frame)


def demo_preset_form() -> None:
    """A form that builds a link opening a page with model, method, settings, task and seed set.

    Parameters (read by each page through ui/query.py): model, method, the method's own
    settings by name (r=4, lora_alpha=16, k=2, ...), task, steps, seed, lr, and lock=1 (show the
    learners' controls locked). Model, method and settings are checked here exactly as the
    pages check them; imports are lazy because the method registry pulls in torch. The choices
    show the names learners see ("LoRA (low-rank adaptation)"); the link carries the ids.
    """
    from adaptlab.data import list_tasks
    from adaptlab.methods import REGISTRY, method_names
    from adaptlab.model_specs import MODEL_SPECS
    from adaptlab.training.config import MAX_LR, MAX_STEPS
    from ui.navigation import PAGES
    from ui.query import parse_prefill

    pages = {p.url_path: p.title for p in PAGES}
    tasks = {t.name: t.title for t in list_tasks()}

    def shown_as(names: Mapping[str, str], label: str):
        return lambda value: names.get(value, value) if value else f"(page default {label})"

    with st.form(widget_key(PAGE, "preset")):
        page = st.selectbox("Page to open", PRESET_PAGES, format_func=pages.get,
                            key=widget_key(PAGE, "preset_page"))
        model = st.selectbox("Model", ["", *MODEL_SPECS],
                             format_func=shown_as({n: m.title for n, m in MODEL_SPECS.items()},
                                                  "model"),
                             key=widget_key(PAGE, "preset_model"))
        method = st.selectbox("Method", ["", *method_names()],
                              format_func=shown_as({n: s.title for n, s in REGISTRY.items()},
                                                   "method"),
                              key=widget_key(PAGE, "preset_method"))
        settings_text = st.text_area("Method settings", key=widget_key(PAGE, "preset_settings"),
                                     placeholder="r=4\nlora_alpha=16",
                                     help="One NAME=VALUE per line (or separated by ;), named "
                                          "as on the page, e.g. r, lora_alpha, k, bottleneck.")
        task = st.selectbox("Task (Train page)", ["", *tasks], format_func=shown_as(tasks, "task"),
                            key=widget_key(PAGE, "preset_task"))
        steps_col, lr_col, seed_col = st.columns(3)
        steps = steps_col.number_input("Steps (Train page)", min_value=1, max_value=MAX_STEPS,
                                       value=None, step=1, key=widget_key(PAGE, "preset_steps"))
        lr = lr_col.number_input("Learning rate (Train page)", min_value=1e-8, max_value=MAX_LR,
                                 value=None, format="%g", key=widget_key(PAGE, "preset_lr"),
                                 help="Left empty: the method's own measured rate.")
        seed = seed_col.number_input("Seed", min_value=0, max_value=1_000_000, value=None,
                                     step=1, key=widget_key(PAGE, "preset_seed"))
        locked = st.checkbox("Lock the learners' controls (lock=1)",
                             key=widget_key(PAGE, "preset_lock"))
        submitted = st.form_submit_button("Build the link")
    session = instructor_session()
    if submitted:
        try:
            settings = parse_settings(settings_text)
            if settings and not method:
                raise ValueError("Choose a method: settings belong to a method.")
        except ValueError as exc:
            st.error(plain(exc, limit=300), icon=":material/error:")
            return
        chosen = {k: v for k, v in {"model": model, "method": method}.items() if v}
        check = parse_prefill(chosen | settings, method or method_names()[0])
        for problem in check.problems:
            st.error(plain(problem, limit=300), icon=":material/error:")
        if check.problems:
            return
        params = {"model": model, "method": method, **settings, "task": task, "steps": steps,
                  "lr": None if lr is None else f"{lr:g}", "seed": seed,
                  "lock": 1 if locked else None}
        session.preset_url = preset_url(page, params, app_origin())
    if session.preset_url:
        st.code(session.preset_url, language=None, wrap_lines=True)
        st.link_button("Open this preset in a new tab", for_this_screen(session.preset_url),
                       icon=":material/open_in_new:")


def lesson_presets_panel() -> None:
    """The ready-made lesson links (adaptlab.presets): a title, one line, a button per link."""
    from adaptlab.presets import lesson_presets

    base, projector = app_origin(), learner().projector
    for preset in lesson_presets():
        with st.container(border=True, key=widget_key(PAGE, "lesson", preset.id)):
            st.markdown(f"**{preset.title}**")
            st.caption(preset.description)
            # Projector type: a button per row, or "LoRA (low-rank ad…" is all the room reads.
            places = ([st.container() for _ in preset.links] if projector
                      else st.columns(len(preset.links)))
            for place, link in zip(places, preset.links, strict=True):
                place.link_button(link.label, for_this_screen(link.url(base)),
                                  icon=":material/open_in_new:", width="stretch")
            # Wrapped: a link cut at the edge ("...&seed=0&lock") is copied without lock=1.
            st.code("\n".join(link.url(base) for link in preset.links), language=None,
                    wrap_lines=True)
