"""The compiled kernels of the convolution and pooling layers (glassnet.conv.compiled) give the
NumPy reference's bits, NaN, ±inf and ±0 included, and load only where a run repays them."""

import contextlib
import os
import subprocess
import sys

import numpy as np
import pytest

import glassnet as gn
from glassnet import accel
from glassnet.conv import compiled
from glassnet.conv.im2col import col2im
from glassnet.conv.ops import conv_geometry
from glassnet.conv.pool_ops import like, tiled_max_pool_backward, tiled_max_pool_forward

pytest.importorskip("numba", reason="the compiled kernels are optional; CI installs numba")

DTYPES = [np.float32, np.float64]


@pytest.fixture(scope="module", autouse=True)
def kernels_loaded():
    assert compiled.load(), compiled.unavailable_reason


def kern(name, dtype):
    fn = compiled.kernel(name, dtype)
    assert fn is not None
    return fn


def same_bits(a, b):
    """Equal number for number, down to the sign of zeros and NaN where NaN."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_array_equal(a, b)                         # NaN == NaN here
    np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


def special(rng, shape, dtype, ties=True):
    """Normal numbers with NaN, ±inf, ±0 and (with ``ties``) many repeated values."""
    x = rng.normal(size=shape)
    if ties:
        x = np.round(x)                                         # -0.0 and 0.0 and ties
    flat = x.reshape(-1)
    k = flat.size
    idx = rng.permutation(k)
    flat[idx[: k // 40]] = np.nan
    flat[idx[k // 40: k // 20]] = np.inf
    flat[idx[k // 20: k // 15]] = -np.inf
    flat[idx[k // 15: k // 8]] = -0.0
    return x.astype(dtype)


def layouts(x):
    """``x`` C-contiguous, channel-first and batch-last (same values)."""
    return {"nchw": np.ascontiguousarray(x),
            "cnhw": np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3),
            "chwn": np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["nchw", "cnhw", "chwn"])
@pytest.mark.parametrize("pool, hw", [((2, 2), (6, 8)), ((2, 2), (7, 5)), ((3, 2), (9, 6)),
                                      ((1, 3), (4, 7)), ((1, 1), (3, 3)), ((2, 3), (4, 6))])
@pytest.mark.parametrize("values", ["normal", "special"])
def test_max_pool_kernels_give_the_reference_bits(dtype, layout, pool, hw, values):
    rng = np.random.default_rng([sum(hw), pool[0], pool[1], values == "special"])
    shape = (5, 3) + hw
    x0 = special(rng, shape, dtype) if values == "special" else rng.normal(size=shape).astype(
        dtype)
    x = layouts(x0)[layout]
    ref_out, row_max = tiled_max_pool_forward(x, pool)
    ho, wo = ref_out.shape[2:]
    out = like(x, ref_out.shape)
    mem_x, lay = compiled.memory_view(x)
    kern("max_pool_forward", dtype)(mem_x, compiled.memory_view(out)[0], *pool)
    same_bits(out, ref_out)
    grad0 = special(rng, ref_out.shape, dtype, ties=False) if values == "special" else \
        rng.normal(size=ref_out.shape).astype(dtype)
    grad = layouts(grad0)[layout]
    with np.errstate(invalid="ignore"):                         # inf · 0 in the reference
        ref_dx = tiled_max_pool_backward(grad, x, ref_out, row_max, pool)
    dx = like(x, x.shape)
    dx[...] = 0 if (ho * pool[0], wo * pool[1]) != hw else np.nan
    kern("max_pool_backward", dtype)(compiled.memory_view(grad)[0], mem_x,
                                     compiled.memory_view(out)[0],
                                     compiled.memory_view(dx)[0], *pool)
    same_bits(dx, ref_dx)


def test_signed_zeros_and_nan_in_one_window_are_ranked_as_numpy_does():
    cases = [[-0.0, 0.0, -0.0, 0.0], [0.0, -0.0, 0.0, -0.0], [np.nan, 1.0, 2.0, 3.0],
             [1.0, np.nan, 2.0, 3.0], [1.0, 2.0, np.nan, 3.0], [3.0, 3.0, 3.0, 3.0],
             [-np.inf, -np.inf, -np.inf, -np.inf], [np.nan, np.nan, 0.0, -0.0]]
    x = np.array(cases, dtype=np.float32).reshape(len(cases), 1, 2, 2)
    for arr in layouts(x).values():
        ref_out, row_max = tiled_max_pool_forward(arr, (2, 2))
        out = like(arr, ref_out.shape)
        kern("max_pool_forward", np.float32)(compiled.memory_view(arr)[0],
                                             compiled.memory_view(out)[0], 2, 2)
        same_bits(out, ref_out)
        grad = np.full(ref_out.shape, -2.5, np.float32)
        ref_dx = tiled_max_pool_backward(grad, arr, ref_out, row_max, (2, 2))
        dx = like(arr, arr.shape)
        kern("max_pool_backward", np.float32)(
            compiled.memory_view(grad)[0], compiled.memory_view(arr)[0],
            compiled.memory_view(out)[0], compiled.memory_view(dx)[0], 2, 2)
        same_bits(dx, ref_dx)


GEOMETRIES = [((3, 3), (1, 1), "same", (7, 6)), ((5, 5), (1, 1), "same", (6, 9)),
              ((3, 2), (2, 1), "valid", (8, 7)), ((4, 4), (3, 2), "same", (10, 7)),
              ((2, 3), (2, 3), "same", (5, 8)), ((1, 1), (1, 1), "valid", (3, 4))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_last", [False, True])
@pytest.mark.parametrize("kernel, stride, padding, hw", GEOMETRIES)
def test_col2im_kernel_gives_the_reference_bits(dtype, batch_last, kernel, stride, padding, hw):
    rng = np.random.default_rng([sum(hw), sum(kernel), batch_last])
    n, c = 4, 3
    (ho, wo), pads = conv_geometry(hw, kernel, stride, padding)
    dcols = rng.normal(size=(c * kernel[0] * kernel[1], n * ho * wo)).astype(dtype)
    dcols.reshape(-1)[::7] = -0.0
    ref = col2im(dcols, (n, c) + hw, kernel, stride, pads, batch_last=batch_last)
    base = np.full((c, hw[0], hw[1], n) if batch_last else (c, n) + hw, np.nan, dtype)
    out = base.transpose(3, 0, 1, 2) if batch_last else base.transpose(1, 0, 2, 3)
    got = compiled.col2im(kern("col2im", dtype), dcols, (n, c) + hw, kernel, stride, pads,
                          out=out, batch_last=batch_last)
    same_bits(got, ref)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_relu_and_relu_backward_give_the_reference_bits(dtype):
    rng = np.random.default_rng(7)
    z = special(rng, (6, 50), dtype)
    b = special(rng, (6,), dtype)
    b[:2] = [-0.0, 0.0]
    ref = z.copy()
    with np.errstate(invalid="ignore"):                         # inf − inf
        ref += b[:, None]
    np.maximum(ref, 0, out=ref)
    got = kern("bias_relu", dtype)(z.copy(), b)
    same_bits(got, ref)
    g = special(rng, (300,), dtype, ties=False)
    a = special(rng, (300,), dtype)
    out = np.full(300, np.nan, dtype)
    with np.errstate(invalid="ignore"):
        ref = np.multiply(g, a > 0)
    same_bits(kern("relu_backward", dtype)(g, a, out), ref)


def small_cnn(dtype, seed=0):
    L = gn.layers
    model = gn.Sequential([L.Conv2D(4, 3, padding="same", activation="relu"), L.MaxPool2D(2),
                           L.Conv2D(6, 3, padding="same", activation="relu"), L.MaxPool2D(2),
                           L.Flatten(), L.Dense(5, "softmax")], seed=seed, dtype=dtype)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(1e-2))
    return model


@pytest.mark.parametrize("dtype", DTYPES)
def test_training_a_cnn_gives_the_same_bits_with_and_without_the_kernels(dtype):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 1, 9, 10)).astype(dtype)
    y = rng.integers(0, 5, size=40)
    results = []
    for on in (True, False):
        model = small_cnn(dtype)
        with contextlib.nullcontext() if on else accel.disabled():
            model.fit(X, y, epochs=2, batch_size=16, verbose=0, seed=0)
            results.append((model._flat_params.copy(), model.predict(X)))
    same_bits(results[0][0], results[1][0])
    same_bits(results[0][1], results[1][1])


def test_switched_off_kernels_are_never_handed_out():
    with accel.disabled():
        assert compiled.kernel("col2im", np.float32) is None
    assert compiled.kernel("col2im", np.float32) is not None


def _fresh(code: str) -> str:
    src = os.path.dirname(os.path.dirname(gn.__file__))
    env = dict(os.environ, PYTHONPATH=src)
    env.pop("GLASSNET_ACCEL", None)
    return subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True,
                          text=True).stdout.strip()


FIT = ("import sys, numpy as np, glassnet as gn; L = gn.layers; "
       "m = gn.Sequential([L.Conv2D(4, 3, padding='same', activation='relu'), L.MaxPool2D(2), "
       "L.Flatten(), L.Dense(3, 'softmax')], seed=0); "
       "m.compile(loss='categorical_crossentropy', optimizer=gn.optimizers.Adam()); "
       "X = np.random.default_rng(0).normal(size=(64, 1, 12, 12)).astype(np.float32); "
       "y = np.arange(64) % 3; ")


def test_a_short_cnn_fit_never_imports_numba():
    out = _fresh(FIT + "m.fit(X, y, epochs=3, batch_size=16, verbose=0); "
                       "from glassnet.conv import compiled; "
                       "print('numba' in sys.modules, compiled.loaded())")
    assert out == "False []"


def test_a_long_planned_run_loads_the_kernels_after_its_first_step():
    code = (FIT + "from glassnet import accel; from glassnet.conv import compiled; "
            "accel.planned_steps = lambda: 10 ** 9; m.build((1, 12, 12)); "
            "[l.forward(X, training=True) for l in m.layers[:1]]; "
            "assert 'numba' not in sys.modules; "
            "m.layers[0].forward(X, training=True); "
            "print('numba' in sys.modules, ('bias_relu', 'float32') in compiled.loaded())")
    assert _fresh(code) == "True True"


def test_a_short_planned_run_never_loads_them():
    code = (FIT + "from glassnet import accel; from glassnet.conv import compiled; "
            "accel.planned_steps = lambda: 3; m.build((1, 12, 12)); "
            "[m.layers[0].forward(X, training=True) for _ in range(5)]; "
            "print('numba' in sys.modules, compiled.loaded())")
    assert _fresh(code) == "False []"


def test_outside_fit_they_load_once_the_saving_forgone_adds_up_to_the_load():
    code = ("import sys, numpy as np; from glassnet.conv import compiled; "
            "n = int(compiled.LOAD_SECONDS / (compiled.SAVING_NS['col2im'] * 1e-9)); "
            "first = compiled.kernel('col2im', np.float32, 'site', n // 2); "
            "assert first is None and 'numba' not in sys.modules; "
            "later = compiled.kernel('col2im', np.float32, 'site', n); "
            "print(later is not None, 'numba' in sys.modules)")
    assert _fresh(code) == "True True"


def test_without_numba_the_layers_run_the_reference(monkeypatch):
    monkeypatch.setattr(compiled, "_ready", {})
    monkeypatch.setattr(compiled, "_module", None)
    monkeypatch.setattr(compiled, "unavailable_reason", "numba cannot be imported (test)")
    assert compiled.kernel("max_pool_forward", np.float32, "x", 10 ** 12) is None
    assert not compiled.load([np.float32])
    rng = np.random.default_rng(1)
    X = rng.normal(size=(16, 1, 8, 8)).astype(np.float32)
    model = small_cnn(np.float32)
    model.fit(X, np.arange(16) % 5, epochs=1, batch_size=8, verbose=0)


def test_each_planned_run_decides_anew_even_with_the_same_planned_steps():
    # The first run of 10 steps does not repay the load; with the load made cheap, a second
    # run of the same 10 steps must decide again (and load), not reuse the first decision.
    code = (FIT + "from glassnet import accel; from glassnet.conv import compiled; "
            "m.build((1, 12, 12))\n"
            "with accel.planning(10):\n"
            "    [m.layers[0].forward(X, training=True) for _ in range(3)]\n"
            "first = compiled.loaded(); compiled.LOAD_SECONDS = 1e-12\n"
            "with accel.planning(10):\n"
            "    [m.layers[0].forward(X, training=True) for _ in range(3)]\n"
            "print(first, ('bias_relu', 'float32') in compiled.loaded())")
    assert _fresh(code) == "[] True"
