"""Where a rover may land: the safe map of a site's local terrain grid.

A cell is safe when the ground's slope, its roughness and its rocks are all
within what the lander tolerates. The thresholds are the Mars Science
Laboratory / Mars 2020 landing-system requirements used in site selection
(Golombek et al. 2012, Space Sci. Rev. 170 641, table 1): slopes below 15 deg
over the rover's few-metre footprint, and no rock or relief step higher than
0.55 m, the rover's belly-pan clearance less margin.

* **Slope** is the gradient of the height grid by central differences (a
  baseline of two grid spacings), as a tilt angle from the horizontal.
* **Roughness** is the largest residual of the heights about the
  best-fitting plane over the 3 x 3 nodes around each node (a relief step a
  plane cannot follow: crater rims, scarps).
* **Rocks** are the height of the largest rock of each cell, when the terrain
  knows it (synthetic sites; a terrain model's pixels are larger than rocks).

:func:`hazard` returns ``(safe, east0_m, north0_m, spacing_m)``: the boolean
map on the site's local east/north grid (row 0 south, column 0 west) and its
geometry, what safe-target selection consumes.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter

from skycrane.terrain.grid import LocalTerrain

MAX_SLOPE_DEG = 15.0
"""Largest safe slope [deg] (MSL/M2020 landing-system requirement, Golombek et al. 2012)."""
MAX_RELIEF_M = 0.55
"""Largest safe rock or roughness height [m] (same source)."""


def slope_deg(relief_m: np.ndarray, spacing_m: float) -> np.ndarray:
    """Tilt [deg] of the ground at each node, from central differences (one-sided at edges)."""
    dz_dn, dz_de = np.gradient(relief_m, spacing_m)
    return np.degrees(np.arctan(np.hypot(dz_de, dz_dn)))


def roughness_m(relief_m: np.ndarray) -> np.ndarray:
    """Largest residual [m] of the 3 x 3 neighbourhood of each node about its least-squares plane.

    The largest, not the RMS: the rover's clearance is against the highest
    bump or step a plane cannot follow.

    On a regular 3 x 3 stencil the plane's mean, east and north slopes are
    uncorrelated: the plane's value at the centre is the stencil's mean and its
    slopes b (per node) are the central differences averaged over the stencil;
    the residuals about it are summed directly (not as var - explained, which
    cancels catastrophically on steep ground).
    Nodes on the grid's edge, with no full stencil, take their inner neighbour's.
    """
    z = np.asarray(relief_m, float)
    if min(z.shape) < 3:
        return np.zeros(z.shape)
    n_rows, n_cols = z.shape
    centre = z[1:-1, 1:-1]
    mean = uniform_filter(z, 3)[1:-1, 1:-1]
    # least-squares slopes on the stencil: sum(x z) / sum(x^2), x in {-1, 0, 1}, sum(x^2) = 6
    b_e = uniform_filter(z[:, 2:] - z[:, :-2], (3, 1))[1:-1, :] / 2.0
    b_n = uniform_filter(z[2:, :] - z[:-2, :], (1, 3))[:, 1:-1] / 2.0
    inner = np.zeros(centre.shape)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            nb = z[1 + di : n_rows - 1 + di, 1 + dj : n_cols - 1 + dj]
            np.maximum(inner, np.abs(nb - mean - b_e * dj - b_n * di), out=inner)
    return np.pad(inner, 1, mode="edge")  # edge nodes take their inner neighbour's stencil


def hazard(
    terrain: LocalTerrain,
    max_slope_deg: float = MAX_SLOPE_DEG,
    max_relief_m: float = MAX_RELIEF_M,
) -> tuple[np.ndarray, float, float, float]:
    """The safe map of ``terrain``: ``(safe[n_north, n_east], east0_m, north0_m, spacing_m)``.

    A flat terrain (no grid) is one safe node at the target.
    """
    if terrain.relief_m.shape[0] < 3 or terrain.relief_m.shape[1] < 3:
        return np.ones((1, 1), bool), 0.0, 0.0, terrain.spacing_m
    z = terrain.relief_m
    safe = slope_deg(z, terrain.spacing_m) <= max_slope_deg
    safe &= roughness_m(z) <= max_relief_m
    if terrain.rock_height_m is not None:
        safe &= terrain.rock_height_m <= max_relief_m
    return safe, terrain.east0_m, terrain.north0_m, terrain.spacing_m
