"""Named bundles of the arrays that cross into the compiled kernel and move inside it.

Each bundle is a :class:`typing.NamedTuple` of arrays (and, for one case's
inputs, a float): numba compiles them as tuples, so a field is read by name
at no cost, and a transposed argument is a type or attribute error instead of
a silent physics bug. Batch bundles hold ``[n, ...]`` arrays; their ``case_*``
helpers return row views of case ``i``. The index layout of every array is
:mod:`skycrane.contract.layout`.

numba passes a tuple argument to a function that is not inlined as its
flattened members, so the parts of the step loop (skycrane.propagate.integrator,
.locate, .peaks, .discrete) are inlined into the loop: they cost what the
single loop they were split from cost (docs/monte_carlo.md).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from skycrane._jit_options import ALLOCATING, SCALAR_INLINE
from skycrane.contract.layout import N_AUX, N_MEM, N_SENSED, N_STATE
from skycrane.propagate.events import N_EVK

N_THRUST_BEFORE = 5
"""Length of Workspace.thrust_before: acceleration (3), mass flow, thrust
(dynamics.thrust_terms)."""


class BatchInputs(NamedTuple):
    """Where each case of a batch starts (n cases)."""

    t0_s: np.ndarray
    """float64[n]: start time."""
    y0: np.ndarray
    """float64[n, N_STATE]: start state (layout.S_*)."""
    params: np.ndarray
    """float64[n, N_PARAMS]: constant parameters (layout.P_*)."""
    mem0: np.ndarray
    """float64[n, N_MEM]: start memory, the guidance and sequence modes (layout.M_*)."""


class CaseInputs(NamedTuple):
    """One case's row of :class:`BatchInputs`."""

    t0_s: float
    y0: np.ndarray
    params: np.ndarray
    mem0: np.ndarray


class KernelSettings(NamedTuple):
    """What every case of a batch shares besides the model tables."""

    values: np.ndarray
    """float64[N_SETTINGS]: tolerances, step limits, output interval (layout.SET_*)."""
    peak_event: np.ndarray
    """int64[n_peaks]: event slot (layout.EV_*) of each tracked peak (empty: none tracked)."""
    peak_aux: np.ndarray
    """int64[n_peaks]: derived quantity (layout.A_*) whose maximum that slot records."""


class EventRecord(NamedTuple):
    """Located events of one case ([N_EVENTS, ...]) or of a batch ([n, N_EVENTS, ...])."""

    t_s: np.ndarray
    """Time of each event (NaN: not yet)."""
    y: np.ndarray
    """State at each event."""
    value: np.ndarray
    """The monitored value at a peak event (NaN for the others)."""
    fired: np.ndarray
    """bool: whether each event happened."""


class SpawnBuffer(NamedTuple):
    """Jettisoned bodies of one case ([max_spawn, ...]) or of a batch ([n, max_spawn, ...])."""

    t_s: np.ndarray
    """Time each body left."""
    y: np.ndarray
    """Its initial state."""
    body: np.ndarray
    """int64: its row of the model's body table (-1: slot unused)."""


class Trajectory(NamedTuple):
    """Recorded trajectory of one case ([n_rows, ...]) or of a batch ([n, n_rows, ...])."""

    t_s: np.ndarray
    y: np.ndarray
    aux: np.ndarray
    """Derived quantities (layout.A_*) as the integration saw them."""


class CaseOutputs(NamedTuple):
    """What one case writes in place: row views of :class:`BatchOutputs`."""

    events: EventRecord
    spawn: SpawnBuffer
    traj: Trajectory
    y_end: np.ndarray


class BatchOutputs(NamedTuple):
    """Every array a batch writes (n cases)."""

    events: EventRecord
    spawn: SpawnBuffer
    traj: Trajectory
    y_end: np.ndarray
    """float64[n, N_STATE]: state at the end."""
    status: np.ndarray
    """int64[n]: layout.ST_* per case."""
    t_end_s: np.ndarray
    n_out: np.ndarray
    """int64[n]: valid trajectory rows."""
    n_steps: np.ndarray
    """int64[n]: accepted steps."""
    n_rejected: np.ndarray
    """int64[n]: rejected steps."""


class Flight(NamedTuple):
    """What the right-hand side reads besides time and state (dynamics.rhs)."""

    p: np.ndarray
    """float64[N_PARAMS]: the case's parameters (layout.P_*)."""
    mem: np.ndarray
    """float64[N_MEM]: its memory (layout.M_*), changed by discrete updates."""
    model: tuple
    """The shared model tables (skycrane.propagate.model)."""


class Point(NamedTuple):
    """A state with its derivative and derived quantities: what a step end carries."""

    y: np.ndarray
    """float64[N_STATE]."""
    f: np.ndarray
    """float64[N_STATE]: dy/dt there."""
    aux: np.ndarray
    """float64[N_AUX]: derived quantities (layout.A_*) there."""


class SubStep(NamedTuple):
    """Scratch of one exact sub-step: its stages and the point it reaches."""

    k: np.ndarray
    """float64[6, N_STATE]: stage derivatives (after a step, k[0] is the error estimate)."""
    end: Point


class PeakHistory(NamedTuple):
    """The last three step ends (newest last) and what a peak refinement writes."""

    t_s: np.ndarray
    """float64[3]."""
    y: np.ndarray
    """float64[3, N_STATE]."""
    f: np.ndarray
    """float64[3, N_STATE]."""
    value: np.ndarray
    """float64[3, n_peaks]: the tracked peak quantities there."""
    mem: np.ndarray
    """float64[3, N_MEM]: the memory there, round the rows (peaks._mem_row), not shifted."""
    m3: np.ndarray
    """float64[3]: one peak's three values (scratch)."""
    y_best: np.ndarray
    """float64[N_STATE]: the state at a refined peak (scratch)."""


class Workspace(NamedTuple):
    """Work arrays of one lane (:func:`case_workspace`), reused by every case it flies.

    None needs initialising: the loop writes each before reading it.
    """

    mem: np.ndarray
    """float64[N_MEM]: the case's memory as it flies."""
    now: Point
    """The accepted step end."""
    new: Point
    """The end of the step being tried (then of the located event)."""
    k: np.ndarray
    """float64[6, N_STATE]: stages of the step being tried."""
    rc: np.ndarray
    """float64[5, N_STATE]: coefficients of its continuous extension."""
    g_old: np.ndarray
    """float64[N_EVK]: event functions at the step start (events.EVK_*)."""
    located: Point
    """The state at one event's root."""
    earliest: Point
    """The state at the earliest root so far (then: peak refinement trials)."""
    trial: Point
    """Root-finding trials."""
    hist: PeakHistory
    thrust_before: np.ndarray
    """float64[N_THRUST_BEFORE]: the guidance-commanded thrust's acceleration (3), mass flow
    and thrust before a guidance cycle (dynamics.thrust_terms, for dynamics.update_commands)."""
    sensed: np.ndarray
    """float64[N_SENSED]: what the flight software is given at a cycle (sensing.sense, SN_*)."""


@numba.njit(**ALLOCATING)
def _point():
    return Point(np.empty(N_STATE), np.empty(N_STATE), np.empty(N_AUX))


@numba.njit(**ALLOCATING)
def case_workspace(n_peaks):
    """Work arrays of one lane, allocated once and reused by each case it flies.

    ``n_peaks`` is the number of peak events tracked (the history holds their values).
    """
    n = N_STATE
    hist = PeakHistory(
        np.empty(3),
        np.empty((3, n)),
        np.empty((3, n)),
        np.empty((3, n_peaks)),
        np.empty((3, N_MEM)),
        np.empty(3),
        np.empty(n),
    )
    return Workspace(
        np.empty(N_MEM),
        _point(),
        _point(),
        np.empty((6, n)),
        np.empty((5, n)),
        np.empty(N_EVK),
        _point(),
        _point(),
        _point(),
        hist,
        np.empty(N_THRUST_BEFORE),
        np.empty(N_SENSED),
    )


@numba.njit(**SCALAR_INLINE)
def case_inputs(inputs, i):
    """Row views of case ``i`` of a :class:`BatchInputs`."""
    return CaseInputs(inputs.t0_s[i], inputs.y0[i], inputs.params[i], inputs.mem0[i])
