"""The model: linear softmax regression, or one hidden layer, under one of four
output/loss pairs, with every forward function next to its derivative (micrograd style).

Shapes: points X are (N, D), one-hot targets Y (N, C), hidden activations H (N, M) for
M hidden units, logits Z (N, C). The training loss is the mean over N of the pair's
per-row loss (a sum over C) plus 0.5 · l2 · Σ‖W‖² over the weight matrices (the biases
are not penalised).
"""

import itertools
import math

import numpy as np

from softmax_lab._rows import batch_sum
from softmax_lab.activations import log_sigmoid
from softmax_lab.losses import cross_entropy_grad
from softmax_lab.pairs import PAIRS

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
    >>> from softmax_lab.run_schema import TrainConfig
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
    >>> from softmax_lab.run_schema import TrainConfig
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
    >>> from softmax_lab.run_schema import TrainConfig
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
    >>> from softmax_lab.run_schema import TrainConfig
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
    >>> from softmax_lab.activations import softmax
    >>> softmax(display_logits(PAIRS["sigmoid_bce"], z)).tolist()
    [[0.5, 0.5]]
    """
    return logits if pair.output == "softmax" else log_sigmoid(logits)
