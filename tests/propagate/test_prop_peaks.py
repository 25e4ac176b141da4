"""Peak refinement alone (skycrane.propagate.peaks).

* The parabola through three points has its vertex where parabola_vertex
  says, to rounding (analytic).
* The apex of a vertical coast (Mars 2020 state 1,600 km up, sent straight up
  at 1 km/s) refined from three step ends 500 s and 400 s apart agrees with
  an independent reference: scipy's DOP853 at rtol 1e-12 on the same
  equations, maximised by a bounded scalar search.
* The step history: fed step ends one by one, update_peaks records that apex
  (the maximum at the middle of three ends), and on a rising arc keeps the
  maximum at the newest end.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

from skycrane.contract import layout as L
from skycrane.propagate.bundles import (
    EventRecord,
    Flight,
    KernelSettings,
    Point,
    SubStep,
    case_workspace,
)
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.kernel import default_settings
from skycrane.propagate.peaks import (
    parabola_vertex,
    refine_peak,
    start_history,
    start_peaks,
    update_peaks,
)


@pytest.mark.parametrize(("ts", "t_peak"), [((1.0, 2.5, 4.0), 3.2), ((-7.0, -6.9, 2.0), -5.5)])
def test_parabola_vertex_is_exact(ts, t_peak):
    """Analytic: m = 3 - 2 (t - t_peak)^2 through any three points has its vertex at t_peak."""
    m = [3.0 - 2.0 * (t - t_peak) ** 2 for t in ts]
    got = parabola_vertex(ts[0], m[0], ts[1], m[1], ts[2], m[2])
    assert got == pytest.approx(t_peak, rel=1e-13, abs=1e-13)
    assert np.isnan(parabola_vertex(0.0, 1.0, 1.0, 1.0, 2.0, 1.0))  # a line has none


@pytest.fixture(scope="module")
def vertical_coast(coast):
    """A coast straight up; DOP853 reference solution; returns what the tests need."""
    t0, y, p, mem, model = coast
    y = y.copy()
    up = y[:3] / np.linalg.norm(y[:3])
    y[3:6] = 1000.0 * up
    f = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)

    def deriv(t, yy):
        rhs(t, np.ascontiguousarray(yy), p, mem, model, f, aux)
        return f.copy()

    def point(t, yy):
        ff = np.empty(L.N_STATE)
        a = np.empty(L.N_AUX)
        rhs(t, np.ascontiguousarray(yy), p, mem, model, ff, a)
        return Point(np.ascontiguousarray(yy).copy(), ff, a)

    sol = solve_ivp(
        deriv, (t0, t0 + 1200.0), y, method="DOP853", rtol=1e-12, atol=1e-6, dense_output=True
    )
    best = minimize_scalar(
        lambda t: -point(t, sol.sol(t)).aux[L.A_ALT_M],
        bounds=(t0 + 300.0, t0 + 900.0),
        method="bounded",
        options={"xatol": 1e-9},
    )
    t_apex = best.x
    alt_apex = point(t_apex, sol.sol(t_apex)).aux[L.A_ALT_M]
    return t0, Flight(p, mem, model), lambda t: point(t, sol.sol(t)), t_apex, alt_apex


def test_refined_apex_matches_reference(vertical_coast):
    """Independent reference: the apex of a vertical coast from DOP853 at rtol 1e-12."""
    t0, flight, point, t_apex, alt_apex = vertical_coast
    th = np.array([t0, t0 + 500.0, t0 + 900.0])
    pts = [point(t) for t in th]
    assert pts[1].aux[L.A_ALT_M] > max(pts[0].aux[L.A_ALT_M], pts[2].aux[L.A_ALT_M])
    yh = np.array([q.y for q in pts])
    fh = np.array([q.f for q in pts])
    m3 = np.array([q.aux[L.A_ALT_M] for q in pts])
    ws = case_workspace(0)
    y_best = np.empty(L.N_STATE)
    t_best, m_best = refine_peak(L.A_ALT_M, th, yh, fh, m3, flight, SubStep(ws.k, ws.trial), y_best)
    assert abs(t_best - t_apex) < 1e-3
    # the refined value comes from one 5th-order sub-step of ~120 s: ~1 mm at 1,900 km
    assert m_best == pytest.approx(alt_apex, rel=1e-9)
    np.testing.assert_allclose(y_best[:3], point(t_best).y[:3], rtol=1e-9)


def _history(flight, times, point):
    """Feed step ends to start_peaks/start_history/update_peaks; the EventRecord they write."""
    settings = KernelSettings(default_settings(), np.array([L.EV_PEAK_HEAT]), np.array([L.A_ALT_M]))
    events = EventRecord(
        np.full(L.N_EVENTS, np.nan),
        np.full((L.N_EVENTS, L.N_STATE), np.nan),
        np.full(L.N_EVENTS, np.nan),
        np.zeros(L.N_EVENTS, dtype=np.bool_),
    )
    ws = case_workspace(1)
    first = point(times[0])
    start_peaks(times[0], first, settings, events)
    n_hist = start_history(times[0], first, flight.mem, settings, ws.hist)
    for t in times[1:]:
        n_hist = update_peaks(
            t, point(t), n_hist, flight, settings, events, ws.hist, SubStep(ws.k, ws.earliest)
        )
    assert n_hist == len(times)  # points taken since the restart; the last three are kept
    return events


def test_history_refines_an_interior_maximum(vertical_coast):
    """The apex between step ends is recorded at the reference time and altitude."""
    t0, flight, point, t_apex, alt_apex = vertical_coast
    times = [t0, t0 + 200.0, t0 + 500.0, t0 + 900.0, t0 + 1100.0]
    events = _history(flight, times, point)
    e = L.EV_PEAK_HEAT
    assert events.fired[e]
    assert abs(events.t_s[e] - t_apex) < 1e-3
    assert events.value[e] == pytest.approx(alt_apex, rel=1e-9)


def test_history_keeps_the_newest_maximum_on_a_rising_arc(vertical_coast):
    """Still climbing at the last step end: the peak is that end, as it stands."""
    t0, flight, point, _t_apex, _alt_apex = vertical_coast
    times = [t0, t0 + 100.0, t0 + 200.0, t0 + 300.0]
    events = _history(flight, times, point)
    e = L.EV_PEAK_HEAT
    last = point(times[-1])
    assert events.t_s[e] == times[-1]
    assert events.value[e] == last.aux[L.A_ALT_M]
    np.testing.assert_array_equal(events.y[e], last.y)
