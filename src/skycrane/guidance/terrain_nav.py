"""Mars 2020 Lander Vision System (LVS) envelope and Safe Target Selection (STS), in the kernel.

GUIDANCE.md 3.4. The LVS fix itself is skycrane.propagate.navigation.terrain_fix
(it replaces the horizontal navigation error inside :func:`in_lvs_envelope`);
here are the envelope, the onboard safe-target map and the target choice that
guidance.cycles.powered_target makes at the hand-over to powered descent.

* The map (:class:`HazardMap`) is a grid of square cells in the site's local
  east/north plane (the tangent plane at the landing target), ``True`` where
  landing is safe; about 10 m cells in flight (S2). It enters the kernel as
  two arrays (:meth:`HazardMap.kernel_arrays`): the cells as uint8 and the
  grid (east0_m, north0_m, spacing_m). A map may come from a file (a DEM's
  slopes, skycrane.terrain) or be :func:`synthetic_hazard_map`.
* STS (:func:`select_safe_target`): of the safe cells whose divert from the
  predicted no-divert landing point is at most the reach, and whose centre
  lies at least the backshell clearance from the backshell's predicted
  landing point, take the one nearest the prediction ("the closest green
  pixel possible", USGS, S2). Without a map every point is safe and the
  choice is analytic: the prediction itself if it clears the backshell, else
  the nearest point of the clearance circle. Backshell avoidance is thus an
  explicit law: the minimum divert is whatever takes the target out of the
  backshell's clearance circle.

References
----------
.. [1] Johnson, A. E. et al., "The Lander Vision System for Mars 2020 Entry
   Descent and Landing", AAS 17-038.
.. [2] "Mars 2020 Lander Vision System Flight Performance", NTRS 20230006986.
.. [3] Nelessen, A. et al., "Mars 2020 Entry, Descent, and Landing System
   Overview", IEEE Aerospace 2019 (Terrain-Relative Navigation, STS).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np

from skycrane._jit_options import SCALAR, STEP_PATH
from skycrane.errors import InputError

__all__ = [
    "LVS_HSPEED_MAX_M_S",
    "HazardMap",
    "in_lvs_envelope",
    "load_hazard_map",
    "select_safe_target",
    "synthetic_hazard_map",
]

LVS_VSPEED_MIN_M_S = 65.0  # S2: LVS envelope, descent speed 65-115 m/s
LVS_VSPEED_MAX_M_S = 115.0
LVS_HSPEED_MAX_M_S = 70.0  # S2: horizontal speed <= 70 m/s
LVS_OFF_NADIR_MAX_RAD = math.radians(45.0)  # S2
LVS_RATE_MAX_RAD_S = math.radians(50.0)  # S2
SYNTHETIC_HALF_WIDTH_M = 5000.0  # E: covers the 99 % Mars 2020 ellipse, 7.7 x 6.6 km (S)
SYNTHETIC_SPACING_M = 10.0  # S2: the onboard map's ~10 m cells
SYNTHETIC_CORRELATION_M = 60.0  # R: size of a hazard patch (rock fields, scarps)


@numba.njit(**SCALAR)
def in_lvs_envelope(vspeed_m_s, hspeed_m_s, off_nadir_rad, rate_rad_s):
    """Return whether LVS can fix the position at this state (GUIDANCE.md 3.4 step 2, S2).

    ``vspeed_m_s`` is the descent speed (positive down), ``hspeed_m_s`` the
    horizontal speed, ``off_nadir_rad`` the camera's angle from nadir and
    ``rate_rad_s`` the body rate magnitude.
    """
    return (
        LVS_VSPEED_MIN_M_S <= vspeed_m_s <= LVS_VSPEED_MAX_M_S
        and hspeed_m_s <= LVS_HSPEED_MAX_M_S
        and off_nadir_rad <= LVS_OFF_NADIR_MAX_RAD
        and rate_rad_s <= LVS_RATE_MAX_RAD_S
    )


@dataclass(frozen=True)
class HazardMap:
    """Onboard safe-target map in the site's local east/north plane (origin: the target).

    ``safe[i, j]`` is the cell whose south-west corner is at
    ``(east0_m + j spacing_m, north0_m + i spacing_m)`` (rows northward,
    columns eastward); its centre is half a cell further.
    """

    safe: np.ndarray
    east0_m: float
    north0_m: float
    spacing_m: float

    @classmethod
    def checked(cls, safe, east0_m, north0_m, spacing_m, field: str) -> HazardMap:
        """A map from the interface tuple, refused (InputError naming ``field``) if malformed
        or if it does not cover the site (the target, east 0 and north 0)."""
        grid = np.asarray(safe)
        if grid.ndim != 2 or grid.size == 0 or grid.dtype != np.bool_:
            raise InputError(field, f"{grid.dtype} {grid.shape}", "a non-empty 2-D bool array")
        values = {"east0_m": east0_m, "north0_m": north0_m, "spacing_m": spacing_m}
        for name, value in values.items():
            if not math.isfinite(float(value)):
                raise InputError(f"{field}.{name}", value, "a finite number")
        if float(spacing_m) <= 0.0:
            raise InputError(f"{field}.spacing_m", spacing_m, "a cell size > 0 m")
        out = cls(grid, float(east0_m), float(north0_m), float(spacing_m))
        (e_lo, e_hi), (n_lo, n_hi) = out.extent_m()
        if not (e_lo <= 0.0 <= e_hi and n_lo <= 0.0 <= n_hi):
            raise InputError(
                field,
                f"east {e_lo:g}..{e_hi:g} m, north {n_lo:g}..{n_hi:g} m",
                "a map that covers the site (the target at east 0, north 0)",
            )
        return out

    def extent_m(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((east min, east max), (north min, north max)) of the map's edges, m."""
        rows, cols = self.safe.shape
        return (
            (self.east0_m, self.east0_m + cols * self.spacing_m),
            (self.north0_m, self.north0_m + rows * self.spacing_m),
        )

    def kernel_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(cells as uint8, grid [east0_m, north0_m, spacing_m]): the map as the kernel reads it."""
        cells = np.ascontiguousarray(self.safe, dtype=np.uint8)
        return cells, np.array([self.east0_m, self.north0_m, self.spacing_m])


def synthetic_hazard_map(
    seed: int,
    hazard_fraction: float,
    *,
    half_width_m: float = SYNTHETIC_HALF_WIDTH_M,
    spacing_m: float = SYNTHETIC_SPACING_M,
    correlation_m: float = SYNTHETIC_CORRELATION_M,
) -> HazardMap:
    """A seeded synthetic site: patches of hazard covering ``hazard_fraction`` of the ground.

    White Gaussian noise on the grid, smoothed with a Gaussian kernel of
    standard deviation ``correlation_m`` (by FFT, periodic), thresholded at
    its (1 - hazard_fraction) quantile: hazardous cells form patches of the
    correlation size, and exactly that fraction of cells is unsafe (to one
    cell). The same seed gives the same map.
    """
    n = round(2.0 * half_width_m / spacing_m)
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(0x48415A,)))
    noise = rng.standard_normal((n, n))
    k = np.fft.fftfreq(n, d=spacing_m)
    kernel = np.exp(-2.0 * (math.pi * correlation_m) ** 2 * (k[:, None] ** 2 + k[None, :] ** 2))
    field = np.fft.ifft2(np.fft.fft2(noise) * kernel).real
    safe = np.ones((n, n), dtype=bool)
    if hazard_fraction > 0.0:
        safe = field < np.quantile(field, 1.0 - hazard_fraction)
    return HazardMap(safe, -n * spacing_m / 2.0, -n * spacing_m / 2.0, spacing_m)


def load_hazard_map(path: Path, field: str) -> HazardMap:
    """A safe-target map from a ``.npz`` with ``safe``, ``east0_m``, ``north0_m``, ``spacing_m``.

    Read without pickles; anything missing or malformed is an InputError naming ``field``.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in ("safe", "east0_m", "north0_m", "spacing_m")}
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(
            field, str(path), f"a .npz with safe, east0_m, north0_m, spacing_m ({exc})"
        ) from None
    scalars = []
    for name in ("east0_m", "north0_m", "spacing_m"):
        value = arrays[name]
        if value.size != 1 or value.dtype.kind not in "fiu":
            raise InputError(f"{field}.{name}", value.shape, "one number")
        scalars.append(float(value.reshape(())))
    return HazardMap.checked(arrays["safe"], *scalars, field=field)


@numba.njit(**SCALAR)
def _clear_circle(pe, pn, be, bn, clear_m):
    """The point nearest (pe, pn) outside the circle of radius clear_m about (be, bn)."""
    de, dn = pe - be, pn - bn
    d = math.sqrt(de * de + dn * dn)
    if d >= clear_m:
        return pe, pn
    if d < 1e-9:  # prediction on the backshell's point: move east (any direction is nearest)
        return be + clear_m, bn
    return be + clear_m * de / d, bn + clear_m * dn / d


@numba.njit(**STEP_PATH)
def select_safe_target(pe, pn, be, bn, clear_m, reach_m, safe, grid):
    """STS: the target (east, north) [m] and whether it qualified (module docstring).

    (pe, pn) is the predicted no-divert landing point, (be, bn) the backshell's
    predicted landing point, ``clear_m`` the clearance from it, ``reach_m`` the
    largest divert; ``safe`` and ``grid`` the map (an empty ``safe``: all
    ground safe). Ties go to the first cell in row-major order. When nothing
    qualifies the prediction is returned with False: no divert.
    """
    if safe.size == 0:
        te, tn = _clear_circle(pe, pn, be, bn, clear_m)
        de, dn = te - pe, tn - pn
        if de * de + dn * dn <= reach_m * reach_m:
            return te, tn, True
        return pe, pn, False
    e0, n0, h = grid[0], grid[1], grid[2]
    rows, cols = safe.shape
    j_lo = max(0, math.floor((pe - reach_m - e0) / h))
    j_hi = min(cols - 1, math.floor((pe + reach_m - e0) / h))
    i_lo = max(0, math.floor((pn - reach_m - n0) / h))
    i_hi = min(rows - 1, math.floor((pn + reach_m - n0) / h))
    best = math.inf
    te, tn = pe, pn
    clear2 = clear_m * clear_m
    reach2 = reach_m * reach_m
    for i in range(i_lo, i_hi + 1):
        cn = n0 + (i + 0.5) * h
        for j in range(j_lo, j_hi + 1):
            if safe[i, j] == 0:
                continue
            ce = e0 + (j + 0.5) * h
            d2 = (ce - pe) * (ce - pe) + (cn - pn) * (cn - pn)
            if d2 > reach2 or d2 >= best:
                continue
            if (ce - be) * (ce - be) + (cn - bn) * (cn - bn) < clear2:
                continue
            best = d2
            te, tn = ce, cn
    return te, tn, math.isfinite(best)
