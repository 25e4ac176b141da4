"""Figures of a real capsule flight: a skip entry (two heating pulses, a soak), then the
parachute clusters to the sea (``capsule_skip.toml``, flown once); and the
altitude-range figure of Mars 2020.

Checked against the result: the downrange curve and each event's place on it, each
pulse's span, peak, load and soak, each cluster deploy and release, which figures a
capsule leaves out, and (drawn) that no two labels overlap.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from drawn_labels import gid_texts, overlapping_labels
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Annotation

import skycrane
from skycrane.output import plots, plots_capsule

CAPSULE_TOML = Path(__file__).with_name("capsule_skip.toml")


@pytest.fixture(scope="module")
def capsule():
    mission = skycrane.load_mission(CAPSULE_TOML)
    return mission, skycrane.simulate(mission)


def _great_circle_km(lat1, lon1, lat2, lon2, radius_m):
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    c = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return float(np.arccos(np.clip(c, -1.0, 1.0)) * radius_m / 1e3)


def test_capsule_flight_skips_and_lands(capsule):
    """The fixture is what the figures need: two heating pulses with a soak and radiative
    heating, every cluster event, and a touchdown that ends the flight."""
    _mission, result = capsule
    assert result.ok, result.status_text
    assert len(result.heating) == 2
    assert result.heating[1]["soak_before_s"] > 0.0
    assert result.heating[0]["load_j_cm2"]["radiative"] > 0.0
    names = {e.name for e in result.events}
    assert {"drogue_deploy", "main_deploy", "forward_bay_cover_jettison", "touchdown"} <= names


def test_capsule_figures_left_out(capsule):
    """No powered descent, no terminal point controller, no rover: those figures are left
    out; the downrange, heating and (cluster) parachute figures are drawn."""
    mission, result = capsule
    figs = plots.all_figures(result, mission)
    assert {"powered_descent", "guidance_errors", "debris_map"}.isdisjoint(figs)
    assert {"altitude_range", "heating", "parachute_phase", "entry_loads"} <= set(figs)
    for fig in figs.values():
        for ax in fig.axes:
            for label in (ax.get_xlabel(), ax.get_ylabel()):
                assert not label or ("[" in label and "]" in label), label
        plt.close(fig)


def test_altitude_range_marks_every_event_on_the_track(capsule):
    """The curve is the trajectory from the entry interface against the along-track ground
    distance; it starts at 0, and it ends at least as far as (and, the track being close to
    a great circle, within 1 % of) the great-circle distance from entry to touchdown."""
    mission, result = capsule
    fig = plots_capsule.altitude_range(result, mission)
    (ax,) = fig.axes
    assert ax.get_xlabel().endswith("[km]") and ax.get_ylabel().endswith("[km]")
    (line,) = [ln for ln in ax.lines if ln.get_gid() == "downrange"]
    s_km, alt_km = line.get_xdata(), line.get_ydata()
    tr = result.trajectory
    sel = tr.t_s >= 0.0
    np.testing.assert_allclose(alt_km, tr.altitude_m[sel] / 1e3)
    assert s_km[0] == 0.0 and np.all(np.diff(s_km) >= 0.0)
    ei, td = result.event("entry_interface"), result.event("touchdown")
    radius = float(np.linalg.norm(tr.r_pf_m[-1]) - tr.altitude_m[-1])
    direct = _great_circle_km(
        ei.latitude_deg, ei.longitude_deg, td.latitude_deg, td.longitude_deg, radius
    )
    assert direct * (1.0 - 1e-6) <= s_km[-1] <= direct * 1.01
    # every event from entry on, at its downrange distance and altitude
    events = plots_capsule.range_events(result, mission)
    assert events == plots.marked_events(result)  # every event of this flight is one of them
    marks = {
        c.get_gid(): c.get_offsets()[0] for c in ax.collections if isinstance(c, PathCollection)
    }
    assert set(marks) == {f"event:{e.name}" for e in events}
    t = tr.t_s[sel]
    for e in events:
        x, y = marks[f"event:{e.name}"]
        assert x == pytest.approx(np.interp(e.t_s, t, s_km))
        assert y == pytest.approx(e.altitude_m / 1e3)
    # a label per crowd of markers names each of its events once (gid "event:a,b")
    labelled = [
        f"event:{name}"
        for t in ax.texts
        if isinstance(t, Annotation)
        for name in t.get_gid().removeprefix("event:").split(",")
    ]
    assert sorted(labelled) == sorted(marks)
    assert overlapping_labels(fig, "event:") == []
    plt.close(fig)


def test_heating_figure_pulses_peaks_loads_and_soak(capsule):
    mission, result = capsule
    fig = plots_capsule.heating(result, mission)
    rate_ax, load_ax = fig.axes
    assert rate_ax.get_ylabel() == "heat rate [W/cm²]"
    assert load_ax.get_ylabel() == "heat load [J/cm²]"
    assert load_ax.get_xlabel() == "time from entry interface [s]"
    curves = {ln.get_gid(): ln for a in fig.axes for ln in a.lines if ln.get_gid()}
    total, conv, rad = (
        curves[f"heat_rate:{p}"].get_ydata() for p in ("total", "convective", "radiative")
    )
    np.testing.assert_allclose(conv + rad, total)
    assert rad.max() > 0.0
    for r in result.heating:
        k = r["pulse"]
        spans = [p for a in fig.axes for p in a.patches if p.get_gid() == f"pulse:{k}"]
        assert len(spans) == 2
        for span in spans:
            xs = (
                span.get_xy()[:, 0]
                if isinstance(span, Polygon)
                else [span.get_x(), span.get_x() + span.get_width()]
            )
            assert min(xs) == pytest.approx(r["start_s"]) and max(xs) == pytest.approx(r["end_s"])
        ((_, number),) = [(a, t) for a, t in gid_texts(fig, f"pulse:{k}") if a is rate_ax]
        assert number.get_text() == f"pulse {k}"
        peak = r["peak_w_cm2"]["total"]
        (mark,) = [c for c in rate_ax.collections if c.get_gid() == f"pulse_peak:{k}"]
        assert tuple(mark.get_offsets()[0]) == pytest.approx((r["peak_time_s"], peak))
        # the curve (1 s samples) reaches the refined peak within its sampling
        on = (curves["heat_rate:total"].get_xdata() >= r["start_s"]) & (
            curves["heat_rate:total"].get_xdata() <= r["end_s"]
        )
        assert total[on].max() == pytest.approx(peak, rel=0.02)
        ((_, label),) = gid_texts(fig, f"pulse_peak:{k}")
        assert label.get_text() == f"peak {peak:.0f} W/cm²"
        ((a, load),) = gid_texts(fig, f"pulse_load:{k}")
        assert a is load_ax and f"{r['load_j_cm2']['total']:,.0f} J/cm²" in load.get_text()
    soak = result.heating[1]["soak_before_s"]
    soak_texts = [t.get_text() for _, t in gid_texts(fig, "soak:2")]
    assert soak_texts == [f"soak {soak:.0f} s"]
    # the cumulative load grows and ends at the flight's (up to the window's end)
    load_curve = curves["heat_load:total"].get_ydata()
    assert np.all(np.diff(load_curve) >= -1e-9)
    assert overlapping_labels(fig) == []
    plt.close(fig)


def test_cluster_parachute_phase(capsule):
    """Speed, altitude and parachute force from the first cluster deploy to touchdown, each
    deploy and release (and the forward bay cover and touchdown) a labelled line."""
    mission, result = capsule
    fig = plots.parachute_phase(result, mission)
    speed_ax, alt_ax, force_ax = fig.axes
    assert speed_ax.get_ylabel() == "speed [m/s]"
    assert alt_ax.get_ylabel() == "altitude above the ellipsoid [km]"
    assert force_ax.get_ylabel() == "parachute force [kN]"
    expected = sorted(["forward_bay_cover_jettison", "drogue_deploy", "main_deploy", "touchdown"])
    for ax in fig.axes:
        lines = sorted(
            ln.get_gid().removeprefix("event:")
            for ln in ax.lines
            if isinstance(ln, Line2D) and (ln.get_gid() or "").startswith("event:")
        )
        assert lines == expected
    t0 = result.event("forward_bay_cover_jettison").t_s
    (speed,) = [ln for ln in speed_ax.lines if ln.get_gid() == "speed"]
    t = speed.get_xdata()
    assert t[0] >= t0 - 5.0 and t[-1] <= result.event("touchdown").t_s + 2.0
    (force,) = [ln for ln in force_ax.lines if ln.get_gid() == "parachute_force"]
    peak_kn = result.peaks["parachute_load_n"] / 1e3
    (mark,) = [c for c in force_ax.collections if c.get_gid() == "event:peak_parachute_load"]
    assert tuple(mark.get_offsets()[0]) == pytest.approx(
        (result.event("peak_parachute_load").t_s, peak_kn)
    )
    # the sampled curve reaches no more than the refined peak, and most of it
    assert 0.8 * peak_kn < force.get_ydata().max() <= peak_kn * (1.0 + 1e-9)
    assert "no parachute" not in " ".join(t.get_text() for t in speed_ax.texts)
    assert overlapping_labels(fig, "event:") == []
    plt.close(fig)


def test_m2020_altitude_range(result, mission):
    """Mars too: the track from entry to the ground, the entry interface, peaks, parachute
    events and touchdown marked and labelled, no two labels overlapping."""
    fig = plots_capsule.altitude_range(result, mission)
    (ax,) = fig.axes
    (line,) = [ln for ln in ax.lines if ln.get_gid() == "downrange"]
    s_km = line.get_xdata()
    events = plots_capsule.range_events(result, mission)
    assert {"entry_interface", "parachute_deploy", "backshell_separation", "touchdown"} <= {
        e.name for e in events
    }
    marks = {c.get_gid() for c in ax.collections if isinstance(c, PathCollection)}
    assert marks == {f"event:{e.name}" for e in events}
    # Invariant (triangle inequality on the sphere): the track's length, each arc on its
    # local radius, is at least the direct great circle between its ends on the smallest
    # of those radii (Mars's ellipsoid varies the local radius along the track by km).
    tr = result.trajectory
    sel = tr.t_s >= 0.0
    radius = float(np.min(np.linalg.norm(tr.r_pf_m[sel], axis=1) - tr.altitude_m[sel]))
    lat, lon = tr.latitude_deg[sel], tr.longitude_deg[sel]
    direct = _great_circle_km(lat[0], lon[0], lat[-1], lon[-1], radius)
    assert s_km[-1] >= direct * (1.0 - 1e-9)
    assert not any(isinstance(p, Rectangle) and p.get_gid() for p in ax.patches)
    assert overlapping_labels(fig, "event:") == []
    plt.close(fig)
