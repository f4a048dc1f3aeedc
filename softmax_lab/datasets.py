"""Seeded 2-D toy datasets, a seeded split and a validating CSV reader for the Training page.

Shapes: points X are (N, D) float64 with D = 2 features, labels y are (N,) int64 in
0 … K − 1 for K classes. Every generator draws from ``np.random.default_rng(seed)``, so
the same arguments give identical arrays, and labels are balanced: point i has class
i mod K.
"""

import csv
import io
import math
import numbers

import numpy as np

KINDS = ("blobs", "moons", "circles", "spirals", "xor")
MIN_POINTS, MAX_POINTS = 50, 2000
MIN_CLASSES, MAX_CLASSES = 2, 6
MAX_NOISE = 2.0
MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 5000
MIN_CSV_POINTS = 10
MAX_ABS_COORDINATE = 1e6
MAX_LABEL_CHARS = 40
CSV_COLUMNS = ("x1", "x2", "label")


# -- generators ----------------------------------------------------------------------------


def make_dataset(kind, n_points=300, n_classes=3, noise=0.1, seed=0):
    """Points (N, 2) and balanced labels (N,) of a named toy dataset.

    Parameters
    ----------
    kind : {"blobs", "moons", "circles", "spirals", "xor"}
        blobs: K Gaussian clusters on a circle; moons: K interleaved half-circle arcs;
        circles: K concentric rings; spirals: K interleaved arms; xor: a K × K
        checkerboard whose cell (i, j) has class (i + j) mod K (the classic XOR for K = 2).
    n_points : int
        N, from 50 to 2000.
    n_classes : int
        K, from 2 to 6.
    noise : float
        Standard deviation of the Gaussian jitter added to every coordinate, 0 to 2.
    seed : int
        Seed of ``np.random.default_rng``, ≥ 0.

    Returns
    -------
    X : ndarray, shape (N, 2), float64
    y : ndarray, shape (N,), int64
        Point i has class i mod K.

    Examples
    --------
    >>> X, y = make_dataset("spirals", n_points=60, n_classes=3, seed=1)
    >>> X.shape, X.dtype, np.bincount(y).tolist()
    ((60, 2), dtype('float64'), [20, 20, 20])
    >>> bool((make_dataset("xor", 50, 2)[0] == make_dataset("xor", 50, 2)[0]).all())
    True
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    _check_int("n_points", n_points, MIN_POINTS, MAX_POINTS)
    _check_int("n_classes", n_classes, MIN_CLASSES, MAX_CLASSES)
    _check_number("noise", noise, 0.0, MAX_NOISE)
    _check_int("seed", seed, 0, 2**63 - 1)
    rng = np.random.default_rng(seed)
    y = np.arange(n_points, dtype=np.int64) % n_classes
    X = _SHAPES[kind](y, n_classes, rng)
    X = X + rng.normal(scale=noise, size=X.shape)
    return X.astype(np.float64), y


def _blobs(y, n_classes, rng):
    """K clusters (σ = 0.5) centred on a circle of radius 2.5."""
    angle = 2 * np.pi * y / n_classes
    centres = 2.5 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return centres + rng.normal(scale=0.5, size=centres.shape)


def _moons(y, n_classes, rng):
    """Half-circle arcs shifted right by one per class, opening up and down in turn."""
    t = rng.uniform(0, np.pi, size=y.size)
    opens_down = y % 2 == 0
    height = np.where(opens_down, np.sin(t), 0.5 - np.sin(t))
    return np.stack([np.cos(t) + y, height], axis=1)


def _circles(y, n_classes, rng):
    """Concentric rings of radius (k + 1) / K for class k."""
    t = rng.uniform(0, 2 * np.pi, size=y.size)
    radius = (y + 1) / n_classes
    return radius[:, None] * np.stack([np.cos(t), np.sin(t)], axis=1)


def _spirals(y, n_classes, rng):
    """K arms r = t, angle 3.5 t + 2πk/K, for t in [0.1, 1]."""
    t = rng.uniform(0.1, 1.0, size=y.size)
    angle = 3.5 * t + 2 * np.pi * y / n_classes
    return t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def _xor(y, n_classes, rng):
    """Uniform points in a random cell of class y of a K × K grid over [−1, 1]²."""
    row = rng.integers(0, n_classes, size=y.size)
    column = (y - row) % n_classes  # so that (row + column) mod K == y
    corner = np.stack([column, row], axis=1)
    cell_width = 2.0 / n_classes
    return -1.0 + cell_width * (corner + rng.uniform(0, 1, size=corner.shape))


_SHAPES = {
    "blobs": _blobs,
    "moons": _moons,
    "circles": _circles,
    "spirals": _spirals,
    "xor": _xor,
}


# -- split ---------------------------------------------------------------------------------


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """A seeded shuffle split (not stratified) into train and test sets.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like, shape (N,)
    test_fraction : float
        Share of the N points in the test set, in [0, 1); round(test_fraction · N) points.
    seed : int
        Seed of the shuffle, ≥ 0.

    Returns
    -------
    X_train : ndarray, shape (N − M, D)
    y_train : ndarray, shape (N − M,)
    X_test : ndarray, shape (M, D)
    y_test : ndarray, shape (M,)

    Examples
    --------
    >>> X, y = make_dataset("blobs", 100, 2)
    >>> [part.shape[0] for part in train_test_split(X, y, 0.2)]
    [80, 80, 20, 20]
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"X must be (N, D) and y (N,); got X {X.shape} and y {y.shape}")
    _check_number("test_fraction", test_fraction, 0.0, 1.0)
    if test_fraction == 1.0:
        raise ValueError("test_fraction must be below 1, or nothing is left to train on")
    _check_int("seed", seed, 0, 2**63 - 1)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = round(test_fraction * len(y))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


# -- CSV -----------------------------------------------------------------------------------


def parse_points_csv(data, max_bytes=MAX_CSV_BYTES, max_rows=MAX_CSV_ROWS, max_classes=MAX_CLASSES):
    """Points, labels and the original label names from the bytes of an uploaded CSV.

    The header must name exactly the columns x1, x2 and label, in any order. x1 and x2
    must be finite numbers within ±1e6; labels may be whole numbers or text (at most
    40 characters are kept). Blank lines are skipped. Every problem raises
    ``ValueError`` with a message for the person who uploaded the file; the byte cap is
    checked before decoding and reading stops at the first row past ``max_rows``.

    Parameters
    ----------
    data : bytes
        The file's content, UTF-8 (a byte-order mark is allowed).
    max_bytes : int
        Largest accepted file.
    max_rows : int
        Most data rows accepted.
    max_classes : int
        Most distinct labels accepted (at least 2 are needed).

    Returns
    -------
    X : ndarray, shape (N, 2), float64
        The (x1, x2) columns.
    y : ndarray, shape (N,), int64
        Class index in 0 … K − 1 of each row.
    class_labels : list of str, length K
        The label of each class index: whole numbers sorted by value (written without
        leading zeros), text sorted alphabetically.

    Examples
    --------
    >>> text = "label,x1,x2\\n" + "".join(f"{'ab'[i % 2]},{i},{-i}\\n" for i in range(12))
    >>> X, y, class_labels = parse_points_csv(text.encode())
    >>> X.shape, y[:4].tolist(), class_labels
    ((12, 2), [0, 1, 0, 1], ['a', 'b'])
    """
    _check_int("max_bytes", max_bytes, 1, 10**9)
    _check_int("max_rows", max_rows, 1, 10**7)
    _check_int("max_classes", max_classes, 2, 10**4)
    text = _decoded_text(data, max_bytes)
    try:
        points, labels = _read_rows(csv.reader(io.StringIO(text)), max_rows)
    except csv.Error as err:
        raise ValueError(f"The file is not a valid CSV: {str(err)[:100]}.") from None
    if len(points) < MIN_CSV_POINTS:
        raise ValueError(
            f"The file has {len(points)} points; at least {MIN_CSV_POINTS} are needed."
        )
    class_labels = _sorted_labels(set(labels))
    if not 2 <= len(class_labels) <= max_classes:
        raise ValueError(
            f"The file has {len(class_labels)} classes; 2 to {max_classes} are allowed."
        )
    index = {label: i for i, label in enumerate(class_labels)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    return np.array(points, dtype=np.float64), y, class_labels


def _decoded_text(data, max_bytes):
    """The CSV text, after the size, binary and encoding checks (size first)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError(f"data must be bytes, got {type(data).__name__}")
    size = len(data)
    if size == 0:
        raise ValueError("The file is empty.")
    if size > max_bytes:
        raise ValueError(f"The file is {size:,} bytes; the limit is {max_bytes:,} bytes.")
    data = bytes(data)
    if b"\x00" in data:
        raise ValueError("The file looks binary; upload a text CSV with columns x1, x2, label.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            "The file is not UTF-8 text; upload a CSV with columns x1, x2, label."
        ) from None


def _read_rows(reader, max_rows):
    """Points [[x1, x2], …] and label strings, one per non-blank data row."""
    columns = _column_positions(next(reader, []))
    points, labels = [], []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(points) == max_rows:
            raise ValueError(
                f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}."
            )
        if len(row) != len(CSV_COLUMNS):
            raise ValueError(f"Line {line} has {len(row)} cells; expected 3 (x1, x2, label).")
        points.append([_coordinate(row[columns[name]], name, line) for name in ("x1", "x2")])
        labels.append(_label(row[columns["label"]], line))
    return points, labels


def _column_positions(header):
    """{column name: position} from the header row; exactly x1, x2 and label."""
    names = [cell.strip().lower() for cell in header]
    if sorted(names) != sorted(CSV_COLUMNS):
        shown = ", ".join(name[:20] for name in names[:5]) or "nothing"
        raise ValueError(
            f"The header must be exactly the columns x1, x2, label (any order); found: {shown}."
        )
    return {name: names.index(name) for name in CSV_COLUMNS}


def _coordinate(cell, name, line):
    """A cell as a finite float within ±1e6."""
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(
            f"Line {line}: {name} must be a number; found {cell.strip()[:20]!r}."
        ) from None
    if not (math.isfinite(value) and abs(value) <= MAX_ABS_COORDINATE):
        raise ValueError(f"Line {line}: {name} must be finite and within ±1e6; found {value}.")
    return value


def _label(cell, line):
    """The label text, stripped and cut to 40 characters; whole numbers canonicalised."""
    label = cell.strip()[:MAX_LABEL_CHARS]
    if not label:
        raise ValueError(f"Line {line}: the label is empty.")
    digits = label.lstrip("+-")
    if len(label) - len(digits) > 1 and digits.isascii() and digits.isdigit():
        raise ValueError(
            f"Line {line}: the label {label!r} has more than one sign; write a whole number "
            "such as 1 or -1, or a name."
        )
    return str(int(label)) if _is_whole_number(label) else label


def _is_whole_number(text):
    """At most one sign, then ASCII digits (at most 18 characters in all)."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    return digits.isascii() and digits.isdigit() and len(text) <= 18


def _sorted_labels(labels):
    """Whole numbers by value, otherwise text in alphabetical order."""
    if all(_is_whole_number(label) for label in labels):
        return sorted(labels, key=int)
    return sorted(labels)


# -- parameter checks ----------------------------------------------------------------------


def _check_int(name, value, low, high):
    """Raise ValueError naming ``name`` unless value is a whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, got {value!r}")


def _check_number(name, value, low, high):
    """Raise ValueError naming ``name`` unless value is a finite number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value!r}")
