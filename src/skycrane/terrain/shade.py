"""Hillshade of a site's terrain: the background of every site map.

The reflectance of a Lambertian surface lit by a distant sun at azimuth A
(clockwise from north) and elevation E is cos(i) = sin E cos s + cos E sin s
cos(A - a), s the slope and a the aspect (downhill direction, clockwise from
north) (Horn 1981, Proc. IEEE 69(1) 14, eq. 9, the standard GIS hillshade).
"""

from __future__ import annotations

import numpy as np

from skycrane.terrain.grid import LocalTerrain


def hillshade(
    relief_m: np.ndarray, spacing_m: float, azimuth_deg: float = 315.0, elevation_deg: float = 45.0
) -> np.ndarray:
    """Shade in [0, 1] of ``relief_m[north, east]`` (row 0 south) lit from ``azimuth_deg``."""
    dz_dn, dz_de = np.gradient(np.asarray(relief_m, float), spacing_m)
    slope = np.arctan(np.hypot(dz_de, dz_dn))
    aspect = np.arctan2(-dz_de, -dz_dn)  # downhill direction, clockwise from north
    sun_az = np.radians(azimuth_deg)
    sun_el = np.radians(elevation_deg)
    shade = np.sin(sun_el) * np.cos(slope) + np.cos(sun_el) * np.sin(slope) * np.cos(
        sun_az - aspect
    )
    return np.clip(shade, 0.0, 1.0)


def terrain_shade(terrain: LocalTerrain, max_nodes: int = 800) -> tuple[np.ndarray, tuple]:
    """(hillshade, extent) of ``terrain`` for ``imshow(origin="lower")``, <= ``max_nodes`` wide.

    The extent is (west, east, south, north) in metres from the target.
    """
    step = max(1, int(np.ceil(max(terrain.relief_m.shape) / max_nodes)))
    z = terrain.relief_m[::step, ::step]
    shade = hillshade(z, terrain.spacing_m * step)
    half = 0.5 * terrain.spacing_m * step
    e = terrain.east0_m + terrain.spacing_m * step * np.arange(z.shape[1])
    n = terrain.north0_m + terrain.spacing_m * step * np.arange(z.shape[0])
    return shade, (e[0] - half, e[-1] + half, n[0] - half, n[-1] + half)
