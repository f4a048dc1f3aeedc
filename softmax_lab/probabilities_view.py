"""What the Probabilities page shows, computed: the read-outs of the batch and one row.

NumPy only. The page draws these numbers; the captions' numbers come from here too.
"""

from dataclasses import dataclass

import numpy as np

from softmax_lab.activations import entropy, hardmax, linear_normalise, sigmoid, softmax
from softmax_lab.losses import cross_entropy


@dataclass(frozen=True)
class ProbabilitiesView:
    a: np.ndarray  # (N, C) softmax(z / T)
    entropy: np.ndarray  # (N,) nats
    ce_rows: np.ndarray  # (N,) cross-entropy of each row, from log_softmax
    ce_mean: float  # mean over the N rows
    log_c: float  # the largest entropy, log C
    mappings: (
        dict  # label -> (C,) values of the row, in the order softmax, linear, hardmax, sigmoid
    )
    linear_note: str  # why z / Σz is undefined for the row, or ""


def probabilities_view(z, y, temperature, row):
    """Softmax of the batch z (N, C) at T, its entropy and cross-entropy per row, and
    the row's mappings (softmax, linear, hardmax, independent sigmoids).

    The hardmax's label says "ties split evenly" when the row's top logits tie.

    Examples
    --------
    >>> v = probabilities_view(np.array([[2.0, 2.0, -1.0]]), np.eye(3)[[0]], 1.0, 0)
    >>> list(v.mappings)[2], v.mappings[list(v.mappings)[2]].tolist()
    ('hardmax (argmax; ties split evenly)', [0.5, 0.5, 0.0])
    >>> v.linear_note[:40]
    'Linear normalisation z/Σz is a distribut'
    """
    z = np.asarray(z, dtype=np.float64)
    a = softmax(z, temperature=temperature)
    ce_rows = cross_entropy(z / temperature, y, reduction="none")
    linear = linear_normalise(z[row])
    ties = np.count_nonzero(z[row] == z[row].max()) > 1
    mappings = {
        "softmax(z / T)": a[row],
        "linear z / Σz": linear,
        ("hardmax (argmax; ties split evenly)" if ties else "hardmax (argmax one-hot)"): hardmax(
            z[row]
        ),
        "independent sigmoids σ(z / T)": sigmoid(z[row] / temperature),
    }
    note = (
        "Linear normalisation z/Σz is a distribution only when every z ≥ 0 and Σz > 0; "
        "this row has a negative entry or a zero sum, so it is undefined."
        if np.isnan(linear).all()
        else ""
    )
    return ProbabilitiesView(
        a=a,
        entropy=entropy(z, temperature=temperature),
        ce_rows=ce_rows,
        ce_mean=float(np.mean(ce_rows)),
        log_c=float(np.log(z.shape[1])),
        mappings=mappings,
        linear_note=note,
    )
