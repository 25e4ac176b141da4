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
has a root the integrator can locate. With an empty grid (a mission
without terrain) the relief is zero: the ground is the target's altitude, as
it was before terrain existed. Outside a grid the relief falls linearly from
the edge's value (the nearest edge point's bilinear relief) to zero over
``TERRAIN_EDGE_TAPER_M`` beyond the edge (Chebyshev distance), and is zero farther out.
A grid that simply stopped would put a cliff of the edge's relief (tens of
metres at the synthetic sites) under a vehicle landing near the edge: the
radar's slant beams would range to the datum beyond it while the rover
touched the relief inside, and the sky crane would meet the ground at
several m/s (a dispersed Mars 2020 case diverted to the hazard map's edge
cell did, docs/terrain.md). The taper is no terrain model, only the least
surprising continuous ground where the grid has none: 1 km holds the
synthetic sites' ~20-60 m edge relief to slopes of 1-3 degrees.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE
from skycrane.contract.fields_terrain import TERRAIN_EDGE_TAPER_M
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
    """Bilinear relief [m] of ``relief[north, east]`` at local (east_m, north_m).

    Outside the grid: the nearest edge point's relief, tapered linearly to
    zero over ``TERRAIN_EDGE_TAPER_M`` (module docstring).

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
    if math.isnan(u) or math.isnan(v):
        return 0.0
    u_in = min(max(u, 0.0), n_cols - 1.0)
    v_in = min(max(v, 0.0), n_rows - 1.0)
    outside_m = max(abs(u - u_in), abs(v - v_in)) * h
    if outside_m >= TERRAIN_EDGE_TAPER_M:
        return 0.0
    u, v = u_in, v_in
    j = min(math.floor(u), n_cols - 2)
    i = min(math.floor(v), n_rows - 2)
    fu = u - j
    fv = v - i
    z00 = relief[i, j]
    z01 = relief[i, j + 1]
    z10 = relief[i + 1, j]
    z11 = relief[i + 1, j + 1]
    z = (1.0 - fv) * ((1.0 - fu) * z00 + fu * z01) + fv * ((1.0 - fu) * z10 + fu * z11)
    return z * (1.0 - outside_m / TERRAIN_EDGE_TAPER_M)


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
