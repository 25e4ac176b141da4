"""The compiled batch propagator: every case of a batch, one case per lane.

``propagate_batch`` is the only hot loop. It runs :func:`integrate_case` for
each case in a ``numba.prange`` loop over named bundles of plain arrays
(bundles.py; their index layout is layout.py); there is no
scalar code path beside it, a single run is a batch of one. Failures are values
(a per-case status code), never exceptions, so one bad case cannot abort the
rest of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from skycrane._jit_options import BATCH, WITH_GIL
from skycrane.contract.layout import (
    MAX_SPAWN,
    N_AUX,
    N_EVENTS,
    N_MEM,
    N_PARAMS,
    N_SETTINGS,
    N_STATE,
    P_T_MAX_S,
    SET_ATOL,
    SET_FIRST_STEP_S,
    SET_MAX_STEP_S,
    SET_MAX_STEPS,
    SET_OUTPUT_DT_S,
    SET_RTOL,
    initial_memory,
)
from skycrane.propagate.bundles import (
    BatchInputs,
    BatchOutputs,
    CaseOutputs,
    EventRecord,
    KernelSettings,
    SpawnBuffer,
    Trajectory,
    case_inputs,
    case_workspace,
)
from skycrane.propagate.case import PEAK_AUX, PEAK_EV, integrate_case
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.model import freeze_model


@numba.njit(**BATCH)
def propagate_batch(inputs, model, settings, out, n_chunks):
    """Integrate every case of the batch in parallel (one case per lane).

    ``inputs`` is a bundles.BatchInputs, ``model`` the model tuple
    (skycrane.propagate.model), ``settings`` a bundles.KernelSettings and
    ``out`` the bundles.BatchOutputs written in place. Cases run in
    ``n_chunks`` contiguous chunks, each with one set of work arrays
    (bundles.case_workspace) for all its cases.
    """
    n = inputs.y0.shape[0]
    # numba's parallel loop takes a tuple of arrays from outside, not a tuple
    # of tuples: ``out`` comes apart here, and each case's views are bundled inside
    ev_t, ev_y, ev_value, ev_fired = out.events
    spawn_t, spawn_y, spawn_body = out.spawn
    traj_t, traj_y, traj_aux = out.traj
    y_end = out.y_end
    status = out.status
    t_end_s = out.t_end_s
    n_out = out.n_out
    n_steps = out.n_steps
    n_rejected = out.n_rejected
    for c in numba.prange(n_chunks):
        ws = case_workspace(settings.peak_event.size)
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            case_out = CaseOutputs(
                EventRecord(ev_t[i], ev_y[i], ev_value[i], ev_fired[i]),
                SpawnBuffer(spawn_t[i], spawn_y[i], spawn_body[i]),
                Trajectory(traj_t[i], traj_y[i], traj_aux[i]),
                y_end[i],
            )
            st, te, no, ns, nr = integrate_case(
                case_inputs(inputs, i), model, settings, ws, case_out
            )
            status[i] = st
            t_end_s[i] = te
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
    model = freeze_model(model)
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
    out = BatchOutputs(
        EventRecord(
            np.full((n, N_EVENTS), np.nan),
            np.full((n, N_EVENTS, N_STATE), np.nan),
            np.full((n, N_EVENTS), np.nan),
            np.zeros((n, N_EVENTS), dtype=np.bool_),
        ),
        SpawnBuffer(
            np.full((n, max_spawn), np.nan),
            np.full((n, max_spawn, N_STATE), np.nan),
            np.full((n, max_spawn), -1, dtype=np.int64),
        ),
        Trajectory(
            np.full((n, n_rows), np.nan),
            np.full((n, n_rows, N_STATE), np.nan),
            np.full((n, n_rows, N_AUX), np.nan),
        ),
        np.empty((n, N_STATE)),
        np.empty(n, dtype=np.int64),
        np.empty(n),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
    )
    kernel_settings = KernelSettings(
        settings, PEAK_EV if peaks else PEAK_EV[:0], PEAK_AUX if peaks else PEAK_AUX[:0]
    )
    propagate_batch(
        BatchInputs(t0, y0, params, mem0),
        model,
        kernel_settings,
        out,
        max(1, min(n, 8 * numba.get_num_threads())),
    )
    ev, sp, tr = out.events, out.spawn, out.traj
    return RawBatch(
        out.status,
        out.t_end_s,
        out.y_end,
        ev.t_s,
        ev.y,
        ev.value,
        ev.fired,
        sp.t_s,
        sp.y,
        sp.body,
        tr.t_s,
        tr.y,
        tr.aux,
        out.n_out,
        out.n_steps,
        out.n_rejected,
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


@numba.njit(**WITH_GIL)
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
        model = freeze_model(model)
        _derived_rows(
            np.ascontiguousarray(times[ok]), np.ascontiguousarray(flat[ok]), p, m, model, sub
        )
        aux[ok] = sub
    return aux.reshape((*ys.shape[:-1], N_AUX))


def default_memory(params_row: np.ndarray) -> np.ndarray:
    """Initial memory of a case: configuration from its parameters, nothing fired yet."""
    return default_memory_rows(np.asarray(params_row)[None])[0]


def default_memory_rows(params: np.ndarray) -> np.ndarray:
    """:func:`default_memory` of every row of ``params[n, N_PARAMS]``: the declared values."""
    return initial_memory(params)
