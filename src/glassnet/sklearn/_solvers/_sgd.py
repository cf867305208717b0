"""Mini-batch training ("sgd", "adam", and glassnet's "rmsprop", "adagrad") as scikit-learn does it.

One iteration is one epoch: the samples are shuffled (with the estimator's ``RandomState``, as
scikit-learn shuffles them), cut into batches of ``batch_size``, and every batch makes one
backprop (:func:`glassnet.sklearn._network.backprop`) and one step of a glassnet optimizer on
the flat parameter vector. After each epoch:

- ``loss_curve_`` gets the epoch's mean objective; with early stopping, ``validation_scores_``
  gets the score (accuracy or R²) on the held-out ``validation_fraction``;
- an epoch whose training loss is not below ``best_loss_ − tol`` (with early stopping: whose
  validation score is not above ``best_validation_score_ + tol``) counts as no improvement;
  more than ``n_iter_no_change`` in a row stop training, except that ``learning_rate="adaptive"``
  first divides the learning rate by 5 until it falls below 1e-6;
- ``learning_rate="invscaling"`` sets ``η = learning_rate_init / (t + 1)^power_t`` with ``t``
  the number of samples seen (``t_``).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches, shuffle

from glassnet import accel, optimizers
from glassnet.sklearn._network import backprop, views


class StochasticOptimizer:
    """A glassnet optimizer with scikit-learn's learning-rate schedule and stopping decision.

    Parameters
    ----------
    engine : glassnet.optimizers.Optimizer
        Does the update rule (``SGD`` with PyTorch's momentum form, ``Adam``, ...).
    schedule : {"constant", "invscaling", "adaptive"}
    power_t : float
        Exponent of "invscaling".

    Notes
    -----
    The steps are scikit-learn's, bit for bit up to rounding, done by the engine's rules:

    - glassnet's momentum ``b ← μb + g, θ ← θ − η(g + μb)`` (PyTorch's form) is scikit-learn's
      ``v ← μv − ηg, θ ← θ + μv − ηg`` with ``v = −η·b``; when η changes ("invscaling",
      "adaptive") the buffer is rescaled by ``η_old/η_new`` to keep ``v`` as scikit-learn does.
    - glassnet's Adam divides by ``√v̂ + ε`` with ``v̂ = v/(1 − β2^t)``, scikit-learn's by
      ``√v + ε``: giving the engine ``ε_t = ε/√(1 − β2^t)`` before step ``t`` makes them equal.
    """

    def __init__(self, engine: optimizers.Optimizer, schedule: str = "constant",
                 power_t: float = 0.5) -> None:
        self.engine = engine
        self.schedule = schedule
        self.power_t = power_t
        self.learning_rate_init = engine.lr
        self.epsilon = getattr(engine, "eps", None) if isinstance(engine, optimizers.Adam) \
            else None

    @property
    def learning_rate(self) -> float:
        """The learning rate of the next step."""
        return self.engine.lr

    def _set_lr(self, lr: float) -> None:
        """A new learning rate; the momentum buffer is rescaled to keep scikit-learn's ``v``."""
        for state in self.engine.state:
            if "momentum_buffer" in state:
                state["momentum_buffer"] *= state["momentum_buffer"].dtype.type(
                    self.engine.lr / lr)
        self.engine.lr = lr

    def update_params(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One step of the engine's update rule on the flat parameters (in place)."""
        if self.epsilon is not None:
            t = self.engine.iterations + 1
            self.engine.eps = self.epsilon / math.sqrt(1.0 - self.engine.beta2 ** t)
        self.engine.step([theta], [grad])

    def iteration_ends(self, time_step: int) -> None:
        """After an epoch: "invscaling" sets ``η = η₀ / (t + 1)^power_t``."""
        if self.schedule == "invscaling":
            self._set_lr(float(self.learning_rate_init) / (time_step + 1) ** self.power_t)

    def trigger_stopping(self, msg: str, verbose: bool) -> bool:
        """Whether to stop once no improvement was seen; "adaptive" first divides η by 5."""
        if self.schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.engine.lr <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self._set_lr(self.engine.lr / 5.0)
        if verbose:
            print(f"Setting learning rate to {self.engine.lr:f}")
        return False


def make_optimizer(p: dict[str, Any]) -> StochasticOptimizer:
    """The glassnet optimizer named by ``p["solver"]`` with scikit-learn's settings."""
    lr = p["learning_rate_init"]
    if p["solver"] == "sgd":
        engine = optimizers.SGD(lr, momentum=p["momentum"],
                                nesterov=p["nesterovs_momentum"] and p["momentum"] > 0)
        return StochasticOptimizer(engine, p["learning_rate"], p["power_t"])
    if p["solver"] == "adam":
        engine = optimizers.Adam(lr, beta1=p["beta_1"], beta2=p["beta_2"], eps=p["epsilon"])
    else:
        engine = optimizers.get(p["solver"], lr=lr)
    return StochasticOptimizer(engine)


def _split(est, X, Y, sw, p, rs):
    """scikit-learn's early-stopping split (stratified for single-output classifiers)."""
    stratify = est._stratify_labels(Y)
    arrays = (X, Y) if sw is None else (X, Y, sw)
    parts = train_test_split(*arrays, random_state=rs, test_size=p["validation_fraction"],
                             stratify=stratify)
    X_train, X_val, Y_train, Y_val = parts[:4]
    sw_train, sw_val = (parts[4], parts[5]) if sw is not None else (None, None)
    if X_val.shape[0] < 2:
        raise ValueError("The validation set is too small. Increase 'validation_fraction' "
                         "or the size of your dataset.")
    return (X_train, Y_train, sw_train), (X_val, Y_val, sw_val)


def _update_no_improvement_count(est, p: dict[str, Any], validation) -> None:
    tol = p["tol"]
    if validation is not None:
        score = est._validation_score(*validation)
        est.validation_scores_.append(score)
        if p["verbose"]:
            print(f"Validation score: {score:f}")
        if score < est.best_validation_score_ + tol:
            est._no_improvement_count += 1
        else:
            est._no_improvement_count = 0
        if score > est.best_validation_score_:
            est.best_validation_score_ = score
            est._best_theta = est._theta.copy()
    else:
        loss = est.loss_curve_[-1]
        est._no_improvement_count = (est._no_improvement_count + 1
                                     if loss > est.best_loss_ - tol else 0)
        if loss < est.best_loss_:
            est.best_loss_ = loss


def fit_stochastic(est, X, Y: np.ndarray, sw: np.ndarray | None, p: dict[str, Any],
                   incremental: bool, rs: np.random.RandomState) -> None:
    """Train ``est``'s network for up to ``max_iter`` epochs (one for ``partial_fit``).

    ``X`` is ``(n, n_features)`` (dense, or CSR), ``Y`` the targets ``(n, n_outputs)`` in the
    network's dtype, ``sw`` the sample weights or None. Updates ``est._theta`` in place and the
    fitted attributes ``loss_``, ``loss_curve_``, ``n_iter_``, ``t_``, ``best_loss_`` or
    ``validation_scores_``/``best_validation_score_``.
    """
    if not incremental or not hasattr(est, "_optimizer"):
        est._optimizer = make_optimizer(p)
    validation = None
    if p["early_stopping"]:
        (X, Y, sw), validation = _split(est, X, Y, sw, p, rs)
    n = X.shape[0]
    batch_size = min(200, n) if p["batch_size"] == "auto" else p["batch_size"]
    if batch_size > n:
        warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is going "
                      "to be clipped", UserWarning, stacklevel=4)
        batch_size = n
    coef_grads, intercept_grads = views(est._grad, est._layer_units())
    idx = np.arange(n, dtype=int)
    est.n_iter_ = 0
    args = (p["activation"], est.out_activation_, est.loss, p["alpha"])
    steps = (1 if incremental else p["max_iter"]) * -(-n // batch_size)   # at most
    try:
        with accel.planning(steps):          # accel loads a kernel if the run repays it
            for _ in range(p["max_iter"]):
                if p["shuffle"]:
                    idx = shuffle(idx, random_state=rs)
                total = 0.0
                for part in gen_batches(n, batch_size):
                    rows = idx[part] if p["shuffle"] else part
                    swb = None if sw is None else sw[rows]
                    total += backprop(X[rows], Y[rows], swb, est.coefs_, est.intercepts_,
                                      coef_grads, intercept_grads, *args) * (part.stop - part.start)
                    est._optimizer.update_params(est._theta, est._grad)
                est.n_iter_ += 1
                est.loss_ = total / n
                est.t_ += n
                est.loss_curve_.append(est.loss_)
                if p["verbose"]:
                    print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
                _update_no_improvement_count(est, p, validation)
                est._optimizer.iteration_ends(est.t_)
                if est._no_improvement_count > p["n_iter_no_change"]:
                    what = "Validation score" if validation is not None else "Training loss"
                    msg = (f"{what} did not improve more than tol={p['tol']:f} for "
                           f"{p['n_iter_no_change']} consecutive epochs.")
                    if est._optimizer.trigger_stopping(msg, p["verbose"]):
                        break
                    est._no_improvement_count = 0
                if incremental:
                    break
                if est.n_iter_ == p["max_iter"]:
                    warnings.warn(f"Stochastic Optimizer: Maximum iterations ({p['max_iter']}) "
                                  "reached and the optimization hasn't converged yet.",
                                  ConvergenceWarning, stacklevel=4)
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.", stacklevel=4)
    if validation is not None:
        est._theta[...] = est._best_theta
