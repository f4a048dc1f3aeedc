"""The Gradients page under AppTest: its curves equal the core's values and scipy's."""

import numpy as np
from scipy import special

from softmax_lab import sweeps
from tests.page_harness import decode_array, errors, figure, open_section, run_page, trace

Z0 = np.array([1.0, 2.0, 3.0])  # the writeup preset's first row (default, T = 1)
Y0 = np.array([0.0, 0.0, 1.0])


def test_bars_are_a_minus_y_and_sigma_minus_y_and_the_page_is_fast():
    at = run_page("gradients")
    assert not at.exception
    bars = figure(at, "grad_bars")
    ce = trace(bars, "softmax + cross-entropy")
    bce = trace(bars, "sigmoid + binary cross-entropy")
    np.testing.assert_allclose(decode_array(ce["y"]), special.softmax(Z0) - Y0, atol=1e-15)
    np.testing.assert_allclose(decode_array(bce["y"]), special.expit(Z0) - Y0, atol=1e-15)


def test_batch_heatmaps_are_the_batch_mean_gradients_on_one_colour_scale():
    at = run_page("gradients", section="Whole batch")
    fig = figure(at, "batch_grads")
    Z = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 1.0]])  # the writeup batch, T = 1
    Y = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    ce, bce = (decode_array(t["z"]).reshape(2, 3) for t in fig["data"])
    np.testing.assert_allclose(ce, (special.softmax(Z, axis=1) - Y) / 2, atol=1e-15)
    np.testing.assert_allclose(bce, (special.expit(Z) - Y) / 2, atol=1e-15)
    assert {t["coloraxis"] for t in fig["data"]} == {"coloraxis"}
    bound = fig["layout"]["coloraxis"]["cmax"]
    assert bound == -fig["layout"]["coloraxis"]["cmin"] == max(abs(ce).max(), abs(bce).max())


def test_sweep_curves_equal_the_core_and_scipy():
    at = run_page("gradients", section="Sweep one logit")
    fig = figure(at, "grad_sweep_fig")
    ce_loss = trace(fig, "softmax + cross-entropy", "y")
    x = decode_array(ce_loss["x"])
    assert x[0] == -15 and x[-1] == 15
    grid = np.repeat(Z0[None], x.size, axis=0)
    grid[:, 0] = x  # the default swept class is the first
    gold = -special.log_softmax(grid, axis=1)[:, 2]
    np.testing.assert_allclose(decode_array(ce_loss["y"]), gold, rtol=1e-12)
    core = sweeps.logit_sweep(Z0, Y0, 0, x)
    for key, title in (
        ("softmax_mse", "softmax + MSE"),
        ("sigmoid_bce", "sigmoid + binary cross-entropy"),
    ):
        np.testing.assert_allclose(
            decode_array(trace(fig, title, "y2")["y"]), core[key]["grad"], rtol=1e-12, atol=0
        )
    # dL/dz_0 of softmax + CE is a_0 − y_0
    ce_grad = decode_array(trace(fig, "softmax + cross-entropy", "y2")["y"])
    np.testing.assert_allclose(ce_grad, special.softmax(grid, axis=1)[:, 0], rtol=1e-12)


def test_shaded_regions_are_where_the_gradient_is_flat_and_wrong():
    at = run_page("gradients", section="Sweep one logit")
    fig = figure(at, "grad_sweep_fig")
    shapes = fig["layout"].get("shapes", [])
    x = decode_array(fig["data"][0]["x"])
    grid = sweeps.logit_grid(Z0, 0, x)
    found = 0
    for key, title in (("softmax_mse", "softmax + MSE"), ("sigmoid_mse", "sigmoid + MSE")):
        grad = decode_array(trace(fig, title, "y2")["y"])
        wrong = sweeps.prediction_wrong(key, grid, Y0, 0)
        mine = np.zeros(x.size, bool)
        for s in (s for s in shapes if s.get("name") == f"saturated: {key}"):
            mine |= (x >= s["x0"]) & (x <= s["x1"])
        gold = (np.abs(grad) < 1e-3) & wrong
        np.testing.assert_array_equal(mine, gold)
        found += gold.sum()
    assert found > 0  # the default row does saturate somewhere
    assert not [s for s in shapes if s.get("name") == "saturated: softmax_ce"]


def test_bad_sweep_ranges_keep_the_last_valid_curves():
    # A number input cannot deliver NaN (AppTest and the browser drop it); the core's
    # check_range refuses NaN and is tested in tests/test_sweeps.py.
    at = run_page("gradients", section="Sweep one logit")
    before = decode_array(figure(at, "grad_sweep_fig")["data"][0]["x"])
    for low, high, message in (
        (20.0, 15.0, "must be below"),
        (-1e6, 15.0, "within"),
    ):
        at.number_input(key="grad_sweep_low").set_value(low)
        at.number_input(key="grad_sweep_high").set_value(high).run()
        assert not at.exception
        assert any(message in e for e in errors(at)), errors(at)
        after = decode_array(figure(at, "grad_sweep_fig")["data"][0]["x"])
        np.testing.assert_array_equal(after, before)
    at.number_input(key="grad_sweep_low").set_value(-5.0)
    at.number_input(key="grad_sweep_high").set_value(5.0).run()
    assert not errors(at)
    x = decode_array(figure(at, "grad_sweep_fig")["data"][0]["x"])
    assert (x[0], x[-1]) == (-5.0, 5.0)


def test_multi_label_and_double_softmax_numbers():
    at = run_page("gradients", section="Multi-label")
    metrics = {m.label: m.value for m in at.metric}
    metrics |= {m.label: m.value for m in open_section(at, "gradients", "Double softmax").metric}
    ce_min = next(v for k, v in metrics.items() if "minimum" in k)
    assert float(ce_min) == round(2 * np.log(2), 4)  # y = [1, 1, 0, 0]: m log m
    bce_inf = next(v for k, v in metrics.items() if "infimum" in k)
    assert bce_inf == "0.0000"  # not "-0.0000"
    double = next(v for k, v in metrics.items() if k.startswith("double:"))
    gold = -special.log_softmax(special.softmax(Z0))[2]
    assert float(double) == round(gold, 4)
