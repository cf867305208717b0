"""Post 001, step 1: linear regression by the closed form and by gradient descent.

The post solves ordinary least squares with the normal equations ``β = (XᵀX)⁻¹ Xᵀy`` and then
with gradient descent on the mean squared error, and notes that 200 iterations reach the same
coefficients. Here, on a generated problem (two correlated features, an intercept, Gaussian
noise):

- ``LinearRegression(solver="ols")`` (least squares by SVD, no matrix inverted),
- ``np.linalg.lstsq`` on ``[1, X]`` and the post's normal equations, as references,
- ``LinearRegression(solver="gd", lr=0.1, epochs=200)`` from zero,

and the largest difference between the coefficients (must be below 1e-4). ``--plot FILE`` saves
gradient descent's path through the (w1, w2) plane over the loss contours, and the distance to
the closed-form solution per iteration.

    python examples/post001_ols.py                    # < 1 s
    python examples/post001_ols.py --plot ols_gd.png  # with the picture
    python examples/post001_ols.py --quick            # as run by the tests
"""

from __future__ import annotations

import argparse

import numpy as np

import glassnet as gn


def make_regression(n_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two correlated standard-normal features, ``y = 1.5 + 2 x1 − 3 x2 + noise``.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray, shape (n_samples,)
    true_beta : ndarray, shape (3,)
        ``[intercept, w1, w2]`` that generated the data.
    """
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_samples, 2))
    X = np.column_stack([z[:, 0], 0.6 * z[:, 0] + 0.8 * z[:, 1]])   # correlation 0.6
    true_beta = np.array([1.5, 2.0, -3.0])
    y = true_beta[0] + X @ true_beta[1:] + 0.5 * rng.standard_normal(n_samples)
    return X, y, true_beta


def save_path_plot(path: str, X: np.ndarray, y: np.ndarray, gd, beta_ols: np.ndarray) -> None:
    """Gradient descent's path over the MSE contours, and its distance to OLS per iteration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    coef_path = gd.coef_path_                          # (n_iter + 1, 3): [intercept, w1, w2]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    lo = np.minimum(coef_path[:, 1:].min(axis=0), beta_ols[1:]) - 0.5
    hi = np.maximum(coef_path[:, 1:].max(axis=0), beta_ols[1:]) + 0.5
    w1, w2 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    # MSE over the (w1, w2) plane with the intercept at its least-squares value
    resid = (beta_ols[0] + X[:, :1, None] * w1.ravel() + X[:, 1:, None] * w2.ravel()
             - y[:, None, None])
    mse = np.mean(resid[:, 0, :] ** 2, axis=0).reshape(w1.shape)
    ax1.contour(w1, w2, mse, levels=np.geomspace(mse.min() + 1e-3, mse.max(), 15),
                cmap="viridis", linewidths=0.8)
    ax1.plot(coef_path[:, 1], coef_path[:, 2], ".-", color="tab:red", ms=3,
             label=f"gradient descent ({gd.n_iter_} steps)")
    ax1.plot(*beta_ols[1:], "k*", ms=14, label="closed form (OLS)")
    ax1.set(xlabel="w1", ylabel="w2", title="Gradient descent on the mean squared error")
    ax1.legend(loc="best")
    dist = np.max(np.abs(coef_path - beta_ols), axis=1)
    ax2.semilogy(np.arange(len(dist)), dist, color="tab:red")
    ax2.axhline(1e-4, color="gray", ls="--", lw=0.8, label="1e-4")
    ax2.set(xlabel="iteration", ylabel="max |β_GD − β_OLS|",
            title="Distance to the closed-form solution")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"saved the plot of gradient descent's path to {path}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--plot", metavar="FILE", help="save a picture of gradient descent's path")
    parser.add_argument("--epochs", type=int, default=200, help="gradient-descent iterations")
    parser.add_argument("--lr", type=float, default=0.1, help="gradient-descent step size")
    args = parser.parse_args(argv)
    X, y, true_beta = make_regression(200 if args.quick else 1000, seed=0)

    ols = gn.linear.LinearRegression(solver="ols").fit(X, y)
    beta_ols = np.concatenate([[ols.intercept_], ols.coef_])
    X1 = np.column_stack([np.ones(len(X)), X])         # the post's design matrix [1, X]
    beta_lstsq = np.linalg.lstsq(X1, y, rcond=None)[0]
    beta_normal = np.linalg.solve(X1.T @ X1, X1.T @ y)  # the post's (XᵀX)⁻¹Xᵀy, without inv
    gd = gn.linear.LinearRegression(solver="gd", lr=args.lr, epochs=args.epochs).fit(X, y)
    beta_gd = np.concatenate([[gd.intercept_], gd.coef_])

    print(f"{len(X)} samples, y = 1.5 + 2·x1 − 3·x2 + noise (features correlated 0.6)")
    print("                          intercept        w1        w2")
    for name, beta in [("true", true_beta), ("glassnet OLS (SVD)", beta_ols),
                       ("np.linalg.lstsq", beta_lstsq), ("normal equations", beta_normal),
                       (f"glassnet GD, {gd.n_iter_} its", beta_gd)]:
        print(f"  {name:<22}" + "".join(f"{v:10.5f}" for v in beta))
    diff_lstsq = float(np.max(np.abs(beta_ols - beta_lstsq)))
    diff_gd = float(np.max(np.abs(beta_gd - beta_ols)))
    print(f"max |OLS − lstsq| = {diff_lstsq:.2e}")
    print(f"max |GD − OLS|    = {diff_gd:.2e} after {gd.n_iter_} iterations (lr {args.lr}); "
          f"MSE {gd.loss_curve_[0]:.3f} → {np.mean((gd.predict(X) - y) ** 2):.6f} "
          f"(OLS {np.mean((ols.predict(X) - y) ** 2):.6f})")
    print("GD equals the closed form to 1e-4: " + ("yes" if diff_gd < 1e-4 else "NO"))
    if args.plot:
        save_path_plot(args.plot, X, y, gd, beta_ols)
    return {"max_diff_gd_ols": diff_gd, "max_diff_ols_lstsq": diff_lstsq,
            "n_iter": int(gd.n_iter_), "beta_ols": beta_ols.tolist(), "beta_gd": beta_gd.tolist()}


if __name__ == "__main__":
    main()
