"""Cross-entropy and BCE on logits: mine vs SciPy-built gold, gradients vs finite differences."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special

import softmax_lab as sl


def _ce_gold(z, y):
    return -(y * special.log_softmax(z, axis=1)).sum(axis=1)


def _bce_gold(z, y):
    return -(y * special.log_expit(z) + (1 - y) * special.log_expit(-z)).sum(axis=1)


@pytest.mark.parametrize("seed", range(4))
def test_cross_entropy_matches_scipy_for_indices_onehot_and_soft(seed):
    rng = np.random.default_rng(seed)
    N, C = int(rng.integers(1, 10)), int(rng.integers(2, 12))
    z = rng.normal(size=(N, C)) * 4
    idx = rng.integers(0, C, size=N)
    onehot = np.eye(C)[idx]
    soft = rng.dirichlet(np.ones(C), size=N)
    gold = _ce_gold(z, onehot)
    np.testing.assert_allclose(sl.cross_entropy(z, idx, reduction="none"), gold, rtol=1e-12)
    np.testing.assert_allclose(sl.cross_entropy(z, onehot, reduction="none"), gold, rtol=1e-12)
    np.testing.assert_allclose(sl.cross_entropy(z, idx), gold.mean(), rtol=1e-12)
    np.testing.assert_allclose(sl.cross_entropy(z, idx, reduction="sum"), gold.sum(), rtol=1e-12)
    np.testing.assert_allclose(sl.cross_entropy(z, soft), _ce_gold(z, soft).mean(), rtol=1e-12)


def test_label_smoothing():
    z = np.array([[1.0, 2.0, 0.5]])
    y = np.array([1])
    eps = 0.1
    gold = _ce_gold(z, (1 - eps) * np.eye(3)[[1]] + eps / 3)
    np.testing.assert_allclose(sl.cross_entropy(z, y, label_smoothing=eps), gold.mean(), rtol=1e-12)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="label_smoothing"):
            sl.cross_entropy(z, y, label_smoothing=bad)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_grad_matches_finite_differences(reduction, smoothing):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(4, 5))
    y = rng.uniform(0, 1, size=(4, 5))  # soft rows that do not sum to 1
    upstream = rng.normal(size=4) if reduction == "none" else 1.0

    def f(v):
        return float(
            np.sum(
                sl.cross_entropy(v, y, reduction=reduction, label_smoothing=smoothing) * upstream
            )
        )

    gold = sl.numerical_gradient(f, z)
    mine = sl.cross_entropy_grad(z, y, reduction=reduction, label_smoothing=smoothing)
    if reduction == "none":
        mine = mine * upstream[:, None]
    np.testing.assert_allclose(mine, gold, rtol=1e-6, atol=1e-8)


def test_cross_entropy_grad_is_softmax_times_sum_y_minus_y():
    z = np.array([[0.5, -1.0, 2.0]])
    y = np.array([[0.5, 0.5, 0.5]])
    a = special.softmax(z, axis=1)
    np.testing.assert_allclose(sl.cross_entropy_grad(z, y), a * 1.5 - y, rtol=1e-14)
    np.testing.assert_allclose(
        sl.cross_entropy_grad(z, np.array([2])), a - np.eye(3)[[2]], rtol=1e-14
    )


def test_cross_entropy_is_finite_for_huge_logits_and_masks():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine = sl.cross_entropy(np.array([[1e308, -1e308, 0.0]]), np.array([2]))
        masked = sl.cross_entropy(np.array([[-np.inf, 0.0]]), np.array([1]))
    assert mine == 1e308
    assert masked == 0.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"reduction": "avg"}, "reduction"),
        ({"y": np.array([3])}, "y"),
        ({"y": np.ones((2, 2))}, "y"),
    ],
)
def test_cross_entropy_bad_arguments_name_the_parameter(kwargs, name):
    args = {"logits": np.zeros((1, 3)), "y": np.array([0])} | kwargs
    with pytest.raises(ValueError, match=name):
        sl.cross_entropy(**args)


@pytest.mark.parametrize("seed", range(3))
def test_bce_matches_scipy_and_its_grad_finite_differences(seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(5, 4)) * 5
    y = rng.uniform(size=(5, 4))
    gold = -(y * special.log_expit(z) + (1 - y) * special.log_expit(-z))  # elementwise
    np.testing.assert_allclose(
        sl.binary_cross_entropy_with_logits(z, y, reduction="none"), gold, rtol=1e-12
    )
    np.testing.assert_allclose(sl.binary_cross_entropy_with_logits(z, y), gold.mean(), rtol=1e-12)
    fd = sl.numerical_gradient(lambda v: sl.binary_cross_entropy_with_logits(v, y, "sum"), z)
    np.testing.assert_allclose(
        sl.binary_cross_entropy_with_logits_grad(z, y, reduction="sum"), fd, rtol=1e-6, atol=1e-9
    )


def test_bce_limits_at_infinity_without_warnings():
    z = np.array([[np.inf, -np.inf, np.inf, -np.inf]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine = sl.binary_cross_entropy_with_logits(z[:, :2], y[:, :2])
        inf_case = sl.binary_cross_entropy_with_logits(z[:, 2:3], y[:, 2:3])
        huge = sl.binary_cross_entropy_with_logits(
            np.array([[1e308, -1e308]]), np.array([[0.0, 1.0]])
        )
    assert mine == 0.0
    assert inf_case == np.inf
    assert huge == np.inf  # 2e308 does not fit in float64


def test_the_notes_bce_sign_mistake():
    from softmax_lab.reference_examples import notes_bce

    a, y = 0.3, 0.0
    right = sl.binary_cross_entropy_with_logits(np.array([[special.logit(a)]]), np.array([[y]]))
    np.testing.assert_allclose(right, -np.log(1 - a), rtol=1e-12)
    assert notes_bce(a, y) == pytest.approx(np.log(1 - a))  # negative: not a loss at all
    assert notes_bce(a, y) < 0 < right


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, (3, 4), elements=st.floats(-1e6, 1e6)),
    hnp.arrays(np.float64, (3, 4), elements=st.floats(0, 1)),
)
def test_property_losses_nonnegative_finite(z, y):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce = sl.cross_entropy(z, y, reduction="none")
        bce = sl.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert np.isfinite(ce).all()
    assert (ce >= 0).all()
    assert np.isfinite(bce).all()
    assert (bce >= -1e-12).all()


def test_bce_row_sums_in_pairs_are_c_times_the_elementwise_mean():
    # the per-row view the pages compare lives in pairs, named as such
    from softmax_lab.pairs import bce_row_sums

    rng = np.random.default_rng(6)
    z, y = rng.normal(size=(6, 4)) * 3, rng.uniform(size=(6, 4))
    elementwise = -(y * special.log_expit(z) + (1 - y) * special.log_expit(-z))
    np.testing.assert_allclose(bce_row_sums(z, y), elementwise.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(
        bce_row_sums(z, y).mean(), 4 * sl.binary_cross_entropy_with_logits(z, y), rtol=1e-12
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_grad_matches_finite_differences_for_each_reduction(reduction):
    rng = np.random.default_rng(8)
    z, y = rng.normal(size=(4, 3)) * 2, rng.uniform(size=(4, 3))
    upstream = rng.normal(size=(4, 3)) if reduction == "none" else 1.0

    def f(v):
        return float(np.sum(sl.binary_cross_entropy_with_logits(v, y, reduction) * upstream))

    gold = sl.numerical_gradient(f, z)
    mine = sl.binary_cross_entropy_with_logits_grad(z, y, reduction) * upstream
    np.testing.assert_allclose(mine, gold, rtol=1e-6, atol=1e-9)


def test_bce_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="reduction"):
        sl.binary_cross_entropy_with_logits(np.zeros((1, 2)), np.zeros((1, 2)), "avg")
    with pytest.raises(ValueError, match="y"):
        sl.binary_cross_entropy_with_logits_grad(np.zeros((1, 2)), np.zeros((1, 3)))


def test_cross_entropy_with_classes_on_axis_zero():
    rng = np.random.default_rng(10)
    z = rng.normal(size=(5, 3))  # C = 5 classes down the columns, as in the overview note
    idx = np.array([4, 0, 2])
    gold = -special.log_softmax(z, axis=0)[idx, np.arange(3)]
    mine = sl.cross_entropy(z, idx, axis=0, reduction="none")
    np.testing.assert_allclose(mine, gold, rtol=1e-12)
    onehot = np.eye(5)[idx].T
    np.testing.assert_allclose(
        sl.cross_entropy_grad(z, idx, axis=0, reduction="sum"),
        special.softmax(z, axis=0) - onehot,
        rtol=1e-12,
        atol=1e-15,
    )


def test_cross_entropy_grad_with_indices_and_label_smoothing_matches_finite_differences():
    rng = np.random.default_rng(13)
    z, idx = rng.normal(size=(3, 4)), np.array([0, 3, 3])
    gold = sl.numerical_gradient(lambda v: sl.cross_entropy(v, idx, label_smoothing=0.3), z)
    mine = sl.cross_entropy_grad(z, idx, label_smoothing=0.3)
    np.testing.assert_allclose(mine, gold, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="label_smoothing"):
        sl.cross_entropy_grad(z, idx, label_smoothing=-0.5)
    with pytest.raises(ValueError, match="y"):
        sl.cross_entropy_grad(z, np.array([0, 4, 1]))


def test_cross_entropy_limits_at_infinity():
    z = np.array([[np.inf, 0.0, np.inf], [np.inf, 0.0, 0.0]])
    mine = sl.cross_entropy(z, np.array([0, 1]), reduction="none")
    np.testing.assert_allclose(mine[0], np.log(2), rtol=1e-15)  # half the mass on class 0
    assert mine[1] == np.inf  # the target has probability 0
    np.testing.assert_array_equal(
        sl.cross_entropy_grad(z, np.array([0, 1]), reduction="sum"),
        [[-0.5, 0.0, 0.5], [1.0, -1.0, 0.0]],
    )


@pytest.mark.parametrize(
    ("N", "C"),
    [(200, 10), (3290, 10), (5000, 10), (4, 20_000), (40, 1000), (9, 3)],
    ids=["one-block", "last-block-short", "tall", "rows-past-a-block", "long", "few-rows"],
)
def test_class_index_path_matches_scipy_in_every_layout(N, C):
    # The gather path works on (C, N) copies of moderate batches of short rows, one
    # cache-sized block of rows at a time; infinities and NaN go in different blocks.
    rng = np.random.default_rng(N + C)
    z, y = rng.normal(size=(N, C)) * 3, rng.integers(0, C, N)
    special_rows = {0: "mask", N // 2: "huge", N - 1: "nan"} if N >= 3 else {}
    for row, kind in special_rows.items():
        if kind == "mask":
            z[row, (y[row] + 1) % C] = -np.inf
        elif kind == "huge":
            z[row] *= 1e300
        else:
            z[row, 0] = np.nan
    gold_nll = -special.log_softmax(z, axis=1)[np.arange(N), y]
    gold_grad = (special.softmax(z, axis=1) - np.eye(C)[y]) / N
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way
        mine_nll = sl.cross_entropy(z, y, reduction="none")
        mine_grad = sl.cross_entropy_grad(z, y)
        mine_mean = sl.cross_entropy(z[:-1], y[:-1])  # without the NaN row
    np.testing.assert_allclose(mine_nll, gold_nll, rtol=1e-12)
    np.testing.assert_allclose(mine_grad, gold_grad, rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(mine_mean, gold_nll[:-1].mean(), rtol=1e-12)
    for other in (np.asfortranarray(z), np.repeat(z, 2, axis=1)[:, ::2]):  # F order, strided
        np.testing.assert_allclose(sl.cross_entropy(other, y, reduction="none"), gold_nll)
        np.testing.assert_allclose(sl.cross_entropy_grad(other, y), gold_grad, atol=1e-18)


# -- PyTorch's conventions for binary_cross_entropy_with_logits ------------------------
# torch.nn.functional.binary_cross_entropy_with_logits(x, y, reduction=...) takes the
# elementwise loss l = max(x, 0) − x·y + log(1 + exp(−|x|)) (its docs: l = −[y log σ(x) +
# (1 − y) log(1 − σ(x))]); "none" returns l in the input's shape, "mean" is l.mean() over
# every element, "sum" is l.sum(). The gold below is that formula written out by hand on
# a 2 × 2 batch, then its digits.
BCE_X = np.array([[0.0, 2.0], [-1.0, 3.0]])
BCE_Y = np.array([[1.0, 0.0], [0.25, 1.0]])
# l = [[log 2, 2 + log(1 + e^-2)], [0.25 + log(1 + e^-1), log(1 + e^-3)]]
BCE_GOLD_NONE = np.array(
    [
        [np.log(2.0), 2.0 + np.log1p(np.exp(-2.0))],
        [0.25 + np.log1p(np.exp(-1.0)), np.log1p(np.exp(-3.0))],
    ]
)
BCE_GOLD_DIGITS = np.array(
    [[0.6931471805599453, 2.1269280110429727], [0.5632616875182228, 0.04858735157374206]]
)


def test_bce_gold_digits_are_the_formula():
    np.testing.assert_allclose(BCE_GOLD_NONE, BCE_GOLD_DIGITS, rtol=1e-15)


@pytest.mark.parametrize(
    ("reduction", "gold"),
    [
        ("none", BCE_GOLD_DIGITS),
        ("mean", 3.4319242307 / 4),  # Σ l / 4 elements, not / 2 rows
        ("sum", 3.4319242307),
    ],
)
def test_bce_follows_pytorch_reductions_on_2d_input(reduction, gold):
    mine = sl.binary_cross_entropy_with_logits(BCE_X, BCE_Y, reduction=reduction)
    assert np.shape(mine) == np.shape(gold)
    np.testing.assert_allclose(mine, gold, rtol=1e-10)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_1d_input_is_a_vector_of_elements_not_one_row(reduction):
    x, y = BCE_X.ravel(), BCE_Y.ravel()
    gold = {"none": BCE_GOLD_DIGITS.ravel(), "mean": 3.4319242307 / 4, "sum": 3.4319242307}
    mine = sl.binary_cross_entropy_with_logits(x, y, reduction=reduction)
    assert np.shape(mine) == np.shape(gold[reduction])
    np.testing.assert_allclose(mine, gold[reduction], rtol=1e-10)


@pytest.mark.parametrize("shape", [(4,), (2, 2), (1, 2, 2)])
def test_bce_grad_follows_pytorch_for_each_reduction(shape):
    # d mean(l)/dx = (σ(x) − y) / numel; d sum(l)/dx = σ(x) − y; "none" is the
    # elementwise derivative dl_i/dx_i (what l.backward(ones) gives).
    x, y = BCE_X.reshape(shape), BCE_Y.reshape(shape)
    elementwise = 1.0 / (1.0 + np.exp(-x)) - y
    for reduction, scale in (("none", 1.0), ("sum", 1.0), ("mean", 1.0 / 4)):
        mine = sl.binary_cross_entropy_with_logits_grad(x, y, reduction=reduction)
        assert mine.shape == shape
        np.testing.assert_allclose(mine, elementwise * scale, rtol=1e-14)


def test_bce_grad_matches_finite_differences_of_the_mean_over_elements():
    rng = np.random.default_rng(12)
    z, y = rng.normal(size=(3, 5)) * 2, rng.uniform(size=(3, 5))
    fd = sl.numerical_gradient(lambda v: sl.binary_cross_entropy_with_logits(v, y), z)
    np.testing.assert_allclose(sl.binary_cross_entropy_with_logits_grad(z, y), fd, rtol=1e-6)


# -- PyTorch's conventions for cross_entropy ---------------------------------------------
def test_cross_entropy_1d_input_is_one_sample_as_in_pytorch():
    # torch: F.cross_entropy(tensor([1., 2., 3.]), tensor(2)) = log(e + e² + e³) − 3
    z = np.array([1.0, 2.0, 3.0])
    gold = np.log(np.e + np.e**2 + np.e**3) - 3.0  # 0.40760596444438...
    for reduction in ("none", "mean", "sum"):
        mine = sl.cross_entropy(z, np.int64(2), reduction=reduction)
        assert np.shape(mine) == ()
        np.testing.assert_allclose(mine, gold, rtol=1e-14)
    soft = np.array([0.2, 0.3, 0.5])
    gold_soft = -(soft * (z - np.log(np.exp(z).sum()))).sum()
    np.testing.assert_allclose(sl.cross_entropy(z, soft), gold_soft, rtol=1e-14)
    # the gradient of a 1-D input is not divided by anything: one sample
    np.testing.assert_allclose(
        sl.cross_entropy_grad(z, np.int64(2)), np.exp(z) / np.exp(z).sum() - [0, 0, 1], rtol=1e-14
    )


def test_cross_entropy_with_extra_dims_reduces_like_pytorch():
    # torch: input (N, C, d), target (N, d): "none" is (N, d), "mean" averages the N·d values
    rng = np.random.default_rng(21)
    z, y = rng.normal(size=(2, 3, 4)), rng.integers(0, 3, size=(2, 4))
    logp = special.log_softmax(z, axis=1)
    gold = -np.take_along_axis(logp, y[:, None, :], axis=1)[:, 0, :]
    none = sl.cross_entropy(z, y, axis=1, reduction="none")
    assert none.shape == (2, 4)
    np.testing.assert_allclose(none, gold, rtol=1e-13)
    np.testing.assert_allclose(sl.cross_entropy(z, y, axis=1), gold.mean(), rtol=1e-13)
    fd = sl.numerical_gradient(lambda v: sl.cross_entropy(v, y, axis=1), z)
    np.testing.assert_allclose(sl.cross_entropy_grad(z, y, axis=1), fd, rtol=1e-6, atol=1e-10)
