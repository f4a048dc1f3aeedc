"""Decision regions: a trained model's predicted class and its probability on a grid of
points, for the plot of where each class wins.
"""

import math
import numbers

import numpy as np

from softmax_lab.run_schema import short_repr
from softmax_lab.trainer import check_points, check_whole

MAX_GRID_RESOLUTION = 400


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
    >>> from softmax_lab.run_schema import TrainConfig
    >>> from softmax_lab.trainer import Trainer
    >>> trainer = Trainer(TrainConfig(), X, y, X[:0], y[:0], 2)
    >>> xs, ys, class_index, confidence = decision_grid(trainer, X, resolution=5)
    >>> xs.tolist(), class_index.shape, bool((confidence >= 0.5).all())
    ([-0.5, 0.0, 0.5, 1.0, 1.5], (5, 5), True)
    """
    resolution = check_whole("resolution", resolution, 2, MAX_GRID_RESOLUTION)
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real):
        raise ValueError(f"margin must be a number, got {short_repr(margin)}")
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be finite and ≥ 0, got {margin!r}")
    X = check_points(X, "X")
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
