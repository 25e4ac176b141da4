"""Dormand–Prince 5(4) steps, their continuous extension and the step-size control.

The step pair is the classical embedded Runge–Kutta method of Dormand & Prince
("A family of embedded Runge-Kutta formulae", J. Comput. Appl. Math. 6, 1980),
5th-order solution with 4th-order error estimate, first-same-as-last, with the
standard step-size controller (Hairer, Nørsett & Wanner, *Solving Ordinary
Differential Equations I*, 2nd ed., sec. II.4, eq. 4.12–4.13). A step a
breakpoint holds far below what the controller asks is taken with the
Bogacki–Shampine 3(2) pair.

The parts of one step of the case loop (skycrane.propagate.case) are here:
:func:`plan_step` (the step length a breakpoint allows, and which pair),
:func:`take_step` (the step and its error norm) and :func:`control_step`
(accept or reject, the next step length). Events are located on the step in
:mod:`skycrane.propagate.locate`, peaks in :mod:`skycrane.propagate.peaks`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH, STEP_PATH_INLINE
from skycrane.contract.layout import (
    S_BANK,
    S_HEAT_LOAD,
    S_RAD_HEAT_LOAD,
    S_ROVER_DROP_M,
    S_ROVER_DROP_RATE_M_S,
    S_VX,
    S_VY,
    S_VZ,
    S_WORK,
)
from skycrane.propagate.dynamics import rhs, rhs_stage

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
"""Aim the next step at this fraction of the tolerance (Hairer, Nørsett & Wanner I, eq. II.4.13)."""
MIN_FACTOR = 0.2
"""Largest shrink of the step at a rejection."""
MAX_FACTOR = 5.0
"""Largest growth of the step at an acceptance."""
LOW_ORDER_RATIO = 1.25
"""A step held by a breakpoint to 1/LOW_ORDER_RATIO of the controller's or less is
taken with the Bogacki–Shampine 3(2) pair: within guidance cycles (8 Hz in
powered descent) the 5th-order pair's accuracy is wasted. Its error is still
controlled: a rejected low-order step is retried at 5th order. (E: counted over
30 dispersed Mars 2020 landings, uncompiled, 4 Dec 2026: 5,800 right-hand sides a
landing's main flight at 2.0, 5,743 at 1.5, 5,730 at 1.25; the end states moved by
under 0.1 mm.)"""
LOW_ORDER_BACKOFF = 16
"""Steps taken at 5th order after a low-order step was rejected (entry at 1 Hz
needs them; powered descent at 8 Hz does not)."""
H_MIN_S = 1e-12
"""A step the controller shrinks below this [s] ends the case (layout.ST_NONFINITE)."""
ACCEPT = 0
"""Verdict of :func:`control_step`: the step stands."""
RETRY = 1
"""Verdict: the step is rejected, try again from the same point."""
FAIL = 2
"""Verdict: the step size collapsed below H_MIN_S; the case ends."""


@numba.njit(**STEP_PATH)
def dp_step(t, y, f0, h, p, mem, model, k, y_new, f_new, aux_new):
    """One Dormand–Prince step of length h from (t, y) whose derivative is f0.

    Writes the 5th-order solution to ``y_new``, its derivative (the FSAL stage)
    to ``f_new`` and the derived quantities at the new point to ``aux_new``
    (the inner stages compute the derivative alone, dynamics.rhs_stage).
    ``k`` is a (6, N_STATE) work array (row 5 is scratch); on return ``k[0]``
    holds the raw local error estimate (5th- minus 4th-order solution).
    """
    n = y.size
    ytmp = k[5]
    for i in range(n):
        ytmp[i] = y[i] + h * A21 * f0[i]
    rhs_stage(t + C2 * h, ytmp, p, mem, model, k[0])
    for i in range(n):
        ytmp[i] = y[i] + h * (A31 * f0[i] + A32 * k[0, i])
    rhs_stage(t + C3 * h, ytmp, p, mem, model, k[1])
    for i in range(n):
        ytmp[i] = y[i] + h * (A41 * f0[i] + A42 * k[0, i] + A43 * k[1, i])
    rhs_stage(t + C4 * h, ytmp, p, mem, model, k[2])
    for i in range(n):
        ytmp[i] = y[i] + h * (A51 * f0[i] + A52 * k[0, i] + A53 * k[1, i] + A54 * k[2, i])
    rhs_stage(t + C5 * h, ytmp, p, mem, model, k[3])
    for i in range(n):
        ytmp[i] = y[i] + h * (
            A61 * f0[i] + A62 * k[0, i] + A63 * k[1, i] + A64 * k[2, i] + A65 * k[3, i]
        )
    rhs_stage(t + h, ytmp, p, mem, model, k[4])
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
    rhs_stage(t + 0.5 * h, ytmp, p, mem, model, k[1])
    for i in range(n):
        ytmp[i] = y[i] + h * BS_A32 * k[1, i]
    rhs_stage(t + 0.75 * h, ytmp, p, mem, model, k[2])
    for i in range(n):
        y_new[i] = y[i] + h * (BS_B1 * f0[i] + BS_B2 * k[1, i] + BS_B3 * k[2, i])
    rhs(t + h, y_new, p, mem, model, f_new, aux_new)
    for i in range(n):
        k[0, i] = h * (BS_E1 * f0[i] + BS_E2 * k[1, i] + BS_E3 * k[2, i] + BS_E4 * f_new[i])


@numba.njit(**SCALAR_INLINE)
def error_norm(err, y, y_new, rtol, atol):
    """Scaled RMS error norm (Hairer, Nørsett & Wanner I, eq. II.4.11) of the flight states.

    Each state's error is scaled by atol + rtol * max(|y_i|, |y_new_i|), but
    for the velocities: a velocity component and the rover's drop rate are
    scaled by atol + rtol * (the speed before or after the step, the larger).
    A planet-fixed component of the velocity is the speed times the cosine
    of an angle the site's place on the planet sets, so the component that
    passes through zero (a horizontal one during the sky crane's vertical
    descent) held every step to atol, 1e-8 m/s; the drop rate is the rover's
    velocity relative to the stage, near zero while it hangs, and the
    rover's own velocity is the stage's minus it, of the stage's speed. The
    speed scales them as a norm of the velocity vector would (Hairer,
    Nørsett & Wanner I, sec. II.4: any norm of the error may be controlled).

    The heat loads and the work integral are quadratures: nothing feeds back
    from them, so they ride on the steps the dynamics need and do not shorten
    them (their error stays at the same relative level, checked by the energy
    and heat-load tests). The bank angle is a record of its closed-form
    response (skycrane.vehicle.bank), reset at every step end. The rover's
    drop below the descent stage and its rate count only while the rover
    hangs (either is non-zero): until then they are identically zero, and
    counting them would only dilute the mean and lengthen every other step.
    """
    acc = 0.0
    n = y.size
    skip = 4
    hanging = (
        y[S_ROVER_DROP_M] != 0.0
        or y_new[S_ROVER_DROP_M] != 0.0
        or y[S_ROVER_DROP_RATE_M_S] != 0.0
        or y_new[S_ROVER_DROP_RATE_M_S] != 0.0
    )
    if not hanging:
        skip = 6
    speed = math.sqrt(y[S_VX] * y[S_VX] + y[S_VY] * y[S_VY] + y[S_VZ] * y[S_VZ])
    speed_new = math.sqrt(
        y_new[S_VX] * y_new[S_VX] + y_new[S_VY] * y_new[S_VY] + y_new[S_VZ] * y_new[S_VZ]
    )
    sc_velocity = atol + rtol * max(speed, speed_new)
    for i in range(n):
        if i == S_HEAT_LOAD or i == S_RAD_HEAT_LOAD or i == S_WORK or i == S_BANK:
            continue
        if not hanging and (i == S_ROVER_DROP_M or i == S_ROVER_DROP_RATE_M_S):
            continue
        if i == S_VX or i == S_VY or i == S_VZ or i == S_ROVER_DROP_RATE_M_S:
            sc = sc_velocity
        else:
            sc = atol + rtol * max(abs(y[i]), abs(y_new[i]))
        e = err[i] / sc
        acc += e * e
    return np.sqrt(acc / (n - skip))


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


@numba.njit(**STEP_PATH_INLINE)
def plan_step(h, max_step, t, t_break):
    """Length of the next step and whether a breakpoint clipped it.

    ``h`` is the controller's proposal, ``t_break`` the next time a discrete
    update is due (a step ends there exactly). Returns (h_try, clipped).
    """
    h_try = min(h, max_step, max(t_break - t, 0.0))
    if h_try <= 0.0:
        h_try = min(h, max_step)
    return h_try, h_try < h


@numba.njit(**STEP_PATH_INLINE)
def use_low_order(h, h_try, clipped, low_wait):
    """Whether to take the step with Bogacki–Shampine 3(2) (see LOW_ORDER_RATIO)."""
    # a step a breakpoint holds to under half the controller's: 3rd order suffices
    return clipped and low_wait == 0 and LOW_ORDER_RATIO * h_try <= h


@numba.njit(**STEP_PATH_INLINE)
def take_step(low, t, h, now, flight, k, new, rtol, atol):
    """One step of length h from ``now`` to ``new`` (bundles.Point) in ``flight`` (bundles.Flight).

    Bogacki–Shampine 3(2) when ``low``, else Dormand–Prince 5(4). Returns
    (error norm, whether the new state and the norm are finite).
    """
    p, mem, model = flight
    if low:
        bs_step(t, now.y, now.f, h, p, mem, model, k, new.y, new.f, new.aux)
    else:
        dp_step(t, now.y, now.f, h, p, mem, model, k, new.y, new.f, new.aux)
    err = error_norm(k[0], now.y, new.y, rtol, atol)
    return err, all_finite(new.y) and np.isfinite(err)


@numba.njit(**STEP_PATH_INLINE)
def control_step(err, finite, h, h_try, clipped, low, just_rejected, low_wait):
    """Accept or reject a step of length ``h_try`` with error norm ``err``; the next step length.

    The controller of Hairer, Nørsett & Wanner I, sec. II.4 (eq. 4.13): the
    next step is h_try * min(MAX_FACTOR, SAFETY * err^(-1/5)) after an
    acceptance, with no growth right after a rejection, and
    h_try * max(MIN_FACTOR, SAFETY * err^(-1/5)) after a rejection. A step
    ``clipped`` by a breakpoint leaves the controller's proposal ``h`` as it
    is, lowered or raised: the error of a step a guidance cycle cut short,
    extrapolated by err^(-1/5) from there, overestimated the next full step.
    In the sky crane (a step and a clipped rest per 8 Hz cycle, the bridles
    oscillating) the raised proposal was rejected after every second cycle:
    78 of its 344 step attempts in a dispersed Mars 2020 landing.
    A rejected low-order step is retried at 5th order without telling the
    controller; a non-finite step is retried at a quarter. Returns
    (verdict: ACCEPT, RETRY or FAIL; next h; just_rejected; low_wait).
    """
    if not finite:
        h = 0.25 * h_try
        return (FAIL if h < H_MIN_S else RETRY), h, just_rejected, low_wait
    if err > 1.0:
        if low:  # retry the same step at 5th order; the controller is not told
            return RETRY, h, just_rejected, LOW_ORDER_BACKOFF
        h = h_try * max(MIN_FACTOR, SAFETY * err**-0.2)
        return (FAIL if h < H_MIN_S else RETRY), h, True, low_wait
    if not low:
        low_wait = max(low_wait - 1, 0)
        # no growth right after a rejection (Hairer, Norsett & Wanner I, sec. II.4)
        grow = 1.0 if just_rejected else MAX_FACTOR
        just_rejected = False
        factor = grow if err == 0.0 else min(grow, SAFETY * err**-0.2)
        if not clipped:  # a clipped step leaves the proposal as it is (see docstring)
            h = h_try * factor
    return ACCEPT, h, just_rejected, low_wait
