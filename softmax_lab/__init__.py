"""softmax_lab: softmax, its gradient and where it saturates, in pure NumPy.

Only the numeric modules are imported here; ``softmax_lab.figures`` (Plotly) and
``softmax_lab.ui`` (Streamlit) are imported by the app alone.
"""

from softmax_lab.activations import (
    entropy,
    hardmax,
    linear_normalise,
    log_sigmoid,
    log_softmax,
    logsumexp,
    naive_softmax,
    overflow_limit,
    sigmoid,
    softmax,
)
from softmax_lab.gradcheck import numerical_gradient
from softmax_lab.jacobian import (
    softmax_backward_batched,
    softmax_backward_loop,
    softmax_jacobian,
    softmax_vjp,
)
from softmax_lab.losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
)
from softmax_lab.mytorch import CrossEntropyLoss, Sigmoid, Softmax
from softmax_lab.pairs import PAIRS, LossPair, pair_grad, pair_loss

__all__ = [
    "PAIRS",
    "CrossEntropyLoss",
    "LossPair",
    "Sigmoid",
    "Softmax",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "entropy",
    "hardmax",
    "linear_normalise",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "naive_softmax",
    "numerical_gradient",
    "overflow_limit",
    "pair_grad",
    "pair_loss",
    "sigmoid",
    "softmax",
    "softmax_backward_batched",
    "softmax_backward_loop",
    "softmax_jacobian",
    "softmax_vjp",
]
