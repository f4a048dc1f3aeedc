"""Adversarial batches for the claims tests, as the links (query parameters) that build them.

Each batch is a dict: ``z`` (N, C) logits, ``y`` labels (class indices for one-hot, else
(N, C) targets), ``mode`` and ``T``. ``query(batch)`` is the link that loads it, so the
page reads it exactly as a shared link would. The expected values in the claims tests
are computed from these arrays with SciPy or closed forms, never by softmax_lab.
"""

import numpy as np

BATCHES = {
    # ties in one row, ±1000 logits and C = 2
    "ties": {"z": [[2.0, 2.0, -1.0], [0.0, 0.0, 0.0]], "y": [1, 2], "mode": "one-hot", "T": 1.0},
    "huge": {"z": [[1000.0, -1000.0], [-1000.0, 1000.0]], "y": [1, 1], "mode": "one-hot", "T": 1.0},
    # soft labels whose rows do not sum to 1; multi-hot labels
    "soft_unnormalised": {
        "z": [[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]],
        "y": [[0.5, 0.0, 1.0], [0.2, 0.2, 0.2]],
        "mode": "soft",
        "T": 1.0,
    },
    "multi_hot": {
        "z": [[1.0, 2.0, 3.0, -1.0], [0.0, 4.0, -2.0, 1.0]],
        "y": [[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 1.0, 1.0]],
        "mode": "multi-hot",
        "T": 1.0,
    },
    # the two ends of the temperature slider
    "cold": {"z": [[1.0, 2.0, 3.0], [2.0, 2.0, 1.0]], "y": [0, 2], "mode": "one-hot", "T": 0.001},
    "hot": {"z": [[1.0, 2.0, 3.0], [2.0, 2.0, 1.0]], "y": [0, 2], "mode": "one-hot", "T": 1000.0},
    # float16's limits (exp overflows past 11.09) and one class underflowing in float64
    "float16_edge": {
        "z": [[11.0, 11.0, 0.0], [-20.0, 0.0, 5.0]],
        "y": [2, 0],
        "mode": "one-hot",
        "T": 1.0,
    },
    "underflow": {"z": [[800.0, 0.0, 1.0]], "y": [1], "mode": "one-hot", "T": 1.0},
}


def _num(x):
    return repr(float(x)).removesuffix(".0")  # as the app writes links: 1, not 1.0


def query(batch, **extra):
    """The link's query parameters that load ``batch`` (plus ``extra`` ones, e.g. tab)."""
    z = np.atleast_2d(np.asarray(batch["z"], dtype=float))
    q = {
        "T": _num(batch.get("T", 1.0)),
        "mode": batch.get("mode", "one-hot"),
        "z": ";".join(",".join(_num(v) for v in row) for row in z),
    }
    y = batch.get("y")
    if y is not None:
        if q["mode"] == "one-hot":
            q["y"] = ",".join(str(int(k)) for k in np.ravel(y))
        else:
            q["y"] = ";".join(",".join(_num(v) for v in row) for row in np.atleast_2d(y))
    return q | extra


def targets(batch):
    """The labels as (N, C) targets."""
    z = np.atleast_2d(np.asarray(batch["z"], dtype=float))
    if batch.get("mode", "one-hot") == "one-hot":
        return np.eye(z.shape[1])[np.ravel(batch["y"])]
    return np.atleast_2d(np.asarray(batch["y"], dtype=float))


def logits(batch):
    return np.atleast_2d(np.asarray(batch["z"], dtype=float))


def open_page(page, batch, section, **state):
    """``page`` run on ``batch`` (a dict as in ``BATCHES``, or None for the defaults) with
    ``section`` open; ``state`` is then set in session state and the page run again."""
    from tests.page_harness import run_page

    at = run_page(page, query=query(batch) if batch is not None else None, section=section)
    for key, value in state.items():
        at.session_state[key] = value
    if state:
        at.run()
    assert not at.exception, at.exception
    return at
