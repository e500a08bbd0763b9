"""Training jobs for a classroom: one queue, a pool of worker processes, bounded work per learner.

A page starts a job and polls it; the job's steps stream in from a worker process
(adaptlab.training.workers), so neither training nor its Python ever holds the server's GIL.
Work is bounded: one unfinished run per learner (a new one cancels the old), a class-wide queue
with a cap (`QueueFull` says when to try again), runs whose page stopped polling are cancelled
(`reap`), and the instructor can stop everything (`cancel_all`).

Short runs first: a large run (over LARGE_RUN_TOKEN_STEPS) waits behind every short one, only
a few may wait at once, and while short runs wait, a worker busy with a large run takes one in
between two of its steps (the large run pauses, keeping its state). So one learner, or one
script with 40 tabs, asking for the largest runs the settings allow slows the class's ordinary
runs only a little (benchmarks/classroom.py --hostile). A finished run keeps its history,
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
from adaptlab.training.run import TrainingResult, restore_model
from adaptlab.training.steps import StepResult
from adaptlab.training.stopping import BY_INSTRUCTOR, CANCELLED, REPLACED, UNWATCHED
from adaptlab.training.workers import WorkerPool

DIED = "the training worker stopped unexpectedly (out of memory?): press Train to run again"
TYPICAL_RUN_SECONDS = 12.0  # until this process has timed a run of its own
# steps x batch x tokens: four default runs (200 x 8 x 64); the largest run the settings allow is
# 500 x 64 x 1024, 800 times a default one.
LARGE_RUN_TOKEN_STEPS = 4 * 200 * 8 * 64
PAUSED = "paused between two steps: a shorter run of the class goes first"


def default_slots() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class QueueFull(UserInputError):
    """The class queue is at its cap; `retry_seconds` estimates when a place frees up."""

    def __init__(self, waiting: int, retry_seconds: int, large: bool = False) -> None:
        if large:
            message = (f"The class queue for large runs is full ({waiting} waiting): try again "
                       f"in about {retry_seconds} s, or make the run smaller (steps x batch size x "
                       f"max length at most {LARGE_RUN_TOKEN_STEPS:,} runs as a short run).")
        else:
            message = (f"The class queue is full ({waiting} runs waiting): try again in about "
                       f"{retry_seconds} s.")
        super().__init__(message)
        self.retry_seconds = retry_seconds


def is_large(item: Any) -> bool:
    """A run that waits behind the short ones (a diagnosis run is short)."""
    return isinstance(item, TrainingJob) and item.plan.token_steps > LARGE_RUN_TOKEN_STEPS


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
        self.cancel_reason = CANCELLED  # who stopped it, if it ends cancelled (stopping.py)

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
                 max_waiting: int = 60, max_waiting_large: int | None = None,
                 idle_seconds: float | None = None, release_seconds: float = 1800.0,
                 preload: tuple[str, ...] = ()) -> None:
        self.slots, self.keep_models, self.max_jobs = slots or default_slots(), keep_models, max_jobs
        self.max_waiting, self.idle_seconds = max_waiting, idle_seconds
        self.max_waiting_large = max_waiting_large or self.slots
        # A finished run nobody has looked at for this long (its session has most likely ended:
        # Streamlit has no end-of-session hook) keeps its history and scores but not its weights.
        self.release_seconds = release_seconds
        self._jobs: dict[str, TrainingJob] = {}
        self._tasks: dict[str, Any] = {}  # task id -> TrainingJob or _Call, while unfinished
        self._pending: deque[str] = deque()
        self._running: dict[int, list[str]] = {}  # worker index -> its tasks, the active last
        self._ready: set[int] = set()
        self._bases: dict[str, tuple[nn.Module, Any]] = {}
        self._lock = threading.RLock()
        self._durations: deque[float] = deque(maxlen=20)
        self._closed = threading.Event()
        self.pool = WorkerPool(self.slots, self._on_message, preload)
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
              task: str | None = None, examples: Any = None, data_name: str = "",
              **overrides: Any) -> TrainingJob:
        """Validate at once (UserInputError, QueueFull), then queue the run; returns the job."""
        from adaptlab.models import gpt2_config

        known = self._bases.get(model)
        context = (known[0].config if known else gpt2_config(model)).n_positions
        plan = plan_run(model, method, settings, context=context, task=task, examples=examples,
                        data_name=data_name,
                        **overrides)
        # Loaded here once (ModelUnavailableError): a broken model folder is reported when the
        # learner presses Train, not by a worker seconds later. Exports reuse this copy.
        self.base(model)
        with self._lock:
            if owner is not None:  # one unfinished run per learner, not per tab
                for job in self._jobs.values():
                    if job.owner == owner and not job.done:
                        self._cancel(job, REPLACED)
            if len(self._pending) >= self.max_waiting:
                raise QueueFull(len(self._pending), self.retry_seconds())
            job = TrainingJob(plan, owner)
            if is_large(job):
                large = sum(is_large(self._tasks[t]) for t in self._pending)
                if large >= self.max_waiting_large:
                    raise QueueFull(large, self.retry_seconds(), large=True)
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
                self._cancel(job, BY_INSTRUCTOR)
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
                self._cancel(job, UNWATCHED)
            for job in self._jobs.values():
                if job.done and job.result is not None and job.last_seen < now - self.release_seconds:
                    job.result.trained = None
        return len(stale)

    def close(self) -> None:
        """Stop the workers and the reaper (when the app's cache releases this registry)."""
        self._closed.set()
        self.pool.close()

    def adopt(self, old_owner: str, new_owner: str) -> int:
        """Give every run of `old_owner` to `new_owner`; how many moved. A tab's runs are its
        learner's once they sign in (ui.jobs.session_owner), not lost from Train and Compare."""
        if not any(job.owner == old_owner for job in list(self._jobs.values())):
            return 0  # the usual case, checked without the lock: pages ask on every poll
        with self._lock:
            moved = [job for job in self._jobs.values() if job.owner == old_owner]
            for job in moved:
                job.owner = new_owner
        return len(moved)

    # ------------------------------------------------------------ reading

    def get(self, job_id: str | None) -> TrainingJob | None:
        return self._jobs.get(job_id) if job_id else None

    def jobs(self, owner: str | None = None) -> list[TrainingJob]:
        """Oldest first; all jobs, or one owner's (for the Compare page)."""
        return [j for j in list(self._jobs.values()) if owner is None or j.owner == owner]

    def stats(self) -> dict[str, int]:
        return {"slots": self.slots, "busy": sum(map(bool, self._running.values())),
                "waiting": len(self._pending),
                "unfinished_jobs": sum(not j.done for j in list(self._jobs.values())),
                "jobs": len(self._jobs)}

    # ------------------------------------------------------------ the queue (lock held)

    def _queue(self, task_id: str, item: Any) -> None:
        self._tasks[task_id] = item
        self._pending.append(task_id)
        self._dispatch()

    def _take(self, short_only: bool) -> str | None:
        """The next task to run: the oldest short one, else (unless short_only) the oldest."""
        for task_id in self._pending:
            if not is_large(self._tasks[task_id]):
                break
        else:
            if short_only or not self._pending:
                return None
            task_id = self._pending[0]
        self._pending.remove(task_id)
        return task_id

    def _dispatch(self) -> None:
        """Idle workers take the next task; then a worker whose only task is a large run takes a
        short one in between its steps (workers.py runs it nested), while short ones wait."""
        for nested in (False, True):
            for index in sorted(self._ready):
                stack = self._running.setdefault(index, [])
                if not self._has_room(stack, nested):
                    continue
                task_id = self._take(short_only=nested)
                if task_id is None:
                    break
                if nested:
                    self._tasks[stack[0]].message = PAUSED
                stack.append(task_id)
                self._send(index, task_id)
        for stack in self._running.values():  # a paused run whose short guest is done goes on
            outer = self._tasks.get(stack[0]) if len(stack) == 1 else None
            if isinstance(outer, TrainingJob) and outer.message == PAUSED:
                outer.message = "training"

    def _has_room(self, stack: list[str], nested: bool) -> bool:
        if not nested:
            return not stack
        return len(stack) == 1 and is_large(self._tasks.get(stack[0]))

    def _send(self, index: int, task_id: str) -> None:
        item = self._tasks[task_id]
        if isinstance(item, _Call):
            self.pool.send(index, ("diagnose", task_id, item.recipe))
            return
        item.worker, item.started = index, time.monotonic()
        item.status, item.message = "running", "preparing"
        self.pool.send(index, ("run", task_id, item.plan))

    def _cancel_locked(self, job: TrainingJob) -> None:
        with self._lock:
            self._cancel(job)

    def _cancel(self, job: TrainingJob, reason: str = CANCELLED) -> None:
        if job.done:
            return
        job.cancel_reason = reason
        if job.id in self._pending:  # never started: nothing to stop
            self._pending.remove(job.id)
            self._tasks.pop(job.id, None)
            job._end("cancelled", reason)
        elif job.worker is not None:
            self.pool.send(job.worker, ("cancel", job.id, None))

    # ------------------------------------------------------------ messages from workers

    def _on_message(self, index: int, message: tuple) -> None:
        kind, task_id, payload = message
        with self._lock:
            if kind == "ready":
                self._ready.add(index)
            elif kind == "died":
                for lost in self._running.pop(index, []):
                    self._finish_task(lost, None, DIED)
            elif kind in ("done", "failed"):
                stack = self._running.get(index, [])
                if task_id in stack:
                    stack.remove(task_id)
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
            item._end(*(("cancelled", item.cancel_reason) if reason == CANCELLED else
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
