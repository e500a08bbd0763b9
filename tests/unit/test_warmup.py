"""ui/warmup.py: load_engine() returns with the engine imported (by the warm-up thread); a
training worker (which re-runs app.py as its __mp_main__) never starts a warm-up thread; serve.py
imports the page libraries before the server answers."""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter in the repository (nothing imported yet), its output kept."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def _child_enabled(queue) -> None:
    from ui.warmup import _enabled

    queue.put(_enabled())


def test_a_spawned_worker_does_not_warm_up():
    ctx = mp.get_context("spawn")  # as adaptlab.training.workers starts them
    queue = ctx.Queue()
    child = ctx.Process(target=_child_enabled, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=120) is False
    finally:
        child.join(timeout=30)


def test_load_engine_returns_with_the_engine_imported_by_the_warm_up_thread():
    code = ("import sys; import ui.warmup as w; light = 'torch' in sys.modules; w.load_engine(); "
            "print(light, all(m in sys.modules for m in ('torch', 'transformers', 'peft')), "
            "w._imported.is_set())")
    out = run_python(code)
    assert out.stdout.split() == ["False", "True", "True"], out.stderr[-2000:]


def test_the_engine_waits_for_a_gap_between_page_scripts():
    code = ("import sys, time; import ui.warmup as w; from ui.script_slots import script_slot\n"
            "with script_slot():\n"
            "    w.warm_up_engine(); time.sleep(w.PAUSE_S + 1.5); during = 'torch' in sys.modules\n"
            "w._thread.join(timeout=120)\n"
            "print(during, 'torch' in sys.modules)")
    out = run_python(code)
    assert out.stdout.split() == ["False", "True"], out.stderr[-2000:]


def test_a_task_for_after_the_imports_runs_in_the_warm_up_thread():
    code = ("import sys, threading; import ui.warmup as w; ran = []\n"
            "w.when_loaded(lambda: ran.append((threading.current_thread().name, 'torch' in sys.modules)))\n"
            "w._thread.join(timeout=120); w.when_loaded(lambda: ran.append(('now', True)))\n"
            "print(ran)")
    out = run_python(code)
    assert out.stdout.strip() == "[('adaptlab-warm-up', True), ('now', True)]", out.stderr[-2000:]


def test_serve_py_imports_the_page_code_before_serving_and_not_the_engine():
    # `streamlit run serve.py` must find its st.App (else Streamlit runs serve.py as a page);
    # entering the app's lifespan (before the server listens) imports what pages draw with and
    # the pages' own modules, and still not the engine.
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from streamlit.web.server.app_discovery import discover_asgi_app\n"
        "import serve\n"
        "print(discover_asgi_app(Path('serve.py')).is_asgi_app, Path(serve.app.script_path).name)\n"
        "before = 'pandas' in sys.modules\n"
        "async def enter():\n"
        "    async with serve.import_before_serving(serve.app):\n"
        "        return all(m in sys.modules for m in ('pandas', 'plotly.graph_objects', 'sqlalchemy',\n"
        "                                              'ui.train_view', 'ui.diagnose_view'))\n"
        "print(before, asyncio.run(enter()), 'torch' in sys.modules)\n"
        "from streamlit.runtime.pages_manager import PagesManager\n"
        "print(PagesManager.uses_pages_directory)\n")  # a cold link must not skip app.py
    out = run_python(code)
    assert out.stdout.split() == ["True", "app.py", "False", "True", "False", "False"], \
        out.stderr[-2000:]
