"""Training jobs in worker processes: the same losses as a run done alone, bounded work per
learner (one run each, a capped queue, idle runs reaped, stop-all), a dead worker replaced, and a
finished run that keeps its trained tensors instead of a model.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import time

import pytest
import torch

from adaptlab.errors import UserInputError
from adaptlab.training.jobs import DIED, PAUSED, JobRegistry, QueueFull
from adaptlab.training.run import run_training, trained_tensors
from adaptlab.training.stopping import BY_INSTRUCTOR, CANCELLED, REPLACED, UNWATCHED
from tests.unit.tiny_task import tiny_base, tiny_examples

RUN = {"steps": 12, "batch_size": 8, "max_length": 32, "schedule": "constant", "warmup_steps": 0}
LONG = {"steps": 500}


def wait_for(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def make_registry(tok, slots=2, **kw) -> JobRegistry:
    reg = JobRegistry(slots=slots, **kw)
    reg.add_base("tiny", tiny_base(), tok)
    wait_for(lambda: reg.stats()["slots"] == slots and len(reg._ready) == slots)
    return reg


@pytest.fixture(scope="module")
def registry(tok):
    reg = make_registry(tok)
    yield reg
    reg.close()


def start(reg, method="lora", **kw):
    return reg.start("tiny", method, {**RUN, **kw.pop("settings", {})},
                     examples=tiny_examples(), **kw)


def test_two_jobs_at_once_match_their_solo_runs_in_other_processes(registry, tok,
                                                                  one_thread) -> None:
    assert all(pid != os.getpid() for pid in registry.pool.pids())
    a = start(registry, "lora", seed=1, settings={"lr": 3e-2})
    b = start(registry, "full", seed=2, settings={"lr": 3e-3})
    assert a.join(120) and b.join(120)
    assert (a.status, b.status) == ("done", "done")
    for job, method, seed, lr in ((a, "lora", 1, 3e-2), (b, "full", 2, 3e-3)):
        solo = run_training(tiny_base(), method, {**RUN, "lr": lr}, seed=seed,
                            examples=tiny_examples(), tokenizer=tok)
        assert [s.loss for s in job.steps] == solo.losses  # same history as alone
        assert job.result.frozen_unchanged and job.result.model is None
        assert job.result.after.loss == pytest.approx(solo.after.loss)


def test_a_finished_peft_run_keeps_only_its_trained_tensors(registry, tok) -> None:
    job = start(registry, "lora", seed=3)
    assert job.join(120)
    result = job.result
    trainable = sum(t.numel() for t in result.trained.values())
    assert trainable == result.trainable_params  # LoRA's A and B, nothing else
    assert len(pickle.dumps(result)) < 1_000_000  # history + scores + tensors, not a model
    assert all(not s.events for s in result.steps[:-1]) and result.steps[-1].events
    rebuilt = registry.trained_model(job)  # the download rebuilds the model from them
    again = run_training(tiny_base(), "lora", RUN, seed=3, examples=tiny_examples(), tokenizer=tok)
    assert result.trained.keys() == trained_tensors(again.model).keys()
    for name, tensor in trained_tensors(again.model).items():
        assert torch.equal(result.trained[name], tensor)
        assert torch.equal(dict(trained_tensors(rebuilt))[name], tensor)
    assert not rebuilt.training and sum(p.requires_grad for p in rebuilt.parameters()) > 0


def test_poll_delivers_each_step_once_and_history_stays(registry) -> None:
    job = start(registry, owner="poller")
    seen = []
    while not job.done:
        seen += job.poll()
        time.sleep(0.02)
    seen += job.poll()
    assert [s.step for s in seen] == list(range(1, RUN["steps"] + 1))
    assert job.poll() == [] and len(job.steps) == RUN["steps"]
    assert registry.jobs("poller") == [job]
    json.dumps(job.snapshot(), allow_nan=False)


def test_cancel_a_running_job(registry) -> None:
    job = start(registry, owner="canceller", settings=LONG)
    wait_for(lambda: len(job.steps) >= 2)
    registry.cancel(job.id)
    assert job.join(30)
    assert job.status == "cancelled" and len(job.steps) < 500
    assert job.result.after is None and job.result.stopped_reason
    assert job.message == CANCELLED  # the learner's own Stop


def test_one_run_per_learner_and_a_waiting_run_cancels_at_once(registry) -> None:
    old = start(registry, owner="ann", settings=LONG)
    other = start(registry, owner="bob", settings=LONG)  # both workers busy now
    wait_for(lambda: old.status == "running" and other.status == "running")
    waiting = start(registry, owner="cy")
    assert waiting.status == "waiting"
    waiting.cancel()
    assert waiting.join(1) and waiting.status == "cancelled" and waiting.steps == []
    new = start(registry, owner="ann")  # ann's second run stops her first
    assert old.join(30) and old.status == "cancelled"
    assert old.message == REPLACED  # not "stopped by the learner": ann's other tab says why
    registry.cancel(other.id)
    assert new.join(120) and new.status == "done"
    assert registry.jobs("ann") == [old, new]


def test_the_instructor_can_stop_every_run(registry) -> None:
    jobs = [start(registry, owner=f"s{i}", settings=LONG) for i in range(3)]
    wait_for(lambda: sum(j.status == "running" for j in jobs) == 2)
    assert registry.cancel_all() == 3
    assert all(j.join(30) for j in jobs) and {j.status for j in jobs} == {"cancelled"}
    assert {j.message for j in jobs} == {BY_INSTRUCTOR}  # running and waiting runs alike


def test_runs_nobody_watches_are_reaped(tok) -> None:
    reg = make_registry(tok, slots=1, idle_seconds=1.0)
    try:
        watched = start(reg, owner="here", settings={"steps": 60})
        unwatched = start(reg, owner="gone", settings=LONG)  # queued behind, never polled
        while not watched.done:
            watched.poll()
            time.sleep(0.1)
        assert watched.status == "done"
        assert unwatched.join(30) and unwatched.status == "cancelled"
        assert unwatched.message == UNWATCHED
    finally:
        reg.close()


def test_a_finished_run_nobody_looks_at_releases_its_weights(registry) -> None:
    """Its session most likely ended: history and scores stay, trained tensors go."""
    seen, unseen = start(registry, owner="seen"), start(registry, owner="unseen")
    assert seen.join(120) and unseen.join(120)
    assert seen.result.trained and unseen.result.trained
    registry.idle_seconds, registry.release_seconds = 60.0, 0.5
    try:
        time.sleep(0.6)
        seen.touch()  # a page still shows this one
        registry.reap()
    finally:
        registry.idle_seconds, registry.release_seconds = None, 1800.0
    assert seen.result.trained and unseen.result.trained is None
    assert unseen.steps and unseen.result.after is not None  # what the pages show stays


def test_a_full_queue_says_when_to_try_again(tok) -> None:
    reg = make_registry(tok, slots=1, max_waiting=1)
    try:
        busy = start(reg, owner="a", settings=LONG)
        start(reg, owner="b")
        with pytest.raises(QueueFull, match=r"queue is full .* try again in about \d+ s"):
            start(reg, owner="c")
        assert isinstance(QueueFull(1, 5), UserInputError)
        reg.cancel_all()
        assert busy.join(30)
    finally:
        reg.close()


LARGE = {"steps": 500, "batch_size": 64}  # 500 x 64 x 32 token-steps: over LARGE_RUN_TOKEN_STEPS


def test_a_short_run_steps_in_between_a_large_runs_steps(tok) -> None:
    reg = make_registry(tok, slots=1)
    try:
        large = start(reg, owner="hog", settings=LARGE)
        wait_for(lambda: len(large.steps) >= 2)
        short = start(reg, owner="ann")
        wait_for(lambda: short.status == "running", timeout=30)  # not behind the large run
        assert large.message == PAUSED and not large.done
        assert short.join(120) and short.status == "done" and not large.done
        paused_at = len(large.steps)
        wait_for(lambda: len(large.steps) > paused_at + 2)  # then the large run goes on
        assert large.message == "training" and large.status == "running"
        reg.cancel(large.id)
        assert large.join(30) and large.status == "cancelled"
        solo = run_training(tiny_base(), "lora", RUN, seed=0, examples=tiny_examples(),
                            tokenizer=tok)
        assert [s.loss for s in short.steps] == solo.losses  # nesting changed nothing
    finally:
        reg.close()


def test_short_runs_wait_before_large_ones_and_large_ones_have_a_small_queue(tok) -> None:
    reg = make_registry(tok, slots=1, max_waiting_large=1)
    try:
        first = start(reg, owner="a", settings=LONG)  # short: runs at once
        wait_for(lambda: first.status == "running")
        large = start(reg, owner="b", settings=LARGE)
        with pytest.raises(QueueFull, match=r"queue for large runs is full .* make the run smaller"):
            start(reg, owner="c", settings=LARGE)
        short = start(reg, owner="d")  # a short run queues after the large one, runs before it
        assert reg.stats()["waiting"] == 2
        reg.cancel(first.id)
        assert short.join(120) and short.status == "done"
        assert large.started is None or large.started > short.started  # queued first, ran after
        reg.cancel_all()
        assert large.join(30)
    finally:
        reg.close()


def test_a_worker_that_dies_fails_its_run_and_is_replaced(tok) -> None:
    reg = make_registry(tok, slots=1)
    try:
        job = start(reg, settings=LONG)
        wait_for(lambda: len(job.steps) >= 1)
        os.kill(reg.pool.pids()[0], signal.SIGKILL)
        assert job.join(30) and job.status == "failed" and job.error == DIED
        again = start(reg)
        assert again.join(120) and again.status == "done"
    finally:
        reg.close()


def test_bad_settings_fail_at_start_not_in_a_worker(registry) -> None:
    with pytest.raises(UserInputError, match="steps=0"):
        start(registry, owner="typo", settings={"steps": 0})
    assert registry.jobs("typo") == []
