"""The flight-software cycles: what guidance does at its flight rates, fed only what it senses.

The kernel (propagate/discrete.py) builds the SENSED bundle (contract.fields,
``SN_*``) from truth plus the case's errors right before each cycle
(propagate/sensing.py) and calls:

* :func:`entry_cycle` -- entry guidance (1 Hz): drag filter, terminal point
  controller (GUIDANCE.md 1.1-1.4), and the cycle-checked SUFR trigger;
* :func:`powered_start` -- the hand-over to powered descent: mode machine
  start, flyaway azimuth and the STS target choice (GUIDANCE.md 3.4);
* :func:`powered_cycle` -- powered descent (8 Hz): the mode machine,
  touchdown detection, bridle cut and flyaway (GUIDANCE.md 3.1-3.3);
* :func:`engines_out` -- the guidance side of propellant exhaustion.

The range trigger of the parachute (:func:`range_to_go_m`, GUIDANCE.md 2.2)
is evaluated continuously by the event locator on the navigated position.
None of these functions is given the true state: only ``sensed``, the
case's parameters ``p``, the guidance memory ``mem`` and guidance tables.
Recording events and anchoring the roll response are the kernel's.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH
from skycrane.contract.layout import (
    M_BANK_CMD,
    M_CROSSRANGE_RAD,
    M_CUT,
    M_DRAG_FILT,
    M_ENGINES_ON,
    M_ENTRY_CYCLE_T_S,
    M_ETPC_PHASE,
    M_FLYAWAY_AZ,
    M_HOVER_THRUST_N,
    M_LIFT_SIGN,
    M_NEXT_GUIDE_T,
    M_PD_MODE,
    M_PD_MODE_T0,
    M_PD_TGT_X,
    M_PD_TGT_Y,
    M_PD_TGT_Z,
    M_PREDICTED_RANGE_M,
    M_RANGE_TO_GO_M,
    M_SEQ_NEXT,
    M_STS_DIVERT_M,
    M_STS_OK,
    M_TD_TIMER,
    M_THRUST_X,
    M_THRUST_Y,
    M_THRUST_Z,
    M_VSPEED_INT_M,
    P_BACKSHELL_CDS_M2,
    P_BACKSHELL_CLEAR_M,
    P_BACKSHELL_MASS_KG,
    P_CHUTE_VEHICLE_CDS_M2,
    P_DEPLOY_RANGE_M,
    P_DEPLOY_SPEED,
    P_DEPLOY_V_MAX,
    P_DIVERT_MAX_M,
    P_ENTRY_DT_S,
    P_FLYAWAY_AZ_RAD,
    P_FLYAWAY_REL_RAD,
    P_PD0,
    P_PD_DT_S,
    P_RANGE_RADIUS_M,
    P_RETARGET,
    P_SITE_SCALE_HEIGHT_M,
    P_STS_EAST_M,
    P_STS_NORTH_M,
    P_SUFR_LEAD_S,
    P_TGT_X,
    P_TGT_Y,
    P_TGT_Z,
    PD_BALLISTIC,
    PD_FLYAWAY,
    PD_FREE_FALL,
    PD_SKY_CRANE,
    PD_TOUCHDOWN_CONFIRM,
    PDP_SC_SPEED_M_S,
    PDP_TD_PERSISTENCE_S,
    PDP_TD_THRESHOLD,
    SN_DRAG_ACCEL_M_S2,
    SN_GRAVITY_PF_M_S2_X,
    SN_GRAVITY_PF_M_S2_Y,
    SN_GRAVITY_PF_M_S2_Z,
    SN_MASS_EST_KG,
    SN_NAV_POS_PF_M_X,
    SN_NAV_POS_PF_M_Y,
    SN_NAV_POS_PF_M_Z,
    SN_NAV_VEL_PF_M_S_X,
    SN_NAV_VEL_PF_M_S_Y,
    SN_NAV_VEL_PF_M_S_Z,
    SN_PROPELLANT_KG,
    SN_SPECIFIC_FORCE_PF_M_S2_X,
    SN_SPECIFIC_FORCE_PF_M_S2_Y,
    SN_SPECIFIC_FORCE_PF_M_S2_Z,
    SN_TRACK_AZIMUTH_RAD,
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
from skycrane.guidance.terrain_nav import select_safe_target
from skycrane.planets.constants import PC_A, PC_B, PC_CONV
from skycrane.planets.geodesy import altitude_m
from skycrane.vehicle.bank import wrap_pi

VSPEED_INT_MAX_M = 4.0  # |k_i x integral| <= 4 m/s^2 (k_i = 1/s^2): more than Mars' g
DRAG_FILTER_TAU_S = 0.1  # s: low-pass on the sensed drag (GUIDANCE.md 1.1: "filtered drag"); its
# lag biases the predicted range by F1 * dD/dt * tau (docs/entry_guidance.md: 2 km at 0.5 s during
# the drag rise). The sensed drag here carries no noise to reject, so the filter is kept a tenth
# of the 1 s guidance cycle: a lag bias under 0.4 km.
SUFR_LEAD_G_FLOOR = 0.5  # m/s^2: keeps the velocity-trigger time prediction finite
BACKSHELL_FALL_DT_S = 0.25  # s: RK4 step of the backshell's fall. It slows from the vehicle's
# descent speed v0 to its own terminal speed v_t with the time constant v_t^2 / (2 g v0), ~1.6 s
# for Mars 2020 (v_t 33 m/s, v0 89 m/s; E): a quarter second resolves it (halving the step moves
# the fall time by less than 1 ms)
BACKSHELL_FALL_MAX_S = 1800.0  # s: a fall that has not reached the ground by then is not predicted


@numba.njit(**SCALAR_INLINE)
def range_to_go_m(x_pf_m, y_pf_m, z_pf_m, p):
    """Great-circle range from the navigated position (x, y, z)_pf to the target [m].

    GUIDANCE.md 1.1 (range to go) and 2.2 (the parachute's range trigger).
    """
    r = math.sqrt(x_pf_m * x_pf_m + y_pf_m * y_pf_m + z_pf_m * z_pf_m)
    tx = p[P_TGT_X]
    ty = p[P_TGT_Y]
    tz = p[P_TGT_Z]
    rt = math.sqrt(tx * tx + ty * ty + tz * tz)
    c = (x_pf_m * tx + y_pf_m * ty + z_pf_m * tz) / (r * rt)
    c = min(1.0, max(-1.0, c))
    return p[P_RANGE_RADIUS_M] * math.acos(c)


@numba.njit(**SCALAR_INLINE)
def local_frame(x_pf_m, y_pf_m, z_pf_m):
    """Radial up, east and north unit vectors (spherical) at a planet-fixed point."""
    x, yy, z = x_pf_m, y_pf_m, z_pf_m
    r = math.sqrt(x * x + yy * yy + z * z)
    ux, uy, uz = x / r, yy / r, z / r
    rho = math.sqrt(x * x + yy * yy)
    ex, ey, ez = -yy / rho, x / rho, 0.0
    nx = uy * ez - uz * ey
    ny = uz * ex - ux * ez
    nz = ux * ey - uy * ex
    return ux, uy, uz, ex, ey, ez, nx, ny, nz


@numba.njit(**STEP_PATH)
def entry_cycle(t, sensed, p, mem, model_ref, gains, seq):
    """One entry-guidance cycle; returns the index of a cycle-checked sequence event to fire, or -1.

    Navigated quantities (GUIDANCE.md 1.1): speed, altitude rate, filtered
    drag, great-circle range to go, crossrange angle chi = r_tgt . unit(r x v),
    heading error, overflown flag. The range to go, the law's predicted range
    and chi are left in memory as telemetry with the cycle's time
    (M_RANGE_TO_GO_M .. M_ENTRY_CYCLE_T_S), which the trajectory records. The
    SUFR trigger is checked on the next sequence event of
    ``seq``. The new bank command is in M_BANK_CMD; the kernel anchors the
    roll response to it.
    """
    dt = p[P_ENTRY_DT_S]
    mem[M_DRAG_FILT] = drag_filter(
        mem[M_DRAG_FILT], sensed[SN_DRAG_ACCEL_M_S2], dt, DRAG_FILTER_TAU_S
    )
    x = sensed[SN_NAV_POS_PF_M_X]
    yy = sensed[SN_NAV_POS_PF_M_Y]
    z = sensed[SN_NAV_POS_PF_M_Z]
    vx = sensed[SN_NAV_VEL_PF_M_S_X]
    vy = sensed[SN_NAV_VEL_PF_M_S_Y]
    vz = sensed[SN_NAV_VEL_PF_M_S_Z]
    ux, uy, uz, ex, ey, ez, nx, ny, nz = local_frame(x, yy, z)
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
    range_m = range_to_go_m(x, yy, z, p)
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


@numba.njit(**SCALAR_INLINE)
def _fall_rates(z_m, w_m_s, u_m_s, g_m_s2, k0_per_m, h0_m, scale_height_m):
    """(dz/dt, dw/dt, du/dt) of the falling backshell: height z, descent speed w (positive
    down) and horizontal speed u through the air."""
    k = k0_per_m * math.exp((h0_m - z_m) / scale_height_m)
    airspeed = math.sqrt(w_m_s * w_m_s + u_m_s * u_m_s)
    return -w_m_s, g_m_s2 - k * airspeed * w_m_s, -k * airspeed * u_m_s


@numba.njit(**STEP_PATH)
def backshell_fall(height_m, v_down_m_s, u_air_m_s, k0_per_m, scale_height_m, g_m_s2):
    """The backshell's fall to the ground on its parachute (E): (time [s], distance [m]
    its horizontal motion through the air carries it).

    Point mass under gravity and quadratic drag in an exponential atmosphere
    (GUIDANCE.md section 4: the canopy keeps its full drag to the ground), in the
    frame of the air (a wind uniform in height):

        dw/dt = g - k(z) |U| w,   du/dt = -k(z) |U| u,   dz/dt = -w,   dx/dt = u,
        |U| = sqrt(w^2 + u^2),    k(z) = rho(z) C_D S / (2 m) = k0 exp((h0 - z) / H)

    from z = h0 = ``height_m`` with the vehicle's descent speed w = ``v_down_m_s``
    and horizontal airspeed u = ``u_air_m_s`` down to z = 0, by RK4 at
    BACKSHELL_FALL_DT_S, the last step cut where the ground is crossed (linear in
    z). It slows to its own terminal speed sqrt(g / k) within seconds, which
    shrinks as the air thickens, and its horizontal airspeed dies with the time
    constant ~ v_t / g: the ground sees it drift with the wind for the whole
    fall plus x. Without drag (k0 <= 0) the fall is ballistic.
    """
    h0 = max(height_m, 0.0)
    w = max(v_down_m_s, 0.0)
    if k0_per_m <= 0.0:
        t = (-w + math.sqrt(w * w + 2.0 * g_m_s2 * h0)) / g_m_s2
        return t, u_air_m_s * t
    hs = scale_height_m if scale_height_m > 0.0 else math.inf
    dt = BACKSHELL_FALL_DT_S
    t = 0.0
    z = h0
    x = 0.0
    u = u_air_m_s
    while z > 0.0 and t < BACKSHELL_FALL_MAX_S:
        z1, w1, u1 = _fall_rates(z, w, u, g_m_s2, k0_per_m, h0, hs)
        x1 = u
        za, wa, ua = z + 0.5 * dt * z1, w + 0.5 * dt * w1, u + 0.5 * dt * u1
        z2, w2, u2 = _fall_rates(za, wa, ua, g_m_s2, k0_per_m, h0, hs)
        x2 = ua
        zb, wb, ub = z + 0.5 * dt * z2, w + 0.5 * dt * w2, u + 0.5 * dt * u2
        z3, w3, u3 = _fall_rates(zb, wb, ub, g_m_s2, k0_per_m, h0, hs)
        x3 = ub
        zc, wc, uc = z + dt * z3, w + dt * w3, u + dt * u3
        z4, w4, u4 = _fall_rates(zc, wc, uc, g_m_s2, k0_per_m, h0, hs)
        x4 = uc
        z_next = z + dt * (z1 + 2.0 * z2 + 2.0 * z3 + z4) / 6.0
        x_next = x + dt * (x1 + 2.0 * x2 + 2.0 * x3 + x4) / 6.0
        if z_next <= 0.0:
            f = z / (z - z_next)
            return t + f * dt, x + f * (x_next - x)
        w = w + dt * (w1 + 2.0 * w2 + 2.0 * w3 + w4) / 6.0
        u = u + dt * (u1 + 2.0 * u2 + 2.0 * u3 + u4) / 6.0
        z = z_next
        x = x_next
        t += dt
    return t, x


@numba.njit(**STEP_PATH)
def backshell_drag_constant_per_m(sensed, p, v_down_m_s, g_m_s2):
    """k0 = rho C_D S / (2 m) of the backshell at separation [1/m] (0: not predictable).

    The density and the canopy's real drag are both unknown onboard; their product
    is measured: just before the separation the accelerometers sense the vehicle's
    drag D = rho u^2 (C_D S)_vehicle / (2 m_vehicle) (SN_DRAG_ACCEL_M_S2, the reading
    before the event), m_vehicle being the mass left (SN_MASS_EST_KG) plus the
    backshell's (P_BACKSHELL_MASS_KG). The airspeed u is taken as the descent
    speed: on the parachute the vehicle has drifted with the air. The backshell
    flies the same canopy with its own drag area (P_BACKSHELL_CDS_M2 against the
    vehicle's P_CHUTE_VEHICLE_CDS_M2), so a dispersed density or canopy drag
    enters the prediction as it enters the flight. A reading below g / 2 is not
    a vehicle on its parachute (near its terminal speed it reads ~g): the
    vehicle is then taken at its terminal speed, D = g.
    """
    m_bs = p[P_BACKSHELL_MASS_KG]
    drag = sensed[SN_DRAG_ACCEL_M_S2]
    if drag < 0.5 * g_m_s2:
        drag = g_m_s2
    cds_vehicle = p[P_CHUTE_VEHICLE_CDS_M2]
    if m_bs <= 0.0 or cds_vehicle <= 0.0 or drag <= 0.0 or v_down_m_s < 1.0:
        return 0.0
    half_rho_cds_vehicle = drag * (sensed[SN_MASS_EST_KG] + m_bs) / (v_down_m_s * v_down_m_s)
    return half_rho_cds_vehicle * p[P_BACKSHELL_CDS_M2] / cds_vehicle / m_bs


@numba.njit(**STEP_PATH)
def horizontal_airspeed_pf_m_s(sensed):
    """The vehicle's horizontal velocity through the air, planet-fixed [m/s], from what it senses.

    On the parachute the aerodynamic force lies along the air-relative velocity
    (the canopy's drag; the capsule flies no lift with its heat shield gone), so
    the accelerometers' specific force s points along -(v - w). With no
    vertical wind, the vertical parts fix the scale: v - w = s v_up / s_up, and
    its horizontal part is s_h v_up / s_up (s_h, v_up, s_up: the horizontal
    specific force, the navigated vertical speed and the vertical specific
    force); the wind is then w = v_h - (v - w)_h (E: derived here, a point mass
    whose only aerodynamic force is drag; a swinging canopy would need the
    reading filtered over its pendulum period, which this 3-DOF model has not). Returns
    (0, 0, 0) unless the vehicle is sinking and the drag holds it up
    (s_up > 0.1 m/s^2): then nothing separates lag from wind, and guidance
    takes the whole horizontal velocity for wind.
    """
    x, yy, z = sensed[SN_NAV_POS_PF_M_X], sensed[SN_NAV_POS_PF_M_Y], sensed[SN_NAV_POS_PF_M_Z]
    rn = math.sqrt(x * x + yy * yy + z * z)
    ux, uy, uz = x / rn, yy / rn, z / rn
    sx = sensed[SN_SPECIFIC_FORCE_PF_M_S2_X]
    sy = sensed[SN_SPECIFIC_FORCE_PF_M_S2_Y]
    sz = sensed[SN_SPECIFIC_FORCE_PF_M_S2_Z]
    s_up = sx * ux + sy * uy + sz * uz
    v_up = sensed[SN_NAV_VEL_PF_M_S_X] * ux + sensed[SN_NAV_VEL_PF_M_S_Y] * uy
    v_up += sensed[SN_NAV_VEL_PF_M_S_Z] * uz
    if s_up <= 0.1 or v_up >= 0.0:
        return 0.0, 0.0, 0.0
    k = v_up / s_up
    return k * (sx - s_up * ux), k * (sy - s_up * uy), k * (sz - s_up * uz)


@numba.njit(**STEP_PATH)
def predicted_landing_pf_m(sensed, p, radius):
    """The no-divert landing point and the backshell's, planet-fixed, on the sphere ``radius``.

    From the navigated state: the no-divert point is the ground point below
    plus the still-air nominal flight's offset to the target, east and north
    (P_STS_EAST_M, P_STS_NORTH_M; that flight predicts the target itself). The
    offset is the divert designed into the nominal (the parachute leaves the
    vehicle short of the target), a fixed direction: at the hand-over the
    vehicle falls nearly vertically (1.9 m/s horizontal on MSL's nominal), so
    a frame along its ground track turns with a wind of a few m/s, and the
    offset with it (docs/powered_descent.md, "The safe target's offset in
    wind"). The backshell, left on its parachute, falls for t_fall
    (:func:`backshell_fall`, its drag from :func:`backshell_drag_constant_per_m`)
    drifting with the wind w while its own airspeed u, the vehicle's lag behind
    the air at the separation, dies away over a distance x_air: the ground
    point below plus w t_fall + x_air u / |u|. u comes from the direction of the
    sensed drag (:func:`horizontal_airspeed_pf_m_s`) and w = v_h - u, v_h the
    navigated horizontal velocity (docs/powered_descent.md, "The backshell's
    fall"). Without a backshell to predict (P_BACKSHELL_MASS_KG = 0) it falls
    at the vehicle's descent rate. Returns (px, py, pz, bx, by, bz).
    """
    x, yy, z = sensed[SN_NAV_POS_PF_M_X], sensed[SN_NAV_POS_PF_M_Y], sensed[SN_NAV_POS_PF_M_Z]
    vx = sensed[SN_NAV_VEL_PF_M_S_X]
    vy = sensed[SN_NAV_VEL_PF_M_S_Y]
    vz = sensed[SN_NAV_VEL_PF_M_S_Z]
    rn = math.sqrt(x * x + yy * yy + z * z)
    ux, uy, uz = x / rn, yy / rn, z / rn
    gx, gy, gz = radius * ux, radius * uy, radius * uz
    _ux, _uy, _uz, ex, ey, ez, nx, ny, nz = local_frame(gx, gy, gz)
    east, north = p[P_STS_EAST_M], p[P_STS_NORTH_M]
    v_up = vx * ux + vy * uy + vz * uz
    ax, ay, az = horizontal_airspeed_pf_m_s(sensed)
    u_air = math.sqrt(ax * ax + ay * ay + az * az)
    wx, wy, wz = vx - v_up * ux - ax, vy - v_up * uy - ay, vz - v_up * uz - az
    height = max(rn - radius, 0.0)
    g = math.sqrt(
        sensed[SN_GRAVITY_PF_M_S2_X] ** 2
        + sensed[SN_GRAVITY_PF_M_S2_Y] ** 2
        + sensed[SN_GRAVITY_PF_M_S2_Z] ** 2
    )
    k0 = backshell_drag_constant_per_m(sensed, p, -v_up, g)
    if k0 > 0.0:
        t_fall, x_air = backshell_fall(height, -v_up, u_air, k0, p[P_SITE_SCALE_HEIGHT_M], g)
    else:
        t_fall = height / max(-v_up, 1.0)
        x_air = u_air * t_fall
    lag = x_air / u_air if u_air > 1e-9 else 0.0
    return (
        gx + east * ex + north * nx,
        gy + east * ey + north * ny,
        gz + east * ez + north * nz,
        gx + t_fall * wx + lag * ax,
        gy + t_fall * wy + lag * ay,
        gz + t_fall * wz + lag * az,
    )


@numba.njit(**STEP_PATH)
def powered_target(sensed, p, mem, safe, grid, planet):
    """Set the powered-descent target (M_PD_TGT_*): the landing target, or the STS choice.

    Safe-target selection (GUIDANCE.md 3.4 step 3) when P_RETARGET is set:
    the predicted no-divert landing point and the backshell's
    (:func:`predicted_landing_pf_m`) go into the site's east/north plane at the
    target; terrain_nav.select_safe_target picks the safe cell of the map
    (``safe``, ``grid``) nearest the prediction, within P_DIVERT_MAX_M of it
    and at least P_BACKSHELL_CLEAR_M from the backshell; the target is that
    cell at the landing target's altitude above the onboard reference surface
    (``planet``, the ellipsoid: on the sphere through the target a 2 km divert
    north on Mars misses that surface by up to ~7 m, the ellipsoid's tilt
    against the sphere, flattening x sin 2 latitude, times the divert). The
    divert and the outcome are left in M_STS_DIVERT_M and M_STS_OK.
    """
    tx, ty, tz = p[P_TGT_X], p[P_TGT_Y], p[P_TGT_Z]
    if p[P_RETARGET] > 0.0:
        radius = math.sqrt(tx * tx + ty * ty + tz * tz)
        px, py, pz, bx, by, bz = predicted_landing_pf_m(sensed, p, radius)
        _ux, _uy, _uz, ex, ey, ez, nx, ny, nz = local_frame(tx, ty, tz)
        pe = (px - tx) * ex + (py - ty) * ey + (pz - tz) * ez
        pn = (px - tx) * nx + (py - ty) * ny + (pz - tz) * nz
        be = (bx - tx) * ex + (by - ty) * ey + (bz - tz) * ez
        bn = (bx - tx) * nx + (by - ty) * ny + (bz - tz) * nz
        te, tn, ok = select_safe_target(
            pe, pn, be, bn, p[P_BACKSHELL_CLEAR_M], p[P_DIVERT_MAX_M], safe, grid
        )
        mem[M_STS_OK] = 1.0 if ok else -1.0
        mem[M_STS_DIVERT_M] = math.sqrt((te - pe) * (te - pe) + (tn - pn) * (tn - pn))
        qx = tx + te * ex + tn * nx
        qy = ty + te * ey + tn * ny
        qz = tz + te * ez + tn * nz
        a_eq, b_pol, conv = planet[PC_A], planet[PC_B], planet[PC_CONV]
        h_target_m = altitude_m(tx, ty, tz, a_eq, b_pol, conv)
        qn = math.sqrt(qx * qx + qy * qy + qz * qz)
        scale = (qn + h_target_m - altitude_m(qx, qy, qz, a_eq, b_pol, conv)) / qn
        tx, ty, tz = scale * qx, scale * qy, scale * qz
    mem[M_PD_TGT_X] = tx
    mem[M_PD_TGT_Y] = ty
    mem[M_PD_TGT_Z] = tz


@numba.njit(**STEP_PATH)
def powered_start(t, sensed, p, mem, safe, grid, planet):
    """Hand-over to powered descent: free fall first, engines off, flyaway azimuth, target.

    The flyaway azimuth is the mission's P_FLYAWAY_AZ_RAD if set, else the
    navigated ground track's plus P_FLYAWAY_REL_RAD (GUIDANCE.md 3.3); the
    target is :func:`powered_target` on the safe-target map ``safe``, ``grid``
    (GUIDANCE.md 3.4) and the onboard planet shape ``planet`` (PC_*).
    """
    mem[M_PD_MODE] = PD_FREE_FALL
    mem[M_PD_MODE_T0] = t
    mem[M_ENGINES_ON] = 0.0
    if math.isnan(p[P_FLYAWAY_AZ_RAD]):
        mem[M_FLYAWAY_AZ] = sensed[SN_TRACK_AZIMUTH_RAD] + p[P_FLYAWAY_REL_RAD]
    else:
        mem[M_FLYAWAY_AZ] = p[P_FLYAWAY_AZ_RAD]
    powered_target(sensed, p, mem, safe, grid, planet)


@numba.njit(**STEP_PATH)
def powered_cycle(t, sensed, p, mem):
    """One powered-descent guidance cycle: mode machine, thrust command, touchdown detection.

    The mode machine and thrust laws are :func:`skycrane.guidance.powered.powered_descent_step`
    (GUIDANCE.md 3.1-3.3); this cycle keeps the sky crane's integral of the
    vertical-speed error and runs the touchdown detector (sky crane ->
    touchdown confirm). Guidance believes the rover hangs on the bridles
    until it cuts them (SN_MASS_EST_KG): after the wheels touch, holding
    the descent at v_sc takes less thrust, and the proportional-integral
    loop throttles down, which is what the detector sees (GUIDANCE.md 3.3).
    The detector compares the command with the hover thrust of the weight
    guidance believes it holds (the mass estimate, rover included, times the
    onboard gravity), taken until its window opens: a thrust held before the
    window would be the already-lightened one when the wheels touch early
    (sky crane begun low over higher ground), and touchdown would go unseen.
    The flyaway burns until the mode machine cuts the engines off (its
    ballistic mode: the predicted impact far enough) or the propellant is gone
    (the engines-out event). Returns (mode before, mode after)
    (layout.PD_*); the kernel records the mode's event when they differ, and
    releases the rover or cuts the bridles.
    """
    pd = p[P_PD0:]
    dt = p[P_PD_DT_S]
    mode = int(mem[M_PD_MODE])
    if mode == PD_BALLISTIC:  # engines off for good: no more cycles, no step breakpoints
        mem[M_NEXT_GUIDE_T] = math.inf
        return mode, mode
    mem[M_NEXT_GUIDE_T] = t + dt
    r = (sensed[SN_NAV_POS_PF_M_X], sensed[SN_NAV_POS_PF_M_Y], sensed[SN_NAV_POS_PF_M_Z])
    v = (sensed[SN_NAV_VEL_PF_M_S_X], sensed[SN_NAV_VEL_PF_M_S_Y], sensed[SN_NAV_VEL_PF_M_S_Z])
    tx0, ty0, tz0 = mem[M_PD_TGT_X], mem[M_PD_TGT_Y], mem[M_PD_TGT_Z]
    tn = math.sqrt(tx0 * tx0 + ty0 * ty0 + tz0 * tz0)
    up = (tx0 / tn, ty0 / tn, tz0 / tn)
    g = (sensed[SN_GRAVITY_PF_M_S2_X], sensed[SN_GRAVITY_PF_M_S2_Y], sensed[SN_GRAVITY_PF_M_S2_Z])
    fly_dir = flyaway_direction(mem[M_FLYAWAY_AZ], up, (0.0, 0.0, 1.0))
    t_mode = t - mem[M_PD_MODE_T0]
    if mode == PD_SKY_CRANE or mode == PD_TOUCHDOWN_CONFIRM:
        hdot = v[0] * up[0] + v[1] * up[1] + v[2] * up[2]
        v_int = mem[M_VSPEED_INT_M] + (-pd[PDP_SC_SPEED_M_S] - hdot) * dt
        mem[M_VSPEED_INT_M] = min(max(v_int, -VSPEED_INT_MAX_M), VSPEED_INT_MAX_M)
    new_mode, tx, ty, tz = powered_descent_step(
        mode,
        t_mode,
        r,
        v,
        up,
        g,
        sensed[SN_MASS_EST_KG],
        sensed[SN_PROPELLANT_KG],
        (tx0, ty0, tz0),
        fly_dir,
        pd,
        mem[M_VSPEED_INT_M],
    )
    if new_mode == PD_SKY_CRANE and mode == PD_SKY_CRANE:
        thrust = math.sqrt(tx * tx + ty * ty + tz * tz)
        if not touchdown_window_open(t_mode, pd):  # the reference: hovering with the rover below
            mem[M_HOVER_THRUST_N] = sensed[SN_MASS_EST_KG] * math.sqrt(
                g[0] * g[0] + g[1] * g[1] + g[2] * g[2]
            )
        else:
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
        if new_mode == PD_FLYAWAY:
            mem[M_CUT] = 1.0
        mem[M_PD_MODE] = new_mode
        mem[M_PD_MODE_T0] = t
    engines = new_mode != PD_FREE_FALL and new_mode != PD_BALLISTIC
    mem[M_ENGINES_ON] = 1.0 if engines else 0.0
    mem[M_THRUST_X] = tx if engines else 0.0
    mem[M_THRUST_Y] = ty if engines else 0.0
    mem[M_THRUST_Z] = tz if engines else 0.0
    return mode, new_mode


@numba.njit(**STEP_PATH)
def engines_out(t, mem):
    """Propellant exhausted: engines off, the stage falls ballistically (GUIDANCE.md 3.3)."""
    mem[M_ENGINES_ON] = 0.0
    mem[M_THRUST_X] = 0.0
    mem[M_THRUST_Y] = 0.0
    mem[M_THRUST_Z] = 0.0
    mem[M_PD_MODE] = PD_BALLISTIC
    mem[M_PD_MODE_T0] = t
