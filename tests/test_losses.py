"""Losses: values and gradients against PyTorch, fused heads for extreme logits, target checks."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from glassnet import activations, losses

EXTREME = np.array([-1e4, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e4])


def binary(seed=0, n=9):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=3, size=(n, 1)), rng.integers(0, 2, (n, 1)).astype(np.float64)


def multi(seed=0, n=8, k=4):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=3, size=(n, k)), rng.integers(0, k, n)


# ----------------------------------------------------------------------------- fused forms


def test_bce_with_logits_matches_pytorch():
    z, y = binary()
    ref = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y)).item()
    assert losses.bce_with_logits(z, y) == pytest.approx(ref, rel=1e-14)


def test_bce_with_extreme_logits_is_finite_and_exact():
    z = EXTREME.reshape(-1, 1)
    for target in (0.0, 1.0):
        y = np.full_like(z, target)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = losses.bce_with_logits(z, y)
        ref = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y)).item()
        assert np.isfinite(value) and value == pytest.approx(ref, rel=1e-14)
    # one sample: a confident wrong answer costs |z|, a confident right one costs e^-|z|
    assert losses.bce_with_logits(np.array([[1e4]]), np.array([[0.0]])) == 1e4
    assert losses.bce_with_logits(np.array([[-1e4]]), np.array([[1.0]])) == 1e4
    assert losses.bce_with_logits(np.array([[1e4]]), np.array([[1.0]])) == 0.0
    assert losses.bce_with_logits(np.array([[40.0]]), np.array([[1.0]])) == pytest.approx(
        np.exp(-40.0), rel=1e-12)


@pytest.mark.parametrize("dtype, rel", [(np.float64, 1e-13), (np.float32, 1e-6)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bce_from_the_sigmoid_output_matches_pytorch(seed, dtype, rel):
    """The shortcut ``z·(1 − y) − log σ(z)`` (the sigmoid output given) is the same loss."""
    z, y = binary(seed, n=400)
    z, y = (z * 4).astype(dtype), y.astype(dtype)
    a = activations.sigmoid(z)
    ref = F.binary_cross_entropy_with_logits(torch.tensor(z, dtype=torch.float64),
                                             torch.tensor(y, dtype=torch.float64)).item()
    assert losses.bce_with_logits(z, y, a) == pytest.approx(ref, rel=rel)
    assert losses.bce_with_logits(z, y, a) == pytest.approx(losses.bce_with_logits(z, y),
                                                            rel=rel)


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_bce_from_an_underflowed_sigmoid_uses_the_logits(target):
    z = EXTREME.reshape(-1, 1)
    y = np.full_like(z, target)
    a = activations.sigmoid(z.copy())
    assert a.min() == 0.0                        # σ(−1e4) underflows: log a would be −inf
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert losses.bce_with_logits(z, y, a) == losses.bce_with_logits(z, y)


@pytest.mark.parametrize("one_hot", [False, True])
def test_cce_with_logits_matches_pytorch(one_hot):
    z, labels = multi()
    y = np.eye(4)[labels] if one_hot else labels
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(y)).item()
    assert losses.cce_with_logits(z, y) == pytest.approx(ref, rel=1e-14)


def test_cce_with_extreme_logits_is_finite_and_exact():
    z = np.array([[1e4, 0.0, -1e4], [1e4, 0.0, -1e4], [-1e6, 1e6, 0.0], [5.0, 5.0, 5.0]])
    y = np.array([0, 2, 0, 1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = losses.cce_with_logits(z, y)
    expected = (0.0 + 2e4 + 2e6 + np.log(3)) / 4
    assert value == pytest.approx(expected, rel=1e-14)
    assert value == pytest.approx(F.cross_entropy(torch.tensor(z), torch.tensor(y)).item(),
                                  rel=1e-14)


@pytest.mark.parametrize("kind", ["sigmoid", "softmax-labels", "softmax-one-hot"])
def test_head_gradient_is_the_gradient_of_the_logit_loss(kind):
    if kind == "sigmoid":
        z, y = binary(1)
        zt = torch.tensor(z, requires_grad=True)
        F.binary_cross_entropy_with_logits(zt, torch.tensor(y)).backward()
        a = 1 / (1 + np.exp(-z))
    else:
        z, labels = multi(1)
        y = labels if kind == "softmax-labels" else np.eye(4)[labels]
        zt = torch.tensor(z, requires_grad=True)
        F.cross_entropy(zt, torch.tensor(y)).backward()
        a = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(losses.head_gradient(a, y), zt.grad.numpy(), rtol=1e-12,
                               atol=1e-16)


def test_head_gradient_does_not_modify_its_inputs():
    a = np.full((3, 2), 0.5)
    y = np.array([0, 1, 1])
    losses.head_gradient(a, y)
    np.testing.assert_array_equal(a, 0.5)


# ----------------------------------------------------------------------------- loss objects


def test_binary_crossentropy_object_on_probabilities():
    z, y = binary(2)
    a = 1 / (1 + np.exp(-z))
    loss = losses.get("binary_crossentropy")
    at = torch.tensor(a, requires_grad=True)
    ref = F.binary_cross_entropy(at, torch.tensor(y))
    ref.backward()
    assert loss.value(a, y) == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(a, y), at.grad.numpy(), rtol=1e-10)
    assert loss.value_from_logits(z, y) == pytest.approx(ref.item(), rel=1e-12)


@pytest.mark.parametrize("one_hot", [False, True])
def test_categorical_crossentropy_object_on_probabilities(one_hot):
    z, labels = multi(3)
    a = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = np.eye(4)[labels] if one_hot else labels
    at = torch.tensor(a, requires_grad=True)
    ref = F.nll_loss(torch.log(at), torch.tensor(labels))
    ref.backward()
    loss = losses.get("categorical_crossentropy")
    assert loss.value(a, y) == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(a, y), at.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("k", [1, 3])
def test_mse_object(k):
    rng = np.random.default_rng(4)
    a, y = rng.normal(size=(6, k)), rng.normal(size=(6, k))
    at = torch.tensor(a, requires_grad=True)
    ref = F.mse_loss(at, torch.tensor(y))
    ref.backward()
    loss = losses.get("mse")
    assert loss.value(a, y) == pytest.approx(ref.item(), rel=1e-13)
    np.testing.assert_allclose(loss.gradient(a, y), at.grad.numpy(), rtol=1e-13)


def test_saturated_probabilities_give_finite_losses():
    a = np.array([[0.0], [1.0], [1.0]])
    y = np.array([[1.0], [0.0], [1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        bce = losses.get("binary_crossentropy")
        assert np.isfinite(bce.value(a, y)) and np.isfinite(bce.gradient(a, y)).all()
        cce = losses.get("categorical_crossentropy")
        p = np.array([[1.0, 0.0], [0.0, 1.0]])
        assert np.isfinite(cce.value(p, np.array([1, 1])))
        assert np.isfinite(cce.gradient(p, np.array([1, 1]))).all()


# ----------------------------------------------------------------------------- targets


def test_check_targets_converts_once():
    bce = losses.get("binary_crossentropy")
    out = bce.check_targets([0, 1, 1], 1, np.float32)
    assert out.shape == (3, 1) and out.dtype == np.float32
    assert bce.check_targets(np.array([[0], [1]]), 1, np.float64).shape == (2, 1)
    cce = losses.get("categorical_crossentropy")
    labels = cce.check_targets(np.array([0.0, 2.0]), 3, np.float32)
    assert labels.dtype == np.int64 and labels.tolist() == [0, 2]
    assert cce.check_targets(np.eye(3), 3, np.float64).dtype == np.float64
    assert losses.get("mse").check_targets([1.5, 2.5], 1, np.float64).shape == (2, 1)


@pytest.mark.parametrize("loss, y, n_out, error, match", [
    ("binary_crossentropy", [0, 1, 2], 1, ValueError, r"hold only 0 and 1 .*such as \[2\.0\]"),
    ("binary_crossentropy", [0.5, 1], 1, ValueError, "hold only 0 and 1"),
    ("binary_crossentropy", [0, 1], 2, ValueError, "1 output unit, got 2"),
    ("binary_crossentropy", np.zeros((2, 2)), 1, ValueError, r"\(n,\) or \(n, 1\)"),
    ("binary_crossentropy", ["a", "b"], 1, TypeError, "must hold numbers"),
    ("categorical_crossentropy", [0, 4], 4, ValueError, "class label 4 but the network has only 4"),
    ("categorical_crossentropy", [0, -1], 4, ValueError, "non-negative"),
    ("categorical_crossentropy", [0.5, 1], 4, ValueError, "whole-number"),
    ("categorical_crossentropy", [[0.5, 0.6], [1, 0]], 2, ValueError, "sum to 1"),
    ("categorical_crossentropy", [[1.5, -0.5], [1, 0]], 2, ValueError, "non-negative and sum"),
    ("categorical_crossentropy", np.eye(3), 4, ValueError, r"4 columns .* got shape \(3, 3\)"),
    ("categorical_crossentropy", np.zeros((2, 2, 2)), 2, ValueError, "must be 2-D"),
    ("mse", [1.0, 2.0], 2, ValueError, r"shape \(n, 2\) for a network with 2 outputs"),
    ("mse", np.zeros((2, 3)), 2, ValueError, r"shape \(n, 2\), got \(2, 3\)"),
    ("mse", [1.0, np.inf], 1, ValueError, "y must be finite"),
])
def test_bad_targets(loss, y, n_out, error, match):
    with pytest.raises(error, match=match):
        losses.get(loss).check_targets(y, n_out, np.float64)


def test_registry():
    assert losses.names() == ["binary_crossentropy", "categorical_crossentropy", "mse"]
    assert isinstance(losses.get("BCE"), losses.BinaryCrossentropy)
    assert isinstance(losses.get("sparse_categorical_crossentropy"),
                      losses.CategoricalCrossentropy)
    assert isinstance(losses.get("mean_squared_error"), losses.MeanSquaredError)
    mse = losses.MeanSquaredError()
    assert losses.get(mse) is mse
    assert losses.get("binary_crossentropy").head == "sigmoid"
    assert losses.get("categorical_crossentropy").head == "softmax"
    assert losses.get("mse").head is None
    with pytest.raises(ValueError, match="unknown loss 'hinge'; valid names are: "
                                         "binary_crossentropy, categorical_crossentropy, mse"):
        losses.get("hinge")
    with pytest.raises(TypeError, match="loss must be a string name or a Loss, got int"):
        losses.get(1)
