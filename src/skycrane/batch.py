"""Turn a validated mission into the kernel's per-case arrays.

A nominal run is a batch of one: :func:`build_batch` makes ``n`` identical rows
and later layers (dispersions) perturb them; nothing else builds kernel input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skycrane.missions.loader import Mission
from skycrane.planets import pf_from_lla, velocity_pf_from_local
from skycrane.propagate.kernel import default_settings
from skycrane.propagate.layout import (
    N_PARAMS,
    N_STATE,
    P_AERO_TABLE,
    P_BANK_RAD,
    P_CD_SCALE,
    P_CL_SCALE,
    P_DENSITY_SCALE,
    P_GROUND_ALT_M,
    P_HEAT_K,
    P_NOSE_RADIUS_M,
    P_REF_AREA_M2,
    P_STOP_KIND,
    P_STOP_VALUE,
    P_T_MAX_S,
    S_HEAT_LOAD,
    S_MASS,
    STOP_MACH,
    STOP_SPEED,
)
from skycrane.propagate.model import build_model
from skycrane.vehicle.aerodynamics import AeroBank


@dataclass(frozen=True, slots=True)
class Batch:
    """Kernel input for ``n`` cases: initial states, parameters, shared model, settings."""

    y0: np.ndarray
    params: np.ndarray
    model: tuple
    settings: np.ndarray

    @property
    def n_cases(self) -> int:
        return self.y0.shape[0]


def entry_state(mission: Mission) -> np.ndarray:
    """Planet-fixed entry state vector (layout.S_*) from the mission's [entry] section.

    An inertial velocity (at t = 0 the inertial and planet-fixed axes coincide)
    becomes planet-relative by removing the rotation: v_rel = v_i - omega x r.
    """
    e = mission.spec.entry
    planet = mission.planet
    r = pf_from_lla(e.latitude_deg, e.longitude_deg, e.altitude_m, planet)
    v = velocity_pf_from_local(
        e.speed_m_s,
        e.flight_path_angle_deg,
        e.heading_deg,
        e.latitude_deg,
        e.longitude_deg,
        planet,
    )
    if e.velocity_frame == "inertial":
        omega = np.array([0.0, 0.0, planet.rotation_rad_s])
        v = v - np.cross(omega, r)
    y = np.zeros(N_STATE)
    y[0:3] = r
    y[3:6] = v
    y[S_MASS] = mission.spec.vehicle.capsule.mass_kg
    y[S_HEAT_LOAD] = 0.0
    return y


def nominal_params(mission: Mission) -> np.ndarray:
    """The nominal per-case parameter row (layout.P_*)."""
    spec = mission.spec
    p = np.zeros(N_PARAMS)
    p[P_REF_AREA_M2] = mission.reference_area_m2
    p[P_NOSE_RADIUS_M] = spec.vehicle.capsule.nose_radius_m
    p[P_BANK_RAD] = math.radians(spec.guidance.entry.bank_deg)
    p[P_CD_SCALE] = 1.0
    p[P_CL_SCALE] = 1.0
    p[P_DENSITY_SCALE] = spec.atmosphere.density_scale
    p[P_HEAT_K] = mission.sutton_graves_k
    p[P_AERO_TABLE] = 0.0
    deploy = spec.parachute.deploy
    if deploy.trigger == "velocity":
        p[P_STOP_KIND], p[P_STOP_VALUE] = STOP_SPEED, deploy.speed_m_s
    else:
        p[P_STOP_KIND], p[P_STOP_VALUE] = STOP_MACH, deploy.mach
    p[P_GROUND_ALT_M] = spec.target.altitude_m
    p[P_T_MAX_S] = spec.simulation.time_limit_s
    return p


def build_batch(mission: Mission, n_cases: int = 1, record_trajectory: bool = True) -> Batch:
    """``n_cases`` identical nominal cases of ``mission``."""
    sim = mission.spec.simulation
    settings = default_settings(
        rtol=sim.rtol,
        atol=sim.atol,
        max_step_s=sim.max_step_s,
        output_dt_s=sim.output_interval_s if record_trajectory else 0.0,
    )
    model = build_model(
        mission.planet,
        mission.atmosphere,
        mission.wind,
        AeroBank.from_tables([mission.capsule_aero]),
    )
    y0 = np.tile(entry_state(mission), (n_cases, 1))
    params = np.tile(nominal_params(mission), (n_cases, 1))
    return Batch(y0, params, model, settings)
