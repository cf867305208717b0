"""Random shapes, dtypes and values into the public entry points.

Whatever comes in, out comes either a ``ValueError``/``TypeError`` with a message, or a correct
result; a fitted model hit by a failing call is left exactly as it was. Most inputs are valid but
for one thing (a NaN, a wrong dtype or shape, a missing row, a ragged list, labels out of range,
...); values are drawn within ±1e6 (the range the numerical tests cover), plus NaN and ±inf, and a
finite 1e300 for the networks and linear models (too large for float32: refused; a linear model
whose loss overflows on it: DivergenceError). Metrics and data preparation on 1e300 are tested
on their own at the end.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reliability_helpers import (
    FUZZ,
    assert_same_state,
    binary_model,
    fitted,
    model_state,
    regression_model,
    softmax_model,
)

import glassnet as gn

SETTINGS = settings(**FUZZ, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.data_too_large])
NUMERIC = [np.float64, np.float32, np.float16, np.int64, np.int8, np.uint8, np.bool_]
OTHER = [np.dtype(np.complex64), np.dtype("<U3"), np.dtype("M8[s]"), np.dtype("O")]
ELEMENTS = st.one_of(st.floats(-1e6, 1e6, width=32), st.sampled_from([0.0, 1.0, 2.0, -1.0]),
                     st.sampled_from([np.nan, np.inf, -np.inf]))


@st.composite
def arrays(draw, max_dims: int = 3, rows: int | None = None):
    """An array (or nested list) of any of many dtypes and shapes, or a non-array thing."""
    kind = draw(st.sampled_from(["numeric"] * 6 + ["other", "list", "ragged", "scalar"]))
    if kind == "scalar":
        return draw(st.sampled_from([None, 3, 2.5, "abc", b"x", {"a": 1}, [1, "a"], object()]))
    n_dims = draw(st.integers(0, max_dims))
    shape = tuple(draw(st.integers(0, 5)) for _ in range(n_dims))
    if rows is not None and n_dims and draw(st.booleans()):
        shape = (rows, *shape[1:])
    if kind == "other":
        dtype = draw(st.sampled_from(OTHER))
        return np.zeros(shape, dtype=dtype) if dtype.kind != "O" else np.empty(shape, object)
    if kind == "ragged":
        return [[1.0, 2.0], [3.0]] * draw(st.integers(1, 3))
    dtype = draw(st.sampled_from(NUMERIC))
    arr = draw(hnp.arrays(np.float64, shape, elements=ELEMENTS))
    if np.dtype(dtype).kind != "f":
        arr = np.nan_to_num(arr, posinf=0.0, neginf=0.0)
        arr = np.clip(np.round(arr), *((0, 255) if dtype == np.uint8 else (-100, 100)))
    with np.errstate(all="ignore"):
        arr = arr.astype(dtype)
    return arr.tolist() if kind == "list" else arr


def refused_or_result(call):
    """``(result, None)``, or ``(None, error)`` after checking the error is a documented one."""
    try:
        return call(), None
    except (ValueError, TypeError) as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return None, exc


def outcome(call):
    """Run ``call`` inside a hypothesis test: its result, or None if it refused properly."""
    result, error = refused_or_result(call)
    event("accepted" if error is None else f"refused: {type(error).__name__}")
    return result


def clean(X, columns: int):
    """``X`` as a finite 2-D float array with ``columns`` columns (the valid case)."""
    return np.asarray(X, dtype=np.float64).reshape(-1, columns)


PERTURBATIONS = ["nan", "inf", "dtype", "flatten", "extra-axis", "drop-row", "empty", "list",
                 "ragged", "huge", "none"]


def perturb(draw, arr, huge: bool = True):
    """``arr`` with one thing wrong (or nothing: "none"); "huge" puts in a finite 1e300."""
    how = draw(st.sampled_from(PERTURBATIONS if huge else PERTURBATIONS[:-2] + ["none"]))
    arr = np.array(arr)
    if arr.dtype.kind not in "biuf" and how in ("nan", "inf", "huge", "dtype"):
        how = "none"
    if how in ("nan", "inf") and arr.size:
        arr = arr.astype(np.float64)
        arr.flat[draw(st.integers(0, arr.size - 1))] = np.nan if how == "nan" else -np.inf
    elif how == "dtype":
        dtype = draw(st.sampled_from(OTHER))
        arr = arr.astype(dtype) if dtype.kind != "M" else np.zeros(arr.shape, dtype)
    elif how == "flatten":
        arr = arr.reshape(-1)
    elif how == "extra-axis":
        arr = arr[..., None]
    elif how == "drop-row":
        arr = arr[1:]
    elif how == "empty":
        arr = arr[:0]
    elif how == "list":
        return arr.tolist()
    elif how == "ragged" and arr.ndim == 2 and arr.shape[1] > 1:
        rows = arr.tolist()
        rows[0] = rows[0][:-1]
        return rows
    elif how == "huge" and arr.size:
        arr = arr.astype(np.float64)
        arr.flat[0] = 1e300
    return arr


@st.composite
def data_for(draw, kind: str, fitted_features: int | None = None, huge: bool = True):
    """``(X, y)`` for a model of ``kind``: valid, valid but for one thing, or anything at all."""
    mode = draw(st.sampled_from(["valid", "valid", "perturbed", "perturbed", "perturbed",
                                 "wild"]))
    if mode == "wild":
        return draw(arrays()), draw(arrays(max_dims=2))
    n = draw(st.integers(1, 8))
    features = fitted_features or 3
    X = draw(hnp.arrays(np.float64, (n, features), elements=st.floats(-1e6, 1e6)))
    X = X.astype(draw(st.sampled_from(NUMERIC[:2])))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    y = {
        "binary": lambda: rng.integers(0, 2, size=(n, 1) if draw(st.booleans()) else n),
        "softmax": lambda: (rng.integers(0, 3, n) if draw(st.booleans())
                            else np.eye(3)[rng.integers(0, 3, n)]),
        "regression": lambda: rng.normal(size=(n, 2)),
        "logistic": lambda: np.array(["cat", "dog"])[np.arange(n) % 2],
        "multiclass": lambda: np.arange(n) % 3,
        "labels": lambda: rng.integers(0, 3, n),
    }[kind]()
    if kind in ("binary", "softmax") and draw(st.booleans()):     # wrong labels
        y = y + draw(st.sampled_from([1, -1, 0.5, 2]))
    if mode == "perturbed":
        if draw(st.booleans()):
            X = perturb(draw, X, huge)
        else:
            y = perturb(draw, y, huge)
    return X, y


def max_abs(*arrays) -> float:
    """Largest magnitude among the numeric ones of ``arrays`` (0 for the others)."""
    out = 0.0
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind in "biuf" and a.size:
            out = max(out, float(np.abs(a.astype(np.float64)).max()))
    return out


MODELS = {"binary": binary_model, "softmax": softmax_model, "regression": regression_model}
OUT = {"binary": 1, "softmax": 3, "regression": 2}


@pytest.mark.parametrize("kind", list(MODELS))
@SETTINGS
@given(data=st.data(), batch_size=st.sampled_from([None, None, 1, 2, 0, -1, 9, 2.0, "2"]))
def test_fit_on_a_fresh_model(kind, data, batch_size):
    X, y = data.draw(data_for(kind))
    model = MODELS[kind]()
    history = outcome(lambda: model.fit(X, y, epochs=2, batch_size=batch_size, verbose=0))
    if history is None:
        return
    X = np.asarray(X)
    assert model.built and model.input_shape == X.shape[1:]
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    assert all(np.isfinite(w).all() for w in model.get_weights())


@pytest.fixture(scope="module")
def trained():
    return {kind: fitted(kind) for kind in MODELS}


@pytest.mark.parametrize("kind", list(MODELS))
@SETTINGS
@given(data=st.data(), batch_size=st.sampled_from([None, None, 1, 3, 0, -2, "3"]),
       features=st.sampled_from([3, 3, 3, 2]))
def test_predict_and_evaluate_on_a_fitted_model(trained, kind, data, batch_size, features):
    model = trained[kind]
    X, y = data.draw(data_for(kind, features))
    before = model_state(model)
    out = outcome(lambda: model.predict(X, batch_size=batch_size))
    if out is not None:
        Xc = clean(X, 3)
        assert out.shape == (len(Xc), OUT[kind]) and np.isfinite(out).all()
        np.testing.assert_allclose(out, model.predict(Xc), rtol=1e-5, atol=1e-6)
        if kind != "regression":
            assert out.min() >= 0.0 and out.max() <= 1.0
    scores = outcome(lambda: model.evaluate(X, y))
    if scores is not None:
        assert np.isfinite(scores["loss"]) and scores["loss"] >= 0.0
    assert_same_state(before, model_state(model))


LINEAR = {
    "ols": (lambda: gn.linear.LinearRegression(), "regression"),
    "gd": (lambda: gn.linear.LinearRegression(solver="gd", lr=1e-13, epochs=5), "regression"),
    "logistic": (lambda: gn.linear.LogisticRegression(lr=1e-7, epochs=5), "logistic"),
    "softmax": (lambda: gn.linear.SoftmaxRegression(lr=1e-7, epochs=5), "multiclass"),
}


@pytest.mark.parametrize("name", list(LINEAR))
@SETTINGS
@given(data=st.data(), features=st.sampled_from([3, 3, 2]))
def test_linear_models(name, data, features):
    make, kind = LINEAR[name]
    X, y = data.draw(data_for(kind))
    X_new, _ = data.draw(data_for(kind, features))
    model = make()
    try:
        fitted_ = outcome(lambda: model.fit(X, y))
    except FloatingPointError:
        # DivergenceError: only for finite data so large that the loss itself overflows
        assert max_abs(X, y) > 1e150
        fitted_ = None
    if fitted_ is None:
        assert not hasattr(model, "coef_")
        return
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    pred = outcome(lambda: model.predict(X_new))
    if pred is not None:
        assert len(pred) == len(clean(X_new, model.n_features_in_))


@st.composite
def label_pairs(draw):
    """Two label arrays: equal lengths of one kind, with one thing wrong at times."""
    if draw(st.integers(0, 4)) == 0:
        return draw(arrays(max_dims=2)), draw(arrays(max_dims=2))
    n = draw(st.integers(1, 12))
    kind = draw(st.sampled_from(["int", "str", "bool", "float"]))
    pool = {"int": np.arange(3), "str": np.array(["a", "b", "c"]), "bool": np.array([0, 1]),
            "float": np.array([0.0, 1.0, 2.0])}[kind]
    a = pool[draw(hnp.arrays(np.int64, n, elements=st.integers(0, len(pool) - 1)))]
    b = pool[draw(hnp.arrays(np.int64, n, elements=st.integers(0, len(pool) - 1)))]
    if kind == "bool":
        a, b = a.astype(bool), b.astype(bool)
    if draw(st.booleans()):
        if draw(st.booleans()):
            a = perturb(draw, a, huge=False)
        else:
            b = perturb(draw, b, huge=False)
    return a, b


@SETTINGS
@given(pair=label_pairs(),
       average=st.sampled_from(["binary", "macro", "micro", "weighted", None, "bogus"]))
def test_metrics(pair, average):
    a, b = pair
    acc = outcome(lambda: gn.metrics.accuracy_score(a, b))
    if acc is not None:
        t, p = np.asarray(a).reshape(-1), np.asarray(b).reshape(-1)
        assert acc == pytest.approx(np.mean(t == p))
    f1 = outcome(lambda: gn.metrics.f1_score(a, b, average=average))
    if f1 is not None:
        assert np.all((np.asarray(f1) >= 0) & (np.asarray(f1) <= 1))
    cm = outcome(lambda: gn.metrics.confusion_matrix(a, b))
    if cm is not None:
        assert cm.sum() == len(np.asarray(a).reshape(-1))
    mse = outcome(lambda: gn.metrics.mean_squared_error(a, b))
    if mse is not None:
        assert np.isfinite(mse) and mse >= 0


@SETTINGS
@given(data=st.data(), n_classes=st.sampled_from([None, 3, 3, 0, 1, 300, -1, 2.5]),
       test_size=st.sampled_from([0.25, 0.25, 2, 0.0, 1.0, -1, "a", None]))
def test_data_preparation(data, n_classes, test_size):
    X, y = data.draw(data_for("labels", huge=False))
    onehot = outcome(lambda: gn.datasets.one_hot(y, n_classes))
    if onehot is not None:
        np.testing.assert_array_equal(onehot.sum(axis=1), 1.0)
        np.testing.assert_array_equal(onehot.argmax(axis=1), np.asarray(y).astype(np.int64))
    split = outcome(lambda: gn.datasets.train_test_split(X, y, test_size=test_size, seed=0))
    if split is not None:
        Xtr, Xte, ytr, yte = split
        assert len(Xtr) + len(Xte) == len(np.asarray(X)) and len(ytr) == len(Xtr)
    scaled = outcome(lambda: gn.datasets.StandardScaler().fit_transform(X))
    if scaled is not None:
        assert scaled.shape == np.asarray(X).shape and np.isfinite(scaled).all()




@pytest.mark.parametrize("call", [
    pytest.param(lambda: gn.metrics.accuracy_score([1e300], [0]), id="accuracy-label-1e300"),
    pytest.param(lambda: gn.metrics.mean_squared_error([0.0], [1e300]), id="mse-1e300"),
    pytest.param(lambda: gn.datasets.StandardScaler().fit_transform([[1e300], [0.0]]),
                 id="scaler-1e300"),
])
def test_finite_but_huge_values_give_an_error_or_a_result_without_warnings(call):
    """Found by the fuzzers above: refuse (ValueError) or answer (inf counts), never warn."""
    refused_or_result(call)
