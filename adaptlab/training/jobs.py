"""Training jobs for a classroom: one queue, a pool of worker processes, bounded work per learner.

A page starts a job and polls it; the job's steps stream in from a worker process
(adaptlab.training.workers), so neither training nor its Python ever holds the server's GIL.
Work is bounded: one unfinished run per learner (a new one cancels the old), a class-wide queue
with a cap (`QueueFull` says when to try again), runs whose page stopped polling are cancelled
(`reap`), and the instructor can stop everything (`cancel_all`). A finished run keeps its history,
scores and trained tensors, not a model: `trained_model()` rebuilds the model when a learner
downloads it.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from typing import Any

from torch import nn

from adaptlab.errors import UserInputError
from adaptlab.training.plan import RunPlan, plan_run
from adaptlab.training.run import CANCELLED, TrainingResult, restore_model
from adaptlab.training.steps import StepResult
from adaptlab.training.workers import WorkerPool

DIED = "the training worker stopped unexpectedly (out of memory?): press Train to run again"
TYPICAL_RUN_SECONDS = 12.0  # until this process has timed a run of its own


def default_slots() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class QueueFull(UserInputError):
    """The class queue is at its cap; `retry_seconds` estimates when a place frees up."""

    def __init__(self, waiting: int, retry_seconds: int) -> None:
        super().__init__(f"The class queue is full ({waiting} runs waiting): try again in about "
                         f"{retry_seconds} s.")
        self.retry_seconds = retry_seconds


class TrainingJob:
    """One run: its status, its step history and its final result.

    status: waiting (for a worker) -> running (message: evaluating / training) -> done, stopped
    (diverged: message says why), cancelled or failed (error holds the message).
    """

    def __init__(self, plan: RunPlan, owner: str | None = None) -> None:
        self.id, self.plan, self.owner = uuid.uuid4().hex[:12], plan, owner
        self.status, self.message = "waiting", "waiting for a free worker"
        self.steps: list[StepResult] = []  # the whole history; stays after the job ends
        self.result: TrainingResult | None = None
        self.error: str | None = None
        self.created, self.finished, self.started = time.time(), None, None
        self.last_seen = time.monotonic()  # the last poll of a page showing it
        self.worker: int | None = None
        self._new: queue.SimpleQueue[StepResult] = queue.SimpleQueue()
        self._ended = threading.Event()
        self._cancel_hook = None  # set by the registry

    @property
    def done(self) -> bool:
        return self.finished is not None

    def cancel(self) -> None:
        """Stop soon: at once while waiting, after the current step while running."""
        if self._cancel_hook is not None:
            self._cancel_hook(self)

    def join(self, timeout: float | None = None) -> bool:
        self._ended.wait(timeout)
        return self.done

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    def poll(self) -> list[StepResult]:
        """The steps finished since the last poll (each step is delivered once)."""
        self.touch()
        out = []
        while True:
            try:
                out.append(self._new.get_nowait())
            except queue.Empty:
                return out

    def snapshot(self) -> dict[str, Any]:
        """Plain values for a live view: status, progress and the loss curve so far."""
        self.touch()
        steps = list(self.steps)
        return {"id": self.id, "method": self.plan.method, "status": self.status,
                "message": self.message, "step": len(steps), "steps": self.plan.config.steps,
                "losses": [s.loss for s in steps],
                "eval_points": [(s.step, s.eval_loss) for s in steps if s.eval_loss is not None],
                "error": self.error, "done": self.done}

    def _end(self, status: str, message: str) -> None:
        self.status, self.message, self.finished = status, message, time.time()
        self._ended.set()


class JobRegistry:
    """Every job of the process, the queue and the worker pool; hold one in `st.cache_resource`."""

    def __init__(self, slots: int | None = None, keep_models: int = 2, max_jobs: int = 500,
                 max_waiting: int = 60, idle_seconds: float | None = None,
                 release_seconds: float = 1800.0) -> None:
        self.slots, self.keep_models, self.max_jobs = slots or default_slots(), keep_models, max_jobs
        self.max_waiting, self.idle_seconds = max_waiting, idle_seconds
        # A finished run nobody has looked at for this long (its session has most likely ended:
        # Streamlit has no end-of-session hook) keeps its history and scores but not its weights.
        self.release_seconds = release_seconds
        self._jobs: dict[str, TrainingJob] = {}
        self._tasks: dict[str, Any] = {}  # task id -> TrainingJob or _Call, while unfinished
        self._pending: deque[str] = deque()
        self._running: dict[int, str] = {}  # worker index -> task id
        self._ready: set[int] = set()
        self._bases: dict[str, tuple[nn.Module, Any]] = {}
        self._lock = threading.RLock()
        self._durations: deque[float] = deque(maxlen=20)
        self._closed = threading.Event()
        self.pool = WorkerPool(self.slots, self._on_message)
        if idle_seconds:
            threading.Thread(target=self._reaper, name="train-reaper", daemon=True).start()

    # ------------------------------------------------------------ models

    def add_base(self, name: str, model: nn.Module, tokenizer: Any) -> None:
        """Use this model object (read-only) for runs on `name`, in every worker."""
        with self._lock:
            self._bases[name] = (model.eval(), tokenizer)
        self.pool.add_base(name, model, tokenizer)

    def base(self, name: str) -> tuple[nn.Module, Any]:
        """This process's copy of a base, loaded on first use (exports only; workers train)."""
        with self._lock:
            if name not in self._bases:
                from adaptlab.models import load_model, load_tokenizer
                self._bases[name] = (load_model(name).eval(), load_tokenizer(name))
            return self._bases[name]

    def trained_model(self, job: TrainingJob) -> nn.Module | None:
        """The run's trained model, rebuilt from its tensors (None once they were released)."""
        result = job.result
        if result is None or result.trained is None:
            return None
        return restore_model(self.base(job.plan.model)[0], job.plan, result.trained)

    # ------------------------------------------------------------ starting and stopping

    def start(self, model: str = "mini", method: str = "lora",
              settings: Mapping[str, Any] | None = None, *, owner: str | None = None,
              task: str | None = None, examples: Any = None, **overrides: Any) -> TrainingJob:
        """Validate at once (UserInputError, QueueFull), then queue the run; returns the job."""
        from adaptlab.models import gpt2_config

        known = self._bases.get(model)
        context = (known[0].config if known else gpt2_config(model)).n_positions
        plan = plan_run(model, method, settings, context=context, task=task, examples=examples,
                        **overrides)
        # Loaded here once (ModelUnavailableError): a broken model folder is reported when the
        # learner presses Train, not by a worker seconds later. Exports reuse this copy.
        self.base(model)
        with self._lock:
            if owner is not None:  # one unfinished run per learner, not per tab
                for job in self._jobs.values():
                    if job.owner == owner and not job.done:
                        self._cancel(job)
            if len(self._pending) >= self.max_waiting:
                raise QueueFull(len(self._pending), self.retry_seconds())
            job = TrainingJob(plan, owner)
            job._cancel_hook = self._cancel_locked
            self._jobs[job.id] = job
            self._queue(job.id, job)
            self._prune(owner)
        return job

    def diagnose(self, recipe: Any, timeout: float = 300.0) -> Any:
        """Run a diagnosis recipe in a worker, in turn with the class's runs; its Outcome."""
        call = _Call(recipe)
        with self._lock:
            self._queue(uuid.uuid4().hex[:12], call)
        if not call.event.wait(timeout):
            raise UserInputError("the diagnosis run took too long: try again")
        if call.error:
            raise UserInputError(call.error)
        return call.value

    def retry_seconds(self) -> int:
        """A guess at the wait for a queue place: runs ahead per worker x a typical run."""
        typical = (sum(self._durations) / len(self._durations) if self._durations
                   else TYPICAL_RUN_SECONDS)
        return max(5, round(typical * (len(self._pending) + 1) / self.slots))

    def cancel(self, job_id: str) -> bool:
        job = self.get(job_id)
        if job is not None:
            job.cancel()
        return job is not None

    def cancel_all(self) -> int:
        """Stop every unfinished run (the instructor's button); how many were stopped."""
        with self._lock:
            live = [j for j in self._jobs.values() if not j.done]
            for job in live:
                self._cancel(job)
        return len(live)

    def reap(self) -> int:
        """Cancel runs that no page has polled for `idle_seconds` (a closed tab, a dead session),
        and release the weights of finished runs unseen for `release_seconds`."""
        if not self.idle_seconds:
            return 0
        now = time.monotonic()
        with self._lock:
            stale = [j for j in self._jobs.values()
                     if not j.done and j.last_seen < now - self.idle_seconds]
            for job in stale:
                self._cancel(job)
            for job in self._jobs.values():
                if job.done and job.result is not None and job.last_seen < now - self.release_seconds:
                    job.result.trained = None
        return len(stale)

    def close(self) -> None:
        """Stop the workers and the reaper (when the app's cache releases this registry)."""
        self._closed.set()
        self.pool.close()

    # ------------------------------------------------------------ reading

    def get(self, job_id: str | None) -> TrainingJob | None:
        return self._jobs.get(job_id) if job_id else None

    def jobs(self, owner: str | None = None) -> list[TrainingJob]:
        """Oldest first; all jobs, or one owner's (for the Compare page)."""
        return [j for j in list(self._jobs.values()) if owner is None or j.owner == owner]

    def stats(self) -> dict[str, int]:
        return {"slots": self.slots, "busy": len(self._running), "waiting": len(self._pending),
                "unfinished_jobs": sum(not j.done for j in list(self._jobs.values())),
                "jobs": len(self._jobs)}

    # ------------------------------------------------------------ the queue (lock held)

    def _queue(self, task_id: str, item: Any) -> None:
        self._tasks[task_id] = item
        self._pending.append(task_id)
        self._dispatch()

    def _dispatch(self) -> None:
        free = sorted(self._ready - set(self._running))
        while free and self._pending:
            task_id, index = self._pending.popleft(), free.pop(0)
            item = self._tasks[task_id]
            self._running[index] = task_id
            if isinstance(item, _Call):
                self.pool.send(index, ("diagnose", task_id, item.recipe))
                continue
            item.worker, item.started = index, time.monotonic()
            item.status, item.message = "running", "preparing"
            self.pool.send(index, ("run", task_id, item.plan))

    def _cancel_locked(self, job: TrainingJob) -> None:
        with self._lock:
            self._cancel(job)

    def _cancel(self, job: TrainingJob) -> None:
        if job.done:
            return
        if job.id in self._pending:  # never started: nothing to stop
            self._pending.remove(job.id)
            self._tasks.pop(job.id, None)
            job._end("cancelled", CANCELLED)
        elif job.worker is not None:
            self.pool.send(job.worker, ("cancel", job.id, None))

    # ------------------------------------------------------------ messages from workers

    def _on_message(self, index: int, message: tuple) -> None:
        kind, task_id, payload = message
        with self._lock:
            if kind == "ready":
                self._ready.add(index)
            elif kind == "died":
                self._finish_task(self._running.get(index), None, DIED)
                self._running.pop(index, None)
            elif kind in ("done", "failed"):
                self._running.pop(index, None)
                self._finish_task(task_id, payload if kind == "done" else None,
                                  payload if kind == "failed" else None)
            else:
                self._progress(task_id, kind, payload)
            self._dispatch()

    def _progress(self, task_id: str, kind: str, payload: Any) -> None:
        job = self._tasks.get(task_id)
        if not isinstance(job, TrainingJob):
            return
        if kind == "step":
            job.steps.append(payload)
            job._new.put(payload)
        elif kind == "status":
            job.status, job.message = "running", payload

    def _finish_task(self, task_id: str | None, value: Any, error: str | None) -> None:
        item = self._tasks.pop(task_id, None) if task_id else None
        if isinstance(item, _Call):
            item.value, item.error = value, error
            item.event.set()
        elif isinstance(item, TrainingJob):
            if item.started is not None:
                self._durations.append(time.monotonic() - item.started)
            if error is not None:
                item.error = error
                item._end("failed", error)
                return
            item.result = value
            reason = value.stopped_reason
            item._end(*(("cancelled", CANCELLED) if reason == CANCELLED else
                        ("stopped", reason) if reason else ("done", "finished")))
            self._prune(item.owner)

    def _prune(self, owner: str | None) -> None:
        mine = [j for j in self._jobs.values() if j.owner == owner and j.done and j.result]
        for job in mine[:-self.keep_models] if self.keep_models else mine:
            job.result.trained = None  # history stays; the weights go
        finished = [k for k, j in self._jobs.items() if j.done]
        for key in finished[:max(0, len(self._jobs) - self.max_jobs)]:
            del self._jobs[key]

    def _reaper(self) -> None:
        while not self._closed.wait(min(2.0, self.idle_seconds / 3)):
            self.reap()


class _Call:
    """A diagnosis run waiting for its worker."""

    def __init__(self, recipe: Any = None) -> None:
        self.recipe, self.value, self.error = recipe, None, None
        self.event = threading.Event()
