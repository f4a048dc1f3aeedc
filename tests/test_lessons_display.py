"""What a chart shows is the reader's choice: the loss pairs of the Gradients per-class
chart and the mappings of the Probabilities chart (issue #17: the confident preset hid
softmax + CE next to BCE)."""

import numpy as np
from scipy import special

from softmax_lab.pairs import PAIRS
from tests.page_harness import decode_array, figure, run_page


def _names(fig):
    return [t["name"] for t in fig["data"]]


def test_the_gradients_chart_shows_only_the_picked_pairs():
    at = run_page("gradients", query={"preset": "confident"})
    assert len(_names(figure(at, "grad_bars"))) == 5
    at.button_group(key="grad_pairs_shown").set_value(["softmax_ce", "sigmoid_bce"]).run()
    assert not at.exception
    fig = figure(at, "grad_bars")
    assert _names(fig) == [PAIRS["softmax_ce"].title, PAIRS["sigmoid_bce"].title]
    z = np.array([12.0, 0.0, -3.0, 1.0])
    y = np.array([1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(
        decode_array(fig["data"][0]["y"]), special.softmax(z) - y, atol=1e-15
    )
    np.testing.assert_allclose(decode_array(fig["data"][1]["y"]), special.expit(z) - y, atol=1e-15)


def test_the_probabilities_chart_shows_only_the_picked_mappings():
    at = run_page("probabilities")
    at.button_group(key="probabilities_show").set_value(["softmax", "sigmoid"]).run()
    assert not at.exception
    assert _names(figure(at, "mappings")) == ["softmax(z / T)", "independent sigmoids σ(z / T)"]
    at.button_group(key="probabilities_show").set_value([]).run()
    assert not at.exception
    assert any("Pick at least one" in c.value for c in at.caption)
