"""Projector mode's charts (adaptlab.viz.for_projector), colour-free cues in the memory bars,
whole-step ticks on short runs, and one number style per chart."""

from __future__ import annotations

import pandas as pd

from adaptlab.viz import PROJECTOR_FONT, for_projector, loss_chart, memory_bars, run_overlay


def small_loss_chart():
    train = pd.DataFrame({"step": [1, 2, 3], "loss": [3.0, 2.5, 2.0]})
    evals = pd.DataFrame({"step": [0, 3], "loss": [3.1, 2.2]})
    return loss_chart(train, evals, total_steps=3)


def test_projector_copy_has_larger_type_taller_chart_and_bigger_markers():
    fig = small_loss_chart()
    big = for_projector(fig)
    assert big.layout.font.size == PROJECTOR_FONT and big.layout.legend.font.size == PROJECTOR_FONT
    assert big.layout.xaxis.tickfont.size == big.layout.yaxis.tickfont.size == PROJECTOR_FONT
    assert big.layout.height == round(fig.layout.height * 1.25)
    assert [t.marker.size for t in big.data] == [round(t.marker.size * 4 / 3) for t in fig.data]


def test_projector_copy_leaves_the_original_alone():
    fig = small_loss_chart()
    before = fig.to_json()
    for_projector(fig)
    assert fig.to_json() == before


def test_memory_parts_differ_by_pattern_not_only_colour():
    from adaptlab.memory import MemoryBreakdown

    breakdown = MemoryBreakdown(weights=4096, gradients=2048, optimizer=1024, activations=512,
                                blocks_backpropagated=1, batch_size=8, seq_len=64)
    patterns = [t.marker.pattern.shape for t in memory_bars({"lora": breakdown}).data]
    assert len(set(patterns)) == len(patterns) == 4


def test_short_runs_tick_whole_steps_and_long_runs_keep_plotlys_ticks():
    short = pd.DataFrame({"step": [1, 2, 3], "loss": [3.0, 2.0, 1.0]})
    held_out = pd.DataFrame({"step": [0, 3], "loss": [3.0, 1.5]})
    assert loss_chart(short, held_out, total_steps=3).layout.xaxis.dtick == 1  # not 0.5, 1.5
    overlay = run_overlay(short.assign(run="run 1: LoRA", note="seed 0"))
    assert overlay.layout.xaxis.dtick == 1
    long = pd.DataFrame({"step": range(1, 41), "loss": [1.0] * 40})
    assert loss_chart(long, held_out, total_steps=40).layout.xaxis.dtick is None


def test_one_chart_writes_all_its_gradient_norms_in_one_style():
    from adaptlab.viz import grad_norm_bars

    mixed = pd.DataFrame({"group": ["block 0", "block 1", "wte"], "norm": [0.00142, 5.66e-05, None]})
    figure = grad_norm_bars(mixed)
    assert list(figure.data[0].text) == ["1.42e-03", "5.66e-05", "none (frozen)"]
    assert figure.layout.xaxis.tickformat == ".1e"  # the axis too, not "0.0002 ... 0.0014"
    plain_numbers = pd.DataFrame({"group": ["a", "b"], "norm": [0.5, 12.25]})
    assert list(grad_norm_bars(plain_numbers).data[0].text) == ["0.5", "12.2"]
