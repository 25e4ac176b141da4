"""The descent stage's propellant budget, phase by phase, from a flown result.

Each phase runs between two events of the flight (``PHASES``). Its propellant
is the drop of the vehicle's mass between them (the rover's mass leaves at the
bridle cut; an event's mass is the vehicle's as it fires, before its
action), its duration the events' times, and its mean throttle the mean net
thrust over the net thrust the phase's engines give at full throttle. The mean
thrust comes from the flow law the kernel flies
(``propagate.dynamics.thrust_terms``, docs/powered_descent.md):

    dm/dt = -|T| (1 + f_acs) / (Isp g0 cos(cant))   =>
    mean |T| = dm Isp g0 cos(cant) / ((1 + f_acs) dt),

so it is exact whatever the trajectory's sampling; :func:`sampled_thrust_kg`
gives the same propellant from the recorded thrust samples, an independent
check of the bookkeeping (tests/landing/test_landing_propellant_budget.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skycrane.constants import G0_M_S2
from skycrane.missions.loader import Mission
from skycrane.results import Result

__all__ = ["PHASES", "PhaseBudget", "propellant_budget", "sampled_thrust_kg"]

PHASES = (
    # (phase, event that starts it, event that ends it, engines in use)
    ("free fall", "backshell_separation", "powered_descent_start", "engines"),
    ("powered approach", "powered_descent_start", "constant_velocity_descent", "engines"),
    ("constant velocity", "constant_velocity_descent", "constant_deceleration", "engines"),
    ("constant deceleration", "constant_deceleration", "sky_crane_start", "engines"),
    ("sky crane", "sky_crane_start", "touchdown", "engines_sky_crane"),
    ("touchdown confirm", "touchdown", "bridles_cut", "engines_sky_crane"),
    ("flyaway", "bridles_cut", "descent_stage_engines_out", "engines_sky_crane"),
)
"""Phases of the powered flight: name, first event, last event, the engine count's key."""

AFTER_CUT = ("flyaway_start", "descent_stage_engines_out")
"""Events whose mass no longer carries the rover (the cut's action has run)."""


@dataclass(frozen=True, slots=True)
class PhaseBudget:
    """One phase of the powered flight.

    ``propellant_kg`` used in the phase, ``duration_s``, ``mean_throttle`` (mean
    net thrust over the phase's engines' full net thrust), ``left_kg`` the
    propellant at its end, ``t_start_s`` from the entry interface.
    """

    phase: str
    t_start_s: float
    duration_s: float
    propellant_kg: float
    mean_throttle: float
    left_kg: float


def _has(result: Result, name: str) -> bool:
    return any(e.name == name for e in result.events)


def _propellant_left_kg(mission: Mission, result: Result, event: str) -> float:
    """The usable propellant aboard at ``event``.

    At backshell separation it is the load itself: the event's mass still
    carries the backshell, and no engine burns before the powered descent.
    """
    pd = mission.spec.powered_descent
    if event == "backshell_separation":
        return pd.propellant_kg
    rover = 0.0 if event in AFTER_CUT else mission.spec.rover.mass_kg
    return result.event(event).mass_kg - pd.dry_mass_kg - rover


def propellant_budget(mission: Mission, result: Result) -> list[PhaseBudget]:
    """Return the powered flight's phases that both events of which fired, in order."""
    pd = mission.spec.powered_descent
    cos_cant = math.cos(math.radians(pd.engine_cant_deg))
    rows = []
    for phase, first, last, engines_key in PHASES:
        if not (_has(result, first) and _has(result, last)):
            continue
        t0, t1 = result.event(first).t_s, result.event(last).t_s
        left0 = _propellant_left_kg(mission, result, first)
        left1 = _propellant_left_kg(mission, result, last)
        used = left0 - left1
        dt = t1 - t0
        full_n = getattr(pd, engines_key) * pd.engine_thrust_n * pd.throttle_max * cos_cant
        mean_n = (
            used * pd.isp_s * G0_M_S2 * cos_cant / ((1.0 + pd.attitude_control_flow_fraction) * dt)
            if dt > 0.0
            else 0.0
        )
        rows.append(PhaseBudget(phase, t0, dt, used, mean_n / full_n, left1))
    return rows


def sampled_thrust_kg(mission: Mission, result: Result, first: str, last: str) -> float:
    """Propellant between two events from the trajectory's thrust samples (trapezoid rule).

    The same flow law as :func:`propellant_budget` applied to the recorded
    net thrust; it differs from the mass drop only by the sampling.
    """
    pd = mission.spec.powered_descent
    tr = result.trajectory
    t0, t1 = result.event(first).t_s, result.event(last).t_s
    sel = (tr.t_s >= t0) & (tr.t_s <= t1)
    t = np.concatenate(([t0], tr.t_s[sel], [t1]))
    thrust = np.interp(t, tr.t_s, tr.thrust_n)
    impulse = float(np.sum(0.5 * (thrust[1:] + thrust[:-1]) * np.diff(t)))
    cos_cant = math.cos(math.radians(pd.engine_cant_deg))
    return impulse * (1.0 + pd.attitude_control_flow_fraction) / (pd.isp_s * G0_M_S2 * cos_cant)
