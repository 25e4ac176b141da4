"""Supersonic disk-gap-band parachute: drag against Mach, mortar deploy, inflation.

Model (GUIDANCE.md section 4, after Cruz et al., "Parachute Models Used in the
Mars Science Laboratory Entry, Descent, and Landing Simulation", AIAA ADS 2013):

1. at mortar fire the pack is ejected; drag is negligible until line stretch,
   ``t_ls`` later (system length over mortar speed, about 1.1 s);
2. the canopy then inflates over ``t_inf = n_f D0 / V_ls`` (n_f ~ 8-12
   diameters of travel at the line-stretch airspeed V_ls), its drag area
   growing as ``((t - t_ls) / t_inf)^k``;
3. fully open, drag = q C_D(M) S0 with C_D falling with Mach behind the
   blunt forebody (the default table is GUIDANCE.md's, anchored to the
   MSL subsonic reconstruction C_D = 0.615-0.636, Cruz et al., JSR 51(4), 2014).

The opening load is q C_D S(t), reported as its peak. A supersonic canopy
overshoots its steady drag area as it opens; an *opening-load factor* C_k
(peak over steady drag area) adds a bump (C_k - 1) exp(-((tau - 1)/w)^2),
tau = (t - t_ls) / t_inf, w = 0.25 (R), centred on full inflation
(GUIDANCE.md section 4, step 4: "an optional overshoot bump reproduces the
opening-load factor").
"""

from __future__ import annotations

import math

import numba
import numpy as np

from skycrane._jit_options import SCALAR
from skycrane.vehicle.aerodynamics import interp_clamped

DGB_MACH = np.array([0.2, 0.6, 0.8, 1.0, 1.2, 1.5, 1.8, 2.0, 2.2, 2.5])
"""Mach nodes of the default disk-gap-band drag table (GUIDANCE.md section 4, R)."""
DGB_CD = np.array([0.62, 0.62, 0.61, 0.60, 0.58, 0.55, 0.52, 0.50, 0.48, 0.45])
"""Drag coefficient on the nominal area S0 at those Mach numbers."""


@numba.njit(**SCALAR)
def inflation_fraction(t_since_fire_s, t_line_stretch_s, t_inflation_s, exponent):
    """Fraction of the full drag area open ``t_since_fire_s`` after mortar fire (0 to 1)."""
    t = t_since_fire_s - t_line_stretch_s
    if t <= 0.0:
        return 0.0
    if t >= t_inflation_s:
        return 1.0
    return (t / t_inflation_s) ** exponent


@numba.njit(**SCALAR)
def inflation_time_s(n_f, d0_m, v_line_stretch_m_s):
    """t_inf = n_f D0 / V_ls (GUIDANCE.md section 4, step 3)."""
    return n_f * d0_m / max(v_line_stretch_m_s, 1.0)


OVERSHOOT_WIDTH = 0.25
"""Width of the opening overshoot, in inflation times (R)."""


@numba.njit(**SCALAR)
def drag_area_m2(
    t_since_fire_s,
    mach,
    s0_m2,
    cd_scale,
    t_ls_s,
    n_f,
    d0_m,
    v_ls_m_s,
    exponent,
    cd_mach,
    cd_table,
    opening_load_factor,
):
    """Parachute drag area C_D S [m^2] at a time after mortar fire and a Mach number.

    NaN means no parachute; +inf a canopy open since long before.
    """
    if math.isnan(t_since_fire_s) or t_since_fire_s <= t_ls_s:
        return 0.0
    t_inf = inflation_time_s(n_f, d0_m, v_ls_m_s)
    frac = inflation_fraction(t_since_fire_s, t_ls_s, t_inf, exponent)
    tau = (t_since_fire_s - t_ls_s) / t_inf
    if tau < 4.0:  # the bump is negligible (< 1e-100) beyond
        frac += (opening_load_factor - 1.0) * math.exp(-(((tau - 1.0) / OVERSHOOT_WIDTH) ** 2))
    cd = interp_clamped(mach, cd_mach, cd_table, cd_mach.size) * cd_scale
    return frac * cd * s0_m2


def nominal_area_m2(diameter_m: float) -> float:
    """S0 = pi D0^2 / 4."""
    return math.pi * diameter_m**2 / 4.0
