"""The batch a user works on: ``Workspace`` holds logits (N, C), class names, targets
and the temperature, with the ways to make one (a preset, a generator) and to reshape it.

The checks of user input are in ``softmax_lab.batch_checks``, and the link codec in
``softmax_lab.link_codec``.
"""

import math
from dataclasses import dataclass, field, replace

import numpy as np

from softmax_lab.presets import (
    DEFAULT_PRESET,
    MAX_TABLE_CLASSES,
    PRESETS,
    default_class_names,
    one_hot,
    random_logits,
    zipf_logits,
)

TEMPERATURES = tuple(float(f"{t:.3g}") for t in np.logspace(-3, 3, 121))
GENERATORS = ("random", "zipf")


@dataclass(frozen=True)
class Workspace:
    """One user's batch.

    ``logits`` and ``labels`` have shape (N, C). ``labels`` holds targets: one-hot
    rows, soft probabilities or multi-hot 0/1 rows, as ``label_mode`` says.
    ``generator`` records how a generated batch was made, so a link can rebuild it.
    """

    logits: np.ndarray
    class_names: tuple[str, ...]
    labels: np.ndarray
    label_mode: str = "one-hot"
    temperature: float = 1.0
    preset: str = DEFAULT_PRESET
    dLdA: np.ndarray | None = None
    generator: dict | None = field(default=None)

    @property
    def n_rows(self):
        return self.logits.shape[0]

    @property
    def n_classes(self):
        return self.logits.shape[1]

    @property
    def editable(self):
        """Whether the batch fits the editable table (C <= 50)."""
        return self.n_classes <= MAX_TABLE_CLASSES


def from_preset(key, temperature=1.0):
    """The workspace of a preset from ``PRESETS``.

    Examples
    --------
    >>> from_preset("writeup").logits.shape
    (2, 3)
    """
    if key not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}; got {key!r}")
    p = PRESETS[key]
    return Workspace(
        p.logits.copy(),
        p.class_names,
        p.labels.copy(),
        p.label_mode,
        snap_temperature(temperature),
        key,
        None if p.dLdA is None else p.dLdA.copy(),
    )


def from_generator(kind, n_rows, n_classes, param, seed, temperature=1.0):
    """A generated batch of N rows over C classes (C up to 1,000); targets are class 0.

    ``param`` is the normal scale for ``"random"`` and the Zipf exponent for ``"zipf"``.

    Examples
    --------
    >>> ws = from_generator("zipf", 2, 1000, 1.1, seed=3)
    >>> ws.logits.shape, ws.editable
    ((2, 1000), False)
    """
    if kind not in GENERATORS:
        raise ValueError(f"generator must be one of {', '.join(GENERATORS)}; got {kind!r}")
    make = random_logits if kind == "random" else zipf_logits
    logits = make(int(n_rows), int(n_classes), float(param), int(seed))
    spec = {"kind": kind, "n_rows": int(n_rows), "n_classes": int(n_classes)}
    spec |= {"param": float(param), "seed": int(seed)}
    return Workspace(
        logits,
        default_class_names(n_classes),
        one_hot(np.zeros(n_rows, dtype=int), n_classes),
        "one-hot",
        snap_temperature(temperature),
        "custom",
        generator=spec,
    )


def snap_temperature(t):
    """The temperature grid point nearest to ``t`` on a log scale (1e-3 … 1e3).

    Examples
    --------
    >>> snap_temperature(1.0), snap_temperature(0.0011), snap_temperature(5e9)
    (1.0, 0.00112, 1000.0)
    """
    t = float(t)
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {t!r}")
    return min(TEMPERATURES, key=lambda g: abs(math.log(g) - math.log(t)))


def soft_label_sums(labels):
    """Row sums (N,) of the targets; soft rows that do not sum to 1 are shown to the user.

    Examples
    --------
    >>> soft_label_sums(np.array([[0.5, 0.25], [0.5, 0.5]]))
    array([0.75, 1.  ])
    """
    return labels.sum(axis=-1)


def normalise_labels(labels):
    """Targets (N, C) with each row scaled to sum to 1; all-zero rows become uniform.

    Examples
    --------
    >>> normalise_labels(np.array([[1.0, 3.0], [0.0, 0.0]]))
    array([[0.25, 0.75],
           [0.5 , 0.5 ]])
    """
    sums = labels.sum(axis=-1, keepdims=True)
    uniform = np.full_like(labels, 1.0 / labels.shape[-1])
    return np.where(sums > 0, labels / np.where(sums > 0, sums, 1.0), uniform)


def convert_labels(labels, label_mode):
    """Targets (N, C) carried into another label mode.

    One-hot keeps each row's largest target; soft keeps the values (normalised);
    multi-hot keeps every class with a target of at least 0.5.

    Examples
    --------
    >>> convert_labels(np.array([[0.2, 0.8]]), "one-hot")
    array([[0., 1.]])
    """
    if label_mode == "one-hot":
        return one_hot(labels.argmax(axis=-1), labels.shape[-1])
    if label_mode == "soft":
        return normalise_labels(labels)
    return (labels >= 0.5).astype(np.float64)


def resize(ws, n_rows=None, n_classes=None):
    """The workspace with rows or classes added (zeros, class 0 targets) or removed."""
    n_rows = ws.n_rows if n_rows is None else n_rows
    n_classes = ws.n_classes if n_classes is None else n_classes
    logits = np.zeros((n_rows, n_classes))
    r, c = min(n_rows, ws.n_rows), min(n_classes, ws.n_classes)
    logits[:r, :c] = ws.logits[:r, :c]
    labels = np.zeros((n_rows, n_classes))
    labels[:r, :c] = ws.labels[:r, :c]
    labels[r:, 0] = 1.0
    if ws.label_mode == "one-hot":
        labels[:r] = one_hot(labels[:r].argmax(axis=-1), n_classes)
    names = list(ws.class_names[:c])
    for k in range(c, n_classes):
        names.append(_fresh_name(names, k))
    return replace(
        ws,
        logits=logits,
        labels=labels,
        class_names=tuple(names),
        preset="custom",
        dLdA=None,
        generator=None,
    )


def _fresh_name(names, k):
    name = f"c{k}"
    while name in names:
        name += "'"
    return name
