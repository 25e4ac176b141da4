"""The after image of a pair predicted linearly from the before image's, and the array
helpers :mod:`skycrane.imaging.detect` shares with it.

:func:`predict_after` is the Wiener filter of the pair's two log images (the spatial
counterpart of the chronochrome predictor, Schaum & Stocker 1997);
:func:`refit_unchanged` estimates it again with the changed pixels in-painted, so that a
large new mark does not bias it.  The spectra are smoothed by :func:`_smooth_spectrum`
(three box passes; on blocks of bins for large images).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
from scipy import ndimage

from skycrane.imaging.params import DetectParams


def _linear_taps(coords: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the two neighbours and the weight of the second for linear interpolation
    at ``coords`` on ``n`` samples, coordinates clamped to the edge samples (the ``nearest``
    mode of :mod:`scipy.ndimage`)."""
    x = np.clip(coords, 0.0, n - 1.0)
    first = np.minimum(np.floor(x).astype(np.intp), n - 1)
    second = np.minimum(first + 1, n - 1)
    return first, second, (x - first).astype(np.float32)


def shift_taps(amount: float, n: int) -> tuple[int, int, int]:
    """A uniform shift by ``amount`` pixels of ``n`` samples, interpolated linearly:
    ``(first, start, stop)`` where output sample i reads inputs i + first and
    i + first + 1, both on the frame for start <= i < stop (outside, a tap falls off it).
    Shared by the registration's shift and the no-data it carries, so the strip one
    marks is the strip the other extends."""
    first = math.floor(-amount)
    return first, min(max(0, -first), n), max(min(n, n - 1 - first), 0)


def _upsample_linear(grid: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``grid`` of block values interpolated linearly to ``shape`` pixels, each value at
    its block's centre and the edge values extended outward: :func:`scipy.ndimage.zoom`
    of order 1 with ``grid_mode=True`` in ``nearest`` mode, as two separable gathers."""
    out = grid.astype(np.float32)
    for axis in (1, 0):  # the columns' gather on the coarse rows; whole rows copied after
        n_in, n_out = out.shape[axis], shape[axis]
        first, second, frac = _linear_taps((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, n_in)
        frac = frac[:, None] if axis == 0 else frac[None, :]
        low, high = np.take(out, first, axis=axis), np.take(out, second, axis=axis)
        high -= low
        high *= frac
        low += high
        out = low
    return out


def _smooth_spectrum(values: np.ndarray, sigma_bins: float) -> np.ndarray:
    """Near-gaussian smoothing of a real ``rfft2`` half-plane over neighbouring frequencies.

    Three passes of a box of width ``w = sqrt(4 sigma^2 + 1)`` (each of variance
    ``(w^2 - 1)/12``): a gaussian of ``sigma_bins`` to a few per cent, at a cost that does
    not grow with ``sigma`` (Wells 1986, IEEE Trans. PAMI 8(2) 234).  Under 2 bins (images
    under 800 px) odd box widths are too coarse a step and the gaussian itself is cheap.
    From ``COARSE_SPECTRUM_BINS`` (images of 3600 px and more) the spectrum is first
    averaged over blocks of ``f = floor(sigma / 3)`` bins, smoothed there by the
    remaining ``sqrt(sigma^2 - (f^2 - 1)/12) / f`` blocks and interpolated back linearly:
    the smoothed spectrum varies over ``sigma`` bins, so ``f^2`` times fewer samples
    carry it (a 4000^2 frame's four spectra: 1.8 -> 0.5 s).  Against a true gaussian
    of 10 bins on a power-law periodogram: median 0.29 % off (the full-resolution boxes
    0.25 %), 99th percentile 2.2 % (1.2 %; tests/imaging/test_detect_fast_paths.py);
    at 6 bins the blocks of 2 were further off (99th percentile 3.3 % against 2.0 %),
    hence the threshold.
    """
    shifted = scipy.fft.fftshift(values, axes=0)  # continuous across zero row-frequency
    if sigma_bins < 2.0:
        return scipy.fft.ifftshift(ndimage.gaussian_filter(shifted, sigma_bins), axes=0)
    block = int(sigma_bins // 3.0) if sigma_bins >= COARSE_SPECTRUM_BINS else 1
    if block > 1:
        shape = shifted.shape
        padded = np.pad(shifted, [(0, -n % block) for n in shape], mode="edge")
        rows, cols = padded.shape[0] // block, padded.shape[1] // block
        parts = padded.reshape(rows * block, cols, block).astype(np.float32, copy=False)
        if block < 8:  # np.sum's order on under 8 values, without its slow loop on them
            sums = parts[..., 0] + parts[..., 1]
            for k in range(2, block):
                sums += parts[..., k]
        else:
            sums = parts.sum(axis=2, dtype=np.float32)
        shifted = sums.reshape(rows, block, cols).sum(axis=1) / np.float32(block * block)
        sigma_bins = math.sqrt(sigma_bins**2 - (block**2 - 1) / 12.0) / block
    width = 2 * round((math.sqrt(4.0 * sigma_bins**2 + 1.0) - 1.0) / 2.0) + 1
    for _ in range(3):
        shifted = ndimage.uniform_filter(shifted, width)
    if block > 1:
        shifted = _upsample_linear(shifted, padded.shape)[: shape[0], : shape[1]]
    return scipy.fft.ifftshift(shifted, axes=0)


COARSE_SPECTRUM_BINS = 9.0
"""Spectrum smoothing width [bins] from which :func:`_smooth_spectrum` works on blocks of
bins (``spectrum_sigma_bins`` 2 per 800 px: images of 3600 px and more)."""


def predict_after(
    log_before: np.ndarray,
    log_after: np.ndarray,
    params: DetectParams = DetectParams(),
    before_spectrum: np.ndarray | None = None,
    before_power: np.ndarray | None = None,
) -> np.ndarray:
    """The after image's log radiance predicted linearly from the before image's.

    For small slopes, Lambert shading gives ``ln I = ln rho + ln cos i + tan i (grad z . u)``
    (``u`` towards the sun), so the shading of a second pass is a linear, shift-invariant
    filter of the first's: in Fourier space ``H_a(k) = [tan i_a (k . u_a) / (tan i_b (k . u_b))]
    H_b(k)``, a gain and a sub-pixel shift multiply it.  The filter is estimated from the
    pair itself, without knowing either sun, as the Wiener filter ``<H_a H_b*> / <|H_b|^2>``
    with both spectra averaged by a gaussian of ``spectrum_sigma_bins`` frequencies per
    800 px of image side (the
    spatial counterpart of the chronochrome predictor, Schaum & Stocker 1997, Proc. SPIE
    3071, 2).  New marks are a small part of the scene and are not predicted.

    ``before_spectrum``: the ``rfft2`` of ``log_before``, mean removed, when known (it is
    not modified); ``before_power``: its smoothed power (:func:`smoothed_power`), when
    known.
    """
    hb = before_spectrum
    if hb is None:
        hb = scipy.fft.rfft2(log_before - log_before.mean(), workers=-1)
    ha = scipy.fft.rfft2(log_after - log_after.mean(), workers=-1)
    sigma = params.spectrum_sigma_bins * max(log_before.shape) / 800.0
    cross = ha * np.conj(hb)
    power = before_power
    if power is None:
        power = smoothed_power(hb, log_before.shape, params)
    wiener = (
        _smooth_spectrum(cross.real.astype(np.float32), sigma)
        + 1j * _smooth_spectrum(cross.imag.astype(np.float32), sigma)
    ) / power
    wiener *= hb
    predicted = scipy.fft.irfft2(wiener, s=log_before.shape, workers=-1)
    predicted += np.float32(log_after.mean())
    return predicted.astype(np.float32, copy=False)


def smoothed_power(
    spectrum: np.ndarray, shape: tuple[int, ...], params: DetectParams
) -> np.ndarray:
    """The power of the ``rfft2`` ``spectrum`` of an image of ``shape``, smoothed as
    :func:`predict_after` smooths it, with a floor of 1e-9 of its mean."""
    sigma = params.spectrum_sigma_bins * max(shape) / 800.0
    power = _smooth_spectrum((spectrum.real**2 + spectrum.imag**2).astype(np.float32), sigma)
    power += np.float32(1e-9 * float(power.mean()))
    return power


def _median(values: np.ndarray) -> float:
    """Median of ``values`` on a <= 512^2 subsample (a full-frame median costs seconds)."""
    return float(np.median(_subsample(values)))


def _robust_sigma(values: np.ndarray) -> float:
    """1.4826 MAD of ``values`` on a <= 512^2 subsample."""
    sample = _subsample(values)
    return 1.4826 * float(np.median(np.abs(sample - np.median(sample))))


def refit_unchanged(
    log_b: np.ndarray,
    log_a: np.ndarray,
    predicted: np.ndarray,
    known: tuple[np.ndarray, np.ndarray],
    params: DetectParams,
) -> np.ndarray:
    """The Wiener prediction estimated again from the ground that did not change.

    A large new mark (a crash fan of hundreds of m^2) carries much of the pair's power at
    its own scales: in the first estimate its chance correlation with the before image
    enters ``<H_a H_b*>``, so part of the mark is "predicted" and its outline tilts.  The
    pixels whose first residual lies beyond ``refit_clip`` MADs (``refit_margin_px``
    round them) are replaced in the after image by the first prediction, the filter is
    estimated again from that in-painted pair (the mark-free scene), and the after image
    itself is predicted with it.  ``known``: the ``rfft2`` of ``log_b``, mean removed,
    and its smoothed power, shared with the first estimate.
    """
    first = predicted - log_a
    centre = np.float32(_median(first))
    spread = max(_robust_sigma(first), 1e-6)
    changed = np.abs(first - centre) > np.float32(params.refit_clip * spread)
    changed = _dilate_cross(changed, params.refit_margin_px)
    filled = np.where(changed, predicted - centre, log_a)
    return predict_after(log_b, filled, params, *known)


def block_sample(values: np.ndarray, block_px: int) -> np.ndarray:
    """Every ``block_px // 16``-th pixel in each direction: 16^2 samples a block of
    ``block_px`` (neighbours are correlated anyway)."""
    step = max(1, block_px // 16)
    return values[::step, ::step]


def in_blocks(sampled: np.ndarray, shape: tuple[int, int], block_px: int) -> np.ndarray:
    """``sampled`` (:func:`block_sample` of a ``shape`` frame) cut into ``shape //
    block_px`` blocks down and across (at least one), ``(blocks down, blocks across,
    samples)``: the sampled rows and columns shared equally among the blocks, so a block
    may span more than ``block_px``; the few left over (fewer than the blocks) are left
    out."""
    n_r, n_c = max(1, shape[0] // block_px), max(1, shape[1] // block_px)
    b_r, b_c = sampled.shape[0] // n_r, sampled.shape[1] // n_c
    cut = sampled[: n_r * b_r, : n_c * b_c].reshape(n_r, b_r, n_c, b_c).swapaxes(1, 2)
    return cut.reshape(n_r, n_c, -1)


def regional_level(change: np.ndarray, exclude: np.ndarray, params: DetectParams) -> np.ndarray:
    """The prediction's regional error: the median of ``change`` in ``level_block_px``
    blocks, interpolated linearly between block centres, to subtract from it.

    Under a sun that moved between the passes, a slope tilted tens of metres across
    changes the ratio of its two shadings (Lambert's ``cos i_a / cos i_b``) over its whole
    neighbourhood, and the linear prediction from the before image, which sees only the
    slope's component along its own sun, leaves that ratio as a smooth bias of several
    per cent: a faint mark on it sinks below the growth threshold, while the mark, metres
    across, changes its ground against the ground round it.  Each block's median is taken
    without the ``exclude`` pixels (the before image's shadows) and without the pixels
    beyond ``spectrum_clip`` MADs of the frame (marks, new shadows); a block left with
    under a quarter of its pixels takes the frame's median (a block inside a large mark).
    """
    rows, cols = change.shape
    sample = block_sample(change, params.level_block_px).astype(np.float32)
    usable = ~block_sample(exclude, params.level_block_px)
    centre = float(np.median(sample[usable])) if usable.any() else 0.0
    spread = max(1.4826 * float(np.median(np.abs(sample[usable] - centre))), 1e-6)
    usable &= np.abs(sample - centre) <= params.spectrum_clip * spread
    kept = in_blocks(usable, (rows, cols), params.level_block_px)
    values = np.where(
        kept, in_blocks(sample, (rows, cols), params.level_block_px), np.float32(np.nan)
    )
    values[kept.sum(axis=2) < 0.25 * kept.shape[2]] = centre
    return _upsample_linear(np.nanmedian(values, axis=2), (rows, cols))


def _dilate_cross(mask: np.ndarray, iterations: int) -> np.ndarray:
    """``mask`` dilated ``iterations`` times by the 4-neighbour cross (a diamond of that
    radius), outside the frame false: :func:`scipy.ndimage.binary_dilation` with its
    default structure, by shifted ORs (a quarter of its time on 4000^2)."""
    for _ in range(iterations):
        grown = mask.copy()
        grown[1:] |= mask[:-1]
        grown[:-1] |= mask[1:]
        grown[:, 1:] |= mask[:, :-1]
        grown[:, :-1] |= mask[:, 1:]
        mask = grown
    return mask


def smooth_unaliased(
    values: np.ndarray, sigma_px: float, zero: np.ndarray | None = None
) -> np.ndarray:
    """:func:`scipy.ndimage.gaussian_filter` of ``values`` (set to 0 where ``zero``), read
    and written through rows padded by 16 elements: on the prediction's power-of-two
    frames (4096 columns) each column step of the filter's pass along axis 0 is 16 KiB,
    every tap maps to one cache set, and that pass took twice its time (4096^2, sigma 1:
    0.33 -> 0.17 s).  The same sums: the same values."""
    rows, cols = values.shape
    source = np.empty((rows, cols + 16), dtype=values.dtype)[:, :cols]
    np.copyto(source, values)
    if zero is not None:
        source[zero] = 0
    out = np.empty((rows, cols + 16), dtype=source.dtype)[:, :cols]
    return ndimage.gaussian_filter(source, sigma_px, output=out)


def _subsample(values: np.ndarray) -> np.ndarray:
    """Every n-th pixel in each direction, leaving about 512 x 512 (neighbours are correlated)."""
    return values[:: max(1, values.shape[0] // 512), :: max(1, values.shape[1] // 512)]
