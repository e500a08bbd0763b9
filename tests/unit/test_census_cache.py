"""The shipped census (assets/census/) is the live census, entry for entry, and is used only where
it applies: default settings and the model shape it was counted on."""

from __future__ import annotations

import pandas as pd
import pytest

from adaptlab import census_cache, model_specs
from adaptlab.census import adapted_skeleton, census
from adaptlab.methods import method_names

REWRITE = "the shipped census is stale: run `python -m adaptlab census-cache` and commit the file"


@pytest.mark.parametrize("model", list(model_specs.MODEL_SPECS))
def test_every_shipped_entry_is_the_live_census(model):
    for method in method_names():
        shipped = census_cache.lookup(model, method)
        assert shipped is not None, f"{model}/{method}: {REWRITE}"
        live = census(adapted_skeleton(model, method))
        try:
            pd.testing.assert_frame_equal(shipped, live)
        except AssertionError as exc:
            raise AssertionError(f"{model}/{method}: {REWRITE}\n{exc}") from None


def test_settings_other_than_the_defaults_are_counted_live():
    assert census_cache.lookup("gpt2", "lora", {"r": 4}) is None
    assert census_cache.lookup("gpt2", "lora", {"r": 8}) is not None  # r=8 is LoRA's default
    assert not census_cache.covers("gpt2", "lora", {"r": 4})  # the page shows a spinner then
    assert census_cache.covers("gpt2", "lora", {"r": 8})


def test_a_bundled_model_of_another_shape_is_counted_live(tmp_path, monkeypatch):
    config = (model_specs.BUNDLED_DIR / "config.json").read_text()
    (tmp_path / "config.json").write_text(config.replace('"n_layer": 4', '"n_layer": 3'))
    monkeypatch.setenv(model_specs.MODEL_DIR_ENV, str(tmp_path))
    assert census_cache.lookup("mini", "lora") is None
    assert census_cache.lookup("gpt2", "lora") is not None


def test_a_damaged_file_means_counting_live(tmp_path, monkeypatch):
    damaged = tmp_path / "defaults.json.gz"
    damaged.write_bytes(b"not gzip")
    monkeypatch.setattr(census_cache, "CACHE_FILE", damaged)
    census_cache._entries.cache_clear()
    try:
        assert census_cache.lookup("gpt2", "lora") is None
    finally:
        monkeypatch.undo()
        census_cache._entries.cache_clear()


def test_writing_twice_makes_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    census_cache.write(first)
    census_cache.write(second)
    assert first.read_bytes() == second.read_bytes() == census_cache.CACHE_FILE.read_bytes()
