"""Claims on the Saturation page: every tab on adversarial batches, against values computed here.

By default the page labels the least likely class of the row (a wrong prediction). The
sweeps feed the pairs u = s·z (Scale) or u = z / T (Temperature): what they plot is
dL/du unless the reader asks for the raw logits z.
"""

import numpy as np
import pytest
from scipy import special

from tests.claims import BATCHES, logits, open_page
from tests.page_harness import decode_array, figure, tables


def _open(batch, section, **state):
    return open_page("saturation", BATCHES[batch], section, **state)


def _row(batch):
    z = logits(BATCHES[batch])[0]
    y = np.zeros(z.size)
    y[np.argmin(z)] = 1.0  # the page's default: the least likely class is the label
    return z, y


def _ce_norm(u, y):
    return np.linalg.norm(special.softmax(u, axis=-1) * y.sum() - y, axis=-1)


def _mse_norm(u, y):
    a = special.softmax(u, axis=-1)
    g = 2 * (a - y)
    return np.linalg.norm(a * (g - (a * g).sum(-1, keepdims=True)), axis=-1)


def _trace(fig, name):
    return next(t for t in fig["data"] if t["name"] == name)


@pytest.mark.parametrize("batch", ["huge", "ties", "float16_edge", "underflow"])
@pytest.mark.parametrize("raw", [False, True])
def test_scale_panel_names_its_variable_and_the_caption_its_numbers(batch, raw):
    state = {"scale_wrt": "z, the raw logits (= s·dL/du)"} if raw else {}
    at = _open(batch, "Scale", **state)
    z, y = _row(batch)
    fig = figure(at, "scale_fig")
    title = fig["layout"]["annotations"][0]["text"]
    assert title.startswith("‖dL/dz‖" if raw else "‖dL/du‖, u = s·z"), title
    s = decode_array(_trace(fig, "softmax + cross-entropy")["x"])
    u = s[:, None] * z[None]
    gold = _ce_norm(u, y) * (s if raw else 1.0)
    shown = decode_array(_trace(fig, "softmax + cross-entropy")["y"])
    np.testing.assert_allclose(shown, np.maximum(gold, 1e-300), rtol=1e-9)
    caption = next(c.value for c in at.caption if c.value.startswith("At s = "))
    ce, mse = _ce_norm(s[-1] * z, y), _mse_norm(s[-1] * z, y)
    assert f"is {ce:.3g} for softmax + CE and {mse:.3g} for softmax + MSE" in caption
    assert f"({ce * s[-1]:.3g} and {mse * s[-1]:.3g})" in caption
    # the label is the least likely class, so the prediction is wrong unless all tie
    wrong = y[np.argmax(z)] < 1
    assert ("prediction is wrong" in caption) == wrong, caption


@pytest.mark.parametrize("batch", ["ties", "cold", "huge"])
def test_temperature_panel_and_its_limits(batch):
    at = _open(batch, "Temperature", temp_wrt="z, the raw logits (= dL/du / T)")
    z, y = _row(batch)
    fig = figure(at, "temp_fig")
    assert fig["layout"]["annotations"][0]["text"].startswith("‖dL/dz‖")
    T = decode_array(_trace(fig, "softmax + cross-entropy")["x"])
    gold = _ce_norm(z[None] / T[:, None], y) / T  # dL/dz = dL/du / T
    shown = decode_array(_trace(fig, "softmax + cross-entropy")["y"])
    np.testing.assert_allclose(shown, np.maximum(gold, 1e-300), rtol=1e-9)
    ties = int(np.sum(z == z.max()))
    lines = {s["name"]: s["y0"] for s in fig["layout"]["shapes"] if s["name"].startswith("limit")}
    np.testing.assert_allclose(lines["limit: T → 0: argmax"], 1 / ties, rtol=1e-15)
    np.testing.assert_allclose(lines["limit: T → 0: log #ties"], np.log(ties), rtol=1e-15)
    np.testing.assert_allclose(lines["limit: T → ∞: 1/C"], 1 / z.size, rtol=1e-15)


def test_finite_precision_table_and_caption_are_computed_in_each_dtype():
    at = _open("float16_edge", "Finite precision")
    table = tables(at)[0]
    for name in ("float16", "float32", "float64"):
        info = np.finfo(name)
        row = table.loc[name]
        np.testing.assert_allclose(row.iloc[0], np.log(float(info.max)), rtol=1e-12)
        np.testing.assert_allclose(row.iloc[1], -np.log(float(info.tiny)), rtol=1e-12)
        np.testing.assert_allclose(
            row.iloc[2], np.log(2.0) - np.log(float(info.smallest_subnormal)), rtol=1e-12
        )
    caption = next(c.value for c in at.caption if "−log(p + eps)" in c.value)
    # float16: eps = 1e-12 rounds to 0 and p = 0 past 17.33, so the grid's gap 18 gives inf
    assert "in float16 eps rounds to 0" in caption and "from a gap of 18" in caption, caption
    # float32 and float64: it flattens at −log(1e-12) = 27.63
    assert caption.count(f"flattens at {-np.log(1e-12):.4g}") == 2, caption
    assert "much earlier" not in caption


@pytest.mark.parametrize(("d", "n"), [(64, 16), (1, 2), (1024, 512)])
def test_attention_caption_top_weights(d, n):
    at = _open("ties", "Attention", attention_d=d, attention_n=n)
    rng = np.random.default_rng(0)  # the page's default seed draws q, then K
    q, K = rng.normal(size=d), rng.normal(size=(n, d))
    scaled, unscaled = special.softmax(K @ q / np.sqrt(d)), special.softmax(K @ q)
    caption = next(c.value for c in at.caption if c.value.startswith("q and the n ="))

    def frob(a):
        return np.linalg.norm(np.diag(a) - np.outer(a, a))

    assert f"top weight {unscaled.max():.3f}, ‖J‖_F = {frob(unscaled):.3g}" in caption
    assert f"top weight {scaled.max():.3f}, ‖J‖_F = {frob(scaled):.3g}" in caption
    assert f"√d ≈ {np.sqrt(d):.1f} (this draw: standard deviation {np.std(K @ q):.2f})" in caption


@pytest.mark.parametrize("batch", list(BATCHES))
def test_temperature_caption_gives_both_ends_beside_the_limits(batch):
    at = _open(batch, "Temperature")
    z, _ = _row(batch)
    caption = next(c.value for c in at.caption if c.value.startswith("At T = "))
    for T in (0.001, 1000.0):
        a = special.softmax(z / T)
        ent = 0.0 - np.sum(np.where(a > 0, a * special.log_softmax(z / T), 0.0))
        assert f"{a.max():.4g}" in caption and f"{ent:.4g}" in caption, (T, caption)
    ties = int(np.sum(z == z.max()))
    assert f"(limit {1 / ties:.4g}: 1 / the number of tied top logits)" in caption
    assert f"log C = {np.log(z.size):.4g}" in caption
