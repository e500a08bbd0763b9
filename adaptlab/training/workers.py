"""Training in worker processes, so that the server's event loop never waits on training Python.

`WorkerPool` spawns `slots` processes (one torch thread each). A worker loads each base model it
is asked for once, then takes one task at a time from its pipe: a run plan (`execute`, streaming
every step and status back) or a diagnosis recipe. Between steps it reads its pipe for a cancel,
or for a short run to do at once (a nested task: the registry sends one while short runs wait
behind a large one; the large run resumes after it).
A finished run comes back compact (`compact()`): the history, the scores and the trained
tensors; never a model copy. The pool's reader threads hand every message to `on_message`; a
worker that dies is replaced, and its task is reported as failed.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import replace
from typing import Any

Message = tuple  # (kind, task id, payload): step, status, done, failed, ready
_SPAWN = mp.get_context("spawn")  # fork would copy the server's threads and locks
WORKER_NICENESS = 10
_MAIN_LOCK = threading.Lock()


def compact(result: Any) -> Any:
    """A TrainingResult without its model copies: the trained tensors stand in for the model,
    and only the last step keeps its event timings (the Train page's step anatomy)."""
    from adaptlab.training.run import trained_tensors

    steps = [s if i == len(result.steps) - 1 else replace(s, events=())
             for i, s in enumerate(result.steps)]
    tensors = trained_tensors(result.model) if result.model is not None else None
    return replace(result, steps=steps, model=None, tokenizer=None, base=None, trained=tensors)


class _Worker:
    """The process side: models by name, one task at a time, cancels read between steps."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.models, self.cancelled = conn, {}, set()

    def base(self, name: str) -> tuple[Any, Any]:
        if name not in self.models:
            from adaptlab.models import load_model, load_tokenizer

            self.models[name] = (load_model(name).eval(), load_tokenizer(name))
        return self.models[name]

    def drain(self) -> None:
        """Read cancels (and new bases) that arrived while a task runs."""
        while self.conn.poll():
            self.handle(self.conn.recv())

    def handle(self, message: Message) -> None:
        kind, task, payload = message
        if kind == "cancel":
            self.cancelled.add(task)
        elif kind == "base":
            self.models[task] = payload
        elif kind in ("run", "diagnose"):
            self.task(kind, task, payload)

    def task(self, kind: str, task: str, payload: Any) -> None:
        from adaptlab.errors import UserInputError

        try:
            self.conn.send(("done", task, self.run(task, payload) if kind == "run"
                            else self.diagnose(payload)))
        except UserInputError as exc:
            self.conn.send(("failed", task, str(exc)))
        except Exception as exc:  # a bug: report it, keep the worker alive for the next task
            self.conn.send(("failed", task, f"{type(exc).__name__}: {exc}"))
        self.cancelled.discard(task)

    def run(self, task: str, plan: Any) -> Any:
        from adaptlab.training.run import execute

        base, tokenizer = self.base(plan.model)

        def should_stop() -> bool:
            self.drain()
            return task in self.cancelled

        result = execute(plan, base, tokenizer, on_step=lambda r: self.conn.send(("step", task, r)),
                         on_status=lambda text: self.conn.send(("status", task, text)),
                         should_stop=should_stop)
        return compact(result)

    def diagnose(self, recipe: Any) -> Any:
        from adaptlab.training.diagnosis import run

        return run(recipe, *self.base("mini"))


def _serve(conn: Any, preload: tuple[str, ...] = ()) -> None:
    """A worker process's main loop (the spawn target). It loads the engine and the `preload`
    models before its first task, so the first runs of a class do not wait seconds for imports."""
    import torch

    torch.set_num_threads(1)  # one core per run: several runs with several threads each thrash
    with contextlib.suppress(OSError, AttributeError):  # (no os.nice on Windows)
        # Pages and health checks first: the server process answers at once and training takes
        # the CPU it leaves (issue 13: health-check spikes while a class trains).
        os.nice(WORKER_NICENESS)
    worker = _Worker(conn)
    try:
        conn.send(("ready", "", os.getpid()))
        for name in preload:  # a task sent meanwhile waits in the pipe
            with contextlib.suppress(Exception):  # a broken model folder: the run reports it
                worker.base(name)
        import adaptlab.training.run  # noqa: F401  (the engine: seconds of imports)
        while True:
            message = conn.recv()
            if message[0] == "stop":
                return
            worker.handle(message)
    except (EOFError, OSError):  # the server went away (BrokenPipeError is an OSError): so do we
        return


@contextlib.contextmanager
def _without_main():
    """Start a process without the parent's __main__: spawn re-runs it in the child, and under
    Streamlit it is the page script being run (app.py), which each worker then drew in bare mode
    (warm-up threads, database reads, seconds of imports) before its first task."""
    with _MAIN_LOCK:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")  # no __file__, no __spec__
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


class WorkerPool:
    """`slots` worker processes; `submit` gives a task to a free one (the caller tracks which)."""

    def __init__(self, slots: int, on_message: Callable[[int, Message], None],
                 preload: tuple[str, ...] = ()) -> None:
        self.slots, self._on_message, self._preload = slots, on_message, preload
        self._conns: list[Any] = [None] * slots
        self._procs: list[Any] = [None] * slots
        self._bases: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._closed = False
        for index in range(slots):
            self._start(index)

    def _start(self, index: int) -> None:
        parent, child = _SPAWN.Pipe()
        proc = _SPAWN.Process(target=_serve, args=(child, self._preload), name=f"adaptlab-train-{index}",
                              daemon=True)
        with _without_main():
            proc.start()
        child.close()
        self._conns[index], self._procs[index] = parent, proc
        for name, payload in self._bases.items():
            parent.send(("base", name, payload))
        threading.Thread(target=self._read, args=(index, parent), name=f"train-reader-{index}",
                         daemon=True).start()

    def _read(self, index: int, conn: Any) -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            self._on_message(index, message)
        if not self._closed:  # the worker died (killed, out of memory): replace it
            with self._lock:
                self._procs[index].join(1)
                self._start(index)
            self._on_message(index, ("died", "", None))

    def send(self, index: int, message: Message) -> None:
        # A dead worker's pipe refuses; its reader thread sees the death and replaces it.
        with self._lock, contextlib.suppress(BrokenPipeError, OSError):
            self._conns[index].send(message)

    def add_base(self, name: str, model: Any, tokenizer: Any) -> None:
        """Give every worker this base (a model object, e.g. a test's tiny GPT-2)."""
        self._bases[name] = (model, tokenizer)
        for index in range(self.slots):
            self.send(index, ("base", name, (model, tokenizer)))

    def pids(self) -> list[int]:
        return [p.pid for p in self._procs]

    def close(self) -> None:
        self._closed = True
        for index in range(self.slots):
            self.send(index, ("stop", "", None))
        for proc in self._procs:  # a worker holds nothing worth waiting for: at most a run
            proc.join(0.5)
            if proc.is_alive():
                proc.kill()
