"""ui.script_slots: a class acting at once takes turns on the server's GIL, never waits forever."""

from __future__ import annotations

import threading
import time

import pytest

from ui import script_slots
from ui.script_slots import SCRIPT_SLOTS, script_slot, spread


def hold(release: threading.Event, entered: list, lock: threading.Lock) -> None:
    with script_slot():
        with lock:
            entered.append(time.monotonic())
        release.wait(10)


def test_at_most_the_slots_run_at_once_and_the_next_starts_when_one_ends(monkeypatch) -> None:
    monkeypatch.setattr(script_slots, "WAIT_LIMIT_S", 5.0)
    release, entered, lock = threading.Event(), [], threading.Lock()
    threads = [threading.Thread(target=hold, args=(release, entered, lock))
               for _ in range(SCRIPT_SLOTS + 1)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    assert len(entered) == SCRIPT_SLOTS  # the last one waits
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(entered) == SCRIPT_SLOTS + 1


def test_a_script_waits_at_most_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(script_slots, "WAIT_LIMIT_S", 0.3)
    release, entered, lock = threading.Event(), [], threading.Lock()
    threads = [threading.Thread(target=hold, args=(release, entered, lock))
               for _ in range(SCRIPT_SLOTS)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    with script_slot():  # every slot is held for seconds: this one runs after the limit
        waited = time.monotonic() - start
    release.set()
    for thread in threads:
        thread.join(10)
    assert 0.25 <= waited < 2.0
    assert script_slots._slots.acquire(blocking=False)  # it did not release a slot it never had
    script_slots._slots.release()
    with pytest.raises(ValueError):  # all SCRIPT_SLOTS are free again: one more release is a bug
        script_slots._slots.release()


def test_a_fragment_drawn_inside_its_page_uses_the_pages_slot() -> None:
    start = time.monotonic()
    with script_slot():
        for _ in range(SCRIPT_SLOTS + 1):
            with script_slot():
                pass
    assert time.monotonic() - start < 0.5  # no waiting on itself


def test_live_views_tick_at_spread_but_steady_intervals() -> None:
    states = [{} for _ in range(50)]
    seconds = [spread(1.0, state) for state in states]
    assert all(1.0 <= s <= 1.25 for s in seconds) and len(set(seconds)) > 10
    assert [spread(1.0, state) for state in states] == seconds  # the same for one session
    assert spread(2.0, states[0]) == pytest.approx(2 * seconds[0], abs=0.02)
