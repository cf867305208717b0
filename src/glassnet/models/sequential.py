"""``Sequential``: a stack of layers, a loss and an optimizer.

The model only orders the layers; each layer owns its parameters, gradients and cache. One training
step, :meth:`Sequential.train_step`, reads as the posts describe it::

    A = X
    for layer in layers:            A = layer.forward(A, training=True)      # forward
    loss, dZ = loss(A, Y)           # dZ = A − Y for sigmoid/softmax heads    # loss and dZ
    for layer in reversed(layers):  dZ = layer.backward(dZ)                  # backward
    optimizer.step(params, grads)                                            # update

Once built, all parameters live in one contiguous array (and all gradients in another); each
layer's ``params[key]`` is a view into it. The optimizer then updates every weight of the network
in a few vectorised passes over one array instead of one pass per layer and parameter.

A layer and an optimizer belong to one model: giving them to a second model (or one layer twice
to the same model) is refused with an error naming the object, since they would share weights,
gradients or optimizer state without anyone noticing.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from glassnet import losses, optimizers
from glassnet._validation import check_int, check_same_length
from glassnet.errors import NotFittedError
from glassnet.layers.base import Layer
from glassnet.models import batch_metrics
from glassnet.models.arguments import check_dtype, check_weights, check_X
from glassnet.models.building import check_input_shape, claim, pack_parameters, summary_table
from glassnet.models.guards import DivergenceGuard
from glassnet.models.limits import LayerNames, check_layer_count, check_model_seed, check_name
from glassnet.models.serialization import save_model

_PREDICT_CHUNK = 8192


class Sequential:
    """A linear stack of layers (Keras' ``Sequential``).

    Parameters
    ----------
    layers : list of Layer, optional
        The layers, input to output. More can be added with :meth:`add`.
    seed : int, optional
        Seed of the generator that initialises the weights; same seed, same weights.
        ``0 <= seed < 2**128`` (what the model file stores).
    dtype : numpy float dtype
        ``np.float32`` (default, fast) or ``np.float64`` (for gradient checks).
    name : str
        Shown by :meth:`summary`; at most 1000 characters, no control characters.

    Attributes
    ----------
    epoch : int
        Epochs completed (during ``fit``: the epochs before the current one).
    iterations : int
        Parameter updates done (the optimizer's count, as Keras' ``optimizer.iterations``).
    last_output : ndarray or None
        The network's output for the batch of the last :meth:`train_step`.
    """

    def __init__(self, layers: list[Layer] | None = None, seed: int | None = None,
                 dtype: Any = np.float32, name: str = "sequential") -> None:
        self.seed = check_model_seed(seed)
        self.dtype = check_dtype(dtype)
        self.name = check_name(name)
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise TypeError(f"layers must be a list of Layer objects, got "
                            f"{type(layers).__name__}")
        self.layers: list[Layer] = []
        self._names = LayerNames()
        for layer in layers or []:
            self.add(layer)
        self.loss: losses.Loss | None = None
        self.optimizer: optimizers.Optimizer | None = None
        self.metrics: list[str] = []
        self.built = False
        self.input_shape: tuple[int, ...] | None = None
        self.history = None
        self.stop_training = False
        self.epoch = 0            # epochs completed
        self.fit_seed: int | None = None
        self.last_output: np.ndarray | None = None
        self._flat_params: np.ndarray | None = None
        self._flat_grads: np.ndarray | None = None
        self._guard: DivergenceGuard | None = None
        self._first_trainable = 0
        self._penalized: list[Layer] = []

    # ------------------------------------------------------------------ structure
    def add(self, layer: Layer) -> None:
        """Append a layer (before the model is built), renamed ``<name>_<i>`` if its name is
        taken. O(1): the model keeps the set of its layer names."""
        if not isinstance(layer, Layer):
            raise TypeError(f"layers must be glassnet Layer objects, got {type(layer).__name__}")
        if self.__dict__.get("built"):
            raise ValueError("cannot add layers to a model that is already built")
        if layer.model is self:
            raise ValueError(f"layer {layer.name!r} is already in this model; one layer object "
                             f"can appear only once (it would share its weights and its cache): "
                             f"create a second layer")
        check_layer_count(len(self.layers) + 1)
        claim(layer, self, f"layer {layer.name!r}")
        layer.name = self._names.take(layer.name)
        self.layers.append(layer)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create every layer's weights for samples of shape ``input_shape``.

        ``input_shape`` is the per-sample shape, ``(784,)``, or Keras' form with the batch axis
        first, ``(None, 784)``. Building a built model again is a no-op for the same shape and an
        error for another (it would throw the trained weights away).
        """
        shape = check_input_shape(input_shape)
        if not self.layers:
            raise ValueError("the model has no layers; pass a list of layers to Sequential")
        if self.built:
            if shape == self.input_shape:
                return
            raise ValueError(f"input_shape {shape} differs from the shape {self.input_shape} "
                             f"the model is built for; building again would discard its "
                             f"weights: create a new model for inputs of shape {shape}")
        self._output_shape_for(shape)               # check every layer before building any
        rng = np.random.default_rng(self.seed)
        self.input_shape = shape
        for layer in self.layers:
            layer.build(shape, rng=rng, dtype=self.dtype)
            shape = layer.output_shape
        self._pack_parameters()
        self._penalized = [lay for lay in self.layers
                           if getattr(lay, "l1", 0.0) or getattr(lay, "l2", 0.0)]
        self._first_trainable = next((i for i, lay in enumerate(self.layers) if lay.params),
                                     len(self.layers))
        for i, layer in enumerate(self.layers):
            layer.need_input_grad = i > self._first_trainable
        self.built = True
        self._configure_head()

    def _pack_parameters(self) -> None:
        """Move all parameters (and gradients) into one flat array; layers keep views."""
        self._flat_params, self._flat_grads = pack_parameters(self.layers, self.dtype)
        self._guard = DivergenceGuard(self._flat_params, self._flat_grads)

    def _configure_head(self) -> None:
        """Fuse the last activation with the loss when they pair (sigmoid+BCE, softmax+CCE)."""
        if not self.layers:
            return
        for layer in self.layers:
            layer.fused_head = False
        last = self.layers[-1]
        act = getattr(last, "activation", None)
        if (self.loss is not None and self.loss.head is not None
                and act is not None and act.name == self.loss.head):
            last.fused_head = True

    @property
    def fused_head(self) -> bool:
        """True when the loss gives ``dZ = (A − Y)/m`` for the last layer directly."""
        return bool(self.layers and self.layers[-1].fused_head)

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        return self.layers[-1].output_shape if self.built else None

    @property
    def iterations(self) -> int:
        """Parameter updates done: the optimizer's step count (0 before ``compile``)."""
        return self.optimizer.iterations if self.optimizer is not None else 0

    def compile(self, loss: str | losses.Loss = "mse",
                optimizer: str | optimizers.Optimizer = "sgd",
                metrics: list[str] | None = None) -> None:
        """Choose the loss, the optimizer and the metrics to report."""
        loss = losses.get(loss)
        optimizer = optimizers.get(optimizer)
        metrics = batch_metrics.resolve(metrics)
        claim(optimizer, self, f"optimizer {type(optimizer).__name__}")
        if self.optimizer is not None and self.optimizer is not optimizer:
            self.optimizer._owner = None
        self.loss, self.optimizer, self.metrics = loss, optimizer, metrics
        self._configure_head()

    # ------------------------------------------------------------------ weights
    def get_weights(self) -> list[np.ndarray]:
        """Copies of all parameters, layer by layer, in each layer's ``params`` order."""
        return [p.copy() for layer in self.layers for p in layer.params.values()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy ``weights`` (as returned by :meth:`get_weights`) into the model.

        Every array is checked (count, shape, finite numbers) before any is written.
        """
        targets = [p for layer in self.layers for p in layer.params.values()]
        for t, w in zip(targets, check_weights(targets, weights), strict=True):
            t[...] = w
        if self._guard is not None:
            self._guard.weights_unknown()

    @property
    def n_params(self) -> int:
        return int(sum(layer.n_params for layer in self.layers))

    # ------------------------------------------------------------------ data checks
    def _check_X(self, X: Any, name: str = "X") -> np.ndarray:
        return check_X(self, X, name)

    def _check_Xy(self, X: Any, y: Any, xname: str = "X", yname: str = "y"):
        self._require_compiled()
        X = self._check_X(X, xname)
        out = self.output_shape if self.built else self._output_shape_for(X.shape[1:])
        y = self.loss.check_targets(y, int(np.prod(out)), self.dtype, yname)
        check_same_length(X, y, xname, yname)
        return X, y

    def _output_shape_for(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Per-sample output shape for inputs of ``input_shape``, without building anything."""
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    def _require_compiled(self) -> None:
        if self.loss is None or self.optimizer is None:
            raise ValueError("the model is not compiled; call model.compile(loss=..., "
                             "optimizer=...) first")

    def _declared_input_shape(self) -> tuple[int, ...] | None:
        """The ``input_shape=`` given to the first layer (Keras' way to build early), if any."""
        return getattr(self.layers[0], "declared_input_shape", None) if self.layers else None

    def _build_for(self, X: np.ndarray | None, what: str) -> None:
        """Build an unbuilt model from ``X`` (or its first layer's ``input_shape``), as Keras."""
        if self.built:
            return
        shape = self._declared_input_shape()
        if shape is None and X is not None:
            shape = X.shape[1:]
        if shape is None:
            raise NotFittedError(f"cannot {what} before the model is built: call fit(X, y), "
                                 f"build(input_shape), or give the first layer input_shape=")
        self.build(shape)

    # ------------------------------------------------------------------ one training step
    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        a = X
        for layer in self.layers:
            a = layer.forward(a, training=training)
        return a

    def _loss_and_grad(self, a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss of outputs ``a`` and its gradient for the last layer (dZ when the head is fused)."""
        if self.fused_head:
            loss = self.loss.value_from_logits(self.layers[-1].logits, y, a)
            return loss, losses.head_gradient(a, y)
        return self.loss.value(a, y), self.loss.gradient(a, y)

    def _backward(self, grad: np.ndarray) -> None:
        # Layers below the first one with parameters need no gradient: stop there.
        for layer in reversed(self.layers[self._first_trainable:]):
            grad = layer.backward(grad)

    def _penalty(self) -> float:
        total = 0.0
        for layer in self._penalized:
            total += layer.penalty()
        return total

    def train_step(self, xb: Any, yb: Any) -> float:
        """One training step on the batch ``(xb, yb)``: forward, loss and dZ, backward, update.

        A model not yet built is built from ``xb``. A non-finite loss, gradient or weight stops
        with :class:`~glassnet.DivergenceError` and leaves the weights of the last finite step.

        Returns
        -------
        float
            The batch's loss (mean over its samples, plus the L1/L2 penalties), before the update.
        """
        xb, yb = self._batch(xb, yb)
        self._guard.weights_unknown()            # the caller may have written the weights
        return self._step(xb, yb)

    def _step(self, xb: np.ndarray, yb: np.ndarray) -> float:
        """:meth:`train_step` on a checked batch (``fit`` calls it directly for the batches it
        checked; it tells the guard when a callback may have written the weights)."""
        # forward
        a = self._forward(xb, training=True)
        # loss and dZ (dZ = A − Y for the sigmoid and softmax heads)
        loss, dz = self._loss_and_grad(a, yb)
        loss += self._penalty()
        # backward
        self._backward(dz)
        # update, with no non-finite number let into the weights
        self._guard.before_update(loss, self)
        self.optimizer.step([self._flat_params], [self._flat_grads])
        self._guard.after_update(self)
        self.last_output = a
        return loss

    def _batch(self, xb: Any, yb: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(xb, yb)`` ready for a step: checked cheaply when already in the form ``fit``
        makes (arrays of the model's dtype and shapes, the loss's target form), else fully."""
        if (self.built and self.loss is not None and self.optimizer is not None
                and type(xb) is np.ndarray and xb.dtype == self.dtype
                and xb.shape[1:] == self.input_shape and type(yb) is np.ndarray
                and len(yb) == len(xb) > 0
                and self.loss.batch_ready(yb, self.layers[-1].output_shape[-1], self.dtype)):
            return xb, yb
        xb, yb = self._check_Xy(xb, yb, "xb", "yb")
        self._build_for(xb, "train")
        return xb, yb

    def compute_gradients(self, X: Any, y: Any, training: bool = True) -> float:
        """Forward, loss and backward on ``(X, y)``: fill every layer's ``grads``, no update.

        Returns
        -------
        float
            The loss (mean over samples, plus the L1/L2 penalties).
        """
        X, y = self._check_Xy(X, y)
        self._build_for(X, "compute gradients")
        a = self._forward(X, training=training)
        loss, grad = self._loss_and_grad(a, y)
        self._backward(grad)
        return loss + self._penalty()

    # ------------------------------------------------------------------ using the model
    def predict(self, X: Any, batch_size: int | None = None) -> np.ndarray:
        """Network outputs for ``X`` (probabilities for sigmoid/softmax heads), shape ``(n, k)``.

        An unbuilt model is built from ``X`` first (as Keras does).
        """
        if not self.layers:
            raise ValueError("the model has no layers; pass a list of layers to Sequential")
        X = self._check_X(X)
        chunk = _PREDICT_CHUNK if batch_size is None else check_int(batch_size, "batch_size",
                                                                    low=1)
        self._build_for(X, "predict")
        if len(X) <= chunk:
            return self._forward(X, training=False).copy()
        return np.concatenate([self._forward(X[i:i + chunk], training=False)
                               for i in range(0, len(X), chunk)])

    def __call__(self, X: Any) -> np.ndarray:
        """``model(X)`` is ``model.predict(X)`` (as in Keras and PyTorch)."""
        return self.predict(X)

    def evaluate(self, X: Any, y: Any, batch_size: int | None = None) -> dict[str, float]:
        """Loss (with penalties) and the compiled metrics on ``(X, y)``."""
        X, y = self._check_Xy(X, y)
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size", low=1)
        self._build_for(X, "evaluate")
        return self._evaluate_checked(X, y, batch_size)

    def _evaluate_checked(self, X, y, batch_size=None) -> dict[str, float]:
        chunk = _PREDICT_CHUNK if batch_size is None else batch_size
        return batch_metrics.evaluate(self, X, y, chunk)

    def fit(self, X: Any, y: Any, epochs: int = 1, batch_size: int | None = None,
            validation_data: tuple[Any, Any] | None = None, validation_split: float = 0.0,
            shuffle: bool = True, seed: int | None = None, initial_epoch: int = 0,
            verbose: int = 1, callbacks: list | None = None):
        """Train for epochs ``initial_epoch .. epochs-1``; see ``glassnet.models.training.fit``."""
        from glassnet.models.training import fit

        return fit(self, X, y, epochs=epochs, batch_size=batch_size,
                   validation_data=validation_data, validation_split=validation_split,
                   shuffle=shuffle, seed=seed, initial_epoch=initial_epoch, verbose=verbose,
                   callbacks=callbacks)

    def __setstate__(self, state: dict) -> None:
        # A copy (pickle, copy.deepcopy, sklearn.clone of a fitted estimator) gets separate
        # arrays per layer; pack them into one buffer again so the optimizer updates the layers,
        # and claim the copied layers and optimizer.
        self.__dict__.update(state)
        self._names = LayerNames([layer.name for layer in self.layers])
        for layer in self.layers:
            layer._owner = weakref.ref(self)
        if self.optimizer is not None:
            self.optimizer._owner = weakref.ref(self)
        if self.built:
            self._pack_parameters()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_guard"] = None          # rebuilt by _pack_parameters
        return state

    # ------------------------------------------------------------------ reporting, files
    def summary(self, print_fn=print) -> str:
        """Print (and return) a table of layers, output shapes and parameter counts.

        An unbuilt model is built from its first layer's ``input_shape=``; without one, build it
        (``build``, ``fit``, ``predict``) first.
        """
        self._build_for(None, "summarise the model")
        text = summary_table(self)
        if print_fn is not None:
            print_fn(text)
        return text

    def save(self, path) -> None:
        """Write the model to one file (zip of JSON + ``.npy`` arrays; never a pickle)."""
        save_model(self, path)

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}])"
