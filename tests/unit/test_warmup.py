"""ui/warmup.py: an engine page gets the engine loaded before it runs; a training worker (which
re-runs app.py as its __mp_main__) never starts a warm-up thread of its own."""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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


def test_an_engine_page_waits_until_the_engine_is_loaded_and_a_light_page_does_not():
    code = ("import sys; from ui.warmup import before_page; before_page('methods'); "
            "light = 'torch' in sys.modules; before_page('train'); "
            "print(light, all(m in sys.modules for m in ('torch', 'transformers', 'peft')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.stdout.split() == ["False", "True"], out.stderr[-2000:]
