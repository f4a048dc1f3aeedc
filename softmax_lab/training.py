"""A small classifier trained by gradient descent: linear softmax regression, or one
hidden layer, under any of four output/loss pairs.

Shapes: X is (N, D) with D = 2 features, labels y (N,), targets Y (N, C) one-hot,
logits (N, C). The loss is the mean over N of the pair's per-row loss plus
0.5·l2·Σ‖W‖² over the weight matrices.
"""

import itertools
import math
from dataclasses import asdict, dataclass, fields

import numpy as np

from softmax_lab.activations import entropy, softmax
from softmax_lab.pairs import PAIRS

TRAIN_PAIRS = ("softmax_ce", "sigmoid_bce", "softmax_mse", "sigmoid_pos_ce")
ACTIVATIONS = ("tanh", "relu")
MAX_STEPS = 100_000
HISTORY_ROWS = 2000
RECORD_EVERY = 10  # steps between history rows at first; doubles whenever the history fills
METRICS = ("step", "loss", "train_acc", "test_acc", "grad_norm", "mean_top_prob", "mean_entropy")


@dataclass
class TrainConfig:
    """Everything that defines a run; ``validate`` names the field that is out of range."""

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
        """Raise ``ValueError`` naming the first bad field; returns ``self``."""
        checks = {
            "pair": self.pair in TRAIN_PAIRS,
            "hidden": isinstance(self.hidden, int) and 0 <= self.hidden <= 64,
            "activation": self.activation in ACTIVATIONS,
            "lr": _finite(self.lr) and 1e-4 <= self.lr <= 10,
            "l2": _finite(self.l2) and 0 <= self.l2 <= 10,
            "init_scale": _finite(self.init_scale) and 0 < self.init_scale <= 100,
            "batch_size": isinstance(self.batch_size, int) and 0 <= self.batch_size <= 10_000,
            "seed": isinstance(self.seed, int) and 0 <= self.seed < 2**32,
            "max_steps": isinstance(self.max_steps, int) and 1 <= self.max_steps <= MAX_STEPS,
            "plateau_tol": _finite(self.plateau_tol) and 0 <= self.plateau_tol < 1,
            "plateau_patience": isinstance(self.plateau_patience, int)
            and 1 <= self.plateau_patience <= MAX_STEPS,
        }
        for name, ok in checks.items():
            if not ok:
                raise ValueError(
                    f"{name} is out of range or of the wrong type: {getattr(self, name)!r}"
                )
        return self

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        """A validated config from untrusted JSON: unknown keys and wrong types are refused."""
        if not isinstance(d, dict):
            raise ValueError("config must be a JSON object")
        known = {f.name: f.type for f in fields(cls)}
        unknown = set(d) - set(known)
        if unknown:
            raise ValueError(
                f"config has unknown keys: {', '.join(sorted(map(str, unknown)))[:200]}"
            )
        values = {}
        for name, value in d.items():
            kind = known[name]
            if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} must be a whole number")
            if kind == "float" and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ValueError(f"{name} must be a number")
            if kind == "str" and not isinstance(value, str):
                raise ValueError(f"{name} must be text")
            values[name] = float(value) if kind == "float" else value
        return cls(**values).validate()


def _finite(x):
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def init_params(config, n_features, n_classes):
    """Weights drawn N(0, init_scale² / fan-in), biases 0, from the config's seed."""
    rng = np.random.default_rng(config.seed)
    sizes = [n_features, config.hidden, n_classes] if config.hidden else [n_features, n_classes]
    params = {}
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{i}"] = rng.normal(
            scale=config.init_scale / np.sqrt(fan_in), size=(fan_in, fan_out)
        )
        params[f"b{i}"] = np.zeros(fan_out)
    return params


def forward(params, X, activation="tanh"):
    """Logits (N, C) and the cache the backward pass needs."""
    if "W2" not in params:
        return X @ params["W1"] + params["b1"], (X,)
    pre = X @ params["W1"] + params["b1"]
    H = np.tanh(pre) if activation == "tanh" else np.maximum(pre, 0.0)
    return H @ params["W2"] + params["b2"], (X, pre, H)


def backward(params, cache, dLdZ, activation="tanh", l2=0.0):
    """Gradients of the loss for each parameter, from dL/dlogits (N, C)."""
    if "W2" not in params:
        (X,) = cache
        return {"W1": X.T @ dLdZ + l2 * params["W1"], "b1": dLdZ.sum(0)}
    X, pre, H = cache
    dH = dLdZ @ params["W2"].T
    dpre = dH * (1.0 - H * H) if activation == "tanh" else dH * (pre > 0)
    return {
        "W2": H.T @ dLdZ + l2 * params["W2"],
        "b2": dLdZ.sum(0),
        "W1": X.T @ dpre + l2 * params["W1"],
        "b1": dpre.sum(0),
    }


def total_loss(params, X, Y, config):
    """Mean over N of the pair's row loss plus 0.5·l2·Σ‖W‖²."""
    logits, _ = forward(params, X, config.activation)
    data = float(PAIRS[config.pair].row_loss(logits, Y).mean())
    return data + 0.5 * config.l2 * sum(
        float((w * w).sum()) for k, w in params.items() if k[0] == "W"
    )


class Trainer:
    """Runs and records a training run; ``step(k)`` does k updates.

    The history is bounded: once it holds ``HISTORY_ROWS`` rows, every other row is
    dropped and rows are recorded half as often, so any number of steps fits.
    """

    def __init__(self, config, X_train, y_train, X_test, y_test, n_classes, params=None):
        self.config = config.validate()
        self.n_classes = int(n_classes)
        self.mean = X_train.mean(axis=0)
        self.std = np.where(X_train.std(axis=0) > 0, X_train.std(axis=0), 1.0)
        self.X, self.y = (X_train - self.mean) / self.std, np.asarray(y_train)
        self.X_test, self.y_test = (X_test - self.mean) / self.std, np.asarray(y_test)
        self.Y = np.eye(self.n_classes)[self.y]
        self.params = params or init_params(config, self.X.shape[1], self.n_classes)
        self.pair = PAIRS[config.pair]
        self.rng = np.random.default_rng(config.seed + 1)
        self.order, self.cursor = self.rng.permutation(len(self.y)), 0
        self.steps = 0
        self.stopped_reason = None
        self._history = np.empty((HISTORY_ROWS, len(METRICS)))
        self._rows, self._stride = 0, RECORD_EVERY
        self._best, self._since_best = np.inf, 0
        self._record(*self._evaluate())

    @property
    def done(self):
        return self.stopped_reason is not None

    def set_lr(self, lr):
        self.config.lr = lr
        self.config.validate()

    def set_l2(self, l2):
        self.config.l2 = l2
        self.config.validate()

    def _batch(self):
        size = self.config.batch_size
        if not size or size >= len(self.y):
            return self.X, self.Y
        if self.cursor + size > len(self.order):
            self.order, self.cursor = self.rng.permutation(len(self.y)), 0
        idx = self.order[self.cursor : self.cursor + size]
        self.cursor += size
        return self.X[idx], self.Y[idx]

    def _gradients(self, X, Y):
        logits, cache = forward(self.params, X, self.config.activation)
        dLdZ = self.pair.row_grad(logits, Y) / len(Y)
        return backward(self.params, cache, dLdZ, self.config.activation, self.config.l2)

    def step(self, k=1):
        """Run up to k updates; returns how many ran (fewer when the run stops)."""
        ran = 0
        with np.errstate(all="ignore"):
            for _ in range(int(k)):
                if self.done:
                    break
                grads = self._gradients(*self._batch())
                for name, g in grads.items():
                    self.params[name] -= self.config.lr * g
                self.steps += 1
                ran += 1
                if self.steps % self._stride == 0 or self.steps == self.config.max_steps:
                    metrics = self._evaluate(grads)
                    if not all(
                        np.isfinite(p).all() for p in self.params.values()
                    ) or not np.isfinite(metrics[0]):
                        self.params = self._last_good
                        self.stopped_reason = (
                            f"diverged: the loss became {metrics[0]:g} at step {self.steps}; "
                            "lower the learning rate, the L2 penalty or the initial weight scale"
                        )
                        break
                    self._record(*metrics)
                    self._check_plateau(metrics[0])
                if self.steps >= self.config.max_steps and not self.done:
                    self.stopped_reason = f"reached the maximum of {self.config.max_steps:,} steps"
        return ran

    def _check_plateau(self, loss):
        if not np.isfinite(self._best) or loss < self._best - self.config.plateau_tol * max(
            abs(self._best), 1.0
        ):
            self._best, self._since_best = loss, 0
            return
        self._since_best += self._stride
        if self._since_best >= self.config.plateau_patience:
            self.stopped_reason = (
                f"loss plateaued at {loss:.4g}: no improvement over "
                f"{self.config.plateau_patience:,} steps"
            )

    def _evaluate(self, grads=None):
        logits, _ = forward(self.params, self.X, self.config.activation)
        loss = float(self.pair.row_loss(logits, self.Y).mean())
        loss += (
            0.5
            * self.config.l2
            * sum(float((w * w).sum()) for n, w in self.params.items() if n[0] == "W")
        )
        a = softmax(logits)
        train_acc = float((logits.argmax(1) == self.y).mean())
        test_acc = self.accuracy(self.X_test, self.y_test)
        if grads is None:
            grads = self._gradients(self.X, self.Y)
        grad_norm = math.sqrt(sum(float((g * g).sum()) for g in grads.values()))
        return (
            loss,
            train_acc,
            test_acc,
            grad_norm,
            float(a.max(1).mean()),
            float(entropy(logits).mean()),
        )

    def accuracy(self, X, y):
        if len(y) == 0:
            return float("nan")
        logits, _ = forward(self.params, X, self.config.activation)
        return float((logits.argmax(1) == y).mean())

    def _record(self, *metrics):
        if self._rows == HISTORY_ROWS:
            self._history[: HISTORY_ROWS // 2] = self._history[::2]
            self._rows, self._stride = HISTORY_ROWS // 2, self._stride * 2
        self._history[self._rows] = (self.steps, *metrics)
        self._rows += 1
        self._last_good = {n: p.copy() for n, p in self.params.items()}

    def history_arrays(self):
        """The recorded metrics as 1-D arrays, keyed by ``METRICS``."""
        h = self._history[: self._rows]
        return {name: h[:, i].copy() for i, name in enumerate(METRICS)}

    def predict_proba(self, X):
        """Class probabilities (M, C) for raw points X (M, 2); sigmoid outputs are
        normalised to sum to 1 for display."""
        logits, _ = forward(
            self.params, (np.asarray(X) - self.mean) / self.std, self.config.activation
        )
        p = self.pair.probabilities(logits)
        return p / p.sum(axis=1, keepdims=True)

    def confusion_matrix(self):
        """Counts (C, C) of true class (rows) against predicted class on the test set
        (the training set when there is no test set)."""
        X, y = (self.X_test, self.y_test) if len(self.y_test) else (self.X, self.y)
        logits, _ = forward(self.params, X, self.config.activation)
        cm = np.zeros((self.n_classes, self.n_classes), dtype=np.int64)
        np.add.at(cm, (y, logits.argmax(1)), 1)
        return cm

    def state_dict(self):
        """A JSON-safe record of the run: config, weights, step and input scaling."""
        return {
            "config": self.config.to_dict(),
            "n_classes": self.n_classes,
            "steps": self.steps,
            "params": {k: v.tolist() for k, v in self.params.items()},
        }

    @classmethod
    def from_state_dict(cls, d, X_train, y_train, X_test, y_test):
        """Rebuild a run from ``state_dict`` output, validating every field."""
        if not isinstance(d, dict) or set(d) != {"config", "n_classes", "steps", "params"}:
            raise ValueError("a saved run has exactly the keys config, n_classes, steps, params")
        config = TrainConfig.from_dict(d["config"])
        n_classes = d["n_classes"]
        if not isinstance(n_classes, int) or not 2 <= n_classes <= 6:
            raise ValueError("n_classes must be a whole number from 2 to 6")
        shapes = {k: v.shape for k, v in init_params(config, 2, n_classes).items()}
        params = d["params"]
        if not isinstance(params, dict) or set(params) != set(shapes):
            raise ValueError(f"params must have exactly the keys {', '.join(sorted(shapes))}")
        arrays = {}
        for k, shape in shapes.items():
            try:
                arr = np.array(params[k], dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"params[{k!r}] must be numbers") from None
            if arr.shape != shape or not np.isfinite(arr).all():
                raise ValueError(f"params[{k!r}] must be finite with shape {shape}")
            arrays[k] = arr
        return cls(config, X_train, y_train, X_test, y_test, n_classes, params=arrays)


def decision_grid(trainer, X, resolution=60, margin=0.5):
    """The predicted class (R, R) and its probability (R, R) over a grid around X (N, 2).

    Returns (xs (R,), ys (R,), class_index, confidence), computed in one batch.
    """
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    p = trainer.predict_proba(np.column_stack([gx.ravel(), gy.ravel()]))
    return xs, ys, p.argmax(1).reshape(gx.shape), p.max(1).reshape(gx.shape)
