"""Detections' positions on the planet and relative to the rover (``skycrane detect``).

Latitude and longitude come from skycrane's ``.geo.json`` sidecar (in
:func:`skycrane.imaging.detect.detect`) or, on a real georeferenced product (GeoTIFF,
GeoJP2: a CRS and a transform embedded), from the file's CRS (:func:`latlon_in_raster`).
Positions relative to the rover (``--rover``, ``--rover-px``) from the rover's latitude
and longitude on either, or from its pixel on any north-up map-projected pair."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from skycrane.errors import InputError
from skycrane.imaging.detect import Detection
from skycrane.imaging.georef import GeoReference
from skycrane.imaging.marks import pixel_grid
from skycrane.imaging.products import RasterGeo


def from_rover_px(
    detections: list[Detection],
    shape: tuple[int, int],
    resolution_m: float,
    rover_px: tuple[float, float],
    option: str = "--rover-px",
) -> list[Detection]:
    """The detections with their positions relative to the rover at pixel
    ``rover_px`` (row, column of the before image, row 0 its northern edge): for a
    map-projected, north-up pair with no ``.geo.json`` sidecar (a real product), where
    the rover is found in the picture rather than given as latitude and longitude.

    Raises
    ------
    InputError
        When the pixel is not a finite position inside the image (named ``option``).
    """
    row, col = rover_px
    rows, cols = shape
    if not (math.isfinite(row) and math.isfinite(col) and 0 <= row < rows and 0 <= col < cols):
        raise InputError(option, f"{row:g},{col:g}", f"a pixel inside the {rows} x {cols} image")
    xs, ys = pixel_grid(shape, resolution_m)
    east = float(xs[0] + col * resolution_m)
    north = float(ys[0] - row * resolution_m)
    return [
        replace(d, east_of_rover_m=d.x_m - east, north_of_rover_m=d.y_m - north) for d in detections
    ]


def from_rover(
    detections: list[Detection],
    georef: GeoReference,
    centre_m: tuple[float, float],
    rover_deg: tuple[float, float],
) -> list[Detection]:
    """The detections with their positions relative to the rover at ``rover_deg``
    (latitude, longitude): both placed on the tangent plane of ``georef`` (the rover by
    :meth:`~skycrane.imaging.georef.GeoReference.enu_m`, exact for planetocentric
    latitude), whose point ``centre_m`` is the image centre.

    Raises
    ------
    InputError
        When the rover's latitude or longitude is not a finite angle in range.
    """
    lat, lon = checked_rover_deg(rover_deg)
    east, north = (float(v) for v in georef.enu_m(lat, lon))
    return [
        replace(
            d,
            east_of_rover_m=centre_m[0] + d.x_m - east,
            north_of_rover_m=centre_m[1] + d.y_m - north,
        )
        for d in detections
    ]


def rover_pixel_in_raster(geo: RasterGeo, rover_deg: tuple[float, float]) -> tuple[float, float]:
    """The rover's (row, column) in a georeferenced product or window ``geo``: its latitude
    and longitude to the file's CRS (pyproj, from the CRS's own geographic CRS; e.g. an
    equirectangular Mars projection in metres, as HiRISE's RDRs declare), then through the
    inverse of the affine transform, pixel centres at integers."""
    lat, lon = checked_rover_deg(rover_deg)
    x, y = geo.to_xy(np.array([lat]), np.array([lon]))
    return geo.pixel_of(float(x[0]), float(y[0]))


def checked_rover_deg(rover_deg: tuple[float, float]) -> tuple[float, float]:
    """The rover's (latitude, longitude) [deg], refused unless finite angles in range.

    Raises
    ------
    InputError
        Naming the rover's latitude or longitude.
    """
    lat, lon = rover_deg
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise InputError("rover latitude", lat, "degrees in [-90, 90]")
    if not (math.isfinite(lon) and -360.0 <= lon <= 360.0):
        raise InputError("rover longitude", lon, "degrees in [-360, 360]")
    return lat, lon


def latlon_in_raster(
    detections: list[Detection], geo: RasterGeo, shape: tuple[int, int], resolution_m: float
) -> list[Detection]:
    """The detections with the latitude and longitude of their centres in a georeferenced
    product or window ``geo`` of ``shape``: a detection's ``x_m``, ``y_m`` (metres
    east/north of the image centre) give its pixel, the transform that pixel's CRS
    coordinates, and pyproj (to the CRS's own geographic CRS) its latitude and longitude.
    """
    if not detections:
        return detections
    xs, ys = pixel_grid(shape, resolution_m)
    col = np.array([(d.x_m - xs[0]) / resolution_m for d in detections])
    row = np.array([(ys[0] - d.y_m) / resolution_m for d in detections])
    lat, lon = geo.to_latlon(*geo.xy_of(row, col))
    return [
        replace(d, latitude_deg=float(la), longitude_deg=float(lo))
        for d, la, lo in zip(detections, np.atleast_1d(lat), np.atleast_1d(lon), strict=True)
    ]
