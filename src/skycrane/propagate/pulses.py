"""Heating pulses: the spans of flight during which the stagnation point is being heated.

A pulse begins when the total stagnation heat rate (``A_HEAT_RATE_W_M2``,
convective + radiative) rises to the case's threshold ``P_PULSE_THRESHOLD_W_M2``
and ends when it falls back to it; both crossings are located as roots of an
event function (events.EVK_PULSE), to the integrator's accuracy. A direct
entry has one pulse; a skip entry two, separated by the soak at the skip's
apogee. The first ``MAX_PULSES`` are recorded in event slots:

* ``EV_PULSE{k}_START`` and ``EV_PULSE{k}_END``: time and state at the
  crossings. The state carries the integrated heat loads (``S_HEAT_LOAD``,
  ``S_RAD_HEAT_LOAD``), so a pulse's load is the difference of the two, exact
  to the integrator's accuracy (a pulse still lasting when the flight ends
  ends with it: the reduction takes the end state then);
* ``EV_PULSE{k}_PEAK``: the largest heat rate within the pulse, its time and
  state, refined like every other peak (propagate/peaks.py) while peaks are
  tracked.

A threshold of 0 or less tracks no pulses. Outside the pulses the heat rate is
below the threshold, so the loads of all
pulses fall short of the flight's total by at most the threshold times the
time spent outside them.
"""

from __future__ import annotations

import numba

from skycrane._jit_options import STEP_PATH_INLINE, copy_row
from skycrane.contract.layout import (
    A_HEAT_RATE_W_M2,
    EV_PULSE1_END,
    EV_PULSE1_PEAK,
    EV_PULSE1_START,
    M_IN_PULSE,
    M_PULSES,
    MAX_PULSES,
    P_PULSE_THRESHOLD_W_M2,
)


@numba.njit(**STEP_PATH_INLINE)
def pulse_peak_slot(mem):
    """Event slot of the peak of the pulse lasting now (-1: none, or past the recorded ones)."""
    k = int(mem[M_PULSES])
    if mem[M_IN_PULSE] <= 0.0 or k < 1 or k > MAX_PULSES:
        return -1
    return EV_PULSE1_PEAK + k - 1


@numba.njit(**STEP_PATH_INLINE)
def mark_event(slot, t, y, events):
    """Record event ``slot`` as fired at t with state ``y``."""
    events.t_s[slot] = t
    copy_row(events.y, slot, y)
    events.fired[slot] = True


@numba.njit(**STEP_PATH_INLINE)
def pulse_crossing(t, at, mem, events):
    """The heat rate crossed the threshold at ``at`` (bundles.Point) at t: a pulse begins or ends.

    A beginning pulse also starts its peak at the crossing (the rate rises
    from there; peaks.update_peaks raises it).
    """
    if mem[M_IN_PULSE] > 0.0:
        k = int(mem[M_PULSES])
        mem[M_IN_PULSE] = 0.0
        if k <= MAX_PULSES:
            mark_event(EV_PULSE1_END + k - 1, t, at.y, events)
        return
    k = int(mem[M_PULSES]) + 1
    mem[M_PULSES] = k
    mem[M_IN_PULSE] = 1.0
    if k <= MAX_PULSES:
        mark_event(EV_PULSE1_START + k - 1, t, at.y, events)
        peak = EV_PULSE1_PEAK + k - 1
        mark_event(peak, t, at.y, events)
        events.value[peak] = at.aux[A_HEAT_RATE_W_M2]


@numba.njit(**STEP_PATH_INLINE)
def start_pulses(t, at, p, mem, events):
    """At the flight's start: a pulse already lasts if the heat rate is at the threshold.

    A threshold of 0 or less tracks no pulses (a coast, a hand-built case).
    """
    threshold = p[P_PULSE_THRESHOLD_W_M2]
    if threshold > 0.0 and mem[M_IN_PULSE] <= 0.0 and at.aux[A_HEAT_RATE_W_M2] >= threshold:
        pulse_crossing(t, at, mem, events)
