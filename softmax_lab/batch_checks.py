"""Validation of what a user types into a batch: logits, class names, targets and the
upstream gradient dLdA, each (N, C).

Every check returns plain float64 arrays or raises ``ValueError`` with a message meant
for the person at the keyboard, naming the row and class of the bad cell.
"""

import math
import re

import numpy as np

from softmax_lab.presets import (
    LABEL_MODES,
    MAX_GENERATED_CLASSES,
    MAX_ROWS,
    MAX_TABLE_CLASSES,
    one_hot,
)

MAX_ABS_LOGIT = 1e6
MAX_NAME_CHARS = 40
_FORBIDDEN_NAME = re.compile(r"[|\x00-\x1f\x7f]")


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
