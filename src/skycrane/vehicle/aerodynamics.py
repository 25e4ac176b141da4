"""Capsule aerodynamics as tables against Mach number.

A blunt entry capsule flying at its trim angle of attack is described, for a
3-DOF point-mass simulation, by its drag and lift coefficients at trim as
functions of Mach number, a reference area and its mass (e.g. Way et al.,
"Mars Science Laboratory: Entry, Descent, and Landing System Performance",
IEEE Aerospace 2007). The trim angle is carried for reporting only: in 3-DOF the
lift vector is placed by the bank angle about the wind-relative velocity.

Tables are interpolated linearly in Mach and held constant beyond their ends.
Several tables (one per body: capsule, heat shield, backshell, ...) are stacked
in a *bank* of equal-length padded rows so the compiled kernel can index them
by an integer without any Python object.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from skycrane._jit_options import SCALAR
from skycrane.errors import InputError


@dataclass(frozen=True, slots=True)
class AeroTable:
    """Trim aerodynamic coefficients against Mach number.

    Parameters
    ----------
    mach : array, shape (n,)
        Strictly increasing Mach numbers, n >= 1.
    drag_coefficient : array, shape (n,)
        Drag coefficient C_D at trim (reference area of the body), > 0.
    lift_coefficient : array, shape (n,)
        Lift coefficient C_L at trim, >= 0 (its direction is set by the bank angle).
    trim_angle_deg : array, shape (n,)
        Trim angle of attack [deg], reported only.
    field : str
        Key path used in error messages.
    """

    mach: np.ndarray
    drag_coefficient: np.ndarray
    lift_coefficient: np.ndarray
    trim_angle_deg: np.ndarray
    field: str = "aerodynamics"

    def __post_init__(self) -> None:
        names = ("mach", "drag_coefficient", "lift_coefficient", "trim_angle_deg")
        arrays = {}
        for name in names:
            arr = np.array(getattr(self, name), dtype=np.float64, ndmin=1)
            if arr.ndim != 1 or arr.size == 0:
                raise InputError(f"{self.field}.{name}", getattr(self, name), "a non-empty list")
            if not np.all(np.isfinite(arr)):
                raise InputError(f"{self.field}.{name}", arr.tolist(), "finite numbers")
            arr.setflags(write=False)
            arrays[name] = arr
        n = arrays["mach"].size
        for name in names[1:]:
            if arrays[name].size != n:
                raise InputError(
                    f"{self.field}.{name}",
                    arrays[name].tolist(),
                    f"{n} values, one per Mach number",
                )
        if np.any(np.diff(arrays["mach"]) <= 0.0) or arrays["mach"][0] < 0.0:
            raise InputError(
                f"{self.field}.mach", arrays["mach"].tolist(), "non-negative, strictly increasing"
            )
        if np.any(arrays["drag_coefficient"] <= 0.0):
            raise InputError(
                f"{self.field}.drag_coefficient", arrays["drag_coefficient"].tolist(), "values > 0"
            )
        if np.any(arrays["lift_coefficient"] < 0.0):
            raise InputError(
                f"{self.field}.lift_coefficient", arrays["lift_coefficient"].tolist(), "values >= 0"
            )
        for name, arr in arrays.items():
            object.__setattr__(self, name, arr)

    @classmethod
    def from_lift_to_drag(
        cls,
        mach: np.ndarray,
        drag_coefficient: np.ndarray,
        lift_to_drag: np.ndarray,
        trim_angle_deg: np.ndarray | None = None,
        field: str = "aerodynamics",
    ) -> AeroTable:
        """Build a table from C_D and L/D (C_L = (L/D) C_D)."""
        cd = np.array(drag_coefficient, dtype=np.float64, ndmin=1)
        ld = np.array(lift_to_drag, dtype=np.float64, ndmin=1)
        if ld.shape != cd.shape:
            raise InputError(f"{field}.lift_to_drag", ld.tolist(), f"{cd.size} values")
        trim = np.zeros_like(cd) if trim_angle_deg is None else trim_angle_deg
        return cls(mach, cd, ld * cd, trim, field)

    @property
    def lift_to_drag(self) -> np.ndarray:
        """L/D at each Mach node."""
        return self.lift_coefficient / self.drag_coefficient

    def evaluate(self, mach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(C_D, C_L) at the given Mach numbers, via the kernel's interpolation."""
        m = np.asarray(mach, dtype=np.float64)
        flat = m.ravel()
        cd = np.empty_like(flat)
        cl = np.empty_like(flat)
        _evaluate_many(flat, self.mach, self.drag_coefficient, self.lift_coefficient, cd, cl)
        return cd.reshape(m.shape), cl.reshape(m.shape)


@numba.njit(**SCALAR)
def bracket(x: float, xs: np.ndarray, n: int) -> int:
    """Index i with xs[i] <= x < xs[i+1] for xs[0] < x < xs[n-1] (bisection on n nodes)."""
    lo = 0
    hi = n - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    return lo


@numba.njit(**SCALAR)
def interp_clamped(x: float, xs: np.ndarray, ys: np.ndarray, n: int) -> float:
    """Linear interpolation of ys(xs) at x on the first n nodes, held constant beyond the ends."""
    if n == 1 or x <= xs[0]:
        return ys[0]
    if x >= xs[n - 1]:
        return ys[n - 1]
    i = bracket(x, xs, n)
    w = (x - xs[i]) / (xs[i + 1] - xs[i])
    return ys[i] + w * (ys[i + 1] - ys[i])


@numba.njit(**SCALAR)
def _evaluate_many(mach, mach_tab, cd_tab, cl_tab, cd_out, cl_out) -> None:
    n = mach_tab.size
    for k in range(mach.size):
        cd_out[k] = interp_clamped(mach[k], mach_tab, cd_tab, n)
        cl_out[k] = interp_clamped(mach[k], mach_tab, cl_tab, n)


@dataclass(frozen=True, slots=True)
class AeroBank:
    """Aerodynamic tables stacked for the compiled kernel.

    ``mach[k, :n[k]]``, ``cd[k, :n[k]]`` and ``cl[k, :n[k]]`` hold table ``k``;
    rows are padded with their last value.
    """

    mach: np.ndarray
    cd: np.ndarray
    cl: np.ndarray
    n: np.ndarray

    @classmethod
    def from_tables(cls, tables: list[AeroTable]) -> AeroBank:
        """Stack tables; table ``k`` of the list is row ``k`` of the bank."""
        if not tables:
            raise InputError("aerodynamics", tables, "at least one table")
        width = max(t.mach.size for t in tables)
        mach = np.empty((len(tables), width))
        cd = np.empty_like(mach)
        cl = np.empty_like(mach)
        n = np.empty(len(tables), dtype=np.int64)
        for k, t in enumerate(tables):
            m = t.mach.size
            n[k] = m
            for dst, src in ((mach, t.mach), (cd, t.drag_coefficient), (cl, t.lift_coefficient)):
                dst[k, :m] = src
                dst[k, m:] = src[-1]
        # Padding Mach nodes must stay strictly increasing for the binary search.
        for k, t in enumerate(tables):
            m = t.mach.size
            mach[k, m:] = t.mach[-1] + np.arange(1, width - m + 1)
        return cls(mach, cd, cl, n)


@numba.njit(**SCALAR)
def aero_coefficients(mach: float, table: int, bank_mach, bank_cd, bank_cl, bank_n):
    """(C_D, C_L) of bank row ``table`` at Mach ``mach`` (kernel form; one bracket search)."""
    n = bank_n[table]
    xs = bank_mach[table]
    cd = bank_cd[table]
    cl = bank_cl[table]
    if n == 1 or mach <= xs[0]:
        return cd[0], cl[0]
    if mach >= xs[n - 1]:
        return cd[n - 1], cl[n - 1]
    i = bracket(mach, xs, n)
    w = (mach - xs[i]) / (xs[i + 1] - xs[i])
    return cd[i] + w * (cd[i + 1] - cd[i]), cl[i] + w * (cl[i + 1] - cl[i])
