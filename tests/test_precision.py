"""Precision limits against direct evaluation in each dtype and scipy's log_softmax."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import softmax_lab as sl
from softmax_lab import precision


@pytest.mark.parametrize("name", list(precision.DTYPES))
def test_zero_gap_is_where_stable_softmax_returns_exactly_zero(name):
    dtype = precision.DTYPES[name]
    gap = precision.zero_gap(dtype)
    step = max(1e-3, 4 * float(np.spacing(np.asarray(gap, dtype=dtype))))
    inside, past = precision.probability_at_gap(np.array([gap - step, gap + step]), dtype)
    assert inside > 0
    assert past == 0
    # the smallest positive value it can give is the smallest subnormal
    assert inside == float(np.finfo(dtype).smallest_subnormal)
    assert precision.verify_zero_gap(dtype) == (inside, past)


@pytest.mark.parametrize("name", list(precision.DTYPES))
def test_subnormal_gap_is_where_p_drops_below_the_smallest_normal(name):
    dtype = precision.DTYPES[name]
    gap = precision.subnormal_gap(dtype)
    tiny = float(np.finfo(dtype).tiny)
    before, after = precision.probability_at_gap(np.array([gap - 0.1, gap + 0.1]), dtype)
    assert before >= tiny
    assert 0 < after < tiny


def test_limits_table_matches_finfo_and_is_verified():
    table = precision.limits_table()
    for name, dtype in precision.DTYPES.items():
        row = table[name]
        info = np.finfo(dtype)
        np.testing.assert_allclose(row["overflow_limit"], np.log(float(info.max)), rtol=1e-15)
        gold = -np.log(float(info.smallest_subnormal)) + np.log(2.0)
        np.testing.assert_allclose(row["zero_gap"], gold, rtol=1e-15)
        assert row["verified"]
    assert table["float16"]["zero_gap"] < table["float32"]["zero_gap"] < 746


def test_gap_sweep_log_p_breaks_but_log_softmax_matches_scipy():
    gaps = np.array([1.0, 30.0, 120.0, 800.0])
    out = precision.gap_sweep(gaps, np.float64, eps=1e-12)
    rows = np.stack([np.zeros_like(gaps), -gaps], axis=1)
    gold = special.log_softmax(rows, axis=1)[:, 1]
    np.testing.assert_allclose(out["log_softmax"], gold, rtol=1e-14)
    np.testing.assert_allclose(out["ce_log_softmax"], -gold, rtol=1e-14)
    assert np.isneginf(out["log_of_p"][-1])  # p underflowed to exactly 0
    np.testing.assert_allclose(out["log_of_p"][:2], gold[:2], rtol=1e-12)
    # −log(p + eps) saturates at −log eps once p ≪ eps, though the true loss keeps growing
    np.testing.assert_allclose(out["ce_eps"][2:], -np.log(1e-12), rtol=1e-9)
    assert out["ce_log_softmax"][-1] == pytest.approx(800.0)


def test_gap_sweep_in_float16_saturates_early():
    out = precision.gap_sweep(np.array([20.0]), np.float16, eps=1e-12)
    assert out["p"][0] == 0.0  # 20 > float16's zero gap of 17.33
    assert np.isneginf(out["log_of_p"][0])
    assert out["ce_log_softmax"][0] == pytest.approx(20.0, abs=0.05)


@pytest.mark.parametrize("name", list(precision.DTYPES))
def test_naive_softmax_breaks_just_past_the_overflow_limit_and_stable_does_not(name):
    dtype = precision.DTYPES[name]
    limit = precision.limits_table()[name]["overflow_limit"]
    below = np.array([0.0, limit * 0.999], dtype=dtype)
    above = np.array([0.0, limit * 1.001 + 0.01], dtype=dtype)
    assert np.isfinite(sl.naive_softmax(below)).all()
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(sl.naive_softmax(above)).all()
    mine = sl.softmax(above).astype(np.float64)
    gold = special.softmax(above.astype(np.float64))
    np.testing.assert_allclose(mine, gold, atol={"float16": 1e-3}.get(name, 1e-7))


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 740.0))
def test_probability_at_gap_matches_scipy_in_float64(gap):
    mine = precision.probability_at_gap(np.array([gap]), np.float64)[0]
    gold = special.softmax(np.array([0.0, -gap]))[1]
    assert mine == pytest.approx(gold, rel=1e-12, abs=1e-320)


# -- naive vs stable: the verdict comes from the computed comparison --------------------
# Each case is a row whose failure is known from the dtype's limits, worked out here:
# float16's largest value is 65504, exp(11) = 59874 fits but 2·59874 does not; float32's
# smallest subnormal is 1.4e-45, so exp(−100) = 3.7e-44 keeps ~5 bits and exp(−120) = 7.7e-53
# is 0; float64's smallest subnormal is 4.9e-324 and exp(−800) = 3.7e-348 is 0.
NAIVE_CASES = [
    # (values, dtype, the verdict's kind, the naive result written out)
    ([1.0, 2.0, 3.0], np.float64, "ok", None),
    ([1000.0, 0.0], np.float64, "overflow", [np.nan, 0.0]),
    ([11.0, 11.0], np.float16, "sum_overflow", [0.0, 0.0]),
    ([-800.0, -801.0], np.float64, "zero_by_zero", [np.nan, np.nan]),
    ([-100.0, -120.0], np.float32, "underflow", [1.0, 0.0]),
    ([-100.0, -101.0], np.float32, "lost_digits", None),
    ([1e6, 0.0], np.float16, "input_overflow", None),  # 1e6 does not fit in float16
]


@pytest.mark.parametrize(("values", "dtype", "kind", "naive"), NAIVE_CASES)
def test_naive_verdict_names_what_went_wrong(values, dtype, kind, naive):
    check = precision.naive_vs_stable(np.array(values), dtype)
    assert check.kind == kind, check.message
    with np.errstate(over="ignore"):
        rounded = np.array(values, dtype=dtype).astype(np.float64)
    if np.isfinite(rounded).all():
        gold = special.softmax(
            rounded
        )  # the stable result in the dtype is the true one to its precision
        np.testing.assert_allclose(check.stable, gold, rtol=4 * np.finfo(dtype).eps, atol=1e-45)
    if naive is not None:
        np.testing.assert_array_equal(check.naive, np.array(naive))
    assert check.ok == (kind == "ok")


def test_lost_digits_reports_the_relative_error():
    check = precision.naive_vs_stable(np.array([-100.0, -101.0]), np.float32)
    # exp(−100) and exp(−101) are float32 subnormals, stored as 27·2^-149 and 10·2^-149,
    # so the naive result is 27/37, 10/37 against the true σ(1), σ(−1) = 0.7311, 0.2689
    np.testing.assert_allclose(check.naive, [27 / 37, 10 / 37], rtol=1e-6)
    truth_small = 1 / (1 + np.e)
    np.testing.assert_allclose(
        check.worst_relative_error, abs(10 / 37 / truth_small - 1), rtol=1e-4
    )
    assert "lost digits" in check.message.lower()


# -- −log(p + eps) computed in each dtype --------------------------------------------------
# eps = 1e-12 is 0 in float16 (its smallest subnormal is 6e-8), 9.9999999e-13 in float32.
@pytest.mark.parametrize(
    ("name", "gap", "gold"),
    [
        ("float16", 20.0, np.inf),  # p = 0 (past 17.33) and eps = 0: −log 0
        ("float16", 5.0, -np.log(np.float16(1 / (1 + np.exp(5.0))))),  # eps lost, p itself
        ("float32", 50.0, -np.log(np.float32(1e-12))),  # p = 1.9e-22 vanishes beside eps
        ("float64", 50.0, -np.log(1e-12 + np.exp(-50.0) / (1 + np.exp(-50.0)))),
    ],
)
def test_ce_eps_is_computed_in_the_dtype(name, gap, gold):
    out = precision.gap_sweep(np.array([gap]), precision.DTYPES[name], eps=1e-12)
    eps = np.finfo(precision.DTYPES[name]).eps
    np.testing.assert_allclose(out["ce_eps"][0], gold, rtol=4 * eps)


def test_eps_summary_says_where_each_dtype_flattens():
    gaps = np.linspace(0.0, 800.0, 401)
    summary = precision.eps_summary(gaps, 1e-12)
    assert summary["float16"]["eps_in_dtype"] == 0.0
    assert summary["float16"]["inf_from_gap"] == pytest.approx(18.0)  # first grid gap past 17.33
    assert summary["float32"]["eps_in_dtype"] == pytest.approx(1e-12, rel=1e-7)
    for name in ("float32", "float64"):
        assert summary[name]["inf_from_gap"] is None
        np.testing.assert_allclose(summary[name]["ceiling"], -np.log(1e-12), rtol=1e-6)
