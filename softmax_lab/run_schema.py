"""The run schema: ``TrainConfig``, the settings that define a training run, and the
JSON form of a saved run (config, class count, step count and weights).

Everything coming from JSON or a link is untrusted: each field is checked for its type
and range and a ``ValueError`` names the first bad one.
"""

import math
import numbers
from dataclasses import asdict, dataclass

import numpy as np

from softmax_lab.model import param_shapes

TRAIN_PAIRS = ("softmax_ce", "sigmoid_bce", "softmax_mse", "sigmoid_pos_ce")
ACTIVATIONS = ("tanh", "relu")
MAX_HIDDEN = 64
MAX_STEPS = 100_000
MAX_CLASSES = 100


# -- configuration -------------------------------------------------------------------------


@dataclass
class TrainConfig:
    """Everything that defines a run.

    Attributes
    ----------
    pair : {"softmax_ce", "sigmoid_bce", "softmax_mse", "sigmoid_pos_ce"}
        Output and loss (a key of ``softmax_lab.pairs.PAIRS``); sigmoid_bce is one-vs-rest.
    hidden : int
        0 for linear softmax regression, else the width M of one hidden layer, 1 … 64.
    activation : {"tanh", "relu"}
        The hidden layer's nonlinearity (unused when hidden = 0).
    lr : float
        Learning rate, 1e-4 … 10.
    l2 : float
        The penalty 0.5 · l2 · Σ‖W‖² on the weights, 0 … 10.
    init_scale : float
        Weights start N(0, init_scale² / fan-in), 0 < init_scale ≤ 100; ×10 starts
        the softmax saturated, as in the reference blog.
    batch_size : int
        0 (or ≥ N) for full-batch steps, else the mini-batch size, ≤ 10,000.
    seed : int
        Seeds the initial weights and the mini-batch order, 0 … 2³² − 1.
    max_steps : int
        The run stops after this many updates, 1 … 100,000.
    plateau_tol, plateau_patience : float, int
        The run stops when the loss has not fallen by a relative ``plateau_tol`` (of
        max(|best loss|, 1)) for ``plateau_patience`` updates; 0 ≤ tol < 1, patience
        1 … 100,000.

    Examples
    --------
    >>> config = TrainConfig(pair="softmax_mse", hidden=8, init_scale=10.0).validate()
    >>> TrainConfig.from_dict(config.to_dict()) == config
    True
    """

    pair: str = "softmax_ce"
    hidden: int = 0
    activation: str = "tanh"
    lr: float = 0.1
    l2: float = 0.0
    init_scale: float = 1.0
    batch_size: int = 0
    seed: int = 0
    max_steps: int = 5000
    plateau_tol: float = 1e-7
    plateau_patience: int = 500

    def validate(self):
        """Check every field's type and range; returns ``self`` with plain int/float values.

        Raises
        ------
        ValueError
            Naming the first field that is of the wrong type or out of range.

        Examples
        --------
        >>> TrainConfig(lr=100.0).validate()
        Traceback (most recent call last):
        ...
        ValueError: lr must be a number from 1e-4 to 10; got 100.0
        """
        for name, (kind, in_range, allowed) in _FIELD_RULES.items():
            value = getattr(self, name)
            if not (_is_kind(value, kind) and in_range(value)):
                raise ValueError(f"{name} must be {allowed}; got {short_repr(value)}")
            if kind is not str:
                setattr(self, name, kind(value))
        return self

    def to_dict(self):
        """The fields as a JSON-safe dict.

        Examples
        --------
        >>> TrainConfig().to_dict()["pair"]
        'softmax_ce'
        """
        return asdict(self)

    @classmethod
    def from_dict(cls, values):
        """A validated config from untrusted JSON; missing keys take their defaults.

        Parameters
        ----------
        values : dict
            As from ``to_dict``. Unknown keys, a bool or text where a number belongs, a
            fraction where a whole number belongs, or an out-of-range value raise
            ``ValueError`` naming the key.

        Examples
        --------
        >>> TrainConfig.from_dict({"hidden": 4, "lr": 1}).lr
        1.0
        >>> TrainConfig.from_dict({"hidden": "4"})
        Traceback (most recent call last):
        ...
        ValueError: hidden must be a whole number from 0 to 64; got '4'
        """
        if not isinstance(values, dict):
            raise ValueError("config must be a JSON object")
        unknown = [key for key in values if key not in _FIELD_RULES]
        if unknown:
            shown = ", ".join(short_repr(key) for key in unknown[:5])
            raise ValueError(f"config has unknown keys: {shown}")
        for name, value in values.items():
            kind, _, allowed = _FIELD_RULES[name]
            if not _is_json_kind(value, kind):
                raise ValueError(f"{name} must be {allowed}; got {short_repr(value)}")
        return cls(**values).validate()


_FIELD_RULES = {  # name: (type, range check, what is allowed)
    "pair": (str, lambda v: v in TRAIN_PAIRS, f"one of {', '.join(TRAIN_PAIRS)}"),
    "hidden": (int, lambda v: 0 <= v <= MAX_HIDDEN, "a whole number from 0 to 64"),
    "activation": (str, lambda v: v in ACTIVATIONS, "tanh or relu"),
    "lr": (float, lambda v: 1e-4 <= v <= 10, "a number from 1e-4 to 10"),
    "l2": (float, lambda v: 0 <= v <= 10, "a number from 0 to 10"),
    "init_scale": (float, lambda v: 0 < v <= 100, "a number above 0, at most 100"),
    "batch_size": (int, lambda v: 0 <= v <= 10_000, "a whole number from 0 to 10,000"),
    "seed": (int, lambda v: 0 <= v < 2**32, "a whole number from 0 to 2**32 - 1"),
    "max_steps": (int, lambda v: 1 <= v <= MAX_STEPS, "a whole number from 1 to 100,000"),
    "plateau_tol": (float, lambda v: 0 <= v < 1, "a number from 0 up to (not including) 1"),
    "plateau_patience": (int, lambda v: 1 <= v <= MAX_STEPS, "a whole number from 1 to 100,000"),
}


def _is_kind(value, kind):
    """Whether ``value`` is a str, a whole number or a finite number (never a bool)."""
    if kind is str:
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    if kind is int:
        return isinstance(value, numbers.Integral)
    return isinstance(value, numbers.Real) and math.isfinite(value)


def _is_json_kind(value, kind):
    """Like ``_is_kind`` but for values parsed from JSON: plain str, int or float only."""
    allowed = {str: (str,), int: (int,), float: (int, float)}[kind]
    return type(value) in allowed and _is_kind(value, kind)


def short_repr(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def saved_run(config, n_classes, steps, params):
    """A JSON-safe record of a run: its config, C, the step count and the weights as lists.

    Examples
    --------
    >>> saved = saved_run(TrainConfig(), 2, 5, {"W1": np.eye(2), "b1": np.zeros(2)})
    >>> sorted(saved), saved["params"]["b1"]
    (['config', 'n_classes', 'params', 'steps'], [0.0, 0.0])
    """
    return {
        "config": config.to_dict(),
        "n_classes": int(n_classes),
        "steps": int(steps),
        "params": {name: p.tolist() for name, p in params.items()},
    }


def parse_saved_run(state, n_features):
    """(config, n_classes, steps, params) from an untrusted record made by ``saved_run``.

    Parameters
    ----------
    state : dict
        Parsed JSON: exactly the keys config, n_classes, steps and params, with params
        holding nested lists of finite numbers of the model's shapes.
    n_features : int
        D of the data the run will continue on.

    Returns
    -------
    config : TrainConfig
    n_classes : int
    steps : int
    params : dict of str to ndarray

    Raises
    ------
    ValueError
        Naming the first key that is missing, extra, of the wrong type or shape.

    Examples
    --------
    >>> parse_saved_run({"config": {}, "n_classes": 2, "steps": -1, "params": {}}, 2)
    Traceback (most recent call last):
    ...
    ValueError: steps must be a whole number from 0 to the config's max_steps
    """
    expected = {"config", "n_classes", "steps", "params"}
    if not isinstance(state, dict) or set(state) != expected:
        raise ValueError("a saved run must have exactly the keys config, n_classes, steps, params")
    config = TrainConfig.from_dict(state["config"])
    n_classes = state["n_classes"]
    if type(n_classes) is not int or not 2 <= n_classes <= MAX_CLASSES:
        raise ValueError(f"n_classes must be a whole number from 2 to {MAX_CLASSES}")
    steps = state["steps"]
    if type(steps) is not int or not 0 <= steps <= config.max_steps:
        raise ValueError("steps must be a whole number from 0 to the config's max_steps")
    shapes = param_shapes(config, n_features, n_classes)
    params = state["params"]
    if not isinstance(params, dict) or set(params) != set(shapes):
        raise ValueError(f"params must have exactly the keys {', '.join(shapes)}")
    arrays = {name: _array_from_json(params[name], shape, name) for name, shape in shapes.items()}
    return config, n_classes, steps, arrays


def _array_from_json(value, shape, name):
    """A float64 array of exactly ``shape`` from nested lists of int/float (no bools, text)."""
    message = f"params[{name!r}] must be finite numbers with shape {shape}"
    rows = [value] if len(shape) == 1 else value
    width = shape[-1]
    if not isinstance(rows, list) or len(rows) != (shape[0] if len(shape) == 2 else 1):
        raise ValueError(message)
    for row in rows:
        if not isinstance(row, list) or len(row) != width:
            raise ValueError(message)
        if not all(type(v) in (int, float) and math.isfinite(v) for v in row):
            raise ValueError(message)
    return np.array(value, dtype=np.float64)
