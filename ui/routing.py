"""A Streamlit 1.67 quirk that would let a link skip app.py, and its fix.

Because the project has a `pages/` folder, Streamlit starts every server in its legacy
multipage mode (`PagesManager.uses_pages_directory`, a process-wide flag) and only leaves it
when some session calls `st.navigation`. Until then, a first visitor who opens a link such as
`/parameters?method=lora` gets `pages/parameters.py` run on its own: no app.py, so no page
config, no sidebar, no error wrapper, and a sidebar listing the raw file names. (Found by the
browser test; opening `/` first hides it.) The fix: when a page is imported while a page other
than app.py runs in that mode, leave the mode and rerun. The page hashes match (each st.Page
url_path equals its file name), so the rerun goes through app.py to the same page, keeping
the query parameters. It touches Streamlit internals, so any surprise makes it a no-op.

serve.py imports `ui` while the server starts, before any page runs, so that import-time check
never sees a page there (every cold link skipped app.py); it turns the mode off for good
instead (`never_legacy_multipage_mode`): its script is always app.py, the router.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def _legacy_page_running() -> bool:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not PagesManager.uses_pages_directory:
        return False
    page = ctx.pages_manager.get_pages().get(ctx.page_script_hash, {})
    running = Path(page.get("script_path") or ctx.main_script_path).resolve()
    # app.py itself may import ui before its st.navigation call switches the mode off.
    return running != Path(ctx.main_script_path).resolve()


def leave_legacy_multipage_mode() -> None:
    try:
        legacy = _legacy_page_running()
    except (ImportError, AttributeError, KeyError, TypeError):  # Streamlit internals changed
        return
    if legacy:
        never_legacy_multipage_mode()
        st.rerun()


def never_legacy_multipage_mode() -> None:
    """Before the first session exists: no session starts in the legacy mode (serve.py)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # Streamlit internals changed
        return
    PagesManager.uses_pages_directory = False
