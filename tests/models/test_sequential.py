"""Sequential: every activation × head against PyTorch autograd, building, reporting, errors."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Activation, Dense, Dropout

HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]


def _bce_targets(rng, n, k):
    return rng.integers(0, 2, n)


def _bce_targets_2d(rng, n, k):
    return rng.integers(0, 2, (n, 1)).astype(np.float64)


def _labels(rng, n, k):
    return rng.integers(0, k, n)


def _one_hot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, n)]


def _real(rng, n, k):
    return rng.normal(size=(n, k))


def _unit_interval(rng, n, k):
    return rng.uniform(size=(n, k))


# name -> (output layers, loss, make targets, n_outputs, fused?)
HEADS = {
    "sigmoid+bce (n,)": (lambda k: [Dense(k, "sigmoid")], "binary_crossentropy", _bce_targets,
                         1, True),
    "sigmoid+bce (n,1)": (lambda k: [Dense(k, "sigmoid")], "binary_crossentropy",
                          _bce_targets_2d, 1, True),
    "softmax+cce labels": (lambda k: [Dense(k, "softmax")], "categorical_crossentropy", _labels,
                           4, True),
    "softmax+cce one-hot": (lambda k: [Dense(k, "softmax")], "categorical_crossentropy",
                            _one_hot, 4, True),
    "linear+mse": (lambda k: [Dense(k)], "mse", _real, 3, False),
    "Activation(softmax)+cce": (lambda k: [Dense(k), Activation("softmax")],
                                "categorical_crossentropy", _labels, 4, True),
    "Activation(sigmoid)+bce": (lambda k: [Dense(k), Activation("sigmoid")],
                                "binary_crossentropy", _bce_targets, 1, True),
    "sigmoid+mse (unfused)": (lambda k: [Dense(k, "sigmoid")], "mse", _unit_interval, 2, False),
    "softmax+mse (unfused)": (lambda k: [Dense(k, "softmax")], "mse", _unit_interval, 3, False),
    "sigmoid+cce (unfused)": (lambda k: [Dense(k, "sigmoid")], "categorical_crossentropy",
                              _labels, 3, False),
    "tanh+mse (unfused)": (lambda k: [Dense(k, "tanh")], "mse", _real, 2, False),
}


def build_model(hidden, head, seed=0, n=16):
    out_layers, loss, targets, k, fused = HEADS[head]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = targets(rng, n, k)
    model = gn.Sequential([Dense(5, hidden), *out_layers(k)], seed=seed, dtype=np.float64)
    model.compile(loss=loss, optimizer="sgd")
    return model, X, y, fused


@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_loss_and_gradients_match_pytorch(hidden, head, torch_mirror):
    model, X, y, fused = build_model(hidden, head, seed=HIDDEN.index(hidden))
    loss = model.compute_gradients(X, y)
    assert model.fused_head is fused

    mirror = torch_mirror(model)
    ref = mirror.loss(X, y)
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    for layer, leaves in zip(model.layers, mirror.leaves, strict=True):
        assert set(layer.grads) == set(leaves)
        for key, leaf in leaves.items():
            np.testing.assert_allclose(layer.grads[key], leaf.grad.numpy(), rtol=1e-10,
                                       atol=1e-14, err_msg=f"{layer.name}.{key}")


@pytest.mark.parametrize("head", ["softmax+cce labels", "sigmoid+bce (n,)", "linear+mse"])
def test_predict_and_evaluate_match_pytorch(head, torch_mirror):
    model, X, y, _ = build_model("tanh", head, seed=3)
    model.build(X.shape[1:])
    mirror = torch_mirror(model)
    a, _ = mirror.forward(X)
    np.testing.assert_allclose(model.predict(X), a.detach().numpy(), rtol=1e-12, atol=1e-15)
    assert model.evaluate(X, y)["loss"] == pytest.approx(mirror.loss(X, y).item(), rel=1e-12)


def test_a_separate_activation_head_equals_the_dense_head():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 3)), rng.integers(0, 4, 12)
    joint = gn.Sequential([Dense(5, "relu"), Dense(4, "softmax")], seed=1, dtype=np.float64)
    split = gn.Sequential([Dense(5, "relu"), Dense(4), Activation("softmax")], seed=1,
                          dtype=np.float64)
    for model in (joint, split):
        model.compile(loss="categorical_crossentropy", optimizer="sgd")
    loss_joint = joint.compute_gradients(X, y)
    loss_split = split.compute_gradients(X, y)
    assert loss_split == pytest.approx(loss_joint, rel=1e-14)
    for a, b in zip(joint.layers[:2], split.layers[:2], strict=True):
        for key in a.grads:
            np.testing.assert_allclose(b.grads[key], a.grads[key], rtol=1e-13, atol=1e-16)


def test_compile_after_build_sets_the_fused_head():
    model = gn.Sequential([Dense(3, "softmax")], seed=0)
    model.build((2,))
    assert not model.fused_head
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    assert model.fused_head
    model.compile(loss="mse", optimizer="sgd")
    assert not model.fused_head


# ----------------------------------------------------------------------------- building


def test_the_model_is_built_lazily_from_the_first_input():
    model = gn.Sequential([Dense(5, "tanh"), Dense(2, "softmax")], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    assert not model.built and model.output_shape is None
    assert all(not layer.built and not layer.params for layer in model.layers)
    rng = np.random.default_rng(0)
    model.compute_gradients(rng.normal(size=(6, 7)), rng.integers(0, 2, 6))
    assert model.built and model.input_shape == (7,) and model.output_shape == (2,)
    assert model.layers[0].params["W"].shape == (7, 5)
    assert model.layers[1].params["W"].shape == (5, 2)
    assert model.layers[1].params["b"].shape == (2,)
    np.testing.assert_array_equal(model.layers[0].params["b"], 0)
    assert model.n_params == 7 * 5 + 5 + 5 * 2 + 2


def test_explicit_build_and_params_and_grads_share_keys_and_shapes():
    model = gn.Sequential([Dense(4, "relu"), Dropout(0.5), Dense(1, "sigmoid")], seed=0,
                          dtype=np.float64)
    model.build((3,))
    for layer in model.layers:
        assert set(layer.params) == set(layer.grads)
        for key, value in layer.params.items():
            assert value.dtype == np.float64
            assert layer.grads[key].shape == value.shape
    assert [layer.output_shape for layer in model.layers] == [(4,), (4,), (1,)]
    with pytest.raises(ValueError, match="already built"):
        model.add(Dense(2))


def test_summary_lists_shapes_and_parameter_counts():
    model = gn.Sequential([Dense(5, "tanh"), Dropout(0.2), Dense(3, "softmax")], seed=0,
                          name="net")
    model.build((4,))
    lines = []
    text = model.summary(print_fn=lines.append)
    assert lines == [text]
    assert 'Model: "net"' in text
    rows = {line.split()[0]: line for line in text.splitlines()}
    assert "(None, 5)" in rows["dense"] and rows["dense"].split()[-1] == "25"
    assert "(None, 5)" in rows["dropout"] and rows["dropout"].split()[-1] == "0"
    assert "(None, 3)" in rows["dense_1"] and rows["dense_1"].split()[-1] == "18"
    assert "Total params: 43" in text
    assert "(None, 4)" in text


def test_summary_prints_by_default(capsys):
    model = gn.Sequential([Dense(2)], seed=0)
    model.build((3,))
    text = model.summary()
    assert capsys.readouterr().out.strip() == text.strip()


def test_summary_before_build_raises():
    with pytest.raises(gn.NotFittedError, match="before the model is built"):
        gn.Sequential([Dense(2)]).summary()


def test_layer_names_are_made_unique():
    model = gn.Sequential([Dense(2), Dense(2), Dense(2, name="out")])
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "out"]


def test_get_and_set_weights():
    model = gn.Sequential([Dense(3, "tanh"), Dense(1)], seed=0, dtype=np.float64)
    model.build((2,))
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(2, 3), (3,), (3, 1), (1,)]
    weights[0][...] = 7.0                       # a copy: the model is unchanged
    assert not np.any(model.layers[0].params["W"] == 7.0)
    model.set_weights(weights)
    np.testing.assert_array_equal(model.layers[0].params["W"], 7.0)
    with pytest.raises(ValueError, match="list of 4 arrays, got 3"):
        model.set_weights(weights[:3])
    with pytest.raises(ValueError, match=r"weights\[2\] must have shape \(3, 1\), got \(1, 3\)"):
        model.set_weights([weights[0], weights[1], np.zeros((1, 3)), weights[3]])


# ----------------------------------------------------------------------------- predict, evaluate


def test_predict_shapes_and_probabilities():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3))
    binary = gn.Sequential([Dense(4, "tanh"), Dense(1, "sigmoid")], seed=0)
    multi = gn.Sequential([Dense(4, "tanh"), Dense(5, "softmax")], seed=0)
    regression = gn.Sequential([Dense(4, "relu"), Dense(2)], seed=0)
    for model in (binary, multi, regression):
        model.build((3,))
    p = binary.predict(X)
    assert p.shape == (10, 1) and p.dtype == np.float32 and np.all((p > 0) & (p < 1))
    q = multi.predict(X)
    assert q.shape == (10, 5)
    np.testing.assert_allclose(q.sum(axis=1), 1.0, rtol=1e-6)
    assert regression.predict(X).shape == (10, 2)


def test_predict_in_chunks_equals_one_pass():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(23, 3))
    model = gn.Sequential([Dense(4, "tanh"), Dense(3, "softmax")], seed=0, dtype=np.float64)
    model.build((3,))
    before = model.get_weights()
    np.testing.assert_allclose(model.predict(X, batch_size=5), model.predict(X), rtol=1e-14)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_evaluate_reports_loss_and_each_metric():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 3)), rng.integers(0, 3, 30)
    model = gn.Sequential([Dense(4, "tanh"), Dense(3, "softmax")], seed=0, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.build((3,))
    result = model.evaluate(X, y)
    assert set(result) == {"loss", "accuracy"}
    assert result["accuracy"] == pytest.approx(np.mean(model.predict(X).argmax(axis=1) == y))
    assert result["loss"] == pytest.approx(model.compute_gradients(X, y, training=False),
                                           rel=1e-12)
    assert model.evaluate(X, y, batch_size=7)["loss"] == pytest.approx(result["loss"], rel=1e-12)


@pytest.mark.parametrize("batch_size", [0, -1])
def test_evaluate_checks_batch_size(batch_size):
    model = gn.Sequential([Dense(1)], seed=0)
    model.compile(loss="mse", optimizer="sgd")
    model.build((2,))
    with pytest.raises(ValueError, match=f"batch_size must be >= 1, got {batch_size}"):
        model.evaluate(np.ones((4, 2)), np.ones(4), batch_size=batch_size)


def test_predict_checks_batch_size():
    model = gn.Sequential([Dense(1)], seed=0)
    model.build((2,))
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        model.predict(np.ones((4, 2)), batch_size=0)


def test_evaluate_regression_metrics():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    model = gn.Sequential([Dense(2)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer="sgd", metrics=["mse", "mae"])
    model.build((3,))
    result = model.evaluate(X, y)
    assert set(result) == {"loss", "mse", "mae"}
    err = model.predict(X) - y
    assert result["mse"] == pytest.approx(np.mean(err**2), rel=1e-12)
    assert result["loss"] == pytest.approx(np.mean(err**2), rel=1e-12)
    assert result["mae"] == pytest.approx(np.mean(np.abs(err)), rel=1e-12)


# ----------------------------------------------------------------------------- determinism


def _train(seed, fit_seed=0):
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    model = gn.Sequential([Dense(6, "relu"), Dropout(0.3), Dense(1, "sigmoid")], seed=seed)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.Adam(lr=0.01),
                  metrics=["accuracy"])
    history = model.fit(X, y, epochs=4, batch_size=8, seed=fit_seed, verbose=0)
    return model, history, model.predict(X)


def test_same_seed_same_weights_predictions_and_history():
    m1, h1, p1 = _train(seed=7)
    m2, h2, p2 = _train(seed=7)
    for a, b in zip(m1.get_weights(), m2.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(p1, p2)
    assert h1.history == h2.history


def test_different_seeds_give_different_models():
    first = gn.Sequential([Dense(4, "tanh")], seed=1)
    second = gn.Sequential([Dense(4, "tanh")], seed=2)
    again = gn.Sequential([Dense(4, "tanh")], seed=1)
    for model in (first, second, again):
        model.build((3,))
    assert not np.array_equal(first.get_weights()[0], second.get_weights()[0])
    np.testing.assert_array_equal(first.get_weights()[0], again.get_weights()[0])
    m1, h1, p1 = _train(seed=7)
    m2, h2, p2 = _train(seed=8)
    assert not np.array_equal(p1, p2)
    assert h1.history["loss"] != h2.history["loss"]


# ----------------------------------------------------------------------------- input errors


@pytest.fixture
def binary_model():
    model = gn.Sequential([Dense(4, "tanh"), Dense(1, "sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    return model


@pytest.fixture
def softmax_model():
    model = gn.Sequential([Dense(4, "tanh"), Dense(3, "softmax")], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    return model


@pytest.mark.parametrize("bad, count", [(np.nan, "1 NaN and 0 infinite"),
                                        (np.inf, "0 NaN and 1 infinite")])
def test_non_finite_X_is_refused(binary_model, bad, count):
    X = np.ones((5, 2))
    X[2, 1] = bad
    with pytest.raises(ValueError, match=f"X must be finite, got {count}"):
        binary_model.compute_gradients(X, np.zeros(5))
    binary_model.build((2,))
    with pytest.raises(ValueError, match="X must be finite"):
        binary_model.predict(X)


def test_non_finite_targets_are_refused():
    model = gn.Sequential([Dense(2)], seed=0)
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="y must be finite"):
        model.compute_gradients(np.ones((3, 2)), np.array([[0, 1], [np.nan, 1], [0, 0]]))


def test_length_mismatch(binary_model):
    with pytest.raises(ValueError, match="X and y must have the same number of samples, "
                                         "got 5 and 4"):
        binary_model.compute_gradients(np.ones((5, 2)), np.zeros(4))


def test_one_dimensional_X(binary_model):
    with pytest.raises(ValueError, match=r"X must be 2-D, got 1-D array of shape \(5,\).*reshape"):
        binary_model.compute_gradients(np.ones(5), np.zeros(5))


def test_labels_outside_0_1_for_a_sigmoid_head(binary_model):
    with pytest.raises(ValueError, match=r"y must hold only 0 and 1 .* got values such as \[2"):
        binary_model.compute_gradients(np.ones((3, 2)), np.array([0, 1, 2]))


def test_binary_targets_with_two_columns(binary_model):
    with pytest.raises(ValueError, match=r"shape \(n,\) or \(n, 1\).*got \(3, 2\)"):
        binary_model.compute_gradients(np.ones((3, 2)), np.zeros((3, 2)))


def test_binary_crossentropy_needs_one_output_unit(softmax_model):
    softmax_model.compile(loss="binary_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match="1 output unit, got 3"):
        softmax_model.compute_gradients(np.ones((3, 2)), np.zeros(3))


def test_label_beyond_the_output_units(softmax_model):
    with pytest.raises(ValueError, match="class label 3 but the network has only 3 output units"):
        softmax_model.compute_gradients(np.ones((4, 2)), np.array([0, 1, 2, 3]))


def test_negative_or_fractional_labels(softmax_model):
    with pytest.raises(ValueError, match="non-negative class labels, got minimum -1"):
        softmax_model.compute_gradients(np.ones((2, 2)), np.array([0, -1]))
    with pytest.raises(ValueError, match="whole-number class labels"):
        softmax_model.compute_gradients(np.ones((2, 2)), np.array([0.0, 1.5]))


def test_one_hot_rows_must_sum_to_one(softmax_model):
    y = np.array([[1, 0, 0], [0, 1, 1.0]])
    with pytest.raises(ValueError, match="one-hot rows must be non-negative and sum to 1"):
        softmax_model.compute_gradients(np.ones((2, 2)), y)
    with pytest.raises(ValueError, match=r"3 columns .* got shape \(2, 2\)"):
        softmax_model.compute_gradients(np.ones((2, 2)), np.eye(2))


def test_wrong_feature_count_at_predict(softmax_model):
    softmax_model.build((2,))
    with pytest.raises(ValueError, match=r"X must have 2 features .* got 3 \(shape \(4, 3\)\)"):
        softmax_model.predict(np.ones((4, 3)))


def test_predict_builds_an_unbuilt_model_from_X_as_keras():
    model = gn.Sequential([Dense(2)], seed=0)
    out = model.predict(np.ones((2, 3)))
    assert model.built and model.input_shape == (3,) and out.shape == (2, 2)
    np.testing.assert_array_equal(model(np.ones((2, 3))), out)       # model(X) is predict(X)
    with pytest.raises(ValueError, match="not compiled"):
        gn.Sequential([Dense(2)]).evaluate(np.ones((2, 3)), np.ones((2, 2)))


def test_not_compiled():
    model = gn.Sequential([Dense(2)])
    with pytest.raises(ValueError, match=r"not compiled; call model.compile"):
        model.compute_gradients(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="not compiled"):
        model.fit(np.ones((2, 3)), np.ones((2, 2)), verbose=0)


def test_unknown_names_list_the_valid_ones():
    model = gn.Sequential([Dense(2)])
    with pytest.raises(ValueError, match="unknown loss 'hinge'; valid names are: "
                                         "binary_crossentropy, categorical_crossentropy, mse"):
        model.compile(loss="hinge")
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'; valid names are: "
                                         "sgd, adam, rmsprop, adagrad"):
        model.compile(loss="mse", optimizer="adamw")
    with pytest.raises(ValueError, match="unknown metric 'auc'; valid names are: accuracy"):
        model.compile(loss="mse", metrics=["auc"])
    with pytest.raises(ValueError, match="unknown activation 'swish'; valid names are: linear, "
                                         "sigmoid, tanh, relu, leaky_relu, softmax"):
        Dense(2, activation="swish")
    with pytest.raises(ValueError, match="unknown kernel_initializer 'xavier'; valid names are: "
                                         "zeros, normal, small_normal, glorot_uniform"):
        Dense(2, kernel_initializer="xavier")


def test_constructor_argument_errors():
    with pytest.raises(TypeError, match="glassnet Layer objects, got str"):
        gn.Sequential(["dense"])
    with pytest.raises(TypeError, match="dtype must be np.float32 or np.float64"):
        gn.Sequential([Dense(2)], dtype=np.int32)
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        gn.Sequential([Dense(2)], seed=-1)
    with pytest.raises(ValueError, match="no layers"):
        gn.Sequential([]).build((3,))
