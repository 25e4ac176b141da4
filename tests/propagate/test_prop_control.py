"""Step-size control alone (skycrane.propagate.integrator: plan_step, take_step, control_step).

* The step-ratio law of Hairer, Nørsett & Wanner I, sec. II.4 (eq. 4.13), as
  a closed loop: for a local error that scales as h^5 (a 5th-order pair's
  estimate), the step proposed after an acceptance or a rejection has the
  error SAFETY^5 of the tolerance unless a growth or shrink bound holds.
* No growth right after a rejection; a step a breakpoint clipped neither
  lowers nor raises the controller's proposal; a breakpoint ends the step exactly there.
* The error norm is HNW eq. II.4.11 over the flight states (quadratures
  excluded, velocities scaled by the speed), checked against a direct numpy
  evaluation and on a real step, where it scales as h^5.
"""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.contract import layout as L
from skycrane.propagate.bundles import Flight, case_workspace
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.integrator import (
    ACCEPT,
    FAIL,
    H_MIN_S,
    LOW_ORDER_BACKOFF,
    MAX_FACTOR,
    MIN_FACTOR,
    RETRY,
    SAFETY,
    control_step,
    error_norm,
    plan_step,
    take_step,
    use_low_order,
)


@pytest.mark.parametrize("err", [1e-3, 0.05, 0.4, 1.0])
def test_accepted_step_aims_at_safety_tolerance(err):
    """HNW II.4: with err ~ C h^5 the next step's error is SAFETY^5 (uncapped)."""
    h_try = 2.0
    verdict, h_next, just_rejected, _ = control_step(
        err, True, h_try, h_try, False, False, False, 0
    )
    assert verdict == ACCEPT
    assert not just_rejected
    c = err / h_try**5
    assert c * h_next**5 == pytest.approx(SAFETY**5, rel=1e-12)


def test_growth_and_shrink_are_bounded():
    """The step grows at most MAX_FACTOR (err -> 0, or 0) and shrinks at most MIN_FACTOR."""
    for err in (0.0, 1e-12):
        _, h_next, _, _ = control_step(err, True, 1.0, 1.0, False, False, False, 0)
        assert h_next == pytest.approx(MAX_FACTOR, rel=1e-15)
    verdict, h_next, just_rejected, _ = control_step(1e9, True, 1.0, 1.0, False, False, False, 0)
    assert verdict == RETRY and just_rejected
    assert h_next == pytest.approx(MIN_FACTOR, rel=1e-15)


@pytest.mark.parametrize("err", [1.5, 4.0, 50.0, 1e6])
def test_rejected_step_retries_at_safety_tolerance(err):
    """After a rejection the retry's error (err ~ C h^5) is SAFETY^5, or the shrink bound holds."""
    h_try = 3.0
    verdict, h_next, just_rejected, _ = control_step(
        err, True, h_try, h_try, False, False, False, 0
    )
    assert verdict == RETRY and just_rejected
    predicted = err / h_try**5 * h_next**5
    if h_next > MIN_FACTOR * h_try * (1 + 1e-15):
        assert predicted == pytest.approx(SAFETY**5, rel=1e-12)
    else:
        assert predicted > SAFETY**5  # bounded shrink: the retry may be rejected again


def test_no_growth_right_after_a_rejection():
    """HNW II.4: after a rejection the accepted step does not grow, however small its error."""
    _, h_next, just_rejected, _ = control_step(1e-6, True, 1.0, 1.0, False, False, True, 0)
    assert h_next == 1.0 and not just_rejected


def test_clipped_step_keeps_the_controllers_proposal():
    """A step a breakpoint shortened says nothing against the longer step the controller wants."""
    h, h_try = 10.0, 0.5
    _, h_next, _, _ = control_step(0.9, True, h, h_try, True, False, False, 0)
    assert h_next == h
    _, h_next, _, _ = control_step(0.9, True, h, h_try, False, False, False, 0)
    assert h_next < h_try


def test_clipped_step_does_not_raise_the_controllers_proposal():
    """Invariant: a step a breakpoint shortened leaves the proposal as it is when its error is
    small too (extrapolated by err^(-1/5) from the short step it overshot the next full step:
    rejected after every second 8 Hz cycle in the sky crane)."""
    h, h_try = 0.09, 0.04
    _, h_next, _, _ = control_step(1e-3, True, h, h_try, True, False, False, 0)
    assert h_next == h
    _, h_next, _, _ = control_step(1e-3, True, h, h_try, False, False, False, 0)
    assert h_next > h


def test_low_order_rejection_retries_at_fifth_order():
    """A rejected Bogacki–Shampine step is retried at the same length, 5th order, for a while."""
    h, h_try = 8.0, 1.0
    assert use_low_order(h, h_try, True, 0)
    verdict, h_next, just_rejected, low_wait = control_step(
        3.0, True, h, h_try, True, True, False, 0
    )
    assert (verdict, h_next, just_rejected, low_wait) == (RETRY, h, False, LOW_ORDER_BACKOFF)
    assert not use_low_order(h, h_try, True, low_wait)
    # the backoff counts down over accepted 5th-order steps only
    _, _, _, low_wait = control_step(0.1, True, h, h_try, True, False, False, low_wait)
    assert low_wait == LOW_ORDER_BACKOFF - 1
    _, _, _, same = control_step(0.1, True, h, h_try, True, True, False, low_wait)
    assert same == low_wait


def test_non_finite_step_quarters_then_fails():
    """A non-finite step is retried at a quarter; below H_MIN_S the case fails."""
    verdict, h_next, _, _ = control_step(np.nan, False, 1.0, 1.0, False, False, False, 0)
    assert (verdict, h_next) == (RETRY, 0.25)
    verdict, _, _, _ = control_step(np.nan, False, 1.0, 2.0 * H_MIN_S, False, False, False, 0)
    assert verdict == FAIL


def test_breakpoint_ends_the_step_there():
    """plan_step: a breakpoint inside the proposed step ends it exactly; one beyond does not."""
    t, t_break = -612.25, -611.875
    h_try, clipped = plan_step(5.0, 10.0, t, t_break)
    assert clipped and t + h_try == t_break
    h_try, clipped = plan_step(5.0, 10.0, t, t + 100.0)
    assert (h_try, clipped) == (5.0, False)
    h_try, clipped = plan_step(50.0, 10.0, t, t + 100.0)
    assert (h_try, clipped) == (10.0, True)  # the step limit clips too
    h_try, _ = plan_step(5.0, 10.0, t, t)  # a breakpoint already passed does not stall
    assert h_try == 5.0


def test_error_norm_is_the_scaled_rms_of_the_flight_states():
    """HNW eq. II.4.11 over the states that feed back (heat loads, work and bank excluded);
    the velocity components and the rover's drop rate scaled by the speed."""
    rng = np.random.default_rng(3)
    y = rng.normal(size=L.N_STATE) * 1e3
    y_new = y + rng.normal(size=L.N_STATE)
    err = rng.normal(size=L.N_STATE) * 1e-6
    rtol, atol = 1e-7, 1e-6
    keep = np.ones(L.N_STATE, dtype=bool)
    keep[[L.S_HEAT_LOAD, L.S_RAD_HEAT_LOAD, L.S_WORK, L.S_BANK]] = False
    sc = atol + rtol * np.maximum(np.abs(y), np.abs(y_new))
    v = [L.S_VX, L.S_VY, L.S_VZ]
    speed = max(np.linalg.norm(y[v]), np.linalg.norm(y_new[v]))
    sc[[*v, L.S_ROVER_DROP_RATE_M_S]] = atol + rtol * speed
    want = np.sqrt(np.mean((err[keep] / sc[keep]) ** 2))
    assert error_norm(err, y, y_new, rtol, atol) == pytest.approx(want, rel=1e-13)
    err[L.S_HEAT_LOAD] = 1e30
    err[L.S_RAD_HEAT_LOAD] = 1e30
    assert error_norm(err, y, y_new, rtol, atol) == pytest.approx(want, rel=1e-13)


def test_take_step_error_scales_as_h5(coast):
    """Convergence: the Dormand–Prince error norm of a real coast step scales as h^5."""
    t, y, p, mem, model = coast
    ws = case_workspace(0)
    ws.now.y[:] = y
    rhs(t, y, p, mem, model, ws.now.f, ws.now.aux)
    flight = Flight(p, mem, model)
    errs = []
    for h in (160.0, 80.0, 40.0):
        err, finite = take_step(False, t, h, ws.now, flight, ws.k, ws.new, 1e-10, 1e-8)
        assert finite
        errs.append(err)
    order = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all(order > 4.5), (order, errs)
    err_low, _ = take_step(True, t, 40.0, ws.now, flight, ws.k, ws.new, 1e-10, 1e-8)
    assert err_low > errs[-1]  # the 3(2) pair's estimate is the larger at the same step
