"""Unit tests of the compiled powered-descent laws, each against a closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.contract import layout as pl
from skycrane.guidance import powered as pd
from skycrane.missions.loader import load_mission
from skycrane.sequence.pack import pd_block

UP = (0.0, 0.0, 1.0)
GRAV = (0.0, 0.0, -3.71)
M2020 = load_mission("m2020")
PARAMS = pd_block(M2020)
T8 = (8 * 3.1e3 * 0.13, 8 * 3.1e3)


def _norm(v):
    return math.sqrt(sum(x * x for x in v))


def test_layout_is_complete():
    """Every parameter is named, modes run in flight order (GUIDANCE.md 3.1, 3.3)."""
    assert len(pl.PDP_NAMES) == pl.N_PD_PARAMS == PARAMS.size
    assert len(pl.PD_MODE_NAMES) == pl.N_PD_MODES
    order = [
        pl.PD_FREE_FALL,
        pl.PD_APPROACH,
        pl.PD_CONSTANT_VELOCITY,
        pl.PD_CONSTANT_DECEL,
        pl.PD_SKY_CRANE,
        pl.PD_TOUCHDOWN_CONFIRM,
        pl.PD_FLYAWAY,
        pl.PD_BALLISTIC,
    ]
    assert order == list(range(pl.N_PD_MODES))
    for i, name in enumerate(pl.PDP_NAMES):
        assert getattr(pl, "PDP_" + name.upper()) == i
    # E: the constant deceleration starts below the waypoint (a constant-velocity leg exists)
    assert 20.0 < pd.constant_decel_height(PARAMS) < PARAMS[pl.PDP_WAYPOINT_HEIGHT_M]


def _plan(r0, v0, r_f, v_f, tau):
    """Linear-acceleration plan a(t) = a0 + c t meeting r(tau) = r_f, v(tau) = v_f (E)."""
    a0 = np.array(pd.polynomial_accel(tuple(r0), tuple(v0), tuple(r_f), tuple(v_f), tau))
    c = 2.0 * ((v_f - v0) - a0 * tau) / tau**2

    def state(t):
        return (
            r0 + v0 * t + a0 * t**2 / 2 + c * t**3 / 6,
            v0 + a0 * t + c * t**2 / 2,
            a0 + c * t,
        )

    return state


def test_polynomial_law_is_exact_for_a_double_integrator():
    """a(0) = 6 dr/tau^2 - 2 dv/tau meets the boundary and is self-consistent.

    Reference: GUIDANCE.md 3.2 (E); Singh, San Martin & Wong 2007. The plan
    started from a(0) ends exactly at (r_f, v_f), and the law recomputed from
    any state on the plan with the time to go shrunk returns the plan's own
    acceleration, so the recomputed law flies the plan exactly.
    """
    r0 = np.array([0.0, 0.0, 2009.0])
    v0 = np.array([30.0, -10.0, -92.7])
    r_f = np.array([300.0, 100.0, 100.0])
    v_f = np.array([0.0, 0.0, -20.0])
    tau = 34.0
    state = _plan(r0, v0, r_f, v_f, tau)
    r_end, v_end, _ = state(tau)
    np.testing.assert_allclose(r_end, r_f, atol=1e-9)
    np.testing.assert_allclose(v_end, v_f, atol=1e-11)
    for t in np.linspace(0.0, tau - 0.5, 12):
        r, v, a = state(t)
        got = pd.polynomial_accel(tuple(r), tuple(v), tuple(r_f), tuple(v_f), tau - t)
        np.testing.assert_allclose(got, a, rtol=1e-9, atol=1e-10)


def test_polynomial_law_closed_loop_rk4():
    """Recomputed at each RK4 stage, the law lands a double integrator on (r_f, v_f).

    Reference: GUIDANCE.md 3.2 (E). With continuous feedback the state stays
    on the open-loop plan (RK4 truncation only) down to tau = 0.01 s, where the
    plan's last 0.01 s of flight closes the gap to r_f and v_f.
    """
    r_f = np.array([300.0, 100.0, 100.0])
    v_f = np.array([0.0, 0.0, -20.0])
    tau = 34.0
    y0 = np.array([0.0, 0.0, 2009.0, 30.0, -10.0, -92.7])
    plan = _plan(y0[:3], y0[3:], r_f, v_f, tau)

    def f(t, y):
        a = pd.polynomial_accel(tuple(y[:3]), tuple(y[3:]), tuple(r_f), tuple(v_f), tau - t)
        return np.concatenate((y[3:], a))

    def rk4(y, t0, t1, n):
        h = (t1 - t0) / n
        for k in range(n):
            t = t0 + k * h
            k1 = f(t, y)
            k2 = f(t + h / 2, y + h / 2 * k1)
            k3 = f(t + h / 2, y + h / 2 * k2)
            k4 = f(t + h, y + h * k3)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        return y

    y = rk4(y0, 0.0, tau - 1.0, 1650)
    r_plan, v_plan, _ = plan(tau - 1.0)
    np.testing.assert_allclose(y[:3], r_plan, atol=1e-6)
    np.testing.assert_allclose(y[3:], v_plan, atol=1e-6)
    y = rk4(y, tau - 1.0, tau - 0.01, 500)
    r_plan, v_plan, a_plan = plan(tau - 0.01)
    np.testing.assert_allclose(y[:3], r_plan, atol=1e-5)
    np.testing.assert_allclose(y[3:], v_plan, atol=1e-4)
    # and the plan's last 0.01 s closes the gap
    np.testing.assert_allclose(y[:3] + 0.01 * y[3:], r_f, atol=1e-3)
    np.testing.assert_allclose(y[3:] + 0.01 * a_plan, v_f, atol=1e-4)


def test_time_to_go_start_value_and_lengthening():
    """tau = 2 h_togo / (|hdot| + |hdot_f|), lengthened until m|a_T| <= 0.8 T_max.

    Reference: GUIDANCE.md 3.2 (E).
    """
    r, v = (0.0, 0.0, 2009.0), (0.0, 0.0, -92.7)
    r_f, v_f = (0.0, 0.0, 100.0), (0.0, 0.0, -20.0)
    tau = pd.time_to_go(1909.0, -92.7, -20.0, r, v, r_f, v_f, GRAV, 2095.0, T8[1], 0.8)
    assert tau == pytest.approx(2 * 1909.0 / (92.7 + 20.0))
    # constant deceleration over the height: a = (hdot_f - hdot) / tau exactly
    assert pd.polynomial_accel(r, v, r_f, v_f, tau)[2] == pytest.approx(72.7 / tau)
    # a much heavier vehicle must stretch tau to respect the 0.8 T_max margin
    heavy = 4000.0
    tau_h = pd.time_to_go(1909.0, -92.7, -20.0, r, v, r_f, v_f, GRAV, heavy, T8[1], 0.8)

    def demand(t):
        a = pd.polynomial_accel(r, v, r_f, v_f, t)
        return heavy * _norm([a[i] - GRAV[i] for i in range(3)])

    assert tau_h > tau
    assert demand(tau_h) <= 0.8 * T8[1]
    assert demand(tau_h / 1.05) > 0.8 * T8[1]


@pytest.mark.parametrize(
    ("a_cmd", "expect"),
    [
        ((0.0, 0.0, 2.0), "pass"),  # feasible: m (a - g) exactly
        ((0.0, 0.0, 30.0), "max"),  # more than the engines give
        ((0.0, 0.0, -3.0), "min"),  # almost free fall: minimum throttle
        ((20.0, 0.0, 0.0), "tilt"),  # sideways demand beyond 45 deg
        ((0.0, 3.0, -6.0), "down"),  # pull down and sideways: min thrust at the tilt limit
    ],
)
def test_thrust_from_accel_limits(a_cmd, expect):
    """Throttle in [13 %, 100 %] of 8 x 3.1 kN and tilt <= 45 deg from vertical.

    Reference: GUIDANCE.md 3.2 (a_T = a - g, thrust clipped to the throttle
    range, tilt limit 45 deg, R) and 3.1 (engine numbers, S2).
    """
    m = 2095.0
    tilt_max = math.radians(45.0)
    tx, ty, tz, frac = pd.thrust_from_accel(a_cmd, GRAV, UP, m, T8[0], T8[1], tilt_max)
    thrust = _norm((tx, ty, tz))
    tilt = math.acos(tz / thrust)
    assert T8[0] * (1 - 1e-12) <= thrust <= T8[1] * (1 + 1e-12)
    assert frac == pytest.approx(thrust / T8[1])
    assert tilt <= tilt_max + 1e-12
    if expect == "pass":
        assert (tx, ty, tz) == pytest.approx((0.0, 0.0, m * (2.0 + 3.71)))
    elif expect == "max":
        assert thrust == pytest.approx(T8[1])
    elif expect == "min":
        assert (tx, ty, tz) == pytest.approx((0.0, 0.0, T8[0]))
    elif expect == "tilt":
        # vertical part kept (m g), horizontal cut to tan(45 deg) times it
        assert tz == pytest.approx(m * 3.71)
        assert tx == pytest.approx(tz)
    else:
        assert thrust == pytest.approx(T8[0])
        assert tilt == pytest.approx(tilt_max)
        assert ty > 0.0


def test_mass_flow():
    """dm/dt = -T / (Isp g0): 24.8 kN at 220 s burns 11.49 kg/s (GUIDANCE.md 3.1)."""
    assert pd.mass_flow_kg_s(24.8e3, 220.0) == pytest.approx(-24.8e3 / (220.0 * 9.80665))
    assert pd.mass_flow_kg_s(24.8e3, 220.0) == pytest.approx(-11.495, abs=1e-3)
    assert pd.mass_flow_kg_s(0.0, 220.0) == 0.0
    # the usable load: 400 kg loaded less the 4.9 kg trapped (m2020.toml), on 1,070 kg fuelled
    assert pd.propellant_kg(2095.0, True, PARAMS) == pytest.approx(395.1)
    assert pd.propellant_kg(1070.0, False, PARAMS) == pytest.approx(395.1)
    assert pd.propellant_kg(600.0, False, PARAMS) == 0.0


def test_touchdown_detector_timing():
    """Fires once the fraction stays below 0.6 for 0.5 s; shorter dips reset it.

    Reference: GUIDANCE.md 3.3 (thrust below 60 % of hover for 0.5-1 s, R).
    """
    dt = 0.02
    fracs = [1.0] * 50 + [0.4] * 20 + [1.0] * 10 + [0.4] * 40  # 0.4 s dip, then a real drop
    timer, fired = 0.0, None
    for k, frac in enumerate(fracs):
        timer, detected = pd.touchdown_detector(frac, dt, timer, 0.6, 0.5)
        if detected and fired is None:
            fired = k
    drop = 80  # index where the lasting drop starts
    assert fired is not None
    assert (fired - drop + 1) * dt == pytest.approx(0.5)
    expected_s = (20.0 - 7.5) / 0.75
    assert not pd.touchdown_window_open(0.49 * expected_s, PARAMS)
    assert pd.touchdown_window_open(0.51 * expected_s, PARAMS)


def test_flyaway_direction_and_thrust():
    """Azimuth clockwise from north; after the climb, 45 deg tilt with 1.05 m g vertical.

    Reference: GUIDANCE.md 3.3 (climb briefly, pitch over about 45 deg toward
    the azimuth, vertical thrust at or slightly above weight).
    """
    pole = (0.0, 1.0, 0.0)  # north along +y, so east is +x
    assert pd.flyaway_direction(0.0, UP, pole) == pytest.approx((0.0, 1.0, 0.0))
    assert pd.flyaway_direction(math.pi / 2, UP, pole) == pytest.approx((1.0, 0.0, 0.0))
    # at a pole east is undefined: +x stands in for it, north = up x east
    assert pd.flyaway_direction(math.pi / 2, UP, UP) == pytest.approx((1.0, 0.0, 0.0))
    assert pd.flyaway_direction(0.0, UP, UP) == pytest.approx((0.0, 1.0, 0.0), abs=1e-12)
    east = (1.0, 0.0, 0.0)
    m = 780.0
    climb = pd.flyaway_thrust(0.5, (0.0, 0.0, 0.0), UP, GRAV, m, east, PARAMS)
    assert climb == pytest.approx((0.0, 0.0, m * 1.05 * 3.71 / math.cos(math.pi / 4)))
    tx, ty, tz = pd.flyaway_thrust(3.0, (10.0, 0.0, 2.0), UP, GRAV, m, east, PARAMS)
    assert tz == pytest.approx(m * 1.05 * 3.71)
    assert tx == pytest.approx(tz)
    assert ty == 0.0
    sink = pd.flyaway_thrust(3.0, (10.0, 0.0, -2.0), UP, GRAV, m, east, PARAMS)
    assert sink[2] == pytest.approx(m * (1.05 * 3.71 + 2.0))  # arrests a sink
    heavy = pd.flyaway_thrust(3.0, (0.0, 0.0, 0.0), UP, GRAV, 5000.0, east, PARAMS)
    # 4 engines at full throttle, net of their cant (GUIDANCE.md 3.2: n T_eng cos(cant))
    assert _norm(heavy) == pytest.approx(
        4 * 3.1e3 * math.cos(math.radians(M2020.spec.powered_descent.engine_cant_deg))
    )


def test_flyaway_impact_prediction():
    """The flyaway cut-off's predicted impact against the vacuum projectile's closed form.

    Analytic solution: from height z with vertical speed w (up) and horizontal
    velocity u, a projectile in uniform gravity g lands after
    t_f = (w + sqrt(w^2 + 2 g z)) / g at the horizontal offset + u t_f;
    below the ground level it is already down (t_f = 0).
    """
    g = 3.71
    target = (5.0, -3.0, 0.0)
    cases = [  # (position, velocity)
        ((105.0, -3.0, 20.0), (40.0, 0.0, 0.0)),  # level flight 100 m east, 20 m up
        ((5.0, 97.0, 12.0), (-15.0, 30.0, 4.0)),  # climbing, north of the target
        ((-55.0, -3.0, 3.0), (-25.0, 0.0, -6.0)),  # sinking, west
    ]
    for r, v in cases:
        t_f = (v[2] + math.sqrt(v[2] ** 2 + 2.0 * g * r[2])) / g
        x = r[0] - target[0] + v[0] * t_f
        y = r[1] - target[1] + v[1] * t_f
        got = pd.flyaway_impact_distance_m(r, v, UP, (0.0, 0.0, -g), target)
        assert got == pytest.approx(math.hypot(x, y), rel=1e-12)
    below = pd.flyaway_impact_distance_m((8.0, 1.0, -2.0), (30.0, 0.0, -1.0), UP, GRAV, target)
    assert below == pytest.approx(5.0)  # where it is: the 3-4-5 offset


def test_step_transitions():
    """Mode machine transitions of GUIDANCE.md 3.1 at their thresholds."""
    target = (0.0, 0.0, 0.0)
    east = (1.0, 0.0, 0.0)
    m = 2095.0

    def step(mode, t, z, vz, prop=300.0, v_int=0.0):
        return pd.powered_descent_step(
            mode, t, (0.0, 0.0, z), (0.0, 0.0, vz), UP, GRAV, m, prop, target, east, PARAMS, v_int
        )

    assert step(pl.PD_FREE_FALL, 0.5, 2000.0, -90.0) == (pl.PD_FREE_FALL, 0.0, 0.0, 0.0)
    mode, _, _, tz = step(pl.PD_FREE_FALL, 1.0, 2000.0, -90.0)
    assert mode == pl.PD_APPROACH and tz > 0.0
    assert step(pl.PD_APPROACH, 10.0, 125.0, -22.0)[0] == pl.PD_APPROACH  # tau = 2.4 s
    assert step(pl.PD_APPROACH, 10.0, 115.0, -22.0)[0] == pl.PD_CONSTANT_VELOCITY
    h_cd = pd.constant_decel_height(PARAMS)
    assert step(pl.PD_CONSTANT_VELOCITY, 0.0, h_cd + 0.1, -20.0)[0] == pl.PD_CONSTANT_VELOCITY
    assert step(pl.PD_CONSTANT_VELOCITY, 0.0, h_cd - 0.1, -20.0)[0] == pl.PD_CONSTANT_DECEL
    assert step(pl.PD_CONSTANT_DECEL, 0.0, 20.1, -1.0)[0] == pl.PD_CONSTANT_DECEL
    mode, _, _, tz = step(pl.PD_CONSTANT_DECEL, 0.0, 19.9, -0.75)
    assert mode == pl.PD_SKY_CRANE
    assert tz == pytest.approx(m * 3.71)  # on the 0.75 m/s profile: hover thrust
    assert step(pl.PD_SKY_CRANE, 30.0, 7.0, -0.75)[0] == pl.PD_SKY_CRANE  # caller detects
    # the integral term: k_i v_int of extra acceleration, for any mass carried
    ki = PARAMS[pl.PDP_KI_VERT_S2]
    assert step(pl.PD_SKY_CRANE, 1.0, 15.0, -0.75, v_int=-1.0)[3] == pytest.approx(m * (3.71 - ki))
    assert step(pl.PD_TOUCHDOWN_CONFIRM, 1.9, 7.0, -0.75)[0] == pl.PD_TOUCHDOWN_CONFIRM
    # confirmation keeps the sky-crane descent: hover thrust on the 0.75 m/s profile
    assert step(pl.PD_TOUCHDOWN_CONFIRM, 1.9, 7.0, -0.75)[3] == pytest.approx(m * 3.71)
    assert step(pl.PD_TOUCHDOWN_CONFIRM, 2.0, 7.0, -0.75)[0] == pl.PD_FLYAWAY
    assert step(pl.PD_FLYAWAY, 5.0, 50.0, 1.0, prop=0.0) == (pl.PD_BALLISTIC, 0.0, 0.0, 0.0)
    # the engine cut-off: after the climb, the cycle whose predicted impact reaches the
    # preset's cut-off distance stops the engines with propellant left (GUIDANCE.md 3.3)
    cutoff = PARAMS[pl.PDP_FLYAWAY_CUTOFF_M]
    z = 2.0 * 3.71  # falls in 2 s from rest
    t_climb = PARAMS[pl.PDP_FLYAWAY_CLIMB_S]

    def fly(t, x):
        return pd.powered_descent_step(
            pl.PD_FLYAWAY,
            t,
            (x, 0.0, z),
            (10.0, 0.0, 0.0),
            UP,
            GRAV,
            780.0,
            80.0,
            target,
            east,
            PARAMS,
            0.0,
        )[0]

    assert fly(t_climb + 1.0, cutoff - 20.0 - 1e-6) == pl.PD_FLYAWAY
    assert fly(t_climb + 1.0, cutoff - 20.0 + 1e-6) == pl.PD_BALLISTIC
    assert fly(0.5 * t_climb, cutoff) == pl.PD_FLYAWAY  # never during the climb
