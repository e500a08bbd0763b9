"""At most a few page scripts compute at once in this server process; the rest wait their turn.

Streamlit runs every session's script (and every fragment tick) in its own thread, and they all
share one GIL with the event loop that answers health checks and streams pages. When a class
acts together (30 learners open Train at once, 30 live charts tick in the same second), 30
threads took turns on the GIL and the health endpoint waited up to 1.4 s for its own turns
(benchmarks/classroom.py). A script that holds a slot runs at full speed; one that waits blocks
without the GIL. Nothing waits forever: after WAIT_LIMIT_S a script runs anyway, so a page that
holds its slot for long (a diagnosis run waits for its worker) never stalls the others.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SCRIPT_SLOTS = 3  # the classroom machine has 2 cores; one more keeps both busy between waits
WAIT_LIMIT_S = 2.0
_slots = threading.BoundedSemaphore(SCRIPT_SLOTS)
_held = threading.local()  # a page's full run draws its fragments inline: one slot is enough
_running = 0  # scripts inside script_slot() now (ui/warmup.py imports the engine in the gaps)
_count_lock = threading.Lock()


@contextmanager
def script_slot() -> Iterator[None]:
    """Hold one of the process's SCRIPT_SLOTS while the block runs (waiting at most
    WAIT_LIMIT_S for it); inside a block that holds one already, nothing more."""
    if getattr(_held, "slot", False):
        yield
        return
    acquired = _slots.acquire(timeout=WAIT_LIMIT_S)
    _held.slot = True
    _count(+1)
    try:
        yield
    finally:
        _count(-1)
        _held.slot = False
        if acquired:
            _slots.release()


def _count(change: int) -> None:
    global _running
    with _count_lock:
        _running += change


def scripts_running() -> int:
    """How many page scripts and fragment ticks are computing (or waiting for a slot) now."""
    return _running


def spread(seconds: float, state: dict) -> float:
    """`seconds` stretched by up to a quarter, fixed per session (kept in `state`): live views
    of learners who pressed Train in the same second then tick at different moments instead of
    all at once, every second, for the whole run."""
    factor = state.setdefault("adaptlab.poll_spread", 1.0 + random.random() / 4)
    return round(seconds * factor, 2)
