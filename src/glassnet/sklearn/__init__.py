"""scikit-learn estimators built on the glassnet engine.

This subpackage needs scikit-learn 1.6 or later and scipy (``pip install glassnet[sklearn]``);
the rest of glassnet never imports them. It is loaded on first use of ``gn.sklearn``::

    >>> import glassnet as gn
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> clf = make_pipeline(StandardScaler(), gn.sklearn.MLPClassifier((32,), random_state=0))

Every estimator here passes scikit-learn's ``check_estimator``, so it works in ``Pipeline``,
``GridSearchCV``, ``cross_val_score`` and the other model-selection tools:

- :class:`MLPClassifier`, :class:`MLPRegressor`: drop-ins for scikit-learn's multi-layer
  perceptrons (same parameters, defaults and fitted attributes; scikit-learn's own test file for
  them passes with the import swapped), trained by glassnet's layer functions and optimizers, or
  by L-BFGS from scipy; ``model_`` gives the fitted network as a :class:`glassnet.Sequential`.
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
