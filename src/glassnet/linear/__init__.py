"""Classic linear models, scikit-learn style: the one-layer cases of the network engine.

``LinearRegression`` (OLS by SVD, or gradient descent on the MSE), ``LogisticRegression``
(binary, sigmoid + cross-entropy) and ``SoftmaxRegression`` (multinomial) share one full-batch
gradient-descent loop, :func:`glassnet.linear._base.gradient_descent`, the training loop of
``Sequential([Dense(k, activation=...)])`` written out for a single layer.
"""

from glassnet.linear._base import DivergenceError, NotFittedError
from glassnet.linear.linear_regression import LinearRegression
from glassnet.linear.logistic import LogisticRegression
from glassnet.linear.softmax import SoftmaxRegression

__all__ = [
    "DivergenceError",
    "LinearRegression",
    "LogisticRegression",
    "NotFittedError",
    "SoftmaxRegression",
]
