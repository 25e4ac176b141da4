"""Dormand–Prince 5(4) single-case integrator with located events and peaks.

The step pair is the classical embedded Runge–Kutta method of Dormand & Prince
("A family of embedded Runge-Kutta formulae", J. Comput. Appl. Math. 6, 1980),
5th-order solution with 4th-order error estimate, first-same-as-last, with the
standard step-size controller (Hairer, Nørsett & Wanner, *Solving Ordinary
Differential Equations I*, 2nd ed., sec. II.4, eq. 4.12–4.13).

Events are located to the integrator's own accuracy, not to the step: once a
step brackets a sign change of an event function g(t, y), the root is found by
the Illinois variant of regula falsi on tau -> g(t + tau, y(t + tau)), where
each trial state is obtained by one Dormand–Prince step of length tau from the
bracketing step's start. The event state therefore carries the same local
error as any step end, with no interpolant in between.

Peaks of a monitored quantity (heat rate, deceleration, dynamic pressure) are
located by successive parabolic interpolation over the three step ends that
bracket a local maximum, again evaluating trial points by exact sub-steps.
"""

from __future__ import annotations

import numba
import numpy as np

from skycrane._jit_options import SCALAR, SCALAR_INLINE, STEP_PATH, copy_into
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.events import event_value
from skycrane.propagate.layout import S_BANK, S_HEAT_LOAD, S_WORK
from skycrane.propagate.model import SEQ_TABLE

# Dormand–Prince 5(4) tableau (Dormand & Prince 1980, Table 2).
C2, C3, C4, C5 = 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0
A21 = 1.0 / 5.0
A31, A32 = 3.0 / 40.0, 9.0 / 40.0
A41, A42, A43 = 44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0
A51, A52, A53, A54 = 19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0
A61, A62, A63, A64, A65 = (
    9017.0 / 3168.0,
    -355.0 / 33.0,
    46732.0 / 5247.0,
    49.0 / 176.0,
    -5103.0 / 18656.0,
)
B1, B3, B4, B5, B6 = 35.0 / 384.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0
# error weights: 5th-order minus embedded 4th-order solution
E1 = 71.0 / 57600.0
E3 = -71.0 / 16695.0
E4 = 71.0 / 1920.0
E5 = -17253.0 / 339200.0
E6 = 22.0 / 525.0
E7 = -1.0 / 40.0

# Bogacki–Shampine 3(2) tableau (Bogacki & Shampine, "A 3(2) pair of Runge–Kutta
# formulas", Appl. Math. Lett. 2(4), 1989): 3rd-order solution, FSAL, 2nd-order
# embedded estimate.
BS_A21 = 1.0 / 2.0
BS_A32 = 3.0 / 4.0
BS_B1, BS_B2, BS_B3 = 2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0
BS_E1, BS_E2, BS_E3, BS_E4 = -5.0 / 72.0, 1.0 / 12.0, 1.0 / 9.0, -1.0 / 8.0

# Dormand–Prince continuous extension (Hairer, Nørsett & Wanner I, sec. II.6, code DOPRI5).
D1 = -12715105075.0 / 11282082432.0
D3 = 87487479700.0 / 32700410799.0
D4 = -10690763975.0 / 1880347072.0
D5 = 701980252875.0 / 199316789632.0
D6 = -1453857185.0 / 822651844.0
D7 = 69997945.0 / 29380423.0

SAFETY = 0.9
MIN_FACTOR = 0.2
MAX_FACTOR = 5.0


@numba.njit(**STEP_PATH)
def dp_step(t, y, f0, h, p, mem, model, k, y_new, f_new, aux_new):
    """One Dormand–Prince step of length h from (t, y) whose derivative is f0.

    Writes the 5th-order solution to ``y_new``, its derivative (the FSAL stage)
    to ``f_new`` and the derived quantities at the new point to ``aux_new``.
    ``k`` is a (6, N_STATE) work array (row 5 is scratch); on return ``k[0]``
    holds the raw local error estimate (5th- minus 4th-order solution).
    """
    n = y.size
    ytmp = k[5]
    for i in range(n):
        ytmp[i] = y[i] + h * A21 * f0[i]
    rhs(t + C2 * h, ytmp, p, mem, model, k[0], aux_new)
    for i in range(n):
        ytmp[i] = y[i] + h * (A31 * f0[i] + A32 * k[0, i])
    rhs(t + C3 * h, ytmp, p, mem, model, k[1], aux_new)
    for i in range(n):
        ytmp[i] = y[i] + h * (A41 * f0[i] + A42 * k[0, i] + A43 * k[1, i])
    rhs(t + C4 * h, ytmp, p, mem, model, k[2], aux_new)
    for i in range(n):
        ytmp[i] = y[i] + h * (A51 * f0[i] + A52 * k[0, i] + A53 * k[1, i] + A54 * k[2, i])
    rhs(t + C5 * h, ytmp, p, mem, model, k[3], aux_new)
    for i in range(n):
        ytmp[i] = y[i] + h * (
            A61 * f0[i] + A62 * k[0, i] + A63 * k[1, i] + A64 * k[2, i] + A65 * k[3, i]
        )
    rhs(t + h, ytmp, p, mem, model, k[4], aux_new)
    for i in range(n):
        y_new[i] = y[i] + h * (
            B1 * f0[i] + B3 * k[1, i] + B4 * k[2, i] + B5 * k[3, i] + B6 * k[4, i]
        )
    rhs(t + h, y_new, p, mem, model, f_new, aux_new)
    # raw error estimate, stored in k[0] (stage 2 is no longer needed)
    for i in range(n):
        k[0, i] = h * (
            E1 * f0[i] + E3 * k[1, i] + E4 * k[2, i] + E5 * k[3, i] + E6 * k[4, i] + E7 * f_new[i]
        )


@numba.njit(**STEP_PATH)
def bs_step(t, y, f0, h, p, mem, model, k, y_new, f_new, aux_new):
    """One Bogacki–Shampine 3(2) step: the same contract as :func:`dp_step`, 3 new evaluations.

    For steps a breakpoint holds far below what the 5th-order controller
    would take (guidance cycles): there the 3rd-order solution meets the same
    tolerance at half the cost.
    """
    n = y.size
    ytmp = k[5]
    for i in range(n):
        ytmp[i] = y[i] + h * BS_A21 * f0[i]
    rhs(t + 0.5 * h, ytmp, p, mem, model, k[1], aux_new)
    for i in range(n):
        ytmp[i] = y[i] + h * BS_A32 * k[1, i]
    rhs(t + 0.75 * h, ytmp, p, mem, model, k[2], aux_new)
    for i in range(n):
        y_new[i] = y[i] + h * (BS_B1 * f0[i] + BS_B2 * k[1, i] + BS_B3 * k[2, i])
    rhs(t + h, y_new, p, mem, model, f_new, aux_new)
    for i in range(n):
        k[0, i] = h * (BS_E1 * f0[i] + BS_E2 * k[1, i] + BS_E3 * k[2, i] + BS_E4 * f_new[i])


@numba.njit(**SCALAR_INLINE)
def error_norm(err, y, y_new, rtol, atol):
    """Scaled RMS error norm (Hairer, Nørsett & Wanner I, eq. II.4.11) of the flight states.

    The heat load and the work integral are quadratures: nothing feeds back
    from them, so they ride on the steps the dynamics need and do not shorten
    them (their error stays at the same relative level, checked by the energy
    and heat-load tests). The bank angle is a record of its closed-form
    response (skycrane.vehicle.bank), reset at every step end.
    """
    acc = 0.0
    n = y.size
    for i in range(n):
        if i == S_HEAT_LOAD or i == S_WORK or i == S_BANK:
            continue
        sc = atol + rtol * max(abs(y[i]), abs(y_new[i]))
        e = err[i] / sc
        acc += e * e
    return np.sqrt(acc / (n - 3))


@numba.njit(**STEP_PATH)
def all_finite(v):
    for x in v:
        if not np.isfinite(x):
            return False
    return True


@numba.njit(**STEP_PATH)
def dense_coefficients(five, y, y_new, f0, f_new, k, h, rc):
    """Coefficients ``rc[5, n]`` of the step's continuous extension (see :func:`dense_state`).

    After a Dormand–Prince step (``five`` true, stages still in ``k[1:5]``)
    the 4th-order extension of Hairer, Nørsett & Wanner I, sec. II.6 (the
    one of their code DOPRI5); after a Bogacki–Shampine step its cubic
    Hermite interpolant (the same form with the last row zero).
    """
    for i in range(y.size):
        dy = y_new[i] - y[i]
        b = h * f0[i] - dy
        rc[0, i] = y[i]
        rc[1, i] = dy
        rc[2, i] = b
        rc[3, i] = dy - h * f_new[i] - b
        if five:
            rc[4, i] = h * (
                D1 * f0[i]
                + D3 * k[1, i]
                + D4 * k[2, i]
                + D5 * k[3, i]
                + D6 * k[4, i]
                + D7 * f_new[i]
            )
        else:
            rc[4, i] = 0.0


@numba.njit(**SCALAR_INLINE)
def dense_state(rc, theta, out):
    """State at the fraction ``theta`` of the step from its continuous extension."""
    u = 1.0 - theta
    for i in range(out.size):
        out[i] = rc[0, i] + theta * (rc[1, i] + u * (rc[2, i] + theta * (rc[3, i] + u * rc[4, i])))


@numba.njit(**SCALAR_INLINE)
def _illinois_update(a, b, ga, gb, side, tau, g):
    """One bracket update of the Illinois variant of regula falsi (Dowell & Jarratt 1971)."""
    if g > 0.0:
        if side == -1:
            gb *= 0.5
        return tau, b, g, gb, -1
    if side == 1:
        ga *= 0.5
    return a, tau, ga, g, 1


@numba.njit(**SCALAR_INLINE)
def _illinois_trial(a, b, ga, gb):
    tau = (a * gb - b * ga) / (gb - ga)
    if not (a < tau < b):
        tau = 0.5 * (a + b)
    return tau


@numba.njit(**STEP_PATH)
def locate_root(
    t,
    y,
    f0,
    h,
    g_lo,
    g_hi,
    which,
    p,
    mem,
    model,
    ev_t,
    k,
    rc,
    y_out,
    f_out,
    aux_out,
    y_tmp,
    f_tmp,
    aux_tmp,
):
    """Root of g(tau) on (0, h] with g(0) = g_lo > 0 >= g(h) = g_hi; returns its tau.

    Illinois regula falsi first runs along the step's continuous extension
    ``rc`` (one right-hand side per trial, for the derived quantities the
    event functions read). The state at its root is then reached by an exact
    Dormand–Prince sub-step from the step's start, so it carries the
    integrator's own accuracy. If the event has not yet happened at that
    exact state, Illinois goes on with exact sub-steps in the bracket that is
    left. On return ``y_out``/``f_out``/``aux_out`` hold the state at the
    located time, on the side where the event has happened; ``y_tmp``,
    ``f_tmp`` and ``aux_tmp`` are scratch.
    """
    seq = model[SEQ_TABLE]
    tol = 1e-10 * max(1.0, abs(t))
    a, b, ga, gb, side = 0.0, h, g_lo, g_hi, 0
    for _ in range(60):
        if b - a <= tol:
            break
        tau = _illinois_trial(a, b, ga, gb)
        dense_state(rc, tau / h, y_tmp)
        rhs(t + tau, y_tmp, p, mem, model, f_tmp, aux_tmp)
        g = event_value(which, t + tau, y_tmp, aux_tmp, p, mem, seq, ev_t)
        a, b, ga, gb, side = _illinois_update(a, b, ga, gb, side, tau, g)
        if g == 0.0:
            break
    tau_b = b
    dp_step(t, y, f0, tau_b, p, mem, model, k, y_out, f_out, aux_out)
    g = event_value(which, t + tau_b, y_out, aux_out, p, mem, seq, ev_t)
    if g <= 0.0:
        return tau_b
    # the exact trajectory crosses after its extension does: exact trials in (tau_b, h]
    a, b, ga, gb, side = tau_b, h, g, g_hi, 0
    have_b = False
    for _ in range(60):
        if b - a <= tol:
            break
        tau = _illinois_trial(a, b, ga, gb)
        dp_step(t, y, f0, tau, p, mem, model, k, y_tmp, f_tmp, aux_tmp)
        g = event_value(which, t + tau, y_tmp, aux_tmp, p, mem, seq, ev_t)
        a, b, ga, gb, side = _illinois_update(a, b, ga, gb, side, tau, g)
        if g <= 0.0:
            have_b = True
            copy_into(y_out, y_tmp)
            copy_into(f_out, f_tmp)
            copy_into(aux_out, aux_tmp)
        if g == 0.0:
            break
    if not have_b:
        dp_step(t, y, f0, b, p, mem, model, k, y_out, f_out, aux_out)
    return b


@numba.njit(**SCALAR)
def parabola_vertex(t0, m0, t1, m1, t2, m2):
    """Abscissa of the vertex of the parabola through three points (NaN if degenerate)."""
    d10 = t1 - t0
    d12 = t1 - t2
    num = d10 * d10 * (m1 - m2) - d12 * d12 * (m1 - m0)
    den = d10 * (m1 - m2) - d12 * (m1 - m0)
    if den == 0.0:
        return np.nan
    return t1 - 0.5 * num / den


@numba.njit(**STEP_PATH)
def refine_peak(which_aux, th, yh, fh, m, p, mem, model, k, y_try, f_try, aux_try, y_best):
    """Locate the maximum of aux[which_aux] bracketed by three step ends.

    ``th``/``yh``/``fh`` are the times, states and derivatives of three
    consecutive step ends and ``m`` their monitored values, with
    m[1] >= m[0], m[1] >= m[2]. Successive parabolic interpolation (Brent,
    *Algorithms for Minimization without Derivatives*, 1973, ch. 5) with each
    trial point reached by an exact sub-step from the step end on its left.
    Returns (t_best, m_best) and writes the best state to ``y_best``.
    """
    t0, t1, t2 = th[0], th[1], th[2]
    m0, m1, m2 = m[0], m[1], m[2]
    t_best = t1
    m_best = m1
    copy_into(y_best, yh[1])
    for _ in range(8):
        ts = parabola_vertex(t0, m0, t1, m1, t2, m2)
        if not (t0 < ts < t2) or abs(ts - t1) <= 1e-7 * (t2 - t0) + 1e-12:
            break
        base = 0 if ts < th[1] else 1
        dp_step(
            th[base], yh[base], fh[base], ts - th[base], p, mem, model, k, y_try, f_try, aux_try
        )
        ms = aux_try[which_aux]
        if ms > m_best:
            m_best = ms
            t_best = ts
            copy_into(y_best, y_try)
        if ts < t1:
            if ms >= m1:
                t2, m2 = t1, m1
                t1, m1 = ts, ms
            else:
                t0, m0 = ts, ms
        elif ms >= m1:
            t0, m0 = t1, m1
            t1, m1 = ts, ms
        else:
            t2, m2 = ts, ms
    return t_best, m_best
