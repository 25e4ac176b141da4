"""Two-body orbit conversions and the Earth's rotation angle at an epoch (pure numpy).

A flight that starts in orbit (``[orbit]``, docs/orbit_and_deorbit.md) gives
classical elements or an inertial state at a UTC epoch. The kernel propagates
in planet-fixed axes, so the inertial state is rotated by the planet's
rotation angle at the epoch:

* Inertial axes: the Earth's equator and equinox of the epoch, precession and
  nutation neglected (over one flight they move the pole by < 0.01 deg),
  with z along the rotation axis.
* The angle between the inertial x axis and the planet-fixed (Greenwich) x
  axis is the Earth Rotation Angle of the IERS Conventions (2010), eq. 5.15:
  ERA = 2 pi (0.7790572732640 + 1.00273781191135448 D_u), D_u the days of
  UT1 since JD 2451545.0, taking UT1 = UTC (|UT1 - UTC| < 0.9 s: < 0.004 deg,
  at most 420 m along the equator). ERA is the sidereal angle of the
  equinox-independent Celestial Intermediate Origin; against the equinox
  it differs from GMST by the equation of the origins (< 0.1 deg over this
  century), a fixed offset of the inertial node that moves no flight.

The elements follow Vallado, *Fundamentals of Astrodynamics and
Applications*, 4th ed. (2013), algorithm 10 (COE2RV) and algorithm 9 (RV2COE,
the perigee radius).
"""

from __future__ import annotations

import datetime
import math

import numpy as np

J2000_UTC = datetime.datetime(2000, 1, 1, 12, 0, 0, tzinfo=datetime.UTC)
"""JD 2451545.0, the origin of the Earth Rotation Angle's day count."""


def earth_rotation_angle_rad(epoch: datetime.datetime) -> float:
    """The Earth Rotation Angle [rad, 0..2 pi) at a UTC ``epoch`` (IERS 2010, eq. 5.15)."""
    if epoch.tzinfo is None:
        epoch = epoch.replace(tzinfo=datetime.UTC)
    days = (epoch - J2000_UTC).total_seconds() / 86400.0
    turns = 0.7790572732640 + 0.00273781191135448 * days + days  # the integer days drop out
    return 2.0 * math.pi * (turns % 1.0)


def elements_to_inertial(
    mu_m3_s2: float,
    semi_major_axis_m: float,
    eccentricity: float,
    inclination_rad: float,
    raan_rad: float,
    argument_of_perigee_rad: float,
    true_anomaly_rad: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Inertial position [m] and velocity [m/s] of classical elements (Vallado alg. 10).

    p = a (1 - e^2); in the perifocal frame r = p / (1 + e cos nu) (cos nu, sin nu, 0)
    and v = sqrt(mu / p) (-sin nu, e + cos nu, 0), rotated by R3(-RAAN) R1(-i) R3(-omega).
    """
    e = eccentricity
    p = semi_major_axis_m * (1.0 - e * e)
    nu = true_anomaly_rad
    r_pqw = p / (1.0 + e * math.cos(nu)) * np.array([math.cos(nu), math.sin(nu), 0.0])
    v_pqw = math.sqrt(mu_m3_s2 / p) * np.array([-math.sin(nu), e + math.cos(nu), 0.0])
    rot = _r3(-raan_rad) @ _r1(-inclination_rad) @ _r3(-argument_of_perigee_rad)
    return rot @ r_pqw, rot @ v_pqw


def inertial_to_planet_fixed(
    r_i_m: np.ndarray, v_i_m_s: np.ndarray, rotation_angle_rad: float, omega_rad_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Planet-fixed position and planet-relative velocity of an inertial state.

    r_pf = R3(theta) r_i and v_pf = R3(theta) v_i - omega x r_pf (the
    transport theorem), theta the planet's rotation angle at the epoch.
    """
    rot = _r3(rotation_angle_rad)
    r = rot @ np.asarray(r_i_m, dtype=np.float64)
    v = rot @ np.asarray(v_i_m_s, dtype=np.float64) - np.cross([0.0, 0.0, omega_rad_s], r)
    return r, v


def planet_fixed_to_inertial(
    r_pf_m: np.ndarray, v_pf_m_s: np.ndarray, rotation_angle_rad: float, omega_rad_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`inertial_to_planet_fixed` (states ``[..., 3]``)."""
    r = np.asarray(r_pf_m, dtype=np.float64)
    v = np.asarray(v_pf_m_s, dtype=np.float64) + np.cross([0.0, 0.0, omega_rad_s], r)
    rot = _r3(-rotation_angle_rad)
    return r @ rot.T, v @ rot.T


def perigee_apogee_radius_m(
    r_i_m: np.ndarray, v_i_m_s: np.ndarray, mu_m3_s2: float
) -> tuple[float, float]:
    """Two-body perigee and apogee radii [m] of an inertial state (apogee inf if unbound).

    From the vis-viva energy, a = 1 / (2/r - v^2/mu), and the angular momentum,
    e = sqrt(1 - h^2 / (mu a)) (Vallado alg. 9).
    """
    r_i_m = np.asarray(r_i_m, dtype=np.float64)
    v_i_m_s = np.asarray(v_i_m_s, dtype=np.float64)
    r = float(np.linalg.norm(r_i_m))
    v2 = float(v_i_m_s @ v_i_m_s)
    h2 = float(np.sum(np.cross(r_i_m, v_i_m_s) ** 2))
    inv_a = 2.0 / r - v2 / mu_m3_s2
    p = h2 / mu_m3_s2
    e = math.sqrt(max(0.0, 1.0 - p * inv_a))
    rp = p / (1.0 + e)
    ra = p / (1.0 - e) if e < 1.0 else math.inf
    return rp, ra


def _r1(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, s], [0.0, -s, c]])


def _r3(angle: float) -> np.ndarray:
    """Rotation of the axes by ``angle`` about z (a vector's components in the new axes)."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
