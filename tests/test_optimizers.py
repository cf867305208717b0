"""Every optimizer against ``torch.optim`` in float64: single arrays and whole networks."""

import numpy as np
import pytest
import torch

import glassnet as gn
from glassnet import optimizers
from glassnet.layers import Dense

# id -> (glassnet optimizer, torch optimizer factory)
CASES = {
    "sgd": (lambda: optimizers.SGD(lr=0.1),
            lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd-momentum": (lambda: optimizers.SGD(lr=0.05, momentum=0.9),
                     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "sgd-nesterov": (lambda: optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True),
                     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    "adam": (lambda: optimizers.Adam(),
             lambda p: torch.optim.Adam(p)),
    "adam-custom": (lambda: optimizers.Adam(lr=0.02, beta1=0.8, beta2=0.95, eps=1e-6),
                    lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.95), eps=1e-6)),
    "rmsprop": (lambda: optimizers.RMSprop(),
                lambda p: torch.optim.RMSprop(p)),
    "rmsprop-custom": (lambda: optimizers.RMSprop(lr=0.003, rho=0.9, eps=1e-6),
                       lambda p: torch.optim.RMSprop(p, lr=0.003, alpha=0.9, eps=1e-6)),
    "adagrad": (lambda: optimizers.Adagrad(),
                lambda p: torch.optim.Adagrad(p)),
    "adagrad-custom": (lambda: optimizers.Adagrad(lr=0.5, eps=1e-7),
                       lambda p: torch.optim.Adagrad(p, lr=0.5, eps=1e-7)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_steps_match_torch_optim(case):
    make_ours, make_torch = CASES[case]
    rng = np.random.default_rng(0)
    ours = [rng.normal(size=(3, 4)), rng.normal(size=(5,))]
    leaves = [torch.tensor(p.copy(), requires_grad=True) for p in ours]
    opt, ref = make_ours(), make_torch(leaves)
    for _ in range(10):
        grads = [rng.normal(size=p.shape) * rng.uniform(0.01, 3.0) for p in ours]
        opt.step(ours, grads)
        for leaf, g in zip(leaves, grads, strict=True):
            leaf.grad = torch.tensor(g)
        ref.step()
        for p, leaf in zip(ours, leaves, strict=True):
            np.testing.assert_allclose(p, leaf.detach().numpy(), rtol=1e-12, atol=1e-15)
    assert opt.iterations == 10


@pytest.mark.parametrize("case", list(CASES))
def test_network_training_matches_a_torch_loop(case, torch_mirror):
    make_ours, make_torch = CASES[case]
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(24, 3)), rng.integers(0, 3, 24)
    model = gn.Sequential([Dense(6, "tanh"), Dense(3, "softmax")], seed=2, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer=make_ours())
    model.build((3,))
    mirror = torch_mirror(model)
    ref = make_torch(mirror.parameters())
    losses = []
    for _ in range(8):
        ref.zero_grad()
        loss = mirror.loss(X, y)
        loss.backward()
        ref.step()
        losses.append(loss.item())
    history = model.fit(X, y, epochs=8, batch_size=None, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-12)
    for w, r in zip(model.get_weights(), mirror.weights(), strict=True):
        np.testing.assert_allclose(w, r, rtol=1e-10, atol=1e-13)
    assert model.optimizer.iterations == 8


def test_regularised_network_training_matches_torch(torch_mirror):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    model = gn.Sequential([Dense(5, "relu", l1=0.01, l2=0.02), Dense(2, l2=0.1)], seed=0,
                          dtype=np.float64)
    model.compile(loss="mse", optimizer=optimizers.Adam(lr=0.05))
    model.build((3,))
    mirror = torch_mirror(model)
    ref = torch.optim.Adam(mirror.parameters(), lr=0.05)
    for _ in range(6):
        ref.zero_grad()
        mirror.loss(X, y).backward()
        ref.step()
    model.fit(X, y, epochs=6, verbose=0)
    for w, r in zip(model.get_weights(), mirror.weights(), strict=True):
        np.testing.assert_allclose(w, r, rtol=1e-10, atol=1e-13)


def test_changing_the_learning_rate_takes_effect_at_the_next_step():
    rng = np.random.default_rng(3)
    p = rng.normal(size=4)
    leaf = torch.tensor(p.copy(), requires_grad=True)
    opt, ref = optimizers.Adam(lr=0.1), torch.optim.Adam([leaf], lr=0.1)
    for lr in (0.1, 0.01, 0.3):
        opt.lr = lr
        ref.param_groups[0]["lr"] = lr
        g = rng.normal(size=4)
        opt.step([p], [g])
        leaf.grad = torch.tensor(g)
        ref.step()
    np.testing.assert_allclose(p, leaf.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("case", ["sgd-momentum", "adam", "rmsprop", "adagrad"])
def test_state_arrays_restore_the_optimizer(case):
    make_ours, _ = CASES[case]
    rng = np.random.default_rng(4)
    p = rng.normal(size=6)
    grads = [rng.normal(size=6) for _ in range(6)]
    straight = make_ours()
    q = p.copy()
    for g in grads:
        straight.step([q], [g])
    first, r = make_ours(), p.copy()
    for g in grads[:3]:
        first.step([r], [g])
    state = {k: v.copy() for k, v in first.state_arrays().items()}
    assert all(not k.split("/")[1].startswith("_") for k in state)        # no scratch buffers
    second = make_ours()
    second.load_state_arrays(state, first.iterations)
    for g in grads[3:]:
        second.step([r], [g])
    np.testing.assert_array_equal(q, r)


def test_float32_arrays_stay_float32():
    p = np.ones(3, dtype=np.float32)
    for make_ours, _ in CASES.values():
        opt = make_ours()
        opt.step([p], [np.full(3, 0.5, dtype=np.float32)])
        assert p.dtype == np.float32 and np.isfinite(p).all()


def test_registry_and_config():
    assert optimizers.names() == ["sgd", "adam", "rmsprop", "adagrad"]
    adam = optimizers.get("ADAM", lr=0.5)
    assert isinstance(adam, optimizers.Adam) and adam.lr == 0.5
    assert optimizers.get(adam) is adam
    assert optimizers.get("sgd").lr == 0.01
    assert optimizers.RMSprop().get_config() == {"lr": 1e-2, "rho": 0.99, "eps": 1e-8}
    assert optimizers.Adagrad().get_config() == {"lr": 1e-2, "eps": 1e-10}
    assert optimizers.Adam().get_config() == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999,
                                              "eps": 1e-8}
    sgd = optimizers.SGD(lr=0.2, momentum=0.5, nesterov=True)
    assert optimizers.from_config("SGD", sgd.get_config()).get_config() == sgd.get_config()
    assert repr(sgd) == "SGD(lr=0.2, momentum=0.5, nesterov=True)"
    with pytest.raises(ValueError, match="unknown optimizer class 'Lion'; known: SGD, Adam"):
        optimizers.from_config("Lion", {})


@pytest.mark.parametrize("make, error, match", [
    (lambda: optimizers.SGD(lr=0.0), ValueError, "lr must be > 0.0, got 0.0"),
    (lambda: optimizers.Adam(lr=-1e-3), ValueError, "lr must be > 0.0, got -0.001"),
    (lambda: optimizers.RMSprop(lr=float("nan")), ValueError, "lr must be finite"),
    (lambda: optimizers.Adagrad(lr="0.1"), TypeError, "lr must be a real number, got str"),
    (lambda: optimizers.SGD(lr=0.1, momentum=1.0), ValueError, "momentum must be < 1.0"),
    (lambda: optimizers.SGD(lr=0.1, nesterov=True), ValueError, "nesterov=True needs momentum"),
    (lambda: optimizers.SGD(lr=0.1, momentum=0.9, nesterov=1), TypeError,
     "nesterov must be a bool"),
    (lambda: optimizers.Adam(beta1=1.0), ValueError, "beta1 must be < 1.0"),
    (lambda: optimizers.Adam(beta2=-0.1), ValueError, "beta2 must be >= 0.0"),
    (lambda: optimizers.RMSprop(rho=1.5), ValueError, "rho must be < 1.0"),
    (lambda: optimizers.Adagrad(eps=-1.0), ValueError, "eps must be >= 0.0"),
    (lambda: optimizers.get("lbfgs"), ValueError, "unknown optimizer 'lbfgs'; valid names are: "
                                                  "sgd, adam, rmsprop, adagrad"),
    (lambda: optimizers.get(0.1), TypeError, "optimizer must be a string name or an Optimizer"),
])
def test_argument_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_step_needs_matching_lists():
    opt = optimizers.SGD(lr=0.1)
    with pytest.raises(ValueError, match="params and grads must be lists of the same length, "
                                         "got 2 and 1"):
        opt.step([np.ones(2), np.ones(2)], [np.ones(2)])
    assert opt.iterations == 0                       # a refused step counts for nothing
