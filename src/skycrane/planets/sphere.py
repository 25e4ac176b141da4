"""Great circles on a sphere: distance, initial bearing and destination.

Used for ground tracks and miss distances, where a sphere of the planet's
mean radius is accurate to a few tenths of a percent.

References
----------
.. [1] Sinnott, R. W. (1984), "Virtues of the Haversine", Sky and Telescope
   68(2):159.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from skycrane.planets._arrays import wrap_360

__all__ = ["destination", "east_north_m", "great_circle"]


def great_circle(
    lat1_deg: ArrayLike,
    lon1_deg: ArrayLike,
    lat2_deg: ArrayLike,
    lon2_deg: ArrayLike,
    radius_m: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """Great-circle distance and initial bearing from point 1 to point 2.

    The haversine [1]_ h = hav(dlat) + cos lat1 cos lat2 hav(dlon) is
    evaluated as h = sin^2(dlat/2) cos^2(dlon/2) + cos^2(slat/2) sin^2(dlon/2)
    with slat = lat1 + lat2, and 1 - h as the analogous sum of squares
    cos^2(dlat/2) cos^2(dlon/2) + sin^2(slat/2) sin^2(dlon/2) (expand
    cos lat1 cos lat2 = cos^2(slat/2) - sin^2(dlat/2)). The central angle
    2 atan2(sqrt(h), sqrt(1 - h)) then has no cancellation for coincident
    or antipodal points. The bearing's north component is written as
    sin(dlat) + 2 sin lat1 cos lat2 sin^2(dlon/2) for the same reason.

    Parameters
    ----------
    lat1_deg, lon1_deg, lat2_deg, lon2_deg : array_like
        End points, degrees; broadcast together.
    radius_m : array_like
        Sphere radius, m.

    Returns
    -------
    distance_m : numpy.ndarray
        Along the great circle, m.
    initial_bearing_deg : numpy.ndarray
        At point 1, clockwise from north, in [0, 360); 0 where undefined
        (coincident points, or point 1 at a pole).
    """
    lat1 = np.radians(lat1_deg)
    lat2 = np.radians(lat2_deg)
    # Differences are taken in degrees (exact for nearby points) before scaling.
    dlat = np.radians(np.subtract(lat2_deg, lat1_deg))
    dlon = np.radians(np.subtract(lon2_deg, lon1_deg))
    half_dlat = 0.5 * dlat
    half_slat = 0.5 * (lat1 + lat2)
    c2_dlon = np.cos(0.5 * dlon) ** 2
    s2_dlon = np.sin(0.5 * dlon) ** 2
    h = np.sin(half_dlat) ** 2 * c2_dlon + np.cos(half_slat) ** 2 * s2_dlon
    one_minus_h = np.cos(half_dlat) ** 2 * c2_dlon + np.sin(half_slat) ** 2 * s2_dlon
    distance = (
        2.0 * np.asarray(radius_m, dtype=np.float64) * np.arctan2(np.sqrt(h), np.sqrt(one_minus_h))
    )
    east = np.sin(dlon) * np.cos(lat2)
    north = np.sin(dlat) + 2.0 * np.sin(lat1) * np.cos(lat2) * s2_dlon
    bearing = wrap_360(np.degrees(np.arctan2(east, north)))
    return distance[()], bearing[()]


def east_north_m(
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    radius_m: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """East and north [m] of points from an origin on the azimuthal-equidistant plane.

    The point lies at the great-circle distance d and initial bearing b of
    :func:`great_circle` from the origin: (east, north) = d (sin b, cos b)
    (Snyder 1987, "Map Projections: A Working Manual", USGS PP 1395, sec. 25,
    spherical form). Distances from the origin are exact; the frame every
    east/north figure of skycrane is given in (the reduction's columns, maps,
    replays).
    """
    d, bearing = great_circle(lat0_deg, lon0_deg, lat_deg, lon_deg, radius_m)
    b = np.radians(bearing)
    return d * np.sin(b), d * np.cos(b)


def destination(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    bearing_deg: ArrayLike,
    distance_m: ArrayLike,
    radius_m: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """End point of a great-circle arc: the inverse of :func:`great_circle`.

    The end point is cos(d) u + sin(d) (cos(b) n + sin(b) e), with u, e, n
    the local up, east and north unit vectors at the start, d the central
    angle and b the bearing; its latitude and longitude come from atan2, so
    no arcsine loses accuracy near the poles.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Start point, degrees.
    bearing_deg : array_like
        Initial bearing, clockwise from north, degrees.
    distance_m : array_like
        Arc length, m.
    radius_m : array_like
        Sphere radius, m.

    Returns
    -------
    lat_deg, lon_deg : numpy.ndarray
        End point, degrees; longitude in (-180, 180].
    """
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    bearing = np.radians(bearing_deg)
    angle = np.divide(distance_m, radius_m, dtype=np.float64)
    clat, slat, clon, slon = np.cos(lat), np.sin(lat), np.cos(lon), np.sin(lon)
    c_ang, s_ang = np.cos(angle), np.sin(angle)
    north = s_ang * np.cos(bearing)
    east = s_ang * np.sin(bearing)
    # up, east and north at the start: (clat clon, clat slon, slat),
    # (-slon, clon, 0), (-slat clon, -slat slon, clat).
    x = c_ang * clat * clon - east * slon - north * slat * clon
    y = c_ang * clat * slon + east * clon - north * slat * slon
    z = c_ang * slat + north * clat
    lat2 = np.degrees(np.arctan2(z, np.hypot(x, y)))
    lon2 = np.degrees(np.arctan2(y, x))
    return lat2[()], lon2[()]
