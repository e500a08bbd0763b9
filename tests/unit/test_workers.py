"""adaptlab.training.workers: a worker starts clean, however the server process was started."""

from __future__ import annotations

import sys
import time
import types

from adaptlab.training.workers import WorkerPool


def test_a_worker_does_not_rerun_the_servers_main_script(tmp_path, monkeypatch) -> None:
    # Under Streamlit, __main__ is the page script being run (app.py): spawn would run it again
    # in every worker. Here a stand-in script leaves a mark when it runs.
    mark = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(mark)!r}, 'w').write('ran')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    ready = []
    pool = WorkerPool(1, lambda index, message: ready.append(message[0]))
    try:
        deadline = time.monotonic() + 60
        while "ready" not in ready and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "ready" in ready
        assert sys.modules["__main__"] is page  # put back after the start
    finally:
        pool.close()
    assert not mark.exists()
