"""The CMU 11-785 homework interface, done stably: ``Softmax``, ``Sigmoid``, ``CrossEntropyLoss``.

Students can check their own forward/backward against these: same names, same
shapes (N, C), same conventions (rows are samples, the mean is over N).
"""

import numpy as np

from softmax_lab.activations import log_softmax, sigmoid, softmax
from softmax_lab.jacobian import softmax_vjp


class Softmax:
    """Row-wise softmax on (N, C); ``backward`` is the O(N·C) vector-Jacobian product.

    Examples
    --------
    >>> sm = Softmax()
    >>> sm.forward(np.array([[1.0, 2.0, 3.0]])).round(4)
    array([[0.09  , 0.2447, 0.6652]])
    >>> sm.backward(np.array([[0.1, -0.2, 0.1]])).round(4)
    array([[ 0.0066, -0.0555,  0.0488]])
    """

    def forward(self, Z):
        """A = softmax(Z) row by row, from Z − max Z; Z (N, C) -> A (N, C), stored as ``self.A``."""
        self.A = softmax(Z, axis=1)
        return self.A

    def backward(self, dLdA):
        """dLdZ (N, C) = A ⊙ (dLdA − Σ_c dLdA_c A_c), i.e. dLdA[i] @ J[i] for each row."""
        return softmax_vjp(self.A, dLdA)


class Sigmoid:
    """Elementwise σ(Z) on (N, C); ``backward`` is dLdA ⊙ A(1 − A).

    Examples
    --------
    >>> s = Sigmoid()
    >>> s.forward(np.array([[0.0]])), s.backward(np.array([[1.0]]))
    (array([[0.5]]), array([[0.25]]))
    """

    def forward(self, Z):
        """A = σ(Z) elementwise, stable for any magnitude; stored as ``self.A``."""
        self.A = sigmoid(Z)
        return self.A

    def backward(self, dLdA):
        """dLdZ = dLdA ⊙ A ⊙ (1 − A), shape (N, C)."""
        return dLdA * self.A * (1.0 - self.A)


class CrossEntropyLoss:
    """Mean over N of −Σ_c Y log softmax(A), for logits A (N, C) and targets Y (N, C).

    ``backward`` returns (softmax(A) − Y) / N, exact when each row of Y sums to 1
    (one-hot or soft labels). For other rows the gradient is (softmax(A)·ΣY − Y) / N:
    use ``softmax_lab.cross_entropy_grad`` then.

    Examples
    --------
    >>> ce = CrossEntropyLoss()
    >>> round(ce.forward(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]])), 6)
    0.693147
    >>> ce.backward()
    array([[-0.5,  0.5]])
    """

    def forward(self, A, Y):
        """The loss (float) from log_softmax(A); A and Y (N, C) are stored for ``backward``."""
        self.A, self.Y = np.asarray(A, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        self.N = self.A.shape[0]
        logp = log_softmax(self.A, axis=1)
        with np.errstate(invalid="ignore"):  # 0 · log 0 = 0 for masked classes
            return float(np.where(self.Y != 0, -self.Y * logp, 0.0).sum() / self.N)

    def backward(self):
        """dL/dA = (softmax(A) − Y) / N, shape (N, C)."""
        return (softmax(self.A, axis=1) - self.Y) / self.N
