"""Fixtures for the engine tests that train: one torch thread, a tiny tokenizer."""

import pytest
import torch

from tests.unit.tiny_task import make_tokenizer


@pytest.fixture(scope="module")
def one_thread():
    """Tests share 2 cores with other work; one torch thread avoids oversubscription stalls."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tok():
    return make_tokenizer()
