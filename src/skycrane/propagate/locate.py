"""Event location: the earliest root, within a step, among the event functions that crossed zero.

Events are located to the integrator's own accuracy, not to the step: once a
step brackets a sign change of an event function g(t, y) (skycrane.propagate.events),
the root is found by the Illinois variant of regula falsi (Dowell & Jarratt,
BIT 11, 1971) on tau -> g(t + tau, y(t + tau)), first along the step's
continuous extension, then on exact Dormand–Prince sub-steps from the step's
start, so the event state carries the same local error as any step end.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH, STEP_PATH_INLINE, copy_into
from skycrane.propagate.bundles import SubStep
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.events import EVENT_KINDS, event_value
from skycrane.propagate.integrator import dense_coefficients, dense_state, dp_step
from skycrane.propagate.model import SEQ_TABLE


@numba.njit(**STEP_PATH_INLINE)
def event_values(t, at, flight, ev_t, g):
    """Every event function (events.EVENT_KINDS) at the point ``at`` (bundles.Point) into ``g``."""
    p, mem, model = flight
    seq = model[SEQ_TABLE]
    for i in range(len(EVENT_KINDS)):
        g[i] = event_value(EVENT_KINDS[i], t, at.y, at.aux, p, mem, seq, ev_t)


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
def locate_root(which, t, h, g_lo, g_hi, start, flight, ev_t, rc, sub, out):
    """Root of event function ``which`` on (0, h] with g(0) = g_lo > 0 >= g(h) = g_hi; its tau.

    ``start`` (bundles.Point) is the step's start at ``t`` in ``flight``
    (bundles.Flight), ``ev_t`` the event times the function reads. Illinois
    regula falsi first runs along the step's continuous extension ``rc``
    (one right-hand side per trial, for the derived quantities the event
    functions read). The state at its root is then reached by an exact
    Dormand–Prince sub-step from the step's start, so it carries the
    integrator's own accuracy. If the event has not yet happened at that
    exact state, Illinois goes on with exact sub-steps in the bracket that is
    left. On return ``out`` (bundles.Point) holds the state at the located
    time, on the side where the event has happened; ``sub`` (bundles.SubStep)
    is scratch.
    """
    p, mem, model = flight
    seq = model[SEQ_TABLE]
    y, f0 = start.y, start.f
    k = sub.k
    y_out, f_out, aux_out = out
    y_tmp, f_tmp, aux_tmp = sub.end
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


@numba.njit(**STEP_PATH_INLINE)
def earliest_event(t, h, five, flight, ev_t, ws):
    """The earliest event of an accepted step from ``ws.now`` at t to ``ws.new`` at t + h.

    Among the event functions that were positive at the step's start
    (``ws.g_old``) and are not at its end, the one whose root (:func:`locate_root`,
    on the continuous extension of a Dormand–Prince step if ``five``, else of
    the Bogacki–Shampine step's Hermite cubic) comes first. Returns (its
    events.EVK_* or -1, the time the step now ends) and, when an event is
    found, moves ``ws.new`` to its root. Scratch: ``ws.rc``, ``ws.located``,
    ``ws.earliest``, ``ws.trial`` and ``ws.k`` (the step's stages are read first).
    """
    p, mem, model = flight
    seq = model[SEQ_TABLE]
    now = ws.now
    new = ws.new
    g_old = ws.g_old
    rc = ws.rc
    sub = SubStep(ws.k, ws.trial)
    t_new = t + h
    first = -1
    tau_first = math.inf
    have_dense = False
    for i in range(len(EVENT_KINDS)):
        g_new = event_value(EVENT_KINDS[i], t_new, new.y, new.aux, p, mem, seq, ev_t)
        if g_old[i] > 0.0 and g_new <= 0.0:
            if not have_dense:
                dense_coefficients(five, now.y, new.y, now.f, new.f, ws.k, h, rc)
                have_dense = True
            tau = locate_root(
                EVENT_KINDS[i], t, h, g_old[i], g_new, now, flight, ev_t, rc, sub, ws.located
            )
            if tau < tau_first:
                first = EVENT_KINDS[i]
                tau_first = tau
                copy_into(ws.earliest.y, ws.located.y)
                copy_into(ws.earliest.f, ws.located.f)
                copy_into(ws.earliest.aux, ws.located.aux)
    if first >= 0:
        t_new = t + tau_first
        copy_into(new.y, ws.earliest.y)
        copy_into(new.f, ws.earliest.f)
        copy_into(new.aux, ws.earliest.aux)
    return first, t_new
