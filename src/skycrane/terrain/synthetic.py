"""A seeded synthetic landing site: slopes, craters and boulder fields of documented statistics.

Used when a mission names no terrain model (``[site] synthetic = "jezero"`` or
``"gale"``). Three parts, each from a published statistic of Mars landing
sites, with the site-type values in :data:`SITES`:

* **Slopes.** A self-affine (fractional Brownian) surface: its RMS slope over a
  baseline L falls as s(L) = s(1 m) L^(H - 1), H the Hurst exponent. Martian
  plains have H = 0.7 - 0.9 over metres to kilometres (Orosei et al. 2003,
  JGR 108(E4) 8023; Kreslavsky & Head 2000, JGR 105(E11) 26695); RMS slopes at
  a 1 m baseline from HiRISE stereo of candidate landing sites are a few
  degrees to ~10 deg (Kirk et al. 2008, JGR 113 E00A24). It is synthesised by
  spectral filtering of white noise (power spectral density ~ f^-(2H + 2),
  Turcotte 1997, "Fractals and chaos in geology and geophysics", ch. 7) and
  scaled to s(L) at the grid spacing. Beyond a roll-over length of 1 km the
  spectrum is flat: plains such as Gale's and Jezero's floors have km-scale
  slopes of about a degree (Kreslavsky & Head 2000), not the tens of metres of
  relief a self-affine surface would keep adding.
* **Craters.** Cumulative number per m^2 larger than D [m]:
  N(>D) = f_eq 10^-1.1 D^-2, a fraction f_eq of the empirical equilibrium
  (saturation) density of small craters (Gault 1970, Radio Sci. 5(2) 273;
  applied to Mars landing sites by Golombek et al. 2012, Space Sci. Rev. 170
  641). Each crater is a paraboloid bowl of depth d = (d/D) D with d/D drawn
  between 0.05 (degraded) and 0.2 (fresh, Pike 1977), a rim of height
  0.04 D x (d/D) / 0.2 and an ejecta blanket thinning as (r/R)^-3
  (McGetchin et al. 1973, EPSL 20 226).
* **Rocks.** The fraction of area covered by rocks of diameter >= D is
  F(D) = k exp(-q D), q = 1.79 + 0.152 / k (Golombek & Rapp 1997, JGR 102(E2)
  4117), k the site's rock abundance; a rock stands about half its diameter
  high. Rocks are far smaller than the grid's cells, so they are not in the
  heights: each cell gets the height of its largest rock, drawn from the
  Poisson count the model gives for the cell's area. Boulder fields are the
  ejecta of fresh craters (d/D > 0.15), where k is three times the site's
  (rocks excavated by the impact, Golombek et al. 2003, JGR 108(E12) 8086).

The statistics per site type are round values inside the published ranges
for Gale's Aeolis Palus (MSL) and Jezero's crater floor (Mars 2020); they are
not fitted to either site's terrain model. Same seed, same terrain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.fft

from skycrane.terrain.grid import LocalTerrain, SiteFrame, node_coordinates

GAULT_EQUILIBRIUM = 10.0**-1.1
"""Equilibrium crater density coefficient [m^-2 m^2]: N(>D) = 10^-1.1 D^-2 (Gault 1970)."""
ROLLOVER_M = 1000.0
"""Wavelength above which the synthetic relief stops growing [m] (see the module docstring)."""
CRATER_D_MAX_M = 1000.0
"""Largest crater drawn [m]: larger ones are the site's geology, not a statistic."""


@dataclass(frozen=True, slots=True)
class SiteStatistics:
    """What a synthetic site of one type looks like (see the module docstring)."""

    rms_slope_1m_deg: float
    """RMS slope over a 1 m baseline [deg]."""
    hurst: float
    """Hurst exponent of the self-affine surface [-]."""
    crater_fraction_of_equilibrium: float
    """f_eq: the small-crater density as a fraction of Gault's equilibrium [-]."""
    rock_abundance: float
    """k: fraction of the area covered by rocks [-]."""


SITES = {
    # Gale, Aeolis Palus: smooth, low rock abundance plains (Golombek et al. 2012)
    "gale": SiteStatistics(6.0, 0.8, 0.05, 0.04),
    # Jezero crater floor: rougher, rockier (Grant et al. 2018, PSS 164 106)
    "jezero": SiteStatistics(8.0, 0.8, 0.08, 0.07),
}


def fractal_surface(
    n_rows: int,
    n_cols: int,
    spacing_m: float,
    stats: SiteStatistics,
    rng: np.random.Generator,
    rollover_m: float = ROLLOVER_M,
    dtype: type = np.float64,
) -> np.ndarray:
    """Self-affine heights [m] with the site's RMS slope at a baseline of ``spacing_m``.

    The spectrum is flat beyond wavelengths of ``rollover_m``.  ``dtype`` is that of the
    transforms and the result (the same random draws either way).
    """
    noise = rng.standard_normal((n_rows, n_cols)).astype(dtype, copy=False)
    fy = scipy.fft.fftfreq(n_rows)[:, None]
    fx = scipy.fft.rfftfreq(n_cols)[None, :]
    amplitude = ((fx / spacing_m) ** 2 + (fy / spacing_m) ** 2).astype(dtype)  # (cycles/m)^2
    amplitude += 1.0 / rollover_m**2
    np.power(amplitude, -0.5 * (stats.hurst + 1.0), out=amplitude)  # PSD ~ f^-(2H+2)
    amplitude[0, 0] = 0.0  # no mean
    spectrum = scipy.fft.rfft2(noise, workers=-1)
    spectrum *= amplitude
    z = scipy.fft.irfft2(spectrum, s=(n_rows, n_cols), workers=-1)
    sum_sq = float(np.sum(np.square(np.diff(z, axis=0)))) + float(
        np.sum(np.square(np.diff(z, axis=1)))
    )
    count = (n_rows - 1) * n_cols + n_rows * (n_cols - 1)
    rms_now = np.sqrt(sum_sq / count) / spacing_m
    target = np.tan(np.radians(stats.rms_slope_1m_deg)) * spacing_m ** (stats.hurst - 1.0)
    z *= target / rms_now
    return z


def draw_craters(
    area_m2: float, d_min_m: float, fraction: float, rng: np.random.Generator
) -> np.ndarray:
    """Crater diameters [m] of N(>D) = fraction 10^-1.1 D^-2 on ``area_m2``, D_min <= D <= D_max."""
    n_mean = area_m2 * fraction * GAULT_EQUILIBRIUM * (d_min_m**-2 - CRATER_D_MAX_M**-2)
    n = rng.poisson(max(n_mean, 0.0))
    u = rng.random(n)
    # inverse of the truncated power-law cumulative distribution (exponent -2)
    inv = d_min_m**-2 - u * (d_min_m**-2 - CRATER_D_MAX_M**-2)
    return inv**-0.5


def add_crater(
    z: np.ndarray, axis: np.ndarray, center: tuple[float, float], diameter_m: float, d_ratio: float
) -> tuple[slice, slice, np.ndarray]:
    """Add one crater's bowl, rim and ejecta to ``z`` in place; return its window and r/R there."""
    radius = 0.5 * diameter_m
    spacing = axis[1] - axis[0]
    reach = 3.0 * radius
    e0, n0 = center
    j0, j1 = np.searchsorted(axis, [e0 - reach, e0 + reach])
    i0, i1 = np.searchsorted(axis, [n0 - reach, n0 + reach])
    rows, cols = slice(i0, i1), slice(j0, j1)
    if i1 <= i0 or j1 <= j0 or spacing <= 0.0:
        return rows, cols, np.zeros((0, 0))
    de = axis[cols][None, :] - e0
    dn = axis[rows][:, None] - n0
    rho = np.hypot(de, dn) / radius
    z[rows, cols] += crater_relief_m(rho, diameter_m, d_ratio)
    return rows, cols, rho


def crater_relief_m(rho: np.ndarray, diameter_m: Any, d_ratio: Any) -> np.ndarray:
    """Height [m] of a crater's bowl, rim and ejecta at ``rho = r / R`` (module docstring).

    Paraboloid bowl of depth ``d_ratio D`` inside ``rho < 1`` rising to the rim height
    ``0.04 D d_ratio / 0.2``, ejecta thinning as ``rho^-3`` outside (Pike 1977;
    McGetchin et al. 1973).  ``diameter_m`` and ``d_ratio`` broadcast against ``rho``.
    """
    depth = d_ratio * diameter_m
    rim = 0.04 * diameter_m * d_ratio / 0.2
    return np.where(rho < 1.0, (depth + rim) * rho**2 - depth, rim * np.maximum(rho, 1.0) ** -3)


def rock_cumulative_count(k: float, diameters_m: np.ndarray) -> np.ndarray:
    """Rocks per m^2 of diameter >= D (Golombek & Rapp 1997's area law, counted)."""
    q = 1.79 + 0.152 / k
    d = np.geomspace(0.05, 20.0, 600)
    density = k * q * np.exp(-q * d) / (np.pi * d * d / 4.0)  # number per m^2 per m
    tail = np.concatenate(
        [np.cumsum((0.5 * (density[1:] + density[:-1]) * np.diff(d))[::-1])[::-1], [0.0]]
    )
    return np.interp(diameters_m, d, tail)


def largest_rock_height_m(
    k_map: np.ndarray, cell_area_m2: float, rng: np.random.Generator
) -> np.ndarray:
    """Height [m] of the largest rock in each cell (0: none above 0.1 m diameter)."""
    d = np.geomspace(0.1, 20.0, 400)
    out = np.zeros(k_map.shape)
    u = rng.random(k_map.shape)
    for k in np.unique(k_map):
        cells = k_map == k
        n_cum = rock_cumulative_count(float(k), d) * cell_area_m2  # expected count >= D
        # P(largest < D) = exp(-n_cum(D)): the largest is D where n_cum(D) = -ln u
        target = -np.log(u[cells])
        has = target < n_cum[0]
        diam = np.interp(target[has], n_cum[::-1], d[::-1])
        vals = np.zeros(target.shape)
        vals[has] = 0.5 * diam
        out[cells] = vals
    return out


def synthetic_site(
    site_type: str, seed: int, frame: SiteFrame, half_width_m: float, spacing_m: float
) -> LocalTerrain:
    """The seeded synthetic terrain of ``site_type`` (a key of :data:`SITES`) on ``frame``."""
    stats = SITES[site_type]
    rng = np.random.default_rng(seed)
    axis = node_coordinates(half_width_m, spacing_m)
    n = axis.size
    z = fractal_surface(n, n, spacing_m, stats, rng)
    extent = axis[-1] - axis[0]
    diameters = draw_craters(
        extent * extent, 4.0 * spacing_m, stats.crater_fraction_of_equilibrium, rng
    )
    centers = rng.uniform(axis[0], axis[-1], size=(diameters.size, 2))
    d_ratios = rng.uniform(0.05, 0.2, size=diameters.size)
    k_map = np.full(z.shape, stats.rock_abundance)
    for diameter, center, ratio in zip(diameters, centers, d_ratios, strict=True):
        rows, cols, rho = add_crater(z, axis, (center[0], center[1]), diameter, ratio)
        if ratio > 0.15 and rho.size:
            ejecta = (rho >= 1.0) & (rho < 2.5)
            k_map[rows, cols] = np.where(ejecta, 3.0 * stats.rock_abundance, k_map[rows, cols])
    rocks = largest_rock_height_m(k_map, spacing_m * spacing_m, rng)
    mid = n // 2
    relief = z - z[mid, mid]  # the target's ground is target.altitude_m
    corner = (float(axis[0]), float(axis[0]))
    return frame.terrain(relief, corner, spacing_m, f"synthetic {site_type}, seed {seed}", rocks)
