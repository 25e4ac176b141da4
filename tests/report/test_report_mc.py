"""The Monte Carlo section of the report and the ellipse exports, from a real small run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.montecarlo import run_monte_carlo
from skycrane.output.mc_report import ellipses_geojson, load_mc, monte_carlo_section
from skycrane.output.report import FigureBlock, Table, write_report
from skycrane.planets import great_circle


@pytest.fixture(scope="module")
def mc_dir(mission, tmp_path_factory):
    out = tmp_path_factory.mktemp("mc") / "run"
    run_monte_carlo(mission, 40, 8, out, chunk_size=20)
    return out


def test_section_tables_and_figures_match_the_summary(mc_dir, mission) -> None:
    summary = json.loads((mc_dir / "summary.json").read_text())
    section = monte_carlo_section(mc_dir, mission)
    tables = {b.id: b for b in section.blocks if isinstance(b, Table) and b.id}
    ellipses = tables["mc-ellipses"]
    assert [row[0] for row in ellipses.rows] == list(summary["ellipses"])
    rover = next(row for row in ellipses.rows if row[0] == "rover")
    assert float(rover[1]) == pytest.approx(summary["ellipse_99"]["major_km"], abs=0.005)
    figures = {b.name: b.figure for b in section.blocks if isinstance(b, FigureBlock)}
    site = figures["mc_site_map"]
    gids = {a.get_gid() for ax in site.axes for a in (*ax.lines, *ax.collections)}
    assert {"ellipse:rover", "scatter:rover", "scatter:descent_stage", "target"} <= gids
    near = site.axes[0]
    assert near.get_xlabel() == "east of target [m]"
    line = next(a for a in near.lines if a.get_gid() == "ellipse:rover")
    e = summary["ellipses"]["rover"]["p99"]
    xy = line.get_xydata() - [e["center_east_m"], e["center_north_m"]]
    assert np.max(np.hypot(xy[:, 0], xy[:, 1])) == pytest.approx(e["semi_major_m"], rel=1e-3)
    hist = figures["mc_histograms"]
    limits = {a.get_gid() for ax in hist.axes for a in ax.lines if a.get_gid()}
    assert "limit:parachute_deploy.mach" in limits
    mach_line = next(
        a for ax in hist.axes for a in ax.lines if a.get_gid() == "limit:parachute_deploy.mach"
    )
    assert mach_line.get_xdata()[0] == mission.spec.parachute.mach_max


def test_report_with_monte_carlo_has_its_section(mc_dir, mission, result, tmp_path) -> None:
    files = write_report(result, mission, tmp_path, [monte_carlo_section(mc_dir, mission)])
    page = files["report.html"].read_text()
    assert 'id="monte-carlo"' in page and 'id="mc-ellipses"' in page
    assert "http://" not in page and "https://" not in page.replace("http://www.w3.org", "")


def test_ellipse_geojson_round_trips_to_the_target_frame(mc_dir, mission) -> None:
    """Every ring vertex is at the ellipse's own distance from the target (1e-6 relative)."""
    summary, _ = load_mc(mc_dir, mission)
    doc = ellipses_geojson(summary, mission)
    assert doc["type"] == "FeatureCollection"
    tgt = mission.spec.target
    for feature in doc["features"]:
        ring = np.asarray(feature["geometry"]["coordinates"][0])
        assert feature["geometry"]["type"] == "Polygon"
        assert np.array_equal(ring[0], ring[-1])
        e = summary["ellipses"][feature["properties"]["body"]]["p99"]
        from skycrane.output.mc_plots import _ellipse

        en = _ellipse(e).boundary(ring.shape[0])
        d, _ = great_circle(
            tgt.latitude_deg,
            tgt.longitude_deg,
            ring[:, 1],
            ring[:, 0],
            mission.planet.mean_radius_m,
        )
        np.testing.assert_allclose(d[:-1], np.hypot(en[:-1, 0], en[:-1, 1]), rtol=1e-6, atol=1e-3)


def test_a_monte_carlo_of_another_mission_is_refused(mc_dir) -> None:
    import skycrane

    with pytest.raises(InputError, match="Monte Carlo of msl"):
        load_mc(mc_dir, skycrane.load_mission("msl"))


def test_ellipse_kml_parses_with_the_same_rings(mc_dir, mission) -> None:
    """KML 2.2 opens with a standard XML parser; its rings equal the GeoJSON ones."""
    import xml.etree.ElementTree as ET

    from skycrane.output.export import KML_NS
    from skycrane.output.mc_report import ellipses_kml

    summary, _ = load_mc(mc_dir, mission)
    root = ET.fromstring(ellipses_kml(summary, mission).split("\n", 1)[1])
    rings = root.findall(f".//{{{KML_NS}}}coordinates")
    features = ellipses_geojson(summary, mission)["features"]
    assert len(rings) == len(features)
    for ring, feature in zip(rings, features, strict=True):
        pts = [tuple(map(float, p.split(","))) for p in ring.text.split()]
        np.testing.assert_allclose(pts, feature["geometry"]["coordinates"][0], rtol=0, atol=1e-12)
