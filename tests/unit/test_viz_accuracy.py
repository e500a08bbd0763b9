"""The accuracy-against-parameters chart (Methods, Compare): labels that can be read."""

from __future__ import annotations

import pandas as pd
import pytest

from adaptlab.data import list_tasks
from adaptlab.methods import REGISTRY
from adaptlab.reference import load_sweep
from adaptlab.viz import (
    ACCURACY_Y_RANGE,
    LAPTOP_LABELS,
    PHONE_LABELS,
    PHONE_LEGEND_CHARS,
    PHONE_LEGEND_LINE_PX,
    PROJECTOR_LABELS,
    LabelledPoint,
    _error_bar_box,
    _label_box,
    _marker_box,
    accuracy_vs_params,
    for_phone,
    label_boxes,
    label_positions,
    log_x_range,
)
from ui.reference_view import reference_frame

NO_RUNS = pd.DataFrame(columns=["run", "family", "trainable_params", "headline"])


def test_labels_that_would_overlap_their_neighbours_move_apart():
    x = pd.Series([3_600, 5_500, 900_000])
    y = pd.Series([0.18, 0.19, 0.18])
    text = pd.Series(["LayerNorm tuning", "(IA)³ rescaling vectors", "Top-k blocks"])
    positions = label_positions(x, y, text, log_x_range(x))
    assert positions[2] == "top center"  # alone: above its point
    assert positions[0] != positions[1]
    markers, labels = label_boxes(x, y, text, positions, log_x_range(x))
    assert not labels[0].overlaps(labels[1])
    assert not any(label.overlaps(marker) for label in labels for marker in markers)


def test_labels_far_apart_all_stay_above_their_points():
    x = pd.Series([1_000, 1_000, 1_000_000])
    y = pd.Series([0.0, 0.6, 0.0])
    text = pd.Series(["BitFit", "LoRA", "Full fine-tuning"])
    assert set(label_positions(x, y, text, log_x_range(x))) == {"top center"}


def test_every_chart_label_names_one_method():
    # "Bottleneck adapters" and "Bottleneck adapter" alone read as one method twice.
    short = [spec.short_title for spec in REGISTRY.values()]
    assert len(set(short)) == len(short)
    assert REGISTRY["lora"].short_title == "LoRA"
    assert "Houlsby" in REGISTRY["adapter-houlsby"].short_title
    assert "Pfeiffer" in REGISTRY["adapter-pfeiffer"].short_title


def overlapping_labels(points: pd.DataFrame, sides: list[str], x_range: list[float],
                       geometry) -> list[tuple[str, str]]:
    _, labels = label_boxes(points["x"], points["y"], points["text"], sides, x_range, geometry)
    return [(points["text"][i], points["text"][j]) for i, a in enumerate(labels)
            for j, b in enumerate(labels) if i < j and a.overlaps(b)]


@pytest.mark.parametrize("geometry", [LAPTOP_LABELS, PROJECTOR_LABELS], ids=["laptop", "projector"])
def test_reference_labels_do_not_overlap_and_the_axis_has_a_tick_per_decade(geometry):
    sweep = load_sweep()
    placed_total = above_total = 0
    for task in list_tasks():
        frame = reference_frame(sweep, task.name)
        figure = accuracy_vs_params(frame, NO_RUNS, chance=None, metric="accuracy", labels=geometry)
        points = pd.DataFrame([(x, y, text, side) for trace in figure.data for x, y, text, side
                               in zip(trace.x, trace.y, trace.text, trace.textposition, strict=True)],
                              columns=["x", "y", "text", "side"])
        assert len(points) == len(frame) == len(REGISTRY)
        x_range = list(figure.layout.xaxis.range)
        placed = overlapping_labels(points, list(points["side"]), x_range, geometry)
        above = overlapping_labels(points, ["top center"] * len(points), x_range, geometry)
        if geometry is LAPTOP_LABELS:
            assert placed == [], task.name
        # In projector mode's large type on a 1280 px screen, sentiment's eleven labels along the
        # 100 % line do not all fit; placement still leaves fewer overlaps than plotly's default.
        assert len(placed) <= len(above), task.name
        placed_total, above_total = placed_total + len(placed), above_total + len(above)
        assert figure.layout.xaxis.type == "log" and figure.layout.xaxis.dtick == 1
    assert placed_total < above_total


@pytest.mark.parametrize("geometry", [LAPTOP_LABELS, PROJECTOR_LABELS], ids=["laptop", "projector"])
def test_reference_labels_keep_clear_of_the_seeds_error_bars(geometry):
    # "LoRA" and "Bottleneck adapters (Houlsby)" were written across their own error bars.
    for task in list_tasks():
        frame = reference_frame(load_sweep(), task.name)
        x, y, low, high = (frame[c] for c in ("trainable_params", "headline", "headline_min",
                                              "headline_max"))
        x_range = log_x_range(x)
        per_decade = geometry.plot_width / (x_range[1] - x_range[0])
        bars = [_error_bar_box(*point, per_decade, geometry)
                for point in zip(x, low, high, strict=True) if point[2] > point[1]]
        crossed = {}
        for kind, span in (("above", None), ("placed", (low, high))):
            sides = label_positions(x, y, frame["title"], x_range, geometry, y_span=span)
            _, labels = label_boxes(x, y, frame["title"], sides, x_range, geometry)
            crossed[kind] = sum(label.overlaps(bar) for label in labels for bar in bars)
        assert crossed["placed"] <= min(1, crossed["above"]), (task.name, crossed)
        # ... and inside the plot: a label past its edge is cut off (P-tuning at 0 %).
        low, high = (edge * geometry.per_unit_y for edge in ACCURACY_Y_RANGE)
        assert all(low <= label.y - label.half_height and label.y + label.half_height <= high
                   for label in labels), task.name


def test_reference_labels_keep_clear_of_a_learners_run_and_its_label():
    # Compare: the learner's LoRA run, drawn large on the reference LoRA point, hid its label.
    x, y = pd.Series([24_576, 3_000_000]), pd.Series([0.95, 0.95])
    text = pd.Series(["LoRA", "Full fine-tuning"])
    run = LabelledPoint(24_576, 1.0, "run 1: LoRA", "bottom center")
    x_range = log_x_range(x)
    sides = label_positions(x, y, text, x_range, drawn=[run])
    per_decade = LAPTOP_LABELS.plot_width / (x_range[1] - x_range[0])
    lora = _label_box(24_576, 0.95, "LoRA", sides[0], per_decade, LAPTOP_LABELS)
    marker = _marker_box(run.x, run.y, per_decade, LAPTOP_LABELS)
    big = type(marker)(marker.x, marker.y, marker.half_width * 1.5, marker.half_height * 1.5)
    assert not lora.overlaps(big)
    assert not lora.overlaps(_label_box(run.x, run.y, run.label, run.position, per_decade,
                                        LAPTOP_LABELS))
    assert sides[1] == "top center"  # nothing in its way


def test_a_run_near_zero_is_labelled_above_its_point_inside_the_plot():
    mine = pd.DataFrame({"run": ["run 1: LoRA", "run 2: LoRA"], "family": ["reparameterized"] * 2,
                         "trainable_params": [2_000, 2_000], "headline": [0.7, 0.0]})
    figure = accuracy_vs_params(NO_RUNS.assign(title=[], headline_min=[], headline_max=[]), mine,
                                chance=0.5, metric="accuracy")
    where = {trace.name: trace.textposition for trace in figure.data}
    assert where == {"run 1: LoRA": "bottom center", "run 2: LoRA": "top center"}


def test_a_phone_draws_no_names_beside_the_reference_points_and_a_tap_still_names_each():
    frame = reference_frame(load_sweep(), list_tasks()[0].name)
    mine = pd.DataFrame({"run": ["run 1: LoRA"], "family": ["reparameterized"],
                         "trainable_params": [24_576], "headline": [0.6]})
    figure = accuracy_vs_params(frame, mine, chance=None, metric="accuracy", labels=PHONE_LABELS)
    reference = [t for t in figure.data if t.name.startswith("reference: ")]
    assert {t.mode for t in reference} == {"markers"}
    assert sorted(n for t in reference for n in t.text) == sorted(frame["title"])
    assert all("%{text}" in t.hovertemplate for t in reference)
    run = next(t for t in figure.data if t.name == "run 1: LoRA")
    assert run.mode == "markers+text" and run.text == ("run 1: LoRA",)  # the learner's own: named


def test_a_phone_wraps_long_legend_entries_and_leaves_the_figure_it_was_given():
    frame = reference_frame(load_sweep(), list_tasks()[0].name)
    figure = accuracy_vs_params(frame, NO_RUNS, chance=None, metric="accuracy")
    narrow = for_phone(figure)
    names = {t.name for t in figure.data}
    assert max(map(len, names)) > PHONE_LEGEND_CHARS  # the test has something to wrap
    for before, after in zip(figure.data, narrow.data, strict=True):
        lines = after.name.split("<br>")
        assert " ".join(lines) == before.name
        assert max(map(len, lines)) <= PHONE_LEGEND_CHARS
        assert len(lines) == 1 or len(before.name) > PHONE_LEGEND_CHARS
    assert {t.name for t in figure.data} == names
    # Anchored to the figure's bottom edge, which grows by the added lines: the plot keeps its
    # height, and the taller legend pushes it up rather than running into the axis title.
    assert (narrow.layout.legend.yref, narrow.layout.legend.y) == ("container", 0)
    added = sum(t.name.count("<br>") for t in narrow.data)
    assert added > 0
    assert narrow.layout.height == figure.layout.height + PHONE_LEGEND_LINE_PX * added
