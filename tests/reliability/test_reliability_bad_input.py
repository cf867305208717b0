"""docs/errors.md, row by row: every kind of bad input and the error the user gets.

Each case carries the row id of ``docs/errors.md`` (``N04``, ``L02``, ...); a test at the end checks
that every row of the document has a case here and every case a row there. Calls on a fitted model
must leave it exactly as it was (weights, optimizer state, position, history).
"""

from __future__ import annotations

import pickle
import re
import signal
from pathlib import Path

import numpy as np
import pytest
from reliability_helpers import (
    assert_same_state,
    binary_model,
    data,
    fitted,
    model_state,
    npy_bytes,
    softmax_model,
    write_zip,
    zip_members,
)

import glassnet as gn
from glassnet.callbacks import Callback
from glassnet.cli import main as cli_main
from glassnet.layers import Dense, Dropout, Flatten
from glassnet.layers.conv import Conv2D

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
X, YB, YC = data()
X_NAN = X.copy()
X_NAN[3, 1] = np.nan
X_INF = X.copy()
X_INF[0, 0] = -np.inf
IMAGES = np.random.default_rng(1).normal(size=(6, 1, 6, 6))


@pytest.fixture
def models():
    """Fitted models the cases act on: a failed call must leave each of them unchanged."""
    conv = gn.Sequential([Conv2D(2, 3, activation="relu"), Flatten(), Dense(3, "softmax")],
                         seed=0)
    conv.compile(loss="categorical_crossentropy", optimizer="adam")
    conv.fit(IMAGES, np.arange(6) % 3, epochs=1, verbose=0)
    return {"b": fitted("binary"), "s": fitted("softmax"), "r": fitted("regression"),
            "conv": conv}


def fit_b(X_=X, y=YB, **kw):
    """A call of ``fit`` on a fresh binary (sigmoid) network."""
    return lambda m: binary_model().fit(X_, y, verbose=0, **kw)


def fit_s(X_=X, y=YC, **kw):
    """A call of ``fit`` on a fresh softmax network."""
    return lambda m: softmax_model().fit(X_, y, verbose=0, **kw)


class RaisesInterrupt(Callback):
    def on_train_batch_end(self, step, logs):
        raise KeyboardInterrupt


def _diverging_fit(m):
    rng = np.random.default_rng(0)
    Xd = rng.normal(size=(40, 3)) * 1e3
    model = gn.Sequential([Dense(8, "relu"), Dense(1)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=gn.optimizers.SGD(lr=10.0))
    with np.errstate(all="ignore"):     # the engine's own warnings are tested in divergence tests
        model.fit(Xd, Xd @ np.array([1.0, 2.0, 3.0]), epochs=50, verbose=0)


def _files(tmp_path, name, payload):
    path = tmp_path / name
    path.write_bytes(payload)
    return path


# (row, label, call(models), exception, message regex)
CASES = [
    # ------------------------------------------------------------------ networks
    ("N01", "nan-X-fit", fit_b(X_NAN), ValueError, r"X must be finite, got 1 NaN and 0 infinite"),
    ("N01", "inf-X-predict", lambda m: m["b"].predict(X_INF), ValueError,
     r"X must be finite, got 0 NaN and 1 infinite"),
    ("N01", "nan-X-evaluate", lambda m: m["s"].evaluate(X_NAN, YC), ValueError,
     r"X must be finite, got 1 NaN"),
    ("N01", "masked", lambda m: m["b"].predict(np.ma.masked_invalid(X_NAN)), ValueError,
     r"X has 1 masked entries; fill or drop them first \(e.g. X.filled\(value\)\)"),
    ("N01", "nan-X_val", lambda m: m["s"].fit(X, YC, validation_data=(X_NAN, YC), verbose=0),
     ValueError, r"X_val must be finite, got 1 NaN"),
    ("N02", "nan-y-bce", fit_b(y=np.where(YB == 1, np.nan, 0.0)), ValueError, r"y must be finite"),
    ("N02", "inf-y-mse", lambda m: m["r"].evaluate(X, np.full((len(X), 2), np.inf)), ValueError,
     r"y must be finite, got 0 NaN and 48 infinite"),
    ("N02", "nan-y-labels", fit_s(y=np.r_[YC[:-1], np.nan]), ValueError,
     r"y must be finite, got NaN or infinite labels"),
    ("N03", "X-y-lengths", lambda m: m["s"].fit(X, YC[:5], verbose=0), ValueError,
     r"X and y must have the same number of samples, got 24 and 5"),
    ("N03", "evaluate-lengths", lambda m: m["b"].evaluate(X[:7], YB), ValueError,
     r"X and y must have the same number of samples, got 7 and 24"),
    ("N03", "val-lengths", lambda m: m["s"].fit(X, YC, validation_data=(X, YC[:3]), verbose=0),
     ValueError, r"X_val and y_val must have the same number of samples, got 24 and 3"),
    ("N04", "1-D-X-fit", fit_b(X[:, 0]), ValueError,
     r"X must be 2-D, got 1-D array of shape \(24,\) \(for a single feature use X.reshape"),
    ("N04", "1-D-X-predict", lambda m: m["b"].predict(X[0]), ValueError,
     r"X must be 2-D, got 1-D array of shape \(3,\).*X.reshape\(1, -1\)"),
    ("N04", "0-D-X", lambda m: m["b"].predict(1.5), ValueError, r"X must be 2-D, got 0-D"),
    ("N05", "3-D-X-fit", fit_s(X[:, :, None]), ValueError,
     r"X must be 2-D, got 3-D array of shape \(24, 3, 1\)"),
    ("N05", "3-D-X-predict", lambda m: m["s"].predict(X[:, :, None]), ValueError,
     r"X must be 2-D, got 3-D"),
    ("N06", "no-samples", fit_b(X[:0], YB[:0]), ValueError,
     r"X must not be empty, got shape \(0, 3\)"),
    ("N06", "no-features", lambda m: m["b"].predict(np.zeros((4, 0))), ValueError,
     r"X must not be empty, got shape \(4, 0\)"),
    ("N06", "empty-list", lambda m: m["s"].predict([]), ValueError, r"X must be 2-D, got 1-D"),
    ("N07", "strings", fit_b(X.astype(str)), TypeError,
     r"X must hold numbers \(bool, int or float\), got dtype <U\d+ \(convert strings"),
    ("N07", "complex", lambda m: m["b"].predict(X + 1j), TypeError,
     r"X must hold numbers \(bool, int or float\), got dtype complex128"),
    ("N07", "datetime", lambda m: m["b"].predict(np.zeros((2, 3), "M8[s]")), TypeError,
     r"X must hold numbers .*got dtype datetime64\[s\]"),
    ("N07", "None", lambda m: m["b"].predict(None), TypeError,
     r"X must be a numeric array, got NoneType"),
    ("N07", "string-y-bce", fit_b(y=np.where(YB == 1, "yes", "no")), TypeError,
     r"y must hold numbers .*got dtype <U3"),
    ("N08", "object-X", lambda m: m["s"].predict(X.astype(object)), TypeError,
     r"X must hold numbers .*got dtype object \(convert strings or objects to numbers first\)"),
    ("N08", "mixed-list", fit_b([[1, "a", 2]] * 24), TypeError, r"X must hold numbers .*got dtype"),
    ("N08", "dict", lambda m: m["b"].predict({"a": 1}), TypeError, r"X must hold numbers"),
    ("N09", "ragged", fit_b([[1.0, 2.0, 3.0], [1.0, 2.0]], [0, 1]), ValueError,
     r"X must be a rectangular array \(every row of the same length\), got a ragged list"),
    ("N09", "ragged-y", fit_s(y=[[1, 0, 0], [0, 1]] * 12), ValueError,
     r"y must be a rectangular array"),
    ("N10", "too-large-for-float32", lambda m: m["b"].predict(np.full((2, 3), 1e300)), ValueError,
     r"X holds values too large for float32 \(largest magnitude 1e\+300, limit 3.4e\+38\)"),
    ("N10", "label-1e300", fit_s(y=np.r_[YC[:-1], 1e300]), ValueError,
     r"y holds a class label too large to be a class index, got 1e\+300"),
    ("N10", "label-uint64", fit_s(y=np.r_[YC[:-1].astype(np.uint64), np.uint64(2**64 - 1)]),
     ValueError, r"y holds a class label too large"),
    ("N11", "labels-0-2", fit_b(y=YB * 2), ValueError,
     r"y must hold only 0 and 1 for binary_crossentropy, got values such as \[2.0\]"),
    ("N11", "labels-minus-1", lambda m: m["b"].evaluate(X, np.where(YB == 1, 1, -1)), ValueError,
     r"y must hold only 0 and 1 .*\[-1.0\]; encode the two classes as 0/1"),
    ("N11", "probabilities", fit_b(y=np.full(24, 0.3)), ValueError, r"y must hold only 0 and 1"),
    ("N12", "two-columns", fit_b(y=np.c_[YB, 1 - YB]), ValueError,
     r"y must have shape \(n,\) or \(n, 1\) for a 1-unit sigmoid output, got \(24, 2\)"),
    ("N12", "bce-3-units", lambda m: _compiled([Dense(3, "sigmoid")], "binary_crossentropy")
     .fit(X, YB, verbose=0), ValueError,
     r"binary_crossentropy needs a network with 1 output unit, got 3"),
    ("N13", "negative", fit_s(y=YC - 1), ValueError,
     r"y must hold non-negative class labels, got minimum -1"),
    ("N13", "negative-huge", fit_s(y=np.r_[YC[:-1], -1e300]), ValueError,
     r"y must hold non-negative class labels, got minimum -1e\+300"),
    ("N14", "fractional", fit_s(y=YC + 0.5), ValueError,
     r"y must hold whole-number class labels, got values like \[2.5 2.5 0.5\]"),
    ("N15", "too-many-classes", fit_s(y=YC + 1), ValueError,
     r"y holds class label 3 but the network has only 3 output units \(labels must be 0..2\)"),
    ("N15", "evaluate", lambda m: m["s"].evaluate(X, np.full(24, 7)), ValueError,
     r"y holds class label 7 but the network has only 3 output units"),
    ("N16", "rows-sum-2", fit_s(y=2.0 * np.eye(3)[YC]), ValueError,
     r"y one-hot rows must be non-negative and sum to 1"),
    ("N16", "negative-entries", fit_s(y=np.eye(3)[YC] - 0.5 * np.eye(3)[(YC + 1) % 3]),
     ValueError, r"y one-hot rows must be non-negative and sum to 1"),
    ("N17", "four-columns", fit_s(y=np.eye(4)[YC]), ValueError,
     r"y one-hot rows must have 3 columns \(one per output unit\), got shape \(24, 4\)"),
    ("N17", "3-D-y", fit_s(y=np.eye(3)[YC][:, :, None]), ValueError,
     r"y must be .*2-D.*, got 3-D array of shape \(24, 3, 1\)"),
    ("N18", "string-labels", fit_s(y=np.array(["a", "b", "c"] * 8)), TypeError,
     r"y must hold integer class labels, got dtype <U1"),
    ("N18", "object-labels", fit_s(y=YC.astype(object)), TypeError,
     r"y must hold integer class labels, got dtype object"),
    ("N19", "mse-columns", lambda m: m["r"].fit(X, X, verbose=0), ValueError,
     r"y must have shape \(n, 2\), got \(24, 3\)"),
    ("N19", "mse-1-D", lambda m: m["r"].evaluate(X, X[:, 0]), ValueError,
     r"y must have shape \(n, 2\) for a network with 2 outputs, got array of shape \(24,\)"),
    ("N20", "predict-features", lambda m: m["b"].predict(X[:, :2]), ValueError,
     r"X must have 3 features as the model was built with, got 2 \(shape \(24, 2\)\)"),
    ("N20", "evaluate-features", lambda m: m["s"].evaluate(np.c_[X, X], YC), ValueError,
     r"X must have 3 features as the model was built with, got 6"),
    ("N20", "fit-again-features", lambda m: m["s"].fit(X[:, :2], YC, verbose=0), ValueError,
     r"X must have 3 features as the model was built with, got 2"),
    ("N21", "image-size", lambda m: m["conv"].predict(IMAGES[:, :, :5, :5]), ValueError,
     r"X must have \(1, 6, 6\) per-sample shape as the model was built with, got \(1, 5, 5\)"),
    ("N21", "channels", lambda m: m["conv"].predict(np.zeros((2, 3, 6, 6))), ValueError,
     r"X must have \(1, 6, 6\) per-sample shape .*got \(3, 6, 6\)"),
    ("N21", "no-channel-axis", lambda m: m["conv"].predict(IMAGES[:, 0]), ValueError,
     r"X must be 4-D, got 3-D array of shape \(6, 6, 6\)"),
    ("N21", "flat-images-to-conv", lambda m: _compiled([Conv2D(2, 3)], "mse")
     .fit(IMAGES.reshape(6, -1), np.zeros((6, 2, 4, 4)), verbose=0), ValueError,
     r"Conv2D layer 'conv2d' expects per-sample input shape \(channels, height, width\), "
     r"got \(36,\)"),
    ("N22", "fit-zero", fit_b(batch_size=0), ValueError, r"batch_size must be >= 1, got 0"),
    ("N22", "fit-negative", fit_b(batch_size=-4), ValueError, r"batch_size must be >= 1, got -4"),
    ("N22", "fit-float", fit_b(batch_size=8.0), TypeError,
     r"batch_size must be an integer, got float 8.0"),
    ("N22", "predict-zero", lambda m: m["b"].predict(X, batch_size=0), ValueError,
     r"batch_size must be >= 1, got 0"),
    ("N23", "larger-than-data", fit_b(batch_size=25), ValueError,
     r"batch_size must be at most the number of samples \(24\), got 25; use batch_size=None"),
    ("N24", "epochs-zero", fit_b(epochs=0), ValueError, r"epochs must be >= 1, got 0"),
    ("N24", "initial-epoch", lambda m: m["b"].fit(X, YB, epochs=2, initial_epoch=2, verbose=0),
     ValueError, r"epochs must be greater than initial_epoch .*got epochs=2, initial_epoch=2"),
    ("N24", "epochs-float", fit_b(epochs=2.5), TypeError, r"epochs must be an integer, got float"),
    ("N25", "shuffle", lambda m: m["b"].fit(X, YB, shuffle="yes", verbose=0), TypeError,
     r"shuffle must be a bool, got str"),
    ("N25", "verbose", lambda m: m["b"].fit(X, YB, verbose=3), ValueError,
     r"verbose must be <= 2, got 3"),
    ("N25", "seed", lambda m: m["b"].fit(X, YB, seed=-1, verbose=0), ValueError,
     r"seed must be >= 0, got -1"),
    ("N25", "validation-data", lambda m: m["b"].fit(X, YB, validation_data=X, verbose=0),
     TypeError, r"validation_data must be a tuple \(X_val, y_val\)"),
    ("N25", "callback", lambda m: m["b"].fit(X, YB, callbacks=[print], verbose=0), TypeError,
     r"callbacks must be glassnet Callback objects, got builtin_function_or_method"),
    ("N26", "activation", lambda m: Dense(3, activation="swish"), ValueError,
     r"unknown activation 'swish'; valid names are: linear, sigmoid, tanh, relu, leaky_relu, "
     r"softmax"),
    ("N26", "activation-type", lambda m: gn.layers.Activation(3), TypeError,
     r"activation must be a string name, got int"),
    ("N27", "loss", lambda m: binary_model().compile(loss="hinge"), ValueError,
     r"unknown loss 'hinge'; valid names are: binary_crossentropy, categorical_crossentropy, mse"),
    ("N28", "optimizer", lambda m: binary_model().compile(loss="mse", optimizer="lbfgs"),
     ValueError, r"unknown optimizer 'lbfgs'; valid names are: sgd, adam, rmsprop, adagrad"),
    ("N29", "initializer", lambda m: Dense(3, kernel_initializer="xavier"), ValueError,
     r"unknown kernel_initializer 'xavier'; valid names are: zeros, normal, small_normal, "
     r"glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal"),
    ("N30", "metric", lambda m: binary_model().compile(loss="mse", metrics=["auc"]), ValueError,
     r"unknown metric 'auc'; valid names are: accuracy, mse, mae"),
    ("N31", "sgd-zero", lambda m: gn.optimizers.SGD(lr=0.0), ValueError,
     r"lr must be > 0.0, got 0.0"),
    ("N31", "adam-negative", lambda m: gn.optimizers.Adam(lr=-1e-3), ValueError,
     r"lr must be > 0.0, got -0.001"),
    ("N31", "rmsprop-nan", lambda m: gn.optimizers.RMSprop(lr=float("nan")), ValueError,
     r"lr must be finite, got nan"),
    ("N31", "adagrad-string", lambda m: gn.optimizers.Adagrad(lr="0.1"), TypeError,
     r"lr must be a real number, got str '0.1'"),
    ("N31", "momentum", lambda m: gn.optimizers.SGD(lr=0.1, momentum=1.0), ValueError,
     r"momentum must be < 1.0, got 1.0"),
    ("N32", "summary", lambda m: binary_model().summary(print_fn=None), gn.NotFittedError,
     r"cannot summarise the model before the model is built: call fit\(X, y\), "
     r"build\(input_shape\), or give the first layer input_shape="),
    ("N33", "fit", lambda m: gn.Sequential([Dense(1)]).fit(X, YB, verbose=0), ValueError,
     r"the model is not compiled; call model.compile\(loss=..., optimizer=...\) first"),
    ("N33", "compute-gradients", lambda m: gn.Sequential([Dense(1)]).compute_gradients(X, YB),
     ValueError, r"the model is not compiled"),
    ("N34", "units", lambda m: Dense(0), ValueError, r"units must be >= 1, got 0"),
    ("N34", "dropout-rate", lambda m: Dropout(1.0), ValueError, r"rate must be < 1.0, got 1.0"),
    ("N34", "model-dtype", lambda m: gn.Sequential([Dense(1)], dtype=np.int32), TypeError,
     r"dtype must be np.float32 or np.float64, got int32"),
    ("N34", "not-a-layer", lambda m: gn.Sequential([Dense(2), "relu"]), TypeError,
     r"layers must be glassnet Layer objects, got str"),
    ("N34", "no-layers", lambda m: gn.Sequential([]).build((3,)), ValueError,
     r"the model has no layers"),
    ("N35", "step-lengths",
     lambda m: gn.optimizers.Adam().step([np.ones(2), np.ones(2)], [np.ones(2)]), ValueError,
     r"params and grads must be lists of the same length, got 2 and 1"),
    ("N35", "accel-flag", lambda m: gn.accel.set_enabled("no"), TypeError,
     r"flag must be a bool, got str"),
    ("N40", "layers-of-another-model", lambda m: gn.Sequential(m["b"].layers), ValueError,
     r"layer 'dense' already belongs to another model \('sequential'\)"),
    ("N40", "layer-twice", lambda m: gn.Sequential([m["b"].layers[0], m["b"].layers[0]]),
     ValueError, r"already belongs to another model"),
    ("N40", "optimizer-of-another-model",
     lambda m: binary_model().compile(loss="mse", optimizer=m["s"].optimizer), ValueError,
     r"optimizer Adam already belongs to another model"),
    ("N40", "optimizer-state-size",
     lambda m: m["s"].optimizer.step([np.ones(3)], [np.ones(3)]), ValueError,
     r"keeps state 'm' of shape \(\d+,\) for params\[0\], got an array of shape \(3,\)"),
    ("N41", "set-weights-nan",
     lambda m: m["b"].set_weights([w * np.nan for w in m["b"].get_weights()]), ValueError,
     r"weights\[0\] must hold finite numbers, got \d+ NaN or infinite value\(s\)"),
    ("N41", "set-weights-late-shape",
     lambda m: m["b"].set_weights([*m["b"].get_weights()[:-1], np.ones(9)]), ValueError,
     r"weights\[3\] must have shape \(1,\), got \(9,\)"),
    ("N42", "rebuild-other-shape", lambda m: m["b"].build((7,)), ValueError,
     r"input_shape \(7,\) differs from the shape \(3,\) the model is built for"),
    ("N42", "build-int", lambda m: binary_model().build(3), ValueError,
     r"input_shape must be a tuple of positive integers .* got 3; for 3 features write \(3,\)"),
    ("N42", "build-fraction", lambda m: binary_model().build((2.5,)), ValueError,
     r"input_shape must be a tuple of positive integers .* got \(2.5,\)"),
    ("N43", "early-stopping-without-validation",
     lambda m: m["b"].fit(X, YB, verbose=0, callbacks=[gn.callbacks.EarlyStopping()]),
     ValueError, r"EarlyStopping monitor 'val_loss' is not among the logged quantities"),
    ("N43", "checkpoint-placeholder", lambda m: gn.callbacks.ModelCheckpoint("c-{step}"),
     ValueError, r"path may contain only the placeholder \{epoch\}"),
    ("N44", "lr-twice", lambda m: gn.optimizers.Adam(lr=0.1, learning_rate=0.1), TypeError,
     r"give the learning rate once, as lr or as learning_rate"),
    ("N44", "validation-twice",
     lambda m: m["b"].fit(X, YB, validation_split=0.25, validation_data=(X, YB), verbose=0),
     ValueError, r"give validation_data or validation_split, not both"),
    ("N44", "validation-split-empty",
     lambda m: m["b"].fit(X, YB, validation_split=0.01, verbose=0), ValueError,
     r"validation_split=0.01 leaves 0 validation and 24 training samples"),
    ("N45", "grads-rebound-wrong-shape",
     lambda m: m["b"].layers[0].grads.__setitem__("W", np.ones(2)), ValueError,
     r"dense.grads\['W'\] must keep shape \(3, \d+\), got \(2,\)"),
    # ------------------------------------------------------------------ linear models
    ("L01", "nan-X", lambda m: gn.linear.LogisticRegression().fit(X_NAN, YB), ValueError,
     r"X must be finite, got 1 NaN"),
    ("L01", "nan-y", lambda m: gn.linear.LinearRegression().fit(X, np.r_[X[:-1, 0], np.nan]),
     ValueError, r"y must be finite, got 1 NaN"),
    ("L01", "1-D-X", lambda m: gn.linear.SoftmaxRegression().fit(X[:, 0], YC), ValueError,
     r"X must be 2-D, got 1-D array of shape \(24,\)"),
    ("L01", "lengths", lambda m: gn.linear.LinearRegression().fit(X, X[:5, 0]), ValueError,
     r"X and y must have the same number of samples, got 24 and 5"),
    ("L01", "empty", lambda m: gn.linear.LinearRegression().fit(X[:0], X[:0, 0]), ValueError,
     r"X must not be empty, got shape \(0, 3\)"),
    ("L01", "object-X", lambda m: gn.linear.LogisticRegression().fit(X.astype(object), YB),
     TypeError, r"X must hold numbers .*dtype object"),
    ("L02", "continuous-y", lambda m: gn.linear.LogisticRegression().fit(X, X[:, 0]), ValueError,
     r"y must hold class labels, got non-integer values such as .*use LinearRegression"),
    ("L02", "one-class", lambda m: gn.linear.LogisticRegression().fit(X, np.zeros(24)), ValueError,
     r"y must contain two classes, got only one"),
    ("L02", "three-classes", lambda m: gn.linear.LogisticRegression().fit(X, YC), ValueError,
     r"LogisticRegression is binary: y must contain two classes, got 3 .*SoftmaxRegression"),
    ("L03", "predict", lambda m: gn.linear.SoftmaxRegression().predict(X), gn.NotFittedError,
     r"This SoftmaxRegression is not fitted yet; call fit\(X, y\) first"),
    ("L04", "features", lambda m: gn.linear.LogisticRegression().fit(X, YB).predict(X[:, :2]),
     ValueError, r"X has 2 features, but LogisticRegression was fitted with 3 features"),
    ("L05", "lr", lambda m: gn.linear.LogisticRegression(lr=0).fit(X, YB), ValueError,
     r"lr must be > 0, got 0.0"),
    ("L05", "epochs", lambda m: gn.linear.SoftmaxRegression(epochs=0).fit(X, YC), ValueError,
     r"epochs must be >= 1, got 0"),
    ("L05", "solver", lambda m: gn.linear.LinearRegression(solver="qr").fit(X, X[:, 0]),
     ValueError, r"solver must be one of 'ols', 'gd'; got 'qr'"),
    ("L05", "set-params", lambda m: gn.linear.LogisticRegression().set_params(C=1.0), ValueError,
     r"invalid parameter 'C' for LogisticRegression; valid parameters are: epochs, "),
    ("L06", "score-length", lambda m: gn.linear.LogisticRegression().fit(X, YB).score(X, YB[:3]),
     ValueError, r"y must have shape \(24,\) \(one label per row of X\), got \(3,\)"),
    # ------------------------------------------------------------------ metrics
    ("M01", "lengths", lambda m: gn.metrics.accuracy_score([0, 1, 1], [0, 1]), ValueError,
     r"y_true and y_pred must have the same number of samples, got 3 and 2"),
    ("M02", "empty", lambda m: gn.metrics.f1_score([], []), ValueError,
     r"y_true must not be empty, got shape \(0,\)"),
    ("M03", "one-hot", lambda m: gn.metrics.accuracy_score(np.eye(3), np.eye(3)), ValueError,
     r"y_true must be 1-D class labels, got shape \(3, 3\); one-hot .*y_true.argmax\(axis=1\)"),
    ("M03", "scalar", lambda m: gn.metrics.confusion_matrix(1, 1), ValueError,
     r"y_true must be 1-D class labels, got shape \(\)"),
    ("M04", "nan", lambda m: gn.metrics.precision_score([0, np.nan], [0, 1]), ValueError,
     r"y_true must hold finite labels, got 1 NaN or infinite value"),
    ("M04", "probabilities", lambda m: gn.metrics.accuracy_score([0, 1], [0.2, 0.9]), ValueError,
     r"y_pred must hold class labels, got non-integer values like \[0.2 0.9\]; threshold"),
    ("M05", "mixed", lambda m: gn.metrics.accuracy_score(["a", "b"], [0, 1]), ValueError,
     r"y_true and y_pred must hold the same kind of labels, got strings .* and numbers"),
    ("M05", "mixed-object", lambda m: gn.metrics.recall_score(np.array(["a", 1], object), [0, 1]),
     TypeError, r"y_true must hold labels of one kind \(all numbers or all strings\)"),
    ("M06", "average", lambda m: gn.metrics.f1_score([0, 1], [0, 1], average="samples"),
     ValueError, r"average must be one of 'binary', 'micro', 'macro', 'weighted', None; "
                 r"got 'samples'"),
    ("M06", "binary-on-3-classes", lambda m: gn.metrics.f1_score([0, 1, 2], [0, 1, 2]), ValueError,
     r"average='binary' needs binary targets, but y_true and y_pred hold 3 classes"),
    ("M06", "pos-label", lambda m: gn.metrics.precision_score([0, 1], [0, 1], pos_label=5),
     ValueError, r"pos_label=5 is not a valid label: it should be one of \[0 1\]"),
    ("M06", "zero-division", lambda m: gn.metrics.recall_score([0, 1], [0, 1], zero_division=2),
     ValueError, r"zero_division must be 0, 1 or np.nan, got 2"),
    ("M07", "mse-nan", lambda m: gn.metrics.mean_squared_error([0, 1], [0, np.nan]), ValueError,
     r"y_pred must be finite, got 1 NaN"),
    ("M07", "log-loss-range", lambda m: gn.metrics.log_loss([0, 1], [0.2, 1.5]), ValueError,
     r"y_prob must hold probabilities in \[0, 1\], got values from 0.2 to 1.5"),
    ("M07", "auc-one-class", lambda m: gn.metrics.roc_auc_score([1, 1], [0.2, 0.3]), ValueError,
     r"y_true must hold exactly two classes for ROC AUC, got 1"),
    # ------------------------------------------------------------------ datasets
    ("D01", "n-samples", lambda m: gn.datasets.make_moons(0), ValueError,
     r"n_samples must be >= 1, got 0"),
    ("D01", "n-samples-float", lambda m: gn.datasets.make_circles(10.5), TypeError,
     r"n_samples must be an integer or a tuple of per-class counts, got float 10.5"),
    ("D01", "noise", lambda m: gn.datasets.make_moons(10, noise=-0.1), ValueError,
     r"noise must be >= 0.0, got -0.1"),
    ("D01", "seed", lambda m: gn.datasets.make_flower(10, seed=-1), ValueError,
     r"seed must be >= 0, got -1"),
    ("D02", "test-size", lambda m: gn.datasets.train_test_split(X, YB, test_size=1.5), ValueError,
     r"test_size must be < 1.0, got 1.5"),
    ("D02", "lengths", lambda m: gn.datasets.train_test_split(X, YB[:9]), ValueError,
     r"arrays\[0\] and arrays\[1\] must have the same number of samples, got 24 and 9"),
    ("D02", "stratify", lambda m: gn.datasets.train_test_split(X, stratify=np.r_[YC[:-1] * 0, 1]),
     ValueError, r"stratify: every class needs at least 2 samples, class 1 has 1"),
    ("D03", "label-too-large", lambda m: gn.datasets.one_hot([0, 3], 3), ValueError,
     r"y must hold labels 0..2 for n_classes=3, got a label 3"),
    ("D03", "negative", lambda m: gn.datasets.one_hot([0, -1], 3), ValueError,
     r"y must hold non-negative class labels, got minimum -1"),
    ("D04", "before-fit", lambda m: gn.datasets.StandardScaler().transform(X), ValueError,
     r"this StandardScaler is not fitted yet; call fit\(X\) before transform"),
    ("D04", "features", lambda m: gn.datasets.StandardScaler().fit(X).transform(X[:, :2]),
     ValueError, r"X must have 3 features, as the data the scaler was fitted on, got shape"),
    ("D05", "mnist-missing", lambda m: gn.datasets.load_mnist(path="/nonexistent/mnist"),
     FileNotFoundError, r"path '/nonexistent/mnist' does not exist. Get the MNIST data"),
    # ------------------------------------------------------------------ training
    ("T01", "divergence", _diverging_fit, gn.DivergenceError,
     r"diverged .*epoch \d+.*lower learning rate \(lr=10.0\)"),
    ("T02", "ctrl-c", lambda m: m["s"].fit(X, YC, batch_size=8, callbacks=[RaisesInterrupt()],
                                           verbose=0), KeyboardInterrupt, None),
]


def _compiled(layers, loss):
    model = gn.Sequential(layers, seed=0)
    model.compile(loss=loss, optimizer="sgd")
    return model


def _params(cases):
    """pytest params with ids ``<row>-<label>``; a 6th entry is the reason of a strict xfail."""
    return [pytest.param(*c[:5], id=f"{c[0]}-{c[1]}",
                         marks=[pytest.mark.xfail(strict=True, reason=c[5])] if len(c) > 5 else [])
            for c in cases]


@pytest.mark.parametrize("row, label, call, error, match", _params(CASES))
def test_bad_input(models, row, label, call, error, match):
    before = {k: model_state(m) for k, m in models.items()}
    with pytest.raises(error, match=match) as info:
        call(models)
    if error is not KeyboardInterrupt:
        assert isinstance(info.value, (ValueError, TypeError, FloatingPointError, OSError))
        assert str(info.value).strip()
    after = {k: model_state(m) for k, m in models.items()}
    if error is KeyboardInterrupt:          # the interrupted model is covered by its own tests
        del before["s"], after["s"]
    for key in before:
        assert_same_state(before[key], after[key])


# ---------------------------------------------------------------------------- files


def _read(tmp_path, make):
    return gn.load_model(make(tmp_path))


def _saved(tmp_path):
    path = tmp_path / "m.glassnet"
    fitted("binary").save(path)
    return path


FILE_CASES = [
    ("F01", "missing", lambda p: p / "nowhere.glassnet", FileNotFoundError,
     r"no model file at '.*nowhere.glassnet'"),
    ("F01", "folder", lambda p: p, ValueError, r"is a folder, not a glassnet model file"),
    ("F01", "not-a-path", lambda p: 3, TypeError, r"path must be a str or os.PathLike, got int"),
    ("F02", "pickle", lambda p: _files(p, "m.pkl", pickle.dumps({"a": 1})),
     ValueError, r"is not a glassnet model file \(not a readable zip archive.*never loads pickles"),
    ("F02", "truncated", lambda p: _files(p, "t.glassnet", _saved(p).read_bytes()[:300]),
     ValueError, r"is not a glassnet model file"),
    ("F03", "extra-member", lambda p: _with_member(_saved(p), "run.py", b"print(1)"), ValueError,
     r"unexpected members \['run.py'\]"),
    ("F04", "json", lambda p: _with_member(_saved(p), "glassnet.json", b"{oops"), ValueError,
     r"unreadable JSON"),
    ("F04", "schema", lambda p: _with_member(_saved(p), "glassnet.json", b"[1, 2]"), ValueError,
     r"the JSON document must be an object, got list"),
    ("F05", "version", lambda p: _with_member(
        _saved(p), "glassnet.json", b'{"format": "glassnet", "version": 7}'), ValueError,
     r"model file version 7 is not supported \(this glassnet reads version 1\) \(written by a "
     r"newer glassnet; upgrade glassnet\)"),
    ("F06", "array-shape", lambda p: _with_member(
        _saved(p), "params/0.npy", npy_bytes(np.zeros((2, 2), np.float32))), ValueError,
     r"params/0.npy has shape \(2, 2\) and dtype float32, expected \(3, 4\) and float32"),
]


def _with_member(path, name, payload):
    members = zip_members(path)
    members[name] = payload
    write_zip(path, members)
    return path


@pytest.mark.parametrize("row, label, make, error, match",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in FILE_CASES])
def test_bad_model_file(tmp_path, row, label, make, error, match):
    with pytest.raises(error, match=match):
        _read(tmp_path, make)


SAVE_CASES = [
    ("F07", "not-built", lambda p: binary_model().save(p / "m.glassnet"), ValueError,
     r"cannot save a model that is not built; fit it or call build\(\) first"),
    ("F07", "path-type", lambda p: fitted("binary").save(None), TypeError,
     r"path must be a str or os.PathLike, got NoneType"),
    ("F07", "missing-folder", lambda p: fitted("binary").save(p / "no" / "m.glassnet"),
     FileNotFoundError, r"No such file or directory"),
    ("F07", "unregistered-layer", lambda p: _with_custom_layer().save(p / "m.glassnet"),
     ValueError, r"cannot save layer class 'Scale': load_model rebuilds only registered layers; "
                 r"decorate it with @glassnet.layers.register"),
]


def _with_custom_layer():
    class Scale(gn.layers.Layer):
        def forward(self, x, training=False):
            return 2.0 * x

        def backward(self, grad):
            return 2.0 * grad

    model = gn.Sequential([Dense(2), Scale()], seed=0)
    model.build((3,))
    return model


@pytest.mark.parametrize("row, label, call, error, match",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in SAVE_CASES])
def test_bad_save(tmp_path, row, label, call, error, match):
    with pytest.raises(error, match=match):
        call(tmp_path)
    assert not any(tmp_path.rglob("*")), "a failed save must leave no file behind"


# ---------------------------------------------------------------------------- command line

CSV_OK = "a,b,t\n" + "".join(f"{i % 5},{(3 * i) % 7},{i % 2}\n" for i in range(20))
CLI_CASES = [
    ("C01", "bad-number", ["train", "--lr", "-1"], {}, 2,
     r"glassnet: error: argument --lr: expected a positive number, got '-1'"),
    ("C01", "unknown-choice", ["train", "--optimizer", "lbfgs"], {}, 2,
     r"glassnet: error: argument --optimizer: invalid choice: 'lbfgs' \(choose from 'sgd', "),
    ("C01", "batch-size-zero", ["train", "--batch-size", "0"], {}, 2,
     r"argument --batch-size: expected a positive integer, got 0"),
    ("C01", "csv-without-target", ["train", "--csv", "ok.csv"], {"ok.csv": CSV_OK}, 2,
     r"glassnet: error: --csv needs --target COLUMN"),
    ("C02", "missing-file", ["train", "--csv", "nope.csv", "--target", "t"], {}, 1,
     r"glassnet: error: CSV file not found: 'nope.csv'"),
    ("C02", "nan-in-csv", ["train", "--csv", "d.csv", "--target", "t", "--quiet"],
     {"d.csv": "a,b,t\n1,2,0\n3,nan,1\n"}, 1,
     r"glassnet: error: d.csv, line 3: column 'b' holds 'nan'; values must be finite numbers"),
    ("C02", "text-in-csv", ["train", "--csv", "d.csv", "--target", "t", "--quiet"],
     {"d.csv": "a,b,t\n1,foo,0\n3,4,1\n"}, 1,
     r"d.csv, line 2: column 'b' must hold numbers \(a feature\), got 'foo'"),
    ("C02", "ragged-csv", ["train", "--csv", "d.csv", "--target", "t", "--quiet"],
     {"d.csv": "a,b,t\n1,2\n3,4,1\n"}, 1, r"d.csv, line 2: 2 fields, but the header has 3"),
    ("C02", "unknown-column", ["train", "--csv", "ok.csv", "--target", "zz", "--quiet"],
     {"ok.csv": CSV_OK}, 1, r"ok.csv: no target column 'zz'; the columns are a, b, t"),
    ("C02", "batch-too-large", ["train", "--csv", "ok.csv", "--target", "t", "--quiet",
                                "--batch-size", "500", "--out", "o"], {"ok.csv": CSV_OK}, 1,
     r"--batch-size 500 is larger than the training set \(16 samples\)"),
    ("C03", "divergence", ["train", "--csv", "ok.csv", "--target", "t", "--quiet", "--lr", "1e300",
                           "--optimizer", "sgd", "--epochs", "50", "--out", "o"],
     {"ok.csv": CSV_OK}, 1, r"glassnet: error: training diverged .*lower learning rate"),
]


@pytest.mark.parametrize("row, label, argv, files, code, match",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in CLI_CASES])
def test_bad_command_line(tmp_path, monkeypatch, capsys, row, label, argv, files, code, match):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with np.errstate(all="ignore"):     # the diverging run's own warnings are not the point here
        assert cli_main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err            # one line, never a traceback
    assert re.search(match, err[0]), err[0]


PREDICT_CASES = [
    ("C05", "missing-and-extra-column", "a,c,t\n1,2,0\n", None,
     r"glassnet: error: new.csv: missing column\(s\) 'b'; extra column\(s\) 'c' that the model "
     r"was not trained with \(drop them or pass --allow-extra\); the model reads the columns a, b"),
    ("C06", "no-preprocessing-file", CSV_OK, "delete",
     r"glassnet: error: no preprocessing file '.*model.preprocessing.json' \(glassnet train "
     r"writes it next to the model; pass --preprocessing FILE if it was moved\)"),
    ("C07", "not-a-preprocessing-file", CSV_OK, '{"format": "x"}',
     r"model.preprocessing.json: not a valid glassnet preprocessing file: expected a JSON "
     r"object with \"format\": 'glassnet-preprocessing'"),
    ("C07", "not-json", CSV_OK, "{", r"not a valid glassnet preprocessing file: not JSON text"),
]


@pytest.mark.parametrize("row, label, csv_text, sidecar, match",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in PREDICT_CASES])
def test_bad_predict_command_line(tmp_path, monkeypatch, capsys, row, label, csv_text, sidecar,
                                  match):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.csv").write_text(CSV_OK)
    assert cli_main(["train", "--csv", "ok.csv", "--target", "t", "--quiet", "--epochs", "2",
                     "--out", "o"]) == 0
    capsys.readouterr()
    side = tmp_path / "o" / "model.preprocessing.json"
    if sidecar == "delete":
        side.unlink()
    elif sidecar is not None:
        side.write_text(sidecar)
    (tmp_path / "new.csv").write_text(csv_text)
    assert cli_main(["predict", "o/model.glassnet", "--csv", "new.csv",
                     "--out", "p.csv"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err            # one line, never a traceback
    assert re.search(match, err[0]), err[0]
    assert not (tmp_path / "p.csv").exists()


def test_ctrl_c_in_the_command_line_exits_130(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.csv").write_text(CSV_OK)

    def interrupted(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)   # the default handler turns it into KeyboardInterrupt
        raise AssertionError("unreachable")

    monkeypatch.setattr(gn.Sequential, "fit", interrupted)
    assert cli_main(["train", "--csv", "ok.csv", "--target", "t", "--quiet", "--out", "o"]) == 130
    assert capsys.readouterr().err.strip() == "glassnet: interrupted"


# ---------------------------------------------------------------------------- the document

ROW = re.compile(r"^\|\s*([A-Z]\d\d)\s*\|", re.MULTILINE)
TESTED_ELSEWHERE = {"C04": "test_ctrl_c_in_the_command_line_exits_130"}
TESTED_ELSEWHERE.update({f"X0{i}": "tests/export/test_export_errors.py" for i in range(1, 9)})
TESTED_ELSEWHERE.update({"F08": "test_reliability_untrusted_files.py",
                         "F09": "test_reliability_untrusted_files.py",
                         "F10": "test_reliability_storable.py"})


def test_every_row_of_docs_errors_md_is_tested_and_every_case_documented():
    rows = ROW.findall(DOC.read_text(encoding="utf-8"))
    assert len(rows) == len(set(rows)), "a row id is used twice in docs/errors.md"
    cases = CASES + FILE_CASES + SAVE_CASES + CLI_CASES + PREDICT_CASES
    tested = {c[0] for c in cases} | set(TESTED_ELSEWHERE)
    assert set(rows) == tested, (sorted(set(rows) - tested), sorted(tested - set(rows)))


def test_the_document_lists_the_valid_names_the_library_has():
    text = DOC.read_text(encoding="utf-8")
    for module in (gn.activations, gn.losses, gn.optimizers, gn.initializers):
        for name in module.names():
            assert f"`{name}`" in text, f"{module.__name__}: {name!r} missing from docs/errors.md"


@pytest.mark.parametrize("call", [
    lambda m: m.fit(X, YB * 3, verbose=0),
    lambda m: m.fit(X, YB, epochs=0, verbose=0),
    lambda m: m.fit(X, YB, validation_data=(X[:, :2], YB), verbose=0),
    lambda m: m.compute_gradients(X, YB[:4]),
], ids=["bad-y", "bad-epochs", "bad-validation", "compute-gradients"])
def test_a_failed_first_fit_leaves_the_model_unbuilt(call):
    model = binary_model()
    before = model_state(model)
    with pytest.raises((ValueError, TypeError)):
        call(model)
    assert_same_state(before, model_state(model))
    # so that a corrected call with other features still works
    model.fit(np.c_[X, X], YB, epochs=1, verbose=0)
    assert model.input_shape == (6,)


@pytest.mark.parametrize("batch_size, error, match", [
    (0, ValueError, r"batch_size must be >= 1, got 0"),
    (-1, ValueError, r"batch_size must be >= 1, got -1"),
    ("8", TypeError, r"batch_size must be an integer, got str"),
])
def test_evaluate_checks_batch_size(batch_size, error, match):
    model = fitted("binary")
    with pytest.raises(error, match=match):
        model.evaluate(X, YB, batch_size=batch_size)


@pytest.mark.parametrize("call, match", [
    (lambda: binary_model().fit(X, YB, callbacks=RaisesInterrupt(), verbose=0),
     r"callbacks must be a list of Callback objects, got RaisesInterrupt"),
    (lambda: gn.Sequential(Dense(1)), r"layers must be a list of Layer objects, got Dense"),
])
def test_list_arguments_name_themselves(call, match):
    with pytest.raises(TypeError, match=match):
        call()
