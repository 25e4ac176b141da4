"""Mars 2020 Lander Vision System (LVS) and Safe Target Selection (STS), simulation level.

GUIDANCE.md 3.4. This is not a vision system: it draws the navigation error
the guidance will carry and picks the divert target, once per case, before
the compiled kernel runs (plain numpy, Python level).

* Before LVS the horizontal navigation error is the IMU-propagated one
  (1-sigma ``sigma_imu_m`` per axis; up to about 3.2 km in flight, S2).
* LVS runs from about 4.2 km above ground inside an envelope (vertical speed
  65-115 m/s, horizontal <= 70 m/s, off-nadir <= 45 deg, rate <= 50 deg/s, S2);
  about 10 s after it starts (R) the error becomes N(0, sigma_lvs_m) per axis
  (E: 10-20 m; the flown touchdown was 5 m from target, S). Outside the
  envelope the IMU error stays.
* STS takes the safe cells of an onboard map (about 10 m cells, S2) whose
  divert from the predicted no-divert landing point lies between a minimum
  (backshell avoidance) and a maximum (reach), and picks the one nearest the
  prediction (S2). The result is handed to the powered approach (3.2) as its
  target.

Horizontal vectors are ``(east, north)`` offsets in m in the local tangent
plane; :func:`east_north_axes` maps them into the kernel's Cartesian frame.

References
----------
.. [1] Johnson, A. E. et al., "The Lander Vision System for Mars 2020 Entry
   Descent and Landing", AAS 17-038.
.. [2] "Mars 2020 Lander Vision System Flight Performance", NTRS 20230006986.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "LVS_FIX_DELAY_S",
    "LVS_START_HEIGHT_M",
    "NavErrors",
    "SafeTargetMap",
    "east_north_axes",
    "in_lvs_envelope",
    "navigation_errors",
    "select_safe_target",
]

LVS_START_HEIGHT_M = 4200.0  # S2: LVS starts about 4.2 km above ground
LVS_FIX_DELAY_S = 10.0  # R: position fix about 10 s after LVS starts


def in_lvs_envelope(
    vspeed_m_s: float, hspeed_m_s: float, off_nadir_rad: float, rate_rad_s: float
) -> bool:
    """Return whether LVS can fix the position at this state (GUIDANCE.md 3.4 step 2, S2).

    Parameters
    ----------
    vspeed_m_s, hspeed_m_s : float
        Descent speed (positive down) and horizontal speed, m/s.
    off_nadir_rad, rate_rad_s : float
        Camera off-nadir angle (rad) and body rate magnitude (rad/s).
    """
    return (
        65.0 <= vspeed_m_s <= 115.0
        and hspeed_m_s <= 70.0
        and off_nadir_rad <= math.radians(45.0)
        and rate_rad_s <= math.radians(50.0)
    )


@dataclass(frozen=True, slots=True)
class NavErrors:
    """Horizontal navigation errors (navigated minus true position), ``(east, north)`` m."""

    before_lvs_en_m: np.ndarray
    after_lvs_en_m: np.ndarray


def navigation_errors(
    rng: np.random.Generator | None = None,
    *,
    sigma_imu_m: float = 0.0,
    sigma_lvs_m: float = 0.0,
    lvs_fixed: bool = True,
) -> NavErrors:
    """Draw the horizontal navigation error before and after the LVS fix.

    Parameters
    ----------
    rng : numpy.random.Generator or None
        Seeded generator; None gives zero errors (the nominal case).
    sigma_imu_m : float
        1-sigma per-axis IMU-propagated error before LVS, m (default 0).
    sigma_lvs_m : float
        1-sigma per-axis error after the LVS fix, m (default 0; E: 10-20 m).
    lvs_fixed : bool
        False when LVS never fixed (outside :func:`in_lvs_envelope`): the IMU
        error stays.

    Returns
    -------
    NavErrors
        before ~ N(0, sigma_imu^2 I), after ~ N(0, sigma_lvs^2 I) (GUIDANCE.md
        3.4 step 2). The IMU draw comes first, so a case replays from its seed.
    """
    if rng is None:
        zero = np.zeros(2)
        return NavErrors(zero, zero.copy())
    before = rng.normal(0.0, sigma_imu_m, 2)
    after = rng.normal(0.0, sigma_lvs_m, 2) if lvs_fixed else before.copy()
    return NavErrors(before, after)


@dataclass(frozen=True, slots=True)
class SafeTargetMap:
    """Onboard safe-target map: a grid of square cells, ``True`` where landing is safe.

    ``safe[i, j]`` is the cell whose centre is at
    ``origin_en_m + ((j + 0.5) cell_m, (i + 0.5) cell_m)`` (row i northward,
    column j eastward; about 10 m cells in flight, S2).
    """

    origin_en_m: np.ndarray
    cell_m: float
    safe: np.ndarray

    def safe_centres_en_m(self) -> np.ndarray:
        """Return the ``(n, 2)`` east-north centres of the safe cells, m."""
        rows, cols = np.nonzero(np.asarray(self.safe, dtype=bool))
        return np.asarray(self.origin_en_m, dtype=float) + self.cell_m * np.column_stack(
            (cols + 0.5, rows + 0.5)
        )


def select_safe_target(
    predicted_en_m: ArrayLike,
    *,
    min_divert_m: float,
    max_divert_m: float,
    safe_map: SafeTargetMap | None = None,
    toward_en_m: ArrayLike | None = None,
) -> np.ndarray | None:
    """Pick the divert target with Safe Target Selection (GUIDANCE.md 3.4 step 3).

    Parameters
    ----------
    predicted_en_m : array_like
        Predicted no-divert landing point, ``(east, north)`` m.
    min_divert_m, max_divert_m : float
        Backshell-avoidance minimum divert and maximum reach, m.
    safe_map : SafeTargetMap or None
        Onboard map; None treats all ground as safe.
    toward_en_m : array_like or None
        Without a map every point at ``min_divert_m`` is nearest; the pick is
        the one toward this point (e.g. the intended target). None: east.

    Returns
    -------
    numpy.ndarray or None
        The safe cell centre nearest the prediction among those with divert
        distance in [min_divert_m, max_divert_m] (ties: the first in the
        map's row-major order), or None when no cell qualifies.
    """
    pred = np.asarray(predicted_en_m, dtype=float)
    if safe_map is None:
        d = np.array([1.0, 0.0]) if toward_en_m is None else np.asarray(toward_en_m) - pred
        norm = float(np.hypot(*d))
        unit = d / norm if norm > 0.0 else np.array([1.0, 0.0])
        return pred + max(min_divert_m, 0.0) * unit if min_divert_m <= max_divert_m else None
    centres = safe_map.safe_centres_en_m()
    dist = np.hypot(*(centres - pred).T)
    ok = (dist >= min_divert_m) & (dist <= max_divert_m)
    if not np.any(ok):
        return None
    return centres[ok][np.argmin(dist[ok])]


def east_north_axes(up: ArrayLike, pole: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return the unit east and north vectors at local vertical ``up``.

    east = pole x up / |pole x up|, north = up x east, with ``pole`` the spin
    axis in the same frame (``(0, 0, 1)`` planet-fixed). A target offset
    ``(e, n)`` is ``target + e east + n north``.
    """
    up_v = np.asarray(up, dtype=float)
    east = np.cross(np.asarray(pole, dtype=float), up_v)
    east /= np.linalg.norm(east)
    return east, np.cross(up_v, east)
