"""U.S. Standard Atmosphere 1976, 0-1000 km (NASA-TM-X-74335, NOAA-S/T 76-1562).

Above 86 km the model is :mod:`skycrane.atmosphere.us76_upper` (diffusive
species, kinetic temperature); below, the closed forms here.

The lower atmosphere of the standard is seven layers in which the
molecular-scale temperature T_M is linear in geopotential height H (Table 4).
Given geometric altitude Z:

* H = r0 Z / (r0 + Z), r0 = 6 356 766 m (eq. 18);
* T_M = T_M,b + L_M,b (H - H_b) (eq. 23);
* P = P_b [T_M,b / T_M]^(g0' M0 / (R* L_M,b)) if L_M,b != 0 (eq. 33a),
  P = P_b exp(-g0' M0 (H - H_b) / (R* T_M,b)) otherwise (eq. 33b);
* rho = P M0 / (R* T_M) (eq. 42);
* kinetic T = T_M (M / M0) (eq. 21), with M/M0 < 1 only from 80 to 86 km
  (Table 8, linear between its 0.5 km entries);
* speed of sound C_s = sqrt(gamma R* T_M / M0), gamma = 1.4 (eq. 50).

Defining constants of the standard: g0' = 9.80665 m²/(s² m'), R* = 8314.32 J/(kmol K),
M0 = 28.9644 kg/kmol, sea level P0 = 101 325 Pa and T0 = 288.15 K. The layer
base pressures P_b are computed from these through eq. 33, which reproduces
Table 4 (22 632.06 Pa at 11 km', ..., 0.373 383 6 Pa at 84.852 km').
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from skycrane.atmosphere._validate import positive_scalar
from skycrane.atmosphere.table import SUBGRID_M, AtmosphereState, AtmosphereTable
from skycrane.atmosphere.us76_upper import (
    GAMMA,
    M0_KG_KMOL,
    R0_M,
    R_STAR_J_KMOL_K,
    us76_upper_properties,
)
from skycrane.atmosphere.us76_upper import TOP_M as UPPER_TOP_M
from skycrane.constants import G0_M_S2
from skycrane.errors import InputError

_GMR_K_M = G0_M_S2 * M0_KG_KMOL / R_STAR_J_KMOL_K  # hydrostatic constant, K per m'

# Table 4: layer bases in geopotential m' and molecular-scale lapse rates in K/m'.
_BASE_H_M = np.array([0.0, 11e3, 20e3, 32e3, 47e3, 51e3, 71e3])
_LAPSE_K_M = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])
_TOP_H_M = 84852.0

# Table 8: molecular-weight ratio M/M0 against geometric altitude, 80 to 86 km.
_MRATIO_Z_M = np.arange(80e3, 86e3 + 1.0, 500.0)
_MRATIO = np.array([
    1.0, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579,
])  # fmt: skip

BOTTOM_M = -5000.0
"""Lowest geometric altitude of the standard's tables, m."""
TOP_M = 86000.0
"""Geometric altitude of the top of the lower atmosphere (84 852 m'), m."""
DEFAULT_TOP_M = 200_000.0
"""Default top of the :func:`us76` table, m: above Earth's 121.92 km entry interface and
any skip apogee, where drag on a capsule is below 1e-4 m/s^2 (rho = 2.5e-10 kg/m^3)."""


def _layer_bases() -> tuple[np.ndarray, np.ndarray]:
    """Molecular-scale temperature (K) and pressure (Pa) at each layer base (Table 4)."""
    temperature = [288.15]
    pressure = [101325.0]
    for b in range(_BASE_H_M.size - 1):
        dh = _BASE_H_M[b + 1] - _BASE_H_M[b]
        t_top = temperature[b] + _LAPSE_K_M[b] * dh
        if _LAPSE_K_M[b] == 0.0:
            p_top = pressure[b] * math.exp(-_GMR_K_M * dh / temperature[b])
        else:
            p_top = pressure[b] * (temperature[b] / t_top) ** (_GMR_K_M / _LAPSE_K_M[b])
        temperature.append(t_top)
        pressure.append(p_top)
    return np.array(temperature), np.array(pressure)


_BASE_T_K, _BASE_P_PA = _layer_bases()


def geopotential_m(altitude_m: ArrayLike) -> np.ndarray:
    """Geopotential height H in m' from geometric altitude Z in m (eq. 18)."""
    z = np.asarray(altitude_m, dtype=np.float64)
    return R0_M * z / (R0_M + z)


def geometric_m(geopotential_height_m: ArrayLike) -> np.ndarray:
    """Geometric altitude Z in m from geopotential height H in m' (inverse of eq. 18)."""
    h = np.asarray(geopotential_height_m, dtype=np.float64)
    return R0_M * h / (R0_M - h)


def us76_properties(altitude_m: ArrayLike) -> AtmosphereState:
    """U.S. Standard Atmosphere 1976, vectorised: closed form to 86 km, diffusive species above.

    Parameters
    ----------
    altitude_m : array_like
        Geometric altitude above mean sea level in m, any shape, within
        [-5 000, 1 000 000] m (the standard's range).

    Returns
    -------
    AtmosphereState
        Density (kg/m³, eq. 42), pressure (Pa, eq. 33), kinetic temperature
        (K, eq. 21 with Table 8) and speed of sound (m/s, eq. 50), each with
        the shape of ``altitude_m``. Above 86 km the values are those of
        :func:`skycrane.atmosphere.us76_upper.us76_upper_properties`.

    Raises
    ------
    InputError
        If an altitude is NaN or outside [-5 000, 1 000 000] m.
    """
    z = np.asarray(altitude_m, dtype=np.float64)
    outside = ~((z >= BOTTOM_M) & (z <= UPPER_TOP_M))
    if np.any(outside):
        raise InputError(
            "atmosphere.altitude_m",
            z[outside].ravel()[0],
            f"a geometric altitude within [{BOTTOM_M:g}, {UPPER_TOP_M:g}] m (US 1976)",
        )
    lower = np.minimum(np.atleast_1d(z), TOP_M)
    h = geopotential_m(lower)
    b = np.searchsorted(_BASE_H_M[1:], h, side="right")
    dh = h - _BASE_H_M[b]
    lapse = _LAPSE_K_M[b]
    t_base, p_base = _BASE_T_K[b], _BASE_P_PA[b]
    t_molecular = t_base + lapse * dh
    isothermal = lapse == 0.0
    exponent = _GMR_K_M / np.where(isothermal, 1.0, lapse)
    pressure = np.where(
        isothermal,
        p_base * np.exp(-_GMR_K_M * dh / t_base),
        p_base * (t_base / t_molecular) ** exponent,
    )
    values = [
        pressure * M0_KG_KMOL / (R_STAR_J_KMOL_K * t_molecular),
        pressure,
        t_molecular * np.interp(lower, _MRATIO_Z_M, _MRATIO),
        np.sqrt(GAMMA * R_STAR_J_KMOL_K * t_molecular / M0_KG_KMOL),
    ]
    upper = np.atleast_1d(z) > TOP_M
    if np.any(upper):
        above_values = us76_upper_properties(np.atleast_1d(z)[upper])
        for value, above in zip(values, above_values, strict=True):
            value[upper] = above
    return AtmosphereState(*(np.asarray(v, dtype=np.float64).reshape(z.shape) for v in values))


_UPPER_KINKS_M = np.array([91e3, 100e3, 110e3, 115e3, 120e3, 150e3, 500e3])
"""Where an integrand of the upper atmosphere changes form (temperature segments, the
N2 molecular weight at 100 km, the end of eddy diffusion, H from 150 km, its flux to 500 km)."""


def _nodes(bottom_m: float, top_m: float, spacing_m: float, kinks_m: np.ndarray) -> np.ndarray:
    """Nodes every ``spacing_m`` from ``bottom_m`` to ``top_m`` plus the kinks inside."""
    uniform = bottom_m + np.linspace(
        0.0, top_m - bottom_m, math.ceil((top_m - bottom_m) / spacing_m) + 1
    )
    tolerance = 1e-3 * spacing_m
    kinks = kinks_m[(kinks_m > bottom_m + tolerance) & (kinks_m < top_m - tolerance)]
    far = np.all(np.abs(uniform[:, None] - kinks[None, :]) > tolerance, axis=1)
    return np.sort(np.concatenate((uniform[far], kinks)))


def us76(spacing_m: float = 25.0, top_m: float = DEFAULT_TOP_M) -> AtmosphereTable:
    """U.S. Standard Atmosphere 1976 tabulated for the compiled kernel.

    Parameters
    ----------
    spacing_m : float
        Largest node spacing in m below 86 km, > 0; above 86 km the nodes are
        ``max(spacing_m, SUBGRID_M)`` = 100 m or more apart.
    top_m : float
        Highest node in m, geometric, in (0, 1 000 000].

    Returns
    -------
    AtmosphereTable
        Nodes from 0 to ``top_m`` plus the geometric altitudes of every layer
        base and Table 8 entry, and above 86 km of every change of form of the
        upper atmosphere (91, 100, 110, 115, 120, 150, 500 km), so no kink
        falls inside an interval; values from :func:`us76_properties`,
        gamma = 1.4. Below 0 and above ``top_m`` the kernel extrapolates (the
        standard continues differently there).

    Notes
    -----
    Between nodes the kernel is exact for ln p in isothermal layers; elsewhere
    its log-linear density error is about (spacing²/8) |d² ln rho / dZ²|,
    largest near the tropopause: 1.2e-6 at 50 m spacing, 3e-7 at 25 m
    (tested against :func:`us76_properties`). Above 86 km the table's 100 m
    nodes are the kernel's own sub-grid, so its lookup is unchanged, and the
    error is below 5e-5 (tested; largest just below 110 km, where the
    elliptical temperature curves fastest). The default top, 200 km, keeps the
    table at 4 600 nodes; a flight above the top sees the isothermal
    extension of :mod:`skycrane.atmosphere.table`.
    """
    spacing = positive_scalar(spacing_m, "atmosphere.spacing_m")
    top = positive_scalar(top_m, "atmosphere.top_m")
    if top > UPPER_TOP_M:
        raise InputError("atmosphere.top_m", top_m, f"a geometric altitude <= {UPPER_TOP_M:g} m")
    lower_kinks = np.concatenate((geometric_m(_BASE_H_M[1:]), _MRATIO_Z_M))
    altitude = _nodes(0.0, min(top, TOP_M), spacing, lower_kinks)
    if top > TOP_M:
        upper = _nodes(TOP_M, top, max(spacing, SUBGRID_M), _UPPER_KINKS_M)
        altitude = np.concatenate((altitude, upper[1:]))
    state = us76_properties(altitude)
    return AtmosphereTable(
        name="us76",
        altitude_m=altitude,
        density_kg_m3=state.density_kg_m3,
        pressure_pa=state.pressure_pa,
        temperature_k=state.temperature_k,
        gamma=GAMMA,
    )
