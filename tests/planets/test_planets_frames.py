"""Local frames, local velocity description and the planet-fixed/inertial rotation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.planets import (
    EARTH,
    MARS,
    enu_matrix,
    inertial_from_pf,
    lla_from_pf,
    local_from_velocity_pf,
    ned_from_pf,
    pf_from_inertial,
    pf_from_lla,
    up_east_north,
    velocity_pf_from_local,
)

RNG = np.random.default_rng(11)
LAT = np.concatenate([RNG.uniform(-90, 90, 200), [90.0, -90.0, 0.0]])
LON = RNG.uniform(-180, 180, LAT.size)


@pytest.mark.parametrize("planet", [EARTH, MARS], ids=lambda p: p.name)
def test_enu_orthonormal_right_handed(planet) -> None:
    """Invariant: rows east, north, up are orthonormal and east x north = up (det +1)."""
    m = enu_matrix(LAT, LON, planet)
    np.testing.assert_allclose(
        m @ np.swapaxes(m, -1, -2), np.broadcast_to(np.eye(3), m.shape), atol=1e-15
    )
    np.testing.assert_allclose(np.cross(m[:, 0], m[:, 1]), m[:, 2], atol=1e-15)
    np.testing.assert_allclose(np.linalg.det(m), 1.0, atol=1e-14)
    up, east, north = up_east_north(math.radians(30.0), math.radians(40.0), 1)
    np.testing.assert_array_equal(enu_matrix(30.0, 40.0, planet), np.array([east, north, up]))


def test_up_is_ellipsoid_normal_for_geodetic_and_radial_for_planetocentric() -> None:
    """Analytic: geodetic up ∥ (x/a^2, y/a^2, z/b^2) on the ellipsoid; planetocentric up = r/|r|."""
    a, b = EARTH.equatorial_radius_m, EARTH.polar_radius_m
    r = pf_from_lla(LAT, LON, 0.0, EARTH)
    normal = r / np.array([a * a, a * a, b * b])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    np.testing.assert_allclose(enu_matrix(LAT, LON, EARTH)[:, 2], normal, atol=1e-15)
    r = pf_from_lla(LAT, LON, 5000.0, MARS)
    np.testing.assert_allclose(
        enu_matrix(LAT, LON, MARS)[:, 2], r / np.linalg.norm(r, axis=1, keepdims=True), atol=1e-15
    )


def test_velocity_known_directions() -> None:
    """Analytic: at (0°, 0°) heading 90° is +y, heading 0° is +z, fpa 90° is +x (up)."""
    np.testing.assert_allclose(
        velocity_pf_from_local(2.0, 0.0, 90.0, 0.0, 0.0, EARTH), [0, 2, 0], atol=1e-15
    )
    np.testing.assert_allclose(
        velocity_pf_from_local(2.0, 0.0, 0.0, 0.0, 0.0, EARTH), [0, 0, 2], atol=1e-15
    )
    np.testing.assert_allclose(
        velocity_pf_from_local(2.0, 90.0, 0.0, 0.0, 0.0, MARS), [2, 0, 0], atol=1e-15
    )


@pytest.mark.parametrize("planet", [EARTH, MARS], ids=lambda p: p.name)
def test_velocity_local_round_trip(planet) -> None:
    """Invariant: local_from_velocity_pf inverts velocity_pf_from_local (speed, fpa, heading)."""
    n = LAT.size
    speed = RNG.uniform(0.1, 8000.0, n)
    fpa = RNG.uniform(-89.0, 89.0, n)
    heading = RNG.uniform(0.0, 360.0, n)
    v = velocity_pf_from_local(speed, fpa, heading, LAT, LON, planet)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), speed, rtol=1e-14)
    s2, f2, h2 = local_from_velocity_pf(v, LAT, LON, planet)
    np.testing.assert_allclose(s2, speed, rtol=1e-14)
    np.testing.assert_allclose(f2, fpa, atol=1e-10)
    np.testing.assert_allclose(np.remainder(h2 - heading + 180.0, 360.0) - 180.0, 0.0, atol=1e-10)
    assert np.all((h2 >= 0.0) & (h2 < 360.0))


def test_ned_consistent_with_enu_matrix() -> None:
    """Invariant: ned_from_pf = (north·v, east·v, -up·v) with the rows of enu_matrix."""
    v = RNG.normal(size=(LAT.size, 3)) * 100.0
    m = enu_matrix(LAT, LON, EARTH)
    ned = ned_from_pf(v, LAT, LON, EARTH)
    expected = np.stack([(m[:, 1] * v).sum(1), (m[:, 0] * v).sum(1), -(m[:, 2] * v).sum(1)], -1)
    np.testing.assert_allclose(ned, expected, atol=1e-12)
    np.testing.assert_allclose(
        ned_from_pf([0.0, 0.0, -3.0], 90.0, 0.0, EARTH), [0, 0, 3], atol=1e-15
    )


def test_inertial_round_trip_and_rest_on_equator() -> None:
    """Analytic: a point at rest on the equator moves inertially at omega a, along +y at t = 0
    and at +x after a quarter turn; pf_from_inertial inverts inertial_from_pf."""
    omega, a = EARTH.rotation_rad_s, EARTH.equatorial_radius_m
    r_i, v_i = inertial_from_pf([a, 0.0, 0.0], [0.0, 0.0, 0.0], 0.0, omega)
    np.testing.assert_allclose(v_i, [0.0, omega * a, 0.0], rtol=1e-15)
    r_i, v_i = inertial_from_pf([a, 0.0, 0.0], [0.0, 0.0, 0.0], math.pi / (2 * omega), omega)
    np.testing.assert_allclose(r_i, [0.0, a, 0.0], atol=1e-8)
    np.testing.assert_allclose(v_i, [-omega * a, 0.0, 0.0], atol=1e-12)
    r = RNG.normal(size=(50, 3)) * 7e6
    v = RNG.normal(size=(50, 3)) * 1e3
    t = RNG.uniform(0.0, 1e5, 50)
    r2, v2 = pf_from_inertial(*inertial_from_pf(r, v, t, omega), t, omega)
    np.testing.assert_allclose(r2, r, atol=1e-8)
    np.testing.assert_allclose(v2, v, atol=1e-10)


def test_inertial_speed_includes_transport() -> None:
    """Analytic: |v_i|^2 = |v_pf + omega z x r|^2 at any time (rotation preserves length)."""
    omega = MARS.rotation_rad_s
    r = pf_from_lla(-4.6, 137.4, 0.0, MARS)
    v = velocity_pf_from_local(5845.0, -15.5, 93.0, -4.6, 137.4, MARS)
    _, v_i = inertial_from_pf(r, v, 1234.5, omega)
    assert np.linalg.norm(v_i) == pytest.approx(
        np.linalg.norm(v + omega * np.cross([0, 0, 1], r)), rel=1e-15
    )
    assert lla_from_pf(r, MARS)[0] == pytest.approx(-4.6, abs=1e-12)


def test_frames_reject_bad_shapes() -> None:
    """Bad input: vectors without a last axis of 3 raise InputError naming the argument."""
    with pytest.raises(InputError) as err:
        ned_from_pf([1.0, 2.0], 0.0, 0.0, EARTH)
    assert err.value.field == "v_pf"
    with pytest.raises(InputError) as err:
        inertial_from_pf([1.0, 2.0, 3.0], 5.0, 0.0, 1e-4)
    assert err.value.field == "v_pf"
