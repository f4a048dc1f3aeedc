"""The link codec: a ``Workspace``, a page's open tab and a Training run to query
parameters (str -> str) and back.

Query parameters are strings that anyone can type: ``from_query`` bounds their size,
parses every value, and raises only ``ValueError`` saying what is wrong.
"""

import math
import re
from dataclasses import asdict

import numpy as np

from softmax_lab.batch_checks import check_class_names, check_labels, check_logits
from softmax_lab.presets import DEFAULT_PRESET, LABEL_MODES, PRESETS, default_class_names, one_hot
from softmax_lab.training_run import MAX_SCHEDULE, RunSettings, check_schedule
from softmax_lab.workspace import (
    GENERATORS,
    Workspace,
    from_generator,
    from_preset,
    snap_temperature,
)

MAX_QUERY_CHARS = 6000
WORKSPACE_KEYS = ("preset", "T", "mode", "gen", "names", "z", "y")


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
    name repeats (a repeated name is refused). Names other than ``WORKSPACE_KEYS``
    are ignored: they belong to the page (the tab, a Training run) or to the lesson.

    Examples
    --------
    >>> ws = from_query({"z": "1,2;3,4", "y": "1,0", "T": "0.5"})
    >>> ws.logits.tolist(), ws.labels.argmax(axis=1).tolist(), ws.temperature
    ([[1.0, 2.0], [3.0, 4.0]], [1, 0], 0.501)
    """
    q = {k: _single(k, v) for k, v in params.items() if k in WORKSPACE_KEYS}
    if sum(len(k) + len(v) + 2 for k, v in q.items()) > MAX_QUERY_CHARS:
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


# -- the open tab --------------------------------------------------------------------------


def tab_slug(label):
    """The link's spelling of a tab label: lower case, runs of other characters as "-".

    Examples
    --------
    >>> tab_slug("The writeup's example")
    'the-writeup-s-example'
    """
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def tab_from_query(value, labels):
    """The tab label that ``value`` (a slug or a label) names, or ``ValueError``.

    Examples
    --------
    >>> tab_from_query("j-shrinks", ("The Jacobian", "J shrinks"))
    'J shrinks'
    >>> tab_from_query("nope", ("The Jacobian", "J shrinks"))
    Traceback (most recent call last):
    ...
    ValueError: The link names a tab 'nope' that this page does not have; the first tab is open.
    """
    value = _single("tab", value)
    for label in labels:
        if value in (label, tab_slug(label)):
            return label
    raise ValueError(
        f"The link names a tab {value[:40]!r} that this page does not have; the first tab is open."
    )


# -- the Training run ----------------------------------------------------------------------

RUN_PREFIX = "tr_"
RUN_STEP_KEY = "tr_at"
RUN_RATES_KEY = "tr_rates"


def run_to_query(run):
    """Query parameters of a ``TrainingRun``: every setting, and for a run that can be
    replayed from its seeds, its step count and learning-rate schedule.

    Examples
    --------
    >>> from softmax_lab.training_run import RunSettings, TrainingRun
    >>> run = TrainingRun(RunSettings(compare=False))
    >>> _ = run.step(20)
    >>> q = run_to_query(run)
    >>> q["tr_pair"], q["tr_compare"], q["tr_at"]
    ('softmax_ce', '0', '20')
    """
    q = {}
    for name, value in asdict(run.settings).items():
        q[RUN_PREFIX + name] = ("1" if value else "0") if isinstance(value, bool) else _text(value)
    if run.replayable:
        q[RUN_STEP_KEY] = str(run.steps)
        if len(run.schedule) > 1:
            q[RUN_RATES_KEY] = ",".join(f"{s}:{_num(lr)}:{_num(l2)}" for s, lr, l2 in run.schedule)
    return q


def run_from_query(params):
    """(settings, step, schedule) from a link's ``tr_*`` parameters; None when it has none.

    ``step`` is None when the link carries no step count (a run on uploaded data, or a
    loaded one, cannot be replayed). Missing settings take their defaults. Raises
    ``ValueError`` naming the first bad parameter.

    Examples
    --------
    >>> settings, step, schedule = run_from_query({"tr_lr": "0.01", "tr_at": "500"})
    >>> settings.lr, step, schedule
    (0.01, 500, ((0, 0.01, 0.0),))
    >>> run_from_query({"tr_classes": "9"})
    Traceback (most recent call last):
    ...
    ValueError: The link's Training setting classes must be a whole number from 2 to 6; got 9
    """
    q = {k: _single(k, v) for k, v in params.items() if k.startswith(RUN_PREFIX)}
    if not q:
        return None
    if sum(len(k) + len(v) + 2 for k, v in q.items()) > MAX_QUERY_CHARS:
        raise ValueError(f"The link is over {MAX_QUERY_CHARS} characters long.")
    defaults = asdict(RunSettings())
    values = {}
    for key, text in q.items():
        name = key.removeprefix(RUN_PREFIX)
        if key in (RUN_STEP_KEY, RUN_RATES_KEY):
            continue
        if name not in defaults:
            raise ValueError(f"The link has an unknown Training parameter {key[:40]!r}.")
        values[name] = _typed(name, text, defaults[name])
    try:
        settings = RunSettings(**{**defaults, **values}).validate()
    except ValueError as err:
        raise ValueError(f"The link's Training setting {err}") from None
    step = None
    if RUN_STEP_KEY in q:
        step = _parse_int(q[RUN_STEP_KEY], RUN_STEP_KEY)
        if step > settings.max_steps:
            raise ValueError(f"{RUN_STEP_KEY} must be at most max_steps ({settings.max_steps:,}).")
    if RUN_RATES_KEY in q:
        schedule = _parse_schedule(q[RUN_RATES_KEY], settings.max_steps)
        if schedule[-1][1:] != (settings.lr, settings.l2):
            raise ValueError(f"{RUN_RATES_KEY} must end at the link's tr_lr and tr_l2.")
    else:
        schedule = ((0, settings.lr, settings.l2),)
    return settings, step, schedule


def _single(key, value):
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise ValueError(f"The link repeats the parameter {key[:40]!r}.")
        value = value[0]
    return str(value)


def _text(value):
    return _num(value) if isinstance(value, float) else str(value)


def _typed(name, text, default):
    """A link's text as the type of the setting's default."""
    where = f"tr_{name}"
    if isinstance(default, bool):
        if text not in ("0", "1"):
            raise ValueError(f"{where} must be 0 or 1.")
        return text == "1"
    if isinstance(default, int):
        if not re.fullmatch(r"\d{1,10}", text):
            raise ValueError(f"{where} must be a whole number: {text[:30]!r}.")
        return int(text)
    if isinstance(default, float):
        return _parse_float(text, where)
    return text


def _parse_schedule(text, max_steps):
    entries = []
    for part in text.split(",")[: MAX_SCHEDULE + 1]:
        pieces = part.split(":")
        if len(pieces) != 3:
            raise ValueError(f"{RUN_RATES_KEY} must be step:lr:l2 entries separated by commas.")
        step = _parse_int(pieces[0], RUN_RATES_KEY)
        lr, l2 = (_parse_float(p, RUN_RATES_KEY) for p in pieces[1:])
        entries.append((step, lr, l2))
    try:
        return check_schedule(entries, max_steps)
    except ValueError as err:
        raise ValueError(f"{RUN_RATES_KEY}: {err}.") from None
