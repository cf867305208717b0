"""The numba kernels of ``glassnet.accel`` give the same bits as the NumPy reference."""

import contextlib
import os

import numpy as np
import pytest

import glassnet as gn
from glassnet import accel, optimizers
from glassnet.layers import Dense

pytest.importorskip("numba", reason="the accelerator is optional; CI installs numba")

OPTIMIZERS = {
    "sgd": lambda: optimizers.SGD(lr=0.1),
    "sgd-momentum": lambda: optimizers.SGD(lr=0.05, momentum=0.9),
    "sgd-nesterov": lambda: optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True),
    "adam": lambda: optimizers.Adam(),
    "adam-custom": lambda: optimizers.Adam(lr=0.02, beta1=0.8, beta2=0.95, eps=1e-6),
    "rmsprop": lambda: optimizers.RMSprop(lr=0.003, rho=0.9),
    "adagrad": lambda: optimizers.Adagrad(lr=0.5, eps=1e-7),
}


@contextlib.contextmanager
def accelerated(flag: bool):
    """Run with the kernels on or off (whatever GLASSNET_ACCEL says), then restore."""
    before = accel.enabled()
    accel.set_enabled(flag)
    try:
        yield
    finally:
        accel.set_enabled(before)


def run_steps(make, dtype, fused: bool, n_steps: int = 12) -> tuple[np.ndarray, dict]:
    rng = np.random.default_rng(0)
    p = rng.normal(size=1000).astype(dtype)
    grads = [(rng.normal(size=1000) * rng.uniform(1e-3, 5.0)).astype(dtype)
             for _ in range(n_steps)]
    grads[3][::7] = 0.0                    # zero gradients: v = 0 must not give 0/0
    opt = make()
    with accelerated(fused):
        assert accel.enabled() is fused
        for g in grads:
            opt.step([p], [g])
    return p, opt.state_arrays()


def test_the_accelerator_can_be_switched_on_and_off():
    assert accel.available()
    with accelerated(True):
        assert accel.enabled()
        with accel.disabled():
            assert not accel.enabled()
        assert accel.enabled()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", list(OPTIMIZERS))
def test_fused_update_equals_numpy_reference_bit_for_bit(case, dtype):
    p_ref, state_ref = run_steps(OPTIMIZERS[case], dtype, fused=False)
    p_fused, state_fused = run_steps(OPTIMIZERS[case], dtype, fused=True)
    assert p_fused.dtype == dtype
    np.testing.assert_array_equal(p_fused, p_ref)
    assert state_fused.keys() == state_ref.keys()
    for key in state_ref:
        np.testing.assert_array_equal(state_fused[key], state_ref[key])


@pytest.mark.parametrize("case", ["adam", "sgd-momentum"])
def test_training_a_network_is_the_same_with_and_without_the_accelerator(case):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(64, 5)).astype(np.float32), rng.integers(0, 3, 64)

    def train():
        model = gn.Sequential([Dense(8, "relu"), Dense(3, "softmax")], seed=3)
        model.compile(loss="categorical_crossentropy", optimizer=OPTIMIZERS[case]())
        model.fit(X, y, epochs=3, batch_size=16, verbose=0, seed=0)
        return model.get_weights()

    with accelerated(True):
        fused = train()
    with accelerated(False):
        reference = train()
    for a, b in zip(fused, reference, strict=True):
        np.testing.assert_array_equal(a, b)


def test_arrays_the_kernels_cannot_take_use_the_reference_path():
    p = np.ones((4, 6), dtype=np.float32)[:, ::2]           # not contiguous
    g = np.full((4, 3), 0.5, dtype=np.float32)
    assert accel.kernel("sgd", p, g) is None
    assert accel.kernel("sgd", np.ones(3), np.ones(3, np.float32)) is None   # mixed dtypes
    with accelerated(True):
        assert accel.kernel("sgd", np.ones(3), np.ones(3)) is not None
    optimizers.SGD(lr=0.5).step([p], [g])
    np.testing.assert_array_equal(p, np.full((4, 3), 0.75, dtype=np.float32))


def test_set_enabled_needs_a_bool():
    with pytest.raises(TypeError, match="flag must be a bool, got int"):
        accel.set_enabled(1)


def test_without_numba_everything_runs_on_the_reference_path(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "numba", None)         # import numba -> ImportError
    monkeypatch.delitem(sys.modules, "glassnet._numba_updates", raising=False)
    monkeypatch.delattr(gn, "_numba_updates", raising=False)
    monkeypatch.setattr(accel, "_kernels", None)
    monkeypatch.setattr(accel, "unavailable_reason", None)
    assert not accel.available() and not accel.enabled()
    assert "numba cannot be imported" in accel.unavailable_reason
    p = np.ones(4, dtype=np.float32)
    assert accel.kernel("sgd", p, p) is None
    optimizers.Adam(lr=0.1).step([p], [np.full(4, 2.0, dtype=np.float32)])
    np.testing.assert_allclose(p, 0.9, rtol=1e-6)


def test_numba_is_imported_only_when_an_optimizer_first_steps():
    import subprocess
    import sys

    code = ("import sys, numpy as np, glassnet as gn; assert 'numba' not in sys.modules; "
            "p = np.ones(3); gn.optimizers.SGD(lr=0.1).step([p], [p.copy()]); "
            "assert 'numba' in sys.modules")
    env = {**os.environ, "GLASSNET_ACCEL": "1"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    env["GLASSNET_ACCEL"] = "0"                              # switched off: never imported
    subprocess.run([sys.executable, "-c", code.replace("'numba' in", "'numba' not in")],
                   check=True, env=env)
