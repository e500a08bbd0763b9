"""Load the engine (torch, transformers, peft) once per process, in one background thread.

Their import takes seconds (about 4 s on the 2-core classroom machine, far more under load). The
pages a visitor usually opens first (LIGHT_PAGES: Home, Methods, Quiz, Instructor) need none of
it; Parameters, Train, Compare and Diagnose do. So app.py:

- after any page has been drawn, starts a daemon thread that imports pandas and plotly (most
  pages draw a table or a chart), pauses briefly (the visitor's next click rarely comes sooner),
  then imports the engine; a learner who reads Home for a few seconds finds every page ready;
- before an engine page runs, makes that thread import the engine now and waits for it.

Only this thread imports the engine: transformers swaps itself for a lazy module while it loads,
and a second thread importing it at that moment fails with "cannot import name 'AutoTokenizer'"
(found by the projector browser test). tests/unit/test_light_pages.py checks that light pages
import none of it. ADAPTLAB_WARM_UP=0 turns the background start off (pages then import it).
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import threading

log = logging.getLogger("adaptlab.warmup")

LIGHT_PAGES = frozenset({"", "methods", "quiz", "instructor"})  # url paths; "" is Home
LIGHT = ("pandas", "plotly.graph_objects", "adaptlab.viz")
ENGINE = ("torch", "transformers", "peft", "adaptlab.census", "adaptlab.training.jobs",
          "ui.resources")  # in dependency order
PAUSE_S = 1.0

_lock = threading.Lock()
_thread: threading.Thread | None = None
_needed = threading.Event()  # an engine page is waiting: skip the pause


def _enabled() -> bool:
    # Not in a training worker: a worker started from a page's script thread runs app.py again as
    # its __mp_main__ (multiprocessing's spawn re-runs the parent's __main__, which Streamlit sets
    # to the page script), and a warm-up thread there raced the worker's own imports (found by
    # tests/browser/test_keyboard_only.py: "cannot import name 'AutoModel' from 'transformers'").
    # (The process is already named "SpawnProcess-N" while it runs __mp_main__.)
    return (os.environ.get("ADAPTLAB_WARM_UP", "1") != "0"
            and multiprocessing.current_process().name == "MainProcess")


def warm_up_engine() -> None:
    """Start the background import once per process (later calls return at once)."""
    global _thread
    if not _enabled():
        return
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_import_all, name="adaptlab-warm-up", daemon=True)
            _thread.start()


def before_page(url_path: str) -> None:
    """Called by app.py before a page runs: an engine page waits until the engine is loaded."""
    if url_path in LIGHT_PAGES or not _enabled():
        return
    _needed.set()
    warm_up_engine()
    if _thread is not threading.current_thread():
        _thread.join()


def _import_all() -> None:
    for name in LIGHT:
        _import(name)
    _needed.wait(PAUSE_S)
    for name in ENGINE:
        _import(name)


def _import(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # the page that needs the module imports it again and shows the error
        log.exception("warm-up could not import %s", name)
