"""One case through the compiled integrator: the loop the batch kernel runs in each lane.

:func:`integrate_case` flies a case on its lane's work arrays
(bundles.case_workspace, allocated once per lane). Each turn of its loop is
four parts, each a compiled function with its own tests:

1. step-size control (skycrane.propagate.integrator: :func:`plan_step`,
   :func:`take_step`, :func:`control_step`): Dormand–Prince 5(4), or
   Bogacki–Shampine 3(2) for steps a guidance cycle holds short, accepted or
   rejected by the error controller;
2. event location (skycrane.propagate.locate.earliest_event): the earliest
   root among the event functions that crossed zero, where the step then ends;
3. peak refinement (skycrane.propagate.peaks.update_peaks), the heating
   pulses' peaks included;
4. discrete updates (skycrane.propagate.discrete.discrete_updates): the
   located event's action (the heating pulses' crossings among them,
   skycrane.propagate.pulses), the mission sequence, the guidance cycles.

The parts are inlined into the loop (numba ``inline="always"``): a call that
is not passes every array of its bundles, the model's twenty tables included,
as separate arguments at each step.
"""

from __future__ import annotations

import numba
import numpy as np

from skycrane._jit_options import STEP_PATH, STEP_PATH_INLINE, copy_into, copy_row
from skycrane.contract.layout import (
    A_ALT_M,
    A_BANK_RAD,
    A_HEAT_RATE_W_M2,
    EV_GROUND,
    EV_PULSE1_PEAK,
    M_DONE,
    P_ENTRY_ALT_M,
    P_GROUND_OK,
    P_T_MAX_S,
    PEAK_EVENTS,
    S_BANK,
    SET_ATOL,
    SET_FIRST_STEP_S,
    SET_MAX_STEP_S,
    SET_MAX_STEPS,
    SET_OUTPUT_DT_S,
    SET_RTOL,
    ST_GROUND,
    ST_MAX_STEPS,
    ST_NONFINITE,
    ST_NOT_DEORBITED,
    ST_SPAWN_OVERFLOW,
    ST_STOPPED,
    ST_TIME_LIMIT,
)
from skycrane.propagate.bundles import Flight, SubStep
from skycrane.propagate.discrete import discrete_updates, next_breakpoint, settle_sequence
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.integrator import (
    ACCEPT,
    FAIL,
    control_step,
    plan_step,
    take_step,
    use_low_order,
)
from skycrane.propagate.locate import earliest_event, event_values
from skycrane.propagate.peaks import start_history, start_peaks, update_peaks
from skycrane.propagate.pulses import start_pulses
from skycrane.vehicle.bank import anchor_bank

PEAK_EV = np.array([*(e for e, _ in PEAK_EVENTS), EV_PULSE1_PEAK], dtype=np.int64)
"""Event slot of each peak event a main-vehicle flight tracks (layout.PEAK_EVENTS), then
the heating pulses' peak, in the slot of the pulse lasting then (peaks.peak_slot)."""
PEAK_AUX = np.array([*(a for _, a in PEAK_EVENTS), A_HEAT_RATE_W_M2], dtype=np.int64)
"""The derived quantity whose maximum each of them records."""


@numba.njit(**STEP_PATH)
def _record(traj, n_out, t, at):
    """Append the point ``at`` (bundles.Point) at t to ``traj`` while it has room."""
    if n_out < traj.t_s.size:
        traj.t_s[n_out] = t
        copy_row(traj.y, n_out, at.y)
        copy_row(traj.aux, n_out, at.aux)
        return n_out + 1
    return n_out


@numba.njit(**STEP_PATH_INLINE)
def _advance(now, new):
    """The accepted step end becomes the current point; the bank is its closed form."""
    for i in range(now.y.size):
        now.y[i] = new.y[i]
        now.f[i] = new.f[i]
    now.y[S_BANK] = new.aux[A_BANK_RAD]  # the closed-form bank, not its quadrature
    for i in range(now.aux.size):
        now.aux[i] = new.aux[i]


@numba.njit(**STEP_PATH)
def integrate_case(case, model, settings, ws, out):
    """Integrate one case from (t0, y0) until its flight ends or its time limit.

    ``case`` is its bundles.CaseInputs, ``settings`` the batch's
    bundles.KernelSettings, ``ws`` a bundles.Workspace (its contents are
    overwritten) and ``out`` the case's bundles.CaseOutputs: events, spawned
    bodies, trajectory and end state are written there in place. Returns
    (status, t_end, n_out, n_steps, n_rejected). Compiled without the
    reference-counting runtime (skycrane._jit_options): it allocates nothing,
    and every step passes the model's tables on.
    """
    mem = ws.mem
    now = ws.now
    y = now.y
    hist = ws.hist
    events = out.events
    spawn = out.spawn
    copy_into(mem, case.mem0)
    copy_into(y, case.y0)
    p = case.params
    flight = Flight(p, mem, model)
    values = settings.values
    rtol = values[SET_RTOL]
    atol = values[SET_ATOL]
    max_step = values[SET_MAX_STEP_S]
    out_dt = values[SET_OUTPUT_DT_S]
    h = min(values[SET_FIRST_STEP_S], max_step)
    max_steps = int(values[SET_MAX_STEPS])
    t0 = case.t0_s
    t_max = t0 + p[P_T_MAX_S]

    t = t0
    status = -1
    anchor_bank(t, y, mem)
    rhs(t, y, p, mem, model, now.f, now.aux)
    if not settle_sequence(t, now, flight, events, spawn, ws.sensed):
        status = ST_SPAWN_OVERFLOW
    rhs(t, y, p, mem, model, now.f, now.aux)
    start_pulses(t, now, p, mem, events)
    start_peaks(t, now, settings, events)
    n_hist = 0

    n_out = 0
    next_out = t0
    if out_dt > 0.0:
        n_out = _record(out.traj, n_out, t, now)
        next_out = t0 + out_dt
    g_old = ws.g_old
    event_values(t, now, flight, events.t_s, g_old)
    if g_old[2] <= 0.0:
        status = ST_STOPPED
    elif g_old[0] <= 0.0:
        status = ST_STOPPED if p[P_GROUND_OK] > 0.0 else ST_GROUND
        events.t_s[EV_GROUND] = t
        copy_row(events.y, EV_GROUND, y)
        events.fired[EV_GROUND] = True
    if mem[M_DONE] > 0.0 and status < 0:
        status = ST_STOPPED

    n_steps = 0
    n_rejected = 0
    just_rejected = False
    low_wait = 0
    track_peaks = settings.peak_event.size > 0
    while status < 0:
        if track_peaks and n_hist == 0:
            n_hist = start_history(t, now, mem, settings, hist)
        t_break = next_breakpoint(t, t_max, out_dt, next_out, flight, events.t_s)
        h_try, clipped = plan_step(h, max_step, t, t_break)
        low = use_low_order(h, h_try, clipped, low_wait)
        err, finite = take_step(low, t, h_try, now, flight, ws.k, ws.new, rtol, atol)
        verdict, h, just_rejected, low_wait = control_step(
            err, finite, h, h_try, clipped, low, just_rejected, low_wait
        )
        if verdict != ACCEPT:
            n_rejected += 1
            if verdict == FAIL:
                status = ST_NONFINITE
            continue
        n_steps += 1
        first, t_new = earliest_event(t, h_try, not low, flight, events.t_s, ws)
        if track_peaks:
            sub = SubStep(ws.k, ws.earliest)
            n_hist = update_peaks(t_new, ws.new, n_hist, flight, settings, events, hist, sub)
        t = t_new
        _advance(now, ws.new)
        status, changed = discrete_updates(
            first, t, now, flight, events, spawn, ws.thrust_before, ws.sensed
        )
        if changed:
            n_hist = 0
            h = min(h, max_step)
        event_values(t, now, flight, events.t_s, g_old)

        if status >= 0:
            if out_dt > 0.0:
                n_out = _record(out.traj, n_out, t, now)
            break
        if out_dt > 0.0 and t >= next_out - 1e-9:
            n_out = _record(out.traj, n_out, t, now)
            next_out += out_dt
        if t >= t_max - 1e-12:
            # a flight from orbit still above its entry interface never deorbited
            in_orbit = p[P_ENTRY_ALT_M] > 0.0 and now.aux[A_ALT_M] > p[P_ENTRY_ALT_M]
            status = ST_NOT_DEORBITED if in_orbit else ST_TIME_LIMIT
        elif n_steps >= max_steps:
            status = ST_MAX_STEPS
    copy_into(out.y_end, y)
    return status, t, n_out, n_steps, n_rejected
