"""One case through the compiled integrator: the loop the batch kernel runs in each lane.

:func:`integrate_case` flies a case on its lane's work arrays
(:func:`case_workspace`, allocated once per lane): it integrates with
Dormand–Prince 5(4) (Bogacki–Shampine 3(2) for steps a guidance cycle holds
short), fires the located events and the mission sequence, runs guidance at
its cycles, and tracks the peak events.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from skycrane._jit_options import ALLOCATING, STEP_PATH, copy_into, copy_row
from skycrane.guidance.entry_layout import PHASE_HEADING_ALIGNMENT, PHASE_RANGE_CONTROL
from skycrane.propagate.dynamics import rhs, thrust_terms, update_commands
from skycrane.propagate.events import (
    EVK_GROUND,
    EVK_PROPELLANT,
    EVK_ROVER,
    EVK_SEQ,
    EVK_STOP,
    event_value,
)
from skycrane.propagate.integrator import (
    MAX_FACTOR,
    MIN_FACTOR,
    SAFETY,
    all_finite,
    bs_step,
    dense_coefficients,
    dp_step,
    error_norm,
    locate_root,
    refine_peak,
)
from skycrane.propagate.layout import (
    A_BANK_RAD,
    EV_GROUND,
    EV_HEADING_ALIGNMENT,
    EV_RANGE_CONTROL,
    EV_SEQ0,
    EV_STOP,
    GUID_ENTRY,
    GUID_POWERED,
    M_CUT,
    M_DONE,
    M_ETPC_PHASE,
    M_GUIDANCE,
    M_NEXT_GUIDE_T,
    M_SEQ_NEXT,
    N_AUX,
    N_MEM,
    N_STATE,
    P_GROUND_OK,
    P_T_MAX_S,
    PEAK_EVENTS,
    S_BANK,
    S_MASS,
    SET_ATOL,
    SET_FIRST_STEP_S,
    SET_MAX_STEP_S,
    SET_MAX_STEPS,
    SET_OUTPUT_DT_S,
    SET_RTOL,
    SQ_REF,
    SQ_TRIGGER,
    SQ_VALUE,
    ST_GROUND,
    ST_MAX_STEPS,
    ST_NONFINITE,
    ST_SPAWN_OVERFLOW,
    ST_STOPPED,
    ST_TIME_LIMIT,
    TR_TIME,
    TR_TIME_AFTER,
)
from skycrane.propagate.model import BODY_TABLE, ENTRY_GAINS, ENTRY_REF, PLANET, SEQ_TABLE
from skycrane.sequence.program import (
    apply_sequence_event,
    engines_out,
    entry_cycle,
    powered_cycle,
    rover_touchdown,
)
from skycrane.vehicle.bank import anchor_bank, saturation_end_s

_PEAK_EV = np.array([e for e, _ in PEAK_EVENTS], dtype=np.int64)
_PEAK_AUX = np.array([a for _, a in PEAK_EVENTS], dtype=np.int64)
LOW_ORDER_RATIO = 2.0
"""A step held by a breakpoint to 1/LOW_ORDER_RATIO of the controller's or less is
taken with the Bogacki–Shampine 3(2) pair: within guidance cycles (8 Hz in
powered descent) the 5th-order pair's accuracy is wasted. Its error is still
controlled: a rejected low-order step is retried at 5th order."""
LOW_ORDER_BACKOFF = 16
"""Steps taken at 5th order after a low-order step was rejected (entry at 1 Hz
needs them; powered descent at 8 Hz does not)."""
_EVKS = (EVK_GROUND, EVK_SEQ, EVK_STOP, EVK_ROVER, EVK_PROPELLANT)


@numba.njit(**STEP_PATH)
def _record(traj_t, traj_y, traj_aux, n_out, t, y, aux):
    if n_out < traj_t.size:
        traj_t[n_out] = t
        copy_row(traj_y, n_out, y)
        copy_row(traj_aux, n_out, aux)
        return n_out + 1
    return n_out


@numba.njit(**STEP_PATH)
def _next_time_trigger(mem, seq, ev_t):
    """Time of the next sequence event if it is time-triggered (a step breakpoint), else inf."""
    k = int(mem[M_SEQ_NEXT])
    if k >= seq.shape[1]:
        return math.inf
    kind = int(seq[SQ_TRIGGER, k])
    if kind == TR_TIME:
        return seq[SQ_VALUE, k]
    if kind == TR_TIME_AFTER:
        t_ref = ev_t[EV_SEQ0 + int(seq[SQ_REF, k])]
        if math.isfinite(t_ref):
            return t_ref + seq[SQ_VALUE, k]
    return math.inf


@numba.njit(**STEP_PATH)
def _apply_next(t, y, aux, p, mem, model, ev_t, ev_y, ev_fired, spawn_t, spawn_y, spawn_b):
    """Carry out the next sequence event now; False if the spawn buffer overflowed."""
    return apply_sequence_event(
        int(mem[M_SEQ_NEXT]),
        t,
        y,
        aux,
        p,
        mem,
        model[SEQ_TABLE],
        model[BODY_TABLE],
        ev_t,
        ev_y,
        ev_fired,
        spawn_t,
        spawn_y,
        spawn_b,
    )


@numba.njit(**STEP_PATH)
def _settle_sequence(t, y, aux, p, mem, model, ev_t, ev_y, ev_fired, spawn_t, spawn_y, spawn_b):
    """Fire every sequence event whose trigger already holds at (t, y); False on overflow."""
    seq = model[SEQ_TABLE]
    while int(mem[M_SEQ_NEXT]) < seq.shape[1] and mem[M_DONE] == 0.0:
        if event_value(EVK_SEQ, t, y, aux, p, mem, seq, ev_t) > 0.0:
            break
        if not _apply_next(
            t, y, aux, p, mem, model, ev_t, ev_y, ev_fired, spawn_t, spawn_y, spawn_b
        ):
            return False
    return True


@numba.njit(**ALLOCATING)
def case_workspace(n_peaks):
    """Work arrays of one lane, allocated once and reused by each case it flies.

    Order as :func:`integrate_case` unpacks them. None needs initialising:
    the loop writes each before reading it. ``n_peaks`` is the number of
    peak events tracked (the history ``mh`` holds their values).
    """
    n = N_STATE
    return (
        np.empty(N_MEM),  # mem
        np.empty(n),  # y
        np.empty((6, n)),  # k: stage derivatives
        np.empty(n),  # f
        np.empty(N_AUX),  # aux
        np.empty(n),  # y_new
        np.empty(n),  # f_new
        np.empty(N_AUX),  # aux_new
        np.empty(n),  # y_ev
        np.empty(n),  # f_ev
        np.empty(N_AUX),  # aux_ev
        np.empty(n),  # y_try
        np.empty(n),  # f_try
        np.empty(N_AUX),  # aux_try
        np.empty(n),  # y_pk
        np.empty(len(_EVKS)),  # g_old: event functions at the step start
        np.empty(3),  # th: history of the last three step ends, newest last
        np.empty((3, n)),  # yh
        np.empty((3, n)),  # fh
        np.empty((3, n_peaks)),  # mh: the peak quantities there
        np.empty((3, N_MEM)),  # memh
        np.empty(3),  # m3
        np.empty(3),  # thrust_before
        np.empty((5, n)),  # rc: dense-output coefficients
        np.empty(n),  # y_sub
        np.empty(n),  # f_sub
        np.empty(N_AUX),  # aux_sub
    )


@numba.njit(**STEP_PATH)
def integrate_case(
    t0,
    y0,
    p,
    mem0,
    model,
    settings,
    peak_ev,
    peak_aux,
    ev_t,
    ev_y,
    ev_val,
    ev_fired,
    spawn_t,
    spawn_y,
    spawn_b,
    traj_t,
    traj_y,
    traj_aux,
    y_end,
    ws,
):
    """Integrate one case from (t0, y0) until its flight ends or its time limit.

    ``ws`` is a :func:`case_workspace` (its contents are overwritten). Returns
    (status, t_end, n_out, n_steps, n_rejected). Events and spawned bodies
    are written in place. Compiled without the reference-counting runtime
    (skycrane._jit_options): it allocates nothing, and every step passes the
    model's tables on.
    """
    (
        mem,
        y,
        k,
        f,
        aux,
        y_new,
        f_new,
        aux_new,
        y_ev,
        f_ev,
        aux_ev,
        y_try,
        f_try,
        aux_try,
        y_pk,
        g_old,
        th,
        yh,
        fh,
        mh,
        memh,
        m3,
        thrust_before,
        rc,
        y_sub,
        f_sub,
        aux_sub,
    ) = ws
    copy_into(mem, mem0)
    copy_into(y, y0)
    n = N_STATE
    rtol = settings[SET_RTOL]
    atol = settings[SET_ATOL]
    max_step = settings[SET_MAX_STEP_S]
    out_dt = settings[SET_OUTPUT_DT_S]
    h = min(settings[SET_FIRST_STEP_S], max_step)
    max_steps = int(settings[SET_MAX_STEPS])
    t_max = t0 + p[P_T_MAX_S]
    seq = model[SEQ_TABLE]
    n_kinds = len(_EVKS)

    t = t0
    status = -1
    anchor_bank(t, y, mem)
    rhs(t, y, p, mem, model, f, aux)
    if not _settle_sequence(
        t, y, aux, p, mem, model, ev_t, ev_y, ev_fired, spawn_t, spawn_y, spawn_b
    ):
        status = ST_SPAWN_OVERFLOW
    rhs(t, y, p, mem, model, f, aux)
    for j in range(peak_ev.size):
        e = peak_ev[j]
        ev_t[e] = t
        copy_row(ev_y, e, y)
        ev_val[e] = aux[peak_aux[j]]
        ev_fired[e] = True
    n_hist = 0

    n_out = 0
    next_out = t0
    if out_dt > 0.0:
        n_out = _record(traj_t, traj_y, traj_aux, n_out, t, y, aux)
        next_out = t0 + out_dt
    for i in range(n_kinds):
        g_old[i] = event_value(_EVKS[i], t, y, aux, p, mem, seq, ev_t)
    if g_old[2] <= 0.0:
        status = ST_STOPPED
    elif g_old[0] <= 0.0:
        status = ST_STOPPED if p[P_GROUND_OK] > 0.0 else ST_GROUND
        ev_t[EV_GROUND] = t
        copy_row(ev_y, EV_GROUND, y)
        ev_fired[EV_GROUND] = True
    if mem[M_DONE] > 0.0 and status < 0:
        status = ST_STOPPED

    n_steps = 0
    n_rejected = 0
    just_rejected = False
    low_wait = 0
    h_min = 1e-12
    track_peaks = peak_ev.size > 0
    while status < 0:
        if track_peaks and n_hist == 0:
            th[2] = t
            copy_row(yh, 2, y)
            copy_row(fh, 2, f)
            copy_row(memh, 2, mem)
            for j in range(peak_ev.size):
                mh[2, j] = aux[peak_aux[j]]
            n_hist = 1
        t_break = min(t_max, _next_time_trigger(mem, seq, ev_t))
        if out_dt > 0.0:
            t_break = min(t_break, next_out)
        guidance = mem[M_GUIDANCE]
        if guidance == GUID_ENTRY or guidance == GUID_POWERED:
            t_break = min(t_break, mem[M_NEXT_GUIDE_T])
        t_sat = saturation_end_s(p, mem)  # the roll's one kink
        if t_sat > t + 1e-9:
            t_break = min(t_break, t_sat)
        h_try = min(h, max_step, max(t_break - t, 0.0))
        if h_try <= 0.0:
            h_try = min(h, max_step)
        clipped = h_try < h
        # a step a breakpoint holds to under half the controller's: 3rd order suffices
        low = clipped and low_wait == 0 and LOW_ORDER_RATIO * h_try <= h
        if low:
            bs_step(t, y, f, h_try, p, mem, model, k, y_new, f_new, aux_new)
        else:
            dp_step(t, y, f, h_try, p, mem, model, k, y_new, f_new, aux_new)
        err = error_norm(k[0], y, y_new, rtol, atol)
        if not (all_finite(y_new) and np.isfinite(err)):
            n_rejected += 1
            h = 0.25 * h_try
            if h < h_min:
                status = ST_NONFINITE
            continue
        if err > 1.0:
            n_rejected += 1
            if low:  # retry the same step at 5th order; the controller is not told
                low_wait = LOW_ORDER_BACKOFF
                continue
            just_rejected = True
            h = h_try * max(MIN_FACTOR, SAFETY * err**-0.2)
            if h < h_min:
                status = ST_NONFINITE
            continue
        n_steps += 1
        if not low:
            low_wait = max(low_wait - 1, 0)
            # no growth right after a rejection (Hairer, Norsett & Wanner I, sec. II.4)
            grow = 1.0 if just_rejected else MAX_FACTOR
            just_rejected = False
            factor = grow if err == 0.0 else min(grow, SAFETY * err**-0.2)
            h = max(h, h_try * factor) if clipped else h_try * factor
        t_new = t + h_try

        # located events: the earliest root among those whose function crossed zero
        first = -1
        tau_first = math.inf
        have_dense = False
        for i in range(n_kinds):
            g_new = event_value(_EVKS[i], t_new, y_new, aux_new, p, mem, seq, ev_t)
            if g_old[i] > 0.0 and g_new <= 0.0:
                if not have_dense:
                    dense_coefficients(not low, y, y_new, f, f_new, k, h_try, rc)
                    have_dense = True
                tau = locate_root(
                    t,
                    y,
                    f,
                    h_try,
                    g_old[i],
                    g_new,
                    _EVKS[i],
                    p,
                    mem,
                    model,
                    ev_t,
                    k,
                    rc,
                    y_ev,
                    f_ev,
                    aux_ev,
                    y_sub,
                    f_sub,
                    aux_sub,
                )
                if tau < tau_first:
                    first = _EVKS[i]
                    tau_first = tau
                    copy_into(y_try, y_ev)
                    copy_into(f_try, f_ev)
                    copy_into(aux_try, aux_ev)
        if first >= 0:
            t_new = t + tau_first
            copy_into(y_new, y_try)
            copy_into(f_new, f_try)
            copy_into(aux_new, aux_try)

        if track_peaks:  # shift the history; look for interior maxima at its middle point
            for i in range(n):
                yh[0, i] = yh[1, i]
                yh[1, i] = yh[2, i]
                yh[2, i] = y_new[i]
                fh[0, i] = fh[1, i]
                fh[1, i] = fh[2, i]
                fh[2, i] = f_new[i]
            th[0], th[1], th[2] = th[1], th[2], t_new
            for i in range(mem.size):
                memh[0, i] = memh[1, i]
                memh[1, i] = memh[2, i]
                memh[2, i] = mem[i]
            for j in range(peak_ev.size):
                mh[0, j] = mh[1, j]
                mh[1, j] = mh[2, j]
                mh[2, j] = aux_new[peak_aux[j]]
            n_hist = min(n_hist + 1, 3)
            if n_hist == 3:
                for j in range(peak_ev.size):
                    e = peak_ev[j]
                    if mh[1, j] > mh[0, j] and mh[1, j] >= mh[2, j] and mh[1, j] >= ev_val[e]:
                        m3[0] = mh[0, j]
                        m3[1] = mh[1, j]
                        m3[2] = mh[2, j]
                        tp, mp = refine_peak(
                            peak_aux[j],
                            th,
                            yh,
                            fh,
                            m3,
                            p,
                            memh[0],
                            model,
                            k,
                            y_try,
                            f_try,
                            aux_try,
                            y_pk,
                        )
                        ev_t[e] = tp
                        copy_row(ev_y, e, y_pk)
                        ev_val[e] = mp
            for j in range(peak_ev.size):  # a maximum at the newest point (e.g. the end)
                e = peak_ev[j]
                if mh[2, j] > ev_val[e]:
                    ev_t[e] = t_new
                    copy_row(ev_y, e, y_new)
                    ev_val[e] = mh[2, j]

        t = t_new
        for i in range(n):
            y[i] = y_new[i]
            f[i] = f_new[i]
        y[S_BANK] = aux_new[A_BANK_RAD]  # the closed-form bank, not its quadrature
        for i in range(aux.size):
            aux[i] = aux_new[i]
        changed = False
        if first == EVK_GROUND:
            ev_t[EV_GROUND] = t
            copy_row(ev_y, EV_GROUND, y)
            ev_fired[EV_GROUND] = True
            ok = p[P_GROUND_OK] > 0.0 or mem[M_CUT] > 0.0
            status = ST_STOPPED if ok else ST_GROUND
        elif first == EVK_STOP:
            ev_t[EV_STOP] = t
            copy_row(ev_y, EV_STOP, y)
            ev_fired[EV_STOP] = True
            status = ST_STOPPED
        elif first == EVK_SEQ:
            if not _settle_sequence(
                t, y, aux, p, mem, model, ev_t, ev_y, ev_fired, spawn_t, spawn_y, spawn_b
            ):
                status = ST_SPAWN_OVERFLOW
            changed = True
        elif first == EVK_ROVER:
            if not rover_touchdown(
                t,
                y,
                aux,
                p,
                mem,
                model[BODY_TABLE],
                ev_t,
                ev_y,
                ev_fired,
                spawn_t,
                spawn_y,
                spawn_b,
            ):
                status = ST_SPAWN_OVERFLOW
            changed = True
        elif first == EVK_PROPELLANT:
            engines_out(t, y, mem, ev_t, ev_y, ev_fired)
            changed = True
        if status < 0 and mem[M_DONE] > 0.0:
            status = ST_STOPPED

        guidance = mem[M_GUIDANCE]
        cycled = False
        if status < 0 and t >= mem[M_NEXT_GUIDE_T] - 1e-9:
            cycled = guidance == GUID_ENTRY or guidance == GUID_POWERED
            if cycled:
                thrust_before[0], thrust_before[1], thrust_before[2], _, _ = thrust_terms(
                    p, mem, y[S_MASS]
                )
            if guidance == GUID_ENTRY:
                if changed:  # an event of this step changed the vehicle: aux is stale
                    rhs(t, y, p, mem, model, f, aux)
                fire = entry_cycle(t, y, aux, p, mem, model[ENTRY_REF], model[ENTRY_GAINS], seq)
                if fire >= 0:  # a cycle-checked trigger: always the next sequence event
                    if not _apply_next(
                        t, y, aux, p, mem, model, ev_t, ev_y, ev_fired, spawn_t, spawn_y, spawn_b
                    ):
                        status = ST_SPAWN_OVERFLOW
                    changed = True
                phase = mem[M_ETPC_PHASE]
                if phase >= PHASE_RANGE_CONTROL and not ev_fired[EV_RANGE_CONTROL]:
                    ev_t[EV_RANGE_CONTROL] = t
                    copy_row(ev_y, EV_RANGE_CONTROL, y)
                    ev_fired[EV_RANGE_CONTROL] = True
                if phase >= PHASE_HEADING_ALIGNMENT and not ev_fired[EV_HEADING_ALIGNMENT]:
                    ev_t[EV_HEADING_ALIGNMENT] = t
                    copy_row(ev_y, EV_HEADING_ALIGNMENT, y)
                    ev_fired[EV_HEADING_ALIGNMENT] = True
            elif guidance == GUID_POWERED:
                powered_cycle(t, y, p, mem, model[PLANET], ev_t, ev_y, ev_fired)
        if changed:
            rhs(t, y, p, mem, model, f, aux)
            n_hist = 0
            h = min(h, max_step)
        elif cycled:
            update_commands(t, y, p, mem, thrust_before, f, aux)
        for i in range(n_kinds):
            g_old[i] = event_value(_EVKS[i], t, y, aux, p, mem, seq, ev_t)

        if status >= 0:
            if out_dt > 0.0:
                n_out = _record(traj_t, traj_y, traj_aux, n_out, t, y, aux)
            break
        if out_dt > 0.0 and t >= next_out - 1e-9:
            n_out = _record(traj_t, traj_y, traj_aux, n_out, t, y, aux)
            next_out += out_dt
        if t >= t_max - 1e-12:
            status = ST_TIME_LIMIT
        elif n_steps >= max_steps:
            status = ST_MAX_STEPS
    copy_into(y_end, y)
    return status, t, n_out, n_steps, n_rejected
