"""SoftmaxRegression against scikit-learn's multinomial model, PyTorch's SGD and the binary case."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from glassnet.linear import LogisticRegression, NotFittedError, SoftmaxRegression


def multiclass_data(n=300, n_features=4, k=3, seed=0):
    """Standardised Gaussian clusters that overlap: no class is separable."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, n_features))
    y = rng.integers(0, k, n)
    X = centers[y] + rng.normal(size=(n, n_features))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y


def sklearn_fit(X, y, C=np.inf):
    return SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)


@pytest.mark.parametrize("seed, k", [(0, 3), (1, 4)])
def test_unpenalised_matches_sklearn_multinomial(seed, k):
    X, y = multiclass_data(k=k, seed=seed)
    ref = sklearn_fit(X, y)
    ours = SoftmaxRegression(lr=1.0, epochs=5000).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape == (k, X.shape[1])
    assert ours.intercept_.shape == ref.intercept_.shape == (k,)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=2e-3)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=2e-3)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    # the over-parameterised model keeps the centred solution: weights sum to zero over classes
    np.testing.assert_allclose(ours.coef_.sum(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ours.intercept_.sum(), 0.0, atol=1e-12)


@pytest.mark.parametrize("l2", [0.005, 0.1])
def test_l2_matches_sklearn_with_c_equal_one_over_2_l2_n(l2):
    X, y = multiclass_data(seed=2)
    ref = sklearn_fit(X, y, C=1.0 / (2.0 * l2 * len(X)))
    ours = SoftmaxRegression(lr=1.0, epochs=5000, l2=l2).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)


def test_trajectory_equals_torch_sgd():
    torch = pytest.importorskip("torch")
    X, y = multiclass_data(n=90, n_features=3, k=3, seed=3)
    lr, epochs, l2 = 0.8, 20, 0.02
    ours = SoftmaxRegression(lr=lr, epochs=epochs, l2=l2, tol=0.0).fit(X, y)
    layer = torch.nn.Linear(3, 3, dtype=torch.float64)
    torch.nn.init.zeros_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    opt = torch.optim.SGD([{"params": [layer.weight], "weight_decay": 2 * l2},
                           {"params": [layer.bias], "weight_decay": 0.0}], lr=lr)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    losses = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(layer(Xt), yt)
        losses.append(loss.item() + l2 * float((layer.weight.detach() ** 2).sum()))
        loss.backward()
        opt.step()
    np.testing.assert_allclose(ours.loss_curve_, losses, rtol=1e-12)
    np.testing.assert_allclose(ours.coef_, layer.weight.detach().numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ours.intercept_, layer.bias.detach().numpy(), rtol=1e-10,
                               atol=1e-14)


def test_two_classes_reduce_to_logistic_regression():
    # softmax with k = 2 and centred weights (−v, v) gives P(1) = σ(2·v·x): logistic w = 2v
    X, y = multiclass_data(k=2, seed=4)
    soft = SoftmaxRegression(lr=1.0, epochs=5000).fit(X, y)
    logi = LogisticRegression(lr=2.0, epochs=5000).fit(X, y)
    np.testing.assert_allclose(soft.coef_[1] - soft.coef_[0], logi.coef_[0], atol=1e-5)
    np.testing.assert_allclose(soft.predict_proba(X), logi.predict_proba(X), atol=1e-6)


def test_probabilities_sum_to_one_even_for_huge_inputs():
    X, y = multiclass_data(seed=5)
    model = SoftmaxRegression(lr=1.0, epochs=200).fit(X, y)
    for scale in (1.0, 1e8):
        proba = model.predict_proba(X * scale)
        assert proba.shape == (len(X), 3)
        assert np.isfinite(proba).all() and (proba >= 0).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    np.testing.assert_array_equal(model.decision_function(X).argmax(axis=1),
                                  model.predict_proba(X).argmax(axis=1))


def test_string_labels_round_trip_and_one_hot_targets():
    X, y = multiclass_data(seed=6)
    names = np.array(["setosa", "versicolor", "virginica"])
    by_name = SoftmaxRegression(lr=1.0, epochs=300).fit(X, names[y])
    by_int = SoftmaxRegression(lr=1.0, epochs=300).fit(X, y)
    by_onehot = SoftmaxRegression(lr=1.0, epochs=300).fit(X, np.eye(3)[y])
    np.testing.assert_array_equal(by_name.classes_, names)
    np.testing.assert_array_equal(by_onehot.classes_, [0, 1, 2])
    np.testing.assert_array_equal(by_name.coef_, by_int.coef_)
    np.testing.assert_array_equal(by_onehot.coef_, by_int.coef_)
    np.testing.assert_array_equal(by_name.predict(X), names[by_int.predict(X)])
    assert by_name.score(X, names[y]) == by_int.score(X, y)


def test_labels_need_not_be_contiguous():
    X, y = multiclass_data(seed=7)
    labels = np.array([10, 20, 50])
    model = SoftmaxRegression(lr=1.0, epochs=300).fit(X, labels[y])
    ref = SoftmaxRegression(lr=1.0, epochs=300).fit(X, y)
    np.testing.assert_array_equal(model.classes_, labels)
    np.testing.assert_array_equal(model.predict(X), labels[ref.predict(X)])


def test_deterministic():
    X, y = multiclass_data(seed=8)
    a = SoftmaxRegression(lr=0.5, epochs=100, seed=1).fit(X, y)
    b = SoftmaxRegression(lr=0.5, epochs=100, seed=1).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    # a random start is centred over classes too
    np.testing.assert_allclose(a.coef_.sum(axis=0), 0.0, atol=1e-12)
    zero = SoftmaxRegression(lr=0.5, epochs=100).fit(X, y)
    assert zero.loss_curve_[0] == pytest.approx(np.log(3.0))


def test_errors():
    X, y = multiclass_data(n=30)
    with pytest.raises(NotFittedError, match=r"This SoftmaxRegression is not fitted yet; "
                                             r"call fit\(X, y\) first"):
        SoftmaxRegression().predict(X)
    with pytest.raises(ValueError, match="at least two classes, got only one"):
        SoftmaxRegression().fit(X, np.zeros(30, dtype=int))
    with pytest.raises(ValueError, match="must be one-hot"):
        SoftmaxRegression().fit(X, np.full((30, 3), 1 / 3))
    with pytest.raises(ValueError, match="lr must be > 0"):
        SoftmaxRegression(lr=0.0).fit(X, y)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        SoftmaxRegression(epochs=-5).fit(X, y)
    with pytest.raises(ValueError, match="X must be 2-D"):
        SoftmaxRegression().fit(X[:, 0], y)
    model = SoftmaxRegression(epochs=3).fit(X, y)
    with pytest.raises(ValueError, match="X has 5 features, but SoftmaxRegression was fitted "
                                         "with 4 features"):
        model.predict_proba(np.zeros((2, 5)))
