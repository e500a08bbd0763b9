"""Hostile and broken input on the training side: each gets one short message, never a crash.

Learner files (`parse_jsonl`, `--data`), setting values from the command line or a link
(`parse_value`/`check_setting`, the same path the app's link prefill uses), step counts, and a
learning rate of 1e9, which is a lesson rather than an error: the run starts, diverges and
stops, saying so. Runs use the tiny model; one real process runs the bundled model.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys

import pytest

from adaptlab import model_specs, models
from adaptlab.cli import main
from adaptlab.data import MAX_BYTES, DataError, encode_all, parse_jsonl
from adaptlab.errors import UserInputError
from adaptlab.methods import REGISTRY, method_names, settings_of
from adaptlab.methods.base import check_setting, parse_value
from adaptlab.training.config import MAX_LR, TrainConfig, default_lr
from adaptlab.training.plan import plan_run
from adaptlab.training.run import run_training
from tests.unit.tiny_task import tiny_base, tiny_examples

pytestmark = pytest.mark.usefixtures("one_thread")

GOOD = b'{"prompt": "Review: fine.\\nSentiment:", "completion": " positive"}\n'
SHORT = 400  # no message may quote a pasted megabyte back at the learner


def jsonl(examples) -> str:
    return "".join(json.dumps({"prompt": e.prompt, "completion": e.completion, "split": e.split})
                   + "\n" for e in examples)


# ---------------------------------------------------------------- learner files

HOSTILE_FILES = [
    ("empty", b"", "the file is empty"),
    ("only blank lines", b"\n   \n\t\n", "the file is empty"),
    ("not JSON", b"prompt,completion\nhello,world\n", "line 1: not valid JSON"),
    ("a JSON list", b"[1, 2]\n", "expected a JSON object {...}, got list"),
    ("missing completion", b'{"prompt": "x"}\n', 'field "completion": it is missing'),
    ("wrong types", b'{"prompt": 1, "completion": null}\n', "expected text in quotes, got int"),
    ("NaN for text", b'{"prompt": NaN, "completion": " y"}\n', "got float"),
    ("random bytes", random.Random(0).randbytes(4096), "looks binary"),
    ("a PNG header", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "line 3: the file contains NUL"),
    ("NUL bytes", GOOD + b'{"prompt": "a\x00", "completion": " b"}\n', "line 2: the file contains NUL"),
    ("invalid UTF-8", GOOD + b'{"prompt": "\xff\xfe", "completion": " b"}\n',
     "line 2: the file is not UTF-8"),
    ("a 2 MB line", b'{"prompt": "' + b"a" * 2_000_000 + b'", "completion": " b"}\n',
     'field "prompt": 2,000,000 characters; the limit is 2,000'),
    ("a 2 MB line of junk", b"<" * 2_000_000 + b"\n", "line 1: not valid JSON"),
    ("nested 200,000 deep", b"[" * 200_000 + b"\n", "nested too deeply"),
    ("a 5,000-digit number", b'{"prompt": ' + b"7" * 5000 + b', "completion": " b"}\n',
     "a number too long"),
    ("a lone surrogate", b'{"prompt": "\\ud800 hi", "completion": " b"}\n', "half of a UTF-16 pair"),
    ("a huge split value", b'{"prompt": "x", "completion": " y", "split": "' + b"z" * 100_000
     + b'"}\n', 'field "split"'),
    ("over the size limit", GOOD * (MAX_BYTES // len(GOOD) + 1), "the limit is 5 MB"),
]


@pytest.mark.parametrize(("raw", "fragment"), [case[1:] for case in HOSTILE_FILES],
                         ids=[case[0] for case in HOSTILE_FILES])
def test_hostile_files_get_one_short_message(raw: bytes, fragment: str) -> None:
    with pytest.raises(DataError) as caught:
        parse_jsonl(raw, source="mine.jsonl")
    message = str(caught.value)
    assert fragment in message and message.startswith("mine.jsonl")
    assert len(message) < SHORT, message[:SHORT]


def test_html_and_markdown_in_text_stay_exactly_as_typed() -> None:
    rows = [{"prompt": "<script>alert(1)</script> **x** [link](https://example.com)",
             "completion": " <img src=x onerror=alert(1)>"}, {"prompt": "&lt;b&gt;", "completion": " ok"}]
    examples = parse_jsonl("\n".join(json.dumps(r) for r in rows))
    assert [(e.prompt, e.completion) for e in examples] == [(r["prompt"], r["completion"]) for r in rows]


def test_a_completion_too_long_for_max_length_names_its_split_and_the_fix(tok) -> None:
    examples = parse_jsonl(json.dumps({"prompt": "Q:", "completion": " x" * 200, "split": "validation"})
                           + "\n" + GOOD.decode())
    _, validation = examples[1], examples[0]
    with pytest.raises(DataError, match="validation example 1: completion ' x x") as caught:
        encode_all(tok, [validation], max_length=32)
    assert "raise max_length" in str(caught.value) and len(str(caught.value)) < SHORT


# ---------------------------------------------------------------- settings from a shell or a link

# Invalid for every setting of every method, whatever its type: none has a negative minimum.
HOSTILE_VALUES = ["-1", "nan", "inf", "-inf", "1e999", "1" + "0" * 400, "9" * 5000, "", "abc",
                  "x" * 1_000_000]
EVERY_SETTING = [(spec.name, info) for spec in REGISTRY.values()
                 for info in settings_of(spec.config_cls)]


@pytest.mark.parametrize(("method", "info"), EVERY_SETTING,
                         ids=[f"{m}.{i.name}" for m, i in EVERY_SETTING])
def test_hostile_text_for_every_method_setting_is_a_short_error(method: str, info) -> None:
    for raw in HOSTILE_VALUES:
        with pytest.raises(UserInputError) as caught:
            REGISTRY[method].config({info.name: raw})
        message = str(caught.value)
        assert message.startswith(f"{info.name}=") and len(message) < SHORT, (raw[:20], message)


@pytest.mark.parametrize(("method", "info"), EVERY_SETTING,
                         ids=[f"{m}.{i.name}" for m, i in EVERY_SETTING])
def test_hostile_typed_values_never_crash_the_check(method: str, info) -> None:
    """Typed values reach check_setting from notebooks and from the link prefill's parse."""
    for value in (10**400, float("nan"), float("inf"), -5, 2**63, 1e300, None, ["c_attn", 3]):
        with pytest.raises(UserInputError, match=f"^{info.name}="):
            check_setting(info, parse_value(info, value))


ZERO_IS_WRONG = {("lora", "r"), ("adapter-houlsby", "bottleneck"), ("prefix", "num_virtual_tokens"),
                 ("prompt", "num_virtual_tokens"), ("top-k", "k")}


@pytest.mark.parametrize(("method", "name"), sorted(ZERO_IS_WRONG))
def test_zero_and_huge_sizes_name_the_range(method: str, name: str) -> None:
    for raw in ("0", "1000000000"):
        with pytest.raises(UserInputError, match=f"{name}={raw} is out of range: use a whole "
                                                 "number from 1 to"):
            REGISTRY[method].config({name: raw})


@pytest.mark.parametrize("raw", ["-1", "nan", "inf", "1e999", "2", "0.95"])
def test_dropout_outside_0_to_0_9_is_refused(raw: str) -> None:
    with pytest.raises(UserInputError, match="lora_dropout=.* from 0 to 0.9"):
        REGISTRY["lora"].config({"lora_dropout": raw})


TRAINING_CASES = [
    ("steps", "0", "steps=0 is out of range: use a whole number from 1 to 500"),
    ("steps", "-5", "steps=-5 is out of range"), ("steps", "100000000", "from 1 to 500"),
    ("steps", "1e8", "steps='1e8' is not valid"), ("batch_size", "0", "from 1 to 64"),
    ("batch_size", "-3", "from 1 to 64"), ("batch_size", "1" + "0" * 400, "from 1 to 64"),
    ("max_length", "0", "from 8 to 1024"), ("max_length", "4", "from 8 to 1024"),
    ("max_length", "1024", "does not fit the model's context of 256 tokens"),
    ("lr", "0", "lr=0.0 is out of range"), ("lr", "-1e-3", "lr=-0.001 is out of range"),
    ("lr", "nan", "lr=nan"), ("lr", "inf", "lr=inf"), ("lr", "1e13", "from 1e-08 to 1e+12"),
    ("warmup_steps", "-1", "warmup_steps=-1"), ("warmup_steps", "500", "must be less than steps"),
    ("seed", "-1", "seed=-1 is out of range"), ("seed", str(2**31), "seed=2147483648"),
    ("seed", "1.5", "seed='1.5' is not valid"), ("eval_every", "9" * 5000, "eval_every='999"),
    ("max_grad_norm", "-inf", "max_grad_norm=-inf"), ("weight_decay", "nan", "weight_decay=nan"),
]


@pytest.mark.parametrize(("key", "raw", "fragment"), TRAINING_CASES)
def test_training_settings_are_refused_before_any_compute(key: str, raw: str, fragment: str) -> None:
    with pytest.raises(UserInputError) as caught:
        plan_run("mini", "lora", {key: raw}, context=256, task="sentiment")
    assert fragment in str(caught.value) and len(str(caught.value)) < SHORT, str(caught.value)


def test_a_whole_float_for_steps_becomes_an_int() -> None:
    config = TrainConfig(steps=3.0, seed=2.0)
    assert config.steps == 3 and type(config.steps) is int and type(config.seed) is int
    with pytest.raises(UserInputError, match="steps=2.5 is not valid"):
        TrainConfig(steps=2.5)


def test_a_huge_learning_rate_is_accepted_up_to_the_bound() -> None:
    assert TrainConfig(lr=1e9).lr == 1e9 and TrainConfig(lr=MAX_LR).lr == MAX_LR
    with pytest.raises(UserInputError, match="out of range"):
        TrainConfig(lr=10**400)  # an int past float's range: a message, not an OverflowError


# ---------------------------------------------------------------- lr 1e9: the run diverges and says so


@pytest.fixture(scope="module")
def base():
    return tiny_base()


@pytest.mark.parametrize("method", method_names())
def test_lr_1e9_stops_every_method_and_explains_the_divergence(method: str, base, tok) -> None:
    result = run_training(base, method, {"eval_every": 0}, examples=tiny_examples(24),
                          tokenizer=tok, steps=10, batch_size=4, max_length=32, lr=1e9)
    reason = result.stopped_reason
    assert reason and "diverged" in reason and "far too high" in reason, reason
    # The rate the learner set, not the warm-up's value at the failing step.
    assert "The learning rate 1e+09 " in reason, reason
    assert len(result.steps) < 10 and result.steps[-1].stopped == reason
    assert result.frozen_unchanged  # a diverged run still never touches a frozen weight
    payload = json.dumps(result.to_json(), allow_nan=False)  # no NaN leaves the engine
    assert "Infinity" not in payload


def test_prompt_tuning_diverges_in_the_weights_while_the_loss_looks_normal(base, tok) -> None:
    """LayerNorm rescales the 1e9-sized virtual tokens, so the weights must be checked too."""
    result = run_training(base, "prompt", {}, examples=tiny_examples(24), tokenizer=tok,
                          steps=10, batch_size=4, max_length=32, lr=1e9)
    last = result.steps[-1]
    assert last.loss is not None and math.isfinite(last.loss)
    # The first step runs at half the rate (one warm-up step): 5e8, still far past order 1.
    assert re.search(r"pushed a trainable weight to \de\+0[89]", last.stopped), last.stopped
    assert f"Try lr={default_lr('prompt'):g}." in last.stopped  # the method's own default


# ---------------------------------------------------------------- the command line

ENV = {**os.environ, "PYTHONPATH": str(model_specs.ROOT), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["train", *args])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("raw", "fragment"), [case[1:] for case in HOSTILE_FILES],
                         ids=[case[0] for case in HOSTILE_FILES])
def test_cli_hostile_data_files_exit_2_with_one_line(raw, fragment, tmp_path, capsys) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_bytes(raw)
    code, out, err = run_cli(capsys, "--method", "lora", "--data", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("error: ")
    assert fragment in err and len(err) < SHORT, err[:SHORT]


@pytest.mark.parametrize(("path", "fragment"), [("/dev/zero", "the limit is 5 MB"),
                                                ("{tmp}", "cannot be read")])
def test_cli_endless_or_unreadable_data_exit_2(path, fragment, tmp_path, capsys) -> None:
    code, _, err = run_cli(capsys, "--method", "lora", "--data", path.format(tmp=tmp_path))
    assert code == 2 and fragment in err and err.count("\n") == 1


@pytest.mark.parametrize("args", [
    ["--steps", "0"], ["--steps", "-5"], ["--steps", "100000000"], ["--batch-size", "0"],
    ["--max-length", "99999999999999999999999"], ["--seed", "-1"], ["--lr", "nan"],
    ["--lr", "-1"], ["--lr", "1e13"], ["--set", "r=-4"], ["--set", "r=" + "9" * 5000],
    ["--set", "lora_alpha=inf"], ["--set", "lora_dropout=nan"], ["--set", "warmup_steps=1e9"],
    ["--method", "prefix", "--set", "num_virtual_tokens=0"],
    ["--method", "adapter-houlsby", "--set", "bottleneck=-1"],
    ["--method", "top-k", "--set", "k=100000"], ["--set", "target_modules="],
])
def test_cli_hostile_settings_exit_2_with_one_short_line(args, capsys) -> None:
    method = [] if "--method" in args else ["--method", "lora"]
    code, out, err = run_cli(capsys, *method, "--task", "sentiment", *args)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("error: ") and "Traceback" not in err and len(err) < SHORT, err[:SHORT]


@pytest.fixture
def tiny_mini(monkeypatch, tmp_path, base, tok):
    """`--model mini` served by the tiny model, and a data file it can learn."""
    monkeypatch.setattr(models, "load_model", lambda name: base)
    monkeypatch.setattr(models, "load_tokenizer", lambda name: tok)
    monkeypatch.setattr(models, "gpt2_config", lambda name: base.config)
    path = tmp_path / "tiny.jsonl"
    path.write_text(jsonl(tiny_examples(24)))
    return path


def test_cli_table_ends_with_the_divergence(tiny_mini, capsys) -> None:
    code, out, err = run_cli(capsys, "--method", "lora", "--data", str(tiny_mini), "--lr", "1e9",
                             "--steps", "20", "--max-length", "32", "--format", "table")
    assert code == 0 and err == ""
    assert out.splitlines()[-1].startswith("stopped: At step 1 ") and "diverged" in out


@pytest.mark.skipif(not (model_specs.BUNDLED_DIR / "model.safetensors").exists(),
                    reason="the bundled model is not built yet")
def test_cli_lr_1e9_on_the_bundled_model_exits_0_and_explains() -> None:
    proc = subprocess.run([sys.executable, "-m", "adaptlab", "train", "--method", "lora",
                           "--task", "sentiment", "--lr", "1e9", "--steps", "20",
                           "--format", "json"], cwd=model_specs.ROOT, env=ENV, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    payload = json.loads(proc.stdout)
    assert "diverged" in payload["stopped_reason"] and "lr=0.01" in payload["stopped_reason"]
    assert payload["steps_done"] < 20 and payload["training"]["lr"] == 1e9
