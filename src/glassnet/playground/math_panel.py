""""Show the math": the numbers of one training step for one chosen training point.

For the point ``x`` with target ``y``, with the current weights (row convention, ``x`` is a
``(1, n_in)`` row; the posts write the same with columns)::

    forward:   Z[l] = A[l-1] @ W[l] + b[l],     A[l] = g(Z[l]),       A[0] = x
    head:      dZ[L] = A[L] − Y                (sigmoid + BCE, softmax + CE; Y one-hot)
               dZ[L] = 2 (A[L] − Y)            (linear + MSE)
    backward:  dW[l] = A[l-1]ᵀ @ dZ[l],   db[l] = dZ[l]
               dA[l-1] = dZ[l] @ W[l]ᵀ,   dZ[l-1] = dA[l-1] · g'(Z[l-1])
    update:    ΔW = W after − W before the last step of the run (the optimizer's step on the
               whole batch), next to −lr · dW, the plain SGD step this point alone would give.

Dropout is left out (it is the identity at inference). L1/L2 penalties are not in the point's
gradients; they are in the real update.
"""

from __future__ import annotations

import numpy as np

from glassnet.playground.network import dense_layers


def _r(a: np.ndarray) -> list:
    """``a`` as nested lists of floats with 6 significant digits (small JSON, exact enough)."""
    def six(v):
        return [six(x) for x in v] if isinstance(v, list) else float(f"{v:.6g}")
    return six(np.asarray(a, dtype=np.float64).tolist())


def point_math(model, x: np.ndarray, y, task: str, lr: float,
               before: list[np.ndarray] | None = None) -> dict:
    """The forward, loss, backward and update numbers of ``model`` on one point.

    Parameters
    ----------
    model : Sequential
    x : ndarray, shape (n_features,)
        The point's input features.
    y : int or float
        Its class (classification) or target value (regression).
    task : {"binary", "multiclass", "regression"}
    lr : float
        Learning rate, for the plain SGD step ``−lr · dW``.
    before : list of ndarray, optional
        ``model.get_weights()`` before the last step, for the real update ``ΔW``.

    Returns
    -------
    dict
        ``x``, ``y``, ``Y`` (target row), ``loss`` and ``layers``: per Dense layer its ``Z``,
        ``A``, ``dZ``, ``dW``, ``db``, ``sgd_W``, ``sgd_b`` and (with ``before``) ``dW_step``,
        ``db_step``.
    """
    dense = dense_layers(model)
    a = np.asarray(x, dtype=np.float64).reshape(1, -1)
    inputs, Zs, As = [], [], []
    for layer in dense:
        W = layer.params["W"].astype(np.float64)
        b = layer.params["b"].astype(np.float64)
        inputs.append(a)
        z = a @ W + b
        a = layer.activation.forward(z.copy())
        Zs.append(z)
        As.append(a)
    out = As[-1]
    if task == "multiclass":
        Y = np.zeros_like(out)
        Y[0, int(y)] = 1.0
        loss = float(-np.log(max(out[0, int(y)], 1e-300)))
        dz = out - Y
    elif task == "binary":
        Y = np.array([[float(y)]])
        p = float(np.clip(out[0, 0], 1e-300, 1 - 1e-16))
        loss = float(-(Y[0, 0] * np.log(p) + (1 - Y[0, 0]) * np.log1p(-p)))
        dz = out - Y
    else:
        Y = np.array([[float(y)]])
        loss = float(((out - Y) ** 2).mean())
        dz = 2.0 * (out - Y) / out.shape[1]
    layers = [None] * len(dense)
    for i in range(len(dense) - 1, -1, -1):
        W = dense[i].params["W"].astype(np.float64)
        dW = inputs[i].T @ dz
        db = dz[0]
        layers[i] = {"name": dense[i].name, "activation": dense[i].activation.name,
                     "Z": _r(Zs[i][0]), "A": _r(As[i][0]), "dZ": _r(dz[0]),
                     "dW": _r(dW), "db": _r(db), "sgd_W": _r(-lr * dW), "sgd_b": _r(-lr * db)}
        if i > 0:
            da = dz @ W.T
            dz = dense[i - 1].activation.backward(da, As[i - 1])
    if before is not None:                    # get_weights order: W, b of each Dense layer
        for j, layer in enumerate(dense):
            W_before, b_before = before[2 * j], before[2 * j + 1]
            layers[j]["dW_step"] = _r(layer.params["W"].astype(np.float64) - W_before)
            layers[j]["db_step"] = _r(layer.params["b"].astype(np.float64) - b_before)
    return {"x": _r(np.asarray(x)), "y": float(y), "Y": _r(Y[0]), "loss": round(loss, 6),
            "task": task, "layers": layers}
