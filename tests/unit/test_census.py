"""The census against CONTENT.md's closed forms (exact integers) and against peft's own count."""

import json
import subprocess
import sys

import pytest

from adaptlab.activations import MethodDetails, VirtualTokens
from adaptlab.census import adapted_skeleton, census, census_summary
from adaptlab.counts import explain, per_block, totals
from adaptlab.errors import UserInputError
from adaptlab.memory import memory_breakdown
from adaptlab.methods import get_method
from adaptlab.models import skeleton

SIZES = ["gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl"]

# CONTENT.md §2 summary table and §3: trainable parameters at each setting, small/medium/large/XL.
EXPECTED = [
    ("full", {}, [124_439_808, 354_823_168, 774_030_080, 1_557_611_200]),
    ("top-k", {"k": 2}, [14_175_744, 25_192_448, 39_354_880, 61_481_600]),
    ("top-k", {"k": 2, "train_ln_f": True}, [14_177_280, 25_194_496, 39_357_440, 61_484_800]),
    ("bitfit", {}, [102_144, 271_360, 508_160, 846_400]),
    ("ln", {}, [38_400, 100_352, 186_880, 310_400]),
    ("adapter-houlsby", {"bottleneck": 64}, [2_379_264, 6_343_680, 11_893_248, 19_820_544]),
    ("adapter-houlsby", {"bottleneck": 64, "train_layernorm": True},
     [2_416_128, 6_441_984, 12_077_568, 20_127_744]),
    ("adapter-pfeiffer", {"bottleneck": 64}, [1_189_632, 3_171_840, 5_946_624, 9_910_272]),
    ("lora", {"r": 8}, [294_912, 786_432, 1_474_560, 2_457_600]),
    ("lora", {"r": 4}, [147_456, 393_216, 737_280, 1_228_800]),
    ("lora", {"r": 8, "target_modules": "c_attn,attn.c_proj,c_fc,mlp.c_proj"},
     [1_179_648, 3_145_728, 5_898_240, 9_830_400]),
    ("ia3", {}, [64_512, 172_032, 322_560, 537_600]),
    ("prefix", {"num_virtual_tokens": 10, "prefix_projection": False}, [184_320, 491_520, 921_600, 1_536_000]),
    ("prefix", {"num_virtual_tokens": 20, "prefix_projection": False}, [368_640, 983_040, 1_843_200, 3_072_000]),
    ("prompt", {"num_virtual_tokens": 20}, [15_360, 20_480, 25_600, 32_000]),
]
# Pfeiffer with AdapterHub's reduction factor 16, b = d/16.
PFEIFFER_D16 = dict(zip(SIZES, [(48, 894_528), (64, 3_171_840), (80, 7_421_760), (100, 15_441_600)], strict=True))


@pytest.mark.parametrize(("method", "settings", "counts"), EXPECTED)
@pytest.mark.parametrize("size_index", range(4))
def test_census_and_formula_equal_content_md(method, settings, counts, size_index):
    model = SIZES[size_index]
    summary = census_summary(model, method, settings)
    assert summary["trainable_params"] == counts[size_index]
    assert explain(model, method, settings).value == counts[size_index]


@pytest.mark.parametrize("size", SIZES)
def test_pfeiffer_reduction_factor_16(size):
    b, expected = PFEIFFER_D16[size]
    assert census_summary(size, "adapter-pfeiffer", {"bottleneck": b})["trainable_params"] == expected


def test_special_counts_from_content_md():
    # Prefix with the MLP reparameterization (h = 512) and P-tuning with h = d on GPT-2 small.
    assert census_summary("gpt2", "prefix", {"prefix_projection": True})["trainable_params"] == 9_864_704
    assert census_summary("gpt2", "p-tuning", {})["trainable_params"] == 1_787_136
    lora = census_summary("gpt2", "lora", {"r": 8})
    assert lora["total_params"] == 124_734_720
    assert lora["trainable_pct"] == pytest.approx(0.2364, abs=1e-4)


@pytest.mark.parametrize("method", ["lora", "ia3", "prefix", "prompt", "p-tuning"])
@pytest.mark.parametrize("size", ["gpt2", "gpt2-medium"])
def test_census_equals_peft_own_count(method, size):
    model = adapted_skeleton(size, method)
    trainable, total = model.get_nb_trainable_parameters()
    t = totals(census(model))
    assert (t["trainable_params"], t["total_params"]) == (trainable, total)


def test_tied_head_is_counted_once_and_frozen_counts_add_up():
    t = census_summary("gpt2", "lora")
    assert t["frozen_params"] + t["trainable_params"] == t["total_params"]
    assert t["added_params"] == t["trainable_params"]
    df = census(adapted_skeleton("gpt2", "full"))
    assert not df["name"].str.contains("lm_head").any()


def test_top_k_trains_the_last_blocks_only():
    assert census_summary("gpt2-medium", "top-k", {"k": 3})["trainable_blocks"] == [21, 22, 23]


def test_per_block_sums_to_the_total():
    df = census(adapted_skeleton("gpt2", "adapter-houlsby"))
    table = per_block(df)
    assert int(table[["frozen", "trainable", "added"]].to_numpy().sum()) == totals(df)["total_params"]
    assert (table.loc[table["where"].str.startswith("block"), "added"] == 2 * (2 * 768 * 64 + 64 + 768)).all()


def test_memory_saves_gradients_and_optimizer_state_not_activations():
    c = skeleton("gpt2").config
    prompt_tuning = get_method("prompt")
    full = memory_breakdown(census(adapted_skeleton("gpt2", "full")), c)
    prompt = memory_breakdown(census(adapted_skeleton("gpt2", "prompt")), c,
                              details=MethodDetails.of(prompt_tuning, prompt_tuning.config()))
    assert full.gradients == 4 * 124_439_808 and full.optimizer == 8 * 124_439_808
    assert prompt.gradients == 4 * 15_360
    # Backprop still runs through every block, and through the 20 virtual tokens in each
    # (tests/unit/test_activations.py checks the activations against what PyTorch saves).
    assert prompt.blocks_backpropagated == full.blocks_backpropagated == 12
    assert prompt.activations > 0.75 * full.activations
    assert "batch 8 × (64 tokens + 20 virtual tokens)" in prompt.as_rows()[3]["why"]
    assert full.activations == sum(full.activations_by_kind.values())


def test_a_sequence_that_leaves_no_room_for_the_virtual_tokens_is_refused():
    c = skeleton("gpt2").config
    frame = census(adapted_skeleton("gpt2", "prompt"))
    twenty = MethodDetails(VirtualTokens(20, "input"))
    memory_breakdown(frame, c, seq=1004, details=twenty)  # fits exactly
    with pytest.raises(UserInputError, match="virtual tokens take 20\\): use 1 to 1004"):
        memory_breakdown(frame, c, seq=1005, details=twenty)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "adaptlab", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_census_json_contract():
    out = run_cli("census", "--model", "gpt2-medium", "--method", "lora", "--set", "r=4", "--format", "json")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    for key in ("model", "method", "settings", "total_params", "trainable_params", "trainable_pct",
                "added_params", "frozen_params"):
        assert key in payload
    assert payload["trainable_params"] == 393_216 and payload["formula"]["matches_census"]
    assert sum(payload["activation_bytes"].values()) == payload["memory_bytes"]["activations"]
    assert payload["activation_bytes"]["inputs of trained weights"] == 0  # LoRA: frozen projections


def test_cli_methods_json_lists_every_method():
    from adaptlab.methods import method_names

    out = run_cli("methods", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert [m["name"] for m in json.loads(out.stdout)] == method_names()


@pytest.mark.parametrize(("args", "fragment"), [
    (["census", "--method", "lora", "--set", "r=0"], "r=0 is out of range"),
    (["census", "--method", "top-k", "--set", "k=9"], "use a whole number from 1 to 4"),
    (["census", "--method", "prompt", "--set", "num_virtual_tokens=-5"], "num_virtual_tokens=-5"),
    (["census", "--method", "nope"], "unknown method 'nope'"),
    (["census", "--model", "gpt3", "--method", "lora"], "invalid choice: 'gpt3'"),
    (["census", "--method", "lora", "--set", "r"], "is not KEY=VALUE"),
])
def test_cli_user_errors_exit_2_with_one_line(args, fragment):
    out = run_cli(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in out.stderr


def test_engine_never_imports_streamlit():
    code = ("import sys, adaptlab.census, adaptlab.viz, adaptlab.memory, adaptlab.cli, adaptlab.commands;"
            "import pkgutil, importlib, adaptlab;"
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(adaptlab.__path__, 'adaptlab.')"
            " if not m.name.endswith('__main__')];"
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_memory_is_shown_in_the_decimal_units_of_parameters_times_bytes():
    """13,516,800 fp32 values are 54.1 MB, as a learner's "parameters × 4 bytes" gives (dividing
    by 1024 read 51.6 "MB")."""
    from adaptlab.memory import human_bytes

    assert human_bytes(13_516_800 * 4) == "54.1 MB"
    assert human_bytes(125_048_448 * 4) == "500.2 MB" and human_bytes(999) == "999 B"
    assert human_bytes(1_557_611_200 * 4) == "6.2 GB"
