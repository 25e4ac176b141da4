"""Stagnation-point convective heating: the Sutton–Graves correlation.

    q_dot = k * sqrt(rho / r_n) * V**3                 [W/m^2]

with free-stream density rho [kg/m^3], nose radius r_n [m] and wind-relative
speed V [m/s] (Sutton & Graves, "A General Stagnation-Point Convective Heating
Equation for Arbitrary Gas Mixtures", NASA TR R-376, 1971, eq. 31). The
constant k depends on the gas mixture: 1.7415e-4 kg^0.5/m for air and
1.9027e-4 kg^0.5/m for the Mars CO2/N2 atmosphere (the values used by NASA's
systems-analysis tools for Earth and Mars entries). The integrated heat load
is the time integral of q_dot, carried as a state of the propagator.
"""

from __future__ import annotations

import numba
import numpy as np

from skycrane._jit_options import SCALAR

SUTTON_GRAVES_AIR = 1.7415e-4
"""Sutton–Graves constant for air [kg^0.5/m] (NASA TR R-376)."""

SUTTON_GRAVES_MARS = 1.9027e-4
"""Sutton–Graves constant for the Mars CO2 atmosphere [kg^0.5/m] (NASA TR R-376)."""

W_M2_PER_W_CM2 = 1.0e4


@numba.njit(**SCALAR)
def sutton_graves_w_m2(density_kg_m3: float, speed_m_s: float, nose_radius_m: float, k: float):
    """Stagnation-point convective heat rate [W/m^2] (NASA TR R-376, eq. 31)."""
    return k * np.sqrt(density_kg_m3 / nose_radius_m) * speed_m_s**3


def heat_rate_w_cm2(density_kg_m3, speed_m_s, nose_radius_m: float, k: float) -> np.ndarray:
    """Vectorised Sutton–Graves heat rate in W/cm^2."""
    rho = np.asarray(density_kg_m3, dtype=np.float64)
    v = np.asarray(speed_m_s, dtype=np.float64)
    return k * np.sqrt(rho / nose_radius_m) * v**3 / W_M2_PER_W_CM2
