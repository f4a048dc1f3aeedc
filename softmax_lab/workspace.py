"""The working data a user edits: logits (N, C), class names, targets and temperature.

Everything here is plain NumPy and the standard library, so the checks that guard
the app's inputs (table edits, shared links) are tested without a browser. Every
check raises ``ValueError`` with a message meant for the person at the keyboard.
"""

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from softmax_lab.presets import (
    DEFAULT_PRESET,
    LABEL_MODES,
    MAX_GENERATED_CLASSES,
    MAX_ROWS,
    MAX_TABLE_CLASSES,
    PRESETS,
    default_class_names,
    one_hot,
    random_logits,
    zipf_logits,
)

MAX_ABS_LOGIT = 1e6
MAX_NAME_CHARS = 40
MAX_QUERY_CHARS = 6000
TEMPERATURES = tuple(float(f"{t:.3g}") for t in np.logspace(-3, 3, 121))
GENERATORS = ("random", "zipf")
_FORBIDDEN_NAME = re.compile(r"[|\x00-\x1f\x7f]")


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


def check_logits(values, max_classes=MAX_TABLE_CLASSES):
    """Validated logits (N, C) float64 from a table of cells, or ``ValueError``.

    Empty cells, text, NaN, ±inf and values beyond ±1e6 are refused with the cell
    named; so are an empty table, N > 20 and C outside 2 … ``max_classes``.

    Examples
    --------
    >>> check_logits([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> check_logits([[1, None]])
    Traceback (most recent call last):
    ...
    ValueError: Row 1, class 2 is empty: enter a number.
    """
    rows = [list(r) for r in values]
    if not rows:
        raise ValueError("The table has no rows: keep at least one row of logits.")
    if len(rows) > MAX_ROWS:
        raise ValueError(f"At most {MAX_ROWS} rows fit the table; this edit has {len(rows)}.")
    n_classes = len(rows[0])
    if not 2 <= n_classes <= max_classes:
        raise ValueError(f"The batch needs 2 to {max_classes} classes; it has {n_classes}.")
    out = np.empty((len(rows), n_classes))
    for i, row in enumerate(rows):
        if len(row) != n_classes:
            raise ValueError(f"Row {i + 1} has {len(row)} cells; expected {n_classes}.")
        for j, cell in enumerate(row):
            out[i, j] = _check_cell(cell, f"Row {i + 1}, class {j + 1}")
    return out


def _check_cell(cell, where, what="logits in the table"):
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        raise ValueError(f"{where} is empty: enter a number.")
    if isinstance(cell, bool):
        raise ValueError(f"{where} is not a number.")
    try:
        x = float(cell)
    except (TypeError, ValueError):
        raise ValueError(f"{where} is not a number: {str(cell)[:30]!r}.") from None
    if math.isnan(x):
        raise ValueError(f"{where} is empty or NaN: enter a number.")
    if not math.isfinite(x) or abs(x) > MAX_ABS_LOGIT:
        raise ValueError(f"{where} is {x:g}; {what} must lie within ±1e6.")
    return x


def check_class_names(names, n_classes=None):
    """Validated class names: stripped, non-empty, unique, at most 40 characters.

    Examples
    --------
    >>> check_class_names([" cat", "dog"])
    ('cat', 'dog')
    >>> check_class_names(["cat", "cat"])
    Traceback (most recent call last):
    ...
    ValueError: Class names must be unique: 'cat' appears twice.
    """
    out = []
    for i, name in enumerate(names):
        name = "" if name is None else str(name).strip()
        if not name:
            raise ValueError(f"Class {i + 1} needs a name.")
        if len(name) > MAX_NAME_CHARS:
            raise ValueError(f"Class {i + 1}'s name is over {MAX_NAME_CHARS} characters.")
        if _FORBIDDEN_NAME.search(name):
            raise ValueError(f"Class {i + 1}'s name contains '|' or a control character.")
        if name in out:
            raise ValueError(f"Class names must be unique: {name!r} appears twice.")
        out.append(name)
    if n_classes is not None and len(out) != n_classes:
        raise ValueError(f"Expected {n_classes} class names, got {len(out)}.")
    if not 2 <= len(out) <= MAX_GENERATED_CLASSES:
        raise ValueError(
            f"The batch needs 2 to {MAX_GENERATED_CLASSES} classes; it has {len(out)}."
        )
    return tuple(out)


def check_labels(values, label_mode, n_rows, n_classes):
    """Validated targets (N, C) float64 for a label mode, or ``ValueError``.

    ``"one-hot"`` takes one class index per row; ``"soft"`` takes probabilities in
    [0, 1] per cell (rows need not sum to 1: see ``soft_label_sums``);
    ``"multi-hot"`` takes 0/1 (or booleans) per cell.

    Examples
    --------
    >>> check_labels([1, 0], "one-hot", 2, 2)
    array([[0., 1.],
           [1., 0.]])
    """
    if label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be one of {', '.join(LABEL_MODES)}; got {label_mode!r}")
    if label_mode == "one-hot":
        idx = list(values)
        if len(idx) != n_rows:
            raise ValueError(f"Expected one label per row ({n_rows}), got {len(idx)}.")
        for i, k in enumerate(idx):
            if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k < n_classes:
                raise ValueError(f"Row {i + 1} needs a label: pick one of the {n_classes} classes.")
        return one_hot(idx, n_classes)
    rows = [list(r) for r in values]
    if len(rows) != n_rows or any(len(r) != n_classes for r in rows):
        raise ValueError(f"The label table must have {n_rows} rows of {n_classes} classes.")
    out = np.empty((n_rows, n_classes))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            where = f"Label row {i + 1}, class {j + 1}"
            if label_mode == "multi-hot":
                cell = {"0": 0, "1": 1}.get(cell, cell) if isinstance(cell, str) else cell
                if cell not in (0, 1, True, False) or cell is None:
                    raise ValueError(f"{where} must be ticked or not (0 or 1).")
                out[i, j] = float(bool(cell))
            else:
                x = _check_cell(cell, where)
                if not 0.0 <= x <= 1.0:
                    raise ValueError(f"{where} is {x:g}; a probability lies in [0, 1].")
                out[i, j] = x
    return out


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


# -- shareable links -------------------------------------------------------------------


def _num(x):
    return repr(float(x)).removesuffix(".0")


def to_query(ws):
    """Query parameters (str -> str) that rebuild ``ws``; the batch values are left out
    when they would push the link past ``MAX_QUERY_CHARS``.

    Examples
    --------
    >>> to_query(from_preset("penalty"))
    {'preset': 'penalty', 'T': '1', 'mode': 'one-hot', 'names': 'c0|c1', 'z': '1,3', 'y': '0'}
    """
    q = {"preset": ws.preset, "T": _num(ws.temperature), "mode": ws.label_mode}
    if ws.generator:
        g = ws.generator
        q["gen"] = ":".join(
            [g["kind"], str(g["n_rows"]), str(g["n_classes"]), _num(g["param"]), str(g["seed"])]
        )
        return q
    q["names"] = "|".join(ws.class_names)
    q["z"] = ";".join(",".join(_num(x) for x in row) for row in ws.logits)
    if ws.label_mode == "one-hot":
        q["y"] = ",".join(str(int(k)) for k in ws.labels.argmax(axis=-1))
    else:
        q["y"] = ";".join(",".join(_num(x) for x in row) for row in ws.labels)
    if sum(len(k) + len(v) + 2 for k, v in q.items()) > MAX_QUERY_CHARS:
        return {k: q[k] for k in ("preset", "T", "mode")}
    return q


def from_query(params):
    """The workspace described by query parameters, or ``ValueError`` saying what is wrong.

    ``params`` maps each name to its value, or to the list of its values when the
    name repeats (a repeated name is refused). Unknown names are ignored.

    Examples
    --------
    >>> ws = from_query({"z": "1,2;3,4", "y": "1,0", "T": "0.5"})
    >>> ws.logits.tolist(), ws.labels.argmax(axis=1).tolist(), ws.temperature
    ([[1.0, 2.0], [3.0, 4.0]], [1, 0], 0.501)
    """
    q = {}
    total = 0
    for key, value in params.items():
        if isinstance(value, list | tuple):
            if len(value) != 1:
                raise ValueError(f"The link repeats the parameter {key!r}.")
            value = value[0]
        value = str(value)
        total += len(key) + len(value) + 2
        q[key] = value
    if total > MAX_QUERY_CHARS:
        raise ValueError(f"The link is over {MAX_QUERY_CHARS} characters long.")
    temperature = _parse_float(q.get("T", "1"), "T")
    mode = q.get("mode", "one-hot")
    if mode not in LABEL_MODES:
        raise ValueError(f"mode must be one of {', '.join(LABEL_MODES)}.")
    if "gen" in q:
        return _from_gen(q["gen"], temperature)
    if "z" not in q:
        preset = q.get("preset", DEFAULT_PRESET)
        if preset not in PRESETS:
            raise ValueError(f"Unknown preset {preset[:40]!r}.")
        return from_preset(preset, temperature)
    logits = check_logits(_parse_rows(q["z"], "z"))
    n_rows, n_classes = logits.shape
    names = q.get("names")
    names = check_class_names(names.split("|"), n_classes) if names else None
    names = names or default_class_names(n_classes)
    if "y" not in q:
        labels = one_hot(np.zeros(n_rows, dtype=int), n_classes)
    elif mode == "one-hot":
        labels = check_labels(_parse_ints(q["y"]), mode, n_rows, n_classes)
    else:
        labels = check_labels(_parse_rows(q["y"], "y"), mode, n_rows, n_classes)
    preset = q.get("preset", "custom")
    preset = preset if preset in PRESETS else "custom"
    dLdA = PRESETS[preset].dLdA if preset in PRESETS else None
    if dLdA is not None and dLdA.shape != logits.shape:
        dLdA = None
    return Workspace(logits, names, labels, mode, snap_temperature(temperature), preset, dLdA)


def _from_gen(text, temperature):
    parts = text.split(":")
    if len(parts) != 5 or parts[0] not in GENERATORS:
        raise ValueError("gen must look like random:N:C:scale:seed or zipf:N:C:exponent:seed.")
    n_rows, n_classes, seed = (_parse_int(p, "gen") for p in (parts[1], parts[2], parts[4]))
    param = _parse_float(parts[3], "gen")
    if not 0 <= seed < 2**32:
        raise ValueError("gen's seed must lie in 0 … 2³² − 1.")
    if not 0 < param <= 100:
        raise ValueError("gen's scale or exponent must lie in (0, 100].")
    return from_generator(parts[0], n_rows, n_classes, param, seed, temperature)


def _parse_float(text, name):
    try:
        x = float(text)
    except ValueError:
        raise ValueError(f"{name} is not a number: {text[:30]!r}.") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite.")
    if name == "T" and x <= 0:
        raise ValueError("T (temperature) must be > 0.")
    return x


def _parse_int(text, name):
    if not re.fullmatch(r"\d{1,10}", text):
        raise ValueError(f"{name} has a part that is not a whole number: {text[:30]!r}.")
    return int(text)


def _parse_ints(text):
    return [_parse_int(p.strip(), "y") for p in text.split(",")]


def _parse_rows(text, name):
    if not text.strip():
        raise ValueError(f"{name} is empty.")
    return [[p.strip() for p in row.split(",")] for row in text.split(";")]


def check_upstream(values, n_rows, n_classes):
    """Validated upstream gradient dLdA (N, C) from a table, or ``ValueError``.

    Examples
    --------
    >>> check_upstream([[0.1, -0.2]], 1, 2)
    array([[ 0.1, -0.2]])
    >>> check_upstream([[0.1]], 1, 2)
    Traceback (most recent call last):
    ...
    ValueError: dLdA row 1 has 1 entries; the batch has C = 2 classes.
    """
    rows = [list(r) for r in values]
    if len(rows) != n_rows:
        raise ValueError(f"dLdA has {len(rows)} rows; the batch has N = {n_rows}.")
    out = np.empty((n_rows, n_classes))
    for i, row in enumerate(rows):
        if len(row) != n_classes:
            raise ValueError(
                f"dLdA row {i + 1} has {len(row)} entries; the batch has C = {n_classes} classes."
            )
        for j, cell in enumerate(row):
            out[i, j] = _check_cell(cell, f"dLdA row {i + 1}, class {j + 1}", "dLdA values")
    return out
