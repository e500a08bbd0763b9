"""AppTest helpers for the page tests (STREAMLIT.md, "Testing with AppTest").

`open_page(path, query)` runs app.py (the router, as a browser would), then switches to the
page: a page run on its own would skip the shared frame. Caches are cleared around every test,
because cache_data/cache_resource outlive an AppTest in one pytest process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # AppTest resolves it relative to this file's folder (tests/app/)


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """A fresh SQLite database for quiz attempts; never the repository's data/ folder."""
    url = f"sqlite:///{tmp_path / 'quiz.db'}"
    monkeypatch.setenv("ADAPTLAB_DB_URL", url)
    return url


@pytest.fixture
def open_page() -> Callable[..., AppTest]:
    def _open(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params.update(query or {})
        at.run()
        assert not at.exception
        if page:
            at.switch_page(page).run()
            assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


def texts(elements: Iterable) -> str:
    """All values of a list of elements as one string, for `in` checks."""
    return "\n".join(str(e.value) for e in elements)
