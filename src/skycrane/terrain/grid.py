"""The site's local height grid: what the kernel, the hazard map and the maps read.

A :class:`LocalTerrain` is a square-celled grid on the target's local
east/north tangent plane (metres from the target), holding the terrain's
*relief*: the height of the ground above the target's own ground, in metres.
The kernel adds the mission's ``target.altitude_m`` to it
(:func:`skycrane.propagate.ground.ground_altitude_m`), so a digital terrain
model whose heights are referred to another datum (MOLA heights are above the
areoid, the simulator's altitudes above the reference ellipsoid) places the
ground consistently: the target is where the mission file says, and the
ground around it has the model's shape.

Rows run north (row 0 southmost), columns east (column 0 westmost), so
``relief_m[i, j]`` is at east = ``east0_m + j * spacing_m``, north =
``north0_m + i * spacing_m``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skycrane.contract import layout as L
from skycrane.contract.fields_terrain import TERRAIN_EDGE_TAPER_M
from skycrane.planets import pf_from_lla
from skycrane.planets.constants import Planet
from skycrane.planets.geodesy import enu_matrix, lla_from_pf

MAX_GRID_NODES = 4_000_000
"""Largest local grid (nodes): 32 MB of float64, shipped once per Monte Carlo chunk."""


@dataclass(frozen=True)
class LocalTerrain:
    """Terrain relief on the target's local east/north grid.

    Attributes
    ----------
    relief_m : float64[n_north, n_east]
        Ground height above the target's ground [m] (0 at the target).
    east0_m, north0_m : float
        Local coordinates of node (0, 0) [m] from the target.
    spacing_m : float
        Node spacing, east and north [m].
    origin_pf_m : float64[3]
        The target on the ground, planet-fixed [m].
    east_pf, north_pf : float64[3]
        Unit east and north at the target, planet-fixed.
    source : str
        Where the relief comes from (a file, or the synthetic model and seed).
    rock_height_m : float64[n_north, n_east] or None
        Height of the largest rock in each cell [m], when known (synthetic
        sites; rocks are far below a terrain model's resolution).
    """

    relief_m: np.ndarray
    east0_m: float
    north0_m: float
    spacing_m: float
    origin_pf_m: np.ndarray
    east_pf: np.ndarray
    north_pf: np.ndarray
    source: str
    rock_height_m: np.ndarray | None = None

    @property
    def east_m(self) -> np.ndarray:
        """East coordinate of each column [m]."""
        return self.east0_m + self.spacing_m * np.arange(self.relief_m.shape[1])

    @property
    def north_m(self) -> np.ndarray:
        """North coordinate of each row [m]."""
        return self.north0_m + self.spacing_m * np.arange(self.relief_m.shape[0])

    @property
    def extent_m(self) -> tuple[float, float, float, float]:
        """(west, east, south, north) edges of the grid's nodes [m], for ``imshow``."""
        e, n = self.east_m, self.north_m
        return float(e[0]), float(e[-1]), float(n[0]), float(n[-1])

    @property
    def is_flat(self) -> bool:
        """True when there is no relief anywhere (the ground is the target's altitude)."""
        return self.relief_m.size < 4 or not np.any(self.relief_m)

    def kernel_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(relief[n_north, n_east], geom[N_TG])``: the model tuple's terrain slots."""
        geom = np.zeros(L.N_TG)
        geom[L.TG_EAST0_M] = self.east0_m
        geom[L.TG_NORTH0_M] = self.north0_m
        geom[L.TG_SPACING_M] = self.spacing_m
        geom[L.TG_ORIGIN_PF_M_X : L.TG_ORIGIN_PF_M_X + 3] = self.origin_pf_m
        geom[L.TG_EAST_PF_X : L.TG_EAST_PF_X + 3] = self.east_pf
        geom[L.TG_NORTH_PF_X : L.TG_NORTH_PF_X + 3] = self.north_pf
        return np.ascontiguousarray(self.relief_m, dtype=np.float64), geom

    def relief_at(self, east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray:
        """Bilinear relief [m] at local points, tapered to zero outside the grid over
        ``TERRAIN_EDGE_TAPER_M`` (twin of propagate.ground.relief_at)."""
        east_m, north_m = np.broadcast_arrays(np.asarray(east_m, float), np.asarray(north_m, float))
        out = np.zeros(east_m.shape)
        n_rows, n_cols = self.relief_m.shape
        if n_rows < 2 or n_cols < 2:
            return out
        u = (east_m - self.east0_m) / self.spacing_m
        v = (north_m - self.north0_m) / self.spacing_m
        u_in = np.clip(u, 0.0, n_cols - 1.0)
        v_in = np.clip(v, 0.0, n_rows - 1.0)
        outside_m = np.maximum(np.abs(u - u_in), np.abs(v - v_in)) * self.spacing_m
        near = outside_m < TERRAIN_EDGE_TAPER_M
        u, v = u_in[near], v_in[near]
        j = np.minimum(np.floor(u).astype(int), n_cols - 2)
        i = np.minimum(np.floor(v).astype(int), n_rows - 2)
        fu = u - j
        fv = v - i
        z = self.relief_m
        bilinear = (1 - fv) * ((1 - fu) * z[i, j] + fu * z[i, j + 1]) + fv * (
            (1 - fu) * z[i + 1, j] + fu * z[i + 1, j + 1]
        )
        out[near] = bilinear * (1.0 - outside_m[near] / TERRAIN_EDGE_TAPER_M)
        return out

    def local_from_pf(self, r_pf_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Local (east, north) [m] of planet-fixed positions ``r_pf_m[..., 3]``."""
        d = np.asarray(r_pf_m, float) - self.origin_pf_m
        return d @ self.east_pf, d @ self.north_pf


@dataclass(frozen=True)
class SiteFrame:
    """The target's tangent plane: where local grid nodes are on the planet."""

    planet: Planet
    latitude_deg: float
    longitude_deg: float
    altitude_m: float

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(origin_pf_m, east_pf, north_pf) at the target."""
        origin = pf_from_lla(self.latitude_deg, self.longitude_deg, self.altitude_m, self.planet)
        enu = enu_matrix(self.latitude_deg, self.longitude_deg, self.planet)
        return np.asarray(origin, float), enu[0].copy(), enu[1].copy()

    def lat_lon_deg(self, east_m: np.ndarray, north_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude [deg] (the planet's convention) of local points on the plane."""
        origin, e, n = self.axes()
        r = origin + np.asarray(east_m, float)[..., None] * e + np.asarray(north_m)[..., None] * n
        lat, lon, _ = lla_from_pf(r, self.planet)
        return np.asarray(lat), np.asarray(lon)

    def terrain(
        self,
        relief_m: np.ndarray,
        corner_m: tuple[float, float],
        spacing_m: float,
        source: str,
        rock_height_m: np.ndarray | None = None,
    ) -> LocalTerrain:
        """A :class:`LocalTerrain` of ``relief_m``; node (0, 0) at (east, north) ``corner_m``."""
        origin, e, n = self.axes()
        relief = np.ascontiguousarray(relief_m, dtype=np.float64)
        relief.setflags(write=False)
        if rock_height_m is not None:
            rock_height_m.setflags(write=False)
        east0, north0 = corner_m
        return LocalTerrain(relief, east0, north0, spacing_m, origin, e, n, source, rock_height_m)

    def flat(self) -> LocalTerrain:
        """No relief: the ground is the target's altitude everywhere."""
        return self.terrain(np.zeros((0, 0)), (0.0, 0.0), 1.0, "flat")


def node_coordinates(half_width_m: float, spacing_m: float) -> np.ndarray:
    """Node coordinates -W .. W [m] of a square grid centred on the target."""
    n = int(np.floor(half_width_m / spacing_m))
    return spacing_m * np.arange(-n, n + 1)
