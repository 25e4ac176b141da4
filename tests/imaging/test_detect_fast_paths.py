"""The detector's faster equivalents of scipy operations, against scipy itself."""

import importlib

import numpy as np
import pytest
import scipy.fft
from scipy import ndimage

detect_module = importlib.import_module("skycrane.imaging.detect")
predict_module = importlib.import_module("skycrane.imaging.predict")


@pytest.mark.parametrize("shift", [(0.5, -0.5), (2.3, -1.7), (-0.05, 0.0), (70.2, -80.5)])
def test_linear_shift_equals_scipy_shift(shift):
    """External reference: :func:`scipy.ndimage.shift` of order 1 in ``nearest`` mode
    (what the registration used before), equal to float32 rounding, shifts past the
    image's side included."""
    image = np.random.default_rng(0).random((50, 60)).astype(np.float32)
    expected = ndimage.shift(image, shift, order=1, mode="nearest")
    got = detect_module._shift_linear(image, shift)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=0.0, atol=2e-7)


def test_cross_dilation_equals_binary_dilation():
    """External reference: :func:`scipy.ndimage.binary_dilation` with its default
    (cross) structure, 3 iterations, marks on the frame's edge included: identical."""
    mask = np.random.default_rng(1).random((64, 80)) > 0.97
    mask[0, 5] = mask[-1, -1] = mask[10, 0] = True
    expected = ndimage.binary_dilation(mask, iterations=3)
    assert np.array_equal(predict_module._dilate_cross(mask, 3), expected)


def test_coarse_spectrum_smoothing_is_as_close_to_a_gaussian():
    """Reference: a gaussian of 10 bins (:func:`scipy.ndimage.gaussian_filter`, tails to
    6 sigma) of the periodogram of a power-law (k^-3) image, the shape of the
    residual spectra: the block path (4000 px images) within 0.5 % (median) and 2.5 %
    (99th percentile); measured 0.29 % and 2.2 %, the full-resolution three boxes
    0.25 % and 1.2 %."""
    n = 1200
    rng = np.random.default_rng(2)
    k = np.hypot(scipy.fft.fftfreq(n)[:, None], scipy.fft.rfftfreq(n)[None, :])
    k[0, 0] = 1.0 / n
    periodogram = np.abs(scipy.fft.rfft2(rng.normal(size=(n, n))) * k**-1.5) ** 2
    sigma = 10.0
    assert sigma >= predict_module.COARSE_SPECTRUM_BINS  # the block path
    smoothed = predict_module._smooth_spectrum(periodogram.astype(np.float32), sigma)
    shifted = scipy.fft.fftshift(periodogram, axes=0)
    gaussian = ndimage.gaussian_filter(shifted, sigma, truncate=6.0)
    relative = np.abs(smoothed / scipy.fft.ifftshift(gaussian, axes=0) - 1.0)
    assert np.median(relative) < 0.005
    assert np.percentile(relative, 99) < 0.025


def test_unaliased_smoothing_equals_gaussian_filter():
    """External reference: :func:`scipy.ndimage.gaussian_filter` of the change with the
    masked pixels set to 0 (what :func:`~skycrane.imaging.detect.darkening_map` did
    before its rows were padded): identical, to the bit."""
    rng = np.random.default_rng(2)
    change = rng.standard_normal((64, 128)).astype(np.float32)
    zero = rng.random(change.shape) > 0.9
    expected = ndimage.gaussian_filter(np.where(zero, np.float32(0.0), change), 1.0)
    got = predict_module.smooth_unaliased(change, 1.0, zero)
    assert got.dtype == np.float32
    assert np.array_equal(got, expected)
    assert np.array_equal(
        predict_module.smooth_unaliased(change, 1.0), ndimage.gaussian_filter(change, 1.0)
    )


@pytest.mark.parametrize("shape, sigma", [((600, 301), 9.0), ((520, 261), 26.0)])
def test_block_sums_are_np_sum(shape, sigma):
    """Reference: the spectrum smoothing with its blocks of bins summed by
    :meth:`numpy.ndarray.sum` (before) — blocks of 3 (slices added in np.sum's order)
    and of 8 (np.sum itself): identical, to the bit."""
    values = np.random.default_rng(3).random(shape).astype(np.float32) ** 4
    got = predict_module._smooth_spectrum(values, sigma)

    block = int(sigma // 3.0)
    shifted = scipy.fft.fftshift(values, axes=0)
    padded = np.pad(shifted, [(0, -n % block) for n in shape], mode="edge")
    rows, cols = padded.shape[0] // block, padded.shape[1] // block
    sums = padded.reshape(rows * block, cols, block).sum(axis=2, dtype=np.float32)
    coarse = sums.reshape(rows, block, cols).sum(axis=1) / np.float32(block * block)
    sigma_blocks = np.sqrt(sigma**2 - (block**2 - 1) / 12.0) / block
    width = 2 * round((np.sqrt(4.0 * sigma_blocks**2 + 1.0) - 1.0) / 2.0) + 1
    for _ in range(3):
        coarse = ndimage.uniform_filter(coarse, width)
    up = predict_module._upsample_linear(coarse, padded.shape)[: shape[0], : shape[1]]
    assert np.array_equal(got, scipy.fft.ifftshift(up, axes=0))
