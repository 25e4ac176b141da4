"""Before/after pairs under two suns that skycrane's renderer did not make.

Issue 18 scores the detector "on before/after pairs that skycrane's renderer did not
make", and the hard case of real orbital pairs is a sun that moved between the passes.
:mod:`skycrane.imaging.pasted` pastes marks on photographs under one light; this module
is a second, deliberately plain renderer written apart from :mod:`~skycrane.imaging.surface`
and :mod:`~skycrane.imaging.photometry` (none of their rendering code or parameters; the
passes are given as :class:`~skycrane.imaging.photometry.OrbitalPass` records), so that the
detector's tuning on skycrane's own scenes can be checked on ground of another make:

* **Relief.** A fractional Brownian surface synthesised in the Fourier domain (power
  spectrum ``k^-(2H+2)``, Hurst exponent ``H = 0.6``; Turcotte, *Fractals and Chaos in
  Geology and Geophysics*, 1997, ch. 7), scaled to an RMS pixel-to-pixel slope, over
  smooth hills (a spectrum falling as ``k^-6.4``, scaled to their own RMS slope: the
  regional tilts, tens of metres across, that shade a whole neighbourhood); simple
  craters as paraboloid bowls of depth ``0.15 D`` (a degraded simple crater: fresh ones
  reach ``0.2 D``, Pike 1977, *Impact and Explosion Cratering*, 489-509) with a gaussian
  rim, diameters from a power law; boulders as half-spheroids.
* **Light.** Lambert's law (``cos i`` of each facet from ``numpy.gradient`` slopes) plus
  a uniform sky term, cast shadows by marching each pixel's ray towards the sun.
* **Marks.** Ellipses with logistic edges that multiply the albedo: darkened by 15-50 %,
  or brightened 2-3 times (a parachute), 1-300 m².
* **Instrument.** A gaussian point-spread function, a pointing shift, a gain, gaussian
  noise and 12-bit quantisation.

:func:`foreign_pair` gives a :class:`~skycrane.imaging.pasted.PastedPair` (the marks'
centres as ``blobs``, with their areas and contrasts), scored by
:func:`~skycrane.imaging.pasted.score_pasted` and, mark by mark,
:func:`~skycrane.imaging.pasted.found_marks`.  Used by
``tests/imaging`` and ``benchmarks/bench_pasted.py --moved-sun``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from skycrane.imaging.pasted import PastedPair
from skycrane.imaging.photometry import MOVED_SUN_AFTER, MOVED_SUN_BEFORE, OrbitalPass

HURST = 0.6
RMS_PIXEL_SLOPE_DEG = 6.0
HILLS_RMS_SLOPE_DEG = 4.0
SKY_FRACTION = 0.05
PSF_SIGMA_PX = 0.6
FULL_SCALE = 0.5  # the radiance (albedo x shading) quantised to 4095


def _spectral_surface(
    rng: np.random.Generator, size_px: int, resolution_m: float, exponent: float, slope_deg: float
) -> np.ndarray:
    """Heights (m) of a gaussian random surface of amplitude spectrum ``k^-exponent`` and
    RMS pixel-to-pixel slope ``slope_deg``."""
    k2 = np.fft.fftfreq(size_px)[:, None] ** 2 + np.fft.fftfreq(size_px)[None, :] ** 2
    k2[0, 0] = 1.0
    spectrum = k2 ** (-exponent / 2.0) * (
        rng.normal(size=(size_px, size_px)) + 1j * rng.normal(size=(size_px, size_px))
    )
    spectrum[0, 0] = 0.0
    heights = np.real(np.fft.ifft2(spectrum))
    d_row, d_col = np.gradient(heights, resolution_m)
    return heights * math.tan(math.radians(slope_deg)) / np.sqrt(np.mean(d_row**2 + d_col**2))


def relief_m(rng: np.random.Generator, size_px: int, resolution_m: float) -> np.ndarray:
    """Heights (m): a fractional Brownian surface on smooth hills, craters and boulders."""
    heights = _spectral_surface(rng, size_px, resolution_m, HURST + 1.0, RMS_PIXEL_SLOPE_DEG)
    heights += _spectral_surface(rng, size_px, resolution_m, 3.2, HILLS_RMS_SLOPE_DEG)
    rows, cols = np.mgrid[:size_px, :size_px] * resolution_m
    extent_m = size_px * resolution_m
    for diameter_m in np.minimum(2.0 * (1.0 - rng.random(40)) ** (-1.0 / 1.8), 40.0):
        y_m, x_m = rng.random(2) * extent_m
        r = np.hypot(rows - y_m, cols - x_m) / (0.5 * diameter_m)
        heights += np.where(r < 1.0, 0.15 * diameter_m * (r**2 - 1.0), 0.0)
        heights += 0.04 * diameter_m * np.exp(-(((r - 1.0) / 0.25) ** 2))
    for _ in range(300):
        diameter_m = 0.4 + 1.6 * rng.random() ** 3
        row, col = rng.random(2) * size_px
        half = int(diameter_m / resolution_m) + 2
        window = (
            slice(max(0, int(row) - half), min(size_px, int(row) + half + 1)),
            slice(max(0, int(col) - half), min(size_px, int(col) + half + 1)),
        )
        rr, cc = np.mgrid[window]
        r2 = ((rr - row) ** 2 + (cc - col) ** 2) * (resolution_m / (0.5 * diameter_m)) ** 2
        heights[window] += 0.5 * diameter_m * np.sqrt(np.clip(1.0 - r2, 0.0, None))
    return heights


def shading(heights_m: np.ndarray, resolution_m: float, sun: OrbitalPass) -> np.ndarray:
    """Lambert's ``cos i`` of each facet (0 where turned from the sun or in cast shadow)
    plus the sky's ``SKY_FRACTION``.  Rows run south, columns east; the sun's azimuth is
    clockwise from north."""
    d_row, d_col = np.gradient(heights_m, resolution_m)
    inc, az = math.radians(sun.sun_incidence_deg), math.radians(sun.sun_azimuth_deg)
    east, north, up = math.sin(inc) * math.sin(az), math.sin(inc) * math.cos(az), math.cos(inc)
    cos_i = (-d_col * east + d_row * north + up) / np.sqrt(1.0 + d_row**2 + d_col**2)
    lit = np.clip(cos_i, 0.0, None)
    tan_elevation = 1.0 / math.tan(inc)
    relief = float(heights_m.max() - heights_m.min())
    steps = min(int(relief / (resolution_m * tan_elevation)) + 2, 2 * max(heights_m.shape))
    rows, cols = np.mgrid[: heights_m.shape[0], : heights_m.shape[1]].astype(np.float64)
    shadow = np.zeros(heights_m.shape, dtype=bool)
    for k in range(1, steps + 1):
        ahead = ndimage.map_coordinates(
            heights_m, [rows - k * math.cos(az), cols + k * math.sin(az)], order=1, mode="nearest"
        )
        shadow |= ahead - heights_m > k * resolution_m * tan_elevation
    return np.where(shadow, 0.0, lit) + SKY_FRACTION


def pasted_marks(
    rng: np.random.Generator, size_px: int, resolution_m: float
) -> tuple[np.ndarray, list[tuple[float, float, int]], list[tuple[float, float]]]:
    """The after pass's albedo factor, the marks' ``(row, col, sign)`` and their
    ``(area_m2, contrast)`` (the albedo's fractional change at the centre, > 0 darker):
    30 darkened and 3 brightened ellipses, areas from ``1 m² * u^-1.25`` up to 300 m²."""
    rows, cols = np.mgrid[:size_px, :size_px].astype(np.float64)
    factor = np.ones((size_px, size_px))
    blobs = []
    kinds = []
    for sign in [1] * 30 + [-1] * 3:
        area_px = min((1.0 - rng.random()) ** (-1.0 / 0.8), 300.0) / resolution_m**2
        semi_major = math.sqrt(area_px / math.pi) * (1.0 + 0.5 * rng.random())
        semi_minor = area_px / (math.pi * semi_major)
        row, col = 20.0 + rng.random(2) * (size_px - 40.0)
        theta = rng.random() * math.pi
        u = (cols - col) * math.cos(theta) - (rows - row) * math.sin(theta)
        v = (cols - col) * math.sin(theta) + (rows - row) * math.cos(theta)
        q = np.hypot(u / semi_major, v / semi_minor)
        weight = 0.5 * (1.0 - np.tanh(3.0 * (q - 1.0)))  # logistic edge
        contrast = 0.15 + 0.35 * rng.random() if sign > 0 else -(1.0 + rng.random())
        factor *= 1.0 - contrast * weight
        blobs.append((row, col, sign))
        kinds.append((area_px * resolution_m**2, contrast))
    return factor, blobs, kinds


def foreign_pair(
    seed: int,
    size_px: int = 800,
    resolution_m: float = 0.25,
    suns: tuple[OrbitalPass, OrbitalPass] = (MOVED_SUN_BEFORE, MOVED_SUN_AFTER),
    noise: float = 0.01,
    with_marks: bool = True,
) -> PastedPair:
    """A before/after pair of one seed's ground under ``suns`` (the after pass's gain and
    pointing shift too), with marks pasted in the after pass unless ``with_marks`` is
    false; ``noise`` is the gaussian noise over the mean."""
    rng = np.random.default_rng(seed)
    heights = relief_m(rng, size_px, resolution_m)
    albedo = 0.25 * np.exp(2.0 * ndimage.gaussian_filter(rng.normal(size=heights.shape), 20.0))
    factor, blobs, kinds = pasted_marks(rng, size_px, resolution_m)
    if not with_marks:  # drawn all the same: the unchanged pair is the same ground and noise
        factor, blobs, kinds = np.ones_like(factor), [], []
    images = []
    for sun, albedo_k in zip(suns, (albedo, albedo * factor), strict=True):
        image = sun.gain * ndimage.gaussian_filter(
            albedo_k * shading(heights, resolution_m, sun), PSF_SIGMA_PX
        )
        if any(sun.shift_px):
            image = ndimage.shift(image, sun.shift_px, order=3, mode="nearest")
        image += rng.normal(0.0, noise * image.mean(), image.shape)
        images.append(np.round(np.clip(image / FULL_SCALE, 0.0, 1.0) * 4095.0))
    areas = tuple(float(area) for area, _ in kinds)
    contrasts = tuple(float(contrast) for _, contrast in kinds)
    return PastedPair(images[0], images[1], blobs, areas, contrasts)
