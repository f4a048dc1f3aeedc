"""softmax_lab: softmax, its gradient and where it saturates, in pure NumPy.

Only the numeric modules are imported here; ``softmax_lab.figures`` (Plotly) and
``softmax_lab.ui`` (Streamlit) are imported by the app alone.
"""

from softmax_lab.activations import (
    entropy,
    hardmax,
    linear_normalise,
    linear_normalise_defined,
    log_sigmoid,
    log_softmax,
    logsumexp,
    naive_softmax,
    overflow_limit,
    sigmoid,
    softmax,
)
from softmax_lab.datasets import make_dataset, parse_points_csv, train_test_split
from softmax_lab.decision_regions import decision_grid
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
from softmax_lab.reference_examples import (
    BACKPROP_X,
    BACKPROP_Y,
    OVERVIEW_CLAIMED,
    OVERVIEW_LOGITS,
    OVERVIEW_NORMALISED,
    PENALTY_LOGITS,
    WRITEUP_A_PRINTED,
    WRITEUP_DLDA,
    WRITEUP_J_PRINTED,
    WRITEUP_Z,
    writeup_exact,
)
from softmax_lab.run_schema import TrainConfig
from softmax_lab.trainer import Trainer

__all__ = [
    "BACKPROP_X",
    "BACKPROP_Y",
    "OVERVIEW_CLAIMED",
    "OVERVIEW_LOGITS",
    "OVERVIEW_NORMALISED",
    "PAIRS",
    "PENALTY_LOGITS",
    "WRITEUP_A_PRINTED",
    "WRITEUP_DLDA",
    "WRITEUP_J_PRINTED",
    "WRITEUP_Z",
    "CrossEntropyLoss",
    "LossPair",
    "Sigmoid",
    "Softmax",
    "TrainConfig",
    "Trainer",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "decision_grid",
    "entropy",
    "hardmax",
    "linear_normalise",
    "linear_normalise_defined",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "make_dataset",
    "naive_softmax",
    "numerical_gradient",
    "overflow_limit",
    "pair_grad",
    "pair_loss",
    "parse_points_csv",
    "sigmoid",
    "softmax",
    "softmax_backward_batched",
    "softmax_backward_loop",
    "softmax_jacobian",
    "softmax_vjp",
    "train_test_split",
    "writeup_exact",
]
