"""Loading models: the bundled one, hub checkpoints from the local cache, and clear failures.

Hub checkpoints are never downloaded in tests. A tiny GPT-2 is written into a Hugging Face cache
layout (models--gpt2/snapshots/<rev>/) to show that real checkpoints load through the same path,
and an empty cache shows the offline message.
"""

import subprocess
import sys
import time

import pytest

from adaptlab import model_specs, models
from adaptlab.errors import ModelUnavailableError


def in_fresh_process(code: str, hub_cache) -> subprocess.CompletedProcess:
    """huggingface_hub reads its cache location at import, so each case gets its own process."""
    env = {"HF_HUB_CACHE": str(hub_cache), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=env, cwd=model_specs.ROOT)


def test_missing_hub_weights_fail_fast_with_how_to_get_them(tmp_path):
    start = time.perf_counter()
    out = in_fresh_process(
        "from adaptlab.models import load_model\n"
        "try:\n    load_model('gpt2-medium')\nexcept Exception as e:\n"
        "    print(type(e).__name__, e)", tmp_path)
    assert out.stdout.startswith("ModelUnavailableError"), out.stderr
    assert "no weights in the local Hugging Face cache" in out.stdout and "--model mini" in out.stdout
    assert time.perf_counter() - start < 30  # includes starting Python and importing torch


def test_a_cached_checkpoint_loads_through_the_same_path(tmp_path):
    snapshot = tmp_path / "models--distilgpt2" / "snapshots" / "0123abcd"
    tiny = models.tiny_model(seed=1)
    tiny.save_pretrained(snapshot, safe_serialization=True)
    (tmp_path / "models--distilgpt2" / "refs").mkdir(parents=True)
    (tmp_path / "models--distilgpt2" / "refs" / "main").write_text("0123abcd")
    expected = sum(float(p.double().sum()) for p in tiny.state_dict().values())
    out = in_fresh_process(
        "from adaptlab.models import load_model\n"
        "m = load_model('distilgpt2')\n"
        "print(m.training, sum(float(p.double().sum()) for p in m.state_dict().values()))", tmp_path)
    assert out.returncode == 0, out.stderr
    training, checksum = out.stdout.split()
    assert training == "False" and float(checksum) == pytest.approx(expected, rel=1e-12)


def test_a_missing_bundled_model_says_how_to_restore_it(tmp_path, monkeypatch):
    monkeypatch.setattr(model_specs, "BUNDLED_DIR", tmp_path / "mini-gpt2")
    with pytest.raises(ModelUnavailableError, match="git checkout -- assets/models/mini-gpt2"):
        models.load_model("mini")


def test_a_corrupt_bundled_model_says_how_to_restore_it(tmp_path, monkeypatch):
    folder = tmp_path / "mini-gpt2"
    folder.mkdir()
    (folder / "config.json").write_text((model_specs.ROOT / "assets/models/mini-gpt2/config.json").read_text())
    (folder / "model.safetensors").write_bytes(b"not a safetensors file")
    monkeypatch.setattr(model_specs, "BUNDLED_DIR", folder)
    with pytest.raises(ModelUnavailableError, match="cannot be read") as raised:
        models.load_model("mini")
    assert str(folder) in str(raised.value)  # the command line's user owns the folder
    assert str(folder) not in raised.value.for_learners  # a learner in the app sees no path
    assert "cannot be read" in raised.value.for_learners


def test_the_bundled_model_is_gpt2_and_matches_its_skeleton():
    model = models.load_model("mini")
    skeleton = models.skeleton("mini")
    assert skeleton.config.model_type == "gpt2"
    assert [(n, p.shape) for n, p in model.named_parameters()] == \
        [(n, p.shape) for n, p in skeleton.named_parameters()]


def test_cli_train_on_an_uncached_hub_model_exits_2_with_one_line(tmp_path):
    env = {"HF_HUB_CACHE": str(tmp_path), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "adaptlab", "train", "--model", "gpt2", "--method", "lora",
                          "--task", "sentiment", "--steps", "2"], capture_output=True, text=True,
                         timeout=120, env=env, cwd=model_specs.ROOT)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "gpt2" in lines[0] and "Traceback" not in out.stderr


@pytest.mark.parametrize("name", list(model_specs.MODEL_SPECS))
def test_the_light_architecture_agrees_with_the_transformers_config(name):
    config = models.gpt2_config(name)
    shape = model_specs.architecture(name)
    assert {f: getattr(config, f) for f in model_specs.SHAPE_FIELDS} == vars(shape)


@pytest.mark.parametrize("damage", ["{not json", '{"n_layer": 4}', '{"n_layer": -1, "n_embd": 2, '
                                    '"n_head": 1, "n_positions": 8, "vocab_size": 9}'])
def test_a_damaged_config_makes_the_light_architecture_say_how_to_restore_it(tmp_path, monkeypatch,
                                                                            damage):
    (tmp_path / "config.json").write_text(damage)
    monkeypatch.setenv(model_specs.MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelUnavailableError, match="config.json .* cannot be read"):
        model_specs.architecture("mini")
