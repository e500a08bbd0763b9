"""No page imports torch, transformers or peft to draw itself: their import alone takes seconds on
the classroom machine, and the first visit of every page should take under 1.5 s
(benchmarks/page_load.py measures that; this test guards the cause, not the time). The engine
loads in a background thread after the first page (ui/warmup.py, off here), and only what needs
it (a census of non-default settings, a Train press, a Diagnose run) waits for it.

Each check runs in a fresh interpreter, since this test process has long imported torch.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "peft")

# Run app.py, then the page, under AppTest (as on a server), then list the heavy modules loaded.
SCRIPT = """
import sys
import streamlit.testing.v1.app_test as app_test_module
from streamlit.testing.v1 import AppTest
from tests.app.conftest import APP, ServerPagesManager
app_test_module.PagesManager = ServerPagesManager
at = AppTest.from_file("tests/app/" + APP, default_timeout=60).run()
if {page!r}:
    at.switch_page({page!r}).run()
assert not at.exception, [e.value for e in at.exception]
print("heavy:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def heavy_modules_after(page: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(page=page, heavy=heavy)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "ADAPTLAB_WARM_UP": "0"})  # ui/warmup.py
    assert out.returncode == 0, out.stderr[-2000:]
    last = out.stdout.strip().splitlines()[-1]
    return [m for m in last.removeprefix("heavy:").split(",") if m]


def test_the_method_registry_loads_without_torch():
    code = f"import sys, adaptlab.methods; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]


@pytest.mark.parametrize("page", [p.file for p in PAGES])
def test_every_page_renders_without_importing_torch(page):
    assert heavy_modules_after("" if page == "pages/home.py" else page) == []


@pytest.mark.parametrize("page", ["pages/instructor.py", "pages/live.py"])
def test_a_locked_passcode_page_draws_its_form_without_pandas_or_sqlalchemy(page):
    """An instructor opens these first in class: their imports wait until the passcode is in."""
    assert heavy_modules_after(page, ("pandas", "sqlalchemy")) == []


def test_every_preloaded_element_module_exists_in_the_pinned_streamlit():
    """ui/element_code.py finds Streamlit's hashed file names on disk; a rename in a new
    Streamlit would silently stop the preload, so the pinned version must have them all."""
    from ui.element_code import ELEMENT_MODULES, element_files

    assert [name.split(".")[0] for name in element_files()] == list(ELEMENT_MODULES)
