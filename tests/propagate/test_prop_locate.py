"""Event location alone (skycrane.propagate.locate.earliest_event, locate_root).

On a real coast step (Mars 2020, 1,600 km up, falling):

* a time trigger's root is known exactly (g = t_fire - t): located to the
  root finder's tolerance, 1e-10 |t|;
* an altitude trigger's root is compared with an independent reference:
  bisection to 1e-12 s on exact Dormand–Prince sub-steps from the step start
  (no continuous extension, no regula falsi); the state handed back is on the
  side where the event has happened;
* of two events crossing in one step the earlier wins, whichever order the
  event functions are scanned in; an event that was not positive at the
  step's start does not fire.
"""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.contract import layout as L
from skycrane.propagate.bundles import Flight, case_workspace
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.events import EVK_SEQ, EVK_STOP
from skycrane.propagate.integrator import dp_step, take_step
from skycrane.propagate.locate import earliest_event, event_values
from skycrane.propagate.model import SEQ_TABLE, freeze_model

H_S = 40.0


def _one_event(kind, value):
    seq = np.full((L.N_SQ_ROWS, 1), np.nan)
    seq[L.SQ_TRIGGER, 0] = kind
    seq[L.SQ_VALUE, 0] = value
    seq[L.SQ_REF, 0] = -1
    for row in (L.SQ_LIFT, L.SQ_AERO, L.SQ_GUIDANCE):
        seq[row, 0] = -1.0
    seq[[L.SQ_CHUTE, L.SQ_SPAWN0, L.SQ_SPAWN_N, L.SQ_STOP, L.SQ_NAV], 0] = 0.0
    return seq


def _step(coast, seq, stop_altitude_m=None):
    """A coast step of H_S with one sequence event; returns (t, flight, ev_t, ws) after it."""
    t, y, p, mem, model = coast
    p = p.copy()
    mem = mem.copy()
    mem[L.M_SEQ_NEXT] = 0
    if stop_altitude_m is not None:
        p[L.P_STOP_KIND] = L.STOP_ALTITUDE
        p[L.P_STOP_VALUE] = stop_altitude_m
    model = list(model)
    model[SEQ_TABLE] = seq
    flight = Flight(p, mem, freeze_model(tuple(model)))
    ev_t = np.full(L.N_EVENTS, np.nan)
    ws = case_workspace(0)
    ws.now.y[:] = y
    rhs(t, y, p, mem, flight.model, ws.now.f, ws.now.aux)
    event_values(t, ws.now, flight, ev_t, ws.g_old)
    take_step(False, t, H_S, ws.now, flight, ws.k, ws.new, 1e-10, 1e-8)
    return t, flight, ev_t, ws


def _altitude_after(coast, tau):
    t, y, p, mem, model = coast
    f = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)
    rhs(t, y, p, mem, model, f, aux)
    k = np.empty((6, L.N_STATE))
    y_new, f_new = np.empty(L.N_STATE), np.empty(L.N_STATE)
    dp_step(t, y, f, tau, p, mem, model, k, y_new, f_new, aux)
    return aux[L.A_ALT_M]


def test_time_trigger_root_is_exact(coast):
    """Analytic root: g = t_fire - t vanishes at t_fire."""
    t = coast[0]
    t_fire = t + 0.37 * H_S
    t, flight, ev_t, ws = _step(coast, _one_event(L.TR_TIME, t_fire))
    first, t_new = earliest_event(t, H_S, True, flight, ev_t, ws)
    assert first == EVK_SEQ
    assert abs(t_new - t_fire) <= 1e-10 * abs(t)
    assert t_new >= t_fire  # handed back on the side where the event has happened


def test_altitude_root_matches_bisection_on_exact_substeps(coast):
    """Independent reference: bisection of the altitude on exact sub-steps from the step start."""
    alt_end = _altitude_after(coast, H_S)
    alt_start = _altitude_after(coast, 0.0)
    trigger = alt_start + 0.61 * (alt_end - alt_start)
    a, b = 0.0, H_S
    while b - a > 1e-12:
        mid = 0.5 * (a + b)
        a, b = (mid, b) if _altitude_after(coast, mid) > trigger else (a, mid)
    t, flight, ev_t, ws = _step(coast, _one_event(L.TR_ALTITUDE_BELOW, trigger))
    first, t_new = earliest_event(t, H_S, True, flight, ev_t, ws)
    assert first == EVK_SEQ
    tol = 1e-10 * max(1.0, abs(t))
    assert abs((t_new - t) - b) <= tol
    assert ws.new.aux[L.A_ALT_M] <= trigger
    speed = np.linalg.norm(ws.new.y[3:6])
    assert trigger - ws.new.aux[L.A_ALT_M] <= speed * tol + 1e-6
    # the state handed back is the exact sub-step to the located time
    y_ref = np.empty(L.N_STATE)
    k = np.empty((6, L.N_STATE))
    dp_step(t, ws.now.y, ws.now.f, t_new - t, *flight, k, y_ref, np.empty(L.N_STATE), ws.trial.aux)
    np.testing.assert_allclose(ws.new.y[:7], y_ref[:7], rtol=1e-13)


@pytest.mark.parametrize("stop_first", [True, False])
def test_earliest_of_two_events_wins(coast, stop_first):
    """Two events cross in one step: the earlier root ends the step, either way round."""
    alt_start = _altitude_after(coast, 0.0)
    alt_end = _altitude_after(coast, H_S)
    t = coast[0]
    frac_stop, frac_time = (0.3, 0.7) if stop_first else (0.7, 0.3)
    stop_alt = alt_start + frac_stop * (alt_end - alt_start)
    t_fire = t + frac_time * H_S
    t, flight, ev_t, ws = _step(coast, _one_event(L.TR_TIME, t_fire), stop_altitude_m=stop_alt)
    first, t_new = earliest_event(t, H_S, True, flight, ev_t, ws)
    if stop_first:
        assert first == EVK_STOP
        assert t_new < t_fire
        assert ws.new.aux[L.A_ALT_M] <= stop_alt
    else:
        assert first == EVK_SEQ
        assert abs(t_new - t_fire) <= 1e-10 * abs(t)


def test_no_event_without_a_sign_change(coast):
    """An event function already at or below zero at the step start does not fire again."""
    t = coast[0]
    t, flight, ev_t, ws = _step(coast, _one_event(L.TR_TIME, t - 1.0))
    y_end = ws.new.y.copy()
    first, t_new = earliest_event(t, H_S, True, flight, ev_t, ws)
    assert first == -1
    assert t_new == t + H_S
    np.testing.assert_array_equal(ws.new.y, y_end)
