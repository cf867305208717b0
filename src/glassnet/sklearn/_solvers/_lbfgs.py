"""Full-batch L-BFGS ("lbfgs") over the flat parameter vector, with ``scipy.optimize``.

``scipy.optimize.minimize(method="L-BFGS-B")`` gets ``J(θ)`` and ``∇J(θ)`` from
:func:`glassnet.sklearn._network.backprop` on the whole training set, and stops after
``max_iter`` iterations, ``max_fun`` evaluations of ``J``, or once every component of the
projected gradient is at most ``tol`` (``gtol``) — scikit-learn's settings. Any stop other than
convergence gives a ``ConvergenceWarning`` with scipy's reason.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from glassnet.sklearn._network import backprop, views


def loss_and_gradient(theta: np.ndarray, est, X, Y: np.ndarray, sw: np.ndarray | None,
                      activation: str, alpha: float,
                      grads: tuple[list, list] | None = None) -> tuple[float, np.ndarray]:
    """``(J(θ), ∇J(θ))`` for a flat ``theta``: copied into ``est._theta``, gradient in float64.

    ``grads`` are the ``(coef_grads, intercept_grads)`` views into ``est._grad`` (made here when
    not given).
    """
    est._theta[...] = theta
    coef_grads, intercept_grads = grads or views(est._grad, est._layer_units())
    value = backprop(X, Y, sw, est.coefs_, est.intercepts_, coef_grads, intercept_grads,
                     activation, est.out_activation_, est.loss, alpha)
    return value, est._grad.astype(np.float64)


def fit_lbfgs(est, X, Y: np.ndarray, sw: np.ndarray | None, p: dict[str, Any]) -> None:
    """Minimise the objective of ``est``'s network from its current parameters (in place).

    Sets ``n_iter_`` (L-BFGS iterations, at most ``max_iter``) and ``loss_``.
    """
    iteration = [0]

    def report(intermediate_result) -> None:
        iteration[0] += 1
        print(f"Iteration {iteration[0]}, loss = {intermediate_result.fun:.8f}")

    res = scipy.optimize.minimize(
        loss_and_gradient, est._theta.astype(np.float64), method="L-BFGS-B", jac=True,
        args=(est, X, Y, sw, p["activation"], p["alpha"],
              views(est._grad, est._layer_units())),
        options={"maxfun": p["max_fun"], "maxiter": p["max_iter"], "gtol": p["tol"]},
        callback=report if p["verbose"] else None,
    )
    est.n_iter_ = min(int(res.nit), p["max_iter"])
    est.loss_ = float(res.fun)
    est._theta[...] = res.x
    if res.status != 0:
        message = res.message.decode() if isinstance(res.message, bytes) else str(res.message)
        warnings.warn(f"lbfgs failed to converge after {est.n_iter_} iteration(s) "
                      f"(status={res.status}):\n{message}.\n\nIncrease the number of iterations "
                      f"(max_iter={p['max_iter']}) or of function evaluations "
                      f"(max_fun={p['max_fun']}), or scale the data (e.g. "
                      "sklearn.preprocessing.StandardScaler).", ConvergenceWarning, stacklevel=4)
