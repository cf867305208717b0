"""The post's helpers: convolve2d, feature_maps, KERNELS, random_filter_bank, to_grayscale."""

import numpy as np
import pytest
from scipy.signal import convolve2d as scipy_convolve2d
from scipy.signal import correlate2d

from glassnet.conv import KERNELS, convolve2d, feature_maps, random_filter_bank, to_grayscale


@pytest.mark.parametrize("mode", ["valid", "same"])
@pytest.mark.parametrize("kshape", [(3, 3), (2, 2), (4, 4), (5, 3), (2, 5), (1, 1)])
@pytest.mark.parametrize("ishape", [(9, 8), (12, 13)])
def test_convolve2d_matches_scipy_correlate2d(mode, kshape, ishape):
    rng = np.random.default_rng(sum(kshape) + sum(ishape))
    image = rng.normal(size=ishape)
    kernel = rng.normal(size=kshape)
    ours = convolve2d(image, kernel, padding=mode)
    ref = correlate2d(image, kernel, mode=mode)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["valid", "same"])
@pytest.mark.parametrize("stride", [2, 3, (2, 1)])
@pytest.mark.parametrize("k", [3, 4])
def test_convolve2d_stride_is_subsampled_stride_one(mode, stride, k):
    rng = np.random.default_rng(k)
    image = rng.normal(size=(11, 10))
    kernel = rng.normal(size=(k, k))
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ref = correlate2d(image, kernel, mode=mode)[::sh, ::sw]
    np.testing.assert_allclose(convolve2d(image, kernel, padding=mode, stride=stride), ref,
                               rtol=1e-12, atol=1e-12)


def test_flipped_kernel_gives_true_convolution():
    rng = np.random.default_rng(3)
    image, kernel = rng.normal(size=(8, 9)), rng.normal(size=(3, 4))
    np.testing.assert_allclose(convolve2d(image, kernel[::-1, ::-1]),
                               scipy_convolve2d(image, kernel, mode="valid"), atol=1e-12)


def test_convolve2d_dtypes():
    img32 = np.random.default_rng(0).random((6, 6), dtype=np.float32)
    assert convolve2d(img32, np.ones((3, 3), np.float32)).dtype == np.float32
    ints = np.arange(36).reshape(6, 6)
    out = convolve2d(ints, KERNELS["identity"])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, ints[1:-1, 1:-1])


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2])
def test_feature_maps_equal_one_convolution_per_filter(padding, stride):
    rng = np.random.default_rng(7)
    image = rng.normal(size=(10, 11))
    bank = random_filter_bank(6, 3, seed=1)
    maps = feature_maps(image, bank, padding=padding, stride=stride)
    expected = np.stack([convolve2d(image, f, padding=padding, stride=stride) for f in bank])
    assert maps.shape == expected.shape
    np.testing.assert_allclose(maps, expected, atol=1e-12)


def test_kernels_values():
    np.testing.assert_array_equal(KERNELS["emboss"], [[2, 0, 0], [0, -1, 0], [0, 0, -1]])
    np.testing.assert_array_equal(KERNELS["sharpen"], [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(KERNELS["sharpen"], KERNELS["identity"] + KERNELS["edge"])
    np.testing.assert_array_equal(KERNELS["sobel_y"], KERNELS["sobel_x"].T)
    assert KERNELS["edge"].sum() == 0 and KERNELS["sobel_x"].sum() == 0
    for name in ("box_blur", "gaussian_blur", "identity", "sharpen"):
        assert KERNELS[name].sum() == pytest.approx(1.0)
    for name, k in KERNELS.items():
        assert k.shape == (3, 3) and k.dtype == np.float64, name
        assert not k.flags.writeable, name


def test_kernels_effects():
    flat = np.full((6, 6), 0.4)
    ramp = np.tile(np.arange(6.0), (6, 1))                 # brighter to the right
    np.testing.assert_allclose(convolve2d(flat, KERNELS["edge"]), 0.0, atol=1e-12)
    for blur in ("box_blur", "gaussian_blur"):
        np.testing.assert_allclose(convolve2d(flat, KERNELS[blur]), 0.4, atol=1e-12)
    np.testing.assert_allclose(convolve2d(ramp, KERNELS["sobel_x"]), 8.0)
    np.testing.assert_allclose(convolve2d(ramp, KERNELS["sobel_y"]), 0.0)
    np.testing.assert_allclose(convolve2d(ramp, KERNELS["identity"]), ramp[1:-1, 1:-1])


def test_random_filter_bank():
    bank = random_filter_bank(64, 3, seed=0)
    assert bank.shape == (64, 3, 3) and bank.dtype == np.float64
    assert set(np.unique(bank)) == {-1.0, 0.0, 1.0}
    np.testing.assert_array_equal(bank, random_filter_bank(64, 3, seed=0))
    assert not np.array_equal(bank, random_filter_bank(64, 3, seed=1))
    counts = np.array([(bank == v).mean() for v in (-1, 0, 1)])
    np.testing.assert_allclose(counts, 1 / 3, atol=0.08)
    assert random_filter_bank(2, 5, seed=3).shape == (2, 5, 5)


def test_to_grayscale():
    rgb = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]], dtype=np.uint8)
    grey = to_grayscale(rgb)
    assert grey.dtype == np.float32 and grey.shape == (2, 2)
    np.testing.assert_allclose(grey, [[0.299, 0.587], [0.114, 1.0]], rtol=1e-6)
    rgba = np.concatenate([rgb, np.full((2, 2, 1), 7, np.uint8)], axis=2)
    np.testing.assert_array_equal(to_grayscale(rgba), grey)
    np.testing.assert_allclose(to_grayscale(rgb / 255.0, dtype=np.float64),
                               [[0.299, 0.587], [0.114, 1.0]], rtol=1e-12)
    np.testing.assert_allclose(to_grayscale(np.array([[0, 51]], np.uint8)), [[0.0, 0.2]])


@pytest.mark.parametrize("call, exc, match", [
    (lambda: convolve2d(np.ones((2, 4, 4)), np.ones((3, 3))), ValueError, "image must be 2-D"),
    (lambda: convolve2d(np.ones((4, 4)), np.ones(3)), ValueError, "kernel must be 2-D"),
    (lambda: convolve2d(np.ones((4, 4)), np.ones((3, 3)), padding="full"), ValueError,
     "padding must be one of 'valid', 'same'; got 'full'"),
    (lambda: convolve2d(np.ones((4, 6)), np.ones((5, 3))), ValueError,
     "kernel height 5 is larger than the image height 4"),
    (lambda: convolve2d(np.ones((4, 4)), np.ones((3, 3)), stride=0), ValueError,
     "stride must be >= 1"),
    (lambda: convolve2d("image", np.ones((3, 3))), TypeError, "image must be a numeric array"),
    (lambda: feature_maps(np.ones((5, 5)), np.ones((3, 3))), ValueError, "filters must be 3-D"),
    (lambda: random_filter_bank(0), ValueError, "n must be >= 1"),
    (lambda: random_filter_bank(4, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: to_grayscale(np.ones((4, 4, 2))), ValueError, r"rgb must have shape \(H, W, 3\)"),
    (lambda: to_grayscale(np.full((2, 2, 3), 200.0)), ValueError, "divide by 255"),
    (lambda: to_grayscale(np.ones((2, 2, 3)), dtype=np.int32), TypeError, "dtype must be float32"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
