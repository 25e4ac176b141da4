"""Georeferencing of orbital images: metres east/north <-> latitude/longitude.

Coordinate reference system
---------------------------
Image metres are coordinates on the *local east-north tangent plane* at a tangent
point (latitude, longitude, altitude on the planet's reference ellipsoid): the
plane through that point perpendicular to the local up vector, with axes east and
north (:func:`skycrane.planets.enu_matrix`).  A point ``(x_m, y_m)`` of the plane
is ``r = r_tangent + x_m * east + y_m * north`` in planet-fixed coordinates, and
its latitude and longitude are those of ``r`` (:func:`skycrane.planets.lla_from_pf`).
For Mars these are *planetocentric* latitude and east longitude on the IAU 2015
ellipsoid (3396.19 km x 3376.20 km; Archinal et al. 2018): a point's latitude and
longitude are those of its direction from the planet's centre, so the inverse
(:meth:`GeoReference.enu_m`) is exact.  Within a few kilometres the plane departs
from the ground by ``d^2 / 2R`` (0.15 m at 1 km) vertically and by ``d^3 / 3R^2``
(< 1 mm) horizontally.

The world file of an image (``before.pgw``: pixel size and the plane coordinates of
the upper-left pixel centre, :func:`skycrane.imaging.render.world_file_lines`)
gives every pixel's plane coordinates; ``skycrane image`` puts the tangent point at
the rover, so world-file metres are metres east/north of the rover.

Sidecar
-------
:func:`write_sidecar` writes ``before.geo.json`` beside ``before.png``::

    {"crs": "...", "planet": "mars", "latitude_convention": "planetocentric",
     "tangent_latitude_deg": 18.4447, "tangent_longitude_deg": 77.4508,
     "tangent_altitude_m": -2542.5, "centre_x_m": -782.5, "centre_y_m": 874.3,
     "centre_latitude_deg": 18.45947, "centre_longitude_deg": 77.43686,
     "resolution_m": 0.25, "rows": 800, "cols": 800}

``centre_x_m``/``centre_y_m`` are the plane (world-file) coordinates of the image
centre; ``centre_latitude_deg``/``centre_longitude_deg`` its position, for reading
only.  ``sun_incidence_deg``/``sun_azimuth_deg`` (optional) are the pass's sun, from
the zenith and clockwise from north, as a product's label gives them.
:func:`read_sidecar` returns a :class:`Sidecar`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from skycrane.errors import InputError
from skycrane.imaging.photometry import MAX_SUN_INCIDENCE_DEG
from skycrane.planets import enu_matrix, lla_from_pf, pf_from_lla, planet_by_name

SIDECAR_SUFFIX = ".geo.json"
CRS_TEXT = (
    "local east-north tangent plane at the tangent point, metres (the world file's); "
    "latitude/longitude in the planet's convention (planetocentric for Mars)"
)


@dataclass(frozen=True, slots=True)
class GeoReference:
    """Where an image's centre lies on its planet (see the module docstring).

    Attributes
    ----------
    planet : str
        Built-in planet name (:func:`skycrane.planets.planet_by_name`).
    latitude_deg, longitude_deg : float
        Centre, degrees, in the planet's latitude convention.
    altitude_m : float
        Centre altitude above the reference ellipsoid, m.
    """

    planet: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float = 0.0

    def __post_init__(self) -> None:
        planet_by_name(self.planet)  # raises InputError for unknown planets
        for name in ("latitude_deg", "longitude_deg", "altitude_m"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value)):
                raise InputError(f"georeference.{name}", value, "a finite number")
        if abs(self.latitude_deg) > 90.0:
            raise InputError("georeference.latitude_deg", self.latitude_deg, "within +-90")

    def _frame(self) -> tuple[np.ndarray, np.ndarray]:
        planet = planet_by_name(self.planet)
        r0 = pf_from_lla(self.latitude_deg, self.longitude_deg, self.altitude_m, planet)
        return r0, enu_matrix(self.latitude_deg, self.longitude_deg, planet)

    def latlon_deg(self, x_m: ArrayLike, y_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude (degrees) of points ``x_m`` east, ``y_m`` north of the centre.

        Longitudes are in (-180, 180].
        """
        x, y = np.broadcast_arrays(np.asarray(x_m, np.float64), np.asarray(y_m, np.float64))
        r0, m = self._frame()
        r = r0 + x[..., None] * m[0] + y[..., None] * m[1]
        lat, lon, _ = lla_from_pf(r, planet_by_name(self.planet))
        return np.asarray(lat)[()], np.asarray(lon)[()]

    def enu_m(self, latitude_deg: ArrayLike, longitude_deg: ArrayLike) -> tuple[np.ndarray, ...]:
        """Inverse of :meth:`latlon_deg`: metres east and north of the centre.

        The ray from the planet's centre through (lat, lon) is cut with the tangent
        plane, which inverts :meth:`latlon_deg` exactly for planetocentric latitude.
        """
        planet = planet_by_name(self.planet)
        q = pf_from_lla(latitude_deg, longitude_deg, self.altitude_m, planet)
        r0, m = self._frame()
        scale = float(r0 @ m[2]) / (q @ m[2])
        d = q * scale[..., None] - r0
        return (d @ m[0])[()], (d @ m[1])[()]

    def moved(self, x_m: float, y_m: float) -> GeoReference:
        """The georeference of the point ``x_m`` east, ``y_m`` north of this centre."""
        lat, lon = self.latlon_deg(x_m, y_m)
        return GeoReference(self.planet, float(lat), float(lon), self.altitude_m)


@dataclass(frozen=True, slots=True)
class Sidecar:
    """What :func:`read_sidecar` found beside an image."""

    georef: GeoReference  # the tangent point: origin of the world-file metres
    resolution_m: float
    centre_m: tuple[float, float]  # plane coordinates of the image centre
    shape: tuple[int, int]  # rows, cols
    sun_deg: tuple[float, float] | None = None  # the pass's sun incidence, azimuth


def sidecar_path(image_path: str | Path) -> Path:
    """``before.png`` -> ``before.geo.json``."""
    return Path(image_path).with_suffix(SIDECAR_SUFFIX)


def write_sidecar(
    image_path: str | Path,
    georef: GeoReference,
    shape: tuple[int, int],
    resolution_m: float,
    centre_m: tuple[float, float] = (0.0, 0.0),
    sun_deg: tuple[float, float] | None = None,
) -> Path:
    """Write the ``.geo.json`` sidecar of an image (see the module docstring).

    Parameters
    ----------
    image_path : str or Path
        The image; the sidecar goes beside it.
    georef : GeoReference
        The tangent point, origin of the image's world-file metres.
    shape : tuple of int
        Image ``(rows, cols)``.
    resolution_m : float
        Metres per pixel.
    centre_m : tuple of float
        Plane coordinates of the image centre.
    sun_deg : tuple of float, optional
        The pass's sun incidence and azimuth [deg], written when given.
    """
    planet = planet_by_name(georef.planet)
    lat, lon = georef.latlon_deg(*centre_m)
    doc = {
        "crs": CRS_TEXT,
        "planet": planet.name,
        "latitude_convention": planet.latitude_convention,
        "tangent_latitude_deg": georef.latitude_deg,
        "tangent_longitude_deg": georef.longitude_deg,
        "tangent_altitude_m": georef.altitude_m,
        "centre_x_m": float(centre_m[0]),
        "centre_y_m": float(centre_m[1]),
        "centre_latitude_deg": float(lat),
        "centre_longitude_deg": float(lon),
        "resolution_m": resolution_m,
        "rows": int(shape[0]),
        "cols": int(shape[1]),
    }
    if sun_deg is not None:
        doc["sun_incidence_deg"], doc["sun_azimuth_deg"] = map(float, sun_deg)
    path = sidecar_path(image_path)
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return path


def read_sidecar(image_path: str | Path, shape: tuple[int, int] | None = None) -> Sidecar | None:
    """The georeference of an image from its ``.geo.json`` sidecar, or None without one.

    Raises
    ------
    InputError
        If the sidecar is not valid JSON, lacks a key, or was written for another
        image size than ``shape``.
    """
    path = sidecar_path(image_path)
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text())
        georef = GeoReference(
            str(doc["planet"]),
            float(doc["tangent_latitude_deg"]),
            float(doc["tangent_longitude_deg"]),
            float(doc.get("tangent_altitude_m", 0.0)),
        )
        resolution_m = float(doc["resolution_m"])
        centre_m = (float(doc.get("centre_x_m", 0.0)), float(doc.get("centre_y_m", 0.0)))
        size = (int(doc["rows"]), int(doc["cols"]))
        sun = [doc.get(key) for key in ("sun_incidence_deg", "sun_azimuth_deg")]
        sun_deg = None if sun == [None, None] else (float(sun[0]), float(sun[1]))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            str(path), f"unreadable ({exc!r})", "a JSON georeference as skycrane image writes"
        ) from None
    if not (math.isfinite(resolution_m) and resolution_m > 0.0):
        raise InputError(f"{path}: resolution_m", resolution_m, "a positive number")
    if not all(math.isfinite(v) for v in centre_m):
        raise InputError(f"{path}: centre_x_m, centre_y_m", centre_m, "finite numbers")
    if shape is not None and tuple(shape) != size:
        raise InputError(f"{path}: rows, cols", size, f"the image's size {tuple(shape)}")
    if sun_deg is not None and not (
        0.0 <= sun_deg[0] <= MAX_SUN_INCIDENCE_DEG and math.isfinite(sun_deg[1])
    ):
        raise InputError(
            f"{path}: sun_incidence_deg, sun_azimuth_deg",
            sun_deg,
            f"[0, {MAX_SUN_INCIDENCE_DEG:g}] and a finite angle",
        )
    return Sidecar(georef, resolution_m, centre_m, size, sun_deg)


def world_file_resolution_m(image_path: str | Path) -> float | None:
    """Pixel size (line A) of an image's world file, or None.

    ``.pgw``, ``.tfw``, ``.j2w``: the image's suffix with its middle letter dropped and a
    ``w`` added; else ``.wld``."""
    image = Path(image_path)
    suffix = image.suffix.lower()
    candidates = [image.with_suffix(".wld")]
    if len(suffix) == 4:
        candidates.insert(0, image.with_suffix(suffix[:2] + suffix[-1] + "w"))
    for path in candidates:
        if path.is_file():
            try:
                value = float(path.read_text().split()[0])
            except (ValueError, IndexError):
                raise InputError(str(path), "unreadable", "a six-line world file") from None
            if math.isfinite(value) and value > 0.0:
                return value
            raise InputError(f"{path}: pixel size", value, "a positive number of metres")
    return None
