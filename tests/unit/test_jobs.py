"""Background jobs and the compute gate: runs at once do not touch each other or the shared base.

A job's losses equal those of the same run done alone, which shows that two jobs in one process
share neither trainable weights nor randomness; the cached base stays bitwise the same.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import torch

from adaptlab.errors import UserInputError
from adaptlab.jobs import ComputeGate, JobRegistry
from adaptlab.runs import run_training
from tests.unit.tiny_task import tiny_base, tiny_examples

RUN = {"steps": 12, "batch_size": 8, "max_length": 32}


@pytest.fixture
def registry(tok):
    reg = JobRegistry(gate=ComputeGate(slots=2))  # also sets one torch thread, as the app does
    reg.add_base("tiny", tiny_base(), tok)
    return reg


def start(reg, method="lora", **kw):
    return reg.start("tiny", method, {**RUN, **kw.pop("settings", {})},
                     examples=tiny_examples(), **kw)


def snapshot(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def wait_for(predicate, timeout=20.0):
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_two_jobs_at_once_match_their_solo_runs_and_leave_the_base_alone(registry, tok) -> None:
    base, _ = registry.base("tiny")
    before = snapshot(base)
    a = start(registry, "lora", seed=1, settings={"lr": 3e-2})
    b = start(registry, "full", seed=2, settings={"lr": 3e-3})
    assert a.join(60) and b.join(60)
    assert (a.status, b.status) == ("done", "done")
    for job, method, seed, lr in ((a, "lora", 1, 3e-2), (b, "full", 2, 3e-3)):
        solo = run_training(tiny_base(), method, {**RUN, "lr": lr}, seed=seed,
                            examples=tiny_examples(), tokenizer=tok)
        assert [s.loss for s in job.steps] == solo.losses  # same history as alone
        assert job.result.frozen_unchanged
    mine = {p.data_ptr() for p in a.result.model.parameters() if p.requires_grad}
    theirs = {p.data_ptr() for p in b.result.model.parameters()}
    assert not mine & theirs and not mine & {p.data_ptr() for p in base.parameters()}
    after = base.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert type(base.transformer.h[0].attn.c_attn).__name__ == "Conv1D"
    assert all(p.requires_grad for p in base.parameters()) and not base.training


def test_poll_delivers_each_step_once_and_history_stays(registry) -> None:
    job = start(registry)
    seen = []
    while not job.done:
        seen += job.poll()
        time.sleep(0.02)
    seen += job.poll()
    assert [s.step for s in seen] == list(range(1, RUN["steps"] + 1))
    assert job.poll() == [] and len(job.steps) == RUN["steps"]
    assert registry.jobs() == [job]
    json.dumps(job.snapshot(), allow_nan=False)


def test_cancel_a_running_job(registry) -> None:
    job = start(registry, settings={"steps": 500})
    wait_for(lambda: len(job.steps) >= 2)
    registry.cancel(job.id)
    assert job.join(20)
    assert job.status == "cancelled" and len(job.steps) < 500
    assert job.result.after is None and job.result.stopped_reason
    assert registry.gate.busy == 0


def test_cancel_while_waiting_for_a_slot(registry) -> None:
    assert registry.gate.acquire() and registry.gate.acquire()  # the class has taken both slots
    job = start(registry)
    wait_for(lambda: job.status == "waiting")
    assert job.message.startswith("waiting for a free slot")
    job.cancel()
    assert job.join(5) and job.status == "cancelled" and job.steps == []
    registry.gate.release()
    registry.gate.release()


def test_a_new_job_of_the_same_owner_cancels_the_old_one(registry) -> None:
    old = start(registry, owner="ann", settings={"steps": 500})
    new = start(registry, owner="ann")
    assert old.join(20) and old.status == "cancelled"
    assert new.join(60) and new.status == "done"
    assert registry.jobs("ann") == [old, new] and registry.jobs("bob") == []


def test_long_runs_take_turns_so_everyone_progresses(tok) -> None:
    reg = JobRegistry(gate=ComputeGate(slots=1))
    reg.add_base("tiny", tiny_base(), tok)
    jobs = [reg.start("tiny", "lora", {**RUN, "steps": 60}, examples=tiny_examples())
            for _ in range(2)]
    for job in jobs:
        job._slice = 0.05  # hand the slot over often
    wait_for(lambda: all(len(j.steps) > 0 for j in jobs) or any(j.done for j in jobs), 60)
    assert all(len(j.steps) > 0 for j in jobs) and not all(j.done for j in jobs)
    for job in jobs:
        job.cancel()
        job.join(20)


def test_the_gate_serves_in_arrival_order() -> None:
    gate, order = ComputeGate(slots=1), []
    assert gate.acquire()

    def worker(n: int) -> None:
        gate.acquire()
        order.append(n)
        gate.release()

    threads = []
    for n in range(4):
        threads.append(threading.Thread(target=worker, args=(n,)))
        threads[-1].start()
        wait_for(lambda n=n: gate.waiting == n + 1)
    gate.release()
    for t in threads:
        t.join(5)
    assert order == [0, 1, 2, 3] and gate.busy == 0


def test_bad_settings_fail_at_start_not_in_the_thread(registry) -> None:
    with pytest.raises(UserInputError, match="steps=0"):
        start(registry, settings={"steps": 0})
    assert registry.jobs() == []
