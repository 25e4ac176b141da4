"""Planet-fixed <-> inertial state for a planet rotating uniformly about +z.

The inertial frame coincides with the planet-fixed frame at t = 0 and the
planet turns about the common z axis at omega, as in the NESC check-cases
(NASA/TM-2015-218675 [1]_: "ECI and ECEF coincide at t = 0"). With
theta = omega t and Rz the right-handed rotation about z:

    r_i = Rz(theta) r_pf,    v_i = Rz(theta) (v_pf + omega z_hat x r_pf).

References
----------
.. [1] Murri, D. G., Jackson, E. B., Shelton, R. O. et al. (2015), "Check-cases
   for Verification of 6-Degree-of-Freedom Flight Vehicle Simulations",
   NASA/TM-2015-218675, Vol. II.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from skycrane.planets._arrays import vec3

__all__ = ["inertial_from_pf", "pf_from_inertial"]


def _rotate_z(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, c: np.ndarray, s: np.ndarray
) -> np.ndarray:
    return np.stack(np.broadcast_arrays(c * x - s * y, s * x + c * y, z), axis=-1)


def inertial_from_pf(
    r_pf: ArrayLike, v_pf: ArrayLike, t_s: ArrayLike, omega: float
) -> tuple[np.ndarray, np.ndarray]:
    """Inertial position and velocity from the planet-fixed state.

    Parameters
    ----------
    r_pf : array_like, shape (..., 3)
        Planet-fixed position, m.
    v_pf : array_like, shape (..., 3)
        Planet-relative velocity in planet-fixed axes, m/s.
    t_s : array_like, shape (...)
        Time since the frames coincided, s.
    omega : float
        Rotation rate about +z, rad/s.

    Returns
    -------
    r_i, v_i : numpy.ndarray, shape (..., 3)
        Inertial position (m) and velocity (m/s), inertial axes.
    """
    r = vec3(r_pf, "r_pf")
    v = vec3(v_pf, "v_pf")
    theta = omega * np.asarray(t_s, dtype=np.float64)
    c, s = np.cos(theta), np.sin(theta)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    r_i = _rotate_z(x, y, z, c, s)
    v_i = _rotate_z(v[..., 0] - omega * y, v[..., 1] + omega * x, v[..., 2], c, s)
    return r_i, v_i


def pf_from_inertial(
    r_i: ArrayLike, v_i: ArrayLike, t_s: ArrayLike, omega: float
) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`inertial_from_pf`.

    Returns
    -------
    r_pf, v_pf : numpy.ndarray, shape (..., 3)
        Planet-fixed position (m) and planet-relative velocity (m/s).
    """
    r = vec3(r_i, "r_i")
    v = vec3(v_i, "v_i")
    theta = omega * np.asarray(t_s, dtype=np.float64)
    c, s = np.cos(theta), np.sin(theta)
    r_pf = _rotate_z(r[..., 0], r[..., 1], r[..., 2], c, -s)
    v_rot = _rotate_z(v[..., 0], v[..., 1], v[..., 2], c, -s)
    v_pf = np.stack(
        (v_rot[..., 0] + omega * r_pf[..., 1], v_rot[..., 1] - omega * r_pf[..., 0], v_rot[..., 2]),
        axis=-1,
    )
    return r_pf, v_pf
