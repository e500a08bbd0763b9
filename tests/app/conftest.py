"""AppTest helpers for the page tests (STREAMLIT.md, "Testing with AppTest").

`open_page(path, query)` runs app.py (the router, as a browser would), then switches to the
page, which then runs inside app.py's frame (shared sidebar, the `user_errors` wrapper) as on a
server: see `ServerPagesManager`. Caches are cleared around every test, because
cache_data/cache_resource outlive an AppTest in one pytest process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
import streamlit as st
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # AppTest resolves it relative to this file's folder (tests/app/)


class ServerPagesManager(PagesManager):
    """Streamlit's state on a server once any session has run app.py: not in legacy mode.

    AppTest resets `PagesManager.uses_pages_directory` before every run, and with a pages/
    folder that means legacy multipage mode: after `switch_page` the page file would run on its
    own, without app.py (no sidebar, no `user_errors` wrapper). On a server app.py's
    st.navigation switches the mode off for good (and ui/routing.py does it for a first
    visitor), so tests of what a learner sees run the page inside app.py.
    """

    def __init__(self, *args, **kwargs) -> None:
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


@pytest.fixture(autouse=True)
def as_on_a_server(monkeypatch):
    monkeypatch.setattr(app_test_module, "PagesManager", ServerPagesManager)


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
        assert at.sidebar.text_input, "the page ran inside app.py (shared sidebar present)"
        return at

    return _open


def texts(elements: Iterable) -> str:
    """All values of a list of elements as one string, for `in` checks."""
    return "\n".join(str(e.value) for e in elements)


def job_registry():
    """The app's process-wide training registry (imported late: it pulls in torch)."""
    from ui.jobs import job_registry as registry

    return registry()


def small_run(at: AppTest, steps: int) -> None:
    """Set the Train page up for a quick run: `steps` steps of 2 examples x 32 tokens."""
    method = at.selectbox(key="train.method").value  # steps, lr, schedule: one field per method
    at.number_input(key=f"train.steps.{method}").set_value(steps)
    at.number_input(key="train.batch_size").set_value(2)
    at.number_input(key="train.max_length").set_value(32)


def open_instructor(query: dict[str, str] | None = None,
                    secrets: dict | None = None) -> AppTest:
    """The Instructor page inside app.py, with optional link parameters and st.secrets."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in (secrets or {}).items():
        at.secrets[name] = value
    at.query_params.update(query or {})
    at.run().switch_page("pages/instructor.py").run()
    assert not at.exception
    return at


def open_how_to_set(at: AppTest) -> AppTest:
    """Open the locked Instructor page's folded "how to set a passcode" box (drawn only when open)."""
    assert not at.info, "the how-to is folded, and not drawn, until opened"
    at.session_state["instructor.how_to_set"] = True
    return at.run()


def unlock(at: AppTest, passcode: str) -> AppTest:
    """Type `passcode` into the Instructor gate and press Unlock."""
    at.text_input(key="instructor.passcode").input(passcode)
    next(b for b in at.button if b.label == "Unlock").click().run()
    assert not at.exception
    return at
