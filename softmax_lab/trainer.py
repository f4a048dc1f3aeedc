"""The trainer: ``Trainer`` runs the model by gradient descent, keeps a bounded history
of metrics, and stops a run at its step budget, on a plateau, or when it diverges.

Shapes: points X (N, D), labels y (N,), one-hot targets Y (N, C).
"""

import math
import numbers
from dataclasses import replace

import numpy as np

from softmax_lab._rows import steps
from softmax_lab.activations import log_softmax, softmax
from softmax_lab.model import (
    backward,
    display_logits,
    forward,
    init_params,
    l2_penalty,
    mean_row_loss,
    mean_row_loss_grad,
    param_shapes,
)
from softmax_lab.pairs import PAIRS
from softmax_lab.run_schema import MAX_CLASSES, TrainConfig, parse_saved_run, saved_run, short_repr

HISTORY_ROWS = 2000
RECORD_EVERY = 10  # updates between history rows at first; doubles whenever the history fills
METRICS = ("step", "loss", "train_acc", "test_acc", "grad_norm", "mean_top_prob", "mean_entropy")


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
        if not isinstance(config, TrainConfig):
            raise ValueError(f"config must be a TrainConfig, got {type(config).__name__}")
        self.config = replace(config).validate()  # a private copy: set_lr must not leak
        self.n_classes = check_whole("n_classes", n_classes, 2, MAX_CLASSES)
        X_train, X_test = check_points(X_train, "X_train"), check_points(X_test, "X_test")
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
        self.steps = check_whole("start_step", start_step, 0, self.config.max_steps)
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
        k = check_whole("k", k, 0, 10**9)
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
        X = check_points(X, "X")
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
        return saved_run(self.config, self.n_classes, self.steps, self.params)

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
        n_features = check_points(X_train, "X_train").shape[1]
        config, n_classes, steps, arrays = parse_saved_run(state, n_features)
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


# -- input checks --------------------------------------------------------------------------


def check_whole(name, value, low, high):
    """``value`` as an int; ValueError naming ``name`` unless a whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {short_repr(value)}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low:,} to {high:,}, got {value!r}")
    return int(value)


def check_points(X, name):
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
