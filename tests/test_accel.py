"""The numba kernels of ``glassnet.accel`` give the same bits as the NumPy reference."""

import contextlib
import os

import numpy as np
import pytest

import glassnet as gn
from glassnet import accel, optimizers
from glassnet.layers import Dense

pytest.importorskip("numba", reason="the accelerator is optional; CI installs numba")


@pytest.fixture(scope="module", autouse=True)
def kernels_loaded():
    """Every kernel loaded up front, so that the "fused" runs below use them from their first
    step (without this, small arrays never load them: see glassnet.accel)."""
    assert accel.load()

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
    monkeypatch.setattr(accel, "_ready", {})
    monkeypatch.setattr(accel, "unavailable_reason", None)
    assert not accel.available() and not accel.enabled()
    assert "numba cannot be imported" in accel.unavailable_reason
    p = np.ones(accel.MIN_SIZE, dtype=np.float32)
    monkeypatch.setattr(accel, "START_WORK", 1)
    assert accel.kernel("sgd", p, p) is None
    assert not accel.load(["sgd"], [np.float32])
    optimizers.Adam(lr=0.1).step([p], [np.full(p.size, 2.0, dtype=np.float32)])
    np.testing.assert_allclose(p, 0.9, rtol=1e-6)


@pytest.mark.parametrize(("names", "dtypes", "error", "match"), [
    (["lbfgs"], None, ValueError, "names must be kernels of .* got 'lbfgs'"),
    (None, [np.int32], TypeError, "dtypes must be float32 or float64, got int32"),
])
def test_load_refuses_unknown_kernels_and_dtypes(names, dtypes, error, match):
    with pytest.raises(error, match=match):
        accel.load(names, dtypes)


def test_loaded_lists_the_kernels_ready_to_run():
    assert {("adam", "float32"), ("sgd", "float64")} <= set(accel.loaded())


def _run_child(code: str, accel_flag: str) -> str:
    import subprocess
    import sys

    env = {**os.environ, "GLASSNET_ACCEL": accel_flag}
    return subprocess.run([sys.executable, "-c", code], check=True, env=env,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]


def test_small_updates_never_import_numba():
    code = ("import sys, numpy as np, glassnet as gn; p = np.ones(3); "
            "[gn.optimizers.Adam().step([p], [p.copy()]) for _ in range(3)]; "
            "big = np.ones(gn.accel.MIN_SIZE - 1); gn.optimizers.SGD(lr=0.1).step([big], [big]); "
            "print('numba' in sys.modules)")
    assert _run_child(code, "1") == "False"


def test_large_updates_load_their_kernel_once_they_have_done_start_work():
    code = ("import sys, numpy as np, glassnet as gn; "
            "p = np.ones(gn.accel.MIN_SIZE); opt = gn.optimizers.SGD(lr=1e-9); "
            "steps = -(-gn.accel.START_WORK // p.size); "
            "[opt.step([p], [p.copy()]) for _ in range(steps - 1)]; "
            "assert 'numba' not in sys.modules and not gn.accel.loaded(); "
            "opt.step([p], [p.copy()]); "
            "print('numba' in sys.modules, ('sgd', 'float64') in gn.accel.loaded())")
    assert _run_child(code, "1") == "True True"
    assert _run_child(code, "0") == "False False"               # switched off: nothing loaded


def test_switching_to_the_kernel_during_training_gives_the_numpy_bits():
    # 784-64-10: 50 890 parameters. The first fit plans too few steps to repay the load (NumPy
    # path); the second, with the load made free, loads the kernel at its first step.
    code = ("import hashlib, numpy as np, glassnet as gn; L = gn.layers; "
            "rng = np.random.default_rng(0); X = rng.random((256, 784), dtype=np.float32); "
            "y = rng.integers(0, 10, 256); "
            "m = gn.Sequential([L.Dense(64, 'relu'), L.Dense(10, 'softmax')], seed=1); "
            "m.compile(loss='categorical_crossentropy', optimizer=gn.optimizers.Adam()); "
            "m.fit(X, y, epochs=1, batch_size=32, verbose=0, seed=0); "
            "assert not gn.accel.loaded(); gn.accel.LOAD_SECONDS = 0.0; "
            "m.fit(X, y, epochs=3, initial_epoch=1, batch_size=32, verbose=0, seed=0); "
            "h = hashlib.sha256(b''.join(w.tobytes() for w in m.get_weights())); "
            "print(h.hexdigest(), ('adam', 'float32') in gn.accel.loaded())")
    fused, reference = _run_child(code, "1").split(), _run_child(code, "0").split()
    assert fused[1] == "True" and reference[1] == "False"
    assert fused[0] == reference[0]


@pytest.mark.parametrize(("epochs", "loads"), [(1, False), (40, True)])
def test_fit_loads_the_kernel_at_its_first_step_only_when_its_planned_steps_repay_it(epochs,
                                                                                      loads):
    # 784-64-10 Adam, 8 steps an epoch: 0.4 ns × 50 890 × 8 × epochs against LOAD_SECONDS
    # lowered to 5 ms: 1 epoch (0.16 ms) does not repay it, 40 epochs (6.5 ms) do. START_WORK
    # (the rule outside fit) is lowered to one step and must not matter inside fit.
    code = ("import sys, numpy as np, glassnet as gn; L = gn.layers\n"
            "gn.accel.LOAD_SECONDS = 0.005; gn.accel.START_WORK = 1; seen = []\n"
            "class Seen(gn.callbacks.Callback):\n"
            "    def on_train_batch_end(self, batch, logs=None):\n"
            "        seen.append(bool(gn.accel.loaded()))\n"
            "rng = np.random.default_rng(0); X = rng.random((256, 784), dtype=np.float32)\n"
            "y = rng.integers(0, 10, 256)\n"
            "m = gn.Sequential([L.Dense(64, 'relu'), L.Dense(10, 'softmax')], seed=1)\n"
            "m.compile(loss='categorical_crossentropy', optimizer=gn.optimizers.Adam())\n"
            f"m.fit(X, y, epochs={epochs}, batch_size=32, verbose=0, seed=0, callbacks=[Seen()])\n"
            "print('numba' in sys.modules, all(seen) if seen[0] else any(seen), "
            "gn.accel.planned_steps())")
    assert _run_child(code, "1") == f"{loads} {loads} None"


def test_planning_is_a_context_that_restores_the_outer_plan():
    assert accel.planned_steps() is None and accel.repays(1.0) is None
    run = accel.planned_run()
    with accel.planning(10):
        assert accel.planned_run() == run + 1
        assert accel.planned_steps() == 10
        assert accel.repays(accel.LOAD_SECONDS / 5) and not accel.repays(accel.LOAD_SECONDS / 20)
        with accel.planning(3):
            assert accel.planned_steps() == 3
        assert accel.planned_steps() == 10
    assert accel.planned_steps() is None
