"""Event functions of the kernel: g crossing zero from above fires the event.

A heating pulse (:mod:`skycrane.propagate.pulses`) begins when the total
stagnation heat rate rises to the pulse threshold and ends when it falls back
to it: one function whose sign follows whether a pulse lasts, so that each
crossing is located like any other event.

Heights above the ground are above the site's terrain under the body
(``A_GROUND_ALT_M``, skycrane.propagate.ground), so bodies come to rest on it.

Each function is continuous along a trajectory so its root can be located
by the integrator (Illinois on exact sub-steps). Triggers that flight software
evaluates only once per guidance cycle (SUFR lead, powered-descent modes) are
not here: they are checked at cycle boundaries in :mod:`skycrane.guidance.cycles`.
The range trigger is here, on the navigated position guidance would be given
(propagate/sensing.py) and guidance's own range to go; so is the trigger on
height above ground, on the navigated height.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE
from skycrane.contract.layout import (
    A_ALT_M,
    A_GROUND_ALT_M,
    A_HEAT_RATE_W_M2,
    A_MACH,
    A_SPEED_M_S,
    EV_SEQ0,
    M_BRIDLES_OUT,
    M_ENGINES_ON,
    M_IN_PULSE,
    M_NAV_T,
    M_NAV_X,
    M_NAV_Y,
    M_NAV_Z,
    M_ROVER_ON,
    M_SEQ_NEXT,
    M_TDS_LOCK,
    M_TOUCHED,
    P_DEPLOY_RANGE_M,
    P_DEPLOY_V_MAX,
    P_DEPLOY_V_MIN,
    P_GROUND_ALT_M,
    P_PD0,
    P_PULSE_THRESHOLD_W_M2,
    P_STOP_KIND,
    P_STOP_VALUE,
    P_TDS_TAU_S,
    PDP_DRY_MASS_KG,
    PDP_ROVER_MASS_KG,
    S_MASS,
    S_ROVER_DROP_M,
    SQ_REF,
    SQ_TRIGGER,
    SQ_VALUE,
    STOP_ALTITUDE,
    STOP_MACH,
    STOP_SPEED,
    TR_AGL_BELOW,
    TR_ALTITUDE_BELOW,
    TR_MACH_BELOW,
    TR_RANGE,
    TR_SPEED_BELOW,
    TR_TIME,
    TR_TIME_AFTER,
)
from skycrane.guidance.cycles import range_to_go_m
from skycrane.propagate.sensing import navigated_position_pf_m

EVK_GROUND = 0  # the body reaches the ground
EVK_SEQ = 1  # the next sequence event's trigger
EVK_STOP = 2  # the optional extra stop condition (P_STOP_KIND)
EVK_ROVER = 3  # the rover's wheels reach the ground (rover hanging on the bridles)
EVK_PROPELLANT = 4  # the descent stage's propellant is exhausted
EVK_PULSE = 5  # the heat rate crosses the pulse threshold (up outside a pulse, down inside)
N_EVK = 6
EVENT_KINDS = (EVK_GROUND, EVK_SEQ, EVK_STOP, EVK_ROVER, EVK_PROPELLANT, EVK_PULSE)
"""Every event function, in the order the step loop keeps their values (the i-th is EVK i)."""

NEVER = 1.0  # value of an event function that cannot fire


@numba.njit(**SCALAR_INLINE)
def navigated_height_error_m(t, y, aux, p, mem):
    """Navigated minus true height at t [m], continuous between navigation updates.

    The vertical part of M_NAV_*; once the radar has locked, the filter keeps
    blending it toward the radar's, minus the local ground's height above the
    site (propagate/navigation.py, radar_update), so between updates its
    expected value relaxes toward that as exp(-(t - M_NAV_T) / P_TDS_TAU_S).
    """
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    e_up = (mem[M_NAV_X] * y[0] + mem[M_NAV_Y] * y[1] + mem[M_NAV_Z] * y[2]) / r
    if mem[M_TDS_LOCK] > 0.0 and p[P_TDS_TAU_S] > 0.0 and t > mem[M_NAV_T]:
        e_radar = p[P_GROUND_ALT_M] - aux[A_GROUND_ALT_M]
        e_up = e_radar + (e_up - e_radar) * math.exp(-(t - mem[M_NAV_T]) / p[P_TDS_TAU_S])
    return e_up


@numba.njit(**SCALAR_INLINE)
def trigger_value(kind, value, t_ref, t, y, aux, p, mem):
    """Value of a sequence trigger of ``kind`` (layout.TR_*); fires when it reaches <= 0."""
    if kind == TR_TIME:
        return value - t
    if kind == TR_TIME_AFTER:
        if not math.isfinite(t_ref):
            return NEVER
        return t_ref + value - t
    if kind == TR_ALTITUDE_BELOW:
        return aux[A_ALT_M] - value
    if kind == TR_AGL_BELOW:
        # the navigated height over the site's elevation: the ground onboard software believes
        navigated_m = aux[A_ALT_M] + navigated_height_error_m(t, y, aux, p, mem)
        return navigated_m - p[P_GROUND_ALT_M] - value
    if kind == TR_SPEED_BELOW:
        return aux[A_SPEED_M_S] - value
    if kind == TR_MACH_BELOW:
        return aux[A_MACH] - value
    if kind == TR_RANGE:
        # deploy when (range <= R_trig and V <= V_max) or V <= V_min (GUIDANCE.md 2.2)
        v = aux[A_SPEED_M_S]
        x, yy, z = navigated_position_pf_m(y, mem)
        on_range = max(range_to_go_m(x, yy, z, p) - p[P_DEPLOY_RANGE_M], v - p[P_DEPLOY_V_MAX])
        return min(on_range, v - p[P_DEPLOY_V_MIN])
    return NEVER  # discrete (cycle-checked) triggers


@numba.njit(**SCALAR_INLINE)
def event_value(which, t, y, aux, p, mem, seq, ev_t):
    """Value of event function ``which`` (EVK_*) at (t, y) with derived ``aux``."""
    if which == EVK_GROUND:
        return aux[A_ALT_M] - aux[A_GROUND_ALT_M]
    if which == EVK_SEQ:
        k = int(mem[M_SEQ_NEXT])
        if k >= seq.shape[1]:
            return NEVER
        ref = int(seq[SQ_REF, k])
        t_ref = ev_t[EV_SEQ0 + ref] if ref >= 0 else math.nan
        return trigger_value(int(seq[SQ_TRIGGER, k]), seq[SQ_VALUE, k], t_ref, t, y, aux, p, mem)
    if which == EVK_ROVER:
        if mem[M_BRIDLES_OUT] <= 0.0 or mem[M_TOUCHED] > 0.0:
            return NEVER
        return aux[A_ALT_M] - y[S_ROVER_DROP_M] - aux[A_GROUND_ALT_M]
    if which == EVK_PULSE:
        if p[P_PULSE_THRESHOLD_W_M2] <= 0.0:  # pulses not tracked
            return NEVER
        above = aux[A_HEAT_RATE_W_M2] - p[P_PULSE_THRESHOLD_W_M2]
        return above if mem[M_IN_PULSE] > 0.0 else -above
    if which == EVK_PROPELLANT:
        if mem[M_ENGINES_ON] <= 0.0:
            return NEVER
        dry = p[P_PD0 + PDP_DRY_MASS_KG] + (
            p[P_PD0 + PDP_ROVER_MASS_KG] if mem[M_ROVER_ON] > 0.0 else 0.0
        )
        return y[S_MASS] - dry
    kind = int(p[P_STOP_KIND])
    if kind == STOP_SPEED:
        return aux[A_SPEED_M_S] - p[P_STOP_VALUE]
    if kind == STOP_MACH:
        return aux[A_MACH] - p[P_STOP_VALUE]
    if kind == STOP_ALTITUDE:
        return aux[A_ALT_M] - p[P_STOP_VALUE]
    return NEVER
