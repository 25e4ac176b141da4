"""Discrete updates alone (skycrane.propagate.discrete), on a Mars 2020 coast state.

* A jettison conserves mass (vehicle + body before = after) and sends the body
  off at its separation speed against the velocity; afterwards the derivative
  at the step end is that of the new configuration (equals a new right-hand
  side).
* Every sequence event whose trigger already holds fires in one settle, in
  order, and none whose trigger does not; a full spawn buffer is reported.
* A guidance cycle runs only when due, schedules the next one a guidance
  period later, and leaves a derivative equal to a new right-hand side (the
  patch of dynamics.update_commands, to rounding).
* Reaching the ground ends a flight as a failure unless it is a jettisoned
  part's planned end or the bridles are cut.
"""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.contract import layout as L
from skycrane.propagate.bundles import N_THRUST_BEFORE, EventRecord, Flight, Point, SpawnBuffer
from skycrane.propagate.discrete import discrete_updates, event_action, settle_sequence
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.events import EVK_GROUND, EVK_SEQ
from skycrane.propagate.model import BODY_TABLE, SEQ_TABLE, freeze_model
from skycrane.vehicle.bank import anchor_bank

BODY_KG = 250.0
SEPARATION_M_S = 2.5


def _sequence(times, spawn_first=False):
    seq = np.full((L.N_SQ_ROWS, len(times)), np.nan)
    seq[L.SQ_TRIGGER] = L.TR_TIME
    seq[L.SQ_VALUE] = times
    seq[L.SQ_REF] = -1
    for row in (L.SQ_LIFT, L.SQ_AERO, L.SQ_GUIDANCE):
        seq[row] = -1.0
    for row in (L.SQ_CHUTE, L.SQ_SPAWN0, L.SQ_SPAWN_N, L.SQ_STOP, L.SQ_NAV):
        seq[row] = 0.0
    if spawn_first:
        seq[L.SQ_SPAWN_N, 0] = 1
    return seq


def _case(coast, seq, max_spawn=L.MAX_SPAWN):
    """(t, now, flight, events, spawn) for a coast state flying ``seq``."""
    t, y, p, mem, model = coast
    p, mem = p.copy(), mem.copy()
    mem[L.M_SEQ_NEXT] = 0
    mem[L.M_SPAWNED] = 0
    bodies = np.array([[BODY_KG], [SEPARATION_M_S], [L.DV_RETRO]], dtype=np.float64)
    model = list(model)
    model[SEQ_TABLE] = seq
    model[BODY_TABLE] = bodies
    flight = Flight(p, mem, freeze_model(tuple(model)))
    now = Point(y.copy(), np.empty(L.N_STATE), np.empty(L.N_AUX))
    rhs(t, now.y, p, mem, flight.model, now.f, now.aux)
    events = EventRecord(
        np.full(L.N_EVENTS, np.nan),
        np.full((L.N_EVENTS, L.N_STATE), np.nan),
        np.full(L.N_EVENTS, np.nan),
        np.zeros(L.N_EVENTS, dtype=np.bool_),
    )
    spawn = SpawnBuffer(
        np.full(max_spawn, np.nan),
        np.full((max_spawn, L.N_STATE), np.nan),
        np.full(max_spawn, -1, dtype=np.int64),
    )
    return t, now, flight, events, spawn


def _fresh_derivative(t, now, flight):
    f = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)
    rhs(t, now.y, *flight, f, aux)
    return f, aux


def test_jettison_conserves_mass_and_refreshes_the_derivative(coast):
    """Invariants: vehicle + body mass unchanged; body leaves at its separation speed, retro."""
    seq = _sequence([coast[0]], spawn_first=True)
    t, now, flight, events, spawn = _case(coast, seq, max_spawn=4)
    mass_before = now.y[L.S_MASS]
    v_before = now.y[3:6].copy()
    status, changed = discrete_updates(
        EVK_SEQ, t, now, flight, events, spawn, np.empty(N_THRUST_BEFORE), np.empty(L.N_SENSED)
    )
    assert (status, changed) == (-1, True)
    assert now.y[L.S_MASS] + spawn.y[0, L.S_MASS] == pytest.approx(mass_before, rel=1e-15)
    assert spawn.y[0, L.S_MASS] == BODY_KG
    dv = spawn.y[0, 3:6] - v_before
    assert np.linalg.norm(dv) == pytest.approx(SEPARATION_M_S, rel=1e-12)
    assert np.dot(dv, v_before) == pytest.approx(-SEPARATION_M_S * np.linalg.norm(v_before))
    assert spawn.t_s[0] == t and spawn.body[0] == 0
    assert events.fired[L.EV_SEQ0] and events.t_s[L.EV_SEQ0] == t
    f, aux = _fresh_derivative(t, now, flight)
    np.testing.assert_array_equal(now.f, f)
    np.testing.assert_array_equal(now.aux, aux)


def test_settle_fires_every_event_that_holds(coast):
    """Two time triggers already passed fire at once, in order; a later one waits."""
    t = coast[0]
    t, now, flight, events, spawn = _case(coast, _sequence([t - 1.0, t - 0.5, t + 10.0]))
    assert settle_sequence(t, now, flight, events, spawn, np.empty(L.N_SENSED))
    assert flight.mem[L.M_SEQ_NEXT] == 2
    assert list(events.fired[L.EV_SEQ0 : L.EV_SEQ0 + 3]) == [True, True, False]
    assert events.t_s[L.EV_SEQ0] == t and events.t_s[L.EV_SEQ0 + 1] == t


def test_full_spawn_buffer_is_reported(coast):
    """A jettison with no free slot ends the case as an overflow, not a silent loss."""
    t = coast[0]
    t, now, flight, events, spawn = _case(coast, _sequence([t], spawn_first=True), max_spawn=0)
    mass_before = now.y[L.S_MASS]
    status, _ = discrete_updates(
        EVK_SEQ, t, now, flight, events, spawn, np.empty(N_THRUST_BEFORE), np.empty(L.N_SENSED)
    )
    assert status == L.ST_SPAWN_OVERFLOW
    assert now.y[L.S_MASS] == mass_before


def test_guidance_cycle_runs_when_due(coast):
    """Entry guidance: the next cycle a period later; the patched derivative equals a new RHS."""
    t = coast[0]
    t, now, flight, events, spawn = _case(coast, _sequence([t + 100.0]))
    mem = flight.mem
    mem[L.M_GUIDANCE] = L.GUID_ENTRY  # handed over as a sequence event does it
    anchor_bank(t, now.y, mem)
    rhs(t, now.y, *flight, now.f, now.aux)
    mem[L.M_NEXT_GUIDE_T] = t + 0.5  # not yet due
    f_before = now.f.copy()
    mem_before = mem.copy()
    assert discrete_updates(
        -1, t, now, flight, events, spawn, np.empty(N_THRUST_BEFORE), np.empty(L.N_SENSED)
    ) == (-1, False)
    np.testing.assert_array_equal(now.f, f_before)
    np.testing.assert_array_equal(mem, mem_before)
    mem[L.M_NEXT_GUIDE_T] = t  # due now
    assert discrete_updates(
        -1, t, now, flight, events, spawn, np.empty(N_THRUST_BEFORE), np.empty(L.N_SENSED)
    ) == (-1, False)
    assert mem[L.M_NEXT_GUIDE_T] == t + flight.p[L.P_ENTRY_DT_S]
    f, aux = _fresh_derivative(t, now, flight)
    np.testing.assert_allclose(now.f, f, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(now.aux, aux, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("ground_ok", "cut", "want"),
    [(0.0, 0.0, L.ST_GROUND), (1.0, 0.0, L.ST_STOPPED), (0.0, 1.0, L.ST_STOPPED)],
)
def test_ground_ends_the_flight(coast, ground_ok, cut, want):
    """Mission rule: the ground is a failure unless it is the planned end or after the cut."""
    t, now, flight, events, spawn = _case(coast, _sequence([coast[0] + 100.0]))
    flight.p[L.P_GROUND_OK] = ground_ok
    flight.mem[L.M_CUT] = cut
    status, changed = event_action(EVK_GROUND, t, now, flight, events, spawn, np.empty(L.N_SENSED))
    assert (status, changed) == (want, False)
    assert events.fired[L.EV_GROUND] and events.t_s[L.EV_GROUND] == t
    np.testing.assert_array_equal(events.y[L.EV_GROUND], now.y)
