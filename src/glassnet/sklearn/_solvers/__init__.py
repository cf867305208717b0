"""How the MLP estimators train: mini-batch optimizers (``_sgd``) and L-BFGS (``_lbfgs``)."""

from glassnet.sklearn._solvers._lbfgs import fit_lbfgs
from glassnet.sklearn._solvers._sgd import StochasticOptimizer, fit_stochastic

__all__ = ["StochasticOptimizer", "fit_lbfgs", "fit_stochastic"]
