"""The integrator's parts against analytic solutions and convergence orders.

* The closed-form bank response against a numerical solution of its ODE
  (analytic reference: scipy's solve_ivp at rtol 1e-11).
* Bogacki–Shampine 3(2) steps: local error of order 4 in the step length,
  error estimate of order 3 (Bogacki & Shampine 1989), on the real equations
  of motion (thrusting, above the atmosphere).
* The Dormand–Prince continuous extension: 5th-order local error at mid-step
  (Hairer, Nørsett & Wanner I, sec. II.6), exact at both ends.
* A guidance cycle's derivative update equals a new right-hand side to rounding.
* The inner stages' derivative-only right-hand side equals the full one to the bit.
* The atmosphere's direct grid index gives what binary search gives.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from skycrane.atmosphere.table import atmosphere_at, density_and_sound_at
from skycrane.contract import layout as L
from skycrane.missions.loader import load_mission
from skycrane.propagate.dynamics import rhs, rhs_stage, thrust_terms, update_commands
from skycrane.propagate.integrator import bs_step, dense_coefficients, dense_state, dp_step
from skycrane.sequence.build import build_batch
from skycrane.vehicle.bank import bank_response, saturation_end_s

TAU_S = 1.5
RATE_MAX = math.radians(20.0)


def _ode_bank(s_end, bank0, cmd):
    def f(_t, b):
        e = (cmd - b[0] + math.pi) % (2.0 * math.pi) - math.pi
        return [min(max(e / TAU_S, -RATE_MAX), RATE_MAX)]

    sol = solve_ivp(f, (0.0, s_end), [bank0], rtol=1e-11, atol=1e-13, max_step=0.01)
    return sol.y[0, -1]


@pytest.mark.parametrize(
    ("bank0", "cmd"),
    [
        (0.3, 1.2),  # saturates, then decays
        (1.2, 1.1),  # never saturates
        (math.radians(60.0), math.radians(-60.0)),  # a reversal through lift-up
        (math.radians(170.0), math.radians(-170.0)),  # the short way, across +-180 deg
    ],
)
def test_bank_response_solves_its_ode(bank0, cmd):
    """Analytic reference: the closed form equals the integrated rate-limited lag."""
    for s in (0.0, 0.4, 1.7, 4.0, 9.0):
        got, _rate = bank_response(s, bank0, cmd, TAU_S, RATE_MAX)
        want = bank0 if s == 0.0 else _ode_bank(s, bank0, cmd)
        assert got == pytest.approx(want, abs=1e-8)


def test_bank_response_rate_is_the_derivative_and_limited():
    """Invariant: the returned rate is d(bank)/ds, never above the roll-rate limit."""
    bank0, cmd, ds = 0.1, 2.0, 1e-6
    for s in np.linspace(0.0, 8.0, 33):
        b_lo, _ = bank_response(s, bank0, cmd, TAU_S, RATE_MAX)
        b_hi, _ = bank_response(s + ds, bank0, cmd, TAU_S, RATE_MAX)
        _, rate = bank_response(s + 0.5 * ds, bank0, cmd, TAU_S, RATE_MAX)
        assert (b_hi - b_lo) / ds == pytest.approx(rate, rel=1e-5, abs=1e-9)
        assert abs(rate) <= RATE_MAX * (1.0 + 1e-12)


def test_saturation_end_is_where_the_rate_limit_lets_go():
    """Analytic: t_s = (|e0| - tau R) / R after the command; -inf when never saturated."""
    p = np.zeros(L.N_PARAMS)
    p[L.P_BANK_TAU_S] = TAU_S
    p[L.P_BANK_RATE_MAX] = RATE_MAX
    mem = np.zeros(L.N_MEM)
    mem[L.M_GUIDANCE] = L.GUID_ENTRY
    mem[L.M_BANK0], mem[L.M_BANK_CMD], mem[L.M_BANK_T0] = 0.2, 1.4, 10.0
    t_s = saturation_end_s(p, mem)
    assert t_s == pytest.approx(10.0 + (1.2 - TAU_S * RATE_MAX) / RATE_MAX, rel=1e-12)
    mem[L.M_BANK_CMD] = 0.3
    assert saturation_end_s(p, mem) == -math.inf


@pytest.fixture(scope="module")
def flight_state():
    """Mars 2020 at cruise-stage separation (1,600 km up), rolling and thrusting.

    Above the atmosphere table the equations are smooth (in it, ln rho is
    linear between 100 m nodes, so the right-hand side has a kink at each
    node and no step sequence shows its method's order).
    """
    batch = build_batch(load_mission("m2020"), 1, record_trajectory=False)
    t = float(np.ravel(batch.t0_s)[0])
    y = batch.y0[0].copy()
    p = batch.params[0].copy()
    mem = batch.mem0[0].copy()
    mem[L.M_GUIDANCE] = L.GUID_ENTRY
    mem[L.M_BANK_CMD] = y[L.S_BANK] + 0.1  # within the linear range: a smooth roll
    mem[L.M_BANK0] = y[L.S_BANK]
    mem[L.M_BANK_T0] = t
    mem[L.M_ENGINES_ON] = 1.0
    mem[L.M_THRUST_X : L.M_THRUST_Z + 1] = (2.0e4, -1.0e4, 1.5e4)
    return t, y, p, mem, batch.model


def _fine(t, y, p, mem, model, h, n=64):
    """Reference solution: n Dormand–Prince sub-steps."""
    k = np.empty((6, L.N_STATE))
    f = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)
    cur = y.copy()
    nxt = np.empty_like(cur)
    f_n = np.empty_like(cur)
    for i in range(n):
        rhs(t + i * h / n, cur, p, mem, model, f, aux)
        dp_step(t + i * h / n, cur, f, h / n, p, mem, model, k, nxt, f_n, aux)
        cur[:] = nxt
    return cur


def _scaled(v):
    return np.concatenate([v[:3] / 1e3, v[3:6], v[L.S_MASS : L.S_MASS + 1]])


def _step_buffers(t, y, p, mem, model):
    """The derivative at (t, y) and the work arrays a step writes: f, aux, k, y_new, f_new."""
    f = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)
    rhs(t, y, p, mem, model, f, aux)
    return f, aux, np.empty((6, L.N_STATE)), np.empty(L.N_STATE), np.empty(L.N_STATE)


def test_bogacki_shampine_orders(flight_state):
    """Convergence: local error ~ h^4 (3rd-order method), error estimate ~ h^3."""
    t, y, p, mem, model = flight_state
    f, aux, k, y_new, f_new = _step_buffers(t, y, p, mem, model)
    errs, ests = [], []
    hs = np.array([80.0, 40.0, 20.0])
    for h in hs:
        bs_step(t, y, f, h, p, mem, model, k, y_new, f_new, aux)
        errs.append(np.linalg.norm(_scaled(y_new - _fine(t, y, p, mem, model, h))))
        ests.append(np.linalg.norm(_scaled(k[0])))
    order_err = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    order_est = np.log2(np.array(ests[:-1]) / np.array(ests[1:]))
    assert np.all(order_err > 3.5), (order_err, errs)
    assert np.all(order_est > 2.5), order_est


def test_dense_output_order_and_ends(flight_state):
    """Convergence: DOPRI5's extension at mid-step errs ~ h^5; it is exact at both ends."""
    t, y, p, mem, model = flight_state
    f, aux, k, y_new, f_new = _step_buffers(t, y, p, mem, model)
    rc = np.empty((5, L.N_STATE))
    mid = np.empty(L.N_STATE)
    errs = []
    for h in (160.0, 80.0, 40.0):
        dp_step(t, y, f, h, p, mem, model, k, y_new, f_new, aux)
        dense_coefficients(True, y, y_new, f, f_new, k, h, rc)
        dense_state(rc, 0.0, mid)
        np.testing.assert_array_equal(mid, y)
        dense_state(rc, 1.0, mid)
        np.testing.assert_allclose(mid, y_new, rtol=1e-15, atol=1e-9)
        dense_state(rc, 0.5, mid)
        errs.append(np.linalg.norm(_scaled(mid - _fine(t, y, p, mem, model, 0.5 * h))))
    order = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all(order > 4.3), (order, errs)


@pytest.mark.parametrize("burn_n", [0.0, 2.5e4])
def test_update_commands_equals_a_new_rhs(flight_state, burn_n):
    """Invariant: patching the thrust and bank terms gives the full right-hand side, with
    or without an orbital burn under way (which the patch leaves in place)."""
    t, y, p, mem, model = flight_state
    mem = mem.copy()
    mem[L.M_ENGINES_ON] = 1.0
    mem[L.M_THRUST_X : L.M_THRUST_Z + 1] = (1.0e4, -2.0e4, 3.0e4)
    mem[L.M_BURN_THRUST_N] = burn_n
    mem[L.M_BURN_ISP_S] = 290.0
    f = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)
    rhs(t, y, p, mem, model, f, aux)
    ax, ay, az, thrust, dm = thrust_terms(y, p, mem)
    before = np.array([ax, ay, az, dm, thrust])
    mem[L.M_THRUST_X : L.M_THRUST_Z + 1] = (-5.0e3, 1.0e4, 2.5e4)
    mem[L.M_BANK_CMD] = -0.7
    mem[L.M_BANK0] = y[L.S_BANK]
    mem[L.M_BANK_T0] = t
    update_commands(t, y, p, mem, before, f, aux)
    f_new = np.empty(L.N_STATE)
    aux_new = np.empty(L.N_AUX)
    rhs(t, y, p, mem, model, f_new, aux_new)
    np.testing.assert_allclose(f, f_new, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(aux, aux_new, rtol=1e-12, atol=1e-12)


def _lowered(y, model, height_m, speed_m_s):
    """The state moved to ``height_m`` over the equatorial radius, flying down at ``speed_m_s``."""
    y = y.copy()
    up = y[:3] / np.linalg.norm(y[:3])
    y[:3] = up * (model[0][1] + height_m)
    y[3:6] = -speed_m_s * up + np.cross([0.0, 0.0, 1.0], up) * 0.3 * speed_m_s
    return y


@pytest.mark.parametrize("phase", ["above", "entry", "hanging", "touched"])
def test_rhs_stage_is_the_derivative_of_rhs(flight_state, phase):
    """Invariant: the inner stages' right-hand side (no derived quantities) is rhs's
    derivative to the bit, in every branch a landing takes: above the atmosphere, in it
    with lift, the rover hanging on stretched bridles, and the rover on the ground."""
    t, y, p, mem, model = flight_state
    mem = mem.copy()
    if phase == "entry":
        y = _lowered(y, model, 30.0e3, 3000.0)
        mem[L.M_ENGINES_ON] = 0.0
    elif phase in ("hanging", "touched"):
        y = _lowered(y, model, 0.0, 0.75)
        y[L.S_ROVER_DROP_M] = p[L.P_PD0 + L.PDP_BRIDLE_M] + 0.07
        y[L.S_ROVER_DROP_RATE_M_S] = 0.02
        mem[L.M_BRIDLES_OUT] = 1.0
        mem[L.M_TOUCHED] = 1.0 if phase == "touched" else 0.0
    f = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)
    rhs(t, y, p, mem, model, f, aux)
    f_stage = np.full(L.N_STATE, np.nan)
    rhs_stage(t, y, p, mem, model, f_stage)
    assert np.all(np.isfinite(f))
    if phase in ("entry", "hanging"):
        assert aux[L.A_DYN_PRESSURE_PA] > 0.0
    if phase == "hanging":
        assert aux[L.A_BRIDLE_TENSION_N] > 0.0
    np.testing.assert_array_equal(f_stage, f)


@pytest.mark.parametrize("uniform", [True, False])
def test_density_and_sound_match_the_full_lookup(uniform):
    """Invariant: the direct index and the two-exponential sound speed match atmosphere_at."""
    rng = np.random.default_rng(3)
    if uniform:
        h_tab = np.linspace(0.0, 50e3, 501)
    else:
        h_tab = np.concatenate([[0.0], np.sort(rng.uniform(1.0, 50e3, 300)), [50e3 + 1.0]])
    ln_rho = -h_tab / 11e3 + rng.normal(0.0, 0.01, h_tab.size)
    ln_p = 6.5 - h_tab / 11.5e3
    temp = 210.0 - h_tab / 1e3
    for h in np.concatenate([rng.uniform(-5e3, 60e3, 400), h_tab[::37]]):
        rho, _p, _t, a = atmosphere_at(h, h_tab, ln_rho, ln_p, temp, 1.29)
        rho2, a2 = density_and_sound_at(h, h_tab, ln_rho, ln_p, 1.29)
        assert rho2 == pytest.approx(rho, rel=1e-13)
        assert a2 == pytest.approx(a, rel=1e-13)
    assert all(math.isnan(v) for v in density_and_sound_at(math.nan, h_tab, ln_rho, ln_p, 1.29))
