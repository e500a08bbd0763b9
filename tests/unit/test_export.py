"""Export: a zip of safetensors weights, run.json, data and reproduce.py that round-trips.

Loading an export back gives the same held-out loss for every method; reproduce.py, run with plain
transformers + peft, retraces the recorded losses.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile

import pytest

from adaptlab.methods import method_names
from adaptlab.model_specs import ROOT
from adaptlab.training.evaluation import eval_set, held_out_loss
from adaptlab.training.export import export_zip, load_export
from adaptlab.training.run import run_training
from tests.unit.tiny_task import tiny_base, tiny_examples

pytestmark = pytest.mark.usefixtures("one_thread")


def trained(method: str, tok, steps: int = 4, lr: float = 3e-2):
    return run_training(tiny_base(), method, {"eval_every": 0}, examples=tiny_examples(),
                        tokenizer=tok, steps=steps, batch_size=4, max_length=32, lr=lr)


@pytest.mark.parametrize("method", method_names())
def test_round_trip_gives_the_same_eval_loss(method, tok) -> None:
    result = trained(method, tok)
    archive = export_zip(result)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth", ".pkl", ".ckpt"))]
    assert {"run.json", "reproduce.py", "data.jsonl"} <= set(names)
    loaded = load_export(archive, tiny_base())
    data = eval_set(tok, [e for e in tiny_examples() if e.split == "validation"], [], 32)
    again = held_out_loss(loaded, data.encoded, tok.eos_token_id)
    assert again == pytest.approx(result.after.loss, rel=1e-6, abs=1e-6)
    assert loaded is not result.model


@pytest.mark.parametrize("method", ["lora", "full", "adapter-houlsby"])
def test_reproduce_script_retraces_the_losses(method, tok, tmp_path) -> None:
    result = trained(method, tok, steps=3, lr=3e-3)
    zipfile.ZipFile(io.BytesIO(export_zip(result))).extractall(tmp_path)
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["losses"] == result.losses
    proc = subprocess.run([sys.executable, str(tmp_path / "reproduce.py")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
                               "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    losses = [float(x) for x in re.findall(r"loss (\d+\.\d+)", proc.stdout)]
    assert losses == pytest.approx(result.losses, rel=1e-3)  # fused vs plain AdamW, full vs labelled logits
    assert (tmp_path / "reproduced").is_dir()


def test_a_released_model_cannot_be_exported(tok) -> None:
    result = trained("bitfit", tok, steps=1)
    result.model = None
    with pytest.raises(ValueError, match="train again"):
        export_zip(result)
