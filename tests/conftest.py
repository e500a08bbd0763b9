"""Shared fixtures: a tiny offline GPT-2 and a fixed seed. Nothing here touches the network."""

import os
import socket
import threading
from collections.abc import Iterator

import pytest

# Tests never reach a model hub, even by accident.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def tiny_gpt2():
    from adaptlab.models import tiny_model

    return tiny_model(seed=0)


@pytest.fixture
def silent_host() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (a hung database host)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in held:
        conn.close()
