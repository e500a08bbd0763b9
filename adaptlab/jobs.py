"""Training runs in background threads, behind one process-wide compute gate.

A page starts a job and polls it; the job's thread makes no UI calls. The gate lets at most
`slots` runs compute at once (default: the number of cores), in arrival order, each with one torch
thread: on 2 cores that halves the median wait of a class against letting 30 runs oversubscribe
the CPU (../shared/STREAMLIT.md, "Concurrency and scale"). A short run keeps its slot to the end
(first come, first done: the median wait halves against round robin); a long run that has held a
slot for more than `slice_seconds` while others wait goes to the back of the queue, so a 500-step
run cannot starve a class.
Each job trains its own deep copy of the cached base model, which is only ever read.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import nn

from adaptlab.errors import UserInputError
from adaptlab.evaluation import TrainingResult
from adaptlab.runs import CANCELLED, RunPlan, execute, plan_run
from adaptlab.training import StepResult

_THREADS_SET = threading.Lock()


def default_slots() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ComputeGate:
    """A fair (first come, first served) counting semaphore whose waits can be cancelled."""

    def __init__(self, slots: int | None = None, torch_threads: int = 1) -> None:
        self.slots = slots or default_slots()
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()
        self._busy = 0
        with _THREADS_SET:  # process-global: several runs with several threads each thrash
            torch.set_num_threads(torch_threads)

    @property
    def busy(self) -> int:
        return self._busy

    @property
    def waiting(self) -> int:
        return len(self._queue)

    def acquire(self, cancelled: Callable[[], bool] = lambda: False,
                on_wait: Callable[[int], None] | None = None, poll: float = 1.0) -> bool:
        """Wait for a slot in turn; False if `cancelled()` became true first.

        Waiters wake when a slot is released or `wake()` is called (a cancel), and every `poll`
        seconds as a safety net. Not more often: in a class of 30, 28 waiters polling every
        0.1 s meant 280 wake-ups a second, each taking the GIL from the two running jobs.
        """
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            ahead = -1
            try:
                while not (self._queue[0] is ticket and self._busy < self.slots):
                    if cancelled():
                        return False
                    if on_wait and self._queue.index(ticket) != ahead:
                        ahead = self._queue.index(ticket)
                        on_wait(ahead)
                    self._cond.wait(poll)
                self._busy += 1
                return True
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._busy -= 1
            self._cond.notify_all()

    def wake(self) -> None:
        """Make waiters check `cancelled()` now (a job waiting for a slot was cancelled)."""
        with self._cond:
            self._cond.notify_all()


class TrainingJob:
    """One run in a background thread: its status, its step history and its final result.

    status: queued -> waiting (for a slot) -> running (message: evaluating / training) -> done,
    stopped (diverged: message says why), cancelled or failed (error holds the message).
    """

    def __init__(self, plan: RunPlan, base: nn.Module, tokenizer: Any, gate: ComputeGate,
                 owner: str | None = None, slice_seconds: float = 10.0) -> None:
        self.id, self.plan, self.owner = uuid.uuid4().hex[:12], plan, owner
        self.status, self.message = "queued", "waiting for a free slot"
        self.steps: list[StepResult] = []  # the whole history; stays after the job ends
        self.result: TrainingResult | None = None
        self.error: str | None = None
        self.created, self.finished = time.time(), None
        self._base, self._tokenizer, self._gate, self._slice = base, tokenizer, gate, slice_seconds
        self._new: queue.SimpleQueue[StepResult] = queue.SimpleQueue()
        self._cancel = threading.Event()
        self._holding, self._since = False, 0.0
        self._thread = threading.Thread(target=self._work, name=f"train-{self.id}", daemon=True)

    @property
    def done(self) -> bool:
        return self.finished is not None

    def start(self) -> TrainingJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop soon: while waiting for a slot, or after the current step."""
        self._cancel.set()
        self._gate.wake()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return self.done

    def poll(self) -> list[StepResult]:
        """The steps finished since the last poll (each step is delivered once)."""
        out = []
        while True:
            try:
                out.append(self._new.get_nowait())
            except queue.Empty:
                return out

    def snapshot(self) -> dict[str, Any]:
        """Plain values for a live view: status, progress and the loss curve so far."""
        steps = list(self.steps)
        return {"id": self.id, "method": self.plan.method, "status": self.status,
                "message": self.message, "step": len(steps), "steps": self.plan.config.steps,
                "losses": [s.loss for s in steps],
                "eval_points": [(s.step, s.eval_loss) for s in steps if s.eval_loss is not None],
                "error": self.error, "done": self.done}

    # ------------------------------------------------------------ the worker thread

    def _set(self, status: str, message: str) -> None:
        self.status, self.message = status, message

    def _take_slot(self) -> bool:
        def waiting(ahead: int) -> None:
            self._set("waiting", "waiting for a free slot" + (f" ({ahead} ahead)" if ahead else ""))
        self._holding = self._gate.acquire(self._cancel.is_set, waiting)
        self._since = time.monotonic()
        return self._holding

    def _on_step(self, result: StepResult) -> None:
        self.steps.append(result)
        self._new.put(result)
        if self._gate.waiting and time.monotonic() - self._since > self._slice:
            self._gate.release()  # let the next learner in; queue up again behind them
            self._holding = False
            if self._take_slot():
                self._set("running", "training")

    def _work(self) -> None:
        try:
            if not self._take_slot():
                self._set("cancelled", CANCELLED)
                return
            self._set("running", "preparing")
            self.result = execute(self.plan, self._base, self._tokenizer, on_step=self._on_step,
                                  on_status=lambda text: self._set("running", text),
                                  should_stop=self._cancel.is_set)
            self._finish_status(self.result.stopped_reason)
        except UserInputError as exc:
            self.error = str(exc)
            self._set("failed", self.error)
        except Exception as exc:  # a bug: keep the server up, show what happened
            self.error = f"{type(exc).__name__}: {exc}"
            self._set("failed", self.error)
        finally:
            if self._holding:
                self._gate.release()
                self._holding = False
            self.finished = time.time()

    def _finish_status(self, reason: str | None) -> None:
        if reason == CANCELLED:
            self._set("cancelled", CANCELLED)
        elif reason:
            self._set("stopped", reason)
        else:
            self._set("done", "finished")


class JobRegistry:
    """Every job of the process and the shared base models; hold one in `st.cache_resource`.

    Starting a job cancels the same owner's running job (one slot per learner). Finished jobs
    keep their history for comparison; only the newest `keep_models` per owner keep the trained
    model (for export), so memory stays bounded.
    """

    def __init__(self, gate: ComputeGate | None = None, keep_models: int = 2,
                 max_jobs: int = 500) -> None:
        self.gate = gate or ComputeGate()
        self.keep_models, self.max_jobs = keep_models, max_jobs
        self._jobs: dict[str, TrainingJob] = {}
        self._bases: dict[str, tuple[nn.Module, Any]] = {}
        self._lock = threading.Lock()

    def add_base(self, name: str, model: nn.Module, tokenizer: Any) -> None:
        """Use this model (read-only, eval mode) for runs on `name`."""
        with self._lock:
            self._bases[name] = (model.eval(), tokenizer)

    def base(self, name: str) -> tuple[nn.Module, Any]:
        with self._lock:  # loading twice at once would only waste time and memory
            if name not in self._bases:
                from adaptlab.models import load_model, load_tokenizer
                self._bases[name] = (load_model(name).eval(), load_tokenizer(name))
            return self._bases[name]

    def start(self, model: str = "mini", method: str = "lora",
              settings: Mapping[str, Any] | None = None, *, owner: str | None = None,
              task: str | None = None, examples: Any = None, **overrides: Any) -> TrainingJob:
        """Validate at once (UserInputError), then run in the background; returns the job."""
        from adaptlab.models import gpt2_config

        known = self._bases.get(model)  # a model not loaded yet is checked by its config alone
        context = (known[0].config if known else gpt2_config(model)).n_positions
        plan = plan_run(model, method, settings, context=context, task=task, examples=examples,
                        **overrides)
        base, tokenizer = self.base(model)
        with self._lock:
            for job in self._jobs.values():
                if owner is not None and job.owner == owner and not job.done:
                    job.cancel()
            job = TrainingJob(plan, base, tokenizer, self.gate, owner)
            self._jobs[job.id] = job
            self._prune(owner)
        return job.start()

    def get(self, job_id: str | None) -> TrainingJob | None:
        return self._jobs.get(job_id) if job_id else None

    def jobs(self, owner: str | None = None) -> list[TrainingJob]:
        """Oldest first; all jobs, or one owner's (for the Compare page)."""
        return [j for j in list(self._jobs.values()) if owner is None or j.owner == owner]

    def cancel(self, job_id: str) -> bool:
        job = self.get(job_id)
        if job is not None:
            job.cancel()
        return job is not None

    def stats(self) -> dict[str, int]:
        running = sum(not j.done for j in list(self._jobs.values()))
        return {"slots": self.gate.slots, "busy": self.gate.busy, "waiting": self.gate.waiting,
                "unfinished_jobs": running, "jobs": len(self._jobs)}

    def _prune(self, owner: str | None) -> None:
        mine = [j for j in self._jobs.values() if j.owner == owner and j.done and j.result]
        for job in mine[:-self.keep_models] if self.keep_models else mine:
            job.result.model = None  # history stays; the weights go
        finished = [k for k, j in self._jobs.items() if j.done]
        for key in finished[:max(0, len(self._jobs) - self.max_jobs)]:
            del self._jobs[key]
