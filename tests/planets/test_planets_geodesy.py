"""Planet-fixed <-> latitude/longitude/altitude in both latitude conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.planets import (
    EARTH,
    EARTH_ROUND,
    GEODETIC,
    MARS,
    PLANETOCENTRIC,
    altitude_m,
    lla_from_pf,
    lla_to_pf,
    pf_from_lla,
    pf_to_lla,
)

PLANETS = [EARTH, MARS, EARTH_ROUND]
CONVENTIONS = [GEODETIC, PLANETOCENTRIC]


def _grid(n: int = 4000, seed: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded random (lat, lon, alt) from -10 km to 1000 km plus poles, equator, extremes."""
    rng = np.random.default_rng(seed)
    edge_lat = np.radians([90.0, -90.0, 0.0, 0.0, 90.0, -90.0, 0.0, 89.9999999, -1e-10, 45.0])
    edge_alt = np.array([-10e3, -10e3, -10e3, 1000e3, 1000e3, 0.0, 0.0, 500.0, 1.0, -10e3])
    lat = np.concatenate([rng.uniform(-np.pi / 2, np.pi / 2, n), edge_lat])
    alt = np.concatenate([rng.uniform(-10e3, 1000e3, n), edge_alt])
    lon = rng.uniform(-np.pi, np.pi, lat.size)
    lon[-len(edge_lat) :: 3] = np.pi
    return lat, lon, alt


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("planet", PLANETS, ids=lambda p: p.name)
def test_round_trip_pf_lla_pf(planet, convention) -> None:
    """Invariant: pf -> lla -> pf reproduces the position to 1e-6 m.

    Seeded grid from -10 km to 1000 km at all latitudes, with the poles and z = 0.
    """
    a, b = planet.equatorial_radius_m, planet.polar_radius_m
    for lat, lon, alt in zip(*_grid(), strict=True):
        x, y, z = lla_to_pf(lat, lon, alt, a, b, convention)
        back = lla_to_pf(*pf_to_lla(x, y, z, a, b, convention), a, b, convention)
        assert math.dist(back, (x, y, z)) < 1e-6


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("planet", PLANETS, ids=lambda p: p.name)
def test_round_trip_lla_pf_lla(planet, convention) -> None:
    """Invariant: lla -> pf -> lla gives latitude to 1e-12 rad and altitude to 1e-6 m;
    longitude to 1e-12 rad off the poles; altitude_m agrees with pf_to_lla exactly."""
    a, b = planet.equatorial_radius_m, planet.polar_radius_m
    for lat, lon, alt in zip(*_grid(), strict=True):
        x, y, z = lla_to_pf(lat, lon, alt, a, b, convention)
        lat2, lon2, alt2 = pf_to_lla(x, y, z, a, b, convention)
        assert abs(lat2 - lat) < 1e-12
        assert abs(alt2 - alt) < 1e-6
        if abs(lat) < np.radians(89.99):
            assert abs(math.remainder(lon2 - lon, 2 * math.pi)) < 1e-12
        assert altitude_m(x, y, z, a, b, convention) == alt2


def test_wgs84_equator_and_pole() -> None:
    """Published: WGS-84 (NIMA TR8350.2) a = 6378137 m (equator), b = 6356752.3142 m (pole)."""
    lat, lon, alt = lla_from_pf([6378137.0, 0.0, 0.0], EARTH)
    assert (lat, lon) == (0.0, 0.0)
    assert abs(alt) < 1e-9
    lat, _, alt = lla_from_pf([0.0, 0.0, -6356752.3142], EARTH)
    assert lat == -90.0
    assert alt == pytest.approx(0.0, abs=1e-4)
    np.testing.assert_allclose(pf_from_lla(90.0, 0.0, 0.0, EARTH)[2], 6356752.3142, atol=1e-4)


def test_epsg_published_conversion() -> None:
    """Published: IOGP 373-7-2 (EPSG Guidance Note 7-2), method 9602 example, WGS 84:
    53°48'33.820"N, 2°07'46.380"E, h = 73.000 m <-> X 3771793.968, Y 140253.342, Z 5124304.349 m."""
    lat_deg = 53 + 48 / 60 + 33.820 / 3600
    lon_deg = 2 + 7 / 60 + 46.380 / 3600
    xyz = np.array([3771793.968, 140253.342, 5124304.349])
    np.testing.assert_allclose(pf_from_lla(lat_deg, lon_deg, 73.0, EARTH), xyz, atol=1e-3)
    lat, lon, alt = lla_from_pf(xyz, EARTH)
    assert lat == pytest.approx(lat_deg, abs=0.0005 / 3600)
    assert lon == pytest.approx(lon_deg, abs=0.0005 / 3600)
    assert alt == pytest.approx(73.0, abs=1e-3)


def test_mars_planetocentric_vs_geodetic_latitude_at_45() -> None:
    """Analytic: on the Mars ellipsoid tan(geodetic) = (a/b)^2 tan(planetocentric); at 45°
    planetocentric the difference is 0.33823°, within 0.3 % of f (0.33724°) in degrees."""
    a, b = MARS.equatorial_radius_m, MARS.polar_radius_m
    x, y, z = lla_to_pf(math.radians(45.0), 0.0, 0.0, a, b, PLANETOCENTRIC)
    lat_gd, _, h_gd = pf_to_lla(x, y, z, a, b, GEODETIC)
    diff_deg = math.degrees(lat_gd) - 45.0
    assert diff_deg == pytest.approx(math.degrees(math.atan((a / b) ** 2)) - 45.0, abs=1e-12)
    assert diff_deg == pytest.approx(0.338232, abs=1e-6)
    assert diff_deg == pytest.approx(math.degrees(MARS.flattening), rel=3e-3)
    assert abs(h_gd) < 1e-6  # on the ellipsoid in both conventions


def test_planetocentric_altitude_is_radial() -> None:
    """Analytic: planetocentric altitude = |r| - ab / sqrt((b cos lat)^2 + (a sin lat)^2)."""
    a, b = MARS.equatorial_radius_m, MARS.polar_radius_m
    r = np.array([1.2e6, -2.0e6, 2.6e6])
    lat, _, alt = lla_from_pf(r, MARS)
    c, s = math.cos(math.radians(lat)), math.sin(math.radians(lat))
    assert lat == pytest.approx(math.degrees(math.atan2(r[2], math.hypot(r[0], r[1]))), abs=1e-13)
    assert alt == pytest.approx(np.linalg.norm(r) - a * b / math.hypot(b * c, a * s), abs=1e-8)


def test_geodetic_height_is_along_normal() -> None:
    """Analytic: p = foot + h n with n the ellipsoid normal (x/a^2, y/a^2, z/b^2) at the foot."""
    a, b = EARTH.equatorial_radius_m, EARTH.polar_radius_m
    r = np.array([3.0e6, 2.0e6, 6.0e6])
    lat, lon, h = pf_to_lla(*r, a, b, GEODETIC)
    foot = np.array(lla_to_pf(lat, lon, 0.0, a, b, GEODETIC))
    normal = foot / np.array([a * a, a * a, b * b])
    normal /= np.linalg.norm(normal)
    np.testing.assert_allclose(foot + h * normal, r, atol=1e-7)
    assert (foot[0] / a) ** 2 + (foot[1] / a) ** 2 + (foot[2] / b) ** 2 == pytest.approx(
        1, abs=1e-15
    )


def test_round_earth_is_spherical() -> None:
    """Analytic: on the NESC sphere both conventions give lat = asin(z/r), alt = r - R."""
    r = np.array([4.0e6, -3.0e6, 3.5e6])
    for conv in CONVENTIONS:
        lat, _, alt = pf_to_lla(
            *r, EARTH_ROUND.equatorial_radius_m, EARTH_ROUND.polar_radius_m, conv
        )
        assert lat == pytest.approx(math.asin(r[2] / np.linalg.norm(r)), abs=1e-15)
        assert alt == pytest.approx(np.linalg.norm(r) - 6371007.1809, abs=1e-8)


def test_lla_from_pf_rejects_bad_shape() -> None:
    """Bad input: a position without a last axis of 3 raises InputError naming r_pf_m."""
    with pytest.raises(InputError) as err:
        lla_from_pf([1.0, 2.0], EARTH)
    assert err.value.field == "r_pf_m"
