"""Sequence actions: what changes the vehicle at a step boundary, apart from flight software.

Between two step boundaries the equations of motion see a constant *memory*
(layout.M_*: configuration, held commands). This module changes the vehicle's
side of it:

* :func:`apply_sequence_event` carries out one event of the mission's
  sequence: lift on/off (balance-mass ejections move the centre of mass),
  aerodynamic configuration, guidance mode, mortar fire or parachute release,
  a parachute cluster's deploy or release, an orbital burn's start or end,
  navigation fixes, state updates and the radar's lock, and jettisons bodies (each
  recorded in the spawn buffer with its separation velocity, its mass removed from the
  vehicle);
* :func:`release_rover`: at the sky-crane start the rover hangs on the
  bridles (GUIDANCE.md 3.1), at their static stretch;
* :func:`rover_touchdown`: the rover's wheels reach the ground and it stays
  there (a body of its own); its weight leaves the bridles, which go slack
  as the stage keeps descending;
* :func:`cut_bridles`: the pyros fire; the rover's mass leaves the stage.

The flight software (guidance cycles, touchdown detection, flyaway) is
skycrane.guidance.cycles; propagate/discrete.py calls both.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import STEP_PATH, copy_row
from skycrane.contract.layout import (
    A_AIRSPEED_M_S,
    B_DV_DIR,
    B_DV_M_S,
    B_MASS_KG,
    DV_DOWN,
    DV_LATERAL,
    DV_RETRO,
    EV_CONSTANT_DECEL,
    EV_CONSTANT_VELOCITY,
    EV_ENGINES_OUT,
    EV_FLYAWAY,
    EV_POWERED_APPROACH,
    EV_SEQ0,
    EV_SKY_CRANE,
    EV_TOUCHDOWN,
    EV_TOUCHDOWN_DETECTED,
    M_AERO_TABLE,
    M_BANK_CMD,
    M_BRIDLES_OUT,
    M_BURN_ISP_S,
    M_BURN_THRUST_N,
    M_CHUTE_FIRE_T,
    M_CHUTE_V_LS,
    M_CLUSTER_FIRE_T,
    M_CLUSTER_V_LS,
    M_DONE,
    M_GUIDANCE,
    M_LIFT_ON,
    M_NEXT_GUIDE_T,
    M_REF_AREA_M2,
    M_ROVER_ON,
    M_SEQ_NEXT,
    M_SPAWNED,
    M_TOUCHED,
    P_BURN_THRUST_ERROR,
    P_PD0,
    P_ROVER_BODY,
    PDP_BRIDLE_M,
    PDP_BRIDLE_STIFFNESS_N_M,
    PDP_ROVER_MASS_KG,
    S_BANK,
    S_HEAT_LOAD,
    S_MASS,
    S_RAD_HEAT_LOAD,
    S_ROVER_DROP_M,
    S_ROVER_DROP_RATE_M_S,
    S_WORK,
    SQ_AERO,
    SQ_AREA,
    SQ_BANK,
    SQ_BURN_ISP_S,
    SQ_BURN_THRUST_N,
    SQ_CHUTE,
    SQ_CLUSTER_DEPLOY,
    SQ_CLUSTER_RELEASE,
    SQ_GUIDANCE,
    SQ_LIFT,
    SQ_NAV,
    SQ_SPAWN0,
    SQ_SPAWN_N,
    SQ_STOP,
)
from skycrane.propagate.navigation import navigation_event
from skycrane.vehicle.bank import anchor_bank


@numba.njit(**STEP_PATH)
def spawn_body(body, slot, t, y, aux, p, bodies, spawn_t, spawn_y, spawn_body_idx):
    """Record jettisoned body ``body`` in spawn slot ``slot`` and remove its mass.

    The child starts at the parent's position with the parent's velocity plus
    its separation speed along the body's direction rule (layout.DV_*).
    """
    mass = bodies[B_MASS_KG, body]
    dv = bodies[B_DV_M_S, body]
    kind = int(bodies[B_DV_DIR, body])
    vx, vy, vz = y[3], y[4], y[5]
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    ux, uy, uz = y[0] / r, y[1] / r, y[2] / r
    dx = dy = dz = 0.0
    if kind == DV_RETRO and speed > 0.0:
        dx, dy, dz = -vx / speed, -vy / speed, -vz / speed
    elif kind == DV_DOWN:
        dx, dy, dz = -ux, -uy, -uz
    elif kind == DV_LATERAL and speed > 0.0:
        # horizontal, normal to the velocity: v x up, alternating sides
        nx = vy * uz - vz * uy
        ny = vz * ux - vx * uz
        nz = vx * uy - vy * ux
        nn = math.sqrt(nx * nx + ny * ny + nz * nz)
        if nn > 0.0:
            side = 1.0 if slot % 2 == 0 else -1.0
            dx, dy, dz = side * nx / nn, side * ny / nn, side * nz / nn
    spawn_t[slot] = t
    copy_row(spawn_y, slot, y)
    spawn_y[slot, 3] += dv * dx
    spawn_y[slot, 4] += dv * dy
    spawn_y[slot, 5] += dv * dz
    spawn_y[slot, S_MASS] = mass
    spawn_y[slot, S_HEAT_LOAD] = 0.0
    spawn_y[slot, S_RAD_HEAT_LOAD] = 0.0
    spawn_y[slot, S_BANK] = 0.0
    spawn_y[slot, S_WORK] = 0.0
    spawn_y[slot, S_ROVER_DROP_M] = 0.0
    spawn_y[slot, S_ROVER_DROP_RATE_M_S] = 0.0
    spawn_body_idx[slot] = body
    y[S_MASS] -= mass


@numba.njit(**STEP_PATH)
def apply_sequence_event(k, t, y, aux, p, mem, seq, bodies, events, spawn):
    """Carry out sequence event ``k``; returns False if the spawn buffer overflowed.

    ``events`` and ``spawn`` are the case's propagate.bundles.EventRecord and SpawnBuffer.
    """
    slot = EV_SEQ0 + k
    events.t_s[slot] = t
    copy_row(events.y, slot, y)
    events.fired[slot] = True
    if seq[SQ_LIFT, k] >= 0.0:
        mem[M_LIFT_ON] = seq[SQ_LIFT, k]
    if seq[SQ_AERO, k] >= 0.0:
        mem[M_AERO_TABLE] = seq[SQ_AERO, k]
    if not math.isnan(seq[SQ_AREA, k]):
        mem[M_REF_AREA_M2] = seq[SQ_AREA, k]
    chute = int(seq[SQ_CHUTE, k])
    if chute == 1:
        mem[M_CHUTE_FIRE_T] = t
        mem[M_CHUTE_V_LS] = aux[A_AIRSPEED_M_S]
    elif chute == 2:
        mem[M_CHUTE_FIRE_T] = math.nan
    deploy = int(seq[SQ_CLUSTER_DEPLOY, k])
    if deploy >= 0:
        mem[M_CLUSTER_FIRE_T + deploy] = t
        mem[M_CLUSTER_V_LS + deploy] = aux[A_AIRSPEED_M_S]
    release = int(seq[SQ_CLUSTER_RELEASE, k])
    if release >= 0:
        mem[M_CLUSTER_FIRE_T + release] = math.nan
    if not math.isnan(seq[SQ_BURN_THRUST_N, k]):  # an orbital burn starts or ends
        mem[M_BURN_THRUST_N] = seq[SQ_BURN_THRUST_N, k] * (1.0 + p[P_BURN_THRUST_ERROR])
        mem[M_BURN_ISP_S] = seq[SQ_BURN_ISP_S, k]
    navigation_event(seq[SQ_NAV, k], t, y, p, mem)  # LVS fix, radar lock, state update
    if not math.isnan(seq[SQ_BANK, k]):
        mem[M_BANK_CMD] = seq[SQ_BANK, k]
    guidance = seq[SQ_GUIDANCE, k]
    if guidance >= 0.0:
        mem[M_GUIDANCE] = guidance
        mem[M_NEXT_GUIDE_T] = t
    if guidance >= 0.0 or not math.isnan(seq[SQ_BANK, k]):
        anchor_bank(t, y, mem)  # the roll restarts from the bank the vehicle has now
    ok = True
    for j in range(int(seq[SQ_SPAWN_N, k])):
        n = int(mem[M_SPAWNED])
        if n >= spawn.t_s.shape[0]:
            ok = False
            break
        spawn_body(
            int(seq[SQ_SPAWN0, k]) + j, n, t, y, aux, p, bodies, spawn.t_s, spawn.y, spawn.body
        )
        mem[M_SPAWNED] = n + 1
    if seq[SQ_STOP, k] > 0.0:
        mem[M_DONE] = 1.0
    mem[M_SEQ_NEXT] = k + 1
    return ok


@numba.njit(**STEP_PATH)
def record_once(slot, t, y, ev_t, ev_y, ev_fired):
    """Record event ``slot`` at (t, y) unless it has fired already."""
    if not ev_fired[slot]:
        ev_t[slot] = t
        copy_row(ev_y, slot, y)
        ev_fired[slot] = True


MODE_EVENT = (
    EV_POWERED_APPROACH,
    EV_POWERED_APPROACH,
    EV_CONSTANT_VELOCITY,
    EV_CONSTANT_DECEL,
    EV_SKY_CRANE,
    EV_TOUCHDOWN_DETECTED,
    EV_FLYAWAY,
    EV_ENGINES_OUT,
)
"""The event slot each powered-descent mode (layout.PD_*) records when it begins."""


@numba.njit(**STEP_PATH)
def release_rover(y, p, mem, gravity_m_s2):
    """Sky-crane start: the rover hangs on the bridles, at rest at their static stretch.

    The bridle and umbilical device's payout is not modelled: the rover is
    placed a bridle length plus the stretch m_rover |g| / k below the stage,
    moving with it (GUIDANCE.md 3.1 allows the rover a fixed 7.5 m below).
    """
    pd = P_PD0
    mem[M_BRIDLES_OUT] = 1.0
    stretch = p[pd + PDP_ROVER_MASS_KG] * gravity_m_s2 / p[pd + PDP_BRIDLE_STIFFNESS_N_M]
    y[S_ROVER_DROP_M] = p[pd + PDP_BRIDLE_M] + stretch
    y[S_ROVER_DROP_RATE_M_S] = 0.0


@numba.njit(**STEP_PATH)
def rover_touchdown(t, y, aux, p, mem, bodies, events, spawn):
    """The rover's wheels reach the ground: it stays there, a body of its own; the stage flies on.

    The rover's body starts where its wheels touched, with the velocity they
    touched at (the stage's less the drop rate along the vertical), and rests
    there. Its mass stays with the stage's state until the cut; the contact
    stops it (its suspension takes the touchdown energy), so the drop rate
    becomes the stage's own vertical speed. ``events`` and ``spawn`` are the
    case's propagate.bundles.EventRecord and SpawnBuffer.
    """
    record_once(EV_TOUCHDOWN, t, y, events.t_s, events.y, events.fired)
    n = int(mem[M_SPAWNED])
    if n >= spawn.t_s.shape[0]:
        return False
    body = int(p[P_ROVER_BODY])
    spawn.t_s[n] = t
    copy_row(spawn.y, n, y)
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    drop = y[S_ROVER_DROP_M]
    rate = y[S_ROVER_DROP_RATE_M_S]
    vertical = 0.0
    for i in range(3):
        spawn.y[n, i] -= drop * y[i] / r
        spawn.y[n, 3 + i] -= rate * y[i] / r
        vertical += y[3 + i] * y[i] / r
    spawn.y[n, S_MASS] = bodies[B_MASS_KG, body]
    spawn.y[n, S_HEAT_LOAD] = 0.0
    spawn.y[n, S_RAD_HEAT_LOAD] = 0.0
    spawn.y[n, S_BANK] = 0.0
    spawn.y[n, S_WORK] = 0.0
    spawn.y[n, S_ROVER_DROP_M] = 0.0
    spawn.y[n, S_ROVER_DROP_RATE_M_S] = 0.0
    spawn.body[n] = body
    mem[M_SPAWNED] = n + 1
    mem[M_TOUCHED] = 1.0
    y[S_ROVER_DROP_RATE_M_S] = vertical
    return True


@numba.njit(**STEP_PATH)
def cut_bridles(y, p, mem):
    """The pyros cut the bridles and umbilical: the rover's mass leaves the stage (GUIDANCE.md 3.3).

    If the rover never touched the ground it falls from the bridles; that
    case is a failure the ground event reports, not modelled further.
    """
    if mem[M_ROVER_ON] > 0.0:
        y[S_MASS] -= p[P_PD0 + PDP_ROVER_MASS_KG]
    mem[M_ROVER_ON] = 0.0
    mem[M_BRIDLES_OUT] = 0.0
    y[S_ROVER_DROP_M] = 0.0
    y[S_ROVER_DROP_RATE_M_S] = 0.0
