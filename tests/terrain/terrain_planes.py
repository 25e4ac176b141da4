"""Small synthetic GeoTIFFs with a known plane, written with rasterio in the tests."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine

MARS_R_M = 3396190.0
"""IAU Mars sphere radius of MOLA/HiRISE products [m]."""
TARGET_LAT = 18.4447
TARGET_LON = 77.4508
"""The m2020 preset's target (deg, planetocentric)."""
OFFSET_M = 1234.5
"""The file's height at the target: a datum offset the local grid removes."""
GRAD_EAST = 0.03
GRAD_NORTH = -0.02
"""The plane's slopes, m per m east and north."""

GEOGRAPHIC = f"+proj=longlat +R={MARS_R_M} +no_defs"
PROJECTED = (
    f"+proj=eqc +lat_ts={TARGET_LAT} +lat_0=0 +lon_0=70 +x_0=0 +y_0=0 +R={MARS_R_M} "
    "+units=m +no_defs"
)


def plane_height(east_m, north_m):
    """The file's height [m] at local (east, north) metres from the target."""
    return OFFSET_M + GRAD_EAST * np.asarray(east_m) + GRAD_NORTH * np.asarray(north_m)


def write_plane(path: Path, crs: str | None, half_width_m: float = 7000.0, pixel_m: float = 20.0):
    """A GeoTIFF of :func:`plane_height` around the target, in ``crs`` (None: no CRS)."""
    n = int(2 * half_width_m / pixel_m)
    offsets = (np.arange(n) + 0.5) * pixel_m - half_width_m  # pixel centres, m from the target
    coslat = math.cos(math.radians(TARGET_LAT))
    if crs is None or crs == GEOGRAPHIC:
        dlat = math.degrees(pixel_m / MARS_R_M)
        dlon = dlat / coslat
        west = TARGET_LON - n / 2 * dlon
        north = TARGET_LAT + n / 2 * dlat
        transform = Affine(dlon, 0.0, west, 0.0, -dlat, north)
        lon = west + (np.arange(n) + 0.5) * dlon
        lat = north - (np.arange(n) + 0.5) * dlat
        east_m = np.radians(lon - TARGET_LON)[None, :] * MARS_R_M * coslat
        north_m = np.radians(lat - TARGET_LAT)[:, None] * MARS_R_M
    else:  # the equirectangular projection above: x east, y north, true scale at lat_ts
        x_t = math.radians(TARGET_LON - 70.0) * MARS_R_M * coslat
        y_t = math.radians(TARGET_LAT) * MARS_R_M
        transform = Affine(pixel_m, 0.0, x_t - half_width_m, 0.0, -pixel_m, y_t + half_width_m)
        east_m = offsets[None, :]
        north_m = offsets[::-1][:, None]
    z = plane_height(east_m, north_m).astype(np.float32)
    profile = dict(driver="GTiff", width=n, height=n, count=1, dtype="float32", transform=transform)
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z, 1)
    return path
