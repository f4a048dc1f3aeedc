"""What the three backward passes through softmax cost: time measured, memory counted.

The loop and the batched Jacobian both form C × C matrices; the vector-Jacobian
product never does. Times are wall-clock (``time.perf_counter``); memory is the size
of the largest arrays each method allocates, counted exactly from N and C.
"""

import time

import numpy as np

from softmax_lab.activations import softmax
from softmax_lab.jacobian import softmax_backward_batched, softmax_backward_loop, softmax_vjp

METHODS = ("loop", "batched", "vjp")
_FNS = {"loop": softmax_backward_loop, "batched": softmax_backward_batched, "vjp": softmax_vjp}


def extra_bytes(method, n_rows, n_classes, itemsize=8):
    """Bytes of the intermediate arrays a method forms for a batch (N, C).

    The loop holds one C × C Jacobian at a time, the batched version all N of them,
    the VJP one (N, C) array.

    Examples
    --------
    >>> extra_bytes("batched", 10, 100), extra_bytes("loop", 10, 100), extra_bytes("vjp", 10, 100)
    (800000, 80000, 8000)
    """
    if method == "loop":
        return n_classes * n_classes * itemsize
    if method == "batched":
        return n_rows * n_classes * n_classes * itemsize
    if method == "vjp":
        return n_rows * n_classes * itemsize
    raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def time_backward(method, a, dLdA, budget=0.05, max_rows=None):
    """Seconds per call of a backward method on (N, C), the best of a few repeats.

    ``max_rows`` times the method on that many rows only and scales the time up to
    N (for the slow loop at large C); the second return value says whether it did.
    """
    fn = _FNS[method]
    n = a.shape[0]
    rows = n if max_rows is None else max(1, min(n, max_rows))
    a_part, g_part = a[:rows], dLdA[:rows]
    best, spent = np.inf, 0.0
    while spent < budget or best == np.inf:
        t0 = time.perf_counter()
        fn(a_part, g_part)
        dt = time.perf_counter() - t0
        best, spent = min(best, dt), spent + dt
        if spent > 10 * budget:
            break
    return best * n / rows, rows < n


def growth_with_classes(classes=(10, 30, 100, 300, 1000), n_rows=8, seed=0, budget=0.02):
    """Seconds per call (len(classes),) of each method as C grows, on random batches of N rows.

    Returns a dict method -> array of seconds; the loop is timed on one row and scaled.

    Examples
    --------
    >>> t = growth_with_classes((4, 8), n_rows=2, budget=0.0)
    >>> sorted(t), t["vjp"].shape
    (['batched', 'loop', 'vjp'], (2,))
    """
    rng = np.random.default_rng(seed)
    out = {m: np.empty(len(classes)) for m in METHODS}
    for i, c in enumerate(classes):
        a = softmax(rng.normal(size=(n_rows, c)))
        g = rng.normal(size=(n_rows, c))
        for m in METHODS:
            out[m][i] = time_backward(m, a, g, budget, max_rows=1 if m == "loop" else None)[0]
    return out


def cost_table(a, dLdA, budget=0.01, loop_classes=100):
    """Rows [method, ms per call, extra KiB, note] for a batch (N, C).

    The O(N·C²) loop runs on one row; above ``loop_classes`` classes it runs on the
    first ``loop_classes`` of them and is scaled by (C / loop_classes)², then by N.
    """
    n, c = a.shape
    rows = []
    for method in METHODS:
        if method == "loop":
            k = min(c, loop_classes)
            part_a = softmax(np.log(np.maximum(a[:1, :k], 1e-300)))
            seconds = time_backward(method, part_a, dLdA[:1, :k], budget)[0] * n * (c / k) ** 2
            note = "one row timed, scaled to N" + (f" and from C = {k}" if k < c else "")
        else:
            seconds, note = time_backward(method, a, dLdA, budget)[0], ""
        rows.append([method, seconds * 1e3, extra_bytes(method, n, c) / 1024, note])
    return rows
