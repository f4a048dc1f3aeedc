"""The Gradients and Saturation pages under AppTest: curves equal the core's values."""

import numpy as np
from scipy import special

from tests.page_harness import decode_array, plotly_figures, run_page

Z0 = np.array([1.0, 2.0, 3.0])
Y0 = np.array([0.0, 0.0, 1.0])


def test_gradient_bars_are_a_minus_y_and_sigmoid_minus_y():
    at = run_page("gradients")
    assert not at.exception
    bars = plotly_figures(at)[0]["data"]
    np.testing.assert_allclose(decode_array(bars[0]["y"]), special.softmax(Z0) - Y0, atol=1e-15)
    np.testing.assert_allclose(decode_array(bars[1]["y"]), special.expit(Z0) - Y0, atol=1e-15)


def test_sweep_curves_and_shaded_regions():
    at = run_page("gradients")
    fig = plotly_figures(at)[2]
    x = decode_array(fig["data"][0]["x"])
    loss_ce = decode_array(fig["data"][0]["y"])
    grid = np.repeat(Z0[None], x.size, axis=0)
    grid[:, 0] = x
    np.testing.assert_allclose(loss_ce, -special.log_softmax(grid, axis=1)[:, 2], rtol=1e-12)
    grad_mse = decode_array(fig["data"][5]["y"])  # softmax + MSE, gradient panel
    shapes = [s for s in fig["layout"]["shapes"] if s.get("name") == "saturated: softmax_mse"]
    assert shapes
    for s in shapes:
        inside = (x >= s["x0"]) & (x <= s["x1"])
        assert (np.abs(grad_mse[inside]) < 1e-3).all()


def test_bad_sweep_range_keeps_the_last_valid_curves():
    at = run_page("gradients")
    before = decode_array(plotly_figures(at)[2]["data"][0]["x"])
    at.number_input(key="grad_sweep_low").set_value(20.0).run()
    assert not at.exception
    assert any("must be below" in e.value for e in at.error)
    np.testing.assert_array_equal(decode_array(plotly_figures(at)[2]["data"][0]["x"]), before)


def test_saturation_scale_sweep_values_and_bad_scales():
    at = run_page("saturation")
    assert not at.exception
    fig = plotly_figures(at)[0]
    s = decode_array(fig["data"][0]["x"])
    y = np.array([1.0, 0.0, 0.0])  # the least likely class of [1, 2, 3]
    ce_norm = np.linalg.norm(special.softmax(np.outer(s, Z0), axis=1) - y, axis=1)
    np.testing.assert_allclose(decode_array(fig["data"][0]["y"]), ce_norm, rtol=1e-12)
    assert decode_array(fig["data"][2]["y"])[-1] < 1e-30  # softmax + MSE vanishes at s = 100
    for value in (0.0, -1.0):
        at.number_input(key="scale_low").set_value(value).run()
        assert any("> 0" in e.value for e in at.error)
        np.testing.assert_array_equal(decode_array(plotly_figures(at)[0]["data"][0]["x"]), s)


def test_attention_with_d_changes():
    at = run_page("saturation")
    at.slider[0].set_value(1024).run()
    assert not at.exception
    bars = plotly_figures(at)[3]["data"]
    unscaled, scaled = decode_array(bars[0]["y"]), decode_array(bars[1]["y"])
    assert unscaled.max() > scaled.max()
    np.testing.assert_allclose(scaled.sum(), 1.0, rtol=1e-12)
