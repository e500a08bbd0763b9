"""A tiny time-limited cache shared by threads: 60 learners polling one session every second
cost the database one query per `ttl`, not 60 (every Streamlit session is a thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class TTLCache(Generic[T]):
    """Values by key, kept `ttl` seconds. One load at a time: threads that find the value
    stale while another loads it wait (without the GIL) and take the fresh value."""

    def __init__(self, ttl: float, max_entries: int = 1024,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self._clock = ttl, max_entries, clock
        self._items: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()
        self.loads = 0  # how many times a loader ran (tests and benchmarks read it)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value of `key`, loading it when missing or older than `ttl`. A loader's
        exception propagates and nothing is cached, so the next call tries again."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and self._clock() - hit[0] < self.ttl:
                return hit[1]
            value = load()
            self.loads += 1
            if len(self._items) >= self.max_entries:
                self._items.clear()  # a server with >1000 live sessions just reloads them
            self._items[key] = (self._clock(), value)
            return value

    def forget(self, key: Hashable) -> None:
        """Drop `key`, so the next get() loads it (after a write made in this process)."""
        with self._lock:
            self._items.pop(key, None)
