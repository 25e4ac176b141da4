"""The compiled batch propagator: every case of a batch, one case per lane.

``propagate_batch`` is the only hot loop. It runs :func:`integrate_case` for
each case in a ``numba.prange`` loop over plain arrays (layout.py); there is no
scalar code path beside it, a single run is a batch of one. Failures are values
(a per-case status code), never exceptions, so one bad case cannot abort the
rest of a batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

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
    GUID_NONE,
    GUID_POWERED,
    M_AERO_TABLE,
    M_BANK_CMD,
    M_CHUTE_FIRE_T,
    M_CUT,
    M_DONE,
    M_ETPC_PHASE,
    M_GUIDANCE,
    M_LIFT_ON,
    M_LIFT_SIGN,
    M_NAV_X,
    M_NAV_Z,
    M_NEXT_GUIDE_T,
    M_PD_TGT_X,
    M_PD_TGT_Z,
    M_REF_AREA_M2,
    M_SEQ_NEXT,
    MAX_SPAWN,
    N_AUX,
    N_EVENTS,
    N_MEM,
    N_PARAMS,
    N_SETTINGS,
    N_STATE,
    P_AERO_TABLE,
    P_BANK_RAD,
    P_GROUND_OK,
    P_NAV_X,
    P_NAV_Z,
    P_REF_AREA_M2,
    P_T_MAX_S,
    P_TGT_X,
    P_TGT_Z,
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


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _record(traj_t, traj_y, traj_aux, n_out, t, y, aux):
    if n_out < traj_t.size:
        traj_t[n_out] = t
        traj_y[n_out, :] = y
        traj_aux[n_out, :] = aux
        return n_out + 1
    return n_out


@numba.njit(cache=True, error_model="numpy", nogil=True)
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


@numba.njit(cache=True, error_model="numpy", nogil=True)
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


@numba.njit(cache=True, error_model="numpy", nogil=True)
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


@numba.njit(cache=True, error_model="numpy", nogil=True)
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
):
    """Integrate one case from (t0, y0) until its flight ends or its time limit.

    Returns (status, t_end, n_out, n_steps, n_rejected). Events and spawned
    bodies are written in place.
    """
    n = N_STATE
    rtol = settings[SET_RTOL]
    atol = settings[SET_ATOL]
    max_step = settings[SET_MAX_STEP_S]
    out_dt = settings[SET_OUTPUT_DT_S]
    h = min(settings[SET_FIRST_STEP_S], max_step)
    max_steps = int(settings[SET_MAX_STEPS])
    t_max = t0 + p[P_T_MAX_S]
    seq = model[SEQ_TABLE]

    mem = mem0.copy()
    k = np.empty((6, n))
    y = y0.copy()
    f = np.empty(n)
    aux = np.empty(N_AUX)
    y_new = np.empty(n)
    f_new = np.empty(n)
    aux_new = np.empty(N_AUX)
    y_ev = np.empty(n)
    f_ev = np.empty(n)
    aux_ev = np.empty(N_AUX)
    y_try = np.empty(n)
    f_try = np.empty(n)
    aux_try = np.empty(N_AUX)
    y_pk = np.empty(n)
    n_kinds = len(_EVKS)
    g_old = np.empty(n_kinds)
    # history of the last three step ends, newest last, for peak location
    th = np.empty(3)
    yh = np.empty((3, n))
    fh = np.empty((3, n))
    mh = np.empty((3, peak_ev.size))
    memh = np.empty((3, mem.size))
    m3 = np.empty(3)
    thrust_before = np.empty(3)
    rc = np.empty((5, n))

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
        ev_y[e, :] = y
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
        ev_y[EV_GROUND, :] = y
        ev_fired[EV_GROUND] = True
    if mem[M_DONE] > 0.0 and status < 0:
        status = ST_STOPPED

    n_steps = 0
    n_rejected = 0
    just_rejected = False
    low_wait = 0
    h_min = 1e-12
    while status < 0:
        if n_hist == 0:
            th[2] = t
            yh[2, :] = y
            fh[2, :] = f
            memh[2, :] = mem
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
                )
                if tau < tau_first:
                    first = _EVKS[i]
                    tau_first = tau
                    y_try[:] = y_ev
                    f_try[:] = f_ev
                    aux_try[:] = aux_ev
        if first >= 0:
            t_new = t + tau_first
            y_new[:] = y_try
            f_new[:] = f_try
            aux_new[:] = aux_try

        # shift the history and look for interior maxima at its middle point
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
                    ev_y[e, :] = y_pk
                    ev_val[e] = mp
        for j in range(peak_ev.size):  # a maximum at the newest point (e.g. the end)
            e = peak_ev[j]
            if mh[2, j] > ev_val[e]:
                ev_t[e] = t_new
                ev_y[e, :] = y_new
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
            ev_y[EV_GROUND, :] = y
            ev_fired[EV_GROUND] = True
            ok = p[P_GROUND_OK] > 0.0 or mem[M_CUT] > 0.0
            status = ST_STOPPED if ok else ST_GROUND
        elif first == EVK_STOP:
            ev_t[EV_STOP] = t
            ev_y[EV_STOP, :] = y
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
                    ev_y[EV_RANGE_CONTROL, :] = y
                    ev_fired[EV_RANGE_CONTROL] = True
                if phase >= PHASE_HEADING_ALIGNMENT and not ev_fired[EV_HEADING_ALIGNMENT]:
                    ev_t[EV_HEADING_ALIGNMENT] = t
                    ev_y[EV_HEADING_ALIGNMENT, :] = y
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
    y_end[:] = y
    return status, t, n_out, n_steps, n_rejected


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _copy_model(m):
    """A private copy of the model tuple's arrays (see propagate_batch)."""
    return (
        m[0].copy(),
        m[1].copy(),
        m[2].copy(),
        m[3].copy(),
        m[4].copy(),
        m[5],
        m[6],
        m[7].copy(),
        m[8].copy(),
        m[9].copy(),
        m[10].copy(),
        m[11].copy(),
        m[12].copy(),
        m[13].copy(),
        m[14].copy(),
        m[15].copy(),
        m[16].copy(),
        m[17].copy(),
        m[18].copy(),
        m[19].copy(),
    )


@numba.njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def propagate_batch(
    t0,
    y0,
    params,
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
    status,
    t_end,
    y_end,
    traj_t,
    traj_y,
    traj_aux,
    n_out,
    n_steps,
    n_rejected,
    n_chunks,
):
    """Integrate every case of the batch in parallel (one case per lane).

    Cases run in contiguous chunks, one copy of the model tables per chunk:
    every call that receives the tables updates their reference counts, and
    threads sharing one copy would fight over the same cache lines.
    """
    n = y0.shape[0]
    for c in numba.prange(n_chunks):
        local = _copy_model(model)
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            st, te, no, ns, nr = integrate_case(
                t0[i],
                y0[i],
                params[i],
                mem0[i],
                local,
                settings,
                peak_ev,
                peak_aux,
                ev_t[i],
                ev_y[i],
                ev_val[i],
                ev_fired[i],
                spawn_t[i],
                spawn_y[i],
                spawn_b[i],
                traj_t[i],
                traj_y[i],
                traj_aux[i],
                y_end[i],
            )
            status[i] = st
            t_end[i] = te
            n_out[i] = no
            n_steps[i] = ns
            n_rejected[i] = nr


@dataclass(frozen=True, slots=True)
class RawBatch:
    """Arrays a batch run returns (n = number of cases).

    Attributes
    ----------
    status : int64[n]
        layout.ST_* per case.
    t_end_s : float64[n]
        Time at which each case stopped.
    y_end : float64[n, N_STATE]
        State at the end.
    event_t_s, event_y, event_value, event_fired : arrays [n, N_EVENTS, ...]
        Time, state, monitored value (peaks) and whether each event happened.
    spawn_t_s, spawn_y, spawn_body : arrays [n, max_spawn, ...]
        Jettisoned bodies: time, initial state, row of the body table (-1: none).
    traj_t_s, traj_y, traj_aux, traj_n : arrays
        Recorded trajectory with its derived quantities as the integration saw
        them (empty second axis when not recorded) and the number of valid
        rows per case.
    n_steps, n_rejected : int64[n]
        Accepted and rejected integration steps per case.
    """

    status: np.ndarray
    t_end_s: np.ndarray
    y_end: np.ndarray
    event_t_s: np.ndarray
    event_y: np.ndarray
    event_value: np.ndarray
    event_fired: np.ndarray
    spawn_t_s: np.ndarray
    spawn_y: np.ndarray
    spawn_body: np.ndarray
    traj_t_s: np.ndarray
    traj_y: np.ndarray
    traj_aux: np.ndarray
    traj_n: np.ndarray
    n_steps: np.ndarray
    n_rejected: np.ndarray


def run_batch(
    t0_s, y0, params, mem0, model, settings, *, peaks: bool = True, max_spawn: int = MAX_SPAWN
) -> RawBatch:
    """Propagate a batch; validates array shapes, allocates outputs, calls the kernel.

    ``peaks=False`` skips locating the peak events (heating, deceleration,
    dynamic pressure, parachute load), and ``max_spawn`` sizes the buffer of
    jettisoned bodies (a case that jettisons more ends ST_SPAWN_OVERFLOW): a
    pass that flies bodies to rest needs neither.
    """
    y0 = np.ascontiguousarray(y0, dtype=np.float64)
    params = np.ascontiguousarray(params, dtype=np.float64)
    mem0 = np.ascontiguousarray(mem0, dtype=np.float64)
    settings = np.ascontiguousarray(settings, dtype=np.float64)
    n = y0.shape[0]
    t0 = np.ascontiguousarray(np.broadcast_to(np.asarray(t0_s, dtype=np.float64), (n,)))
    shapes_ok = (
        y0.shape == (n, N_STATE)
        and params.shape == (n, N_PARAMS)
        and mem0.shape == (n, N_MEM)
        and settings.shape == (N_SETTINGS,)
    )
    if not shapes_ok:
        raise ValueError(
            f"batch shapes: y0 {y0.shape} (want (n, {N_STATE})), params {params.shape} "
            f"(want (n, {N_PARAMS})), mem0 {mem0.shape} (want (n, {N_MEM})), "
            f"settings {settings.shape} (want ({N_SETTINGS},))"
        )
    out_dt = settings[SET_OUTPUT_DT_S]
    n_rows = int(np.ceil(np.max(params[:, P_T_MAX_S]) / out_dt)) + 64 if out_dt > 0.0 else 0
    ev_t = np.full((n, N_EVENTS), np.nan)
    ev_y = np.full((n, N_EVENTS, N_STATE), np.nan)
    ev_val = np.full((n, N_EVENTS), np.nan)
    ev_fired = np.zeros((n, N_EVENTS), dtype=np.bool_)
    spawn_t = np.full((n, max_spawn), np.nan)
    spawn_y = np.full((n, max_spawn, N_STATE), np.nan)
    spawn_b = np.full((n, max_spawn), -1, dtype=np.int64)
    status = np.empty(n, dtype=np.int64)
    t_end = np.empty(n)
    y_end = np.empty((n, N_STATE))
    traj_t = np.full((n, n_rows), np.nan)
    traj_y = np.full((n, n_rows, N_STATE), np.nan)
    traj_aux = np.full((n, n_rows, N_AUX), np.nan)
    n_out = np.zeros(n, dtype=np.int64)
    n_steps = np.zeros(n, dtype=np.int64)
    n_rejected = np.zeros(n, dtype=np.int64)
    propagate_batch(
        t0,
        y0,
        params,
        mem0,
        model,
        settings,
        _PEAK_EV if peaks else _PEAK_EV[:0],
        _PEAK_AUX if peaks else _PEAK_AUX[:0],
        ev_t,
        ev_y,
        ev_val,
        ev_fired,
        spawn_t,
        spawn_y,
        spawn_b,
        status,
        t_end,
        y_end,
        traj_t,
        traj_y,
        traj_aux,
        n_out,
        n_steps,
        n_rejected,
        max(1, min(n, 8 * numba.get_num_threads())),
    )
    return RawBatch(
        status,
        t_end,
        y_end,
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
        n_out,
        n_steps,
        n_rejected,
    )


def default_settings(
    rtol: float = 1e-10,
    atol: float = 1e-8,
    max_step_s: float = 10.0,
    output_dt_s: float = 0.0,
    first_step_s: float = 0.1,
    max_steps: int = 1_000_000,
) -> np.ndarray:
    """Integrator settings vector (layout.SET_*)."""
    s = np.empty(N_SETTINGS)
    s[SET_RTOL] = rtol
    s[SET_ATOL] = atol
    s[SET_MAX_STEP_S] = max_step_s
    s[SET_OUTPUT_DT_S] = output_dt_s
    s[SET_FIRST_STEP_S] = first_step_s
    s[SET_MAX_STEPS] = max_steps
    return s


@numba.njit(cache=True, error_model="numpy")
def _derived_rows(ts, ys, p, mem, model, aux_out):
    dy = np.empty(N_STATE)
    for i in range(ys.shape[0]):
        rhs(ts[i], ys[i], p, mem, model, dy, aux_out[i])


def derived(
    ys: np.ndarray,
    params_row: np.ndarray,
    model: tuple,
    mem: np.ndarray | None = None,
    ts: np.ndarray | None = None,
) -> np.ndarray:
    """Derived quantities (layout.A_*) of states ``ys[..., N_STATE]`` from the kernel's own RHS.

    ``mem`` is the configuration to evaluate them in (default: the initial
    one, ``default_memory(params_row)``); ``ts`` the times (default 0).
    Quantities that depend on the configuration (aerodynamics, parachute,
    thrust) are those of that single configuration; altitude, speeds, Mach
    and dynamic pressure do not depend on it.
    """
    ys = np.asarray(ys, dtype=np.float64)
    flat = np.ascontiguousarray(ys.reshape(-1, N_STATE))
    aux = np.full((flat.shape[0], N_AUX), np.nan)
    ok = np.all(np.isfinite(flat), axis=1)
    if np.any(ok):
        p = np.ascontiguousarray(params_row, dtype=np.float64)
        m = default_memory(p) if mem is None else np.ascontiguousarray(mem, dtype=np.float64)
        times = np.zeros(flat.shape[0]) if ts is None else np.asarray(ts, dtype=float).ravel()
        sub = np.empty((int(ok.sum()), N_AUX))
        _derived_rows(
            np.ascontiguousarray(times[ok]), np.ascontiguousarray(flat[ok]), p, m, model, sub
        )
        aux[ok] = sub
    return aux.reshape((*ys.shape[:-1], N_AUX))


def default_memory(params_row: np.ndarray) -> np.ndarray:
    """Initial memory of a case: configuration from its parameters, nothing fired yet."""
    return default_memory_rows(np.asarray(params_row)[None])[0]


def default_memory_rows(params: np.ndarray) -> np.ndarray:
    """:func:`default_memory` of every row of ``params[n, N_PARAMS]``."""
    mem = np.zeros((params.shape[0], N_MEM))
    mem[:, M_LIFT_ON] = 1.0
    mem[:, M_AERO_TABLE] = params[:, P_AERO_TABLE]
    mem[:, M_REF_AREA_M2] = params[:, P_REF_AREA_M2]
    mem[:, M_GUIDANCE] = GUID_NONE
    mem[:, M_BANK_CMD] = params[:, P_BANK_RAD]
    mem[:, M_LIFT_SIGN] = 1.0
    mem[:, M_NEXT_GUIDE_T] = math.inf
    mem[:, M_CHUTE_FIRE_T] = math.nan
    mem[:, M_NAV_X : M_NAV_Z + 1] = params[:, P_NAV_X : P_NAV_Z + 1]
    mem[:, M_PD_TGT_X : M_PD_TGT_Z + 1] = params[:, P_TGT_X : P_TGT_Z + 1]
    return mem
