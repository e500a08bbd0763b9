"""Shared fixtures: a tiny offline GPT-2 and a fixed seed. Nothing here touches the network."""

import os

import pytest

# Tests never reach a model hub, even by accident.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def tiny_gpt2():
    from adaptlab.models import tiny_model

    return tiny_model(seed=0)
