"""Making outside text (links, learner input, error messages quoting it) safe to show.

Streamlit renders markdown in st.warning/st.error/st.caption. Text a learner or a link controls
must show as typed: no links, images, emphasis or HTML. `plain()` escapes every markdown
character, and shortens it so a pasted novel cannot flood the page. `plural()` words a count.
"""

from __future__ import annotations

import re

_MARKDOWN_CHARS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def plain(text: object, limit: int = 80) -> str:
    """`text` as markdown that displays literally, cut to `limit` characters. An error that
    names a server folder (ModelUnavailableError) is shown without it."""
    text = getattr(text, "for_learners", text)
    raw = " ".join(str(text).split())  # newlines would start new markdown blocks
    if len(raw) > limit:
        raw = raw[: limit - 1] + "…"
    return _MARKDOWN_CHARS.sub(r"\\\1", raw)


def plural(word: str, count: int) -> str:
    """`word` for one, `word` + "s" for any other count: f"{n} {plural('step', n)}"."""
    return word if count == 1 else f"{word}s"
