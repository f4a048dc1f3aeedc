"""softmax, log_softmax, logsumexp, sigmoid: mine vs SciPy, and the numerical contract."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special

import softmax_lab as sl

SEEDS = range(5)
# Round-to-nearest gives inf from 2**1024 − 2**970 (max + half an ulp) on.
FLOAT64_OVERFLOW = Fraction(2) ** 1024 - Fraction(2) ** 970


def _shift_fits_float64(z):
    """Whether z − max z, computed exactly, rounds to a finite float64 (per entry).

    log_softmax = (z − max z) − lse with 0 ≤ lse ≤ log C, so this is where its true value
    is finite.
    """
    top = z.max(axis=-1, keepdims=True)
    return np.vectorize(lambda a, b: abs(Fraction(a) - Fraction(b)) < FLOAT64_OVERFLOW)(z, top)


def _random_logits(seed, scale=5.0):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 30)), int(rng.integers(1, 40)))
    return rng.normal(0.0, scale, size=shape)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_log_softmax_logsumexp_match_scipy(seed):
    z = _random_logits(seed)
    for axis in (0, 1, -1):
        np.testing.assert_allclose(
            sl.softmax(z, axis=axis), special.softmax(z, axis=axis), rtol=1e-12, atol=1e-300
        )
        np.testing.assert_allclose(
            sl.log_softmax(z, axis=axis), special.log_softmax(z, axis=axis), rtol=1e-12, atol=1e-12
        )
        np.testing.assert_allclose(
            sl.logsumexp(z, axis=axis), special.logsumexp(z, axis=axis), rtol=1e-13, atol=0
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_temperature_is_softmax_of_z_over_t(seed):
    z = _random_logits(seed)
    for t in (1e-3, 0.37, 12.0, 1e3):
        mine = sl.softmax(z, temperature=t)
        gold = special.softmax(z / t, axis=-1)
        np.testing.assert_allclose(mine, gold, rtol=1e-10, atol=1e-300)
        np.testing.assert_allclose(
            sl.log_softmax(z, temperature=t),
            special.log_softmax(z / t, axis=-1),
            rtol=1e-10,
            atol=1e-9,
        )


def test_sigmoid_and_log_sigmoid_match_scipy():
    z = np.concatenate([np.linspace(-800, 800, 1601), [-1e308, 1e308, 0.0]])
    # SciPy flushes below ~1e-308 to 0 where ours keeps the subnormal: atol covers that.
    np.testing.assert_allclose(sl.sigmoid(z), special.expit(z), rtol=1e-15, atol=1e-307)
    np.testing.assert_allclose(sl.log_sigmoid(z), special.log_expit(z), rtol=1e-14, atol=0)


@pytest.mark.parametrize("magnitude", [1e308, -1e308, 1e300, 3e5])
def test_finite_input_of_any_magnitude_gives_no_warning_and_rows_sum_to_one(magnitude):
    z = np.array([[magnitude, 0.0, -magnitude], [magnitude, magnitude, 1.0], [1.0, 2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = sl.softmax(z)
        logp = sl.log_softmax(z)
        lse = sl.logsumexp(z)
        s = sl.sigmoid(z)
    assert np.isfinite(a).all()
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # log_softmax is finite wherever the true value (z - max z - lse) fits in float64.
    np.testing.assert_array_equal(np.isfinite(logp), _shift_fits_float64(z))
    assert np.isfinite(lse).all()
    assert ((s >= 0) & (s <= 1)).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_max_input_keeps_its_dtype_and_stays_finite(dtype):
    big = np.finfo(dtype).max
    z = np.array([[big, -big, 0], [big, big, big]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = sl.softmax(z)
        logp = sl.log_softmax(z)
    assert a.dtype == dtype
    assert logp.dtype == dtype
    assert np.isfinite(a).all()
    np.testing.assert_allclose(
        a.astype(np.float64).sum(axis=1), 1.0, atol=float(np.finfo(dtype).eps) * 4
    )
    np.testing.assert_array_equal(a[0], [1, 0, 0])


def test_integer_input_computes_in_float64():
    mine = sl.softmax(np.array([1, 2, 3]))
    assert mine.dtype == np.float64
    np.testing.assert_allclose(mine, special.softmax([1.0, 2.0, 3.0]), rtol=1e-15)


def test_log_softmax_finite_where_true_value_finite():
    mine = sl.log_softmax(np.array([1000.0, 0.0, 0.0, 0.0]))
    gold = np.array([0.0, -1000.0, -1000.0, -1000.0])
    np.testing.assert_allclose(mine, gold, rtol=1e-15, atol=1e-300)


def test_shift_invariance():
    z = _random_logits(7)
    for shift in (-1e4, 3.5, 1e5):
        np.testing.assert_allclose(sl.softmax(z + shift), sl.softmax(z), rtol=1e-9, atol=1e-15)


def test_temperature_to_zero_is_argmax_with_ties_split():
    np.testing.assert_array_equal(
        sl.softmax(np.array([1.0, 3.0, 3.0]), temperature=1e-300), [0, 0.5, 0.5]
    )
    np.testing.assert_array_equal(
        sl.softmax(np.array([1.0, 3.0, 2.0]), temperature=1e-300), [0, 1, 0]
    )
    np.testing.assert_array_equal(sl.hardmax(np.array([[2.0, 2.0, 1.0]])), [[0.5, 0.5, 0]])


def test_huge_temperature_is_uniform_and_stays_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine = sl.softmax(np.array([1e300, -1e300, 0.0]), temperature=1e300)
    assert np.isfinite(mine).all()
    np.testing.assert_allclose(
        sl.softmax(np.array([1.0, 5.0]), temperature=1e300), [0.5, 0.5], rtol=1e-15
    )


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf, -np.inf, "hot"])
def test_bad_temperature_raises_naming_it(bad):
    with pytest.raises(ValueError, match="temperature"):
        sl.softmax(np.array([1.0, 2.0]), temperature=bad)
    with pytest.raises(ValueError, match="temperature"):
        sl.log_softmax(np.array([1.0, 2.0]), temperature=bad)


def test_minus_inf_is_a_mask_and_all_minus_inf_is_nan():
    z = np.array([[-np.inf, 0.0, 0.0], [-np.inf, -np.inf, -np.inf]])
    mine = sl.softmax(z)
    np.testing.assert_array_equal(mine[0], [0.0, 0.5, 0.5])
    assert np.isnan(mine[1]).all()
    with np.errstate(invalid="ignore"):
        gold = special.softmax(z[1])
    assert np.isnan(gold).all()


def test_plus_inf_rows_take_the_limit():
    z = np.array([[np.inf, 1.0, np.inf, -np.inf], [np.inf, 5.0, 1.0, 0.0]])
    np.testing.assert_array_equal(sl.softmax(z), [[0.5, 0, 0.5, 0], [1, 0, 0, 0]])
    logp = sl.log_softmax(z)
    np.testing.assert_allclose(logp[0, [0, 2]], np.log(0.5), rtol=1e-15)
    assert np.isneginf(logp[0, [1, 3]]).all()


def test_nan_spreads_only_within_its_row():
    z = np.array([[np.nan, 1.0, 2.0], [1.0, 2.0, 3.0]])
    mine = sl.softmax(z)
    assert np.isnan(mine[0]).all()
    np.testing.assert_allclose(mine[1], special.softmax(z[1]), rtol=1e-15)
    assert np.isnan(sl.log_softmax(z)[0]).all()
    assert np.isfinite(sl.log_softmax(z)[1]).all()


@pytest.mark.parametrize(
    "fn", [sl.softmax, sl.log_softmax, sl.logsumexp, sl.naive_softmax, sl.hardmax]
)
def test_empty_class_axis_raises(fn):
    with pytest.raises(ValueError, match="empty class axis"):
        fn(np.zeros((3, 0)))


def test_overflow_limits_and_the_naive_formula():
    for dtype, gold in (
        (np.float64, 709.782712893384),
        (np.float32, 88.72284),
        (np.float16, 11.0898),
    ):
        mine = sl.overflow_limit(dtype)
        assert abs(mine - gold) < 1e-3
        assert np.isfinite(np.exp(np.array(mine * (1 - 1e-3), dtype=dtype)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        naive = sl.naive_softmax(np.array([1000.0, 1001.0, 1002.0]))
    assert np.isnan(naive).all()
    np.testing.assert_allclose(
        sl.softmax(np.array([1000.0, 1001.0, 1002.0])), special.softmax([0.0, 1, 2]), rtol=1e-15
    )
    np.testing.assert_allclose(
        sl.naive_softmax(np.array([1.0, 2.0])), special.softmax([1.0, 2.0]), rtol=1e-15
    )


def test_entropy_matches_scipy_and_limits():
    z = _random_logits(11)
    mine = sl.entropy(z, temperature=0.7)
    gold = special.entr(special.softmax(z / 0.7, axis=-1)).sum(axis=-1)
    np.testing.assert_allclose(mine, gold, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sl.entropy(np.zeros(7)), np.log(7), rtol=1e-15)
    assert sl.entropy(np.array([1e6, 0.0])) == 0.0


def test_linear_normalise_defined_only_for_nonnegative_rows():
    mine = sl.linear_normalise(np.array([[1.0, 3.0], [-1.0, 2.0], [0.0, 0.0]]))
    np.testing.assert_allclose(mine[0], [0.25, 0.75], rtol=1e-15)
    assert np.isnan(mine[1:]).all()


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=80, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8),
        elements=finite,
    )
)
def test_property_rows_are_distributions_and_log_softmax_finite_where_true_value_is(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = sl.softmax(z)
        logp = sl.log_softmax(z)
    assert ((a >= 0) & (a <= 1)).all()
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(np.isfinite(logp), _shift_fits_float64(z))
    assert (logp <= 0).all()


@settings(max_examples=80, deadline=None)
@given(
    hnp.arrays(np.float64, (3, 5), elements=st.floats(-1e3, 1e3)),
    st.floats(-1e3, 1e3),
    st.floats(1e-2, 1e2),
)
def test_property_shift_invariance_with_temperature(z, shift, t):
    np.testing.assert_allclose(
        sl.softmax(z + shift, temperature=t), sl.softmax(z, temperature=t), rtol=1e-6, atol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("t", [1e-300, 1e-30, 1e30, 1e300])
def test_low_precision_keeps_dtype_at_extreme_temperatures(dtype, t):
    z = np.array([[1.0, 3.0, 3.0], [-2.0, 0.5, 0.25]], dtype=dtype)
    mine = sl.softmax(z, temperature=t)
    logp = sl.log_softmax(z, temperature=t)
    assert mine.dtype == dtype
    assert logp.dtype == dtype
    gold = special.softmax(z.astype(np.float64) / t, axis=-1)
    np.testing.assert_allclose(mine.astype(np.float64), gold, rtol=0, atol=np.finfo(dtype).eps)
    if t < 1:
        np.testing.assert_array_equal(mine, [[0, 0.5, 0.5], [0, 1, 0]])


log_temperature = st.floats(-300, 300).map(lambda e: 10.0**e)


@settings(max_examples=80, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
        elements=finite,
    ),
    log_temperature,
)
def test_property_any_temperature_in_range_stays_finite_for_finite_z(z, t):
    a = sl.softmax(z, temperature=t)  # a RuntimeWarning would fail the test (pytest config)
    assert np.isfinite(a).all()
    assert ((a >= 0) & (a <= 1)).all()
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert (sl.log_softmax(z, temperature=t) <= 0).all()


def test_float16_long_rows_do_not_overflow_the_sum():
    z = np.zeros((2, 70_000), dtype=np.float16)  # Σ exp(0) = 70 000 > float16 max 65 504
    mine = sl.softmax(z)
    assert mine.dtype == np.float16
    # 1/70 000 is a float16 subnormal: its spacing is 2**-24.
    np.testing.assert_allclose(mine.astype(np.float64), 1 / 70_000, rtol=0, atol=2.0**-24)
    np.testing.assert_allclose(sl.log_softmax(z).astype(np.float64), -np.log(70_000), rtol=1e-3)
    np.testing.assert_allclose(float(sl.logsumexp(z)[0]), np.log(70_000), rtol=1e-3)


def test_logsumexp_limits_and_row_isolation():
    z = np.array([[np.inf, 0.0], [-np.inf, -np.inf], [np.nan, 0.0], [1e308, 1e308]])
    mine = sl.logsumexp(z)
    assert mine[0] == np.inf
    assert mine[1] == -np.inf
    assert np.isnan(mine[2])
    assert mine[3] == 1e308  # 1e308 + log 2 rounds to 1e308
    with np.errstate(invalid="ignore"):
        gold = special.logsumexp(z, axis=1)
    np.testing.assert_array_equal(mine, gold)


def test_log_sigmoid_at_float64_extremes():
    z = np.array([-1e308, -1e308 / 3, 1e308])
    np.testing.assert_array_equal(sl.log_sigmoid(z), [-1e308, -1e308 / 3, 0.0])
    np.testing.assert_array_equal(sl.sigmoid(z), [0.0, 0.0, 1.0])
    assert sl.sigmoid(np.array([1, -1], dtype=np.float16)).dtype == np.float16


def test_hardmax_nan_and_all_minus_inf_rows_are_nan_alone():
    z = np.array([[np.nan, 1.0, 2.0], [-np.inf, -np.inf, -np.inf], [np.inf, np.inf, 0.0]])
    mine = sl.hardmax(z)
    assert np.isnan(mine[:2]).all()
    np.testing.assert_array_equal(mine[2], [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(mine[2], sl.softmax(z[2]))


def test_linear_normalise_huge_and_tiny_rows_and_defined_flags():
    z = np.array([[1e308, 0.75e308], [5e-324, 5e-324], [1.0, np.inf], [np.nan, 1.0]])
    mine = sl.linear_normalise(z)
    np.testing.assert_allclose(mine[0], [4 / 7, 3 / 7], rtol=1e-15)
    np.testing.assert_array_equal(mine[1], [0.5, 0.5])
    assert np.isnan(mine[2:]).all()
    np.testing.assert_array_equal(sl.linear_normalise_defined(z), [True, True, False, False])
    np.testing.assert_array_equal(
        sl.linear_normalise_defined(np.array([[1.0, 3.0], [-1.0, 2.0], [0.0, 0.0]])),
        [True, False, False],
    )


def test_entropy_is_nan_only_in_undefined_rows():
    z = np.array([[np.nan, 1.0], [-np.inf, -np.inf], [np.inf, np.inf], [0.0, -np.inf]])
    mine = sl.entropy(z)
    assert np.isnan(mine[:2]).all()
    np.testing.assert_allclose(mine[2], np.log(2), rtol=1e-15)
    assert mine[3] == 0.0


@pytest.mark.parametrize(
    ("N", "C", "dtype"),
    [(4096, 10, np.float64), (10_000, 3, np.float64), (7000, 32, np.float32)],
    ids=["one-block-past-tall", "tall", "float32-widest-short"],
)
def test_tall_batches_of_short_rows_match_scipy_block_by_block(N, C, dtype):
    # A tall batch of short rows is normalised one cache-sized block of rows at a
    # time; the infinities, the NaN and a huge row go in different blocks.
    rng = np.random.default_rng(N + C)
    z = (rng.normal(size=(N, C)) * 4).astype(dtype)
    z[0, 1] = -np.inf
    z[N // 3, 2] = np.inf
    z[N // 2] = np.linspace(-1, 1, C) * (np.finfo(dtype).max / 2)
    z[N - 1, 0] = np.nan
    with np.errstate(invalid="ignore"):  # SciPy's inf − inf in the +inf row
        gold = special.softmax(z.astype(np.float64), axis=1)
    gold[N // 3] = np.eye(C)[2]  # the +inf row's limit (SciPy gives NaN there)
    # float32 carries |z − max z| · 6e-8 relative error into each exp: atol covers it.
    rtol, atol = (1e-12, 1e-300) if dtype == np.float64 else (1e-5, 1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for layout in (z, np.asfortranarray(z)):
            mine = sl.softmax(layout)
            assert mine.dtype == dtype and mine.flags.c_contiguous == layout.flags.c_contiguous
            np.testing.assert_allclose(mine, gold, rtol=rtol, atol=atol)
        mine_t = sl.softmax(z, temperature=0.3)
    gold_t = special.softmax(z[1 : N // 3].astype(np.float64) / 0.3, axis=1)
    np.testing.assert_allclose(mine_t[1 : N // 3], gold_t, rtol=rtol, atol=atol)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_scipy_named_functions_follow_scipy_along_the_same_axis_and_on_1d_input(axis):
    # softmax, log_softmax and logsumexp take SciPy's values and shapes for the same
    # axis (SciPy's own default, axis=None, reduces every element: pass axis to compare)
    rng = np.random.default_rng(31)
    z = rng.normal(size=(4, 5)) * 3
    np.testing.assert_allclose(sl.softmax(z, axis=axis), special.softmax(z, axis=axis), rtol=1e-13)
    np.testing.assert_allclose(
        sl.log_softmax(z, axis=axis), special.log_softmax(z, axis=axis), rtol=1e-13
    )
    mine, gold = sl.logsumexp(z, axis=axis), special.logsumexp(z, axis=axis)
    assert mine.shape == gold.shape
    np.testing.assert_allclose(mine, gold, rtol=1e-13)
    v = z[0]  # 1-D input is one row, as in SciPy (and in torch with dim=-1)
    np.testing.assert_allclose(sl.softmax(v), special.softmax(v), rtol=1e-13)
    assert np.shape(sl.logsumexp(v)) == np.shape(special.logsumexp(v)) == ()
    np.testing.assert_allclose(sl.logsumexp(v), special.logsumexp(v), rtol=1e-13)
    # entropy takes logits: scipy.stats.entropy of their softmax along the same axis
    from scipy import stats

    np.testing.assert_allclose(
        sl.entropy(z, axis=axis),
        stats.entropy(special.softmax(z, axis=axis), axis=axis),
        rtol=1e-12,
    )
