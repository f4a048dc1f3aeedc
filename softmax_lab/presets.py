"""Worked examples from the reference notes, and generators for large batches.

A preset is a small batch of logits of shape (N, C) with class names, targets of
shape (N, C) and a note on what it teaches. The generators fill a batch with up to
``MAX_GENERATED_CLASSES`` classes, more than the editable table holds.
"""

from dataclasses import dataclass, field

import numpy as np

MAX_ROWS = 20
MAX_TABLE_CLASSES = 50
MAX_GENERATED_CLASSES = 1000
LABEL_MODES = ("one-hot", "soft", "multi-hot")


@dataclass(frozen=True)
class Preset:
    """A named batch: logits (N, C), class names (C,), targets (N, C) and a note."""

    key: str
    title: str
    logits: np.ndarray
    class_names: tuple[str, ...]
    labels: np.ndarray
    label_mode: str
    note: str
    dLdA: np.ndarray | None = field(default=None)


def default_class_names(n_classes):
    """Names ``c0 … c{C-1}`` for C classes.

    Examples
    --------
    >>> default_class_names(3)
    ('c0', 'c1', 'c2')
    """
    return tuple(f"c{i}" for i in range(n_classes))


def one_hot(indices, n_classes):
    """One-hot rows (N, C) float64 from integer class indices (N,).

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    indices = np.asarray(indices, dtype=np.int64)
    out = np.zeros((indices.size, n_classes))
    out[np.arange(indices.size), indices] = 1.0
    return out


def random_logits(n_rows, n_classes, scale=1.0, seed=0):
    """Logits (N, C) drawn from a normal distribution with standard deviation ``scale``.

    Examples
    --------
    >>> random_logits(2, 1000, scale=3.0, seed=1).shape
    (2, 1000)
    """
    _check_size(n_rows, n_classes)
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be finite and > 0, got {scale!r}")
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, scale, size=(n_rows, n_classes))


def zipf_logits(n_rows, n_classes, exponent=1.1, seed=0):
    """LLM-like rows (N, C): log of a Zipf law over a random permutation of the classes.

    The sorted probabilities fall as ``rank ** -exponent``, as next-token
    distributions roughly do.

    Examples
    --------
    >>> z = zipf_logits(1, 4, exponent=1.0, seed=0)
    >>> np.round(np.sort(np.exp(z[0]))[::-1] / np.exp(z[0]).sum(), 3)
    array([0.48, 0.24, 0.16, 0.12])
    """
    _check_size(n_rows, n_classes)
    if not np.isfinite(exponent) or exponent <= 0:
        raise ValueError(f"exponent must be finite and > 0, got {exponent!r}")
    rng = np.random.default_rng(seed)
    ranked = -exponent * np.log(np.arange(1, n_classes + 1))
    return np.stack([ranked[rng.permutation(n_classes)] for _ in range(n_rows)])


def _check_size(n_rows, n_classes):
    if not 1 <= n_rows <= MAX_ROWS:
        raise ValueError(f"n_rows must be between 1 and {MAX_ROWS}, got {n_rows}")
    if not 2 <= n_classes <= MAX_GENERATED_CLASSES:
        raise ValueError(
            f"n_classes must be between 2 and {MAX_GENERATED_CLASSES}, got {n_classes}"
        )


def _preset(key, title, logits, labels, note, names=None, mode="one-hot", dLdA=None):
    logits = np.asarray(logits, dtype=np.float64)
    names = tuple(names) if names else default_class_names(logits.shape[1])
    labels = np.asarray(labels, dtype=np.float64)
    dLdA = None if dLdA is None else np.asarray(dLdA, dtype=np.float64)
    return Preset(key, title, logits, names, labels, mode, note, dLdA)


def _llm_row():
    logits = zipf_logits(1, 50, exponent=1.1, seed=7) * 3.0
    return logits, one_hot([int(np.argmax(logits[0]))], 50)


PRESETS = {
    p.key: p
    for p in (
        _preset(
            "writeup",
            "Writeup batch Z = [[1,2,3],[2,2,1]]",
            [[1, 2, 3], [2, 2, 1]],
            one_hot([2, 0], 3),
            "The 11-785 writeup's worked example with its upstream gradient dLdA. The "
            "writeup builds J from A rounded to two decimals (0.09, 0.24, 0.67), so its "
            "printed J is off by up to about 3e-3; the Jacobian page shows both.",
            dLdA=[[0.1, -0.2, 0.1], [-0.1, 0.3, -0.2]],
        ),
        _preset(
            "penalty",
            "Two classes [1, 3] (the penalty example)",
            [[1, 3]],
            one_hot([0], 2),
            "The softmax-vs-sigmoid notes: plain averaging gives [1/4, 3/4]; the "
            "exponential gives [0.119, 0.881], so the larger logit dominates more.",
        ),
        _preset(
            "normalised",
            "[2, 4, 2, 1]: normalised logits vs softmax",
            [[2, 4, 2, 1], [0.2222, 0.4444, 0.2222, 0.1111]],
            one_hot([1, 1], 4),
            "The overview note says softmax turns the normalised logits "
            "[.2222, .4444, .2222, .1111] into [0.1025, 0.7573, 0.1025, 0.0377]. Those "
            "numbers are softmax([2, 4, 2, 1]) (row 0). Softmax of the normalised values "
            "(row 1) is only about [0.241, 0.301, 0.241, 0.216].",
        ),
        _preset(
            "single_sample",
            "Single sample X = [1..5], one-hot on the last class",
            [[1, 2, 3, 4, 5]],
            one_hot([4], 5),
            "The backprop note's one-sample step. Here the logits are X itself. In the "
            "note's code, z = X·wᵀ + b adds one scalar to every class, so softmax(z) = "
            "softmax(b): the weights cancel out and never affect the output.",
        ),
        _preset(
            "tie",
            "A tie",
            [[2, 2, 0], [1, 1, 1]],
            one_hot([0, 1], 3),
            "Tied logits split the mass evenly; hardmax (the T → 0 limit) splits it "
            "evenly between the tied classes too.",
        ),
        _preset(
            "confident",
            "A confident row",
            [[12, 0, -3, 1]],
            one_hot([0], 4),
            "One logit far above the rest: softmax is nearly one-hot and its Jacobian "
            "nearly vanishes. With a wrong label, cross-entropy's gradient stays large.",
        ),
        _preset(
            "llm",
            "LLM-like 50-class row",
            *_llm_row(),
            "A Zipf-shaped next-token row over 50 classes: a long tail of small "
            "probabilities. Temperature reshapes the tail.",
        ),
        _preset(
            "overflow",
            "Overflow row [1000, 1001, 1002]",
            [[1000, 1001, 1002]],
            one_hot([2], 3),
            "exp(1000) overflows float64 (the limit is about 709.78), so the textbook "
            "formula gives NaN. Shifting by the row maximum gives softmax([0, 1, 2]) "
            "= [0.090, 0.245, 0.665], the exact answer.",
        ),
    )
}
DEFAULT_PRESET = "writeup"
