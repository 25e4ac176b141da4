"""Planet constants: shape, gravity field and rotation of Mars and Earth.

Every planet is a frozen :class:`Planet`. The propagation kernel gets the
same numbers as a flat ``float64`` array from :meth:`Planet.kernel_constants`,
indexed by the ``PC_*`` constants below.

References
----------
.. [1] Archinal, B. A. et al. (2018), "Report of the IAU Working Group on
   Cartographic Coordinates and Rotational Elements: 2015", Celestial
   Mechanics and Dynamical Astronomy 130:22. Mars reference ellipsoid
   3396.19 km x 3376.20 km; planetocentric latitude is the IAU/MOLA convention.
.. [2] National Imagery and Mapping Agency (2000), "Department of Defense World
   Geodetic System 1984", NIMA TR8350.2, 3rd ed., amendment 1. WGS-84 defining
   parameters a = 6378137.0 m, 1/f = 298.257223563.
.. [3] Murri, D. G., Jackson, E. B., Shelton, R. O. et al. (2015), "Check-cases
   for Verification of 6-Degree-of-Freedom Flight Vehicle Simulations",
   NASA/TM-2015-218675, Vol. II, Table 73: mu, J2, rotation rate and the
   radius of the equal-area spherical Earth used by the NESC check-cases.
.. [4] Project reference notes, ``shared/REFERENCE.md``, "Constants": Mars
   GM 4.282837e13 m^3/s^2 and J2 1.96045e-3 (no primary source is named there).
   The rotation rate 7.088218e-5 rad/s is the IAU 2015 [1]_ rate
   W' = 350.891982443297 deg/day.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from skycrane.errors import InputError

__all__ = [
    "EARTH",
    "EARTH_ROUND",
    "GEODETIC",
    "MARS",
    "N_PLANET_CONSTANTS",
    "PC_A",
    "PC_B",
    "PC_CONV",
    "PC_J2",
    "PC_MU",
    "PC_OMEGA",
    "PLANETOCENTRIC",
    "Planet",
    "planet_by_name",
    "with_overrides",
]

PC_MU = 0
PC_A = 1
PC_B = 2
PC_J2 = 3
PC_OMEGA = 4
PC_CONV = 5
N_PLANET_CONSTANTS = 6

GEODETIC = 0
"""Convention flag: geodetic latitude, height along the ellipsoid normal."""
PLANETOCENTRIC = 1
"""Convention flag: planetocentric latitude, radial height above the ellipsoid."""

_CONVENTION_FLAGS = {"geodetic": GEODETIC, "planetocentric": PLANETOCENTRIC}


@dataclass(frozen=True, slots=True)
class Planet:
    """Shape, gravity and rotation of a planet (SI units).

    Parameters
    ----------
    name : str
        Lower-case name used by :func:`planet_by_name`.
    mu_m3_s2 : float
        Gravitational parameter GM, m^3/s^2 (> 0).
    equatorial_radius_m : float
        Semi-major axis a of the reference ellipsoid, m (> 0).
    polar_radius_m : float
        Semi-minor axis b of the reference ellipsoid, m (0 < b <= a).
    j2 : float
        Unnormalised second zonal harmonic, referred to the equatorial radius.
    rotation_rad_s : float
        Sidereal rotation rate about +z, rad/s (>= 0).
    latitude_convention : str
        ``"geodetic"`` (Earth: latitude of the ellipsoid normal, height along
        it) or ``"planetocentric"`` (Mars, IAU/MOLA [1]_: latitude of the
        radius vector, radial height above the ellipsoid).

    Raises
    ------
    InputError
        If a value is out of range; the field is named ``planet.<attribute>``.
    """

    name: str
    mu_m3_s2: float
    equatorial_radius_m: float
    polar_radius_m: float
    j2: float
    rotation_rad_s: float
    latitude_convention: str

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def flattening(self) -> float:
        """Flattening f = (a - b) / a."""
        return (self.equatorial_radius_m - self.polar_radius_m) / self.equatorial_radius_m

    @property
    def mean_radius_m(self) -> float:
        """Mean radius (2a + b) / 3 of the ellipsoid, m."""
        return (2.0 * self.equatorial_radius_m + self.polar_radius_m) / 3.0

    @property
    def gravity_reference_radius_m(self) -> float:
        """Reference radius of the J2 coefficient (the equatorial radius), m."""
        return self.equatorial_radius_m

    def kernel_constants(self) -> np.ndarray:
        """Return the constants as a ``float64`` array for compiled kernels.

        Returns
        -------
        numpy.ndarray
            Shape ``(N_PLANET_CONSTANTS,)``: ``[mu, a, b, j2, omega, flag]``
            at indices ``PC_MU ... PC_CONV``; flag is 0.0 for geodetic and
            1.0 for planetocentric latitude.
        """
        out = np.empty(N_PLANET_CONSTANTS, dtype=np.float64)
        out[PC_MU] = self.mu_m3_s2
        out[PC_A] = self.equatorial_radius_m
        out[PC_B] = self.polar_radius_m
        out[PC_J2] = self.j2
        out[PC_OMEGA] = self.rotation_rad_s
        out[PC_CONV] = float(_CONVENTION_FLAGS[self.latitude_convention])
        return out


def _finite_number(value: object) -> bool:
    return (
        isinstance(value, int | float | np.floating | np.integer)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _validate(planet: Planet) -> None:
    if not isinstance(planet.name, str) or not planet.name:
        raise InputError("planet.name", planet.name, "a non-empty string")
    checks = (
        ("mu_m3_s2", "a finite number > 0", lambda v: v > 0.0),
        ("equatorial_radius_m", "a finite number > 0", lambda v: v > 0.0),
        ("polar_radius_m", "a finite number > 0", lambda v: v > 0.0),
        ("j2", "a finite number", lambda v: True),
        ("rotation_rad_s", "a finite number >= 0", lambda v: v >= 0.0),
    )
    for field, expected, ok in checks:
        value = getattr(planet, field)
        if not (_finite_number(value) and ok(value)):
            raise InputError(f"planet.{field}", value, expected)
    if planet.polar_radius_m > planet.equatorial_radius_m:
        raise InputError(
            "planet.polar_radius_m",
            planet.polar_radius_m,
            f"<= equatorial_radius_m ({planet.equatorial_radius_m} m)",
        )
    if planet.latitude_convention not in _CONVENTION_FLAGS:
        raise InputError(
            "planet.latitude_convention",
            planet.latitude_convention,
            "'geodetic' or 'planetocentric'",
        )


MARS = Planet(
    name="mars",
    mu_m3_s2=4.282837e13,
    equatorial_radius_m=3396.19e3,
    polar_radius_m=3376.20e3,
    j2=1.96045e-3,
    rotation_rad_s=7.088218e-5,
    latitude_convention="planetocentric",
)
"""Mars: IAU 2015 ellipsoid and rotation [1]_, GM and J2 [4]_, planetocentric latitude."""

_WGS84_A_M = 6378137.0
_WGS84_INV_F = 298.257223563

EARTH = Planet(
    name="earth",
    mu_m3_s2=3.986004418e14,
    equatorial_radius_m=_WGS84_A_M,
    polar_radius_m=_WGS84_A_M * (1.0 - 1.0 / _WGS84_INV_F),
    j2=1.08262982e-3,
    rotation_rad_s=7.292115e-5,
    latitude_convention="geodetic",
)
"""Earth: WGS-84 ellipsoid [2]_ with the NESC constants of [3]_ (Table 73)."""

_NESC_ROUND_EARTH_RADIUS_M = 6371007.1809

EARTH_ROUND = Planet(
    name="earth_round",
    mu_m3_s2=EARTH.mu_m3_s2,
    equatorial_radius_m=_NESC_ROUND_EARTH_RADIUS_M,
    polar_radius_m=_NESC_ROUND_EARTH_RADIUS_M,
    j2=0.0,
    rotation_rad_s=EARTH.rotation_rad_s,
    latitude_convention="geodetic",
)
"""Spherical Earth of NESC cases 4 and 5 [3]_ (equal-area sphere, no J2).

Case 4 is non-rotating: ``with_overrides(EARTH_ROUND, rotation_rad_s=0.0)``.
"""

_PLANETS = {p.name: p for p in (MARS, EARTH, EARTH_ROUND)}


def planet_by_name(name: str) -> Planet:
    """Return the built-in planet called ``name``.

    Parameters
    ----------
    name : str
        ``"mars"``, ``"earth"`` or ``"earth_round"`` (case-insensitive).

    Returns
    -------
    Planet

    Raises
    ------
    InputError
        For any other name (field ``planet.name``).
    """
    key = name.strip().lower() if isinstance(name, str) else name
    try:
        return _PLANETS[key]
    except (KeyError, TypeError):
        raise InputError("planet.name", name, f"one of {', '.join(_PLANETS)}") from None


def with_overrides(planet: Planet, **fields: object) -> Planet:
    """Return a copy of ``planet`` with some fields replaced, validated.

    Parameters
    ----------
    planet : Planet
        The planet to start from.
    **fields
        New values, keyed by :class:`Planet` attribute name.

    Returns
    -------
    Planet

    Raises
    ------
    InputError
        For an unknown field name or an out-of-range value (radii must be
        positive with b <= a, mu positive, rotation rate non-negative).
    """
    names = {f.name for f in dataclasses.fields(Planet)}
    for key, value in fields.items():
        if key not in names:
            raise InputError(f"planet.{key}", value, f"a Planet field: {', '.join(sorted(names))}")
    return dataclasses.replace(planet, **fields)
