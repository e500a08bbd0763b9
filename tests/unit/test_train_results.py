"""The Train page's result numbers: a change in points is shown with its direction, none for 0."""

from __future__ import annotations

from ui.train_results import points_delta


def test_a_change_in_points_keeps_its_sign_and_no_change_gets_no_green_arrow():
    assert points_delta(0.5, 0.75) == {"delta": "+25 points"}
    assert points_delta(0.5, 0.25) == {"delta": "-25 points"}
    assert points_delta(0.0, 0.001) == {"delta": "no change", "delta_color": "off",
                                         "delta_arrow": "off"}
    assert points_delta(0.5, None) == {"delta": None}
