"""The ground an orbital image sees: heights and albedo at the image's resolution.

Heights are the sum of

* the site's terrain model (:class:`skycrane.terrain.grid.LocalTerrain`, a DTM or the
  seeded synthetic site) resampled with a bicubic spline (:func:`dem_heights`), when
  there is one;
* a self-affine surface of the site's RMS slope and Hurst exponent
  (:func:`skycrane.terrain.synthetic.fractal_surface`, Turcotte 1997), whose wavelengths
  beyond twice the terrain model's spacing are flattened so that the model keeps them;
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
from scipy import ndimage
from scipy.interpolate import RectBivariateSpline

from skycrane.terrain.synthetic import (
    SITES,
    SiteStatistics,
    add_crater,
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


@dataclass(frozen=True, slots=True)
class Surface:
    """Heights [m] and Lambert albedo of the ground, ``[row, col]`` with row 0 north."""

    height_m: np.ndarray
    albedo: np.ndarray
    resolution_m: float


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma_px: float) -> np.ndarray:
    """Unit-variance gaussian-filtered white noise (coarse grid + zoom for long correlations)."""
    factor = int(sigma_px // 3)
    if factor >= 2:
        coarse_shape = tuple(-(-n // factor) + 4 for n in shape)
        coarse = ndimage.gaussian_filter(
            rng.standard_normal(coarse_shape, dtype=np.float32), sigma_px / factor
        )
        field = ndimage.zoom(coarse, factor, order=1)[: shape[0], : shape[1]]
    else:
        field = ndimage.gaussian_filter(rng.standard_normal(shape, dtype=np.float32), sigma_px)
    std = float(field.std())
    return field / std if std > 0 else field


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
    n = diam.size
    rows = rng.uniform(0, shape[0], n)
    cols = rng.uniform(0, shape[1], n)
    out = np.zeros(shape, dtype=np.float32)
    radius_px = 0.5 * diam / resolution_m
    reach = np.ceil(radius_px).astype(int)
    for k_px in np.unique(reach):
        sel = reach == k_px
        r, c, rad, h = rows[sel], cols[sel], radius_px[sel], 0.5 * diam[sel]
        ri, ci = r.astype(int), c.astype(int)
        for di in range(-k_px, k_px + 1):
            for dj in range(-k_px, k_px + 1):
                rr, cc = ri + di, ci + dj
                rho2 = ((rr + 0.5 - r) ** 2 + (cc + 0.5 - c) ** 2) / rad**2
                ok = (rho2 < 1.0) & (rr >= 0) & (cc >= 0) & (rr < shape[0]) & (cc < shape[1])
                np.maximum.at(out, (rr[ok], cc[ok]), (h[ok] * np.sqrt(1.0 - rho2[ok])))
    return out


def _ripples(
    rng: np.random.Generator, shape: tuple[int, int], resolution_m: float, p: SurfaceParams
) -> tuple[np.ndarray, np.ndarray]:
    """Ripple heights and the sand-cover fraction (0-1), see the module docstring."""
    wind = rng.uniform(0.0, math.pi)
    rows, cols = np.indices(shape, dtype=np.float32)
    along = (cols * math.cos(wind) - rows * math.sin(wind)) * resolution_m
    wobble = 0.15 * p.ripple_wavelength_m * _noise(rng, shape, 8.0 / resolution_m)
    phase = 2.0 * math.pi * (along + wobble) / p.ripple_wavelength_m
    patches = _noise(rng, shape, 25.0 / resolution_m)
    threshold = float(np.quantile(patches[::8, ::8], 1.0 - p.ripple_cover))
    cover = np.clip((patches - threshold) / 0.3, 0.0, 1.0)
    return (p.ripple_amplitude_m * cover * np.sin(phase)).astype(np.float32), cover


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
    z = fractal_surface(side, side, resolution_m, p.site, rng, rollover_m=p.rollover_m)
    z = z[: shape[0], : shape[1]].astype(np.float32)
    axis = resolution_m * np.arange(side)
    diameters = draw_craters(
        shape[0] * shape[1] * resolution_m**2,
        CRATER_D_MIN_M,
        p.site.crater_fraction_of_equilibrium,
        rng,
    )
    centres = rng.uniform(0.0, 1.0, (diameters.size, 2)) * np.array(shape) * resolution_m
    ratios = rng.uniform(0.05, 0.2, diameters.size)
    canvas = np.zeros((side, side), dtype=np.float32)
    for diameter, (north, east), ratio in zip(diameters, centres, ratios, strict=True):
        add_crater(canvas, axis, (east, north), float(diameter), float(ratio))
    z += canvas[: shape[0], : shape[1]]
    rocks = _rocks(rng, shape, resolution_m, p.site.rock_abundance)
    ripples, sand = _ripples(rng, shape, resolution_m, p)
    z += rocks + ripples
    if base_height_m is not None:
        z += base_height_m.astype(np.float32)
    albedo = np.full(shape, p.mean_albedo, dtype=np.float32)
    for amplitude, sigma_m in (
        (p.regional_amplitude, p.regional_sigma_m),
        (p.texture_amplitude, p.texture_sigma_m),
        (p.speckle_amplitude, p.speckle_sigma_m),
    ):
        albedo *= 1.0 + amplitude * _noise(rng, shape, max(sigma_m / resolution_m, 0.5))
    albedo *= 1.0 - (1.0 - p.ripple_albedo_ratio) * sand
    albedo *= np.where(rocks > 0.0, np.float32(p.rock_albedo_ratio), np.float32(1.0))
    return Surface(z, np.clip(albedo, 0.0, 1.0).astype(np.float32), resolution_m)
