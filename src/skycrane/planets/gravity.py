"""Gravitational acceleration: point mass plus the J2 zonal harmonic.

The acceleration is gravitation only, in planet-fixed axes; the centrifugal
term belongs to the rotating-frame equations of motion, not to this model
(NASA/TM-2015-218675 [1]_, "Gravitation"). It is the gradient of

    U = mu / r [1 - J2 (a / r)^2 P2(sin phi)],   P2(s) = (3 s^2 - 1) / 2,

with phi the planetocentric latitude and a the J2 reference radius.

References
----------
.. [1] Murri, D. G., Jackson, E. B., Shelton, R. O. et al. (2015), "Check-cases
   for Verification of 6-Degree-of-Freedom Flight Vehicle Simulations",
   NASA/TM-2015-218675, Vol. II (J2 gravitation of the WGS-84 cases).
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import ArrayLike

from skycrane._jit_options import PYTHON_ERRORS
from skycrane.planets._arrays import vec3
from skycrane.planets.constants import Planet

__all__ = ["gravity", "gravity_j2"]


@numba.njit(**PYTHON_ERRORS)
def gravity_j2(
    x_m: float, y_m: float, z_m: float, mu: float, a: float, j2: float
) -> tuple[float, float, float]:
    """Return the point-mass + J2 gravitational acceleration in planet-fixed axes.

    Parameters
    ----------
    x_m, y_m, z_m : float
        Planet-fixed position, m (z along the rotation axis).
    mu : float
        Gravitational parameter, m^3/s^2.
    a : float
        J2 reference (equatorial) radius, m.
    j2 : float
        Second zonal harmonic.

    Returns
    -------
    tuple of float
        ``(g_x, g_y, g_z)`` in m/s^2, with
        g_x = -mu x / r^3 [1 - 1.5 J2 (a/r)^2 (5 z^2/r^2 - 1)] (same for y) and
        g_z = -mu z / r^3 [1 - 1.5 J2 (a/r)^2 (5 z^2/r^2 - 3)] [1]_.
    """
    r2 = x_m * x_m + y_m * y_m + z_m * z_m
    mu_r3 = mu / (r2 * np.sqrt(r2))
    k = 1.5 * j2 * (a * a / r2)
    five_s2 = 5.0 * z_m * z_m / r2
    f_xy = -mu_r3 * (1.0 - k * (five_s2 - 1.0))
    f_z = -mu_r3 * (1.0 - k * (five_s2 - 3.0))
    return f_xy * x_m, f_xy * y_m, f_z * z_m


@numba.njit(**PYTHON_ERRORS)
def _gravity_rows(r: np.ndarray, mu: float, a: float, j2: float) -> np.ndarray:
    out = np.empty_like(r)
    for i in range(r.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = gravity_j2(r[i, 0], r[i, 1], r[i, 2], mu, a, j2)
    return out


def gravity(r_pf_m: ArrayLike, planet: Planet) -> np.ndarray:
    """Vectorised :func:`gravity_j2` for a planet.

    Parameters
    ----------
    r_pf_m : array_like, shape (..., 3)
        Planet-fixed positions, m.
    planet : Planet
        Supplies mu, the J2 reference radius and J2.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Gravitational acceleration, m/s^2, planet-fixed axes.

    Raises
    ------
    InputError
        If the last axis of ``r_pf_m`` is not of length 3.
    """
    r = vec3(r_pf_m, "r_pf_m")
    rows = np.ascontiguousarray(r.reshape(-1, 3))
    out = _gravity_rows(rows, planet.mu_m3_s2, planet.gravity_reference_radius_m, planet.j2)
    return out.reshape(r.shape)
