"""scikit-learn estimators built on the glassnet engine.

This subpackage needs scikit-learn (``pip install scikit-learn``, version 1.6 or later); the rest of
glassnet never imports it. It is loaded on first use of ``gn.sklearn``::

    >>> import glassnet as gn
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> clf = make_pipeline(StandardScaler(), gn.sklearn.MLPClassifier((32,), random_state=0))

Every estimator here passes scikit-learn's ``check_estimator``, so it works in ``Pipeline``,
``GridSearchCV``, ``cross_val_score`` and the other model-selection tools:

- :class:`MLPClassifier`, :class:`MLPRegressor`: multi-layer perceptrons with the parameters of
  scikit-learn's own, trained by a :class:`glassnet.Sequential` (``model_``).
- :class:`LinearRegression`, :class:`LogisticRegression`, :class:`SoftmaxRegression`: thin wrappers
  that check inputs the scikit-learn way and delegate the math to :mod:`glassnet.linear`.
"""

from __future__ import annotations

try:
    import sklearn  # noqa: F401
    from sklearn.utils.validation import validate_data  # noqa: F401  (scikit-learn >= 1.6)
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "glassnet.sklearn needs scikit-learn 1.6 or later; install it with "
        "`pip install scikit-learn` (the rest of glassnet works without it)"
    ) from exc

from glassnet.sklearn.linear import LinearRegression, LogisticRegression, SoftmaxRegression
from glassnet.sklearn.mlp import MLPClassifier, MLPRegressor

__all__ = [
    "LinearRegression",
    "LogisticRegression",
    "MLPClassifier",
    "MLPRegressor",
    "SoftmaxRegression",
]
