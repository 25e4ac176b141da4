"""Planet constants, name lookup, overrides and input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.planets import (
    EARTH,
    EARTH_ROUND,
    MARS,
    N_PLANET_CONSTANTS,
    PC_A,
    PC_B,
    PC_CONV,
    PC_J2,
    PC_MU,
    PC_OMEGA,
    planet_by_name,
    with_overrides,
)


def test_wgs84_radii_and_flattening() -> None:
    """Published: NIMA TR8350.2 a = 6378137.0 m, 1/f = 298.257223563, b = 6356752.3142 m."""
    assert EARTH.equatorial_radius_m == 6378137.0
    assert 1.0 / EARTH.flattening == pytest.approx(298.257223563, rel=1e-12)
    assert EARTH.polar_radius_m == pytest.approx(6356752.3142, abs=1e-4)


def test_nesc_table_73_constants() -> None:
    """Published: NASA/TM-2015-218675 Table 73 (mu, J2, omega, equal-area sphere radius)."""
    assert EARTH.mu_m3_s2 == 3.986004418e14
    assert EARTH.j2 == 1.08262982e-3
    assert EARTH.rotation_rad_s == 7.292115e-5
    assert EARTH_ROUND.equatorial_radius_m == EARTH_ROUND.polar_radius_m == 6371007.1809
    assert EARTH_ROUND.j2 == 0.0
    assert EARTH_ROUND.mu_m3_s2 == EARTH.mu_m3_s2
    # 20 902 254.5305 ft in the NESC README (1 ft = 0.3048 m exactly).
    assert EARTH_ROUND.equatorial_radius_m / 0.3048 == pytest.approx(20902254.5305, abs=1e-4)


def test_mars_constants() -> None:
    """Published: IAU WGCCRE 2015 (Archinal et al. 2018) ellipsoid 3396.19 x 3376.20 km and
    rotation 350.891982443297 deg/day; GM and J2 from the project's REFERENCE.md."""
    assert MARS.equatorial_radius_m == 3396.19e3
    assert MARS.polar_radius_m == 3376.20e3
    assert MARS.rotation_rad_s == pytest.approx(math.radians(350.891982443297) / 86400, rel=1e-6)
    assert MARS.mu_m3_s2 == 4.282837e13
    assert MARS.j2 == 1.96045e-3
    assert MARS.latitude_convention == "planetocentric"
    assert EARTH.latitude_convention == "geodetic"


def test_derived_properties() -> None:
    """Analytic: f = (a - b)/a, mean radius (2a + b)/3, J2 reference radius = a."""
    assert MARS.flattening == pytest.approx(19.99 / 3396.19, rel=1e-12)
    assert MARS.mean_radius_m == pytest.approx((2 * 3396.19e3 + 3376.20e3) / 3, rel=1e-15)
    assert MARS.gravity_reference_radius_m == MARS.equatorial_radius_m
    assert EARTH_ROUND.flattening == 0.0


def test_kernel_constants_layout() -> None:
    """Invariant: the kernel array holds the fields at the documented PC_* indices."""
    for planet, flag in ((EARTH, 0.0), (MARS, 1.0), (EARTH_ROUND, 0.0)):
        k = planet.kernel_constants()
        assert k.dtype == np.float64
        assert k.shape == (N_PLANET_CONSTANTS,)
        assert k[PC_MU] == planet.mu_m3_s2
        assert k[PC_A] == planet.equatorial_radius_m
        assert k[PC_B] == planet.polar_radius_m
        assert k[PC_J2] == planet.j2
        assert k[PC_OMEGA] == planet.rotation_rad_s
        assert k[PC_CONV] == flag


def test_planet_by_name() -> None:
    """Invariant: the three built-in names resolve, case-insensitively."""
    assert planet_by_name("mars") is MARS
    assert planet_by_name("Earth") is EARTH
    assert planet_by_name("earth_round") is EARTH_ROUND


@pytest.mark.parametrize("name", ["venus", "", 3])
def test_planet_by_name_rejects_unknown(name: object) -> None:
    """Bad input: unknown names raise InputError naming planet.name."""
    with pytest.raises(InputError) as err:
        planet_by_name(name)  # type: ignore[arg-type]
    assert err.value.field == "planet.name"
    assert "mars" in err.value.expected


def test_with_overrides_non_rotating_round_earth() -> None:
    """Invariant: NESC case 4 planet = EARTH_ROUND with omega = 0, everything else kept."""
    case4 = with_overrides(EARTH_ROUND, rotation_rad_s=0.0)
    assert case4.rotation_rad_s == 0.0
    assert case4.equatorial_radius_m == EARTH_ROUND.equatorial_radius_m
    assert EARTH_ROUND.rotation_rad_s == 7.292115e-5


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"equatorial_radius_m": -1.0}, "planet.equatorial_radius_m"),
        ({"polar_radius_m": -3376.2e3}, "planet.polar_radius_m"),
        ({"polar_radius_m": 0.0}, "planet.polar_radius_m"),
        ({"polar_radius_m": 3400e3}, "planet.polar_radius_m"),
        ({"mu_m3_s2": 0.0}, "planet.mu_m3_s2"),
        ({"mu_m3_s2": float("nan")}, "planet.mu_m3_s2"),
        ({"rotation_rad_s": -1e-5}, "planet.rotation_rad_s"),
        ({"j2": float("inf")}, "planet.j2"),
        ({"j2": "0.001"}, "planet.j2"),
        ({"latitude_convention": "planetographic"}, "planet.latitude_convention"),
        ({"name": ""}, "planet.name"),
        ({"radius_m": 3e6}, "planet.radius_m"),
    ],
)
def test_with_overrides_rejects_bad_values(fields: dict, field: str) -> None:
    """Bad input: out-of-range or unknown overrides raise InputError naming the field."""
    with pytest.raises(InputError) as err:
        with_overrides(MARS, **fields)
    assert err.value.field == field
