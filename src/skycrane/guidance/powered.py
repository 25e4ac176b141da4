"""Powered descent, sky crane, touchdown detection and flyaway guidance (compiled).

Every function is a pure ``numba.njit`` function of float scalars and
3-tuples of floats, meant to run inside a parallel kernel, one case per lane:
no Python objects, no exceptions (every division is guarded), no allocation.
Vectors (position ``r``, velocity ``v``, local vertical ``up``, gravity ``g``,
target) are ``(x, y, z)`` tuples in any one Cartesian frame; the kernel passes
planet-fixed vectors. ``up`` is a unit vector; heights are measured along it
from the target, the point on the ground the *rover* must touch. The
controlled point is the descent stage (DS); in the sky crane the rover hangs a
bridle length below it. Tunables are the ``PDP_*`` entries of ``params``
(declared in :mod:`skycrane.contract.fields`).

The mode machine (GUIDANCE.md 3.1) is :func:`powered_descent_step`; the
touchdown detector (3.3) is :func:`touchdown_detector`, whose timer and
thrust filter the caller keeps; the flyaway (3.3) is :func:`flyaway_thrust`,
its engine cut-off :func:`flyaway_impact_distance_m`.

References
----------
.. [1] Singh, G., San Martin, A. M., Wong, E. C. (2007), "Guidance and Control
   Design for Powered Descent and Landing on Mars", IEEE Aerospace Conference.
.. [2] Wong, E. C., Singh, G., Masciarelli, J. P. (2002), "Autonomous Guidance
   and Control Design for Hazard Avoidance and Safe Landing on Mars",
   AIAA 2002-4619.
.. [3] San Martin, A. M., Mendeck, G. F., Brugarolas, P. B., Singh, G. et al.
   (2014), "In-Flight Experience of the Mars Science Laboratory Guidance,
   Navigation, and Control System for Entry, Descent, and Landing", ESA GNC.
.. [4] Sell, S. W., Davis, J. L., San Martin, A. M., Serricchio, F. (2014),
   "Powered Flight Design and Performance Summary for the Mars Science
   Laboratory Mission", J. Spacecraft and Rockets 51, 1197-1207 (AAS/AIAA
   Spaceflight Mechanics Meeting 2013, NTRS 20150007794). Abstract: the
   flyaway is to "ensure surface impact at a safe distance from the rover".
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR, STEP_PATH
from skycrane.constants import G0_M_S2
from skycrane.contract import layout as pl

__all__ = [
    "G0_M_S2",
    "constant_decel_height",
    "flyaway_direction",
    "flyaway_impact_distance_m",
    "flyaway_thrust",
    "mass_flow_kg_s",
    "polynomial_accel",
    "powered_descent_step",
    "propellant_kg",
    "thrust_from_accel",
    "thrust_limits",
    "time_to_go",
    "touchdown_detector",
    "touchdown_window_open",
]

_TAU_MAX_ITER = 60  # time-to-go lengthening steps of 5 % (1.05^60 ~ 19x)
_TINY = 1e-12


@numba.njit(**SCALAR)
def _dot(a: tuple, b: tuple) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


@numba.njit(**SCALAR)
def _comb(ka: float, a: tuple, kb: float, b: tuple) -> tuple:
    """ka a + kb b for 3-tuples."""
    return ka * a[0] + kb * b[0], ka * a[1] + kb * b[1], ka * a[2] + kb * b[2]


@numba.njit(**SCALAR)
def _cross(a: tuple, b: tuple) -> tuple:
    return a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]


@numba.njit(**SCALAR)
def polynomial_accel(r: tuple, v: tuple, r_f: tuple, v_f: tuple, tau_s: float) -> tuple:
    """Return the kinematic acceleration of the two-point boundary polynomial law.

    Parameters
    ----------
    r, v : tuple of float
        Position (m) and velocity (m/s), 3 floats each.
    r_f, v_f : tuple of float
        Target position (m) and velocity (m/s) at the end of the arc.
    tau_s : float
        Time to go, s (floored at 1e-3 s).

    Returns
    -------
    tuple of float
        ``(a_x, a_y, a_z)`` in m/s^2: with dr = r_f - r - v tau and dv = v_f - v,
        a(0) = 6 dr / tau^2 - 2 dv / tau (GUIDANCE.md 3.2; [1]_, [2]_). This is
        the initial value of the acceleration linear in time that meets
        r(tau) = r_f and v(tau) = v_f; recomputed every cycle it steers a double
        integrator exactly onto the boundary conditions.
    """
    tau = max(tau_s, 1e-3)
    c_r = 6.0 / (tau * tau)
    c_v = 2.0 / tau
    return (
        c_r * (r_f[0] - r[0] - v[0] * tau) - c_v * (v_f[0] - v[0]),
        c_r * (r_f[1] - r[1] - v[1] * tau) - c_v * (v_f[1] - v[1]),
        c_r * (r_f[2] - r[2] - v[2] * tau) - c_v * (v_f[2] - v[2]),
    )


@numba.njit(**SCALAR)
def time_to_go(
    h_togo_m: float,
    hdot_m_s: float,
    hdot_f_m_s: float,
    r: tuple,
    v: tuple,
    r_f: tuple,
    v_f: tuple,
    g: tuple,
    mass_kg: float,
    t_max_n: float,
    margin: float,
) -> float:
    """Return the time to go of the powered approach, s.

    Parameters
    ----------
    h_togo_m : float
        Height still to descend to the waypoint, m (negative counts as 0).
    hdot_m_s, hdot_f_m_s : float
        Vertical velocity now and at the waypoint, m/s (positive up).
    r, v, r_f, v_f, g : tuple of float
        State, waypoint state (m, m/s) and gravity (m/s^2), for the thrust check.
    mass_kg, t_max_n, margin : float
        Mass (kg), largest thrust (N) and the usable fraction of it (0.8).

    Returns
    -------
    float
        tau = 2 h_togo / (max(-hdot, 0) + |hdot_f|), the time of a constant
        deceleration over the height to go (GUIDANCE.md 3.2, E), lengthened by
        5 % steps (at most 60) until m |a(0) - g| <= margin T_max with a(0) from
        :func:`polynomial_accel`. Recomputed every cycle it decreases at one
        second per second along the planned arc.
    """
    speed_sum = max(-hdot_m_s, 0.0) + abs(hdot_f_m_s)
    tau = 2.0 * max(h_togo_m, 0.0) / max(speed_sum, 1e-3)
    tau = max(tau, 1e-3)
    limit = margin * t_max_n
    for _ in range(_TAU_MAX_ITER):
        a_t = _comb(1.0, polynomial_accel(r, v, r_f, v_f, tau), -1.0, g)
        if mass_kg * math.sqrt(_dot(a_t, a_t)) <= limit:
            break
        tau *= 1.05
    return tau


@numba.njit(**SCALAR)
def thrust_from_accel(
    a_cmd: tuple,
    g: tuple,
    up: tuple,
    mass_kg: float,
    t_min_n: float,
    t_max_n: float,
    tilt_max_rad: float,
) -> tuple:
    """Turn a kinematic acceleration command into a feasible thrust vector.

    Parameters
    ----------
    a_cmd, g, up : tuple of float
        Commanded kinematic acceleration and gravity (m/s^2); local vertical (unit).
    mass_kg : float
        Mass the engines carry, kg.
    t_min_n, t_max_n : float
        Thrust limits of the firing engines, N (n T_eng throttle cos(cant)).
    tilt_max_rad : float
        Largest tilt of the thrust axis from ``up``, rad.

    Returns
    -------
    tuple of float
        ``(T_x, T_y, T_z, frac)``: thrust in N and ``frac = |T| / t_max_n``.
        a_T = a_cmd - g (GUIDANCE.md 3.2). The tilt is limited by shrinking the
        horizontal part of a_T to a_T,up tan(tilt_max), which keeps the
        vertical (weight-bearing) part; if a_T does not point above the
        horizon the thrust points tilt_max from ``up`` toward the horizontal
        demand at minimum thrust. The magnitude m |a_T| is then clipped to
        [t_min, t_max].
    """
    a_t = _comb(1.0, a_cmd, -1.0, g)
    a_up = _dot(a_t, up)
    hor = _comb(1.0, a_t, -a_up, up)
    h = math.sqrt(_dot(hor, hor))
    if a_up <= 0.0:
        # downward or level demand: the engines cannot pull down; least thrust
        s = math.sin(tilt_max_rad) / h if h > _TINY else 0.0
        c = math.cos(tilt_max_rad) if h > _TINY else 1.0
        tx, ty, tz = _comb(t_min_n * c, up, t_min_n * s, hor)
        return tx, ty, tz, t_min_n / max(t_max_n, _TINY)
    h_max = a_up * math.tan(tilt_max_rad)
    k_h = h_max / h if h > h_max else 1.0
    a_mag = math.sqrt(a_up * a_up + k_h * k_h * h * h)
    thrust = min(max(mass_kg * a_mag, t_min_n), t_max_n)
    k = thrust / a_mag
    tx, ty, tz = _comb(k * a_up, up, k * k_h, hor)
    return tx, ty, tz, thrust / max(t_max_n, _TINY)


@numba.njit(**SCALAR)
def mass_flow_kg_s(thrust_n: float, isp_s: float) -> float:
    """Return the mass flow rate dm/dt = -T / (Isp g0), kg/s (GUIDANCE.md 3.1).

    ``thrust_n`` is the engines' total thrust along their own axes, N (with
    canted engines, the net thrust divided by cos(cant)); ``isp_s`` in s.
    """
    return -abs(thrust_n) / (max(isp_s, _TINY) * G0_M_S2)


@numba.njit(**SCALAR)
def propellant_kg(mass_kg: float, rover_attached: bool, params) -> float:
    """Return the propellant left, kg: mass - dry - rover (if attached), floored at 0.

    ``mass_kg`` is the descent stage's mass plus the rover's if ``rover_attached``.
    """
    rover = params[pl.PDP_ROVER_MASS_KG] if rover_attached else 0.0
    return max(mass_kg - params[pl.PDP_DRY_MASS_KG] - rover, 0.0)


@numba.njit(**SCALAR)
def thrust_limits(n_engines: float, params) -> tuple:
    """Return ``(t_min_n, t_max_n)`` = n T_eng (throttle_min, throttle_max) cos(cant), N.

    GUIDANCE.md 3.2: the thrust along the vehicle axis of ``n_engines`` engines.
    """
    full = n_engines * params[pl.PDP_ENGINE_THRUST_N] * params[pl.PDP_COS_CANT]
    return full * params[pl.PDP_THROTTLE_MIN], full * params[pl.PDP_THROTTLE_MAX]


@numba.njit(**SCALAR)
def constant_decel_height(params) -> float:
    """Return the descent-stage height where the constant deceleration starts, m.

    h_cd = h_sc + (v_cv^2 - v_sc^2) / (2 a_cd): decelerating at a_cd from the
    constant-velocity speed reaches the sky-crane speed exactly at the
    sky-crane start height (GUIDANCE.md 3.1, E).
    """
    v_cv = params[pl.PDP_CV_SPEED_M_S]
    v_sc = params[pl.PDP_SC_SPEED_M_S]
    return params[pl.PDP_SC_HEIGHT_M] + (v_cv * v_cv - v_sc * v_sc) / (
        2.0 * max(params[pl.PDP_CD_DECEL_M_S2], _TINY)
    )


@numba.njit(**SCALAR)
def _terminal_accel(mode, h, hdot, r, v, up, target, params, v_int_m) -> tuple:
    """Kinematic acceleration of the terminal modes: vertical speed loop + horizontal PD.

    Vertical: a_up = a_ff + k_v (hdot_ref - hdot) with hdot_ref = -v_cv
    (constant velocity), -sqrt(v_sc^2 + 2 a_cd (h - h_sc)) (constant
    deceleration, feed-forward a_cd hdot / hdot_ref, the exact profile
    acceleration), or -v_sc in the sky crane and on through the touchdown
    confirmation, where the loop is proportional-integral: + k_i v_int_m,
    v_int_m the integral of (hdot_ref - hdot) the caller keeps. The integral
    holds the descent at v_sc whatever the mass hanging below, so when the
    rover's weight comes off the stage keeps descending, the bridles go
    slack and the throttle falls (GUIDANCE.md 3.3).
    Horizontal: a_h = -k_p e_h - k_d v_h, e_h the horizontal offset from the target.
    """
    a_ff = 0.0
    if mode == pl.PD_CONSTANT_VELOCITY:
        hdot_ref = -params[pl.PDP_CV_SPEED_M_S]
    elif mode == pl.PD_CONSTANT_DECEL:
        v_sc = params[pl.PDP_SC_SPEED_M_S]
        dh = max(h - params[pl.PDP_SC_HEIGHT_M], 0.0)
        hdot_ref = -math.sqrt(v_sc * v_sc + 2.0 * params[pl.PDP_CD_DECEL_M_S2] * dh)
        a_ff = params[pl.PDP_CD_DECEL_M_S2] * hdot / min(hdot_ref, -1e-6)
    else:
        hdot_ref = -params[pl.PDP_SC_SPEED_M_S]
        a_ff = params[pl.PDP_KI_VERT_S2] * v_int_m
    a_up = a_ff + params[pl.PDP_KV_VERT_S] * (hdot_ref - hdot)
    e_h = _comb(1.0, _comb(1.0, r, -1.0, target), -h, up)  # horizontal offset
    v_h = _comb(1.0, v, -hdot, up)
    a_h = _comb(-params[pl.PDP_KP_HORIZ_S2], e_h, -params[pl.PDP_KD_HORIZ_S], v_h)
    return _comb(1.0, a_h, a_up, up)


@numba.njit(**STEP_PATH)
def powered_descent_step(
    mode: int,
    t_mode_s: float,
    r: tuple,
    v: tuple,
    up: tuple,
    g: tuple,
    mass_kg: float,
    propellant_left_kg: float,
    target: tuple,
    fly_dir: tuple,
    params,
    v_int_m: float,
) -> tuple:
    """Advance the powered-descent mode machine and return the thrust to apply now.

    Parameters
    ----------
    mode : int
        Current ``PD_*`` mode.
    t_mode_s : float
        Time since the current mode started, s (the caller resets it to 0 when
        the returned mode differs).
    r, v, up, g : tuple of float
        Navigated descent-stage position (m) and velocity (m/s), the local
        vertical at the target (unit) and gravity (m/s^2).
    mass_kg : float
        Mass the engines carry, kg (descent stage plus the rover until the
        rover rests on the ground or is cut loose).
    propellant_left_kg : float
        Propellant remaining, kg (see :func:`propellant_kg`).
    target, fly_dir : tuple of float
        Point on the ground the rover must touch (m); unit horizontal flyaway
        direction (:func:`flyaway_direction`).
    params : numpy.ndarray
        ``PDP_*`` vector.
    v_int_m : float
        Integral of the vertical-speed error in the sky crane, m (the
        caller's, see :func:`_terminal_accel`).

    Returns
    -------
    tuple
        ``(mode', T_x, T_y, T_z)``, thrust in N. Transitions (GUIDANCE.md 3.1):
        free fall -> approach after ``free_fall_s``; approach -> constant
        velocity when tau <= ``tau_switch_s`` or the waypoint height is
        reached; -> constant deceleration at :func:`constant_decel_height`;
        -> sky crane at ``sc_height_m``; touchdown confirm -> flyaway after
        ``cut_delay_s`` (3.3); flyaway -> ballistic (engines cut off) once,
        after the climb, the impact point predicted from the navigated state
        (:func:`flyaway_impact_distance_m`) lies ``PDP_FLYAWAY_CUTOFF_M`` from
        the target; any mode -> ballistic once the propellant is
        gone. Sky crane -> touchdown confirm is the caller's, on
        :func:`touchdown_detector`. Free fall and ballistic return zero thrust.
        Approach: :func:`polynomial_accel` to the waypoint ``waypoint_height_m``
        above the target at ``waypoint_vspeed_m_s`` along up, zero horizontal
        velocity (3.2, [1]_); terminal modes: a vertical-speed loop and a
        horizontal PD hold on the target; 8 engines until the sky crane, 4
        from then on (3.1).
    """
    if propellant_left_kg <= 0.0:
        return pl.PD_BALLISTIC, 0.0, 0.0, 0.0
    h = _dot(_comb(1.0, r, -1.0, target), up)
    hdot = _dot(v, up)
    h_wp = params[pl.PDP_WAYPOINT_HEIGHT_M]
    vs_wp = params[pl.PDP_WAYPOINT_VSPEED_M_S]
    r_f = _comb(1.0, target, h_wp, up)
    v_f = _comb(vs_wp, up, 0.0, up)
    t_min8, t_max8 = thrust_limits(params[pl.PDP_N_ENGINES], params)
    t_min4, t_max4 = thrust_limits(params[pl.PDP_N_ENGINES_SKY_CRANE], params)
    tilt = params[pl.PDP_TILT_MAX_RAD]

    new = mode
    t = t_mode_s
    if new == pl.PD_FREE_FALL and t >= params[pl.PDP_FREE_FALL_S]:
        new = pl.PD_APPROACH
    tau = 0.0
    if new == pl.PD_APPROACH:
        tau = time_to_go(
            h - h_wp, hdot, vs_wp, r, v, r_f, v_f, g, mass_kg, t_max8, params[pl.PDP_THRUST_MARGIN]
        )
        if tau <= params[pl.PDP_TAU_SWITCH_S] or h <= h_wp:
            new = pl.PD_CONSTANT_VELOCITY
    if new == pl.PD_CONSTANT_VELOCITY and h <= constant_decel_height(params):
        new = pl.PD_CONSTANT_DECEL
    if new == pl.PD_CONSTANT_DECEL and h <= params[pl.PDP_SC_HEIGHT_M]:
        new = pl.PD_SKY_CRANE
    if new == pl.PD_TOUCHDOWN_CONFIRM and t >= params[pl.PDP_CUT_DELAY_S]:
        new = pl.PD_FLYAWAY
    if (
        new == pl.PD_FLYAWAY
        and t >= params[pl.PDP_FLYAWAY_CLIMB_S]
        and flyaway_impact_distance_m(r, v, up, g, target) >= params[pl.PDP_FLYAWAY_CUTOFF_M]
    ):
        new = pl.PD_BALLISTIC
    if new != mode:
        t = 0.0

    if new == pl.PD_APPROACH:
        a = polynomial_accel(r, v, r_f, v_f, tau)
        tx, ty, tz, _ = thrust_from_accel(a, g, up, mass_kg, t_min8, t_max8, tilt)
    elif pl.PD_CONSTANT_VELOCITY <= new <= pl.PD_CONSTANT_DECEL:
        a = _terminal_accel(new, h, hdot, r, v, up, target, params, 0.0)
        tx, ty, tz, _ = thrust_from_accel(a, g, up, mass_kg, t_min8, t_max8, tilt)
    elif new == pl.PD_SKY_CRANE or new == pl.PD_TOUCHDOWN_CONFIRM:
        a = _terminal_accel(new, h, hdot, r, v, up, target, params, v_int_m)
        tx, ty, tz, _ = thrust_from_accel(a, g, up, mass_kg, t_min4, t_max4, tilt)
    elif new == pl.PD_FLYAWAY:
        tx, ty, tz = flyaway_thrust(t, v, up, g, mass_kg, fly_dir, params)
    else:
        tx, ty, tz = 0.0, 0.0, 0.0
    return new, tx, ty, tz


@numba.njit(**SCALAR)
def touchdown_window_open(t_mode_s: float, params) -> bool:
    """Return whether the touchdown detector is armed, ``t_mode_s`` s into the sky crane.

    Armed once ``td_window_frac`` of the expected lowering time
    (h_sc - bridle) / v_sc has passed (GUIDANCE.md 3.3: enabled only in a
    window around the expected touchdown time, R).
    """
    expected_s = (params[pl.PDP_SC_HEIGHT_M] - params[pl.PDP_BRIDLE_M]) / max(
        params[pl.PDP_SC_SPEED_M_S], _TINY
    )
    return t_mode_s >= params[pl.PDP_TD_WINDOW_FRAC] * expected_s


@numba.njit(**STEP_PATH)
def touchdown_detector(
    filtered_thrust_frac: float, dt_s: float, timer_s: float, threshold: float, persistence_s: float
) -> tuple:
    """Persistence filter declaring touchdown (GUIDANCE.md 3.3; [3]_).

    Parameters
    ----------
    filtered_thrust_frac : float
        Commanded thrust over the pre-touchdown hover thrust (the weight of
        descent stage plus rover), low-pass filtered by the caller.
    dt_s, timer_s : float
        Time since the previous call; time the fraction has stayed below
        ``threshold`` (0 initially), s.
    threshold, persistence_s : float
        Fraction of hover thrust (0.6, R) and time below it that declares
        touchdown (R: 0.5-1 s), s.

    Returns
    -------
    tuple
        ``(timer_s', detected)``: the timer grows by ``dt_s`` while the
        fraction is below the threshold and resets to 0 otherwise;
        ``detected`` once it reaches ``persistence_s``.
    """
    timer = timer_s + dt_s if filtered_thrust_frac < threshold else 0.0
    return timer, timer >= persistence_s


@numba.njit(**STEP_PATH)
def flyaway_direction(azimuth_rad: float, up: tuple, pole: tuple) -> tuple:
    """Return the unit horizontal direction at ``azimuth_rad`` clockwise from north.

    east = pole x up / |pole x up|, north = up x east,
    d = cos(az) north + sin(az) east. ``pole`` is the planet's spin axis in the
    same frame (``(0, 0, 1)`` planet-fixed). At a pole, where east is
    undefined, a fixed horizontal axis stands in for east.
    """
    east = _cross(pole, up)
    n = math.sqrt(_dot(east, east))
    if n < 1e-9:
        ref = (1.0, 0.0, 0.0) if abs(up[0]) < 0.9 else (0.0, 1.0, 0.0)
        east = _comb(1.0, ref, -_dot(ref, up), up)
        n = math.sqrt(_dot(east, east))
    east = _comb(1.0 / n, east, 0.0, east)
    return _comb(math.cos(azimuth_rad), _cross(up, east), math.sin(azimuth_rad), east)


@numba.njit(**SCALAR)
def flyaway_impact_distance_m(r: tuple, v: tuple, up: tuple, g: tuple, target: tuple) -> float:
    """Return how far from ``target`` the stage would hit the ground if its engines stopped now, m.

    Parameters
    ----------
    r, v : tuple of float
        Navigated descent-stage position (m) and velocity (m/s).
    up, g : tuple of float
        Local vertical at the target (unit) and gravity (m/s^2).
    target : tuple of float
        The point on the ground the rover touched (m).

    Returns
    -------
    float
        |e_h + v_h t_f|: the horizontal offset e_h from the target plus the
        horizontal velocity v_h carried over the fall time
        t_f = (hdot + sqrt(hdot^2 + 2 |g| h)) / |g| from the height h above the
        target with vertical speed hdot (positive up). A vacuum ballistic
        prediction over a flat ground level with the rover (E): flight software
        knows neither the terrain nor the stage's drag, which at the
        flyaway's <= 60 m/s over a ~4 s fall shortens the range by a few per
        cent. Below the target's level t_f = 0.
    """
    d = _comb(1.0, r, -1.0, target)
    h = _dot(d, up)
    hdot = _dot(v, up)
    g_mag = max(math.sqrt(_dot(g, g)), _TINY)
    t_f = max((hdot + math.sqrt(max(hdot * hdot + 2.0 * g_mag * h, 0.0))) / g_mag, 0.0)
    e_h = _comb(1.0, d, -h, up)
    v_h = _comb(1.0, v, -hdot, up)
    p = _comb(1.0, e_h, t_f, v_h)
    return math.sqrt(_dot(p, p))


@numba.njit(**SCALAR)
def flyaway_thrust(
    t_since_cut_s: float,
    v: tuple,
    up: tuple,
    g: tuple,
    mass_kg: float,
    direction: tuple,
    params,
) -> tuple:
    """Return the flyaway thrust vector, N (GUIDANCE.md 3.3).

    Parameters
    ----------
    t_since_cut_s : float
        Time since the bridles were cut, s.
    v, up, g : tuple of float
        Descent-stage velocity (m/s), local vertical (unit), gravity (m/s^2).
    mass_kg : float
        Descent-stage mass, kg.
    direction : tuple of float
        Unit horizontal flyaway direction (:func:`flyaway_direction`).
    params : numpy.ndarray
        ``PDP_*`` vector.

    Returns
    -------
    tuple of float
        ``(T_x, T_y, T_z)``. The vertical thrust acceleration is
        a_v = k_w |g| + k_v max(-hdot, 0) (at or slightly above weight, k_w =
        1.05, plus a term that arrests any sink). For ``flyaway_climb_s`` the
        thrust is vertical with the magnitude of the pitched phase,
        a_v / cos(pitch), so the stage throttles up and climbs; after that it
        tilts ``pitch`` (45 deg) toward ``direction`` with the horizontal part
        a_v tan(pitch). The magnitude is clipped to the sky-crane engines'
        limits. The burn ends in :func:`powered_descent_step`: at the
        cut-off distance of the predicted impact, or when the propellant is
        gone if that comes first (or no cut-off is set).
    """
    g_mag = math.sqrt(_dot(g, g))
    hdot = _dot(v, up)
    pitch = params[pl.PDP_FLYAWAY_PITCH_RAD]
    a_v = params[pl.PDP_FLYAWAY_WEIGHT_FACTOR] * g_mag + params[pl.PDP_KV_VERT_S] * max(-hdot, 0.0)
    if t_since_cut_s < params[pl.PDP_FLYAWAY_CLIMB_S]:
        a_up = a_v / max(math.cos(pitch), _TINY)
        a_h = 0.0
    else:
        a_up = a_v
        a_h = a_v * math.tan(pitch)
    a_mag = max(math.sqrt(a_up * a_up + a_h * a_h), _TINY)
    t_min, t_max = thrust_limits(params[pl.PDP_N_ENGINES_SKY_CRANE], params)
    k = min(max(mass_kg * a_mag, t_min), t_max) / a_mag
    return _comb(k * a_up, up, k * a_h, direction)
