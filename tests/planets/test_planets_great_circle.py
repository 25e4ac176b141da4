"""Great-circle distance, bearing and destination on a sphere."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.planets import MARS, destination, east_north_m, great_circle

R = MARS.mean_radius_m


def test_quarter_meridian() -> None:
    """Analytic: equator to pole along a meridian is pi R / 2, bearing 0 (north)."""
    d, brg = great_circle(0.0, 10.0, 90.0, 10.0, R)
    assert d == pytest.approx(math.pi * R / 2, rel=1e-15)
    assert brg == 0.0


def test_east_along_equator() -> None:
    """Analytic: along the equator the bearing is 90° east, 270° west; distance R dlon."""
    d, brg = great_circle(0.0, 0.0, 0.0, 30.0, R)
    assert brg == pytest.approx(90.0, abs=1e-12)
    assert d == pytest.approx(R * math.radians(30.0), rel=1e-15)
    assert great_circle(0.0, 0.0, 0.0, -30.0, R)[1] == pytest.approx(270.0, abs=1e-12)


def test_tiny_and_antipodal_separations() -> None:
    """Analytic: 1 mm along a meridian is 1 mm; antipodes are pi R; coincident points give 0."""
    lat2 = 20.0 + math.degrees(1e-3 / R)
    arc = R * math.radians(lat2 - 20.0)  # ~1 mm, exactly as represented
    assert great_circle(20.0, 50.0, lat2, 50.0, R)[0] == pytest.approx(arc, rel=1e-12)
    assert great_circle(20.0, 50.0, -20.0, -130.0, R)[0] == pytest.approx(math.pi * R, rel=1e-15)
    near = great_circle(20.0, 50.0, -lat2, -130.0, R)[0]
    assert math.pi * R - near == pytest.approx(arc, rel=1e-6)
    assert great_circle(-4.6, 137.4, -4.6, 137.4, R) == (0.0, 0.0)


def test_bearing_range_and_south() -> None:
    """Analytic: due south is 180°; every bearing lies in [0, 360)."""
    assert great_circle(10.0, 5.0, -10.0, 5.0, R)[1] == pytest.approx(180.0, abs=1e-12)
    rng = np.random.default_rng(3)
    _, brg = great_circle(*rng.uniform(-80, 80, (4, 500)), R)
    assert np.all((brg >= 0.0) & (brg < 360.0))


def test_destination_inverts_great_circle() -> None:
    """Invariant: great_circle(p, destination(p, bearing, d)) = (d, bearing) for d < pi R."""
    rng = np.random.default_rng(5)
    n = 500
    lat = rng.uniform(-89.0, 89.0, n)
    lon = rng.uniform(-180.0, 180.0, n)
    bearing = rng.uniform(0.0, 360.0, n)
    dist = rng.uniform(1.0, 0.99 * math.pi * R, n)
    lat2, lon2 = destination(lat, lon, bearing, dist, R)
    d2, b2 = great_circle(lat, lon, lat2, lon2, R)
    np.testing.assert_allclose(d2, dist, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(np.remainder(b2 - bearing + 180.0, 360.0) - 180.0, 0.0, atol=1e-8)
    assert np.all((lon2 > -180.0) & (lon2 <= 180.0))


def test_destination_known_point() -> None:
    """Analytic: a quarter circumference north from the equator reaches the pole."""
    lat2, _ = destination(0.0, 77.0, 0.0, math.pi * R / 2, R)
    assert lat2 == pytest.approx(90.0, abs=1e-12)
    lat2, lon2 = destination(0.0, 170.0, 90.0, R * math.radians(20.0), R)
    assert (lat2, lon2) == pytest.approx((0.0, -170.0), abs=1e-12)


def test_east_north_is_azimuthal_equidistant() -> None:
    """Analytic (Snyder 1987, sec. 25): a point reached by ``destination`` at bearing b and
    distance d lies at d (sin b, cos b) on the azimuthal-equidistant plane; along the equator
    it is due east at R dlon, along a meridian due north at R dlat."""
    rng = np.random.default_rng(11)
    lat0 = rng.uniform(-80.0, 80.0, 200)
    lon0 = rng.uniform(-180.0, 180.0, 200)
    bearing = rng.uniform(0.0, 360.0, 200)
    dist = rng.uniform(1.0, 2.0e6, 200)
    lat, lon = destination(lat0, lon0, bearing, dist, R)
    east, north = east_north_m(lat0, lon0, lat, lon, R)
    b = np.radians(bearing)
    np.testing.assert_allclose(east, dist * np.sin(b), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(north, dist * np.cos(b), rtol=1e-9, atol=1e-6)
    e, n = east_north_m(0.0, 179.5, 0.0, -179.5, R)  # across the antimeridian
    assert (e, n) == pytest.approx((R * math.radians(1.0), 0.0), abs=1e-6)
    e, n = east_north_m(10.0, 30.0, 12.0, 30.0, R)
    assert (e, n) == pytest.approx((0.0, R * math.radians(2.0)), abs=1e-6)
