"""Every layout path of the row reductions gives the same numbers (mine vs SciPy).

``softmax_lab._rows`` picks a path by shape: plain reductions for a few rows or long
rows, a (C, N) classes-first copy for a moderate batch of short rows, and a column
loop for a tall one. Each path is run here with special rows (+inf, −inf masks, NaN,
all −inf), both float dtypes, Fortran order and a temperature.
"""

import numpy as np
import pytest
from scipy import special

import softmax_lab as sl
from softmax_lab import _rows

# (N, C): few rows, classes-first at both ends of its range, tall, long rows.
SHAPES = [
    (5, 10),
    (_rows.MODERATE, 10),
    (200, 10),
    (_rows.TALL - 1, 3),
    (_rows.TALL, 10),
    (200, _rows.SHORT + 1),
]
PATHS = ["plain", "classes-first", "classes-first", "classes-first", "column loop", "plain"]
TOL = {np.float64: 1e-12, np.float32: 2e-6}


def _logits(shape, dtype, seed):
    """Random logits with a +inf row, a masked entry, a NaN row and an all −inf row."""
    z = np.random.default_rng(seed).normal(0.0, 4.0, size=shape)
    z[1, :2] = np.inf  # uniform over the two +inf entries
    z[2, 0] = -np.inf  # a mask: probability exactly 0
    z[3, 1] = np.nan  # NaN spreads in its own row only
    z[4] = -np.inf  # NaN: no class has any weight
    return z.astype(dtype)


def _gold_softmax(z, temperature=1.0):
    """SciPy's softmax row by row, with the limits for +inf rows (SciPy gives NaN there)."""
    with np.errstate(invalid="ignore"):  # SciPy warns on the special rows
        gold = special.softmax(z.astype(np.float64) / temperature, axis=1)
    top_inf = np.isposinf(z).any(axis=1) & ~np.isnan(z).any(axis=1)
    gold[top_inf] = np.isposinf(z[top_inf]) / np.isposinf(z[top_inf]).sum(axis=1, keepdims=True)
    return gold


def test_the_shapes_take_the_paths_named():
    for (N, C), path in zip(SHAPES, PATHS, strict=True):
        z = np.zeros((N, C))
        flipped = _rows.classes_first(z, -1)
        tall = not flipped and _rows._short_rows(z, -1) and N >= _rows.TALL
        mine = "classes-first" if flipped else "column loop" if tall else "plain"
        assert mine == path, (N, C)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", SHAPES)
def test_softmax_and_log_softmax_match_scipy_with_special_rows(shape, dtype):
    z = _logits(shape, dtype, seed=shape[0])
    gold = _gold_softmax(z)
    for order in ("C", "F"):
        zo = np.asarray(z, order=order)
        mine = sl.softmax(zo)
        assert mine.dtype == dtype
        np.testing.assert_allclose(mine, gold, rtol=TOL[dtype], atol=TOL[dtype] * 1e-3)
        with np.errstate(divide="ignore"):
            gold_log = np.log(gold)
        finite = np.isfinite(gold_log)
        mine_log = sl.log_softmax(zo)
        np.testing.assert_allclose(mine_log[finite], gold_log[finite], rtol=TOL[dtype], atol=1e-5)
        np.testing.assert_array_equal(mine_log[~finite], gold_log[~finite])


@pytest.mark.parametrize("shape", SHAPES)
def test_temperature_on_every_path(shape):
    z = np.random.default_rng(7).normal(0.0, 3.0, size=shape)
    for t in (1e-3, 0.5, 40.0):
        mine, gold = sl.softmax(z, temperature=t), special.softmax(z / t, axis=1)
        np.testing.assert_allclose(mine, gold, rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_and_its_grad_with_indices_match_scipy(shape):
    rng = np.random.default_rng(shape[0] + shape[1])
    z = rng.normal(0.0, 4.0, size=shape)
    y = rng.integers(0, shape[1], size=shape[0])
    logp = special.log_softmax(z, axis=1)
    picked = logp[np.arange(shape[0]), y]
    onehot = np.eye(shape[1])[y]
    for order in ("C", "F"):
        zo = np.asarray(z, order=order)
        for reduction, gold_loss, gold_scale in (
            ("mean", -picked.mean(), 1.0 / shape[0]),
            ("sum", -picked.sum(), 1.0),
            ("none", -picked, 1.0),
        ):
            mine = sl.cross_entropy(zo, y, reduction=reduction)
            np.testing.assert_allclose(mine, gold_loss, rtol=1e-12, atol=1e-15)
            mine_grad = sl.cross_entropy_grad(zo, y, reduction=reduction)
            gold_grad = (np.exp(logp) - onehot) * gold_scale
            assert mine_grad.flags.c_contiguous
            np.testing.assert_allclose(mine_grad, gold_grad, rtol=1e-12, atol=1e-15)
            # The index path and the one-hot path agree.
            np.testing.assert_allclose(
                mine_grad, sl.cross_entropy_grad(zo, onehot, reduction=reduction), atol=1e-15
            )


@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_with_indices_at_the_limits(shape):
    z = np.zeros(shape)
    z[0, 0] = -np.inf  # target masked: loss inf
    z[1, 1] = np.inf  # target beaten by +inf: loss inf, gradient moves it to that class
    z[2, 2] = np.inf  # target is the +inf class: loss 0
    y = np.zeros(shape[0], dtype=np.int64)
    y[2] = 2
    per_row = sl.cross_entropy(z, y, reduction="none")
    assert per_row[0] == np.inf and per_row[1] == np.inf and per_row[2] == 0.0
    np.testing.assert_allclose(per_row[3:], np.log(shape[1]), rtol=1e-13)
    grad = sl.cross_entropy_grad(z, y, reduction="sum")
    np.testing.assert_array_equal(grad[1, :3], [-1.0, 1.0, 0.0])
    np.testing.assert_array_equal(grad[2], 0.0)


@pytest.mark.parametrize(
    ("dtype", "bad"),
    [
        (np.int8, -1),
        (np.int8, 10),
        (np.int8, 127),
        (np.int64, -1),
        (np.int64, 10),
        (np.int64, -(2**63)),
        (np.uint64, 10),
        (np.uint64, 2**64 - 1),  # −1 as an intp: the unsigned check must still catch it
    ],
)
def test_out_of_range_indices_raise_on_every_path(dtype, bad):
    for N in (5, 200, _rows.TALL):
        y = np.zeros(N, dtype=dtype)
        y[-1] = bad
        for fn in (sl.cross_entropy, sl.cross_entropy_grad):
            with pytest.raises(ValueError, match="y holds class indices outside 0 … 9"):
                fn(np.zeros((N, 10)), y)
