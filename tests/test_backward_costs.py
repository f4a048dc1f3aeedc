"""backward_costs: counted bytes, timing plans and scaling; no assertion depends on a clock."""

import numpy as np
import pytest
from scipy import special

from softmax_lab import backward_costs as bc


def _batch(n, c, seed=0):
    rng = np.random.default_rng(seed)
    return special.softmax(rng.normal(size=(n, c)) * 3, axis=1), rng.normal(size=(n, c))


@pytest.mark.parametrize(("n", "c"), [(1, 3), (2, 3), (20, 50), (7, 1000)])
def test_extra_bytes_are_the_arrays_each_method_forms(n, c):
    assert bc.extra_bytes("batched", n, c) == n * c * c * 8
    assert bc.extra_bytes("loop", n, c) == c * c * 8
    assert bc.extra_bytes("vjp", n, c) == n * c * 8
    assert bc.extra_bytes("batched", n, c, itemsize=4) == n * c * c * 4


def test_unknown_method_names_the_parameter():
    with pytest.raises(ValueError, match="method"):
        bc.extra_bytes("fast", 1, 1)
    with pytest.raises(ValueError, match="method"):
        bc.timing_plan("fast", 1, 1)
    with pytest.raises(ValueError, match="repeats"):
        bc.time_backward("vjp", *_batch(1, 3), repeats=0)


def test_tracemalloc_peak_of_batched_holds_all_jacobians_and_vjp_does_not():
    a, g = _batch(8, 100)
    batched = bc.peak_bytes("batched", a, g)
    vjp = bc.peak_bytes("vjp", a, g)
    assert batched >= 8 * 100 * 100 * 8
    assert vjp < 8 * 100 * 100 * 8 / 10  # the VJP never forms an (N, C, C) array


def test_timing_plan_caps_the_slow_methods():
    assert bc.timing_plan("loop", 20, 1000) == (2, 100)
    assert bc.timing_plan("loop", 1, 3) == (1, 3)
    rows, classes = bc.timing_plan("batched", 20, 1000)
    assert classes == 1000 and rows * 1000 * 1000 * 8 <= 2**25 < (rows + 1) * 1000 * 1000 * 8
    assert bc.timing_plan("batched", 2, 3) == (2, 3)
    assert bc.timing_plan("vjp", 20, 1000) == (20, 1000)


def test_cost_table_reports_what_was_timed_and_how_it_was_scaled():
    a, g = _batch(6, 300)
    rows = {r["method"]: r for r in bc.cost_table(a, g, repeats=1)}
    assert list(rows) == list(bc.METHODS)
    assert all(r["seconds"] > 0 for r in rows.values())
    assert rows["batched"]["bytes"] == 6 * 300 * 300 * 8
    loop = rows["loop"]
    assert (loop["rows_timed"], loop["classes_timed"]) == (2, 100)
    assert "2 of 6 rows" in loop["note"] and "(C / 100)² = 9" in loop["note"]
    assert rows["vjp"]["note"] == ""
    small = {r["method"]: r for r in bc.cost_table(*_batch(2, 3), repeats=1)}
    assert all(r["note"] == "" for r in small.values())


def test_sub_batch_is_still_a_distribution_and_matches_the_core():
    a, g = _batch(3, 10)
    part, g_part = bc._sub_batch(a, g, 2, 4)
    assert part.shape == g_part.shape == (2, 4)
    np.testing.assert_allclose(part.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    gold = a[:2, :4] / a[:2, :4].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(part, gold, rtol=1e-15)
    # all three methods agree on what they time (the costs compare equal work)
    mine = {m: bc._FNS[m](part, g_part) for m in bc.METHODS}
    gold_dz = np.stack(
        [gi @ (np.diag(ai) - np.outer(ai, ai)) for ai, gi in zip(part, g_part, strict=True)]
    )
    for m, value in mine.items():
        np.testing.assert_allclose(value, gold_dz, rtol=0, atol=1e-14, err_msg=m)


def test_growth_with_classes_shape_and_positive():
    t = bc.growth_with_classes((5, 20), n_rows=3, repeats=1, loop_classes=10)
    assert set(t) == set(bc.METHODS)
    for values in t.values():
        assert values.shape == (2,) and (values > 0).all()
