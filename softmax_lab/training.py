"""A small classifier trained by gradient descent: linear softmax regression, or one
hidden layer, under one of four output/loss pairs.

Shapes: points X are (N, D) with D = 2 features, labels y (N,), one-hot targets
Y (N, C), hidden activations H (N, M) for M hidden units, logits Z (N, C). The training
loss is the mean over N of the pair's per-row loss (a sum over C) plus
0.5 · l2 · Σ‖W‖² over the weight matrices (the biases are not penalised).

Every forward function is followed by its derivative, micrograd style; ``Trainer``
runs, records and stops a run, and ``decision_grid`` evaluates a model on a grid.
"""

import itertools
import math
import numbers
from dataclasses import asdict, dataclass, replace

import numpy as np

from softmax_lab._rows import batch_sum, steps
from softmax_lab.activations import log_sigmoid, log_softmax, softmax
from softmax_lab.losses import cross_entropy_grad
from softmax_lab.pairs import PAIRS

TRAIN_PAIRS = ("softmax_ce", "sigmoid_bce", "softmax_mse", "sigmoid_pos_ce")
ACTIVATIONS = ("tanh", "relu")
MAX_HIDDEN = 64
MAX_STEPS = 100_000
MAX_CLASSES = 100
HISTORY_ROWS = 2000
RECORD_EVERY = 10  # updates between history rows at first; doubles whenever the history fills
METRICS = ("step", "loss", "train_acc", "test_acc", "grad_norm", "mean_top_prob", "mean_entropy")
MAX_GRID_RESOLUTION = 400


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
                raise ValueError(f"{name} must be {allowed}; got {_short_repr(value)}")
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
            shown = ", ".join(_short_repr(key) for key in unknown[:5])
            raise ValueError(f"config has unknown keys: {shown}")
        for name, value in values.items():
            kind, _, allowed = _FIELD_RULES[name]
            if not _is_json_kind(value, kind):
                raise ValueError(f"{name} must be {allowed}; got {_short_repr(value)}")
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


def _short_repr(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- layers: each forward next to its derivative -------------------------------------------


def affine(X, W, b):
    """The affine map X W + b.

    Parameters
    ----------
    X : ndarray, shape (N, D)
    W : ndarray, shape (D, C)
    b : ndarray, shape (C,)

    Returns
    -------
    ndarray, shape (N, C)

    Examples
    --------
    >>> affine(np.ones((2, 2)), np.eye(2), np.array([0.5, -0.5]))
    array([[1.5, 0.5],
           [1.5, 0.5]])
    """
    out = X @ W
    out += b  # in place: one (N, C) array, not two
    return out


def affine_backward(dOut, X):
    """dL/dW (D, C) = Xᵀ dOut and dL/db (C,) = Σ over N of dOut, from dOut = dL/d(XW + b).

    Examples
    --------
    >>> dW, db = affine_backward(np.array([[1.0, -1.0]]), np.array([[2.0, 3.0]]))
    >>> dW.tolist(), db.tolist()
    ([[2.0, -2.0], [3.0, -3.0]], [1.0, -1.0])
    """
    return X.T @ dOut, batch_sum(dOut)


def affine_input_grad(dOut, W):
    """dL/dX (N, D) = dOut Wᵀ, from dOut (N, C) and W (D, C).

    Examples
    --------
    >>> affine_input_grad(np.array([[1.0, -1.0]]), np.eye(2)).tolist()
    [[1.0, -1.0]]
    """
    return dOut @ W.T


def tanh(pre):
    """H = tanh(pre), elementwise, shape (N, M).

    Examples
    --------
    >>> tanh(np.array([0.0, 100.0])).tolist()
    [0.0, 1.0]
    """
    return np.tanh(pre)


def tanh_backward(dH, pre, H):
    """dL/dpre = dH (1 − H²), elementwise, shape (N, M).

    Examples
    --------
    >>> tanh_backward(np.ones(2), None, np.array([0.0, 0.5])).tolist()
    [1.0, 0.75]
    """
    dpre = np.multiply(H, H)  # one (N, M) array, updated in place
    np.subtract(1.0, dpre, out=dpre)
    return np.multiply(dpre, dH, out=dpre)


def relu(pre):
    """H = max(pre, 0), elementwise, shape (N, M).

    Examples
    --------
    >>> relu(np.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """
    return np.maximum(pre, 0.0)


def relu_backward(dH, pre, H):
    """dL/dpre = dH where pre > 0, else 0 (the subgradient 0 at pre = 0), shape (N, M).

    Examples
    --------
    >>> relu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0]), None).tolist()
    [0.0, 0.0, 1.0]
    """
    return dH * (pre > 0)


HIDDEN_ACTIVATIONS = {"tanh": (tanh, tanh_backward), "relu": (relu, relu_backward)}


def l2_penalty(params, l2):
    """0.5 · l2 · Σ‖W‖² over the weight matrices (names starting with W), a float.

    Examples
    --------
    >>> l2_penalty({"W1": np.ones((2, 3)), "b1": np.ones(3)}, 0.5)
    1.5
    """
    return 0.5 * l2 * sum(float(np.vdot(p, p)) for name, p in params.items() if name[0] == "W")


def l2_penalty_grad(W, l2):
    """d l2_penalty / dW = l2 · W, shaped like W.

    Examples
    --------
    >>> l2_penalty_grad(np.ones(2), 0.5).tolist()
    [0.5, 0.5]
    """
    return l2 * W


def mean_row_loss(pair, logits, Y):
    """The pair's per-row loss (a sum over C), averaged over the N rows: a float.

    Parameters
    ----------
    pair : LossPair
        One of ``PAIRS``.
    logits : ndarray, shape (N, C)
    Y : ndarray, shape (N, C)
        One-hot targets.

    Examples
    --------
    >>> round(mean_row_loss(PAIRS["softmax_ce"], np.zeros((2, 2)), np.eye(2)), 4)
    0.6931
    """
    return float(pair.row_loss(logits, Y).mean())


def mean_row_loss_grad(pair, logits, Y, labels=None):
    """d mean_row_loss / d logits = row_grad / N, shape (N, C).

    ``labels`` (N,), the classes of Y's one-hot rows, lets softmax_ce take the core's
    gather path (``losses.cross_entropy_grad`` on class indices): the same gradient,
    without Y.

    Examples
    --------
    >>> mean_row_loss_grad(PAIRS["softmax_ce"], np.zeros((2, 2)), np.eye(2)).tolist()
    [[-0.25, 0.25], [0.25, -0.25]]
    >>> mean_row_loss_grad(PAIRS["softmax_ce"], np.zeros((2, 2)), None, np.arange(2)).tolist()
    [[-0.25, 0.25], [0.25, -0.25]]
    """
    if labels is not None and pair.key == "softmax_ce":
        return cross_entropy_grad(logits, labels)
    grad = pair.row_grad(logits, Y)
    grad /= len(Y)  # in place: each pair's gradient is a fresh array
    return grad


# -- the model -----------------------------------------------------------------------------


def init_params(config, n_features, n_classes):
    """Initial weights N(0, init_scale² / fan-in) and zero biases, from the config's seed.

    Parameters
    ----------
    config : TrainConfig
    n_features : int
        D.
    n_classes : int
        C.

    Returns
    -------
    dict of str to ndarray
        W1 (D, C) and b1 (C,) for the linear model; W1 (D, M), b1 (M,), W2 (M, C) and
        b2 (C,) with one hidden layer of M units.

    Examples
    --------
    >>> params = init_params(TrainConfig(hidden=5), 2, 3)
    >>> {name: p.shape for name, p in params.items()}
    {'W1': (2, 5), 'b1': (5,), 'W2': (5, 3), 'b2': (3,)}
    """
    rng = np.random.default_rng(config.seed)
    params = {}
    for name, shape in param_shapes(config, n_features, n_classes).items():
        if name[0] == "W":
            params[name] = rng.normal(scale=config.init_scale / math.sqrt(shape[0]), size=shape)
        else:
            params[name] = np.zeros(shape)
    return params


def param_shapes(config, n_features, n_classes):
    """{name: shape} of the model's parameters, in the order W1, b1[, W2, b2].

    Examples
    --------
    >>> param_shapes(TrainConfig(), 2, 3)
    {'W1': (2, 3), 'b1': (3,)}
    """
    widths = [n_features, config.hidden, n_classes] if config.hidden else [n_features, n_classes]
    shapes = {}
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(widths), start=1):
        shapes[f"W{layer}"], shapes[f"b{layer}"] = (fan_in, fan_out), (fan_out,)
    return shapes


def forward(params, X, activation="tanh"):
    """Logits (N, C) of points X (N, D), and the cache ``backward`` needs.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2)}
    >>> forward(params, np.array([[1.0, 2.0]]))[0]
    array([[1., 2.]])
    """
    if "W2" not in params:
        return affine(X, params["W1"], params["b1"]), (X, None, None)
    pre = affine(X, params["W1"], params["b1"])
    H = HIDDEN_ACTIVATIONS[activation][0](pre)
    return affine(H, params["W2"], params["b2"]), (X, pre, H)


def backward(params, cache, dLdZ, activation="tanh", l2=0.0):
    """Gradients of the total loss for every parameter, from dL/dlogits (N, C).

    Parameters
    ----------
    params : dict of str to ndarray
    cache : tuple
        From ``forward`` on the same params.
    dLdZ : ndarray, shape (N, C)
        d(mean data loss)/d logits, already divided by N.
    activation : {"tanh", "relu"}
    l2 : float
        Adds l2 · W to each weight's gradient.

    Returns
    -------
    dict of str to ndarray
        Shaped like ``params``.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros(2)}
    >>> X = np.array([[1.0, 2.0]])
    >>> backward(params, forward(params, X)[1], np.array([[1.0, 0.0]]), l2=0.5)["W1"]
    array([[1.5, 0. ],
           [2. , 0.5]])
    """
    X, pre, H = cache
    if "W2" not in params:
        dW1, db1 = affine_backward(dLdZ, X)
        grads = {"W1": dW1, "b1": db1}
    else:
        dW2, db2 = affine_backward(dLdZ, H)
        dH = affine_input_grad(dLdZ, params["W2"])
        dpre = HIDDEN_ACTIVATIONS[activation][1](dH, pre, H)
        dW1, db1 = affine_backward(dpre, X)
        grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if l2:
        for name, grad in grads.items():
            if name[0] == "W":  # the weights, as in l2_penalty
                grad += l2_penalty_grad(params[name], l2)
    return grads


def total_loss(params, X, Y, config):
    """Mean over N of the pair's row loss plus 0.5 · l2 · Σ‖W‖², a float.

    Parameters
    ----------
    params : dict of str to ndarray
    X : ndarray, shape (N, D)
    Y : ndarray, shape (N, C)
        One-hot targets.
    config : TrainConfig
        Supplies pair, activation and l2.

    Examples
    --------
    >>> config = TrainConfig(l2=1.0)
    >>> params = {"W1": np.zeros((2, 2)), "b1": np.zeros(2)}
    >>> round(total_loss(params, np.ones((3, 2)), np.eye(2)[[0, 1, 1]], config), 4)
    0.6931
    """
    logits, _ = forward(params, X, config.activation)
    return mean_row_loss(PAIRS[config.pair], logits, Y) + l2_penalty(params, config.l2)


def total_loss_grad(params, X, Y, config):
    """d total_loss / d params: a dict shaped like ``params``.

    Examples
    --------
    >>> params = {"W1": np.zeros((2, 2)), "b1": np.zeros(2)}
    >>> total_loss_grad(params, np.ones((2, 2)), np.eye(2), TrainConfig())["b1"].tolist()
    [0.0, 0.0]
    """
    logits, cache = forward(params, X, config.activation)
    dLdZ = mean_row_loss_grad(PAIRS[config.pair], logits, Y)
    return backward(params, cache, dLdZ, config.activation, config.l2)


def display_logits(pair, logits):
    """Logits whose softmax is the distribution shown for ``pair``, shape (N, C).

    Softmax pairs show softmax(z); sigmoid pairs show the per-class sigmoids normalised
    to sum to 1, which is softmax(log σ(z)) and never divides by zero.

    Examples
    --------
    >>> z = np.array([[0.0, 0.0]])
    >>> softmax(display_logits(PAIRS["sigmoid_bce"], z)).tolist()
    [[0.5, 0.5]]
    """
    return logits if pair.output == "softmax" else log_sigmoid(logits)


# -- the run -------------------------------------------------------------------------------


class Trainer:
    """Runs, records and stops one training run; ``step(k)`` does k updates.

    The features are standardised with the training set's mean and standard deviation.
    After every ``record_stride`` updates (``RECORD_EVERY`` = 10 at first), and after
    the last one, a history row (``METRICS``) of the current weights is recorded, all on
    the full training set: the total loss, train and test accuracy (test accuracy is
    NaN without a test set), the norm of the full-batch gradient, and the mean over N
    of the top displayed probability and of its entropy (nats). The history is
    bounded: once it holds ``HISTORY_ROWS`` rows every other row is dropped and the
    stride doubles. The run stops (``done``) at ``max_steps``, on a loss plateau, or
    when it diverges; a diverged run keeps its last finite weights.

    Parameters
    ----------
    config : TrainConfig
    X_train : array_like, shape (N, D)
        Finite, N ≥ 1.
    y_train : array_like of int, shape (N,)
        In 0 … C − 1.
    X_test : array_like, shape (M, D)
        May have M = 0 rows.
    y_test : array_like of int, shape (M,)
    n_classes : int
        C, 2 … 100.
    params : dict of str to ndarray, optional
        Weights to start from instead of ``init_params``.
    start_step : int
        The step count of ``params`` (used when a saved run is loaded).

    Examples
    --------
    >>> from softmax_lab.datasets import make_dataset
    >>> X, y = make_dataset("blobs", 60, 3, seed=0)
    >>> trainer = Trainer(TrainConfig(lr=0.5, max_steps=100), X, y, X[:0], y[:0], 3)
    >>> trainer.step(1000), trainer.stopped_reason
    (100, 'reached the maximum of 100 steps')
    >>> history = trainer.history_arrays()
    >>> bool(history["loss"][-1] < 0.5 * history["loss"][0]), float(history["train_acc"][-1])
    (True, 1.0)
    """

    def __init__(
        self, config, X_train, y_train, X_test, y_test, n_classes, params=None, start_step=0
    ):
        self.config = replace(config).validate()  # a private copy: set_lr must not leak
        self.n_classes = _check_whole("n_classes", n_classes, 2, MAX_CLASSES)
        X_train, X_test = _features(X_train, "X_train"), _features(X_test, "X_test")
        if len(X_train) == 0 or X_test.shape[1] != X_train.shape[1]:
            raise ValueError("X_train needs at least one row, and X_test the same columns")
        self.mean = X_train.mean(axis=0)
        spread = X_train.std(axis=0)
        self.std = np.where(spread > 0, spread, 1.0)
        self.X, self.X_test = self.standardise(X_train), self.standardise(X_test)
        self.y = _labels(y_train, len(X_train), self.n_classes, "y_train")
        self.y_test = _labels(y_test, len(X_test), self.n_classes, "y_test")
        self.Y = np.eye(self.n_classes)[self.y]
        self._label_positions = self.y + steps(len(self.y) * self.n_classes, self.n_classes)
        self.pair = PAIRS[self.config.pair]
        if params is None:
            params = init_params(self.config, self.X.shape[1], self.n_classes)
        shapes = param_shapes(self.config, self.X.shape[1], self.n_classes)
        self.params = _checked_params(params, shapes)
        self._spare = {name: np.empty_like(p) for name, p in self.params.items()}
        self.steps = _check_whole("start_step", start_step, 0, self.config.max_steps)
        self.stopped_reason = None
        self._order, self._epoch = None, -1
        self._history = np.full((HISTORY_ROWS, len(METRICS)), np.nan)
        self._rows, self.record_stride = 0, RECORD_EVERY
        self._best_loss, self._best_step = math.inf, self.steps
        with np.errstate(all="ignore"):
            self._record()
        if self.steps >= self.config.max_steps and not self.done:
            self._stop_at_max_steps()

    # -- state ---------------------------------------------------------------------------

    @property
    def done(self):
        """Whether the run has stopped; ``stopped_reason`` says why."""
        return self.stopped_reason is not None

    def set_lr(self, lr):
        """Change the learning rate from the next update on; the run is not reset.

        Examples
        --------
        >>> trainer = Trainer(TrainConfig(), np.eye(2), np.arange(2), np.eye(2)[:0], [], 2)
        >>> trainer.set_lr(0.01); trainer.config.lr
        0.01
        """
        self.config = replace(self.config, lr=lr).validate()

    def set_l2(self, l2):
        """Change the L2 penalty from the next update on; the run is not reset.

        Examples
        --------
        >>> trainer = Trainer(TrainConfig(), np.eye(2), np.arange(2), np.eye(2)[:0], [], 2)
        >>> trainer.set_l2(-1.0)
        Traceback (most recent call last):
        ...
        ValueError: l2 must be a number from 0 to 10; got -1.0
        """
        self.config = replace(self.config, l2=l2).validate()

    def standardise(self, X):
        """Raw points (M, D) in the model's input units: (X − train mean) / train std.

        Examples
        --------
        >>> X, y = np.array([[0.0, 1.0], [2.0, 1.0]]), np.array([0, 1])
        >>> Trainer(TrainConfig(), X, y, X[:0], y[:0], 2).standardise(X).tolist()
        [[-1.0, 0.0], [1.0, 0.0]]
        """
        return (X - self.mean) / self.std

    # -- training ------------------------------------------------------------------------

    def step(self, k=1):
        """Run up to k updates; returns how many ran (fewer once the run stops).

        Parameters
        ----------
        k : int
            ≥ 0.

        Returns
        -------
        int

        Examples
        --------
        >>> X, y = np.eye(2), np.arange(2)
        >>> trainer = Trainer(TrainConfig(max_steps=30), X, y, X[:0], y[:0], 2)
        >>> trainer.step(20), trainer.step(20), trainer.done
        (20, 10, True)
        """
        k = _check_whole("k", k, 0, 10**9)
        ran = 0
        with np.errstate(all="ignore"):  # divergence is detected with isfinite below
            while ran < k and not self.done and self._update():
                ran += 1
        return ran

    def _update(self):
        """One gradient step on the next batch; False (weights kept) when it would diverge."""
        X, Y, y = self._next_batch()
        logits, cache = forward(self.params, X, self.config.activation)
        dLdZ = mean_row_loss_grad(self.pair, logits, Y, y)
        grads = backward(self.params, cache, dLdZ, self.config.activation, self.config.l2)
        lr, spare = self.config.lr, self._spare
        updated = {
            name: np.subtract(p, lr * grads[name], out=spare[name])
            for name, p in self.params.items()
        }
        if not all(np.isfinite(p).all() for p in updated.values()):
            self._stop_diverged("the weights", updated.values(), self.steps + 1)
            return False
        self._spare, self.params = self.params, updated
        self.steps += 1
        if self.steps % self.record_stride == 0 or self.steps >= self.config.max_steps:
            self._record()
        if self.steps >= self.config.max_steps and not self.done:
            self._stop_at_max_steps()
        return True

    def _next_batch(self):
        """(X, Y, y) of the next update: the full set, or the next mini-batch of this epoch.

        Epoch e visits the rows in the order ``default_rng([seed, e]).permutation(N)``,
        in N // batch_size batches, so the batch depends only on the step count.
        """
        size, n_rows = self.config.batch_size, len(self.y)
        if size == 0 or size >= n_rows:
            return self.X, self.Y, self.y
        batches_per_epoch = n_rows // size
        epoch, position = divmod(self.steps, batches_per_epoch)
        if epoch != self._epoch:
            rng = np.random.default_rng([self.config.seed, epoch])
            self._order, self._epoch = rng.permutation(n_rows), epoch
        rows = self._order[position * size : (position + 1) * size]
        return self.X[rows], self.Y[rows], self.y[rows]

    # -- recording and stopping ----------------------------------------------------------

    def _measure(self):
        """The ``METRICS`` row of the current weights, from one full-batch forward pass."""
        logits, cache = forward(self.params, self.X, self.config.activation)
        log_shown = log_softmax(display_logits(self.pair, logits))
        shown = np.exp(log_shown)
        n_rows = len(self.y)
        if self.pair.key == "softmax_ce":  # shown is softmax(z): −mean log p_y and (p − Y)/N
            loss = -float(np.add.reduce(log_shown.ravel().take(self._label_positions))) / n_rows
            dLdZ = np.subtract(shown, self.Y)
            dLdZ /= n_rows
        else:
            loss = mean_row_loss(self.pair, logits, self.Y)
            dLdZ = mean_row_loss_grad(self.pair, logits, self.Y)
        loss += l2_penalty(self.params, self.config.l2)
        grads = backward(self.params, cache, dLdZ, self.config.activation, self.config.l2)
        grad_norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
        # Means over N of per-row values, each reduced along the long axis: the top
        # probability of each row from the (C, N) transpose, and the entropy summed
        # over all N·C terms at once (−Σ p log p, with 0 · log 0 = 0).
        top = np.maximum.reduce(shown.T.copy(), axis=0)
        entropy_sum = -float(np.vdot(shown, np.where(shown > 0, log_shown, 0.0)))
        return (
            self.steps,
            loss,
            _fraction_correct(logits, self.y),
            self._accuracy(self.X_test, self.y_test),
            grad_norm,
            float(np.add.reduce(top)) / n_rows,
            entropy_sum / n_rows,
        )

    def _accuracy(self, X, y):
        if len(y) == 0:
            return math.nan
        logits, _ = forward(self.params, X, self.config.activation)
        return _fraction_correct(logits, y)

    def _record(self):
        """Append the current metrics to the history, then check divergence and plateau."""
        row = self._measure()
        loss = row[1]
        if not math.isfinite(loss):
            self._stop_diverged("the loss", [np.array(loss)], self.steps)
            return
        if self._rows == HISTORY_ROWS:
            self._history[: HISTORY_ROWS // 2] = self._history[::2]
            self._history[HISTORY_ROWS // 2 :] = np.nan
            self._rows, self.record_stride = HISTORY_ROWS // 2, self.record_stride * 2
        self._history[self._rows] = row
        self._rows += 1
        self._check_plateau(loss)

    def _check_plateau(self, loss):
        tol, best = self.config.plateau_tol, self._best_loss
        if not math.isfinite(best) or loss < best - tol * max(abs(best), 1.0):
            self._best_loss, self._best_step = loss, self.steps
        elif self.steps - self._best_step >= self.config.plateau_patience:
            self.stopped_reason = (
                f"loss plateaued at {loss:.4g}: no relative improvement of {tol:g} in the "
                f"last {self.steps - self._best_step:,} steps"
            )

    def _stop_diverged(self, what, arrays, step):
        value = "NaN" if any(np.isnan(a).any() for a in arrays) else "inf"
        self.stopped_reason = (
            f"diverged: {what} became {value} at step {step:,} — lower the learning rate "
            "(or the L2 penalty or the initial weight scale); the last finite weights are kept"
        )

    def _stop_at_max_steps(self):
        self.stopped_reason = f"reached the maximum of {self.config.max_steps:,} steps"

    # -- reading the run -----------------------------------------------------------------

    def history_arrays(self):
        """The recorded metrics as 1-D float arrays of equal length, keyed by ``METRICS``.

        Examples
        --------
        >>> trainer = Trainer(TrainConfig(), np.eye(2), np.arange(2), np.eye(2)[:0], [], 2)
        >>> trainer.step(25)
        25
        >>> trainer.history_arrays()["step"].tolist()  # a row every 10 updates at first
        [0.0, 10.0, 20.0]
        """
        rows = self._history[: self._rows]
        return {name: rows[:, i].copy() for i, name in enumerate(METRICS)}

    def predict_proba(self, X, raw=False):
        """Probabilities (M, C) for raw points X (M, D).

        Parameters
        ----------
        X : array_like, shape (M, D)
        raw : bool
            False: the displayed distribution (rows sum to 1; sigmoid outputs are
            normalised). True: the pair's own outputs (the independent sigmoids).

        Examples
        --------
        >>> trainer = Trainer(
        ...     TrainConfig(pair="sigmoid_bce"), np.eye(2), np.arange(2), np.eye(2)[:0], [], 2
        ... )
        >>> trainer.predict_proba(np.eye(2)).sum(axis=1).round(6).tolist()
        [1.0, 1.0]
        """
        X = _features(X, "X")
        if X.shape[1] != self.X.shape[1]:
            raise ValueError(f"X must have {self.X.shape[1]} columns, got {X.shape[1]}")
        with np.errstate(all="ignore"):
            logits, _ = forward(self.params, self.standardise(X), self.config.activation)
            if raw:
                return self.pair.probabilities(logits)
            return softmax(display_logits(self.pair, logits))

    def confusion_matrix(self):
        """Counts (C, C): true class down the rows, predicted class across, on the test
        set (the training set when there is no test set).

        Examples
        --------
        >>> trainer = Trainer(TrainConfig(), np.eye(2), np.arange(2), np.eye(2)[:0], [], 2)
        >>> int(trainer.confusion_matrix().sum())
        2
        """
        X, y = (self.X_test, self.y_test) if len(self.y_test) else (self.X, self.y)
        with np.errstate(all="ignore"):
            logits, _ = forward(self.params, X, self.config.activation)
        predicted = logits.argmax(axis=1)
        counts = np.bincount(y * self.n_classes + predicted, minlength=self.n_classes**2)
        return counts.reshape(self.n_classes, self.n_classes).astype(np.int64)

    # -- saving and loading --------------------------------------------------------------

    def state_dict(self):
        """A JSON-safe record of the run: config, n_classes, steps and weights as lists.

        Examples
        --------
        >>> trainer = Trainer(TrainConfig(), np.eye(2), np.arange(2), np.eye(2)[:0], [], 2)
        >>> sorted(trainer.state_dict())
        ['config', 'n_classes', 'params', 'steps']
        """
        return {
            "config": self.config.to_dict(),
            "n_classes": self.n_classes,
            "steps": self.steps,
            "params": {name: p.tolist() for name, p in self.params.items()},
        }

    @classmethod
    def from_state_dict(cls, state, X_train, y_train, X_test, y_test):
        """Continue a run saved by ``state_dict`` on the same data, validating every field.

        Parameters
        ----------
        state : dict
            Untrusted JSON: exactly the keys config, n_classes, steps and params, with
            params holding nested lists of finite numbers of the model's shapes.
        X_train, y_train, X_test, y_test
            As for ``Trainer``.

        Returns
        -------
        Trainer
            At the saved step; continuing it repeats the uninterrupted run's weights.

        Examples
        --------
        >>> X, y = np.eye(2), np.arange(2)
        >>> trainer = Trainer(TrainConfig(), X, y, X[:0], y[:0], 2)
        >>> _ = trainer.step(5)
        >>> Trainer.from_state_dict(trainer.state_dict(), X, y, X[:0], y[:0]).steps
        5
        """
        expected = {"config", "n_classes", "steps", "params"}
        if not isinstance(state, dict) or set(state) != expected:
            raise ValueError(
                "a saved run must have exactly the keys config, n_classes, steps, params"
            )
        config = TrainConfig.from_dict(state["config"])
        n_classes = state["n_classes"]
        if type(n_classes) is not int or not 2 <= n_classes <= MAX_CLASSES:
            raise ValueError(f"n_classes must be a whole number from 2 to {MAX_CLASSES}")
        steps = state["steps"]
        if type(steps) is not int or not 0 <= steps <= config.max_steps:
            raise ValueError("steps must be a whole number from 0 to the config's max_steps")
        n_features = _features(X_train, "X_train").shape[1]
        shapes = param_shapes(config, n_features, n_classes)
        params = state["params"]
        if not isinstance(params, dict) or set(params) != set(shapes):
            raise ValueError(f"params must have exactly the keys {', '.join(shapes)}")
        arrays = {
            name: _array_from_json(params[name], shape, name) for name, shape in shapes.items()
        }
        return cls(
            config, X_train, y_train, X_test, y_test, n_classes, params=arrays, start_step=steps
        )


def _fraction_correct(logits, y):
    """The fraction of rows of logits (N, C) whose argmax is the label y (N,)."""
    return np.count_nonzero(logits.argmax(axis=1) == y) / len(y)


def _checked_params(params, shapes):
    """Private float64 copies of ``params``; ValueError unless finite with exactly ``shapes``."""
    if not isinstance(params, dict) or set(params) != set(shapes):
        raise ValueError(f"params must have exactly the keys {', '.join(shapes)}")
    checked = {}
    for name, shape in shapes.items():
        try:
            array = np.array(params[name], dtype=np.float64)
        except (TypeError, ValueError):
            array = np.empty(0)
        if array.shape != shape or not np.isfinite(array).all():
            raise ValueError(f"params[{name!r}] must be finite numbers with shape {shape}")
        checked[name] = array
    return checked


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


# -- input checks --------------------------------------------------------------------------


def _check_whole(name, value, low, high):
    """``value`` as an int; ValueError naming ``name`` unless a whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {_short_repr(value)}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low:,} to {high:,}, got {value!r}")
    return int(value)


def _features(X, name):
    """X as a finite float64 array of shape (N, D)."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers of shape (N, D)") from None
    if X.ndim != 2 or X.shape[1] == 0 or not np.isfinite(X).all():
        raise ValueError(f"{name} must be finite numbers of shape (N, D), got shape {X.shape}")
    return X


def _labels(y, n_rows, n_classes, name):
    """y as int64 (N,), each in 0 … C − 1."""
    y = np.asarray(y)
    if y.size == 0:
        y = y.astype(np.int64)
    if y.shape != (n_rows,) or y.dtype.kind not in "iu":
        raise ValueError(f"{name} must be {n_rows} whole-number labels, got {y.dtype} {y.shape}")
    if n_rows and not (y.min() >= 0 and y.max() < n_classes):
        raise ValueError(f"{name} must lie in 0 … {n_classes - 1}")
    return y.astype(np.int64)


# -- the decision-region plot --------------------------------------------------------------


def decision_grid(trainer, X, resolution=60, margin=0.5):
    """The predicted class and its probability on an R × R grid around points X.

    Parameters
    ----------
    trainer : Trainer
        A model with D = 2 features.
    X : array_like, shape (N, 2)
        Raw points; the grid spans their range plus ``margin`` on each side.
    resolution : int
        R, 2 … 400.
    margin : float
        ≥ 0, in the units of X.

    Returns
    -------
    xs : ndarray, shape (R,)
    ys : ndarray, shape (R,)
    class_index : ndarray of int, shape (R, R)
        Row i, column j is the point (xs[j], ys[i]).
    confidence : ndarray, shape (R, R)
        The displayed probability of that class, in [1/C, 1].

    Examples
    --------
    >>> X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
    >>> trainer = Trainer(TrainConfig(), X, y, X[:0], y[:0], 2)
    >>> xs, ys, class_index, confidence = decision_grid(trainer, X, resolution=5)
    >>> xs.tolist(), class_index.shape, bool((confidence >= 0.5).all())
    ([-0.5, 0.0, 0.5, 1.0, 1.5], (5, 5), True)
    """
    resolution = _check_whole("resolution", resolution, 2, MAX_GRID_RESOLUTION)
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        raise ValueError(f"margin must be a number, got {_short_repr(margin)}")
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be finite and ≥ 0, got {margin!r}")
    X = _features(X, "X")
    if X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (N, 2) with N ≥ 1, got {X.shape}")
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    probabilities = trainer.predict_proba(np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    class_index = probabilities.argmax(axis=1).reshape(grid_x.shape)
    confidence = probabilities.max(axis=1).reshape(grid_x.shape)
    return xs, ys, class_index, confidence
