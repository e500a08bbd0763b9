"""Load the engine (torch, transformers, peft) once per process, in one background thread.

Their import takes seconds (about 4 s on the 2-core classroom machine, far more under load), and
no page needs it to draw itself (issue 14: every first visit within 1.5 s): counts come from the
census shipped in assets, runs train in worker processes. What does need it (a census of
non-default settings, the first Train press, a Diagnose run, an export) calls `load_engine()`.
So app.py, after any page has been drawn, starts a daemon thread that imports pandas and plotly
(most pages draw a table or a chart), pauses briefly (the visitor's next click rarely comes
sooner), then imports the engine, a module at a time, while no page script is running; a
learner who reads a page for a few seconds finds it ready.

Pages can also hand the thread work for after its imports (`when_loaded`): the Train page has it
start the training workers, so the first Train press finds them ready without the page waiting.

Only this thread imports the engine: transformers swaps itself for a lazy module while it loads,
and a second thread importing it at that moment fails with "cannot import name 'AutoTokenizer'"
(found by the projector browser test); `load_engine()` waits for this thread instead.
tests/unit/test_light_pages.py checks that no page imports the engine by itself.
ADAPTLAB_WARM_UP=0 turns the thread off (callers of `load_engine()` then import it themselves).
"""

from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import os
import pkgutil
import sys
import threading
import time
from collections.abc import Callable

from ui.script_slots import scripts_running

log = logging.getLogger("adaptlab.warmup")

# What most pages import to draw themselves (a table, a chart, the quiz store); serve.py imports
# them before the server answers, and this thread again (a no-op then) under `streamlit run app.py`.
LIGHT = ("pandas", "plotly.graph_objects", "adaptlab.viz", "sqlalchemy",
         "PIL.Image")  # PIL and numpy: Streamlit's image code, for the page icon
ENGINE = ("torch", "transformers", "peft", "adaptlab.census",
          "adaptlab.training.jobs")  # in dependency order
PAUSE_S = 1.0
# Pages first: the engine imports while no script runs (it would halve a page's speed), but
# never waits longer than this for such a gap, nor at all once a script needs the engine.
QUIET_LIMIT_S = 10.0

_lock = threading.Lock()
_thread: threading.Thread | None = None
_needed = threading.Event()  # a script waits in load_engine(): skip the pause
_imported = threading.Event()  # the engine's imports are done (successful or not)
_after: list[Callable[[], object]] = []  # when_loaded() tasks for the thread, under _lock


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
    if not _enabled():
        return
    with _lock:
        _start_locked()


def _start_locked() -> None:
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_import_all, name="adaptlab-warm-up", daemon=True)
        _thread.start()


def engine_loaded() -> bool:
    return all(name in sys.modules for name in ENGINE)


def load_engine() -> None:
    """Return once torch, transformers and peft are imported; call it before importing them (or a
    module that does) in a page script. At once when loaded; without the thread, a no-op."""
    if not _enabled():
        return
    _needed.set()
    warm_up_engine()
    if _thread is not threading.current_thread():
        # The imports only, not the thread's tasks after them: a task (the job registry) may
        # wait for this very caller (a cache_resource lock the caller holds).
        _imported.wait()


def when_loaded(task: Callable[[], object]) -> None:
    """Run `task` once the engine is imported, without making this page wait for it: in the
    warm-up thread after its imports, or now when they are done. Without the thread, now only
    if the engine is imported already. A failing task is logged, not raised."""
    with _lock:
        if _enabled() and not _imported.is_set():
            if task not in _after:  # Train asks on every rerun until the imports are done
                _after.append(task)
            _start_locked()
            return
    if _imported.is_set() or engine_loaded():
        _run(task)


def import_page_libraries() -> None:
    """Import LIGHT now, in this thread (serve.py: before the server answers its first visitor)."""
    for name in LIGHT:
        _import(name)


def import_page_code() -> None:
    """Import LIGHT and every module of the `ui` package: what the pages' scripts import.

    For serve.py, before the server answers: a cold first visit of Train or Diagnose otherwise
    spent 0.07-0.08 s of its 0.2 s script run importing its page modules (adaptlab.methods,
    the scenarios, yaml). None of them imports the engine (tests/unit/test_light_pages.py).
    Not for the warm-up thread: under `streamlit run app.py` a page script is already running
    then, and these imports would only compete with it for the one GIL.
    """
    import ui

    import_page_libraries()
    for module in pkgutil.iter_modules(ui.__path__):
        _import(f"ui.{module.name}")


def _import_all() -> None:
    import_page_libraries()
    _needed.wait(PAUSE_S)
    for name in ENGINE:
        _wait_for_quiet()
        _import(name)
    # ~470k objects that live as long as the process: frozen, Python's full collections no longer
    # scan them (~250 ms holding the GIL each, the largest health-check spikes of a live class
    # where nobody trains, benchmarks/live_class.py; ui.jobs freezes again after the workers).
    gc.collect()
    gc.freeze()
    with _lock:  # from here on, when_loaded() runs its task at once
        _imported.set()
        tasks = list(_after)
        _after.clear()
    for task in tasks:
        _run(task)


def _run(task: Callable[[], object]) -> None:
    try:
        task()
    except Exception:  # e.g. the worker pool could not start: the Train press reports it
        log.exception("warm-up task %s failed", getattr(task, "__name__", task))


def _wait_for_quiet() -> None:
    deadline = time.monotonic() + QUIET_LIMIT_S
    while scripts_running() and not _needed.is_set() and time.monotonic() < deadline:
        _needed.wait(0.05)


def _import(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # the page that needs the module imports it again and shows the error
        log.exception("warm-up could not import %s", name)
