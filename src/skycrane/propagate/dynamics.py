"""Equations of translational motion in the planet-fixed rotating frame.

For position r and planet-relative velocity v in planet-fixed axes rotating at
omega about +z (the transport theorem applied twice; this is the formulation
flown by NASA's flight-simulation check-cases, NASA/TM-2015-218675):

    dr/dt = v
    dv/dt = g_J2(r) - 2 omega x v - omega x (omega x r) + (F_aero + F_chute + T - B up) / m_c
    dm/dt = -|T| (1 + f_acs) / (Isp g0 cos(cant)) - T_burn / (Isp_burn g0)
    dW/dt = (F_aero + F_chute + T - B up) . v / m_c   (specific work, for energy bookkeeping)

m is the mass the state carries (the rover's included until the bridles are
cut); m_c the mass the forces act on: m, or the descent stage alone, m -
m_rover, while the rover hangs on the bridles. T is the net thrust along the
thrust axis: engines canted by ``cant`` from it burn |T| / cos(cant) worth of
propellant (the cosine loss), and attitude control by differential throttling
adds the fraction f_acs of that flow (GUIDANCE.md 3.1, 3.5).

Sky crane (GUIDANCE.md 3.1, 3.3). From rover release to the cut the rover
hangs s = S_ROVER_DROP_M below the descent stage along the local vertical
(its horizontal motion follows the stage's: the pendulum is not modelled) on
bridles of unstretched length L, a Kelvin-Voigt element that only pulls:

    B = max(k (s - L) + c ds/dt, 0)  for s > L,  else 0
    d2s/dt2 = a_c . up - B / m_rover               (rover hanging)
    d2s/dt2 = dv/dt . up                            (rover on the ground, at rest)

a_c being the stage's non-gravitational acceleration (gravity is common to
both ends; its gradient over 7.5 m, 1.6e-5 m/s^2, is neglected).

The aerodynamic force acts on the air-relative velocity v_air = v - w(h), w
being the wind (air-mass velocity over the ground):

    F_aero = q S (-C_D v_hat + C_L l_hat),   q = rho |v_air|^2 / 2

with the lift direction l_hat obtained by rotating the "lift-up" unit vector
(local vertical projected normal to v_hat) by the bank angle sigma about v_hat;
positive bank tilts the lift to the right of the flight direction. The bank
angle follows the held guidance command as a first-order lag limited to the
vehicle's roll rate, evaluated in closed form (skycrane.vehicle.bank); the
state carries it for the record. A parachute adds drag q C_D(M) S(t) along
-v_hat (skycrane.vehicle.parachute). Thrust T is the held guidance command
times the case's achieved-thrust factor (1 + P_THRUST_ERROR). A Monte Carlo
case multiplies the table's density and temperature by its perturbation
profile (skycrane.atmosphere.perturbation), scales and offsets the wind, and
adds its wind perturbation profile (same module).
The stagnation heat loads integrate the heat rate of the mission's convective
and radiative correlations (skycrane.vehicle.heating.stagnation_heat_rates):
the total, and its radiative part.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH
from skycrane.atmosphere.perturbation import perturbation_at, wind_perturbation_at
from skycrane.atmosphere.table import density_and_sound_at
from skycrane.atmosphere.wind import wind_at
from skycrane.constants import G0_M_S2
from skycrane.contract.layout import (
    A_AERO_ACCEL_M_S2,
    A_AIRSPEED_M_S,
    A_ALT_M,
    A_BANK_RAD,
    A_BRIDLE_TENSION_N,
    A_CHUTE_FORCE_N,
    A_CROSSRANGE_RAD,
    A_DRAG_ACCEL_M_S2,
    A_DRAG_FILT_M_S2,
    A_DYN_PRESSURE_PA,
    A_ENTRY_CYCLE_T_S,
    A_GROUND_ALT_M,
    A_HEAT_RATE_W_M2,
    A_MACH,
    A_PREDICTED_RANGE_M,
    A_RAD_HEAT_RATE_W_M2,
    A_RANGE_TO_GO_M,
    A_SPEED_M_S,
    A_THRUST_N,
    M_AERO_TABLE,
    M_BRIDLES_OUT,
    M_BURN_ISP_S,
    M_BURN_THRUST_N,
    M_CHUTE_FIRE_T,
    M_CHUTE_V_LS,
    M_CLUSTER_FIRE_T,
    M_CLUSTER_V_LS,
    M_CROSSRANGE_RAD,
    M_DRAG_FILT,
    M_ENGINES_ON,
    M_ENTRY_CYCLE_T_S,
    M_LIFT_ON,
    M_PREDICTED_RANGE_M,
    M_RANGE_TO_GO_M,
    M_REF_AREA_M2,
    M_THRUST_X,
    M_THRUST_Y,
    M_THRUST_Z,
    M_TOUCHED,
    P_BURN_PITCH_ERROR,
    P_BURN_YAW_ERROR,
    P_CD_SCALE,
    P_CHUTE_CD_SCALE,
    P_CHUTE_D0_M,
    P_CHUTE_K,
    P_CHUTE_NF,
    P_CHUTE_OLF,
    P_CHUTE_S0_M2,
    P_CHUTE_T_LS_S,
    P_CL_SCALE,
    P_DENSITY_SCALE,
    P_GROUND_ALT_M,
    P_HEAT_CONV,
    P_HEAT_K,
    P_HEAT_RAD,
    P_ISP_S,
    P_NOSE_RADIUS_M,
    P_PD0,
    P_THRUST_ERROR,
    P_WIND_E_M_S,
    P_WIND_N_M_S,
    P_WIND_PERT,
    P_WIND_SCALE_ERROR,
    PDP_ACS_FLOW_FRACTION,
    PDP_BRIDLE_DAMPING_N_S_M,
    PDP_BRIDLE_M,
    PDP_BRIDLE_STIFFNESS_N_M,
    PDP_COS_CANT,
    PDP_ROVER_MASS_KG,
    S_BANK,
    S_HEAT_LOAD,
    S_MASS,
    S_RAD_HEAT_LOAD,
    S_ROVER_DROP_M,
    S_ROVER_DROP_RATE_M_S,
    S_WORK,
)
from skycrane.planets.geodesy import altitude_and_frame, altitude_m
from skycrane.planets.gravity import gravity_j2
from skycrane.propagate.ground import ground_altitude_m
from skycrane.propagate.model import CLUSTER_TABLE, TERRAIN_GEOM, TERRAIN_RELIEF
from skycrane.vehicle.aerodynamics import aero_coefficients
from skycrane.vehicle.bank import bank_now
from skycrane.vehicle.heating import stagnation_heat_rates
from skycrane.vehicle.parachute import drag_area_m2
from skycrane.vehicle.parachute_cluster import cluster_drag_area_m2


@numba.njit(**SCALAR_INLINE)
def carried_mass_kg(y, p, mem):
    """Mass the forces on the main vehicle act on, kg: all of it, or the stage without the rover.

    While the rover hangs on the bridles (M_BRIDLES_OUT) the state's mass
    still counts it (propellant bookkeeping, guidance's belief), but thrust,
    aerodynamics and the bridle tension accelerate the descent stage alone.
    """
    if mem[M_BRIDLES_OUT] > 0.0:
        return y[S_MASS] - p[P_PD0 + PDP_ROVER_MASS_KG]
    return y[S_MASS]


@numba.njit(**SCALAR_INLINE)
def bridle_tension_n(y, p, mem):
    """Bridle tension B = max(k (s - L) + c ds/dt, 0) while stretched (s > L), else 0, N.

    A Kelvin-Voigt element that pulls only: slack bridles carry nothing.
    """
    if mem[M_BRIDLES_OUT] <= 0.0:
        return 0.0
    stretch = y[S_ROVER_DROP_M] - p[P_PD0 + PDP_BRIDLE_M]
    if stretch <= 0.0:
        return 0.0
    tension = (
        p[P_PD0 + PDP_BRIDLE_STIFFNESS_N_M] * stretch
        + p[P_PD0 + PDP_BRIDLE_DAMPING_N_S_M] * y[S_ROVER_DROP_RATE_M_S]
    )
    return max(tension, 0.0)


@numba.njit(**SCALAR_INLINE)
def burn_terms(y, p, mem, omega):
    """``(ax, ay, az, thrust_n, dm_kg_s)`` of an orbital burn (the deorbit burn), or zeros.

    The thrust T (the event's, times 1 + P_BURN_THRUST_ERROR) points along the
    inertial anti-velocity, -t with t = (v + omega x r) / |v + omega x r|:
    retrograde in the orbit, the direction that lowers the orbital energy
    fastest per unit of propellant (Vallado 2013, sec. 6.3), re-pointed
    continuously as an attitude-hold in the local-vertical frame would. A
    pointing error tilts it by the pitch p (P_BURN_PITCH_ERROR, in the orbit
    plane) and the yaw w (P_BURN_YAW_ERROR, out of it):
    d = -cos p cos w t + sin p q + cos p sin w n, with n = r x t / |r x t| the
    orbit normal and q = t x n the radial outward normal to t (a unit vector
    for any p, w). The flow is dm/dt = -T / (Isp g0).
    """
    thrust = mem[M_BURN_THRUST_N]
    if thrust <= 0.0:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    vix = y[3] - omega * y[1]
    viy = y[4] + omega * y[0]
    viz = y[5]
    vi = math.sqrt(vix * vix + viy * viy + viz * viz)
    dm = -thrust / (mem[M_BURN_ISP_S] * G0_M_S2)
    if vi <= 0.0:
        return 0.0, 0.0, 0.0, thrust, dm
    mass = carried_mass_kg(y, p, mem)
    pitch, yaw = p[P_BURN_PITCH_ERROR], p[P_BURN_YAW_ERROR]
    tx, ty, tz = vix / vi, viy / vi, viz / vi
    nx = y[1] * tz - y[2] * ty
    ny = y[2] * tx - y[0] * tz
    nz = y[0] * ty - y[1] * tx
    nn = math.sqrt(nx * nx + ny * ny + nz * nz)
    if (pitch == 0.0 and yaw == 0.0) or nn <= 0.0:
        a = thrust / (mass * vi)
        return -a * vix, -a * viy, -a * viz, thrust, dm
    a = thrust / mass
    nx, ny, nz = nx / nn, ny / nn, nz / nn
    qx = ty * nz - tz * ny
    qy = tz * nx - tx * nz
    qz = tx * ny - ty * nx
    ct, st, cw, sw = math.cos(pitch), math.sin(pitch), math.cos(yaw), math.sin(yaw)
    dx = -ct * cw * tx + st * qx + ct * sw * nx
    dy = -ct * cw * ty + st * qy + ct * sw * ny
    dz = -ct * cw * tz + st * qz + ct * sw * nz
    return a * dx, a * dy, a * dz, thrust, dm


@numba.njit(**SCALAR_INLINE)
def thrust_terms(y, p, mem):
    """``(ax, ay, az, thrust_n, dm_kg_s)`` of the held thrust command on the carried mass.

    The flow is that of the engines' own thrust, |T| / cos(cant), plus the
    attitude-control fraction: dm/dt = -|T| (1 + f_acs) / (Isp g0 cos(cant)).
    (An orbital burn is :func:`burn_terms`: guidance does not command it.)
    """
    if mem[M_ENGINES_ON] <= 0.0:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    mass = carried_mass_kg(y, p, mem)
    achieved = 1.0 + p[P_THRUST_ERROR]
    tx = mem[M_THRUST_X] * achieved
    ty = mem[M_THRUST_Y] * achieved
    tz = mem[M_THRUST_Z] * achieved
    thrust = math.sqrt(tx * tx + ty * ty + tz * tz)
    flow = thrust * (1.0 + p[P_PD0 + PDP_ACS_FLOW_FRACTION]) / p[P_PD0 + PDP_COS_CANT]
    return tx / mass, ty / mass, tz / mass, thrust, -flow / (p[P_ISP_S] * G0_M_S2)


@numba.njit(**SCALAR_INLINE)
def record_telemetry(mem, aux):
    """Copy the entry guidance's last outputs from memory into ``aux``, for the trajectory.

    Recorded only: nothing in the flight reads these aux slots.
    """
    aux[A_DRAG_FILT_M_S2] = mem[M_DRAG_FILT]
    aux[A_RANGE_TO_GO_M] = mem[M_RANGE_TO_GO_M]
    aux[A_PREDICTED_RANGE_M] = mem[M_PREDICTED_RANGE_M]
    aux[A_CROSSRANGE_RAD] = mem[M_CROSSRANGE_RAD]
    aux[A_ENTRY_CYCLE_T_S] = mem[M_ENTRY_CYCLE_T_S]


@numba.njit(**STEP_PATH)
def update_commands(t, y, p, mem, thrust_before, dy, aux):
    """Bring ``dy``/``aux`` at (t, y) up to date after a guidance cycle changed the commands.

    A cycle changes only the held bank and thrust commands, and at the cycle
    time the bank itself is continuous: the derivative differs from the one
    before by the thrust terms and the bank rate alone. Equal to a new :func:`rhs` call to
    rounding, at a fraction of its cost; an orbital burn (:func:`burn_terms`),
    which no cycle commands, stays in ``dy`` as it was. ``thrust_before`` is
    (ax, ay, az, dm/dt, thrust) of :func:`thrust_terms`. The guidance
    telemetry in ``aux`` is refreshed too (:func:`record_telemetry`).
    """
    ax, ay, az, thrust, dm = thrust_terms(y, p, mem)
    dax = ax - thrust_before[0]
    day = ay - thrust_before[1]
    daz = az - thrust_before[2]
    dy[3] += dax
    dy[4] += day
    dy[5] += daz
    burning = mem[M_BURN_THRUST_N] > 0.0  # its flow and thrust stay in dy and aux
    dy[S_MASS] = dy[S_MASS] + dm - thrust_before[3] if burning else dm
    if mem[M_BRIDLES_OUT] > 0.0:  # both forms of d2s/dt2 carry the stage's thrust along up
        r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
        dy[S_ROVER_DROP_RATE_M_S] += (dax * y[0] + day * y[1] + daz * y[2]) / r
    dy[S_WORK] += dax * y[3] + day * y[4] + daz * y[5]
    dy[S_BANK] = bank_now(t, y, p, mem)[1]
    aux[A_THRUST_N] = aux[A_THRUST_N] + thrust - thrust_before[4] if burning else thrust
    record_telemetry(mem, aux)


@numba.njit(**SCALAR_INLINE)
def rhs(t, y, p, mem, model, dy, aux):
    """Time derivative ``dy`` of state ``y`` and derived quantities ``aux``.

    The derivative is :func:`rhs_stage`'s to the bit; ``aux`` is what the
    step loop reads at a step's end (events, peaks, the trajectory).

    Parameters
    ----------
    t : float
        Time [s] from entry interface.
    y : float64[N_STATE]
        State (layout.S_*), planet-fixed, SI.
    p : float64[N_PARAMS]
        This case's parameters (layout.P_*).
    mem : float64[N_MEM]
        This case's guidance and sequence memory (layout.M_*), read only here.
    model : tuple
        Shared tables, see :func:`skycrane.propagate.model.build_model`.
    dy, aux : float64 arrays
        Outputs: derivative (N_STATE) and derived quantities (N_AUX).
    """
    _rhs(t, y, p, mem, model, dy, aux, True)


@numba.njit(**SCALAR_INLINE)
def rhs_stage(t, y, p, mem, model, dy):
    """Time derivative ``dy`` of state ``y`` alone: :func:`rhs` without its derived quantities.

    For the inner stages of a Runge–Kutta step, whose derived quantities
    nobody reads (only the step end's are): it skips the ground's height under
    the vehicle, the speed and aerodynamic acceleration kept for the record,
    the guidance telemetry and every store to ``aux``, about a tenth of a
    right-hand side (E: tests/propagate/test_prop_integrator.py holds the two
    derivatives equal to the bit).
    """
    _rhs(t, y, p, mem, model, dy, dy, False)


@numba.njit(**SCALAR_INLINE)
def _rhs(t, y, p, mem, model, dy, aux, full):
    """:func:`rhs` (``full``) or :func:`rhs_stage`: the derivative, and ``aux`` if ``full``."""
    planet = model[0]
    mu = planet[0]
    a_eq = planet[1]
    b_pol = planet[2]
    j2 = planet[3]
    omega = planet[4]
    conv = planet[5]

    x = y[0]
    yy = y[1]
    z = y[2]
    vx = y[3]
    vy = y[4]
    vz = y[5]
    mass = carried_mass_kg(y, p, mem)

    wx = 0.0
    wy = 0.0
    wz = 0.0
    w_bias_e = p[P_WIND_E_M_S]
    w_bias_n = p[P_WIND_N_M_S]
    w_pert = p[P_WIND_PERT] != 0.0
    if model[6] or w_bias_e != 0.0 or w_bias_n != 0.0 or w_pert:
        alt, sl, cl, so, co = altitude_and_frame(x, yy, z, a_eq, b_pol, conv)
        w_east, w_north = wind_at(alt, model[7], model[8], model[9])
        w_scale = 1.0 + p[P_WIND_SCALE_ERROR]
        w_east = w_scale * w_east + w_bias_e
        w_north = w_scale * w_north + w_bias_n
        if w_pert:  # the case's profile perturbation (skycrane.atmosphere.perturbation)
            d_east, d_north = wind_perturbation_at(alt, p)
            w_east += d_east
            w_north += d_north
        wx = -so * w_east - sl * co * w_north
        wy = co * w_east - sl * so * w_north
        wz = cl * w_north
    else:
        alt = altitude_m(x, yy, z, a_eq, b_pol, conv)

    rho, sound = density_and_sound_at(alt, model[1], model[2], model[3], model[5])
    rho_factor, sound_factor = perturbation_at(alt, p)
    rho *= p[P_DENSITY_SCALE] * rho_factor
    sound *= sound_factor

    ux = vx - wx
    uy = vy - wy
    uz = vz - wz
    airspeed = math.sqrt(ux * ux + uy * uy + uz * uz)
    mach = airspeed / sound
    qbar = 0.5 * rho * airspeed * airspeed

    cd, clift = aero_coefficients(
        mach, int(mem[M_AERO_TABLE]), model[10], model[11], model[12], model[13]
    )
    cd *= p[P_CD_SCALE]
    clift *= p[P_CL_SCALE] * mem[M_LIFT_ON]
    qs_m = qbar * mem[M_REF_AREA_M2] / mass
    chute_cds = drag_area_m2(
        t - mem[M_CHUTE_FIRE_T],
        mach,
        p[P_CHUTE_S0_M2],
        p[P_CHUTE_CD_SCALE],
        p[P_CHUTE_T_LS_S],
        p[P_CHUTE_NF],
        p[P_CHUTE_D0_M],
        mem[M_CHUTE_V_LS],
        p[P_CHUTE_K],
        model[14],
        model[15],
        p[P_CHUTE_OLF],
    )
    clusters = model[CLUSTER_TABLE]
    for c in range(clusters.shape[1]):
        chute_cds += cluster_drag_area_m2(
            t - mem[M_CLUSTER_FIRE_T + c], mem[M_CLUSTER_V_LS + c], clusters, c
        )
    chute_force = qbar * chute_cds

    ax = 0.0
    ay = 0.0
    az = 0.0
    bank, dbank = bank_now(t, y, p, mem)
    drag = 0.0
    if airspeed > 0.0:
        inv = 1.0 / airspeed
        hx = ux * inv
        hy = uy * inv
        hz = uz * inv
        drag = qs_m * cd + chute_force / mass
        ax = -drag * hx
        ay = -drag * hy
        az = -drag * hz
        lift = qs_m * clift
        if lift != 0.0:
            r = math.sqrt(x * x + yy * yy + z * z)
            rx = x / r
            ry = yy / r
            rz = z / r
            d = rx * hx + ry * hy + rz * hz
            lx = rx - d * hx
            ly = ry - d * hy
            lz = rz - d * hz
            ln = math.sqrt(lx * lx + ly * ly + lz * lz)
            if ln > 1e-9:  # lift is undefined in exactly vertical flight
                lx /= ln
                ly /= ln
                lz /= ln
                # right = v_hat x lift_up
                qx = hy * lz - hz * ly
                qy = hz * lx - hx * lz
                qz = hx * ly - hy * lx
                cb = math.cos(bank)
                sb = math.sin(bank)
                ax += lift * (cb * lx + sb * qx)
                ay += lift * (cb * ly + sb * qy)
                az += lift * (cb * lz + sb * qz)
    aero_x, aero_y, aero_z = ax, ay, az  # |a_aero| is for the record (full) only

    tax, tay, taz, thrust, dm = thrust_terms(y, p, mem)
    bax, bay, baz, burn, burn_dm = burn_terms(y, p, mem, omega)
    ax += tax + bax
    ay += tay + bay
    az += taz + baz
    thrust += burn
    dm += burn_dm
    tension = bridle_tension_n(y, p, mem)
    r = math.sqrt(x * x + yy * yy + z * z)
    if tension > 0.0:  # the bridles pull the stage down along the local vertical
        b = tension / (mass * r)
        ax -= b * x
        ay -= b * yy
        az -= b * z

    gx, gy, gz = gravity_j2(x, yy, z, mu, a_eq, j2)
    w2 = omega * omega
    dy[0] = vx
    dy[1] = vy
    dy[2] = vz
    dy[3] = gx + 2.0 * omega * vy + w2 * x + ax
    dy[4] = gy - 2.0 * omega * vx + w2 * yy + ay
    dy[5] = gz + az
    dy[S_MASS] = dm
    conv, rad = stagnation_heat_rates(
        rho, airspeed, p[P_NOSE_RADIUS_M], p[P_HEAT_K], int(p[P_HEAT_CONV]), int(p[P_HEAT_RAD])
    )
    heat = conv + rad
    dy[S_HEAT_LOAD] = heat
    dy[S_RAD_HEAT_LOAD] = rad
    dy[S_BANK] = dbank
    dy[S_WORK] = ax * vx + ay * vy + az * vz  # power of the non-gravitational forces per kg
    if mem[M_BRIDLES_OUT] > 0.0:
        dy[S_ROVER_DROP_M] = y[S_ROVER_DROP_RATE_M_S]
        if mem[M_TOUCHED] > 0.0:  # rover at rest on the ground: s follows the stage
            a_up = dy[3] * x + dy[4] * yy + dy[5] * z
        else:
            a_up = ax * x + ay * yy + az * z - tension * r / p[P_PD0 + PDP_ROVER_MASS_KG]
        dy[S_ROVER_DROP_RATE_M_S] = a_up / r
    else:
        dy[S_ROVER_DROP_M] = 0.0
        dy[S_ROVER_DROP_RATE_M_S] = 0.0

    if not full:
        return
    aux[A_ALT_M] = alt
    aux[A_AIRSPEED_M_S] = airspeed
    aux[A_MACH] = mach
    aux[A_DYN_PRESSURE_PA] = qbar
    aux[A_HEAT_RATE_W_M2] = heat
    aux[A_RAD_HEAT_RATE_W_M2] = rad
    aux[A_AERO_ACCEL_M_S2] = math.sqrt(aero_x * aero_x + aero_y * aero_y + aero_z * aero_z)
    aux[A_SPEED_M_S] = math.sqrt(vx * vx + vy * vy + vz * vz)
    aux[A_CHUTE_FORCE_N] = chute_force
    aux[A_THRUST_N] = thrust
    aux[A_DRAG_ACCEL_M_S2] = drag
    aux[A_BANK_RAD] = bank
    aux[A_GROUND_ALT_M] = ground_altitude_m(
        x, yy, z, model[TERRAIN_RELIEF], model[TERRAIN_GEOM], p[P_GROUND_ALT_M]
    )
    aux[A_BRIDLE_TENSION_N] = tension
    record_telemetry(mem, aux)
