"""The peers glassnet is measured against: PyTorch eager, scikit-learn, and the posts' NumPy loop.

Each ``make_*`` function returns a *runner*: an object with ``epoch()`` (train one epoch, or the
whole loop for ``toy``) and ``accuracy(X, y)``. Runners keep their state between calls so the
benchmark can interleave them epoch by epoch (A B A B ...).
"""

from __future__ import annotations

import os
import warnings

import numpy as np


# ----------------------------------------------------------------------------- plain NumPy
class PlainNumpyToy:
    """The posts' one-hidden-layer loop, written as a reader would (column convention)."""

    def __init__(self, X, y, hidden=40, lr=1.2, iterations=10_000, seed=0):
        rng = np.random.default_rng(seed)
        self.X, self.Y = X.T.copy(), y.reshape(1, -1).astype(np.float64)
        self.W1 = rng.standard_normal((hidden, X.shape[1])) * 0.01
        self.b1 = np.zeros((hidden, 1))
        self.W2 = rng.standard_normal((1, hidden)) * 0.01
        self.b2 = np.zeros((1, 1))
        self.lr, self.iterations = lr, iterations

    def epoch(self):
        with np.errstate(all="ignore"):       # the posts' log(A2) overflows once A2 saturates
            self._loop()

    def _loop(self):
        X, Y, m = self.X, self.Y, self.X.shape[1]
        W1, b1, W2, b2, lr = self.W1, self.b1, self.W2, self.b2, self.lr
        for _ in range(self.iterations):
            A1 = np.tanh(W1 @ X + b1)
            A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
            self.cost = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
            dZ2 = A2 - Y
            dW2 = dZ2 @ A1.T / m
            db2 = dZ2.sum(axis=1, keepdims=True) / m
            dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
            dW1 = dZ1 @ X.T / m
            db1 = dZ1.sum(axis=1, keepdims=True) / m
            W1 -= lr * dW1
            b1 -= lr * db1
            W2 -= lr * dW2
            b2 -= lr * db2

    def accuracy(self, X, y):
        A1 = np.tanh(self.W1 @ X.T + self.b1)
        A2 = 1 / (1 + np.exp(-(self.W2 @ A1 + self.b2)))
        return float(((A2[0] > 0.5) == y).mean())


# ----------------------------------------------------------------------------- PyTorch
class TorchRunner:
    """PyTorch eager: the same architecture, loss, optimizer and batch size."""

    def __init__(self, build, X, y, loss, optimizer, lr, batch_size, dtype, iterations=None,
                 seed=0):
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        torch.manual_seed(seed)
        self.torch = torch
        tdtype = torch.float64 if dtype == np.float64 else torch.float32
        self.model = build(torch).to(tdtype)
        self.X = torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))
        if loss == "bce":
            self.y = torch.from_numpy(y.reshape(-1, 1).astype(dtype))
            self.loss_fn = torch.nn.BCEWithLogitsLoss()
        else:
            self.y = torch.from_numpy(y.astype(np.int64))
            self.loss_fn = torch.nn.CrossEntropyLoss()
        params = self.model.parameters()
        self.opt = (torch.optim.Adam(params, lr=lr) if optimizer == "adam"
                    else torch.optim.SGD(params, lr=lr))
        self.batch_size, self.iterations, self.loss = batch_size, iterations, loss

    def epoch(self):
        torch, n = self.torch, len(self.X)
        if self.iterations is not None:                       # full batch, many iterations
            for _ in range(self.iterations):
                self.opt.zero_grad(set_to_none=True)
                out = self.loss_fn(self.model(self.X), self.y)
                out.backward()
                self.opt.step()
            return
        perm = torch.randperm(n)
        for i in range(0, n, self.batch_size):
            idx = perm[i:i + self.batch_size]
            self.opt.zero_grad(set_to_none=True)
            out = self.loss_fn(self.model(self.X[idx]), self.y[idx])
            out.backward()
            self.opt.step()

    def accuracy(self, X, y):
        torch = self.torch
        with torch.no_grad():
            out = self.model(torch.from_numpy(np.ascontiguousarray(X, dtype=self.X.numpy().dtype)))
        if self.loss == "bce":
            return float(((out[:, 0] > 0).numpy() == y).mean())
        return float((out.argmax(1).numpy() == y).mean())


# ----------------------------------------------------------------------------- scikit-learn
class SklearnRunner:
    """scikit-learn's MLPClassifier: ``partial_fit`` per epoch (keeps the optimizer's state), or
    one ``fit`` of ``iterations`` full-batch steps for the toy loop."""

    def __init__(self, X, y, hidden, activation, solver, lr, batch_size, iterations=None, seed=0):
        from sklearn.neural_network import MLPClassifier

        self.clf = MLPClassifier(hidden_layer_sizes=hidden, activation=activation, solver=solver,
                                 learning_rate_init=lr, batch_size=batch_size, alpha=0.0,
                                 momentum=0.0, nesterovs_momentum=False,
                                 max_iter=iterations or 1, shuffle=True, tol=0.0,
                                 n_iter_no_change=10**9, random_state=seed)
        self.X, self.y, self.iterations = X, y, iterations
        self.classes = np.unique(y)

    def epoch(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.iterations is None:
                self.clf.partial_fit(self.X, self.y, classes=self.classes)
            else:
                self.clf.fit(self.X, self.y)

    def accuracy(self, X, y):
        return float((self.clf.predict(X) == y).mean())
