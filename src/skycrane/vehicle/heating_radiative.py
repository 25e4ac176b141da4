"""Stagnation-point radiative heating of the shock layer for Earth entry.

rho is the free-stream density [kg/m^3], V the wind-relative speed [m/s] and
r_n the effective nose radius [m]; rates are in W/cm^2.

* Tauber–Sutton, Earth (Tauber & Sutton, "Stagnation-Point Radiative Heating
  Relations for Earth and Mars Entries", J. Spacecraft Rockets 28(1):40–43,
  1991, eqs. 1–3 and table 1; constants as tabulated in
  /work/shared/EARTH.md section 4, tag S2)::

      q_r = C * r_n**a * rho**b * f(V),   C = 4.736e4, b = 1.22,
      a = 1.072e6 * V**-1.88 * rho**-0.325

  with a capped at 1.0 for r_n <= 1 m, 0.6 for 1 < r_n <= 2 m and 0.5 for
  2 < r_n <= 3 m, and f(V) the paper's 19-point table (9–16 km/s), linearly
  interpolated. Fitted for r_n <= 3 m and 9–16 km/s: q_r = 0 below 9 km/s (the
  fit's own lower edge, where f = 1.5 already gives < 1 % of the convective
  rate); above 16 km/s f is held at its last value; a nose radius over 3 m keeps
  the 0.5 cap (an extrapolation: Orion's ~6 m is outside the fit, which is why
  the Brandis–Johnston relation below exists).

  The Mars relation of the same paper (C = 2.35e4, a = 0.526, b = 1.19) is
  not provided: its f(V) table (6–9 km/s) was not available in full, and a
  partial table would be an invention.

* Brandis–Johnston (Brandis & Johnston, "Characterization of Stagnation-Point
  Heat Flux for Earth Entry", AIAA 2014-2374, 2014; constants as in
  /work/shared/EARTH.md section 4, tag S2)::

      q_r = 3.416e4 * r_n**a * rho**1.261 * f(V),
      f(V) = -53.26 + 6555 / (1 + (16000 / V)**8.25),
      a = min(3.175e6 * V**-1.8 * rho**-0.1575, a_max)

  with a_max = 0.61 for r_n <= 0.5 m, 1.23 for 0.5 < r_n <= 2 m and 0.49 for
  2 < r_n <= 10 m. Fitted for nose radii up to 10 m (beyond, the 0.49 cap is
  kept: an extrapolation). f(V) turns negative below about 9 km/s, where
  radiation is negligible: q_r is clipped at 0 there.
"""

from __future__ import annotations

import numba
import numpy as np

from skycrane._jit_options import SCALAR

TS_EARTH_SPEED_KM_S = np.array(
    [
        *(9.0, 9.25, 9.5, 9.75, 10.0, 10.25, 10.5, 10.75, 11.0, 11.5),
        *(12.0, 12.5, 13.0, 13.5, 14.0, 14.5, 15.0, 15.5, 16.0),
    ]
)
"""Speeds of the Tauber–Sutton Earth f(V) table [km/s] (J. Spacecraft Rockets 28(1), table 1)."""
TS_EARTH_F = np.array(
    [
        *(1.5, 4.3, 9.7, 19.5, 35.0, 55.0, 81.0, 115.0, 151.0, 238.0),
        *(359.0, 495.0, 660.0, 850.0, 1065.0, 1313.0, 1550.0, 1780.0, 2040.0),
    ]
)
"""f(V) of the Tauber–Sutton Earth relation at :data:`TS_EARTH_SPEED_KM_S`."""
TS_EARTH_C = 4.736e4
TS_EARTH_B = 1.22


@numba.njit(**SCALAR)
def tauber_sutton_f_earth(speed_m_s):
    """Tauber–Sutton Earth velocity function f(V): the table, linear; 0 below 9 km/s."""
    v = speed_m_s / 1000.0
    xs = TS_EARTH_SPEED_KM_S
    fs = TS_EARTH_F
    if v < xs[0]:
        return 0.0
    if v >= xs[-1]:
        return fs[-1]
    j = 0
    while v >= xs[j + 1]:
        j += 1
    w = (v - xs[j]) / (xs[j + 1] - xs[j])
    return fs[j] + w * (fs[j + 1] - fs[j])


@numba.njit(**SCALAR)
def tauber_sutton_earth_w_cm2(density_kg_m3, speed_m_s, nose_radius_m):
    """Stagnation-point radiative heat rate for Earth [W/cm^2] (Tauber & Sutton 1991, eqs. 1–3).

    Fitted for r_n <= 3 m and 9–16 km/s; 0 below 9 km/s (module docstring).
    """
    f = tauber_sutton_f_earth(speed_m_s)
    if f <= 0.0 or density_kg_m3 <= 0.0:
        return 0.0
    a = 1.072e6 * speed_m_s**-1.88 * density_kg_m3**-0.325
    if nose_radius_m <= 1.0:
        a = min(a, 1.0)
    elif nose_radius_m <= 2.0:
        a = min(a, 0.6)
    else:
        a = min(a, 0.5)
    return TS_EARTH_C * nose_radius_m**a * density_kg_m3**TS_EARTH_B * f


@numba.njit(**SCALAR)
def brandis_johnston_f(speed_m_s):
    """Velocity function of the Brandis–Johnston radiative relation (AIAA 2014-2374)."""
    return -53.26 + 6555.0 / (1.0 + (16000.0 / speed_m_s) ** 8.25)


@numba.njit(**SCALAR)
def brandis_johnston_radiative_w_cm2(density_kg_m3, speed_m_s, nose_radius_m):
    """Stagnation-point radiative heat rate for Earth [W/cm^2] (Brandis & Johnston 2014).

    Fitted for nose radii up to 10 m; clipped at 0 where f(V) < 0 (below
    about 9 km/s), as the module docstring explains.
    """
    if density_kg_m3 <= 0.0 or speed_m_s <= 0.0:
        return 0.0
    f = brandis_johnston_f(speed_m_s)
    if f <= 0.0:
        return 0.0
    if nose_radius_m <= 0.5:
        a_max = 0.61
    elif nose_radius_m <= 2.0:
        a_max = 1.23
    else:
        a_max = 0.49
    a = min(3.175e6 * speed_m_s**-1.8 * density_kg_m3**-0.1575, a_max)
    return 3.416e4 * nose_radius_m**a * density_kg_m3**1.261 * f
