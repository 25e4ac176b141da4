"""Navigation errors as flown (skycrane.propagate.navigation), against analytic solutions.

* The IMU error model's growth against the closed-form solutions of the
  inertial error equations (Titterton & Weston, *Strapdown Inertial
  Navigation Technology*, 2004, sec. 12.3): a vertical accelerometer bias
  diverges in the vertical channel, e = b / (2 n^2) (cosh(sqrt(2) n t) - 1);
  an attitude error under a constant specific force a gives a horizontal
  error e = theta a / n^2 (1 - cos n t) (Schuler), n^2 = mu / r^3. At the
  pole neither is coupled by the planet's rotation to first order.
* The radar blend over n measurements against the moments of n first-order
  updates e <- (1 - k) e + k m, m ~ N(0, sigma^2): mean (1 - k)^n e0,
  variance sigma^2 k (1 - (1 - k)^2n) / (2 - k).
* The sensor-noise stream: standard normal, reproducible, and a case's seed
  depends on (seed, case) only (so not on the batch or the workers).
* The LVS fix: inside its envelope the horizontal error becomes the fix's,
  the vertical one stays; outside it nothing changes (GUIDANCE.md 3.4).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.contract import layout as L
from skycrane.dispersions.cases import noise_seeds
from skycrane.missions.loader import load_mission
from skycrane.planets.constants import PC_MU
from skycrane.planets.gravity import gravity_j2
from skycrane.propagate import navigation as nav


@pytest.fixture(scope="module")
def planet():
    return np.ascontiguousarray(load_mission("m2020").planet.kernel_constants(), dtype=float)


def _at_pole(planet, height_m=10_000.0):
    """A state at rest above the north pole and the dy/dt of free fall there (no specific force)."""
    r = 3_376_200.0 + height_m
    y = np.zeros(L.N_STATE)
    y[2] = r
    f = np.zeros(L.N_STATE)
    f[3:6] = gravity_j2(0.0, 0.0, r, planet[0], planet[1], planet[3])
    return y, f, planet[PC_MU] / r**3


def _fresh():
    p, mem = np.zeros(L.N_PARAMS), np.zeros(L.N_MEM)
    mem[L.M_NAV_T] = 0.0
    return p, mem


def test_vertical_bias_grows_as_the_vertical_channel(planet):
    """100 micro-g up for 300 s: the analytic vertical-channel divergence to 1e-4."""
    y, f, n2 = _at_pole(planet)
    p, mem = _fresh()
    b = 100e-6 * 9.80665
    p[L.P_ACC_BIAS_Z] = b
    dt, t_end = 0.05, 300.0
    for k in range(1, round(t_end / dt) + 1):
        nav.propagate_errors(k * dt, y, f, p, mem, planet)
    exact = b / (2.0 * n2) * (math.cosh(math.sqrt(2.0 * n2) * t_end) - 1.0)
    assert mem[L.M_NAV_Z] == pytest.approx(exact, rel=1e-4)
    assert exact > 1.001 * 0.5 * b * t_end**2  # the gravity feedback is visible
    assert abs(mem[L.M_NAV_X]) + abs(mem[L.M_NAV_Y]) < 1e-12


def test_attitude_error_under_thrust_grows_as_schuler(planet):
    """0.05 deg about x under 20 m/s^2 up for 120 s: theta a / n^2 (1 - cos n t) to 1e-3."""
    y, f, n2 = _at_pole(planet)
    f[5] += 20.0  # the engines' specific force, up
    p, mem = _fresh()
    theta = math.radians(0.05)
    p[L.P_IMU_ATT_X] = theta
    dt, t_end = 0.05, 120.0
    for k in range(1, round(t_end / dt) + 1):
        nav.propagate_errors(k * dt, y, f, p, mem, planet)
    exact = theta * 20.0 / n2 * (1.0 - math.cos(math.sqrt(n2) * t_end))
    horizontal = math.hypot(mem[L.M_NAV_X], mem[L.M_NAV_Y])
    assert horizontal == pytest.approx(exact, rel=1e-3)
    assert mem[L.M_NAV_Y] < 0.0  # theta x up = -y


def test_first_update_only_starts_the_clock(planet):
    """The initial knowledge errors hold at the first navigation update."""
    y, f, _ = _at_pole(planet)
    p, mem = _fresh()
    mem[L.M_NAV_T] = math.nan
    mem[L.M_NAV_VEL_X] = 0.3
    p[L.P_ACC_BIAS_X] = 1e-3
    nav.propagate_errors(12.0, y, f, p, mem, planet)
    assert (mem[L.M_NAV_T], mem[L.M_NAV_X], mem[L.M_NAV_VEL_X]) == (12.0, 0.0, 0.3)


def test_radar_blend_has_the_moments_of_n_filter_updates():
    """4,000 cases, 1 s at 20 Hz, tau 1 s: mean and spread of the velocity and altitude errors."""
    n_cases, rate, tau, dt = 4000, 20.0, 1.0, 1.0
    sig_v, frac, height = 0.1, 0.0067, 500.0
    e0_v, e0_h = 0.4, 30.0
    y = np.zeros(L.N_STATE)
    y[2] = 3_376_700.0
    out_v, out_h = np.empty(n_cases), np.empty(n_cases)
    for case in range(n_cases):
        p, mem = _fresh()
        p[L.P_TDS_RATE_HZ], p[L.P_TDS_TAU_S] = rate, tau
        p[L.P_TDS_VEL_NOISE_M_S], p[L.P_TDS_ALT_NOISE_FRAC] = sig_v, frac
        p[L.P_NAV_SEED] = 1000 + case
        mem[L.M_NAV_VEL_X], mem[L.M_NAV_Z] = e0_v, e0_h
        nav.radar_update(dt, y, height, 0.0, p, mem)
        out_v[case], out_h[case] = mem[L.M_NAV_VEL_X], mem[L.M_NAV_Z]
    k = 1.0 - math.exp(-1.0 / (rate * tau))
    n = rate * dt
    a = (1.0 - k) ** n
    spread = math.sqrt(k * (1.0 - a * a) / (2.0 - k))
    for got, e0, sigma in ((out_v, e0_v, sig_v), (out_h, e0_h, frac * height)):
        sd = sigma * spread
        assert got.mean() == pytest.approx(a * e0, abs=4.0 * sd / math.sqrt(n_cases))
        assert got.std() == pytest.approx(sd, rel=4.0 / math.sqrt(2.0 * n_cases))


def test_radar_makes_the_navigated_altitude_one_above_the_ground_below():
    """Invariant: with no noise the altitude error relaxes as exp(-t / tau) toward minus the
    ground's height above the site, so the navigated altitude over ground 12 m above the site
    ends 12 m under the true one (the radar measures the ground it will land on)."""
    y = np.zeros(L.N_STATE)
    y[2] = 3_376_700.0
    p, mem = _fresh()
    p[L.P_TDS_RATE_HZ], p[L.P_TDS_TAU_S] = 20.0, 1.0
    mem[L.M_NAV_Z] = 30.0
    nav.radar_update(2.0, y, 500.0, 12.0, p, mem)
    assert mem[L.M_NAV_Z] == pytest.approx(-12.0 + (30.0 + 12.0) * math.exp(-2.0), rel=1e-12)
    assert mem[L.M_NAV_X] == mem[L.M_NAV_Y] == 0.0


def test_noise_stream_is_standard_normal_and_reproducible():
    draws = np.array([nav.noise_normal(12345, j) for j in range(20_000)])
    assert abs(draws.mean()) < 4.0 / math.sqrt(draws.size)
    assert draws.std() == pytest.approx(1.0, rel=4.0 / math.sqrt(2.0 * draws.size))
    assert nav.noise_normal(12345, 17) == draws[17]
    assert nav.noise_normal(12346, 17) != draws[17]


def test_noise_seed_depends_on_the_case_only():
    """Case 7's seed is the same drawn alone, in a chunk, or in the whole run."""
    full = noise_seeds(3, np.arange(20))
    assert noise_seeds(3, np.array([7]))[0] == full[7]
    np.testing.assert_array_equal(noise_seeds(3, np.arange(5, 12)), full[5:12])
    assert len(set(full)) == full.size
    assert np.all(full < 2.0**53) and np.all(full == np.floor(full))


def test_lvs_fix_inside_and_outside_its_envelope():
    """At 90 m/s down the fix replaces the horizontal error; at 130 m/s down it does not."""
    y = np.zeros(L.N_STATE)
    y[0] = 3_380_000.0  # on the x axis: up = x
    p, mem = _fresh()
    p[L.P_TRN_Y], p[L.P_TRN_Z] = 12.0, -7.0
    for vdown, fixed in ((90.0, True), (130.0, False)):
        y[3] = -vdown
        mem[L.M_NAV_X : L.M_NAV_Z + 1] = (40.0, 800.0, -900.0)
        nav.navigation_event(L.NAV_TERRAIN, 0.0, y, p, mem)
        expect = (40.0, 12.0, -7.0) if fixed else (40.0, 800.0, -900.0)
        np.testing.assert_allclose(mem[L.M_NAV_X : L.M_NAV_Z + 1], expect)
        assert mem[L.M_LVS_FIX] == (1.0 if fixed else -1.0)


def test_height_trigger_sees_the_radar_blend_between_updates():
    """After the radar's lock the navigated height's error relaxes as exp(-dt / tau) between
    updates toward minus the ground's height above the site (the blend's expected value, as
    radar_update); before the lock it is held."""
    from skycrane.propagate.events import navigated_height_error_m

    y = np.zeros(L.N_STATE)
    y[2] = 3_380_000.0
    aux = np.zeros(L.N_AUX)
    p, mem = _fresh()
    p[L.P_TDS_TAU_S] = 1.0
    p[L.P_GROUND_ALT_M], aux[L.A_GROUND_ALT_M] = -2550.0, -2538.0  # ground 12 m above the site
    mem[L.M_NAV_T], mem[L.M_NAV_Z] = 10.0, 400.0
    assert navigated_height_error_m(15.0, y, aux, p, mem) == 400.0
    mem[L.M_TDS_LOCK] = 1.0
    expect = -12.0 + (400.0 + 12.0) * math.exp(-5.0)
    assert navigated_height_error_m(15.0, y, aux, p, mem) == pytest.approx(expect, rel=1e-12)
    assert navigated_height_error_m(10.0, y, aux, p, mem) == 400.0
