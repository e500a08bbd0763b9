"""`python -m adaptlab train`: the JSON contract, and user errors as one line with exit status 2.

User errors run as real subprocesses (no traceback may leak); they fail before any model loads,
so they need no weights. Successful runs go in-process on the tiny model (the loaders patched).
A diverged run is not a user error: exit 0, with stopped_reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from adaptlab import models
from adaptlab.cli import main
from adaptlab.model_specs import BUNDLED_DIR, ROOT
from tests.unit.tiny_task import make_tokenizer, tiny_base, tiny_examples

FIELDS = {"losses", "eval_loss_before", "eval_loss_after", "accuracy_before", "accuracy_after",
          "seconds_per_step", "trainable_params", "frozen_unchanged", "stopped_reason", "samples"}
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def jsonl(examples) -> str:
    return "".join(json.dumps({"prompt": e.prompt, "completion": e.completion, "split": e.split})
                   + "\n" for e in examples)


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(jsonl(tiny_examples(3)) + '{"prompt": "Review: ok", "completion": 5}\n')
    return path


# Three real processes (each spends ~2-6 s importing torch); the rest run in-process below.
USER_ERRORS = [
    (["--method", "lora", "--task", "sentiment", "--steps", "0"], "steps=0"),
    (["--method", "lora", "--task", "sentiment", "--lr", "1e13"], "from 1e-08 to 1e+12"),
    (["--method", "lora", "--data", "{bad}"], 'mine.jsonl, line 4, field "completion"'),
]


def test_user_errors_exit_2_with_one_line(bad_file) -> None:
    """Started together: each is its own Python process, and no traceback may leak."""
    procs = [(subprocess.Popen([sys.executable, "-m", "adaptlab", "train",
                                *[a.format(bad=bad_file) for a in args], "--format", "json"],
                               cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True), fragment) for args, fragment in USER_ERRORS]
    for proc, fragment in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (fragment, err)
        assert out == "" and "Traceback" not in err
        assert err.count("\n") == 1 and err.startswith("error: ") and fragment in err, err


@pytest.mark.parametrize(("args", "fragment"), [
    (["--method", "lora", "--task", "sentiment", "--steps", "-5"], "steps=-5"),
    (["--method", "lora", "--task", "sentiment", "--steps", "100000000"], "from 1 to 500"),
    (["--method", "lora", "--task", "nope"], "unknown task 'nope'"),
    (["--method", "lora", "--data", "/no/such.jsonl"], "no such file"),
    (["--method", "nope", "--task", "sentiment"], "unknown method 'nope'"),
    (["--method", "lora", "--task", "sentiment", "--set", "rank=4"], "unknown setting 'rank'"),
    (["--method", "lora", "--task", "sentiment", "--set", "r=0"], "r=0 is out of range"),
    (["--method", "lora", "--task", "sentiment", "--batch-size", "x"], "batch_size='x'"),
    (["--method", "lora"], "one of the arguments --task --data is required"),
])
def test_more_user_errors_in_process(args, fragment, capsys) -> None:
    try:
        code = main(["train", *args])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and err.count("\n") == 1


@pytest.fixture
def tiny_mini(monkeypatch, tmp_path):
    """`--model mini` served by the tiny model, and a data file it can learn."""
    base, tok = tiny_base(), make_tokenizer()
    monkeypatch.setattr(models, "load_model", lambda name: base)
    monkeypatch.setattr(models, "load_tokenizer", lambda name: tok)
    monkeypatch.setattr(models, "gpt2_config", lambda name: base.config)
    path = tmp_path / "tiny.jsonl"
    path.write_text(jsonl(tiny_examples()))
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield path
    torch.set_num_threads(before)


def run_json(capsys, *args: str) -> dict:
    code = main(["train", "--model", "mini", *args, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_json_has_the_contract_fields(tiny_mini, capsys, tmp_path) -> None:
    out = tmp_path / "run.zip"
    payload = run_json(capsys, "--method", "lora", "--data", str(tiny_mini), "--steps", "6",
                       "--seed", "1", "--batch-size", "4", "--max-length", "32",
                       "--set", "lr=0.03", "--set", "r=4", "--out", str(out))
    assert payload.keys() >= FIELDS
    assert len(payload["losses"]) == 6 and payload["frozen_unchanged"] is True
    assert payload["settings"]["r"] == 4 and payload["training"]["lr"] == 0.03
    assert payload["stopped_reason"] is None and out.stat().st_size > 0


def test_a_diverged_run_exits_0_with_the_reason(tiny_mini, capsys) -> None:
    payload = run_json(capsys, "--method", "full", "--data", str(tiny_mini), "--steps", "40",
                       "--lr", "10", "--set", "max_grad_norm=0", "--max-length", "32")
    assert "far too high" in payload["stopped_reason"]
    assert len(payload["losses"]) < 40


def test_table_format(tiny_mini, capsys) -> None:
    assert main(["train", "--method", "bitfit", "--data", str(tiny_mini), "--steps", "3",
                 "--max-length", "32", "--format", "table"]) == 0
    text = capsys.readouterr().out
    assert "frozen parameters unchanged: yes" in text and "exact match" in text


@pytest.mark.skipif(not (BUNDLED_DIR / "model.safetensors").exists(),
                    reason="the bundled model is not built yet")
def test_real_run_on_the_bundled_model() -> None:
    proc = subprocess.run([sys.executable, "-m", "adaptlab", "train", "--model", "mini",
                           "--method", "lora", "--task", "sentiment", "--steps", "3",
                           "--format", "json"], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload.keys() >= FIELDS and payload["frozen_unchanged"] is True
