"""Parameters under AppTest: counts equal the engine's census, bad values become messages beside
the controls, and links prefill the page (or are refused with a warning) without breaking it."""

from __future__ import annotations

import pytest

from adaptlab.activations import KINDS
from adaptlab.census import census_summary
from adaptlab.models import gpt2_config
from tests.app.conftest import texts
from ui.parameters_view import percent

PAGE = "pages/parameters.py"
MINI = gpt2_config("mini")  # the bundled model's shape, read from its config


def metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def test_lora_with_a_smaller_rank_shows_the_census_counts(open_page):
    at = open_page(PAGE)
    at.selectbox(key="parameters.method").select("lora").run()
    at.number_input(key="parameters.lora.r").set_value(4).run()
    assert not at.exception
    expected = census_summary("mini", "lora", {"r": 4})
    trainable = metric(at, "Trainable")
    assert trainable.value == f"{expected['trainable_params']:,}"
    assert trainable.proto.delta == f"{percent(expected['trainable_pct'])} of total"
    assert metric(at, "Added (new)").value == f"{expected['added_params']:,}"
    assert "✓ Matches the measured trainable count" in texts(at.success)


def test_k_deeper_than_the_model_is_a_message_beside_the_control(open_page):
    at = open_page(PAGE)
    at.selectbox(key="parameters.method").select("top-k").run()
    at.number_input(key="parameters.top-k.k").set_value(MINI.n_layer + 1).run()
    assert not at.exception
    assert f"k={MINI.n_layer + 1}" in texts(at.error)
    assert f"1 to {MINI.n_layer}" in texts(at.error)
    assert not at.metric  # no stale counts next to a rejected setting
    at.number_input(key="parameters.top-k.k").set_value(1).run()  # and the page recovers
    assert not at.exception and not at.error
    assert metric(at, "Trainable").value == f"{census_summary('mini', 'top-k', {'k': 1})['trainable_params']:,}"


def show(at, view: str):
    at.segmented_control(key="parameters.view").set_value(view).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("method, key, value, expected", [
    ("lora", "target_modules", [], "choose one or more of c_attn"),
    ("adapter-houlsby", "bottleneck", MINI.n_embd + 1, f"wider than the model (d={MINI.n_embd})"),
])
def test_other_bad_settings_are_messages_too(open_page, method, key, value, expected):
    at = open_page(PAGE)
    at.selectbox(key="parameters.method").select(method).run()
    widget = at.get_by_key(f"parameters.{method}.{key}")
    widget.set_value(value).run()
    assert not at.exception
    assert expected in texts(at.error).replace("\\", "")  # messages are markdown-escaped


def test_memory_view_and_a_sequence_longer_than_the_context(open_page):
    at = show(open_page(PAGE), "memory")
    memory = at.table[0].value
    assert list(memory.index) == ["weights", "gradients", "AdamW state", "activations", "total"]
    at.number_input(key="parameters.seq").set_value(MINI.n_positions + 1).run()
    assert not at.exception
    assert f"use 1 to {MINI.n_positions}" in texts(at.error)
    # Prompt tuning's 20 virtual tokens take positions too: what fits the model alone does not.
    at.number_input(key="parameters.seq").set_value(MINI.n_positions - 10).run()
    assert not at.error
    at.selectbox(key="parameters.method").select("prompt").run()
    assert not at.exception
    assert f"use 1 to {MINI.n_positions - 20}" in texts(at.error)
    assert "virtual tokens take 20" in texts(at.error)


def test_the_activations_by_kind_show_what_a_frozen_projection_does_not_keep(open_page):
    at = show(open_page(PAGE), "memory")  # full fine-tuning
    expanders = [e.label for e in at.expander]
    total = at.table[0].value.loc["activations"].iloc[0]
    assert f"What the {total} of activations are" in expanders
    full = at.table[1].value
    assert list(full.index) == list(KINDS)
    assert full.loc["inputs of trained weights", "size"] != "0 B"
    at.selectbox(key="parameters.method").select("lora").run()
    lora = at.table[1].value
    assert lora.loc["inputs of trained weights", "size"] == "0 B"
    assert lora.loc["GELU intermediates", "size"] == full.loc["GELU intermediates", "size"]
    assert lora.loc["new modules", "size"] != "0 B"


def test_comparison_of_two_methods_keeps_its_settings(open_page):
    at = show(open_page(PAGE), "compare")  # A: full fine-tuning (default), B: LoRA
    compare = at.table[0].value
    assert list(compare.index) == ["A: Full fine-tuning", "B: LoRA (low-rank adaptation)"]
    assert list(compare["trainable"]) == [f"{census_summary('mini', m)['trainable_params']:,}"
                                          for m in ("full", "lora")]
    assert compare["activations"].iloc[0] != compare["activations"].iloc[1]  # LoRA keeps fewer
    at.number_input(key="parameters.compare.lora.r").set_value(2).run()
    show(show(at, "map"), "compare")  # B's rank survives a look at another view
    lora_r2 = census_summary("mini", "lora", {"r": 2})["trainable_params"]
    assert at.table[0].value["trainable"].iloc[1] == f"{lora_r2:,}"


def test_a_link_prefills_model_method_and_settings_once(open_page):
    at = open_page(PAGE, query={"model": "gpt2", "method": "lora", "r": "4"})
    assert not at.warning
    assert at.number_input(key="parameters.lora.r").value == 4
    assert metric(at, "Trainable").value == "147,456"  # 4·d·r·L, GPT-2 small (CONTENT §2.6)
    at.number_input(key="parameters.lora.r").set_value(8).run()  # the learner's change wins
    assert metric(at, "Trainable").value == "294,912"


def test_a_junk_link_is_refused_with_a_warning_and_the_page_works(open_page):
    at = open_page(PAGE, query={"method": "<script>alert(1)</script>", "r": "-1"})
    assert not at.exception
    warnings = texts(at.warning)
    assert "method=" in warnings and "lora" in warnings  # names the parameter and valid values
    # Checked against the page's method, and said so: the link never asked for full fine-tuning.
    assert ("'r' is not a setting of Full fine\\-tuning \\(the page's method, since the "
            "link's method is unknown\\)") in warnings
    assert "<script>" not in warnings  # escaped: shown as text, never as markup
    assert metric(at, "Trainable").value == f"{census_summary('mini', 'full')['trainable_params']:,}"
    at.selectbox(key="parameters.method").select("bitfit").run()
    assert not at.exception and metric(at, "Frozen")


def test_the_setup_link_is_drawn_when_its_box_is_opened(open_page):
    """Folded, the box holds no code element (its browser module is heavy); opened, the link."""
    at = open_page(PAGE)
    at.selectbox(key="parameters.method").select("lora").run()
    at.number_input(key="parameters.lora.r").set_value(4).run()
    assert not at.exception and not at.code
    at.session_state["parameters.link"] = True
    at.run()
    assert not at.exception
    assert [c.value for c in at.code] == ["?model=mini&method=lora&r=4"]
