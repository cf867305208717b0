"""scikit-learn's own estimator checks on every estimator of ``glassnet.sklearn``.

The instances are small (few epochs, small hidden layers) so that the whole set runs in seconds;
every check must pass: none is skipped or expected to fail.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from glassnet.sklearn import (  # noqa: E402
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    SoftmaxRegression,
)

ESTIMATORS = [
    MLPClassifier(hidden_layer_sizes=(32,), max_iter=100, learning_rate_init=0.01),
    MLPRegressor(hidden_layer_sizes=(32,), max_iter=100, learning_rate_init=0.01),
    LinearRegression(),
    LogisticRegression(epochs=200),
    SoftmaxRegression(epochs=200),
]


# The instances train for few epochs on purpose (speed): not converging is expected here.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_importing_glassnet_does_not_import_sklearn():
    code = ("import sys, glassnet as gn; assert 'sklearn' not in sys.modules; "
            "gn.sklearn.MLPClassifier; assert 'sklearn' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
