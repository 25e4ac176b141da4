"""The ground under a body: a bilinear lookup on the site's local height grid (compiled).

The kernel's ground is the target's altitude above the reference ellipsoid
(``P_GROUND_ALT_M``) plus the terrain relief of the site's local grid
(:class:`skycrane.terrain.grid.LocalTerrain`, whose ``relief_at`` is the
NumPy twin of :func:`relief_at`), read at the body's local east and north
coordinates. Those are the projections of the body's planet-fixed
position relative to the target onto the target's east and north unit
vectors (a tangent plane: over the grid's few kilometres the difference from
distances along the surface is below a millimetre, s^3 / (24 R^2)).

Inside the grid the relief is the bilinear interpolant of the four nodes
around the point, continuous across cells, so an event function built on it
has a root the integrator can locate. Outside the grid, and with an empty
grid (a mission without terrain), the relief is zero: the ground is the
target's altitude, as it was before terrain existed.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE
from skycrane.contract.layout import (
    TG_EAST0_M,
    TG_EAST_PF_X,
    TG_EAST_PF_Y,
    TG_EAST_PF_Z,
    TG_NORTH0_M,
    TG_NORTH_PF_X,
    TG_NORTH_PF_Y,
    TG_NORTH_PF_Z,
    TG_ORIGIN_PF_M_X,
    TG_ORIGIN_PF_M_Y,
    TG_ORIGIN_PF_M_Z,
    TG_SPACING_M,
)


@numba.njit(**SCALAR_INLINE)
def relief_at(east_m, north_m, relief, geom):
    """Bilinear relief [m] of ``relief[north, east]`` at local (east_m, north_m); 0 outside.

    ``geom`` is the grid's geometry vector (contract.fields.TERRAIN_GEOM):
    node (i, j) sits at east = TG_EAST0_M + j * TG_SPACING_M, north =
    TG_NORTH0_M + i * TG_SPACING_M.
    """
    n_rows = relief.shape[0]
    n_cols = relief.shape[1]
    if n_rows < 2 or n_cols < 2:
        return 0.0
    h = geom[TG_SPACING_M]
    u = (east_m - geom[TG_EAST0_M]) / h
    v = (north_m - geom[TG_NORTH0_M]) / h
    if not (u >= 0.0 and v >= 0.0 and u <= n_cols - 1 and v <= n_rows - 1):
        return 0.0
    j = min(math.floor(u), n_cols - 2)
    i = min(math.floor(v), n_rows - 2)
    fu = u - j
    fv = v - i
    z00 = relief[i, j]
    z01 = relief[i, j + 1]
    z10 = relief[i + 1, j]
    z11 = relief[i + 1, j + 1]
    return (1.0 - fv) * ((1.0 - fu) * z00 + fu * z01) + fv * ((1.0 - fu) * z10 + fu * z11)


@numba.njit(**SCALAR_INLINE)
def local_east_north_m(x, y, z, geom):
    """Local (east, north) [m] of planet-fixed (x, y, z) on the target's tangent plane."""
    dx = x - geom[TG_ORIGIN_PF_M_X]
    dy = y - geom[TG_ORIGIN_PF_M_Y]
    dz = z - geom[TG_ORIGIN_PF_M_Z]
    east = dx * geom[TG_EAST_PF_X] + dy * geom[TG_EAST_PF_Y] + dz * geom[TG_EAST_PF_Z]
    north = dx * geom[TG_NORTH_PF_X] + dy * geom[TG_NORTH_PF_Y] + dz * geom[TG_NORTH_PF_Z]
    return east, north


@numba.njit(**SCALAR_INLINE)
def ground_altitude_m(x, y, z, relief, geom, site_altitude_m):
    """Ground altitude [m] above the reference ellipsoid below planet-fixed (x, y, z)."""
    if relief.shape[0] < 2:
        return site_altitude_m
    east, north = local_east_north_m(x, y, z, geom)
    return site_altitude_m + relief_at(east, north, relief, geom)
