"""The entry guidance's telemetry and errors of a real Mars 2020 run, checked against
independent computations from the trajectory; the ``result.plot`` accessor; the docs'
examples run."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import skycrane
import skycrane.plots
from skycrane.constants import G0_M_S2
from skycrane.guidance.cycles import DRAG_FILTER_TAU_S
from skycrane.guidance.entry_layout import REF_DRAG, REF_F1, REF_F2, REF_HDOT, REF_RANGE, REF_V
from skycrane.output import plots
from skycrane.output.accessor import ResultPlots
from skycrane.output.guidance_errors import guidance_errors, guided_entry_window_s
from skycrane.planets import great_circle, local_from_velocity_pf
from skycrane.sequence.build import entry_reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"


@pytest.fixture(scope="module")
def errors(result, mission):
    return guidance_errors(result, mission)


def _radius(mission) -> float:
    return mission.planet.mean_radius_m


def test_guided_entry_window_is_entry_interface_to_sufr(result, mission, errors):
    """Mars 2020 turns the entry guidance on before the entry interface and off at SUFR."""
    t0, t1 = guided_entry_window_s(result, mission)
    assert t0 == 0.0
    assert t1 == result.event("straighten_up_and_fly_right").t_s
    assert (errors.t_guided_start_s, errors.t_guided_end_s) == (t0, t1)


def _at_cycles(values: np.ndarray, tr, errors) -> np.ndarray:
    """A per-sample quantity at the guidance's cycle times (linear between 1 s samples)."""
    return np.interp(errors.t_s, tr.t_s, values)


def test_one_row_per_cycle_from_the_first(result, errors):
    """The guidance runs at 1 Hz from the event that turns it on (the entry interface)."""
    assert errors.t_s[0] == pytest.approx(result.event("entry_interface").t_s, abs=1e-9)
    np.testing.assert_allclose(np.diff(errors.t_s), 1.0, atol=1e-6)
    assert errors.t_s[-1] == pytest.approx(errors.t_guided_end_s, abs=1e-6)


def test_range_to_go_is_great_circle_and_fires_the_range_trigger(result, mission, errors):
    tgt = mission.spec.target
    tr = result.trajectory
    # independent haversine on the trajectory's planetocentric latitudes (nominal: no nav error)
    assert mission.spec.navigation.position_error_enu_m == [0.0, 0.0, 0.0]
    dist, _ = great_circle(
        tr.latitude_deg, tr.longitude_deg, tgt.latitude_deg, tgt.longitude_deg, _radius(mission)
    )
    np.testing.assert_allclose(
        errors.range_to_go_m, _at_cycles(dist, tr, errors), rtol=1e-9, atol=0.05
    )
    # the kernel deploys the parachute (after guided entry) when the same range reaches the
    # trigger range
    deploy = mission.spec.parachute.deploy
    assert deploy.trigger == "range"
    t_dep = result.event("parachute_deploy").t_s
    range_at_deploy_m = np.interp(t_dep, tr.t_s, dist)
    assert range_at_deploy_m == pytest.approx(deploy.range_to_target_m, abs=3.0)


def _cross_track_m(lat_deg, lon_deg, heading_deg, mission):
    """Spherical cross-track distance of the target from the path through (lat, lon) on
    ``heading``: R asin(sin(d/R) sin(bearing - heading)); positive when the target is to
    the right, so its negative is the guidance's crossrange (positive: target left)."""
    tgt, radius = mission.spec.target, _radius(mission)
    d, bearing = great_circle(lat_deg, lon_deg, tgt.latitude_deg, tgt.longitude_deg, radius)
    return radius * np.arcsin(np.sin(d / radius) * np.sin(np.radians(bearing - heading_deg)))


def test_crossrange_matches_spherical_cross_track(result, mission, errors):
    tr = result.trajectory
    _, _, heading = local_from_velocity_pf(
        tr.v_pf_m_s, tr.latitude_deg, tr.longitude_deg, mission.planet
    )
    expected = _at_cycles(
        -_cross_track_m(tr.latitude_deg, tr.longitude_deg, heading, mission), tr, errors
    )
    np.testing.assert_allclose(errors.crossrange_m, expected, rtol=1e-3, atol=2.0)
    # at the end of guided entry (the last cycle is at SUFR)
    end = errors.at(errors.t_guided_end_s)
    assert end["t_s"] == pytest.approx(errors.t_guided_end_s, abs=1e-6)
    assert end["crossrange_m"] == pytest.approx(expected[-1], abs=1.0)
    # the guidance keeps it well inside its deadband by then
    assert abs(end["crossrange_m"]) < 0.2 * end["deadband_m"]
    # crossrange exceeded the deadband in range control: that is what fired the reversals
    t = errors.t_s
    rc = (t >= result.event("range_control_start").t_s) & (
        t <= result.event("heading_alignment").t_s
    )
    over = np.abs(errors.crossrange_m[rc]) > errors.deadband_m[rc]
    assert over.any()
    bank = tr.bank_deg[(tr.t_s >= t[rc][0]) & (tr.t_s <= t[rc][-1])]
    assert np.any(np.sign(bank[1:]) != np.sign(bank[:-1]))  # a bank reversal happened


def test_predicted_range_error_is_what_the_law_nulls(result, errors):
    """R - R_p is what the law nulls: none before range control, finite through guided entry,
    and within 1 km at its end (the law's own residual); R - R_ref(V) is R minus the
    reference's range to go at the same speed, by definition. (The median of |R - R_p| over
    range control was once under a quarter of |R - R_ref|; since the reference flies the
    rotating planet and the capsule's Mach tables, R - R_ref is itself ~0.6 km, and that
    ratio no longer measures the law.)"""
    t = errors.t_s
    t_rc = result.event("range_control_start").t_s
    assert np.all(np.isnan(errors.range_minus_predicted_m[t < t_rc]))
    assert np.all(np.isnan(errors.range_minus_reference_m[t < t_rc]))
    settled = (t >= t_rc + 10.0) & (t <= errors.t_guided_end_s)
    assert np.all(np.isfinite(errors.range_minus_predicted_m[settled]))
    assert np.all(np.isfinite(errors.range_minus_reference_m[settled]))
    end = errors.at(errors.t_guided_end_s)
    assert abs(end["range_minus_predicted_m"]) < 1000.0
    assert end["range_minus_reference_m"] == pytest.approx(
        end["range_to_go_m"] - end["reference_range_to_go_m"]
    )


def _cycle_rows(tr) -> np.ndarray:
    """The first sample holding each entry-guidance cycle's telemetry."""
    recorded = np.flatnonzero(np.isfinite(tr.entry_cycle_t_s))
    _, first = np.unique(tr.entry_cycle_t_s[recorded], return_index=True)
    return recorded[first]


def test_recorded_filtered_drag_is_the_drag_low_passed(result, mission):
    """The filtered drag the kernel records equals q S C_D(M) / m from the trajectory,
    low-passed with the filter's exact discretisation over the guidance period (GUIDANCE.md
    1.1) once per cycle, from zero."""
    tr = result.trajectory
    aero = mission.capsule_aero
    drag = (
        tr.dynamic_pressure_pa
        * mission.reference_area_m2
        * np.interp(tr.mach, aero.mach, aero.drag_coefficient)
        / tr.mass_kg
    )
    rows = _cycle_rows(tr)
    t_c = tr.entry_cycle_t_s[rows]
    drag_c = np.interp(t_c, tr.t_s, drag)  # the sensed drag at each cycle
    decay = np.exp(-1.0 / mission.spec.guidance.entry.rate_hz / DRAG_FILTER_TAU_S)
    expected = np.empty_like(t_c)
    d_f = 0.0
    for k in range(t_c.size):
        d_f = drag_c[k] + decay * (d_f - drag_c[k])
        expected[k] = d_f
    got = tr.drag_filtered_m_s2[rows]
    assert np.max(got) > 5.0 * G0_M_S2  # the drag pulse is there
    np.testing.assert_allclose(got, expected, rtol=2e-3, atol=1e-4)


def test_recorded_predicted_range_is_the_laws(result, mission):
    """R_p as recorded equals R_ref + F1 (D_f - D_ref) + F2 (hdot - hdot_ref) evaluated
    here from the reference table (numpy interpolation in V), the recorded filtered drag and
    the trajectory's speed and altitude rate at each cycle (GUIDANCE.md 1.3)."""
    table, _ = entry_reference(mission)
    tr = result.trajectory
    r_hat = tr.r_pf_m / np.linalg.norm(tr.r_pf_m, axis=1)[:, None]
    rows = _cycle_rows(tr)
    t_c = tr.entry_cycle_t_s[rows]
    hdot = np.interp(t_c, tr.t_s, np.einsum("ij,ij->i", tr.v_pf_m_s, r_hat))
    v = np.interp(t_c, tr.t_s, tr.speed_m_s)

    def ref(row: int) -> np.ndarray:
        return np.interp(v, table[REF_V], table[row])

    expected = (
        ref(REF_RANGE)
        + ref(REF_F1) * (tr.drag_filtered_m_s2[rows] - ref(REF_DRAG))
        + ref(REF_F2) * (hdot - ref(REF_HDOT))
    )
    np.testing.assert_allclose(tr.predicted_range_m[rows], expected, rtol=1e-7, atol=1.0)


def test_guidance_errors_figure_content(result, mission, errors):
    fig = plots.guidance_errors(result, mission)
    rng_ax, xr_ax = fig.axes
    assert rng_ax.get_ylabel() == "range error [km]"
    assert xr_ax.get_ylabel() == "crossrange [km]"
    assert xr_ax.get_xlabel() == "time from entry interface [s]"
    lines = {ln.get_gid(): ln for a in fig.axes for ln in a.lines if ln.get_gid()}
    sel = (errors.t_s >= 0.0) & (errors.t_s <= errors.t_guided_end_s)
    assert sel.all()  # every cycle is in the guided entry
    for gid, values in [
        ("range_minus_predicted", errors.range_minus_predicted_m),
        ("range_minus_reference", errors.range_minus_reference_m),
        ("crossrange", errors.crossrange_m),
    ]:
        np.testing.assert_allclose(lines[gid].get_ydata(), values[sel] / 1e3)
        assert lines[gid].get_xdata()[-1] == pytest.approx(errors.t_guided_end_s)
    deadband = [ln for ln in xr_ax.lines if ln.get_gid() == "deadband"]
    assert len(deadband) == 2
    t_db = deadband[0].get_xdata()
    assert t_db[0] >= result.event("range_control_start").t_s
    assert t_db[-1] <= result.event("heading_alignment").t_s
    np.testing.assert_allclose(deadband[0].get_ydata(), -deadband[1].get_ydata())
    # guidance phases as labelled lines, the peaks left out
    labels = sorted(t.get_gid().removeprefix("event:") for t in xr_ax.texts if t.get_gid())
    assert {"range_control_start", "heading_alignment", "straighten_up_and_fly_right"} <= set(
        labels
    )
    assert not [name for name in labels if name.startswith("peak_")]
    plt.close(fig)


def test_no_terminal_point_controller_no_guidance_figure(result, mission):
    entry = mission.spec.guidance.entry.model_copy(update={"mode": "constant_bank"})
    guidance = mission.spec.guidance.model_copy(update={"entry": entry})
    plain = dataclasses.replace(
        mission, spec=mission.spec.model_copy(update={"guidance": guidance})
    )
    assert guidance_errors(result, plain) is None
    assert not plots.has_figure(result, plain, "guidance_errors")
    fig = plots.guidance_errors(result, plain)
    assert "no entry guidance" in " ".join(t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)


def test_result_plot_accessor_binds_every_figure(result, mission):
    acc = result.plot
    assert isinstance(acc, ResultPlots)
    for name, fn in plots.FIGURES.items():
        method = getattr(acc, name)
        fig = method(mission)
        direct = fn(result, mission)
        assert isinstance(fig, Figure)
        assert [a.get_ylabel() for a in fig.axes] == [a.get_ylabel() for a in direct.axes]
        assert [len(a.lines) for a in fig.axes] == [len(a.lines) for a in direct.axes]
        # skycrane.plots.<name>(result) is the same function
        assert getattr(skycrane.plots, name) is fn
        plt.close(fig)
        plt.close(direct)
    assert set(acc.all(mission)) == set(plots.all_figures(result, mission))
    fig, ax = plt.subplots()
    assert acc.bank(ax=ax) is fig
    plt.close(fig)
    with pytest.raises(TypeError, match=r"site_map needs the mission"):
        acc.site_map(None)
    with pytest.raises(TypeError, match=r"guidance_errors needs the mission"):
        acc.guidance_errors(None)


DOC_BLOCKS = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("code", DOC_BLOCKS, ids=[f"block{i}" for i in range(len(DOC_BLOCKS))])
def test_outputs_doc_example_runs(code: str, tmp_path, monkeypatch) -> None:
    """Every Python example of docs/outputs.md runs as pasted (in a scratch directory)."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(DOCS), "exec"), {"__name__": "__docs__"})
    plt.close("all")


def test_outputs_doc_shows_the_accessor_and_report() -> None:
    assert any("result.plot." in block for block in DOC_BLOCKS)
    assert any("skycrane.plots." in block for block in DOC_BLOCKS)
    assert any("extra_sections=" in block for block in DOC_BLOCKS)
    assert "skycrane report m2020 -o" in DOCS.read_text(encoding="utf-8")
