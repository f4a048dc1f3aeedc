"""Claims on the Probabilities page: what it shows, checked against values computed here.

Every expected value is computed in this file from SciPy or a closed form written out
below, never by the softmax_lab function that produced the shown one. The batches are
built through the link format (query parameters), as a shared link would.
"""

import numpy as np
import pytest
from scipy import special

from tests.page_harness import decode_array, plotly_figures, run_page


def _query(z, y=None, T=1.0, mode="one-hot"):
    z = np.atleast_2d(np.asarray(z, dtype=float))
    q = {
        "T": repr(float(T)),
        "mode": mode,
        "z": ";".join(",".join(repr(float(v)) for v in r) for r in z),
    }
    if y is not None:
        y = np.asarray(y)
        q["y"] = (
            ",".join(str(int(k)) for k in y)
            if mode == "one-hot"
            else ";".join(",".join(repr(float(v)) for v in r) for r in np.atleast_2d(y))
        )
    return q


def _naive(at, dtype_name):
    next(t for t in at.toggle if t.label.startswith("Compare with the naive")).set_value(True).run()
    next(r for r in at.radio if r.label == "Precision").set_value(dtype_name).run()
    assert not at.exception
    return at


def _verdict(at):
    shown = [*at.error, *at.success, *at.warning]
    texts = [e.value for e in shown if "naive" in e.value.lower()]
    assert len(texts) == 1, texts
    return texts[0]


# The verdicts, each from the dtype's limits worked out by hand: float16 holds at most
# 65504 (exp(11) = 59874 fits, twice it does not) and nothing below 6e-8; float32
# nothing below 1.4e-45 (exp(−120) = 7.7e-53 is 0; exp(−100) = 3.7e-44 keeps ~5 bits);
# float64 nothing below 4.9e-324 (exp(−800) is 0) and at most 1.8e308 (exp(710) is not).
NAIVE = [
    ([[1.0, 2.0, 3.0]], "float64", "agrees"),
    ([[1000.0, 0.0]], "float64", "overflow"),
    ([[11.0, 11.0]], "float16", "sum overflows"),
    ([[-800.0, -801.0]], "float64", "0/0"),
    ([[-100.0, -120.0]], "float32", "underflow to 0"),
    ([[-100.0, -101.0]], "float32", "lost digits"),
]


@pytest.mark.parametrize(("z", "dtype_name", "said"), NAIVE)
def test_naive_verdict_names_what_the_comparison_found(z, dtype_name, said):
    at = _naive(run_page("probabilities", query=_query(z, [0])), dtype_name)
    verdict = _verdict(at)
    assert said in verdict.lower(), verdict
    if said != "agrees":
        assert "still works" not in verdict
    # the chart shows both results; the stable bars equal SciPy's in float64
    fig = plotly_figures(at)[-1]
    stable = decode_array(next(t for t in fig["data"] if t["name"].startswith("stable"))["y"])
    gold = special.softmax(np.asarray(z[0], dtype=dtype_name).astype(np.float64))
    np.testing.assert_allclose(stable, gold, rtol=float(np.finfo(dtype_name).eps) * 4, atol=1e-45)
