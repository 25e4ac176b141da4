"""Figures of a real Mars 2020 run, checked for content (labels, markers, positions)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from drawn_labels import overlapping_labels
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from skycrane.output import plots
from skycrane.planets import east_north_m


def _gids(ax, kind, prefix):
    return [
        a.get_gid()
        for a in ax.get_children()
        if isinstance(a, kind) and a.get_gid() and a.get_gid().startswith(prefix)
    ]


def _event_marks(ax):
    return sorted(g.removeprefix("event:") for g in _gids(ax, PathCollection, "event:"))


def _event_labels(ax):
    """Event names labelled on ``ax`` (a numbered series shares one label, its gid lists all)."""
    return sorted(
        name
        for t in ax.texts
        if isinstance(t, Annotation) and (t.get_gid() or "").startswith("event:")
        for name in t.get_gid().removeprefix("event:").split(",")
    )


@pytest.mark.parametrize(
    ("name", "xlabel", "xattr"),
    [("altitude_speed", "[m/s]", "speed_m_s"), ("altitude_mach", "Mach", "mach")],
)
def test_output_altitude_figures_mark_every_event(result, mission, name, xlabel, xattr):
    fig = getattr(plots, name)(result, mission)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert xlabel in ax.get_xlabel() and "[" in ax.get_xlabel()
    assert "[km]" in ax.get_ylabel()
    events = plots.marked_events(result)
    names = sorted(e.name for e in events)
    assert {"entry_interface", "parachute_deploy", "touchdown"} <= set(names)
    assert _event_marks(ax) == names
    assert _event_labels(ax) == names
    # each marker sits at its event's (x, altitude in km)
    by_gid = {c.get_gid(): c for c in ax.collections}
    for ev in events:
        x, y = by_gid[f"event:{ev.name}"].get_offsets()[0]
        assert x == pytest.approx(getattr(ev, xattr))
        assert y == pytest.approx(ev.altitude_m / 1e3)
    # the curve is the trajectory from the entry interface
    (line,) = [ln for ln in ax.lines if ln.get_gid() == "trajectory"]
    sel = result.trajectory.t_s >= 0.0
    np.testing.assert_allclose(line.get_ydata(), result.trajectory.altitude_m[sel] / 1e3)
    plt.close(fig)


def test_output_entry_loads_four_panels_with_units_and_peaks(result, mission):
    fig = plots.entry_loads(result, mission)
    axes = fig.axes
    assert len(axes) == 4
    labels = [a.get_ylabel() for a in axes]
    assert labels == [
        "deceleration [Earth g]",
        "dynamic pressure [kPa]",
        "heat rate [W/cm²]",
        "heat load [J/cm²]",
    ]
    assert axes[-1].get_xlabel() == "time from entry interface [s]"
    for a, peak, key, scale in [
        (axes[0], "peak_deceleration", "deceleration_earth_g", 1.0),
        (axes[1], "peak_dynamic_pressure", "dynamic_pressure_pa", 1e-3),
        (axes[2], "peak_heating", "heat_rate_w_cm2", 1.0),
    ]:
        assert _event_marks(a) == [peak] and _event_labels(a) == [peak]
        (mark,) = a.collections
        _, y = mark.get_offsets()[0]
        assert y == pytest.approx(result.peaks[key] * scale)
        # the curve (1 s samples plus event states) peaks at the refined peak value
        assert np.max(a.lines[0].get_ydata()) == pytest.approx(y, rel=1e-3)
    # heat load at touchdown (the result's is at the end of the flight, a hair more)
    assert axes[3].lines[0].get_ydata()[-1] == pytest.approx(
        result.peaks["heat_load_j_cm2"], rel=1e-4
    )
    plt.close(fig)


def test_output_bank_has_guidance_phase_lines(result, mission):
    fig = plots.bank(result, mission)
    (ax,) = fig.axes
    assert ax.get_ylabel() == "bank angle [deg]"
    assert "[s]" in ax.get_xlabel()
    t_chute = result.event("parachute_deploy").t_s
    expected = sorted(e.name for e in result.events if 0.0 <= e.t_s <= t_chute)
    assert "range_control_start" in expected and "heading_alignment" in expected
    assert (
        sorted(g.removeprefix("event:") for g in _gids(ax, matplotlib.lines.Line2D, "event:"))
        == expected
    )
    assert _event_labels(ax) == expected
    t = ax.lines[0].get_xdata()
    assert t[0] >= 0.0 and t[-1] <= t_chute
    plt.close(fig)


@pytest.mark.parametrize("name", ["bank", "guidance_errors", "powered_descent"])
def test_output_event_labels_never_overlap(result, mission, name):
    """Invariant of the drawn figure: no two event labels overlap, though Mars 2020 has
    events in the same second (peak dynamic pressure and peak deceleration) and within
    two seconds (SUFR and the entry balance masses)."""
    t = sorted(e.t_s for e in result.events)
    assert min(np.diff(t)) < 1.0  # the figure has close events to separate
    fig = getattr(plots, name)(result, mission)
    assert overlapping_labels(fig, "event:") == []
    plt.close(fig)


def test_output_parachute_phase(result, mission):
    fig = plots.parachute_phase(result, mission)
    mach_ax, load_ax = fig.axes
    assert "Mach" in mach_ax.get_ylabel()
    assert load_ax.get_ylabel() == "parachute force [kN]"
    assert _event_marks(mach_ax) == ["parachute_deploy"]
    assert _event_marks(load_ax) == ["peak_parachute_load"]
    _, peak_kn = load_ax.collections[0].get_offsets()[0]
    assert peak_kn == pytest.approx(result.peaks["parachute_load_n"] / 1e3)
    mach_max = [ln for ln in mach_ax.lines if ln.get_gid() == "mach_max"]
    assert mach_max[0].get_ydata()[0] == mission.spec.parachute.mach_max
    plt.close(fig)


def test_output_powered_descent(result, mission):
    fig = plots.powered_descent(result, mission)
    alt, speed, thrust, mass, prop = fig.axes
    assert alt.get_ylabel() == "altitude above ground [m]"
    assert speed.get_ylabel() == "speed [m/s]"
    assert thrust.get_ylabel() == "thrust [kN]"
    assert mass.get_ylabel() == "mass [kg]" and prop.get_ylabel() == "propellant [kg]"
    t_pd, t_td = result.event("powered_descent_start").t_s, result.event("touchdown").t_s
    assert "sky_crane_start" in _event_labels(alt)
    # altitude above the target ends at the rover's hang height, near zero
    h = alt.lines[0].get_ydata()
    assert h.max() > 1000.0 and abs(h[-1]) < 30.0
    assert np.max(thrust.lines[0].get_ydata()) > 5.0  # kN: engines on
    (p,) = [ln for ln in prop.lines if ln.get_gid() == "propellant"]
    assert p.get_xdata()[0] >= t_pd and p.get_xdata()[-1] == t_td
    assert p.get_ydata()[-1] == pytest.approx(result.propellant_remaining_kg)
    assert np.all(np.diff(p.get_ydata()) <= 1e-9)  # propellant only burns
    plt.close(fig)


def _enu_m(mission, lat, lon):
    """East and north of the target [m] in the frame of the reduction's body columns: the
    azimuthal-equidistant plane (distance and bearing from the target kept exactly)."""
    tgt = mission.spec.target
    e, n = east_north_m(tgt.latitude_deg, tgt.longitude_deg, lat, lon, mission.planet.mean_radius_m)
    return np.array([e, n, 0.0])


def test_output_site_map_points_at_result_positions(result, mission):
    fig = plots.site_map(result, mission)
    near, far = fig.axes
    assert near.get_xlabel() == "east of target [m]" and near.get_ylabel() == "north of target [m]"
    assert far.get_xlabel() == "east of target [km]" and far.get_ylabel() == "north of target [km]"
    for ax in (near, far):
        (tgt,) = [c for c in ax.collections if c.get_gid() == "target"]
        np.testing.assert_allclose(tgt.get_offsets()[0], [0.0, 0.0])
    located = [b for b in result.bodies if b.latitude_deg is not None]
    assert {"rover", "heat_shield", "backshell", "descent_stage"} <= {b.name for b in located}
    far_pts = {c.get_gid(): c for c in far.collections}
    near_pts = {c.get_gid(): c for c in near.collections}
    for b in located:
        e, n, _ = _enu_m(mission, b.latitude_deg, b.longitude_deg)
        np.testing.assert_allclose(
            far_pts[f"body:{b.name}"].get_offsets()[0] * 1e3, [e, n], atol=1.0
        )
        near_field = b.distance_from_rover_m <= plots.NEAR_FIELD_M
        if b.name in ("rover", "heat_shield", "backshell", "descent_stage") and near_field:
            np.testing.assert_allclose(
                near_pts[f"body:{b.name}"].get_offsets()[0], [e, n], atol=1.0
            )
    # far bodies (cruise-stage fragments, ~100 km) only on the km panel
    far_only = [b for b in located if b.distance_from_rover_m > plots.NEAR_FIELD_M]
    assert far_only and all(f"body:{b.name}" not in near_pts for b in far_only)
    # rover at the target (miss distance), distance to the descent stage as in the result
    e, n = near_pts["body:rover"].get_offsets()[0]
    assert np.hypot(e, n) == pytest.approx(result.touchdown["miss_distance_m"], abs=1.0)
    if result.body("descent_stage").distance_from_rover_m > plots.NEAR_FIELD_M:
        # a stage that lands beyond the near panel is on the km panel only
        ds = far_pts["body:descent_stage"].get_offsets()[0] * 1e3
    else:
        ds = near_pts["body:descent_stage"].get_offsets()[0]
        # the flyaway track runs from above the rover (on the diverted target) to the crash
        (track,) = [ln for ln in near.lines if ln.get_gid() == "flyaway_track"]
        xy = track.get_xydata()
        assert np.hypot(*(xy[0] - (e, n))) < 5.0
        np.testing.assert_allclose(xy[-1], ds, atol=1.0)
    assert np.hypot(*(ds - (e, n))) == pytest.approx(
        result.body("descent_stage").distance_from_rover_m, rel=0.01
    )
    # bodies that broke up are named
    lost = [b.name for b in result.bodies if b.latitude_deg is None]
    note = " ".join(t.get_text() for t in far.texts)
    assert all(name in note for name in lost)
    plt.close(fig)


def test_output_all_figures_and_axes_argument(result, mission, tmp_path):
    figs = plots.all_figures(result, mission)
    # every figure but the heating pulses' (Mars 2020's one convective pulse is in entry_loads)
    assert set(figs) == set(plots.FIGURES) - {"heating"}
    for name, fig in figs.items():
        for ax in fig.axes:
            if ax.get_ylabel():
                assert "[" in ax.get_ylabel() and "]" in ax.get_ylabel(), (name, ax)
        path = tmp_path / f"{name}.png"
        fig.savefig(path, dpi=40)
        assert path.stat().st_size > 1000
        plt.close(fig)
    # drawing into caller-provided axes returns the caller's figure
    fig, ax = plt.subplots()
    assert plots.bank(result, ax=ax) is fig
    plt.close(fig)
    fig, axes = plt.subplots(1, 2)
    assert plots.site_map(result, mission, ax=axes) is fig
    with pytest.raises(ValueError, match="needs 4 axes"):
        plots.entry_loads(result, ax=axes)
    plt.close(fig)
