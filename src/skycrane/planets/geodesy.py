"""Geodesy: planet-fixed position <-> latitude, longitude, altitude; local frames.

Two latitude conventions, chosen by ``Planet.latitude_convention`` (flag 0 or
1 in the compiled cores):

* geodetic (0, Earth, WGS-84 [2]_): latitude of the ellipsoid normal through
  the point, altitude measured along that normal;
* planetocentric (1, Mars, IAU/MOLA [3]_): latitude of the radius vector of
  the point, altitude measured radially above the ellipsoid,
  h = |r| - R(lat), R(lat) = a b / sqrt((b cos lat)^2 + (a sin lat)^2).

Each conversion has one compiled scalar core (``numba.njit``), called by the
propagation kernel directly and by the vectorised wrappers, which take and
return degrees. Great-circle helpers and the planet-fixed/inertial rotation
live in :mod:`~skycrane.planets.sphere` and :mod:`~skycrane.planets.rotation`
and are re-exported here.

References
----------
.. [1] Vermeille, H. (2002), "Direct transformation from geocentric
   coordinates to geodetic coordinates", Journal of Geodesy 76:451-454.
.. [2] National Imagery and Mapping Agency (2000), "Department of Defense World
   Geodetic System 1984", NIMA TR8350.2, 3rd ed. (geodetic to Cartesian
   coordinates with the prime-vertical radius N = a / sqrt(1 - e^2 sin^2 lat)).
.. [3] Archinal, B. A. et al. (2018), "Report of the IAU Working Group on
   Cartographic Coordinates and Rotational Elements: 2015", Celestial
   Mechanics and Dynamical Astronomy 130:22.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numpy.typing import ArrayLike

from skycrane._jit_options import PYTHON_ERRORS, SCALAR
from skycrane.planets._arrays import vec3, wrap_360
from skycrane.planets.constants import PC_CONV, PLANETOCENTRIC, Planet
from skycrane.planets.rotation import inertial_from_pf, pf_from_inertial
from skycrane.planets.sphere import destination, east_north_m, great_circle

__all__ = [
    "altitude_m",
    "destination",
    "east_north_m",
    "enu_matrix",
    "great_circle",
    "inertial_from_pf",
    "lla_from_pf",
    "lla_to_pf",
    "local_from_velocity_pf",
    "ned_from_pf",
    "pf_from_inertial",
    "pf_from_lla",
    "pf_to_lla",
    "up_east_north",
    "velocity_pf_from_local",
]


# ----------------------------------------------------------------------------
# Compiled scalar cores
# ----------------------------------------------------------------------------


@numba.njit(**SCALAR)
def _vermeille(rho: float, z: float, a: float, b: float) -> tuple[float, float, float]:
    """Return (k, D, e^2) of Vermeille's closed form [1]_.

    Exact (no iteration) where p + q > e^4, i.e. farther than about e^2 a
    from the centre (43 km for Earth, 40 km for Mars), so at any altitude a
    trajectory can reach.
    """
    e2 = (a - b) * (a + b) / (a * a)
    e4 = e2 * e2
    p = rho * rho / (a * a)
    q = (1.0 - e2) * z * z / (a * a)
    r = (p + q - e4) / 6.0
    s = e4 * p * q / (4.0 * r * r * r)
    t = np.cbrt(1.0 + s + math.sqrt(s * (2.0 + s)))
    u = r * (1.0 + t + 1.0 / t)
    v = math.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = math.sqrt(u + v + w * w) - w
    return k, k * rho / (k + e2), e2


@numba.njit(**SCALAR)
def _geodetic_height(k: float, d: float, z: float, e2: float) -> float:
    """Height above the ellipsoid along the normal from Vermeille's k and D [1]_."""
    return (k + e2 - 1.0) / k * math.hypot(d, z)


@numba.njit(**SCALAR)
def _radial_height(rho2: float, z: float, a: float, b: float) -> tuple[float, float]:
    """``(|r| - R(lat), |r|)`` for the planetocentric latitude of the point itself.

    From ``rho2`` = x^2 + y^2: R(lat) = a b |r| / sqrt(b^2 rho^2 + a^2 z^2)
    needs no sqrt of rho first, so the two square roots are independent and
    overlap (this runs in every right-hand side, where the chain
    sqrt -> sqrt -> divide was 10 % of the kernel's time). Square roots of
    sums of squares rather than hypot: planetary distances are far from
    overflow.
    """
    zz = z * z
    r = math.sqrt(rho2 + zz)
    return r - a * b * r / math.sqrt(b * b * rho2 + a * a * zz), r


@numba.njit(**PYTHON_ERRORS)
def pf_to_lla(
    x: float, y: float, z: float, a: float, b: float, convention: float
) -> tuple[float, float, float]:
    """Convert a planet-fixed position to latitude, longitude and altitude.

    Parameters
    ----------
    x, y, z : float
        Planet-fixed position, m.
    a, b : float
        Equatorial and polar radii of the reference ellipsoid, m.
    convention : float
        0 for geodetic latitude and height along the normal (closed form of
        Vermeille [1]_, exact to rounding); 1 for planetocentric latitude
        ``atan2(z, hypot(x, y))`` and radial height above the ellipsoid.

    Returns
    -------
    tuple of float
        ``(lat_rad, lon_rad, alt_m)``; longitude in (-pi, pi], 0 on the axis.
    """
    rho = math.sqrt(x * x + y * y)
    lon = math.atan2(y, x)
    if convention == PLANETOCENTRIC:
        return math.atan2(z, rho), lon, _radial_height(x * x + y * y, z, a, b)[0]
    k, d, e2 = _vermeille(rho, z, a, b)
    return math.atan2(z, d), lon, _geodetic_height(k, d, z, e2)


@numba.njit(**PYTHON_ERRORS)
def lla_to_pf(
    lat_rad: float, lon_rad: float, alt_m: float, a: float, b: float, convention: float
) -> tuple[float, float, float]:
    """Convert latitude, longitude and altitude to a planet-fixed position.

    Exact inverse of :func:`pf_to_lla`. Geodetic (0): x = (N + h) cos lat
    cos lon, y = (N + h) cos lat sin lon, z = (N (1 - e^2) + h) sin lat with
    N = a / sqrt(1 - e^2 sin^2 lat) [2]_. Planetocentric (1): radius
    R(lat) + h along the direction (lat, lon).

    Returns
    -------
    tuple of float
        ``(x, y, z)`` in m.
    """
    clat = math.cos(lat_rad)
    slat = math.sin(lat_rad)
    clon = math.cos(lon_rad)
    slon = math.sin(lon_rad)
    if convention == PLANETOCENTRIC:
        radius = a * b / math.hypot(b * clat, a * slat) + alt_m
        return radius * clat * clon, radius * clat * slon, radius * slat
    e2 = (a - b) * (a + b) / (a * a)
    n = a / math.sqrt(1.0 - e2 * slat * slat)
    return (n + alt_m) * clat * clon, (n + alt_m) * clat * slon, (n * (1.0 - e2) + alt_m) * slat


@numba.njit(**SCALAR)
def altitude_m(x: float, y: float, z: float, a: float, b: float, convention: float) -> float:
    """Altitude of a planet-fixed position, m (the third output of :func:`pf_to_lla`)."""
    if convention == PLANETOCENTRIC:
        return _radial_height(x * x + y * y, z, a, b)[0]
    rho = math.sqrt(x * x + y * y)
    k, d, e2 = _vermeille(rho, z, a, b)
    return _geodetic_height(k, d, z, e2)


@numba.njit(**SCALAR)
def altitude_and_frame(
    x: float, y: float, z: float, a: float, b: float, convention: float
) -> tuple[float, float, float, float, float]:
    """Altitude and the sines/cosines of latitude and longitude, without trigonometry.

    Returns ``(alt_m, sin_lat, cos_lat, sin_lon, cos_lon)``: the third output
    of :func:`pf_to_lla` and the sines and cosines of its angles, from the
    same construction (lat = atan2(z, rho) planetocentric, atan2(z, d) geodetic;
    lon = atan2(y, x)), as ratios of lengths. The right-hand side needs only
    these for the wind's local frame, and they cost square roots, not atan2,
    sin and cos.
    """
    rho2 = x * x + y * y
    rho = math.sqrt(rho2)
    if rho > 0.0:
        inv_rho = 1.0 / rho
        slon, clon = y * inv_rho, x * inv_rho
    else:
        slon, clon = 0.0, 1.0
    if convention == PLANETOCENTRIC:
        alt, h = _radial_height(rho2, z, a, b)
        d = rho
    else:
        k, d, e2 = _vermeille(rho, z, a, b)
        alt = _geodetic_height(k, d, z, e2)
        h = math.sqrt(d * d + z * z)
    inv_h = 1.0 / h
    return alt, z * inv_h, d * inv_h, slon, clon


@numba.njit(**PYTHON_ERRORS)
def up_east_north(
    lat_rad: float, lon_rad: float, convention: float
) -> tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]:
    """Local up, east and north unit vectors in planet-fixed axes.

    Up is the ellipsoid normal for geodetic latitude and the radius direction
    for planetocentric latitude. Both are (cos lat cos lon, cos lat sin lon,
    sin lat) with ``lat_rad`` in the matching convention, so ``convention``
    does not change the formulas; it states which latitude is meant. East is
    (-sin lon, cos lon, 0) and north = up x east, so (east, north, up) is
    right-handed.

    Returns
    -------
    tuple
        ``(up, east, north)``, each an ``(x, y, z)`` tuple.
    """
    clat = math.cos(lat_rad)
    slat = math.sin(lat_rad)
    clon = math.cos(lon_rad)
    slon = math.sin(lon_rad)
    up = (clat * clon, clat * slon, slat)
    east = (-slon, clon, 0.0)
    north = (-slat * clon, -slat * slon, clat)
    return up, east, north


@numba.njit(**PYTHON_ERRORS)
def _pf_to_lla_rows(r: np.ndarray, a: float, b: float, convention: float) -> np.ndarray:
    out = np.empty_like(r)
    for i in range(r.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = pf_to_lla(r[i, 0], r[i, 1], r[i, 2], a, b, convention)
    return out


@numba.njit(**PYTHON_ERRORS)
def _lla_to_pf_rows(
    lat: np.ndarray, lon: np.ndarray, alt: np.ndarray, a: float, b: float, convention: float
) -> np.ndarray:
    out = np.empty((lat.size, 3))
    for i in range(lat.size):
        out[i, 0], out[i, 1], out[i, 2] = lla_to_pf(lat[i], lon[i], alt[i], a, b, convention)
    return out


@numba.njit(**PYTHON_ERRORS)
def _enu_rows(lat: np.ndarray, lon: np.ndarray, convention: float) -> np.ndarray:
    out = np.empty((lat.size, 3, 3))
    for i in range(lat.size):
        up, east, north = up_east_north(lat[i], lon[i], convention)
        for j in range(3):
            out[i, 0, j] = east[j]
            out[i, 1, j] = north[j]
            out[i, 2, j] = up[j]
    return out


# ----------------------------------------------------------------------------
# Vectorised wrappers (degrees at the user boundary)
# ----------------------------------------------------------------------------


def _flat(*values: ArrayLike) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """Broadcast ``values`` together; return them raveled and the batch shape."""
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values))
    shape = arrays[0].shape
    return [np.ascontiguousarray(arr).ravel() for arr in arrays], shape


def _convention(planet: Planet) -> float:
    return float(planet.kernel_constants()[PC_CONV])


def lla_from_pf(r_pf_m: ArrayLike, planet: Planet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`pf_to_lla` in the planet's latitude convention.

    Parameters
    ----------
    r_pf_m : array_like, shape (..., 3)
        Planet-fixed positions, m.
    planet : Planet

    Returns
    -------
    lat_deg, lon_deg, alt_m : numpy.ndarray, shape (...)
        Scalars (numpy floats) for a single position.
    """
    r = vec3(r_pf_m, "r_pf_m")
    rows = np.ascontiguousarray(r.reshape(-1, 3))
    a, b = planet.equatorial_radius_m, planet.polar_radius_m
    out = _pf_to_lla_rows(rows, a, b, _convention(planet)).reshape(r.shape)
    return np.degrees(out[..., 0])[()], np.degrees(out[..., 1])[()], out[..., 2][()]


def pf_from_lla(
    lat_deg: ArrayLike, lon_deg: ArrayLike, alt_m: ArrayLike, planet: Planet
) -> np.ndarray:
    """Vectorised :func:`lla_to_pf`; inputs broadcast together.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Planet-fixed positions, m.
    """
    (lat, lon, alt), shape = _flat(lat_deg, lon_deg, alt_m)
    a, b = planet.equatorial_radius_m, planet.polar_radius_m
    out = _lla_to_pf_rows(np.radians(lat), np.radians(lon), alt, a, b, _convention(planet))
    return out.reshape((*shape, 3))


def enu_matrix(lat_deg: ArrayLike, lon_deg: ArrayLike, planet: Planet) -> np.ndarray:
    """Rotation from planet-fixed to local east-north-up axes.

    Returns
    -------
    numpy.ndarray, shape (..., 3, 3)
        Rows are the east, north and up unit vectors in planet-fixed axes
        (see :func:`up_east_north`); (3, 3) for scalar inputs.
    """
    (lat, lon), shape = _flat(lat_deg, lon_deg)
    out = _enu_rows(np.radians(lat), np.radians(lon), _convention(planet))
    return out.reshape((*shape, 3, 3))


def velocity_pf_from_local(
    speed_m_s: ArrayLike,
    flight_path_angle_deg: ArrayLike,
    heading_deg: ArrayLike,
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    planet: Planet,
) -> np.ndarray:
    """Planet-relative velocity in planet-fixed axes from its local description.

    Parameters
    ----------
    speed_m_s : array_like
        Planet-relative speed, m/s.
    flight_path_angle_deg : array_like
        Angle above the local horizontal plane, positive up.
    heading_deg : array_like
        Azimuth of the horizontal component, clockwise from north.
    lat_deg, lon_deg : array_like
        Position, latitude in the planet's convention.
    planet : Planet

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        All inputs broadcast together.
    """
    (speed, fpa, heading, lat, lon), shape = _flat(
        speed_m_s, flight_path_angle_deg, heading_deg, lat_deg, lon_deg
    )
    gamma = np.radians(fpa)
    psi = np.radians(heading)
    horizontal = speed * np.cos(gamma)
    v_enu = (horizontal * np.sin(psi), horizontal * np.cos(psi), speed * np.sin(gamma))
    m = _enu_rows(np.radians(lat), np.radians(lon), _convention(planet))
    out = np.empty((speed.size, 3))
    for j in range(3):
        out[:, j] = v_enu[0] * m[:, 0, j] + v_enu[1] * m[:, 1, j] + v_enu[2] * m[:, 2, j]
    return out.reshape((*shape, 3))


def _enu_components(
    v_pf: ArrayLike, lat_deg: ArrayLike, lon_deg: ArrayLike, planet: Planet
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...]]:
    """East, north and up components (raveled) of planet-fixed vectors."""
    v = vec3(v_pf, "v_pf")
    (vx, vy, vz, lat, lon), shape = _flat(v[..., 0], v[..., 1], v[..., 2], lat_deg, lon_deg)
    m = _enu_rows(np.radians(lat), np.radians(lon), _convention(planet))
    east, north, up = (vx * m[:, i, 0] + vy * m[:, i, 1] + vz * m[:, i, 2] for i in range(3))
    return east, north, up, shape


def local_from_velocity_pf(
    v_pf: ArrayLike, lat_deg: ArrayLike, lon_deg: ArrayLike, planet: Planet
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`velocity_pf_from_local`.

    Returns
    -------
    speed_m_s, flight_path_angle_deg, heading_deg : numpy.ndarray, shape (...)
        Heading in [0, 360) degrees, 0 for a vertical velocity.
    """
    east, north, up, shape = _enu_components(v_pf, lat_deg, lon_deg, planet)
    horizontal = np.hypot(east, north)
    speed = np.hypot(horizontal, up)
    fpa = np.degrees(np.arctan2(up, horizontal))
    heading = wrap_360(np.degrees(np.arctan2(east, north)))
    return speed.reshape(shape)[()], fpa.reshape(shape)[()], heading.reshape(shape)[()]


def ned_from_pf(
    v_pf: ArrayLike, lat_deg: ArrayLike, lon_deg: ArrayLike, planet: Planet
) -> np.ndarray:
    """North, east and down components of planet-fixed vectors.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        ``[north, east, down]`` in the local frame of (lat, lon).
    """
    east, north, up, shape = _enu_components(v_pf, lat_deg, lon_deg, planet)
    return np.stack((north, east, -up), axis=-1).reshape((*shape, 3))
