"""Methods under AppTest: every registered method gets a card with its diagram and its real
code; the five classes and the survey table are there. Plus the diagram's reading of the census."""

from __future__ import annotations

import inspect

import pytest
from streamlit.testing.v1 import AppTest

from adaptlab.census import adapted_skeleton, census
from adaptlab.methods import REGISTRY
from adaptlab.models import gpt2_config
from adaptlab.taxonomy import FAMILIES, SOURCES
from tests.app.conftest import APP, texts
from ui.block_diagram import block_dot


@pytest.fixture(scope="module")
def methods_page():
    """One render for the whole module, every card opened (a card draws only while open)."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/methods.py").run()
    for spec in REGISTRY.values():
        at.session_state[f"methods.card.{spec.name}"] = True
    return at.run()


def test_cards_start_folded_and_compute_nothing():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/methods.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.expander) >= len(REGISTRY)
    assert not at.get("graphviz_chart")  # no card is open (the legend is HTML)


def test_methods_page_renders_without_errors(methods_page):
    assert not methods_page.exception, [e.value for e in methods_page.exception]
    assert methods_page.title[0].value == "Methods: what gets trained?"


def test_every_method_has_a_card_with_diagram_and_engine_code(methods_page):
    labels = [e.label for e in methods_page.expander]
    code = texts(methods_page.code)
    for spec in REGISTRY.values():
        assert any(spec.title in label for label in labels), spec.name
        assert inspect.getsource(spec.apply_fn).strip() in code, spec.name
        assert spec.paper in texts(methods_page.markdown), spec.name
    # One block diagram per method.
    assert len(methods_page.get("graphviz_chart")) == len(REGISTRY)


def test_the_five_classes_and_every_survey_are_named(methods_page):
    headers = texts(methods_page.subheader)
    for family in FAMILIES.values():
        assert family.title in headers
    survey_table = methods_page.table[-1].value
    assert set(SOURCES.values()) <= set(survey_table.columns)
    assert survey_table.loc["LoRA (low-rank adaptation)", SOURCES["peft-docs"]] == "adapter method"
    # In the order of the cards above it (LoRA, class 5, came before (IA)³ and the prompts).
    card_titles = [spec.title for e in methods_page.expander for spec in REGISTRY.values()
                   if spec.title in e.label]
    assert list(survey_table.index) == card_titles


@pytest.mark.parametrize("method, expected, frozen_modules", [
    ("full", "(trains)", 0),
    ("lora", "ΔW = B·A", 6),  # a parallel branch on c_attn; the block itself stays frozen
    ("adapter-houlsby", "adapter d→b→d", 6),  # in the path, after both projections
    ("bitfit", "bias train", 0),  # every module's bias trains, its weight does not
    ("ln", "LayerNorm\\n(trains)", 4),
    ("prefix", "prefix keys and values", 6),  # one set per layer, read by attention
    ("prompt", "virtual tokens at the input", 6),
])
def test_block_diagram_is_read_from_the_census(method, expected, frozen_modules):
    mini = gpt2_config("mini")
    dot = block_dot(census(adapted_skeleton("mini", method)), mini.n_layer, mini.n_embd)
    assert expected in dot
    assert dot.count("(frozen)") == frozen_modules


@pytest.mark.parametrize("settings, count", [
    ({"prefix_projection": False}, "30,720 here, 368,640 in all"),  # 2·m·d per layer, 2·m·d·L
    ({}, "9,864,704 in all, MLP included"),  # the MLP makes every layer's set at once
])
def test_the_prefix_box_gives_this_layers_count_apart_from_all_layers(settings, count):
    """The box sits on one block's drawing: 368,640 there read as one layer's cost (it is 12)."""
    gpt2 = gpt2_config("gpt2")
    dot = block_dot(census(adapted_skeleton("gpt2", "prefix", settings)), gpt2.n_layer,
                    gpt2.n_embd)
    assert count in dot
