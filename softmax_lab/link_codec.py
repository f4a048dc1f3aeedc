"""The link codec: a ``Workspace`` to query parameters (str -> str) and back.

Query parameters are strings that anyone can type: ``from_query`` bounds their size,
parses every value, and raises only ``ValueError`` saying what is wrong.
"""

import math
import re

import numpy as np

from softmax_lab.batch_checks import check_class_names, check_labels, check_logits
from softmax_lab.presets import DEFAULT_PRESET, LABEL_MODES, PRESETS, default_class_names, one_hot
from softmax_lab.workspace import (
    GENERATORS,
    Workspace,
    from_generator,
    from_preset,
    snap_temperature,
)

MAX_QUERY_CHARS = 6000


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
