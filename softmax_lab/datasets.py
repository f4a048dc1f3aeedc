"""Seeded 2-D toy datasets and a validating CSV reader for the Training page.

Every generator returns points X of shape (N, 2) float64 and labels y of shape (N,)
int64 in 0 … K − 1; the same seed gives the same arrays.
"""

import csv
import io
import math

import numpy as np

KINDS = ("blobs", "moons", "circles", "spirals", "xor")
MIN_POINTS, MAX_POINTS = 50, 2000
MIN_CLASSES, MAX_CLASSES = 2, 6
MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 5000
MIN_CSV_POINTS = 10


def make_dataset(kind, n_points=300, n_classes=3, noise=0.1, seed=0):
    """Points (N, 2) and labels (N,) of a named toy dataset.

    Parameters
    ----------
    kind : {"blobs", "moons", "circles", "spirals", "xor"}
    n_points : int, 50 … 2000
    n_classes : int, 2 … 6
    noise : float, 0 … 2
        Standard deviation of the Gaussian jitter.
    seed : int

    Examples
    --------
    >>> X, y = make_dataset("spirals", n_points=60, n_classes=3, seed=1)
    >>> X.shape, np.bincount(y).tolist()
    ((60, 2), [20, 20, 20])
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if not MIN_POINTS <= n_points <= MAX_POINTS:
        raise ValueError(f"n_points must be between {MIN_POINTS} and {MAX_POINTS}, got {n_points}")
    if not MIN_CLASSES <= n_classes <= MAX_CLASSES:
        raise ValueError(f"n_classes must be between 2 and 6, got {n_classes}")
    if not (math.isfinite(noise) and 0 <= noise <= 2):
        raise ValueError(f"noise must lie in [0, 2], got {noise}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_points) % n_classes
    if kind == "xor":
        X = rng.uniform(-1, 1, size=(n_points, 2))
        quadrant = (X[:, 0] > 0).astype(int) + 2 * (X[:, 1] > 0)
        y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int) if n_classes == 2 else quadrant % n_classes
    else:
        X = _SHAPES[kind](y, n_classes, rng)
    X = X + rng.normal(scale=noise, size=X.shape)
    return X.astype(np.float64), y.astype(np.int64)


def _blobs(y, k, rng):
    angle = 2 * np.pi * y / k
    return 2.5 * np.stack([np.cos(angle), np.sin(angle)], 1) + rng.normal(
        scale=0.5, size=(y.size, 2)
    )


def _moons(y, k, rng):
    t = rng.uniform(0, np.pi, size=y.size)
    up = y % 2 == 0
    return np.stack([np.cos(t) + y, np.where(up, np.sin(t), 0.5 - np.sin(t))], 1)


def _circles(y, k, rng):
    t = rng.uniform(0, 2 * np.pi, size=y.size)
    r = (y + 1) / k
    return r[:, None] * np.stack([np.cos(t), np.sin(t)], 1)


def _spirals(y, k, rng):
    t = rng.uniform(0.1, 1.0, size=y.size)
    angle = 3.5 * t + 2 * np.pi * y / k
    return t[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1)


_SHAPES = {"blobs": _blobs, "moons": _moons, "circles": _circles, "spirals": _spirals}


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """A seeded shuffle split into (X_train, y_train, X_test, y_test).

    Examples
    --------
    >>> X, y = make_dataset("blobs", 100, 2)
    >>> [a.shape[0] for a in train_test_split(X, y, 0.2)]
    [80, 80, 20, 20]
    """
    if not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must lie in [0, 1), got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = round(test_fraction * len(y))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def parse_points_csv(data, max_bytes=MAX_CSV_BYTES, max_rows=MAX_CSV_ROWS, max_classes=MAX_CLASSES):
    """Points (N, 2), labels (N,) and the original label names from CSV bytes.

    The header must name the columns x1, x2 and label (in any order, nothing else).
    Labels may be numbers or text. Every problem raises ``ValueError`` with a message
    for the person who uploaded the file.

    Examples
    --------
    >>> rows = "x1,x2,label\\n" + "".join(f"{i},{-i},{'ab'[i % 2]}\\n" for i in range(12))
    >>> X, y, names = parse_points_csv(rows.encode())
    >>> X.shape, names
    ((12, 2), ['a', 'b'])
    """
    if len(data) == 0:
        raise ValueError("The file is empty.")
    if len(data) > max_bytes:
        raise ValueError(f"The file is {len(data):,} bytes; the limit is {max_bytes:,}.")
    if b"\x00" in data[:4096]:
        raise ValueError("The file looks binary; upload a text CSV with columns x1, x2, label.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            "The file is not UTF-8 text; upload a CSV with columns x1, x2, label."
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if sorted(header) != ["label", "x1", "x2"]:
        shown = ", ".join(h[:20] for h in header[:5])
        raise ValueError(f"The header must be exactly x1, x2, label; found: {shown or 'nothing'}.")
    cols = [header.index(c) for c in ("x1", "x2", "label")]
    points, labels = [], []
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(points) >= max_rows:
            raise ValueError(
                f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}."
            )
        if len(row) != 3:
            raise ValueError(f"Line {line_no} has {len(row)} cells; expected 3.")
        try:
            x = [float(row[cols[0]]), float(row[cols[1]])]
        except ValueError:
            raise ValueError(f"Line {line_no}: x1 and x2 must be numbers.") from None
        if not all(math.isfinite(v) and abs(v) <= 1e6 for v in x):
            raise ValueError(f"Line {line_no}: x1 and x2 must be finite and within ±1e6.")
        points.append(x)
        labels.append(row[cols[2]].strip()[:40])
    if len(points) < MIN_CSV_POINTS:
        raise ValueError(
            f"The file has {len(points)} points; at least {MIN_CSV_POINTS} are needed."
        )
    distinct = set(labels)
    numeric = all(s.lstrip("-").isdigit() for s in distinct)
    names = sorted(distinct, key=int) if numeric else sorted(distinct)
    if not 2 <= len(names) <= max_classes:
        raise ValueError(f"The file has {len(names)} classes; 2 to {max_classes} are allowed.")
    index = {n: i for i, n in enumerate(names)}
    return np.array(points), np.array([index[s] for s in labels], dtype=np.int64), names
