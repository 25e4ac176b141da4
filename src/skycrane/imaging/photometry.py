"""Light on the ground and the camera that records it: one orbital pass.

Shading
-------
The ground is a Lambert reflector lit by the sun's direct beam and by the sky.
A facet of unit normal ``n`` under a sun of incidence ``i`` (from the zenith)
and azimuth ``A`` (compass, clockwise from north) receives
``cos i_loc = n . s``, ``s = (sin i sin A, sin i cos A, cos i)`` east/north/up
(Lambert 1760; Horn 1981, Proc. IEEE 69(1) 14, eq. 9), so its radiance factor is

.. math:: I/F = \\rho \\, [(1 - f) \\, \\cos i_{loc} \\, L + f \\cos i]

with ``L`` 0 in cast shadow and 1 elsewhere, ``rho`` the Lambert albedo and ``f``
the diffuse (sky) fraction of the irradiance of flat ground.  Mars' dusty sky
scatters about a third of the sunlight at a dust optical depth of 0.5 (Haberle,
McKay, Pollack et al. 1993, "Atmospheric effects on the utility of solar power on
Mars", in *Resources of Near-Earth Space*, fig. 3): ``f = 0.3`` (tunable), which is
why shadows on HiRISE images are dark grey, not black.  The sky term is taken
isotropic and unobstructed.

Cast shadows
------------
A point is in shadow when the terrain towards the sun rises above the sun's ray:
``max_{s > 0} z(p + s u) - s cot i > z(p)``, ``u`` the horizontal unit vector
towards the sun.  :func:`cast_shadow` evaluates it exactly on digital lines: the
grid is sheared so that every Bresenham line along the sun's azimuth becomes a
row, a reversed running maximum (:func:`numpy.maximum.accumulate`) gives the
horizon of every pixel in one pass, and the mask is sheared back.

Camera
------
A HiRISE-class push-broom camera (McEwen et al. 2007, "Mars Reconnaissance
Orbiter's High Resolution Imaging Science Experiment (HiRISE)", JGR 112
E05S02): 0.5 m aperture, 1 urad IFOV (0.25-0.32 m/pixel), RED band 570-830 nm,
14-bit analogue-to-digital conversion, 128-line time delay and integration for a
signal-to-noise ratio above 150:1 (Bergstrom, Delamere & McEwen 2004, IAC
paper, "MRO HiRISE: instrument test, calibration and operating constraints").
The point-spread function is the diffraction core of the aperture, a Gaussian
of FWHM ``1.03 lambda / D`` = 1.43 urad at the RED band's 694 nm, i.e. 1.43 px
(:data:`PSF_FWHM_PX`); shot noise is Gaussian with the variance of the
photo-electron count, the count at the scene's median set by the SNR; then
14-bit quantisation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.fft

from skycrane.errors import InputError

HIRISE_APERTURE_M = 0.50
HIRISE_IFOV_RAD = 1.0e-6
HIRISE_RED_WAVELENGTH_M = 694e-9
PSF_FWHM_PX = 1.03 * HIRISE_RED_WAVELENGTH_M / HIRISE_APERTURE_M / HIRISE_IFOV_RAD
"""Diffraction FWHM of HiRISE's 0.5 m aperture at 694 nm, in 1-urad pixels (1.43)."""
HIRISE_SNR = 150.0
"""Signal-to-noise ratio at the scene's median with TDI 128 (Bergstrom et al. 2004)."""
HIRISE_BITS = 14
DIFFUSE_FRACTION = 0.3
"""Sky's share of the irradiance of flat ground at dust optical depth ~0.5 (Haberle et al. 1993)."""


MAX_SUN_INCIDENCE_DEG = 85.0
"""The sun's largest angle from the zenith a pass may have: wherever a pass's sun is
taken (:class:`OrbitalPass`, the command line, the ``.geo.json`` sidecars, the products'
PDS3 labels)."""


@dataclass(frozen=True, slots=True)
class OrbitalPass:
    """Geometry and radiometry of one orbital image of the site.

    Attributes
    ----------
    sun_incidence_deg : float
        Angle of the sun from the zenith, in [0, 85] degrees.
    sun_azimuth_deg : float
        Direction *towards* the sun, compass degrees clockwise from north
        (HiRISE images are taken in the mid-afternoon: sun in the west).
    gain, offset : float
        Radiometric change of this pass against a reference (atmospheric
        opacity, season, calibration): ``I = gain * I/F + offset``.
    shift_px : tuple of float
        ``(rows, cols)`` pointing error of this pass against the ground grid.
    """

    sun_incidence_deg: float = 45.0
    sun_azimuth_deg: float = 250.0
    gain: float = 1.0
    offset: float = 0.0
    shift_px: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        if not (
            math.isfinite(self.sun_incidence_deg)
            and 0.0 <= self.sun_incidence_deg <= MAX_SUN_INCIDENCE_DEG
        ):
            raise InputError(
                "sun_incidence_deg",
                self.sun_incidence_deg,
                f"an angle from the zenith in [0, {MAX_SUN_INCIDENCE_DEG:g}]",
            )
        if not math.isfinite(self.sun_azimuth_deg):
            raise InputError("sun_azimuth_deg", self.sun_azimuth_deg, "a finite compass angle")
        if not (math.isfinite(self.gain) and self.gain > 0.0):
            raise InputError("gain", self.gain, "a positive factor")
        if not all(math.isfinite(s) and abs(s) < 64.0 for s in self.shift_px):
            raise InputError("shift_px", self.shift_px, "a pointing error under 64 px")


MOVED_SUN_BEFORE = OrbitalPass(sun_incidence_deg=40.0, sun_azimuth_deg=250.0)
MOVED_SUN_AFTER = OrbitalPass(
    sun_incidence_deg=60.0, sun_azimuth_deg=220.0, gain=0.9, shift_px=(0.5, -0.5)
)
"""The two passes of issue 18's moved-sun check: the sun's incidence 20 deg and its
azimuth 30 deg apart, a 10 % change of illumination and a 0.5 px misregistration.  Read
by the foreign pairs' defaults (:mod:`skycrane.imaging.foreign`), the benchmarks and the
tests, so that every moved-sun figure is of one geometry."""


class FacetSlopes(NamedTuple):
    """Slopes of the facets of a height grid, shared by the passes that light it."""

    dz_de: np.ndarray
    """East slope ``dz/de`` [m/m], float32."""
    dz_dn: np.ndarray
    """North slope ``dz/dn`` [m/m] (rows run south), float32."""
    inverse_norm: np.ndarray
    """``1 / |(-dz/de, -dz/dn, 1)|``, float32."""


def facet_slopes(height_m: np.ndarray, resolution_m: float) -> FacetSlopes:
    """Facet slopes of ``height_m[row, col]`` (row 0 north) by central differences
    (:func:`numpy.gradient`)."""
    dz_drow, dz_de = np.gradient(np.asarray(height_m, dtype=np.float32), resolution_m)
    dz_dn = np.negative(dz_drow, out=dz_drow)
    norm = dz_de * dz_de
    norm += dz_dn * dz_dn
    norm += np.float32(1.0)
    np.sqrt(norm, out=norm)
    return FacetSlopes(dz_de, dz_dn, np.reciprocal(norm, out=norm))


def lambert_cos_incidence(
    height_m: np.ndarray | None,
    resolution_m: float,
    incidence_deg: float,
    azimuth_deg: float,
    slopes: FacetSlopes | None = None,
) -> np.ndarray:
    """``cos i_loc`` of every facet of ``height_m[row, col]`` (row 0 north), clipped at 0.

    Facet normals ``(-dz/de, -dz/dn, 1)`` from :func:`facet_slopes` (or ``slopes``, when
    the caller has them); see the module docstring for the sun vector.
    """
    if slopes is None:
        slopes = facet_slopes(height_m, resolution_m)
    i, a = math.radians(incidence_deg), math.radians(azimuth_deg)
    s_e, s_n, s_u = math.sin(i) * math.sin(a), math.sin(i) * math.cos(a), math.cos(i)
    num = slopes.dz_de * np.float32(-s_e)
    num -= slopes.dz_dn * np.float32(s_n)
    num += np.float32(s_u)
    num *= slopes.inverse_norm
    return np.clip(num, 0.0, None, out=num)


def _shadow_east(z: np.ndarray, slope_rows: float, drop_per_col_m: float) -> np.ndarray:
    """Shadow mask for a sun towards +col, its line climbing ``slope_rows`` rows per column.

    ``|slope_rows| <= 1``; ``drop_per_col_m`` is the fall of the sun's ray per column step.
    The digital line through ``(r, j)`` continues at ``(r + o[j+1] - o[j], j + 1)``,
    ``o[j] = round(j slope_rows)``, so the horizon ``H[r, j] = max_{s >= 1} z(line, j + s)
    - s drop`` obeys ``H[r, j] = max(z, H)[r + o[j+1] - o[j], j + 1] - drop``: one sweep
    of the columns away from the sun, each a vector operation over the rows.
    """
    rows, cols = z.shape
    offsets = np.round(np.arange(cols) * slope_rows).astype(np.int64)
    steps = np.diff(offsets)  # 0 or +-1
    columns = np.ascontiguousarray(z.T)  # columns[j] is column j, contiguous
    shade = np.zeros((cols, rows), dtype=bool)
    drop = np.float32(drop_per_col_m)
    top = np.full(rows, -np.inf, dtype=np.float32)  # max(z, H) of the column towards the sun
    horizon = np.empty(rows, dtype=np.float32)
    for j in range(cols - 2, -1, -1):
        np.maximum(columns[j + 1], top, out=top)
        top -= drop
        step = int(steps[j])
        if step == 0:
            horizon[:] = top
        elif step > 0:
            horizon[:-step] = top[step:]
            horizon[-step:] = -np.inf
        else:
            horizon[-step:] = top[:step]
            horizon[:-step] = -np.inf
        np.greater(horizon, columns[j], out=shade[j])
        top, horizon = horizon, top
    return shade.T


def cast_shadow(
    height_m: np.ndarray, resolution_m: float, incidence_deg: float, azimuth_deg: float
) -> np.ndarray:
    """Boolean mask of the pixels of ``height_m[row, col]`` (row 0 north) in cast shadow.

    Exact on digital lines along the sun's azimuth (see the module docstring); terrain
    beyond the frame casts no shadow into it.  A step of height ``h`` across the sun's
    path shades ``h tan(incidence)`` of ground behind it.
    """
    z = np.asarray(height_m, dtype=np.float32)
    a = math.radians(azimuth_deg)
    d_row, d_col = -math.cos(a), math.sin(a)  # towards the sun, in pixels
    transpose = abs(d_row) > abs(d_col)
    if transpose:
        z, d_row, d_col = z.T, d_col, d_row
    flip = d_col < 0.0
    if flip:
        z, d_col = z[:, ::-1], -d_col
    slope = d_row / d_col
    step_m = resolution_m * math.hypot(1.0, slope)
    drop = step_m / math.tan(math.radians(max(incidence_deg, 1e-3)))
    mask = _shadow_east(z, slope, drop)
    if flip:
        mask = mask[:, ::-1]
    return mask.T if transpose else mask


def radiance_factor(
    albedo: np.ndarray,
    height_m: np.ndarray,
    resolution_m: float,
    sun: OrbitalPass,
    diffuse_fraction: float = DIFFUSE_FRACTION,
    slopes: FacetSlopes | None = None,
) -> np.ndarray:
    """I/F of the ground for one pass: Lambert direct beam with cast shadows, plus sky.

    ``slopes`` (:func:`facet_slopes` of ``height_m``) saves recomputing them per pass.
    """
    radiance = lambert_cos_incidence(
        height_m, resolution_m, sun.sun_incidence_deg, sun.sun_azimuth_deg, slopes
    )
    radiance[cast_shadow(height_m, resolution_m, sun.sun_incidence_deg, sun.sun_azimuth_deg)] = 0
    radiance *= np.float32(1.0 - diffuse_fraction)
    radiance += np.float32(diffuse_fraction * math.cos(math.radians(sun.sun_incidence_deg)))
    radiance *= albedo
    return radiance


@dataclass(frozen=True, slots=True)
class Instrument:
    """A HiRISE-class camera (see the module docstring for the figures)."""

    psf_fwhm_px: float = PSF_FWHM_PX
    snr: float = HIRISE_SNR
    bits: int = HIRISE_BITS
    full_scale_if: float = 0.5
    """I/F that fills the converter (a dusty plain at noon is ~0.25)."""


def blur_and_shift(image: np.ndarray, fwhm_px: float, shift_px: tuple[float, float]) -> np.ndarray:
    """Gaussian PSF and sub-pixel pointing shift in one Fourier product.

    Both are separable, so the transfer function is applied as a column factor times a
    row factor and never formed on the whole grid.  A Fourier product is periodic: the
    frame is first extended by its mirror image (:func:`numpy.pad`, ``symmetric``) over
    the PSF's reach (4 sigma) and the shift, so that the camera sees ground continuing
    past each edge, not the opposite edge's ground, and cut back afterwards.
    """
    rows, cols = image.shape
    sigma = fwhm_px / (2.0 * math.sqrt(2.0 * math.log(2.0)))
    widths = []
    for n, shift in zip(image.shape, shift_px, strict=True):
        margin = min(math.ceil(4.0 * sigma + abs(shift)) + 1, n - 1)
        widths.append((margin, scipy.fft.next_fast_len(n + 2 * margin) - n - margin))
    padded = np.pad(np.asarray(image, dtype=np.float32), widths, mode="symmetric")

    def transfer(freq: np.ndarray, shift: float) -> np.ndarray:
        return np.exp(-2.0 * (math.pi * sigma * freq) ** 2 - 2j * math.pi * freq * shift).astype(
            np.complex64
        )

    spectrum = scipy.fft.rfft2(padded, workers=-1)
    spectrum *= transfer(scipy.fft.fftfreq(padded.shape[0]), shift_px[0])[:, None]
    spectrum *= transfer(scipy.fft.rfftfreq(padded.shape[1]), shift_px[1])[None, :]
    out = scipy.fft.irfft2(spectrum, s=padded.shape, workers=-1)
    frame = out[widths[0][0] : widths[0][0] + rows, widths[1][0] : widths[1][0] + cols]
    return np.ascontiguousarray(frame, dtype=np.float32)


def observe(
    radiance: np.ndarray,
    rng: np.random.Generator,
    sun: OrbitalPass = OrbitalPass(),
    instrument: Instrument = Instrument(),
) -> np.ndarray:
    """What the camera records of a radiance-factor image: values in [0, 1] (DN / full scale).

    PSF and the pass's pointing shift, the pass's gain and offset, shot noise (variance
    of the photo-electron count; ``snr**2`` electrons at the median), quantisation to
    ``instrument.bits`` bits of ``instrument.full_scale_if``.
    """
    signal = blur_and_shift(radiance, instrument.psf_fwhm_px, sun.shift_px)
    signal *= np.float32(sun.gain)
    signal += np.float32(sun.offset)
    median = max(float(np.median(signal[:: max(1, signal.shape[0] // 256)])), 1e-6)
    electrons_per_if = instrument.snr**2 / median
    noise = np.clip(signal, 0.0, None)
    noise *= np.float32(1.0 / electrons_per_if)
    np.sqrt(noise, out=noise)
    noise *= rng.standard_normal(signal.shape, dtype=np.float32)
    signal += noise
    levels = float(2**instrument.bits - 1)
    signal *= np.float32(levels / instrument.full_scale_if)
    np.clip(signal, 0.0, levels, out=signal)
    np.round(signal, out=signal)
    signal *= np.float32(1.0 / levels)
    return signal


def browse(image: np.ndarray, max_side_px: int = 2048, clip_percent: float = 0.5) -> np.ndarray:
    """An 8-bit browse image: block-mean reduced to at most ``max_side_px`` a side and
    linearly stretched between the ``clip_percent`` and ``100 - clip_percent`` percentiles
    (the HiRISE browse products' stretch)."""
    from skimage.transform import downscale_local_mean

    factor = max(1, math.ceil(max(image.shape) / max_side_px))
    small = downscale_local_mean(image, (factor, factor)) if factor > 1 else image
    lo, hi = np.percentile(small, [clip_percent, 100.0 - clip_percent])
    scale = 255.0 / (hi - lo) if hi > lo else 0.0
    return np.round(np.clip((small - lo) * scale, 0.0, 255.0)).astype(np.uint8)
