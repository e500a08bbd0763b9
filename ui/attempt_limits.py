"""Limits on wrong guesses (the instructor passcode, learners' secrets), shared by every session.

A session is free (a new tab is a new session), so counting per session stops nobody: wrong
guesses are counted per client (its IP address) and over the whole server, in one process-wide
`FailureLimiter` per secret (st.cache_resource, thread-safe).
- Per client: after `per_client` wrong guesses within `window_s`, that client waits
  `base_lock_s`, doubled for every further wrong guess, at most `max_lock_s`.
- Everyone: after `overall` wrong guesses within `overall_window_s` from all clients together,
  every check pauses until the oldest of them is out of that window. Rotating IP addresses
  (or forged X-Forwarded-For headers) therefore buys no more than `overall` guesses a window.
While a client waits, its guesses are not even compared. Nothing here logs or keeps a guess.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

MAX_CLIENTS = 10_000  # clients remembered at once; the oldest are forgotten first


@dataclass(frozen=True)
class Wait:
    """How long a check must wait, and whether the cause is this client or everyone's guesses."""

    seconds: float
    everyone: bool = False

    def __bool__(self) -> bool:
        return self.seconds > 0


class FailureLimiter:
    """Wrong guesses per client and overall, in sliding windows."""

    def __init__(self, per_client: int = 5, window_s: float = 900.0, base_lock_s: float = 30.0,
                 max_lock_s: float = 900.0, overall: int = 20, overall_window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_client, self.window_s = per_client, window_s
        self.base_lock_s, self.max_lock_s = base_lock_s, max_lock_s
        self.overall, self.overall_window_s = overall, overall_window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: OrderedDict[str, deque[float]] = OrderedDict()
        self._all: deque[float] = deque()

    def _prune(self, client: str, now: float) -> deque[float]:
        while self._all and self._all[0] <= now - self.overall_window_s:
            self._all.popleft()
        times = self._clients.get(client, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def _wait(self, times: deque[float], now: float) -> Wait:
        if len(self._all) >= self.overall:
            return Wait(self._all[0] + self.overall_window_s - now, everyone=True)
        if len(times) >= self.per_client:
            lock = min(self.base_lock_s * 2 ** (len(times) - self.per_client), self.max_lock_s)
            return Wait(max(0.0, times[-1] + lock - now))
        return Wait(0.0)

    def wait(self, client: str) -> Wait:
        """How long `client` must wait before its next guess is checked (Wait(0) = now)."""
        with self._lock:
            now = self._clock()
            return self._wait(self._prune(client, now), now)

    def failed(self, client: str) -> Wait:
        """Count a wrong guess by `client`; return how long it must now wait."""
        with self._lock:
            now = self._clock()
            times = self._prune(client, now)
            times.append(now)
            self._all.append(now)
            self._clients[client] = times
            self._clients.move_to_end(client)
            while len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)
            return self._wait(times, now)

    def failures(self, client: str) -> int:
        with self._lock:
            return len(self._prune(client, self._clock()))

    def succeeded(self, client: str) -> None:
        """A right guess clears the client's count (not everyone's)."""
        with self._lock:
            self._clients.pop(client, None)


def _is_private(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_private
    except ValueError:
        return False


def client_key() -> str:
    """Who is guessing: the browser's IP address; behind a proxy on a private address (as
    deploy/haproxy.cfg), the address the proxy appended to X-Forwarded-For."""
    peer = st.context.ip_address  # None for localhost
    peer = peer if isinstance(peer, str) else None  # (AppTest's fake connection has none)
    if peer is None or _is_private(peer):
        forwarded = (st.context.headers or {}).get("X-Forwarded-For", "")
        forwarded = forwarded if isinstance(forwarded, str) else ""
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return peer or "localhost"


def wait_words(wait: Wait) -> str:
    seconds = max(1, round(wait.seconds))
    return f"{seconds} s" if seconds < 120 else f"{round(seconds / 60)} min"
