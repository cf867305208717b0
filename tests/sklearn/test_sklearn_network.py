"""The pure functions of ``glassnet.sklearn._network``: layout, initialisation, losses, backprop."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

import scipy.sparse as sp  # noqa: E402
from sklearn.metrics import log_loss, mean_poisson_deviance, mean_squared_error  # noqa: E402

from glassnet.sklearn._network import (  # noqa: E402
    backprop,
    forward,
    init_theta,
    layer_shapes,
    loss_value,
    pack,
    views,
)

UNITS = [5, 4, 3, 2]


def test_theta_holds_every_weight_matrix_then_every_bias_vector():
    assert layer_shapes(UNITS) == [(5, 4), (4, 3), (3, 2), (4,), (3,), (2,)]
    theta = np.arange(5 * 4 + 4 * 3 + 3 * 2 + 4 + 3 + 2, dtype=np.float64)
    coefs, intercepts = views(theta, UNITS)
    assert all(np.shares_memory(a, theta) for a in coefs + intercepts)
    np.testing.assert_array_equal(coefs[0].ravel(), theta[:20])
    np.testing.assert_array_equal(intercepts[-1], theta[-2:])
    again = pack(coefs, intercepts, np.float32)
    assert again.dtype == np.float32 and not np.shares_memory(again, theta)
    np.testing.assert_array_equal(again, theta)


@pytest.mark.parametrize("activation, factor", [("relu", 6.0), ("tanh", 6.0), ("logistic", 2.0)])
def test_initialisation_is_scikit_learns_glorot_uniform_with_biases(activation, factor):
    theta = init_theta(UNITS, activation, np.random.RandomState(7), np.float64)
    coefs, intercepts = views(theta, UNITS)
    rs = np.random.RandomState(7)
    pairs = list(zip(UNITS[:-1], UNITS[1:], strict=True))
    for W, b, (n_in, n_out) in zip(coefs, intercepts, pairs, strict=True):
        bound = np.sqrt(factor / (n_in + n_out))
        np.testing.assert_array_equal(W, rs.uniform(-bound, bound, (n_in, n_out)))
        np.testing.assert_array_equal(b, rs.uniform(-bound, bound, n_out))
    as32 = init_theta(UNITS, activation, np.random.RandomState(7), np.float32)
    np.testing.assert_array_equal(as32, theta.astype(np.float32))


def test_losses_are_scikit_learns_metrics():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, (30, 1))
    y = (rng.uniform(size=(30, 1)) < 0.5).astype(float)
    assert loss_value("binary_log_loss", y, p, None) == pytest.approx(log_loss(y[:, 0], p[:, 0]))
    P = rng.dirichlet(np.ones(3), 30)
    labels = rng.integers(0, 3, 30)
    assert loss_value("log_loss", np.eye(3)[labels], P, None) == pytest.approx(
        log_loss(labels, P, labels=[0, 1, 2]))
    t, a = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    w = rng.uniform(0.5, 2.0, 30)
    assert loss_value("squared_error", t, a, w) == pytest.approx(
        0.5 * mean_squared_error(t, a, sample_weight=w))
    counts, mu = rng.poisson(2.0, (30, 1)).astype(float), rng.uniform(0.5, 3, (30, 1))
    assert loss_value("poisson", counts, mu, None) == pytest.approx(
        0.5 * mean_poisson_deviance(counts[:, 0], mu[:, 0]))


def numerical_gradient(f, theta, eps=1e-6):
    grad = np.empty_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + eps
        up = f()
        theta[i] = saved - eps
        down = f()
        theta[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad


CASES = [   # output activation, loss, targets
    ("logistic", "log_loss", lambda rng, n: (rng.uniform(size=(n, 2)) < 0.5).astype(float)),
    ("softmax", "log_loss", lambda rng, n: np.eye(2)[rng.integers(0, 2, n)]),
    ("identity", "squared_error", lambda rng, n: rng.normal(size=(n, 2))),
    ("exp", "poisson", lambda rng, n: rng.poisson(1.5, (n, 2)).astype(float)),
]


@pytest.mark.parametrize("out_activation, loss, targets", CASES, ids=[c[1] + "-" + c[0]
                                                                      for c in CASES])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_backprop_gradient_matches_central_differences(out_activation, loss, targets,
                                                       activation, weighted, sparse):
    rng = np.random.default_rng(1)
    n, units = 7, [5, 4, 3, 2]
    X = rng.normal(size=(n, 5)) * (rng.uniform(size=(n, 5)) < 0.6)
    Xin = sp.csr_matrix(X) if sparse else X
    Y = targets(rng, n)
    sw = rng.uniform(0.3, 2.0, n) if weighted else None
    theta = init_theta(units, activation, np.random.RandomState(0), np.float64)
    grad = np.zeros_like(theta)
    coefs, intercepts = views(theta, units)
    gc, gi = views(grad, units)

    def objective():
        return backprop(Xin, Y, sw, coefs, intercepts, gc, gi, activation, out_activation,
                        loss, alpha=0.3)

    objective()
    analytic = grad.copy()
    np.testing.assert_allclose(analytic, numerical_gradient(objective, theta), rtol=1e-5,
                               atol=1e-8)


def test_sparse_input_is_multiplied_without_being_densified():
    # dense, this X would take 8e5 × 2e5 × 8 bytes = 1.3 TB
    rng = np.random.default_rng(0)
    n, d = 800_000, 200_000
    rows, cols = rng.integers(0, n, 5000), rng.integers(0, d, 5000)
    X = sp.csr_matrix((np.ones(5000), (rows, cols)), shape=(n, d))
    units = [d, 3, 1]
    theta = init_theta(units, "relu", np.random.RandomState(0), np.float64)
    coefs, intercepts = views(theta, units)
    out = forward(X, coefs, intercepts, "relu", "identity")
    assert out.shape == (n, 1)
    np.testing.assert_allclose(out[rows[:5]],
                               forward(X[rows[:5]].toarray(), coefs, intercepts, "relu",
                                       "identity"))
