"""Peak events: the maxima of tracked derived quantities (heat rate, deceleration, ...).

The step loop keeps the last three step ends (bundles.PeakHistory). When the
middle one holds a local maximum of a tracked quantity, it is refined by
successive parabolic interpolation over the three, each trial point reached
by an exact Dormand–Prince sub-step; a maximum at the newest point (the end
of the flight, or a quantity still rising) is recorded as it stands.

The heating pulses' peak (tracked as slot ``EV_PULSE1_PEAK``) goes to the slot
of the pulse lasting at the time (:func:`peak_slot`), and is not tracked
between pulses: each pulse's peak is the maximum within it.
"""

from __future__ import annotations

import numba
import numpy as np

from skycrane._jit_options import SCALAR, STEP_PATH, STEP_PATH_INLINE, copy_into, copy_row
from skycrane.contract.layout import EV_PULSE1_PEAK
from skycrane.propagate.bundles import Flight
from skycrane.propagate.integrator import dp_step
from skycrane.propagate.pulses import pulse_peak_slot


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
def refine_peak(which_aux, th, yh, fh, m, flight, sub, y_best):
    """Locate the maximum of aux[which_aux] bracketed by three step ends.

    ``th``/``yh``/``fh`` are the times, states and derivatives of three
    consecutive step ends of ``flight`` (bundles.Flight, in the memory of the
    first) and ``m`` their monitored values, with
    m[1] >= m[0], m[1] >= m[2]. Successive parabolic interpolation (Brent,
    *Algorithms for Minimization without Derivatives*, 1973, ch. 5) with each
    trial point reached by an exact sub-step from the step end on its left.
    Returns (t_best, m_best) and writes the best state to ``y_best``;
    ``sub`` (bundles.SubStep) is scratch.
    """
    p, mem, model = flight
    k = sub.k
    y_try, f_try, aux_try = sub.end
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


@numba.njit(**STEP_PATH_INLINE)
def peak_slot(e, mem):
    """Event slot a tracked peak ``e`` records into now (-1: not tracked now).

    The pulses' peak goes to the pulse lasting now (pulses.pulse_peak_slot); the others
    to their own slot.
    """
    if e == EV_PULSE1_PEAK:
        return pulse_peak_slot(mem)
    return e


@numba.njit(**STEP_PATH_INLINE)
def start_peaks(t, at, settings, events):
    """Every tracked peak starts as its value at the point ``at`` (bundles.Point) at time t.

    The pulses' peak is started by its pulse (pulses.pulse_crossing).
    """
    for j in range(settings.peak_event.size):
        e = settings.peak_event[j]
        if e == EV_PULSE1_PEAK:
            continue
        events.t_s[e] = t
        copy_row(events.y, e, at.y)
        events.value[e] = at.aux[settings.peak_aux[j]]
        events.fired[e] = True


@numba.njit(**STEP_PATH_INLINE)
def _mem_row(n_point):
    """Row of ``PeakHistory.mem`` holding the memory of the history's point ``n_point``.

    The points are numbered from 1 at the history's restart; their memory rows
    go round the three rows instead of shifting down a row at each step, as the
    times, states and derivatives do: a row of the memory is N_MEM values, and
    moving two of them at each step end was ~35 ns of a ~1.3 us step
    (docs/monte_carlo.md, sixth pass).
    """
    return n_point % 3


@numba.njit(**STEP_PATH_INLINE)
def start_history(t, at, mem, settings, hist):
    """Restart the history at one point (the flight's start, or after a discrete change).

    Returns the number of points taken since the restart (1).
    """
    hist.t_s[2] = t
    copy_row(hist.y, 2, at.y)
    copy_row(hist.f, 2, at.f)
    copy_row(hist.mem, _mem_row(1), mem)
    for j in range(settings.peak_aux.size):
        hist.value[2, j] = at.aux[settings.peak_aux[j]]
    return 1


@numba.njit(**STEP_PATH_INLINE)
def update_peaks(t_new, new, n_hist, flight, settings, events, hist, sub):
    """Shift the history to the new step end ``new`` at t_new; record and refine the peaks.

    ``flight`` is the case (bundles.Flight) in the memory the step was taken
    with. A tracked quantity whose middle point is a maximum above the one
    recorded is refined (:func:`refine_peak`); one whose newest point is above
    it is recorded there. Returns the number of points taken since the
    history's restart (it holds the last three of them). ``sub``
    (bundles.SubStep) is scratch.
    """
    th, yh, fh, mh, memh, m3, y_pk = hist
    mem = flight.mem
    for i in range(new.y.size):
        yh[0, i] = yh[1, i]
        yh[1, i] = yh[2, i]
        yh[2, i] = new.y[i]
        fh[0, i] = fh[1, i]
        fh[1, i] = fh[2, i]
        fh[2, i] = new.f[i]
    th[0], th[1], th[2] = th[1], th[2], t_new
    n_hist += 1
    copy_row(memh, _mem_row(n_hist), mem)
    peak_ev = settings.peak_event
    peak_aux = settings.peak_aux
    for j in range(peak_ev.size):
        mh[0, j] = mh[1, j]
        mh[1, j] = mh[2, j]
        mh[2, j] = new.aux[peak_aux[j]]
    ev_t = events.t_s
    ev_val = events.value
    if n_hist >= 3:
        oldest = Flight(flight.p, memh[_mem_row(n_hist - 2)], flight.model)
        for j in range(peak_ev.size):
            e = peak_slot(peak_ev[j], mem)
            if e < 0:
                continue
            if mh[1, j] > mh[0, j] and mh[1, j] >= mh[2, j] and mh[1, j] >= ev_val[e]:
                m3[0] = mh[0, j]
                m3[1] = mh[1, j]
                m3[2] = mh[2, j]
                tp, mp = refine_peak(peak_aux[j], th, yh, fh, m3, oldest, sub, y_pk)
                ev_t[e] = tp
                copy_row(events.y, e, y_pk)
                ev_val[e] = mp
    for j in range(peak_ev.size):  # a maximum at the newest point (e.g. the end)
        e = peak_slot(peak_ev[j], mem)
        if e >= 0 and mh[2, j] > ev_val[e]:
            ev_t[e] = t_new
            copy_row(events.y, e, new.y)
            ev_val[e] = mh[2, j]
    return n_hist
