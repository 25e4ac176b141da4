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

from skycrane.propagate.dynamics import rhs
from skycrane.propagate.events import event_value
from skycrane.propagate.integrator import (
    MAX_FACTOR,
    MIN_FACTOR,
    SAFETY,
    all_finite,
    dp_step,
    error_norm,
    locate_root,
    refine_peak,
)
from skycrane.propagate.layout import (
    EV_GROUND,
    EV_STOP,
    N_AUX,
    N_EVENTS,
    N_PARAMS,
    N_SETTINGS,
    N_STATE,
    P_T_MAX_S,
    PEAK_EVENTS,
    SET_ATOL,
    SET_FIRST_STEP_S,
    SET_MAX_STEP_S,
    SET_MAX_STEPS,
    SET_OUTPUT_DT_S,
    SET_RTOL,
    ST_GROUND,
    ST_MAX_STEPS,
    ST_NONFINITE,
    ST_STOPPED,
    ST_TIME_LIMIT,
)

_PEAK_EV = np.array([e for e, _ in PEAK_EVENTS], dtype=np.int64)
_PEAK_AUX = np.array([a for _, a in PEAK_EVENTS], dtype=np.int64)


@numba.njit(cache=True, nogil=True)
def _record(traj_t, traj_y, n_out, t, y):
    if n_out < traj_t.size:
        traj_t[n_out] = t
        traj_y[n_out, :] = y
        return n_out + 1
    return n_out


@numba.njit(cache=True, nogil=True)
def integrate_case(
    t0,
    y0,
    p,
    model,
    settings,
    peak_ev,
    peak_aux,
    ev_t,
    ev_y,
    ev_val,
    ev_fired,
    traj_t,
    traj_y,
    y_end,
):
    """Integrate one case from (t0, y0) until a terminal event or its time limit.

    Returns (status, t_end, n_out, n_steps). Event slots are written in place.
    """
    n = N_STATE
    rtol = settings[SET_RTOL]
    atol = settings[SET_ATOL]
    max_step = settings[SET_MAX_STEP_S]
    out_dt = settings[SET_OUTPUT_DT_S]
    h = min(settings[SET_FIRST_STEP_S], max_step)
    max_steps = int(settings[SET_MAX_STEPS])
    t_max = t0 + p[P_T_MAX_S]

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
    # history of the last three step ends, newest last, for peak location
    th = np.empty(3)
    yh = np.empty((3, n))
    fh = np.empty((3, n))
    mh = np.empty((3, peak_ev.size))
    m3 = np.empty(3)

    t = t0
    rhs(t, y, p, model, f, aux)
    for j in range(peak_ev.size):
        e = peak_ev[j]
        ev_t[e] = t
        ev_y[e, :] = y
        ev_val[e] = aux[peak_aux[j]]
        ev_fired[e] = True
        mh[2, j] = aux[peak_aux[j]]
    th[2] = t
    yh[2, :] = y
    fh[2, :] = f
    n_hist = 1

    n_out = 0
    next_out = t0
    if out_dt > 0.0:
        n_out = _record(traj_t, traj_y, n_out, t, y)
        next_out = t0 + out_dt

    g_stop = event_value(EV_STOP, aux, p)
    g_ground = event_value(EV_GROUND, aux, p)
    status = -1
    if g_stop <= 0.0:
        status = ST_STOPPED
        ev_t[EV_STOP] = t
        ev_y[EV_STOP, :] = y
        ev_fired[EV_STOP] = True
    elif g_ground <= 0.0:
        status = ST_GROUND
        ev_t[EV_GROUND] = t
        ev_y[EV_GROUND, :] = y
        ev_fired[EV_GROUND] = True

    n_steps = 0
    h_min = 1e-12
    while status < 0:
        t_break = t_max
        if out_dt > 0.0 and next_out < t_break:
            t_break = next_out
        h_try = min(h, max_step, t_break - t)
        clipped = h_try < h
        dp_step(t, y, f, h_try, p, model, k, y_new, f_new, aux_new)
        err = error_norm(k[0], y, y_new, rtol, atol)
        if not (all_finite(y_new) and np.isfinite(err)):
            h = 0.25 * h_try
            if h < h_min:
                status = ST_NONFINITE
            continue
        if err > 1.0:
            h = h_try * max(MIN_FACTOR, SAFETY * err**-0.2)
            if h < h_min:
                status = ST_NONFINITE
            continue
        n_steps += 1
        factor = MAX_FACTOR if err == 0.0 else min(MAX_FACTOR, SAFETY * err**-0.2)
        h = max(h, h_try * factor) if clipped else h_try * factor
        t_new = t + h_try

        # terminal events: the earliest located root wins
        terminal = -1
        tau_first = math.inf
        g_stop_new = event_value(EV_STOP, aux_new, p)
        g_ground_new = event_value(EV_GROUND, aux_new, p)
        if g_stop > 0.0 and g_stop_new <= 0.0:
            tau = locate_root(
                t, y, f, h_try, g_stop, g_stop_new, EV_STOP, p, model, k, y_ev, f_ev, aux_ev
            )
            terminal = EV_STOP
            tau_first = tau
            y_try[:] = y_ev
            f_try[:] = f_ev
            aux_try[:] = aux_ev
        if g_ground > 0.0 and g_ground_new <= 0.0:
            tau = locate_root(
                t, y, f, h_try, g_ground, g_ground_new, EV_GROUND, p, model, k, y_ev, f_ev, aux_ev
            )
            if tau < tau_first:
                terminal = EV_GROUND
                tau_first = tau
                y_try[:] = y_ev
                f_try[:] = f_ev
                aux_try[:] = aux_ev
        if terminal >= 0:
            t_new = t + tau_first
            y_new[:] = y_try
            f_new[:] = f_try
            aux_new[:] = aux_try

        # shift the history and look for interior maxima at its middle point
        for s in range(2):
            th[s] = th[s + 1]
            yh[s, :] = yh[s + 1]
            fh[s, :] = fh[s + 1]
            mh[s, :] = mh[s + 1]
        th[2] = t_new
        yh[2, :] = y_new
        fh[2, :] = f_new
        for j in range(peak_ev.size):
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
                        peak_aux[j], th, yh, fh, m3, p, model, k, y_try, f_try, aux_try, y_pk
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
        y[:] = y_new
        f[:] = f_new
        aux[:] = aux_new
        g_stop = event_value(EV_STOP, aux, p)
        g_ground = event_value(EV_GROUND, aux, p)

        if terminal >= 0:
            ev_t[terminal] = t
            ev_y[terminal, :] = y
            ev_fired[terminal] = True
            status = ST_STOPPED if terminal == EV_STOP else ST_GROUND
            if out_dt > 0.0:
                n_out = _record(traj_t, traj_y, n_out, t, y)
            break
        if out_dt > 0.0 and t >= next_out - 1e-9:
            n_out = _record(traj_t, traj_y, n_out, t, y)
            next_out += out_dt
        if t >= t_max - 1e-12:
            status = ST_TIME_LIMIT
        elif n_steps >= max_steps:
            status = ST_MAX_STEPS
    y_end[:] = y
    return status, t, n_out, n_steps


@numba.njit(cache=True, parallel=True)
def propagate_batch(
    t0,
    y0,
    params,
    model,
    settings,
    peak_ev,
    peak_aux,
    ev_t,
    ev_y,
    ev_val,
    ev_fired,
    status,
    t_end,
    y_end,
    traj_t,
    traj_y,
    n_out,
    n_steps,
):
    """Integrate every case of the batch in parallel (one case per lane)."""
    for i in numba.prange(y0.shape[0]):
        st, te, no, ns = integrate_case(
            t0[i],
            y0[i],
            params[i],
            model,
            settings,
            peak_ev,
            peak_aux,
            ev_t[i],
            ev_y[i],
            ev_val[i],
            ev_fired[i],
            traj_t[i],
            traj_y[i],
            y_end[i],
        )
        status[i] = st
        t_end[i] = te
        n_out[i] = no
        n_steps[i] = ns


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
    traj_t_s, traj_y, traj_n : arrays
        Recorded trajectory (empty second axis when not recorded) and the
        number of valid rows per case.
    n_steps : int64[n]
        Accepted integration steps per case.
    """

    status: np.ndarray
    t_end_s: np.ndarray
    y_end: np.ndarray
    event_t_s: np.ndarray
    event_y: np.ndarray
    event_value: np.ndarray
    event_fired: np.ndarray
    traj_t_s: np.ndarray
    traj_y: np.ndarray
    traj_n: np.ndarray
    n_steps: np.ndarray


def run_batch(t0_s, y0, params, model, settings) -> RawBatch:
    """Propagate a batch; validates array shapes, allocates outputs, calls the kernel."""
    y0 = np.ascontiguousarray(y0, dtype=np.float64)
    params = np.ascontiguousarray(params, dtype=np.float64)
    settings = np.ascontiguousarray(settings, dtype=np.float64)
    n = y0.shape[0]
    t0 = np.ascontiguousarray(np.broadcast_to(np.asarray(t0_s, dtype=np.float64), (n,)))
    if y0.shape != (n, N_STATE) or params.shape != (n, N_PARAMS) or settings.shape != (N_SETTINGS,):
        raise ValueError(
            f"batch shapes: y0 {y0.shape} (want (n, {N_STATE})), params {params.shape} "
            f"(want (n, {N_PARAMS})), settings {settings.shape} (want ({N_SETTINGS},))"
        )
    out_dt = settings[SET_OUTPUT_DT_S]
    if out_dt > 0.0:
        n_rows = int(np.ceil(np.max(params[:, P_T_MAX_S]) / out_dt)) + 3
    else:
        n_rows = 0
    ev_t = np.full((n, N_EVENTS), np.nan)
    ev_y = np.full((n, N_EVENTS, N_STATE), np.nan)
    ev_val = np.full((n, N_EVENTS), np.nan)
    ev_fired = np.zeros((n, N_EVENTS), dtype=np.bool_)
    status = np.empty(n, dtype=np.int64)
    t_end = np.empty(n)
    y_end = np.empty((n, N_STATE))
    traj_t = np.full((n, n_rows), np.nan)
    traj_y = np.full((n, n_rows, N_STATE), np.nan)
    n_out = np.zeros(n, dtype=np.int64)
    n_steps = np.zeros(n, dtype=np.int64)
    propagate_batch(
        t0,
        y0,
        params,
        model,
        settings,
        _PEAK_EV,
        _PEAK_AUX,
        ev_t,
        ev_y,
        ev_val,
        ev_fired,
        status,
        t_end,
        y_end,
        traj_t,
        traj_y,
        n_out,
        n_steps,
    )
    return RawBatch(
        status, t_end, y_end, ev_t, ev_y, ev_val, ev_fired, traj_t, traj_y, n_out, n_steps
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


@numba.njit(cache=True)
def _derived_rows(ys, p, model, aux_out):
    dy = np.empty(N_STATE)
    for i in range(ys.shape[0]):
        rhs(0.0, ys[i], p, model, dy, aux_out[i])


def derived(ys: np.ndarray, params_row: np.ndarray, model: tuple) -> np.ndarray:
    """Derived quantities (layout.A_*) of states ``ys[..., N_STATE]`` from the kernel's own RHS."""
    ys = np.asarray(ys, dtype=np.float64)
    flat = np.ascontiguousarray(ys.reshape(-1, N_STATE))
    aux = np.full((flat.shape[0], N_AUX), np.nan)
    ok = np.all(np.isfinite(flat), axis=1)
    if np.any(ok):
        sub = np.empty((int(ok.sum()), N_AUX))
        _derived_rows(np.ascontiguousarray(flat[ok]), np.ascontiguousarray(params_row), model, sub)
        aux[ok] = sub
    return aux.reshape((*ys.shape[:-1], N_AUX))
