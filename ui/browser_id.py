"""One id per browser, so the runs a learner made before signing in are in every tab and survive
a reload.

Streamlit starts a new session for every tab and every full page load: a preset link opened from
the Instructor page, a link typed into the address bar, F5 on a projector. Runs belong to their
maker (ui.jobs.session_owner): a signed-in learner, or else the session, so the lesson "LoRA vs
full fine-tuning: run both, then Compare" done in two tabs found no runs on Compare. Now the
first session of a browser writes its id into a cookie, and every later session of that browser
reads it back (st.context.cookies, sent when a session connects) and takes it as its own.

A session cookie (no expiry): it ends with the browser, and a classroom computer's next learner
starts afresh. The id is a random 128-bit number, not a secret of the learner and not a
sign-in: it only names whose anonymous runs these are.
"""

from __future__ import annotations

import re
import uuid

import streamlit as st

COOKIE = "adaptlab_browser"
_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex; any other value is not ours and is ignored
# Written once per browser: a tab that finds the cookie leaves it as it is, so the first id wins
# when two new tabs open at once (the second keeps its own until it is reloaded).
SCRIPT = """<script>
(() => {
  const name = '__NAME__=';
  if (document.cookie.split('; ').some((c) => c.startsWith(name))) return;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = name + '__ID__; Path=/; SameSite=Lax' + secure;
})();
</script>"""


def browser_cookie() -> str | None:
    """The id this browser's cookie holds, when it is one AdaptLab wrote."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def this_browser() -> str:
    """This session's browser id: the cookie's, or a new one in the browser's first session."""
    return st.session_state.setdefault("adaptlab.browser", browser_cookie() or uuid.uuid4().hex)


def cookie_script(browser: str) -> str:
    """The script that writes `browser` (checked against _ID: nothing a learner typed, and
    nothing from a cookie that was not ours, goes into it)."""
    if not _ID.fullmatch(browser):
        raise ValueError(f"not a browser id: {browser!r}")
    return SCRIPT.replace("__NAME__", COOKIE).replace("__ID__", browser)


def remember_browser() -> None:
    """Write this session's id into the browser's cookie if it has none yet (no visible content;
    call inside the sidebar of every page)."""
    if browser_cookie() is None:
        st.html(cookie_script(this_browser()), unsafe_allow_javascript=True)
