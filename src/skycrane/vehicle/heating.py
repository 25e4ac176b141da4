"""Stagnation-point convective heating, and the sum the propagator integrates.

Convective correlations (cold wall, laminar; rho free-stream density [kg/m^3],
V wind-relative speed [m/s], r_n effective nose radius [m]):

* Sutton–Graves (Sutton & Graves, "A General Stagnation-Point Convective
  Heating Equation for Arbitrary Gas Mixtures", NASA TR R-376, 1971, eq. 31)::

      q_c = k * sqrt(rho / r_n) * V**3                               [W/m^2]

  The constant k depends on the gas mixture: 1.7415e-4 kg^0.5/m for air and
  1.9027e-4 kg^0.5/m for the Mars CO2/N2 atmosphere (the values used by
  NASA's systems-analysis tools for Earth and Mars entries). Valid for any
  gas mixture in chemical equilibrium at the boundary-layer edge; it carries
  no radiative part.

* Brandis–Johnston (Brandis & Johnston, "Characterization of Stagnation-Point
  Heat Flux for Earth Entry", AIAA 2014-2374, 2014; constants as tabulated in
  /work/shared/EARTH.md section 4, tag S2)::

      q_c = C * rho**alpha * V**beta * r_n**-0.52                    [W/cm^2]

  with (C, alpha, beta) = (7.455e-9, 0.4705, 3.089) for 3.0 <= V < 9.5 km/s
  and (1.27e-6, 0.4678, 2.524) for 9.5 <= V <= 17 km/s. Fitted to Earth
  (air) entry CFD. Outside 3–17 km/s the nearer band's power law is
  extrapolated, not replaced by Sutton–Graves: the law keeps the physical
  V^~3 scaling, stays continuous at 3 km/s (a switch to Sutton–Graves would
  jump by ~15 %), and below 3 km/s the heat rate is a few W/cm^2 at most and
  adds little to the load. The two bands meet at 9.5 km/s with a ~1.5 %
  step, as published.

Radiative correlations are :mod:`skycrane.vehicle.heating_radiative`. The
kernel's heat rate is convective + radiative (:func:`stagnation_heat_rates`),
chosen by the integer codes ``HC_*`` and ``HR_*`` of the contract
(``[vehicle.heating]`` of a mission); its time integrals are states of the
propagator.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from skycrane._jit_options import SCALAR, WITH_GIL
from skycrane.contract.layout import (
    HC_BRANDIS_JOHNSTON,
    HC_SUTTON_GRAVES,
    HR_BRANDIS_JOHNSTON,
    HR_NONE,
    HR_TAUBER_SUTTON,
)
from skycrane.vehicle.heating_radiative import (
    brandis_johnston_radiative_w_cm2,
    tauber_sutton_earth_w_cm2,
)

SUTTON_GRAVES_AIR = 1.7415e-4
"""Sutton–Graves constant for air [kg^0.5/m] (NASA TR R-376)."""

SUTTON_GRAVES_MARS = 1.9027e-4
"""Sutton–Graves constant for the Mars CO2 atmosphere [kg^0.5/m] (NASA TR R-376)."""

W_M2_PER_W_CM2 = 1.0e4

BJ_CONV_SPLIT_M_S = 9500.0
"""Speed separating the two bands of the Brandis–Johnston convective fit [m/s]."""


@numba.njit(**SCALAR)
def sutton_graves_w_m2(density_kg_m3: float, speed_m_s: float, nose_radius_m: float, k: float):
    """Stagnation-point convective heat rate [W/m^2] (NASA TR R-376, eq. 31)."""
    return k * np.sqrt(density_kg_m3 / nose_radius_m) * speed_m_s**3


@numba.njit(**SCALAR)
def brandis_johnston_convective_w_cm2(density_kg_m3, speed_m_s, nose_radius_m):
    """Stagnation-point convective heat rate in air [W/cm^2] (Brandis & Johnston, AIAA 2014-2374).

    q_c = C rho^alpha V^beta r_n^-0.52, two velocity bands split at 9.5 km/s
    (module docstring). Fitted for Earth entry at 3–17 km/s; outside that the
    nearer band's power law is extrapolated (continuous at 3 km/s, physical
    V^3 scaling), as the module docstring explains.
    """
    if speed_m_s < BJ_CONV_SPLIT_M_S:
        c, alpha, beta = 7.455e-9, 0.4705, 3.089
    else:
        c, alpha, beta = 1.27e-6, 0.4678, 2.524
    if density_kg_m3 <= 0.0 or speed_m_s <= 0.0:
        return 0.0
    return c * density_kg_m3**alpha * speed_m_s**beta * nose_radius_m**-0.52


@numba.njit(**SCALAR)
def stagnation_heat_rates(density_kg_m3, speed_m_s, nose_radius_m, k, convective, radiative):
    """(convective, radiative) stagnation-point heat rates [W/m^2] of the chosen correlations.

    ``convective`` is a layout.HC_* code (Sutton–Graves with constant ``k``
    [kg^0.5/m], or Brandis–Johnston), ``radiative`` a layout.HR_* code (none,
    Tauber–Sutton for Earth, Brandis–Johnston); each is documented by its
    function here and in :mod:`skycrane.vehicle.heating_radiative`.
    """
    rho = max(density_kg_m3, 0.0)
    if convective == HC_BRANDIS_JOHNSTON:
        conv = brandis_johnston_convective_w_cm2(rho, speed_m_s, nose_radius_m) * W_M2_PER_W_CM2
    else:
        conv = k * math.sqrt(rho / nose_radius_m) * speed_m_s**3
    rad = 0.0
    if radiative == HR_TAUBER_SUTTON:
        rad = tauber_sutton_earth_w_cm2(rho, speed_m_s, nose_radius_m) * W_M2_PER_W_CM2
    elif radiative == HR_BRANDIS_JOHNSTON:
        rad = brandis_johnston_radiative_w_cm2(rho, speed_m_s, nose_radius_m) * W_M2_PER_W_CM2
    return conv, rad


@numba.njit(**WITH_GIL)
def _rates_into(rho, v, rn, k, convective, radiative, conv_out, rad_out):
    for i in range(rho.size):
        conv_out[i], rad_out[i] = stagnation_heat_rates(
            rho[i], v[i], rn[i], k, convective, radiative
        )


def heat_rates_w_cm2(
    density_kg_m3,
    speed_m_s,
    nose_radius_m,
    convective: int = HC_SUTTON_GRAVES,
    radiative: int = HR_NONE,
    k: float = SUTTON_GRAVES_AIR,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`stagnation_heat_rates` in W/cm^2: (convective, radiative) arrays.

    The arguments broadcast together; the codes are layout.HC_* and HR_*.
    """
    rho, v, rn = np.broadcast_arrays(
        np.asarray(density_kg_m3, dtype=np.float64),
        np.asarray(speed_m_s, dtype=np.float64),
        np.asarray(nose_radius_m, dtype=np.float64),
    )
    shape = rho.shape
    conv = np.empty(rho.size)
    rad = np.empty(rho.size)
    _rates_into(
        np.ascontiguousarray(rho).ravel(),
        np.ascontiguousarray(v).ravel(),
        np.ascontiguousarray(rn).ravel(),
        float(k),
        int(convective),
        int(radiative),
        conv,
        rad,
    )
    return conv.reshape(shape) / W_M2_PER_W_CM2, rad.reshape(shape) / W_M2_PER_W_CM2


def heat_rate_w_cm2(density_kg_m3, speed_m_s, nose_radius_m: float, k: float) -> np.ndarray:
    """Vectorised Sutton–Graves heat rate in W/cm^2 (NASA TR R-376, eq. 31)."""
    rho = np.asarray(density_kg_m3, dtype=np.float64)
    v = np.asarray(speed_m_s, dtype=np.float64)
    return k * np.sqrt(rho / nose_radius_m) * v**3 / W_M2_PER_W_CM2


def brandis_johnston_convective(density_kg_m3, speed_m_s, nose_radius_m) -> np.ndarray:
    """Vectorised :func:`brandis_johnston_convective_w_cm2` [W/cm^2]."""
    conv, _ = heat_rates_w_cm2(density_kg_m3, speed_m_s, nose_radius_m, HC_BRANDIS_JOHNSTON)
    return conv


def tauber_sutton_earth(density_kg_m3, speed_m_s, nose_radius_m) -> np.ndarray:
    """Vectorised Tauber–Sutton Earth radiative heat rate [W/cm^2] (heating_radiative)."""
    _, rad = heat_rates_w_cm2(
        density_kg_m3, speed_m_s, nose_radius_m, HC_SUTTON_GRAVES, HR_TAUBER_SUTTON
    )
    return rad


def brandis_johnston_radiative(density_kg_m3, speed_m_s, nose_radius_m) -> np.ndarray:
    """Vectorised Brandis–Johnston radiative heat rate [W/cm^2] (heating_radiative)."""
    _, rad = heat_rates_w_cm2(
        density_kg_m3, speed_m_s, nose_radius_m, HC_SUTTON_GRAVES, HR_BRANDIS_JOHNSTON
    )
    return rad
