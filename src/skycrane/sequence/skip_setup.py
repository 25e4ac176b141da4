"""What ``[guidance.skip]`` packs into the kernel: parameters, first memory, density table.

The skip-entry guidance (:mod:`skycrane.guidance.skip`) believes its own
models, never the case's truth:

* gravity and the surface: the mission planet's mu, J2, equatorial radius,
  flattening and rotation (S: the planet preset);
* the vehicle: m / (C_D S) and L/D from ``[guidance.skip]`` or, unset, the
  capsule's mass, reference area and aerodynamic table at its highest Mach
  (the hypersonic values, as the entry reference takes them);
* the atmosphere: the mission's nominal model (times ``atmosphere.density_scale``,
  as declared) sampled every ``density_table_spacing_m`` from the datum to a
  node at or above both the entry altitude and the guidance's atmosphere top,
  log-linear in between (the guidance's table, docs/skip_guidance.md). A
  Monte Carlo's dispersed density is the truth the density-ratio filter
  corrects for; the table stays nominal.
"""

from __future__ import annotations

import math

import numpy as np

from skycrane.contract.fields_skip import SKIP_MEMORY_SIZE, SKIP_PARAMS_SIZE
from skycrane.guidance.skip_layout import (
    FINAL_HAND_OVER,
    FINAL_NONE,
    MODE_DIRECT,
    MODE_SKIP,
    SP_DEADBAND_C0_M,
    SP_DEADBAND_C2_S2_M,
    SP_DIRECT_DRAG_MIN_M_S2,
    SP_DRAG_ACTIVE_M_S2,
    SP_DT_CYCLE_S,
    SP_FINAL_MODE,
    SP_FINAL_V_M_S,
    SP_FLATTENING,
    SP_H_ATM_M,
    SP_H_F_M,
    SP_J2,
    SP_MAX_PRED,
    SP_RATIO_CORR_M,
    SP_RATIO_TAU_S,
    SP_ROLL_DRAG_M_S2,
    SP_ROLL_HDOT_M_S,
    SP_SIGMA_F_RAD,
    SP_TOL_M,
    SP_V_F_M_S,
    SP_V_FREEZE_M_S,
    default_skip_params,
    initial_skip_memory,
)
from skycrane.missions.schema import entry_altitude_m
from skycrane.planets import pf_from_lla

_OVERRIDES = (
    ("final_bank_deg", SP_SIGMA_F_RAD, math.radians),
    ("final_altitude_m", SP_H_F_M, float),
    ("final_speed_m_s", SP_V_F_M_S, float),
    ("atmosphere_top_m", SP_H_ATM_M, float),
    ("tolerance_m", SP_TOL_M, float),
    ("max_predictions", SP_MAX_PRED, float),
    ("corridor_m", SP_DEADBAND_C0_M, float),
    ("corridor_speed_coefficient_s2_m", SP_DEADBAND_C2_S2_M, float),
    ("lift_drag_threshold_m_s2", SP_DRAG_ACTIVE_M_S2, float),
    ("freeze_speed_m_s", SP_V_FREEZE_M_S, float),
    ("direct_drag_floor_m_s2", SP_DIRECT_DRAG_MIN_M_S2, float),
    ("density_filter_time_s", SP_RATIO_TAU_S, float),
    ("density_correlation_length_m", SP_RATIO_CORR_M, float),
    ("final_phase_speed_m_s", SP_FINAL_V_M_S, float),
    ("initial_roll_drag_m_s2", SP_ROLL_DRAG_M_S2, float),
    ("initial_roll_altitude_rate_m_s", SP_ROLL_HDOT_M_S, float),
)
"""``[guidance.skip]`` key, the ``SP_*`` slot it sets, and its conversion to SI."""


def believed_vehicle(mission) -> tuple[float, float]:
    """(m / (C_D S) [kg/m^2], L/D) the skip guidance believes (module docstring)."""
    g = mission.spec.guidance.skip
    aero = mission.capsule_aero
    mass = g.mass_kg or mission.spec.vehicle.capsule.mass_kg
    cd = g.drag_coefficient or float(aero.drag_coefficient[-1])
    ld = g.lift_to_drag or float(aero.lift_to_drag[-1])
    return mass / (cd * mission.reference_area_m2), ld


def skip_params(mission) -> np.ndarray:
    """The ``P_SKIP0`` block: ``default_skip_params`` for this mission and its overrides."""
    g = mission.spec.guidance.skip
    if g is None:
        return np.zeros(SKIP_PARAMS_SIZE)
    planet = mission.planet
    tgt = mission.spec.target
    target = np.asarray(
        pf_from_lla(tgt.latitude_deg, tgt.longitude_deg, tgt.altitude_m, planet), dtype=np.float64
    )
    beta, ld = believed_vehicle(mission)
    p = default_skip_params(
        planet.mu_m3_s2,
        planet.equatorial_radius_m,
        planet.rotation_rad_s,
        beta,
        ld,
        target,
        MODE_DIRECT if g.mode == "direct" else MODE_SKIP,
    )
    p[SP_J2] = planet.j2
    p[SP_FLATTENING] = planet.flattening
    p[SP_DT_CYCLE_S] = 1.0 / g.rate_hz
    p[SP_FINAL_MODE] = float(FINAL_HAND_OVER if g.final_phase else FINAL_NONE)
    for key, slot, convert in _OVERRIDES:
        value = getattr(g, key)
        if value is not None:
            p[slot] = convert(value)
    if g.final_phase_speed_m_s is None:  # the circular speed at the atmosphere's top set here
        r_top_m = planet.equatorial_radius_m + p[SP_H_ATM_M]
        p[SP_FINAL_V_M_S] = math.sqrt(planet.mu_m3_s2 / r_top_m)
    return p


def skip_memory(mission) -> np.ndarray:
    """The ``P_SKIP_MEM0`` block: the guidance's memory before its first cycle."""
    g = mission.spec.guidance.skip
    if g is None:
        return np.zeros(SKIP_MEMORY_SIZE)
    return initial_skip_memory(math.radians(g.initial_bank_deg), g.initial_roll)


def skip_density_table(mission) -> np.ndarray | None:
    """The guidance's density table, float64[2, n] (altitude m; ln density), or None."""
    g = mission.spec.guidance.skip
    if g is None:
        return None
    top = max(entry_altitude_m(mission.spec), skip_params(mission)[SP_H_ATM_M])
    spacing = g.density_table_spacing_m
    h = np.arange(0.0, math.ceil(top / spacing) * spacing + 0.5 * spacing, spacing)
    rho = mission.atmosphere.evaluate(h).density_kg_m3 * mission.spec.atmosphere.density_scale
    return np.vstack((h, np.log(rho)))
