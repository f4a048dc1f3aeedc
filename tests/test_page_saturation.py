"""The Saturation page under AppTest: sweeps equal scipy's values; bad input keeps the view."""

import numpy as np
from scipy import special

from softmax_lab import sweeps
from tests.page_harness import decode_array, errors, figure, open_section, run_page, tables, trace

Z0 = np.array([1.0, 2.0, 3.0])
Y_WRONG = np.array([1.0, 0.0, 0.0])  # the least likely class of [1, 2, 3]


def test_scale_sweep_values_and_speed():
    at = run_page("saturation")
    assert not at.exception
    fig = figure(at, "scale_fig")
    ce = trace(fig, "softmax + cross-entropy")
    s = decode_array(ce["x"])
    np.testing.assert_allclose([s[0], s[-1]], [1e-2, 1e2], rtol=1e-12)
    a = special.softmax(np.outer(s, Z0), axis=1)
    np.testing.assert_allclose(
        decode_array(ce["y"]), np.linalg.norm(a - Y_WRONG, axis=1), rtol=1e-12
    )
    assert decode_array(ce["y"])[-1] > 1.0  # CE stays of order 1 while wrong
    mse = decode_array(trace(fig, "softmax + MSE")["y"])
    assert mse[-1] < 1e-30  # softmax + MSE vanishes
    top = decode_array(trace(fig, "top_prob", "y4")["y"])
    np.testing.assert_allclose(top, a.max(axis=1), rtol=1e-12)


def test_temperature_sweep_and_its_limits():
    at = run_page("saturation", section="Temperature")
    fig = figure(at, "temp_fig")
    temps = decode_array(fig["data"][0]["x"])
    np.testing.assert_allclose([temps[0], temps[-1]], [1e-3, 1e3], rtol=1e-12)
    entropy = decode_array(trace(fig, "entropy", "y3")["y"])
    gold = special.entr(special.softmax(Z0[None] / temps[:, None], axis=1)).sum(1)
    np.testing.assert_allclose(entropy, gold, rtol=1e-9, atol=1e-300)
    limits = sorted(s["y0"] for s in fig["layout"]["shapes"] if s["name"].startswith("limit"))
    np.testing.assert_allclose(limits, sorted([1.0, 1 / 3, 0.0, np.log(3)]), rtol=1e-12)


def test_bad_scales_keep_the_last_valid_chart():
    at = run_page("saturation")
    before = decode_array(figure(at, "scale_fig")["data"][0]["y"])
    for low, high, message in ((0.0, 100.0, "0"), (-1.0, 100.0, "0"), (50.0, 10.0, "below")):
        at.number_input(key="scale_low").set_value(low)
        at.number_input(key="scale_high").set_value(high).run()
        assert not at.exception
        assert any(message in e for e in errors(at)), errors(at)
        np.testing.assert_array_equal(decode_array(figure(at, "scale_fig")["data"][0]["y"]), before)


def test_attention_controls_and_bad_key_counts():
    at = run_page("saturation", section="Attention")
    at.slider(key="attention_d").set_value(1024).run()
    assert not at.exception
    bars = figure(at, "attention_bars")
    unscaled, scaled = (decode_array(t["y"]) for t in bars["data"])
    assert unscaled.max() > scaled.max()
    np.testing.assert_allclose([scaled.sum(), unscaled.sum()], 1.0, rtol=1e-12)
    for n in (1, 100_000):
        at.number_input(key="attention_n").set_value(n).run()
        assert not at.exception
        assert any("between 2 and 512" in e for e in errors(at)), errors(at)
        again = figure(at, "attention_bars")
        np.testing.assert_array_equal(decode_array(again["data"][1]["y"]), scaled)


def test_precision_table_is_verified():
    at = run_page("saturation", section="Finite precision")
    table = tables(at)[0]
    assert list(table.index) == ["float16", "float32", "float64"]
    evaluated = table.filter(like="evaluated").iloc[:, 0].tolist()
    assert all(v.endswith("→ 0") for v in evaluated), evaluated
    gap = table.filter(like="exactly 0").iloc[:, 0].to_numpy()
    np.testing.assert_allclose(gap[2], -np.log(5e-324) + np.log(2), rtol=1e-3)
    assert sweeps.SATURATION_THRESHOLD == 1e-3


def test_out_of_range_d_and_nan_never_reach_the_page():
    """The browser cannot send them, and Streamlit drops them on the server too: a slider
    value outside 1 … 1024 falls back to the slider's default (a valid d) and a NaN
    number leaves the input as it was, so no chart ever sees them. (The page still checks
    d through ``attention.check_inputs``, whose refusals are tested in test_attention.)"""
    at = run_page("saturation", section="Attention")
    default = {k: figure(at, k) for k in ("attention_bars", "attention_sweep")}
    at.slider(key="attention_d").set_value(256).run()
    assert figure(at, "attention_bars") != default["attention_bars"]
    for bad in (0, 2000):
        at.slider(key="attention_d").set_value(bad).run()
        assert not at.exception
        assert at.slider(key="attention_d").value == 64
        assert figure(at, "attention_bars") == default["attention_bars"]
    open_section(at, "saturation", "Scale")
    scale = figure(at, "scale_fig")
    at.number_input(key="scale_low").set_value(float("nan")).run()
    assert not at.exception
    assert at.number_input(key="scale_low").value == 0.01
    assert figure(at, "scale_fig") == scale
