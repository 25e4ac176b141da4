"""The ground an orbital image sees: heights and albedo at the image's resolution.

Heights are the sum of

* the site's terrain model (:class:`skycrane.terrain.grid.LocalTerrain`, a DTM or the
  seeded synthetic site) resampled with a bicubic spline (:func:`dem_heights`), when
  there is one;
* a self-affine surface of the site's Hurst exponent
  (:func:`skycrane.terrain.synthetic.fractal_surface`, Turcotte 1997), whose wavelengths
  beyond twice the terrain model's spacing are flattened so that the model keeps them,
  scaled so that the fine relief as a whole (with the craters, rocks and ripples below)
  has the RMS bidirectional slope ``fine_relief_rms_slope_1m_deg`` over a 1 m baseline
  (:func:`scale_to_rms_slope`);
* small craters from the site's size-frequency distribution, a fraction of Gault's
  (1970) equilibrium density ``N(>D) = f_eq 10^-1.1 D^-2``, down to 1 m, with the bowl,
  rim and ejecta of :func:`skycrane.terrain.synthetic.add_crater` (Pike 1977;
  McGetchin et al. 1973);
* rocks from Golombek & Rapp's (1997, JGR 102(E2) 4117) model of the cumulative
  fractional area ``F(D) = k exp(-q D)``, ``q = 1.79 + 0.152 / k``
  (:func:`skycrane.terrain.synthetic.rock_cumulative_count`), each a half-buried
  spheroid standing half its diameter high (as the synthetic site's rocks);
* patches of large wind ripples: wavelength ``ripple_wavelength_m`` (2.5 m) and
  amplitude ``ripple_amplitude_m`` (5 cm, crest to trough 10 cm), the 1-3 m ripples
  resolved in HiRISE images of Martian sand (Lapotre et al. 2016, Science 353, 55),
  crests across a seeded wind direction, covering ``ripple_cover`` of the ground.

Albedo: the Lambert albedo of a dusty plain (0.25) times gaussian-filtered noise at
40 m, 2 m and 0.3 m (regional tone, texture, small-scale variation), the ripple sand
``ripple_albedo_ratio`` darker (basaltic sand under thin dust) and rocks
``rock_albedo_ratio`` darker.  Every draw comes from one seeded generator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.fft
from scipy.interpolate import RectBivariateSpline

from skycrane.terrain.synthetic import (
    SITES,
    SiteStatistics,
    crater_relief_m,
    draw_craters,
    fractal_surface,
    rock_cumulative_count,
)

CRATER_D_MIN_M = 1.0
ROCK_D_MIN_M = 0.4


@dataclass(frozen=True, slots=True)
class SurfaceParams:
    """Statistics and appearance of the ground (see the module docstring)."""

    site: SiteStatistics = SITES["jezero"]
    mean_albedo: float = 0.25
    regional_amplitude: float = 0.06
    regional_sigma_m: float = 40.0
    texture_amplitude: float = 0.04
    texture_sigma_m: float = 2.0
    speckle_amplitude: float = 0.025
    speckle_sigma_m: float = 0.3
    ripple_wavelength_m: float = 2.5
    ripple_amplitude_m: float = 0.05
    ripple_cover: float = 0.25
    ripple_albedo_ratio: float = 0.9
    rock_albedo_ratio: float = 0.8
    rollover_m: float = 20.0
    """Wavelength beyond which the fine relief stops growing (twice a 10 m DTM's spacing)."""
    fine_relief_rms_slope_1m_deg: float | None = 5.4
    """RMS bidirectional slope of the fine relief over a 1 m baseline [deg] (Kirk et al.
    2008's statistic); None keeps the fractal at ``site.rms_slope_1m_deg`` on its own.
    No HiRISE figure of the Jezero floor was found (docs/imaging.md); 5.4 +- 1.0 deg is
    the rougher of the two rocky landed sites measured at 1 m from the landers' stereo,
    Pathfinder (VL1 4.8 +- 1.0 deg; Shepard, Seelos, Arvidson & Haldemann, "The roughness
    of the Martian surface", S2), an analogue (R), above the HiRISE-measured Phoenix sites
    (1.8-2.8 deg, Kirk et al. 2008, JGR 113 E00A24) and InSight's ellipse (mean slope
    3.2 deg at 1 m, Fergason et al. 2017, Space Sci. Rev. 211, 109)."""


@dataclass(frozen=True, slots=True)
class Surface:
    """Heights [m] and Lambert albedo of the ground, ``[row, col]`` with row 0 north."""

    height_m: np.ndarray
    albedo: np.ndarray
    resolution_m: float


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma_px: float) -> np.ndarray:
    """Unit-variance white noise filtered by a gaussian of ``sigma_px``, float32.

    Synthesised in the Fourier domain: white noise has a flat spectrum, so complex
    normal coefficients times the gaussian's transfer ``exp(-2 pi^2 sigma^2 f^2)``,
    transformed back (:func:`scipy.fft.irfft2`), are the filtered field (periodic
    edges).  Coefficients below 1e-6 of the peak are left out, and the mean.
    """
    rows, cols = shape
    gain = -2.0 * (math.pi * sigma_px) ** 2
    g_row = np.exp(gain * scipy.fft.fftfreq(rows) ** 2).astype(np.float32)
    g_col = np.exp(gain * scipy.fft.rfftfreq(cols) ** 2).astype(np.float32)
    keep_row, n_col = np.flatnonzero(g_row > 1e-6), int(np.count_nonzero(g_col > 1e-6))
    block = (keep_row.size, n_col)
    coeff = rng.standard_normal(block, dtype=np.float32) + 1j * rng.standard_normal(
        block, dtype=np.float32
    )
    coeff *= g_row[keep_row, None]
    coeff *= g_col[None, :n_col]
    coeff[0, 0] = 0.0  # zero mean (keep_row starts at frequency 0)
    # the columns' inverse transforms first, over the few columns that carry power
    spectrum = np.zeros((rows, n_col), dtype=np.complex64)
    spectrum[keep_row] = coeff
    half = np.zeros((rows, g_col.size), dtype=np.complex64)
    half[:, :n_col] = scipy.fft.ifft(spectrum, axis=0, workers=-1)
    field = scipy.fft.irfft(half, n=cols, axis=1, workers=-1)
    std = float(field.std())
    return field / np.float32(std) if std > 0 else np.zeros(shape, dtype=np.float32)


def _stamp(
    out: np.ndarray,
    centre_rc_px: np.ndarray,
    reach_px: np.ndarray,
    relief: Any,
    combine: np.ufunc,
) -> None:
    """Stamp each feature's relief into ``out`` in place, ``combine`` (np.add, np.maximum).

    ``centre_rc_px[k]`` is feature k's centre in fractional pixels and ``reach_px[k]``
    its radius of influence; ``relief(index, d_row, d_col)`` gives the heights of the
    features ``index`` at pixel offsets ``d_row, d_col`` from their centres (arrays of
    shape ``(n, w, w)``).  Features of equal integer reach are stamped together.
    """
    rows, cols = out.shape
    flat = out.reshape(-1)
    reach = np.ceil(reach_px).astype(np.int64)
    for k in np.unique(reach):
        index = np.flatnonzero(reach == k)
        offsets = np.arange(-int(k), int(k) + 1)
        corner = np.floor(centre_rc_px[index]).astype(np.int64)
        frac = (centre_rc_px[index] - corner).astype(np.float32)
        pix_r = corner[:, 0, None, None] + offsets[None, :, None]
        pix_c = corner[:, 1, None, None] + offsets[None, None, :]
        d_row = offsets.astype(np.float32)[None, :, None] - frac[:, 0, None, None]
        d_col = offsets.astype(np.float32)[None, None, :] - frac[:, 1, None, None]
        heights = relief(index, d_row, d_col)
        ok = (pix_r >= 0) & (pix_r < rows) & (pix_c >= 0) & (pix_c < cols) & (heights != 0.0)
        target = np.broadcast_to(pix_r * cols + pix_c, heights.shape)[ok]
        combine.at(flat, target, heights[ok])


def dem_heights(terrain: Any, east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray | None:
    """The terrain model's relief on the image grid (bicubic spline), ``[row, col]``.

    ``east_m[col]`` and ``north_m[row]`` are coordinates in the terrain's frame; beyond
    the model's edge its edge heights continue.  None when the terrain is flat or does
    not reach the image.
    """
    if terrain is None or terrain.is_flat:
        return None
    e, n = terrain.east_m, terrain.north_m
    pad = 3 * terrain.spacing_m
    cols = (e >= east_m.min() - pad) & (e <= east_m.max() + pad)
    rows = (n >= north_m.min() - pad) & (n <= north_m.max() + pad)
    if cols.sum() < 4 or rows.sum() < 4:
        return None
    spline = RectBivariateSpline(n[rows], e[cols], terrain.relief_m[np.ix_(rows, cols)])
    # beyond the model's edge its edge heights continue (a spline would extrapolate)
    north_in = np.clip(north_m, n[rows][0], n[rows][-1])
    east_in = np.clip(east_m, e[cols][0], e[cols][-1])
    order = np.argsort(north_in)
    z = np.empty((north_m.size, east_m.size), dtype=np.float32)
    z[order] = spline(north_in[order], east_in, grid=True)  # east_m increases
    return z - float(np.median(z))


def draw_rocks(rng: np.random.Generator, area_m2: float, k: float) -> np.ndarray:
    """Diameters [m] of the rocks >= ROCK_D_MIN_M on ``area_m2`` of rock abundance ``k``.

    The count is Poisson with the mean of Golombek & Rapp's cumulative number per m^2
    (:func:`skycrane.terrain.synthetic.rock_cumulative_count`); diameters follow that
    law by inverse transform sampling.
    """
    d = np.geomspace(ROCK_D_MIN_M, 10.0, 300)
    tail = rock_cumulative_count(k, d)  # rocks per m^2 >= D, decreasing
    n = rng.poisson(tail[0] * area_m2)
    return np.interp(rng.random(n) * tail[0], tail[::-1], d[::-1])


def _rocks(
    rng: np.random.Generator, shape: tuple[int, int], resolution_m: float, k: float
) -> np.ndarray:
    """Heights of Golombek & Rapp rocks placed uniformly: spheroids 0.5 D high."""
    diam = draw_rocks(rng, shape[0] * shape[1] * resolution_m**2, k)
    centres = rng.uniform(0.0, 1.0, (diam.size, 2)) * np.array(shape)
    radius_px = (0.5 * diam / resolution_m).astype(np.float32)
    height_m = (0.5 * diam).astype(np.float32)

    def spheroid(index: np.ndarray, d_row: np.ndarray, d_col: np.ndarray) -> np.ndarray:
        # pixel centres sit half a pixel past their corner index
        rho2 = ((d_row + 0.5) ** 2 + (d_col + 0.5) ** 2) / radius_px[index, None, None] ** 2
        return height_m[index, None, None] * np.sqrt(np.clip(1.0 - rho2, 0.0, None))

    out = np.zeros(shape, dtype=np.float32)
    _stamp(out, centres, radius_px, spheroid, np.maximum)
    return out


def _craters(
    rng: np.random.Generator, shape: tuple[int, int], resolution_m: float, p: SurfaceParams
) -> np.ndarray:
    """Heights of the site's small craters (module docstring), each reaching 3 radii."""
    diameters = draw_craters(
        shape[0] * shape[1] * resolution_m**2,
        CRATER_D_MIN_M,
        p.site.crater_fraction_of_equilibrium,
        rng,
    )
    centres = rng.uniform(0.0, 1.0, (diameters.size, 2)) * np.array(shape)
    ratios = rng.uniform(0.05, 0.2, diameters.size).astype(np.float32)
    diameters = diameters.astype(np.float32)
    radius_px = diameters / np.float32(2.0 * resolution_m)

    def bowl(index: np.ndarray, d_row: np.ndarray, d_col: np.ndarray) -> np.ndarray:
        rho = np.hypot(d_row, d_col) / radius_px[index, None, None]
        return crater_relief_m(rho, diameters[index, None, None], ratios[index, None, None])

    out = np.zeros(shape, dtype=np.float32)
    _stamp(out, centres, 3.0 * radius_px, bowl, np.add)
    return out


def _ripples(
    rng: np.random.Generator, shape: tuple[int, int], resolution_m: float, p: SurfaceParams
) -> tuple[np.ndarray, np.ndarray]:
    """Ripple heights and the sand-cover fraction (0-1), see the module docstring."""
    wind = rng.uniform(0.0, math.pi)
    wavenumber = 2.0 * math.pi / p.ripple_wavelength_m  # rad per metre
    phase = _noise(rng, shape, 8.0 / resolution_m)
    phase *= np.float32(0.15 * 2.0 * math.pi)  # crests wander by 0.15 wavelength
    phase += (wavenumber * resolution_m * math.cos(wind) * np.arange(shape[1]))[None, :].astype(
        np.float32
    )
    phase -= (wavenumber * resolution_m * math.sin(wind) * np.arange(shape[0]))[:, None].astype(
        np.float32
    )
    cover = _noise(rng, shape, 25.0 / resolution_m)
    threshold = float(np.quantile(cover[::8, ::8], 1.0 - p.ripple_cover))
    cover -= np.float32(threshold)
    cover *= np.float32(1.0 / 0.3)
    np.clip(cover, 0.0, 1.0, out=cover)
    heights = np.sin(phase, out=phase)
    heights *= cover
    heights *= np.float32(p.ripple_amplitude_m)
    return heights, cover


def _baseline_moments(a: np.ndarray, b: np.ndarray, baseline_px: int) -> tuple[float, float, float]:
    """Mean squares and mean product of ``a``'s and ``b``'s differences over ``baseline_px``
    along the columns and the rows (each direction weighted equally)."""
    k = baseline_px
    out = np.zeros(3)
    for far, near in (
        ((slice(None), slice(k, None)), (slice(None), slice(None, -k))),
        ((slice(k, None), slice(None)), (slice(None, -k), slice(None))),
    ):
        da = a[far] - a[near]
        db = b[far] - b[near]
        out += (
            0.5
            * np.array([np.vdot(da, da), np.vdot(db, db), np.vdot(da, db)], dtype=np.float64)
            / da.size
        )
    return float(out[0]), float(out[1]), float(out[2])


def scale_to_rms_slope(
    fractal_m: np.ndarray, others_m: np.ndarray, resolution_m: float, rms_slope_deg: float
) -> float:
    """The factor ``a`` giving ``a * fractal_m + others_m`` the RMS bidirectional slope
    ``rms_slope_deg`` over a 1 m baseline (Kirk et al. 2008's statistic; at least one pixel).

    With ``F`` and ``O`` the two fields' height differences over the baseline,
    ``<(a F + O)^2> = a^2 <F^2> + 2 a <F O> + <O^2>`` is solved for the positive root;
    when the craters, rocks and ripples alone are rougher than the target (a large
    crater's wall in a small frame) it is 0.
    """
    baseline_px = max(1, round(1.0 / resolution_m))
    target = (math.tan(math.radians(rms_slope_deg)) * baseline_px * resolution_m) ** 2
    f2, o2, fo = _baseline_moments(fractal_m, others_m, baseline_px)
    if f2 <= 0.0 or o2 >= target:
        return 0.0
    return (-fo + math.sqrt(fo * fo + f2 * (target - o2))) / f2


def make_surface(
    rng: np.random.Generator,
    shape: tuple[int, int],
    resolution_m: float,
    params: SurfaceParams = SurfaceParams(),
    base_height_m: np.ndarray | None = None,
) -> Surface:
    """Seeded heights and albedo of ``shape`` pixels at ``resolution_m`` (module docstring).

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness.
    shape : tuple of int
        ``(rows, cols)``.
    resolution_m : float
        Metres per pixel.
    params : SurfaceParams
        Site statistics and appearance.
    base_height_m : ndarray, optional
        The terrain model's relief on the image grid (:func:`dem_heights`).
    """
    p = params
    side = max(shape)
    z = fractal_surface(
        side, side, resolution_m, p.site, rng, rollover_m=p.rollover_m, dtype=np.float32
    )
    z = np.ascontiguousarray(z[: shape[0], : shape[1]])
    others = _craters(rng, shape, resolution_m, p)
    rocks = _rocks(rng, shape, resolution_m, p.site.rock_abundance)
    ripples, sand = _ripples(rng, shape, resolution_m, p)
    others += rocks
    others += ripples
    if p.fine_relief_rms_slope_1m_deg is not None:
        z *= np.float32(scale_to_rms_slope(z, others, resolution_m, p.fine_relief_rms_slope_1m_deg))
    z += others
    if base_height_m is not None:
        z += base_height_m.astype(np.float32)
    albedo = np.full(shape, p.mean_albedo, dtype=np.float32)
    for amplitude, sigma_m in (
        (p.regional_amplitude, p.regional_sigma_m),
        (p.texture_amplitude, p.texture_sigma_m),
        (p.speckle_amplitude, p.speckle_sigma_m),
    ):
        variation = _noise(rng, shape, max(sigma_m / resolution_m, 0.5))
        variation *= np.float32(amplitude)
        variation += np.float32(1.0)
        albedo *= variation
    sand *= np.float32(1.0 - p.ripple_albedo_ratio)
    np.subtract(np.float32(1.0), sand, out=sand)
    albedo *= sand
    albedo[rocks > 0.0] *= np.float32(p.rock_albedo_ratio)
    return Surface(z, np.clip(albedo, 0.0, 1.0, out=albedo), resolution_m)
