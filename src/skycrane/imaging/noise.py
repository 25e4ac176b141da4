"""The darkening map's noise and the matched filter that seeds its regions.

:func:`local_noise` (the change's robust spread in blocks), :func:`relief_contrast` and
:func:`relief_noise` (the shading a moved sun leaves unpredicted, statistically in
proportion to the before image's fine relief) and :func:`matched_score` (the whitened
matched filter of the residual at the blob scales), read by
:func:`skycrane.imaging.detect.detect`.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
from scipy import ndimage

from skycrane.imaging.params import DetectParams
from skycrane.imaging.predict import (
    _median,
    _robust_sigma,
    _smooth_spectrum,
    _subsample,
    _upsample_linear,
    block_sample,
    in_blocks,
)


def local_noise(change: np.ndarray, block_px: int, clip: float = 3.0) -> np.ndarray:
    """Robust standard deviation of ``change`` in ``block_px`` blocks, at every pixel.

    1.4826 MAD of each block after dropping the pixels beyond ``clip`` global MADs (the
    marks, which would inflate it), interpolated linearly between block centres, never
    below half the global value: a constant false-alarm rate where the terrain's shading
    residual is rough (crater walls, rock fields) and where it is smooth.
    """
    sample = change[:: max(1, change.shape[0] // 512), :: max(1, change.shape[1] // 512)]
    overall = max(1.4826 * float(np.median(np.abs(sample - np.median(sample)))), 1e-6)
    rows, cols = change.shape
    blocks = in_blocks(block_sample(change, block_px), (rows, cols), block_px).astype(np.float32)
    outlier = np.abs(blocks) > clip * overall
    empty = outlier.all(axis=2)  # a block inside a large mark: the global value
    blocks = np.where(outlier & ~empty[..., None], np.float32(np.nan), blocks)
    centre = np.nanmedian(blocks, axis=2, keepdims=True)
    mad = 1.4826 * np.nanmedian(np.abs(blocks - centre), axis=2)
    mad = np.where(empty, overall, mad)
    mad = np.maximum(mad, 0.5 * overall).astype(np.float32)
    return _upsample_linear(mad, (rows, cols))


def relief_contrast(image: np.ndarray, params: DetectParams = DetectParams()) -> np.ndarray:
    """Local RMS of the log image's fine detail (scales under ``relief_highpass_px``)."""
    log_image = np.log(np.maximum(image, 0.02 * max(_median(image), 1e-6)))
    detail = log_image - ndimage.gaussian_filter(log_image, params.relief_highpass_px)
    return np.sqrt(ndimage.gaussian_filter(np.square(detail, out=detail), params.relief_window_px))


def relief_noise(
    change: np.ndarray, contrast: np.ndarray, params: DetectParams = DetectParams()
) -> np.ndarray:
    """Noise of ``change`` at every pixel, predicted from the before image's local contrast.

    The shading that the before image cannot predict is the slope across its sun
    (``tan i_a sin(dA) grad z . u_b_perp``), statistically proportional to the local
    relief that also makes the before image's fine contrast: fit
    ``sigma^2 = a + b contrast^2`` to the robust (1.4826 MAD) variance of ``change`` in
    ``relief_bins`` equal-count bins of ``contrast``, a heteroscedastic model estimated
    from the pair itself (Carroll & Ruppert 1988, *Transformation and Weighting in
    Regression*, ch. 3: variance function estimated from binned residuals).
    """
    order = np.argsort(_subsample(contrast).ravel())
    n_bins = params.relief_bins
    usable = order.size - order.size % n_bins
    c = _subsample(contrast).ravel()[order[:usable]].reshape(n_bins, -1)
    v = _subsample(change).ravel()[order[:usable]].reshape(n_bins, -1)
    mad = 1.4826 * np.median(np.abs(v - np.median(v, axis=1, keepdims=True)), axis=1)
    design = np.column_stack([np.ones(n_bins), np.median(c, axis=1) ** 2])
    (a, b), *_ = np.linalg.lstsq(design, mad**2, rcond=None)
    floor = 1e-6 * float(np.mean(mad**2)) + np.finfo(np.float32).tiny
    if b <= 0.0:  # no dependence on relief: a constant noise
        a, b = float(np.mean(mad**2)), 0.0
    noise = contrast * contrast
    noise *= np.float32(b)
    noise += np.float32(max(a, floor))
    return np.sqrt(noise, out=noise)


def matched_score(
    residual: np.ndarray,
    contrast: np.ndarray,
    params: DetectParams = DetectParams(),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Largest over blob scales of the whitened matched-filter score of ``residual``, for a
    darker blob and for a brighter one (the same linear statistic, negated), and the score
    of a darker blob at ``broad_scale_px`` (a blast zone's broad, faint scour).

    ``residual`` (log units, > 0 darker) is coloured noise of spectrum ``P(k)`` plus the
    marks.  For a blob of gaussian profile ``S(k)`` the most powerful linear statistic is
    ``IFFT[S(k) X(k) / P(k)]`` (the matched filter for coloured noise, e.g. Kay 1998,
    *Fundamentals of Statistical Signal Processing* vol. II, sec. 4.5); ``P`` is the
    periodogram of the residual clipped at ``clip`` MADs (so that large marks do not
    enter it), smoothed over neighbouring frequencies.  Each scale's output is divided
    by its noise, predicted from the before image's local contrast (:func:`relief_noise`).
    """
    centred = residual - np.float32(_median(residual))
    mad = max(_robust_sigma(centred), 1e-6)
    clipped = np.clip(centred, -params.spectrum_clip * mad, params.spectrum_clip * mad)
    spectrum = scipy.fft.rfft2(centred, workers=-1)
    clipped_spectrum = scipy.fft.rfft2(clipped, workers=-1)
    sigma = params.spectrum_sigma_bins * max(residual.shape) / 800.0
    power = _smooth_spectrum(
        (clipped_spectrum.real**2 + clipped_spectrum.imag**2).astype(np.float32), sigma
    )
    power += np.float32(1e-6 * float(power.mean()))
    whitened = spectrum / power
    f_row = scipy.fft.fftfreq(residual.shape[0]).astype(np.float32)[:, None]
    f_col = scipy.fft.rfftfreq(residual.shape[1]).astype(np.float32)[None, :]
    k2 = f_row**2 + f_col**2

    def scale_score(scale: float) -> np.ndarray:
        template = np.exp(np.float32(-2.0 * math.pi**2 * scale**2) * k2)
        out = scipy.fft.irfft2(whitened * template, s=residual.shape, workers=-1)
        out = out.astype(np.float32, copy=False)
        out -= np.float32(_median(out))
        out /= relief_noise(out, contrast, params)
        return out

    darker = scale_score(params.blob_scales_px[0])
    brighter = np.negative(darker)
    for scale in params.blob_scales_px[1:]:
        out = scale_score(scale)
        np.maximum(darker, out, out=darker)
        np.maximum(brighter, np.negative(out, out=out), out=brighter)
    return darker, brighter, scale_score(params.broad_scale_px)
