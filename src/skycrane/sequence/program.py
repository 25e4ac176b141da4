"""Discrete flight logic run by the kernel at step boundaries.

Between two step boundaries the equations of motion see a constant *memory*
(layout.M_*: configuration, held guidance commands). This module changes it:

* :func:`apply_sequence_event` carries out one event of the mission's
  sequence: lift on/off (balance-mass ejections move the centre of mass),
  aerodynamic configuration, guidance mode, mortar fire or parachute release,
  and jettisons bodies (each recorded in the spawn buffer with its separation
  velocity, its mass removed from the vehicle);
* :func:`entry_cycle` is one cycle of the entry guidance (1 Hz): drag filter,
  terminal point controller, and the cycle-checked SUFR trigger;
* :func:`powered_cycle` is one cycle of powered-descent guidance (8 Hz): the
  mode machine, touchdown detection, bridle cut and flyaway.

Guidance sees the navigated position (truth plus the case's navigation error),
never the truth directly.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH, copy_row
from skycrane.contract.layout import (
    A_AIRSPEED_M_S,
    A_DRAG_ACCEL_M_S2,
    B_DV_DIR,
    B_DV_M_S,
    B_MASS_KG,
    DV_DOWN,
    DV_LATERAL,
    DV_RETRO,
    EV_BRIDLES_CUT,
    EV_CONSTANT_DECEL,
    EV_CONSTANT_VELOCITY,
    EV_ENGINES_OUT,
    EV_FLYAWAY,
    EV_POWERED_APPROACH,
    EV_SEQ0,
    EV_SKY_CRANE,
    EV_TOUCHDOWN,
    EV_TOUCHDOWN_DETECTED,
    GUID_POWERED,
    M_AERO_TABLE,
    M_BANK_CMD,
    M_CHUTE_FIRE_T,
    M_CHUTE_V_LS,
    M_CROSSRANGE_RAD,
    M_CUT,
    M_DONE,
    M_DRAG_FILT,
    M_ENGINES_ON,
    M_ENTRY_CYCLE_T_S,
    M_ETPC_PHASE,
    M_FLYAWAY_AZ,
    M_GUIDANCE,
    M_HOVER_THRUST_N,
    M_LIFT_ON,
    M_LIFT_SIGN,
    M_NAV_X,
    M_NAV_Y,
    M_NAV_Z,
    M_NEXT_GUIDE_T,
    M_PD_MODE,
    M_PD_MODE_T0,
    M_PD_TGT_X,
    M_PD_TGT_Y,
    M_PD_TGT_Z,
    M_PREDICTED_RANGE_M,
    M_RANGE_TO_GO_M,
    M_REF_AREA_M2,
    M_ROVER_ON,
    M_SEQ_NEXT,
    M_SPAWNED,
    M_TD_TIMER,
    M_THRUST_X,
    M_THRUST_Y,
    M_THRUST_Z,
    M_TOUCHED,
    P_DEPLOY_RANGE_M,
    P_DEPLOY_SPEED,
    P_DEPLOY_V_MAX,
    P_DIVERT_MAX_M,
    P_ENTRY_DT_S,
    P_FLYAWAY_BURN_S,
    P_FLYAWAY_REL_RAD,
    P_PD0,
    P_PD_DT_S,
    P_RETARGET,
    P_ROVER_BODY,
    P_STS_ALONG_M,
    P_STS_CROSS_M,
    P_SUFR_LEAD_S,
    P_TGT_X,
    P_TGT_Y,
    P_TGT_Z,
    P_TRN_X,
    P_TRN_Y,
    P_TRN_Z,
    PD_BALLISTIC,
    PD_FLYAWAY,
    PD_FREE_FALL,
    PD_SKY_CRANE,
    PD_TOUCHDOWN_CONFIRM,
    PDP_BRIDLE_M,
    PDP_DRY_MASS_KG,
    PDP_ROVER_MASS_KG,
    PDP_TD_PERSISTENCE_S,
    PDP_TD_THRESHOLD,
    S_BANK,
    S_HEAT_LOAD,
    S_MASS,
    S_WORK,
    SQ_AERO,
    SQ_AREA,
    SQ_BANK,
    SQ_CHUTE,
    SQ_GUIDANCE,
    SQ_LIFT,
    SQ_NAV,
    SQ_SPAWN0,
    SQ_SPAWN_N,
    SQ_STOP,
    SQ_TRIGGER,
    TR_SUFR_LEAD,
)
from skycrane.guidance.entry import drag_filter, etpc_command, predicted_range_m
from skycrane.guidance.powered import (
    flyaway_direction,
    powered_descent_step,
    touchdown_detector,
    touchdown_window_open,
)
from skycrane.planets.gravity import gravity_j2
from skycrane.propagate.events import range_to_go_m
from skycrane.vehicle.bank import anchor_bank, wrap_pi

DRAG_FILTER_TAU_S = 1.0  # R: low-pass on the sensed drag (GUIDANCE.md 1.1: "filtered drag")
SUFR_LEAD_G_FLOOR = 0.5  # m/s^2: keeps the velocity-trigger time prediction finite


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
    spawn_y[slot, S_BANK] = 0.0
    spawn_y[slot, S_WORK] = 0.0
    spawn_body_idx[slot] = body
    y[S_MASS] -= mass


@numba.njit(**SCALAR_INLINE)
def _local_frame(x, y, z):
    """Radial up, east and north unit vectors (spherical) at a planet-fixed point."""
    r = math.sqrt(x * x + y * y + z * z)
    ux, uy, uz = x / r, y / r, z / r
    rho = math.sqrt(x * x + y * y)
    ex, ey, ez = -y / rho, x / rho, 0.0
    nx = uy * ez - uz * ey
    ny = uz * ex - ux * ez
    nz = ux * ey - uy * ex
    return ux, uy, uz, ex, ey, ez, nx, ny, nz


@numba.njit(**STEP_PATH)
def _track_azimuth(y):
    """Azimuth of the horizontal velocity, clockwise from north [rad]."""
    _ux, _uy, _uz, ex, ey, ez, nx, ny, nz = _local_frame(y[0], y[1], y[2])
    return math.atan2(y[3] * ex + y[4] * ey + y[5] * ez, y[3] * nx + y[4] * ny + y[5] * nz)


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
    nav = seq[SQ_NAV, k]
    if nav == 1.0:  # terrain-relative navigation fix (Mars 2020 LVS)
        mem[M_NAV_X] = p[P_TRN_X]
        mem[M_NAV_Y] = p[P_TRN_Y]
        mem[M_NAV_Z] = p[P_TRN_Z]
    elif nav == 2.0:  # radar lock: altitude is measured, the horizontal error stays
        rn = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
        up = (mem[M_NAV_X] * y[0] + mem[M_NAV_Y] * y[1] + mem[M_NAV_Z] * y[2]) / rn
        mem[M_NAV_X] -= up * y[0] / rn
        mem[M_NAV_Y] -= up * y[1] / rn
        mem[M_NAV_Z] -= up * y[2] / rn
    if not math.isnan(seq[SQ_BANK, k]):
        mem[M_BANK_CMD] = seq[SQ_BANK, k]
    guidance = seq[SQ_GUIDANCE, k]
    if guidance >= 0.0:
        mem[M_GUIDANCE] = guidance
        mem[M_NEXT_GUIDE_T] = t
        if guidance == GUID_POWERED:
            mem[M_PD_MODE] = PD_FREE_FALL
            mem[M_PD_MODE_T0] = t
            mem[M_ENGINES_ON] = 0.0
            mem[M_FLYAWAY_AZ] = _track_azimuth(y) + p[P_FLYAWAY_REL_RAD]
            powered_target(y, p, mem)
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
def entry_cycle(t, y, aux, p, mem, model_ref, gains, seq):
    """One entry-guidance cycle; returns the index of a cycle-checked sequence event to fire, or -1.

    Navigated quantities (GUIDANCE.md 1.1): speed, altitude rate, filtered
    drag, great-circle range to go, crossrange angle chi = r_tgt . unit(r x v),
    heading error, overflown flag. The range to go, the law's predicted range
    and chi are left in memory as telemetry with the cycle's time
    (M_RANGE_TO_GO_M .. M_ENTRY_CYCLE_T_S), which the trajectory records.
    """
    dt = p[P_ENTRY_DT_S]
    mem[M_DRAG_FILT] = drag_filter(mem[M_DRAG_FILT], aux[A_DRAG_ACCEL_M_S2], dt, DRAG_FILTER_TAU_S)
    x = y[0] + mem[M_NAV_X]
    yy = y[1] + mem[M_NAV_Y]
    z = y[2] + mem[M_NAV_Z]
    vx, vy, vz = y[3], y[4], y[5]
    ux, uy, uz, ex, ey, ez, nx, ny, nz = _local_frame(x, yy, z)
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    hdot = vx * ux + vy * uy + vz * uz
    tx, ty, tz = p[P_TGT_X], p[P_TGT_Y], p[P_TGT_Z]
    tn = math.sqrt(tx * tx + ty * ty + tz * tz)
    tx, ty, tz = tx / tn, ty / tn, tz / tn
    # crossrange angle: target . unit(r x v)  (positive: target to the left)
    cx = yy * vz - z * vy
    cy = z * vx - x * vz
    cz = x * vy - yy * vx
    cn = math.sqrt(cx * cx + cy * cy + cz * cz)
    chi = (tx * cx + ty * cy + tz * cz) / cn
    heading = math.atan2(vx * ex + vy * ey + vz * ez, vx * nx + vy * ny + vz * nz)
    azimuth = math.atan2(tx * ex + ty * ey + tz * ez, tx * nx + ty * ny + tz * nz)
    psi_err = wrap_pi(azimuth - heading)
    # overflown: the target lies behind, along the horizontal velocity
    along = tx * (vx - hdot * ux) + ty * (vy - hdot * uy) + tz * (vz - hdot * uz)
    overflown = along < 0.0
    range_m = range_to_go_m(y, p, mem)
    phase_before = int(mem[M_ETPC_PHASE])
    bank, sign, phase = etpc_command(
        speed,
        hdot,
        mem[M_DRAG_FILT],
        range_m,
        chi,
        psi_err,
        overflown,
        phase_before,
        mem[M_LIFT_SIGN],
        model_ref,
        gains,
    )
    mem[M_BANK_CMD] = bank
    anchor_bank(t, y, mem)
    mem[M_LIFT_SIGN] = sign
    mem[M_ETPC_PHASE] = phase
    mem[M_NEXT_GUIDE_T] = t + dt
    # telemetry for the record (rhs copies it into aux); nothing reads it back
    mem[M_RANGE_TO_GO_M] = range_m
    mem[M_PREDICTED_RANGE_M] = predicted_range_m(speed, hdot, mem[M_DRAG_FILT], model_ref)
    mem[M_CROSSRANGE_RAD] = chi
    mem[M_ENTRY_CYCLE_T_S] = t

    k = int(mem[M_SEQ_NEXT])
    if k < seq.shape[1] and int(seq[SQ_TRIGGER, k]) == TR_SUFR_LEAD:
        if p[P_DEPLOY_RANGE_M] > 0.0:
            v_h = math.sqrt(max(speed * speed - hdot * hdot, 1.0))
            decel = max(mem[M_DRAG_FILT], SUFR_LEAD_G_FLOOR)
            t_pred = max((range_m - p[P_DEPLOY_RANGE_M]) / v_h, (speed - p[P_DEPLOY_V_MAX]) / decel)
        else:
            decel = max(mem[M_DRAG_FILT] + 3.7 * hdot / max(speed, 1.0), SUFR_LEAD_G_FLOOR)
            t_pred = (speed - p[P_DEPLOY_SPEED]) / decel
        if t_pred <= p[P_SUFR_LEAD_S]:
            return k
    return -1


@numba.njit(**STEP_PATH)
def _record(slot, t, y, ev_t, ev_y, ev_fired):
    if not ev_fired[slot]:
        ev_t[slot] = t
        copy_row(ev_y, slot, y)
        ev_fired[slot] = True


_MODE_EVENT = (
    EV_POWERED_APPROACH,
    EV_POWERED_APPROACH,
    EV_CONSTANT_VELOCITY,
    EV_CONSTANT_DECEL,
    EV_SKY_CRANE,
    EV_TOUCHDOWN_DETECTED,
    EV_FLYAWAY,
    EV_ENGINES_OUT,
)


@numba.njit(**STEP_PATH)
def powered_target(y, p, mem):
    """Set the powered-descent target (M_PD_TGT_*): the landing target, or the STS choice.

    Safe-target selection at simulation level (GUIDANCE.md 3.4, item 3, with an
    all-safe map): predict the no-divert landing point as the ground point
    below the navigated position plus the nominal flight's offset to the
    target in the track frame (P_STS_ALONG_M, P_STS_CROSS_M), then divert from
    it toward the landing target by at most P_DIVERT_MAX_M. The nominal flight
    predicts the target itself, so it is unchanged.
    """
    tx, ty, tz = p[P_TGT_X], p[P_TGT_Y], p[P_TGT_Z]
    if p[P_RETARGET] > 0.0:
        tx, ty, tz = sts_target(
            y[0] + mem[M_NAV_X],
            y[1] + mem[M_NAV_Y],
            y[2] + mem[M_NAV_Z],
            y[3],
            y[4],
            y[5],
            tx,
            ty,
            tz,
            p[P_STS_ALONG_M],
            p[P_STS_CROSS_M],
            p[P_DIVERT_MAX_M],
        )
    mem[M_PD_TGT_X] = tx
    mem[M_PD_TGT_Y] = ty
    mem[M_PD_TGT_Z] = tz


@numba.njit(**STEP_PATH)
def track_frame(x, yy, z, vx, vy, vz, radius):
    """Ground point below (x, yy, z) on the sphere ``radius``, along-track and left unit vectors."""
    rn = math.sqrt(x * x + yy * yy + z * z)
    ux, uy, uz = x / rn, yy / rn, z / rn
    vu = vx * ux + vy * uy + vz * uz
    hx, hy, hz = vx - vu * ux, vy - vu * uy, vz - vu * uz
    hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    if hn < 1e-6:  # hovering: take north as the track
        hx, hy, hz = -uz * ux, -uz * uy, 1.0 - uz * uz
        hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    hx, hy, hz = hx / hn, hy / hn, hz / hn
    cx, cy, cz = uy * hz - uz * hy, uz * hx - ux * hz, ux * hy - uy * hx
    return radius * ux, radius * uy, radius * uz, hx, hy, hz, cx, cy, cz


@numba.njit(**STEP_PATH)
def sts_target(x, yy, z, vx, vy, vz, tx, ty, tz, along_m, cross_m, divert_max_m):
    """STS-style target: the no-divert prediction, diverted toward (tx, ty, tz) <= divert_max_m."""
    radius = math.sqrt(tx * tx + ty * ty + tz * tz)
    gx, gy, gz, hx, hy, hz, cx, cy, cz = track_frame(x, yy, z, vx, vy, vz, radius)
    px = gx + along_m * hx + cross_m * cx
    py = gy + along_m * hy + cross_m * cy
    pz = gz + along_m * hz + cross_m * cz
    dx, dy, dz = tx - px, ty - py, tz - pz
    dn = math.sqrt(dx * dx + dy * dy + dz * dz)
    if dn > divert_max_m:
        s = divert_max_m / dn
        dx, dy, dz = s * dx, s * dy, s * dz
    px, py, pz = px + dx, py + dy, pz + dz
    pn = math.sqrt(px * px + py * py + pz * pz)
    return radius * px / pn, radius * py / pn, radius * pz / pn


@numba.njit(**STEP_PATH)
def powered_cycle(t, y, p, mem, model_planet, ev_t, ev_y, ev_fired):
    """One powered-descent guidance cycle: mode machine, thrust command, touchdown detection.

    The mode machine and thrust laws are :func:`skycrane.guidance.powered.powered_descent_step`
    (GUIDANCE.md 3.1-3.3); this cycle adds the touchdown detector (sky crane ->
    touchdown confirm) and the events. Guidance believes the rover hangs on the
    bridles until it cuts them, so after the wheels touch it commands thrust
    for a mass it no longer carries: the vertical loop throttles down, which is
    what the detector sees (GUIDANCE.md 3.3).
    """
    pd = p[P_PD0:]
    dt = p[P_PD_DT_S]
    mode = int(mem[M_PD_MODE])
    if mode == PD_BALLISTIC:  # engines off for good: no more cycles, no step breakpoints
        mem[M_NEXT_GUIDE_T] = math.inf
        return
    mem[M_NEXT_GUIDE_T] = t + dt
    r = (y[0] + mem[M_NAV_X], y[1] + mem[M_NAV_Y], y[2] + mem[M_NAV_Z])
    v = (y[3], y[4], y[5])
    tx0, ty0, tz0 = mem[M_PD_TGT_X], mem[M_PD_TGT_Y], mem[M_PD_TGT_Z]
    tn = math.sqrt(tx0 * tx0 + ty0 * ty0 + tz0 * tz0)
    up = (tx0 / tn, ty0 / tn, tz0 / tn)
    omega = model_planet[4]
    gx, gy, gz = gravity_j2(y[0], y[1], y[2], model_planet[0], model_planet[1], model_planet[3])
    g = (gx + omega * omega * y[0], gy + omega * omega * y[1], gz)
    rover_believed = mem[M_CUT] == 0.0
    mass_est = y[S_MASS] + (
        p[P_PD0 + PDP_ROVER_MASS_KG] if mem[M_TOUCHED] > 0.0 and rover_believed else 0.0
    )
    propellant = (
        y[S_MASS]
        - p[P_PD0 + PDP_DRY_MASS_KG]
        - (p[P_PD0 + PDP_ROVER_MASS_KG] if mem[M_ROVER_ON] > 0.0 else 0.0)
    )
    fly_dir = flyaway_direction(mem[M_FLYAWAY_AZ], up, (0.0, 0.0, 1.0))
    t_mode = t - mem[M_PD_MODE_T0]
    new_mode, tx, ty, tz = powered_descent_step(
        mode, t_mode, r, v, up, g, mass_est, propellant, (tx0, ty0, tz0), fly_dir, pd
    )
    if mode == PD_FLYAWAY and t_mode >= p[P_FLYAWAY_BURN_S]:
        new_mode = PD_BALLISTIC  # the flyaway timer ends the burn (GUIDANCE.md 3.3)
    if new_mode == PD_SKY_CRANE and mode == PD_SKY_CRANE:
        thrust = math.sqrt(tx * tx + ty * ty + tz * tz)
        if mem[M_TOUCHED] == 0.0:
            mem[M_HOVER_THRUST_N] = thrust
        if touchdown_window_open(t_mode, pd):
            timer, detected = touchdown_detector(
                thrust / max(mem[M_HOVER_THRUST_N], 1.0),
                dt,
                mem[M_TD_TIMER],
                pd[PDP_TD_THRESHOLD],
                pd[PDP_TD_PERSISTENCE_S],
            )
            mem[M_TD_TIMER] = timer
            if detected:
                new_mode = PD_TOUCHDOWN_CONFIRM
    if new_mode != mode:
        _record(_MODE_EVENT[new_mode], t, y, ev_t, ev_y, ev_fired)
        if new_mode == PD_FLYAWAY:
            _record(EV_BRIDLES_CUT, t, y, ev_t, ev_y, ev_fired)
            mem[M_CUT] = 1.0
        mem[M_PD_MODE] = new_mode
        mem[M_PD_MODE_T0] = t
    engines = new_mode != PD_FREE_FALL and new_mode != PD_BALLISTIC
    mem[M_ENGINES_ON] = 1.0 if engines else 0.0
    mem[M_THRUST_X] = tx if engines else 0.0
    mem[M_THRUST_Y] = ty if engines else 0.0
    mem[M_THRUST_Z] = tz if engines else 0.0


@numba.njit(**STEP_PATH)
def rover_touchdown(t, y, aux, p, mem, bodies, events, spawn):
    """The rover's wheels reach the ground: it stays there; its weight leaves the bridles.

    ``events`` and ``spawn`` are the case's propagate.bundles.EventRecord and SpawnBuffer.
    """
    _record(EV_TOUCHDOWN, t, y, events.t_s, events.y, events.fired)
    n = int(mem[M_SPAWNED])
    if n >= spawn.t_s.shape[0]:
        return False
    body = int(p[P_ROVER_BODY])
    spawn_body(body, n, t, y, aux, p, bodies, spawn.t_s, spawn.y, spawn.body)
    # the rover rests below the descent stage, along the local vertical
    r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    for i in range(3):
        spawn.y[n, i] -= p[P_PD0 + PDP_BRIDLE_M] * y[i] / r
    mem[M_SPAWNED] = n + 1
    mem[M_ROVER_ON] = 0.0
    mem[M_TOUCHED] = 1.0
    return True


@numba.njit(**STEP_PATH)
def engines_out(t, y, mem, ev_t, ev_y, ev_fired):
    """Propellant exhausted: engines off, the descent stage falls ballistically."""
    _record(EV_ENGINES_OUT, t, y, ev_t, ev_y, ev_fired)
    mem[M_ENGINES_ON] = 0.0
    mem[M_THRUST_X] = 0.0
    mem[M_THRUST_Y] = 0.0
    mem[M_THRUST_Z] = 0.0
    mem[M_PD_MODE] = PD_BALLISTIC
    mem[M_PD_MODE_T0] = t
