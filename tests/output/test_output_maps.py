"""Site maps and figures that read well: terrain, published ellipse, observations, labels.

References: the published ellipse's semi-axes (REFERENCE.md: Mars 2020 7.7 x
6.6 km) give the drawn boundary's largest and smallest distance from the
target (analytic); observed positions from a GeoJSON sit where the same
planet geometry puts those coordinates (computed independently here with
skycrane.planets); the debris map's distances are the result's
``distance_from_rover_m``; invariants: no two body labels of the near-field
and debris maps overlap once drawn, axis labels never carry an offset, each body's colour differs
clearly from every other's.
"""

from __future__ import annotations

import itertools
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.image import AxesImage
from matplotlib.text import Annotation
from typer.testing import CliRunner

import skycrane
from skycrane.cli import app
from skycrane.output import mc_plots, plots
from skycrane.planets import east_north_m


def _enu_m(mission, lat, lon):
    """East and north of the target [m] in the frame of the reduction's body columns: the
    azimuthal-equidistant plane (distance and bearing from the target kept exactly)."""
    tgt = mission.spec.target
    e, n = east_north_m(tgt.latitude_deg, tgt.longitude_deg, lat, lon, mission.planet.mean_radius_m)
    return np.array([e, n])


def _drawn(fig):
    """Draw ``fig`` on an Agg canvas (figures are built without a backend); its renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _overlaps(fig, ax) -> list[tuple[str, str]]:
    """Pairs of annotation texts of ``ax`` whose drawn boxes overlap."""
    renderer = _drawn(fig)
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in ax.texts
        if isinstance(t, Annotation) and t.get_visible() and t.get_text()
    ]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


def test_site_map_on_hillshade_with_published_ellipse(result, mission):
    fig = plots.site_map(result, mission)
    near, far = fig.axes
    (shade,) = [im for im in near.images if isinstance(im, AxesImage)]
    assert shade.get_gid() == "hillshade"
    west, east, south, north = shade.get_extent()
    assert west < -4000.0 and east > 4000.0 and south < -4000.0 and north > 4000.0
    (ellipse,) = [ln for ln in far.lines if ln.get_gid() == "published_ellipse"]
    r_km = np.hypot(*ellipse.get_xydata().T)
    assert r_km.max() == pytest.approx(7.7 / 2, rel=1e-3)
    assert r_km.min() == pytest.approx(6.6 / 2, rel=1e-3)
    assert "7.7 x 6.6 km" in ellipse.get_label()
    assert near.get_legend() is not None and far.get_legend() is not None
    # no two labels overlap once drawn, on either panel (the placement estimates positions
    # after the constrained layout has placed the panels)
    assert _overlaps(fig, near) == []
    assert _overlaps(fig, far) == []
    plt.close(fig)


def test_observed_positions_from_geojson(result, mission, tmp_path):
    rover = result.body("rover")
    found = {
        "rover as seen": (rover.latitude_deg, rover.longitude_deg),
        "heat shield as seen": (18.43, 77.47),
    }
    (tmp_path / "found.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {"name": name},
                    }
                    for name, (lat, lon) in found.items()
                ],
            }
        )
    )
    path = tmp_path / "with_found.toml"
    path.write_text('base = "m2020"\n[site]\nobserved_positions_file = "found.geojson"\n')
    fig = plots.site_map(result, skycrane.load_mission(path))
    near, far = fig.axes
    for ax, scale in ((near, 1.0), (far, 1e3)):
        marks = {c.get_gid(): c for c in ax.collections}
        for name, (lat, lon) in found.items():
            expected = _enu_m(mission, lat, lon)
            got = marks[f"observed:{name}"].get_offsets()[0] * scale
            np.testing.assert_allclose(got, expected, atol=1.0)
    plt.close(fig)


def test_bad_geojson_exit_2_naming_the_key(tmp_path):
    (tmp_path / "found.geojson").write_text('{"type": "FeatureCollection", "features": [1]}')
    path = tmp_path / "bad.toml"
    path.write_text('base = "m2020"\n[site]\nobserved_positions_file = "found.geojson"\n')
    for cmd in ("check", "run"):
        out = CliRunner().invoke(app, [cmd, str(path)])
        assert out.exit_code == 2 and "Traceback" not in out.output
        lines = [line for line in out.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "site.observed_positions_file" in lines[0]


def test_debris_map_in_the_rovers_frame(result, mission):
    fig = plots.debris_map(result, mission)
    (ax,) = fig.axes
    marks = {c.get_gid(): c for c in ax.collections}
    np.testing.assert_allclose(marks["body:rover"].get_offsets()[0], [0.0, 0.0], atol=1e-6)
    (circle,) = [ln for ln in ax.lines if ln.get_gid() == "keep_out"]
    assert np.hypot(*circle.get_xydata().T) == pytest.approx(plots.DEBRIS_RADIUS_M)
    ds = result.body("descent_stage")
    (text,) = [t.get_text() for t in ax.texts if t.get_text().startswith("descent stage crash")]
    if ds.distance_from_rover_m <= 20.0 * plots.DEBRIS_RADIUS_M:
        got = np.hypot(*marks["body:descent_stage"].get_offsets()[0])
        assert got == pytest.approx(ds.distance_from_rover_m, rel=0.01)
        assert float(text.split()[-2]) == pytest.approx(ds.distance_from_rover_m, rel=0.01)
    else:  # off the map: named in a note with its distance and bearing
        assert "body:descent_stage" not in marks
        words = text.split()
        assert float(words[3].replace(",", "")) == pytest.approx(ds.distance_from_rover_m, rel=0.01)
        assert float(words[6].rstrip("°")) == pytest.approx(ds.bearing_from_rover_deg, abs=1.0)
    assert _overlaps(fig, ax) == []
    plt.close(fig)


@pytest.mark.parametrize("name", ["altitude_speed", "altitude_mach"])
def test_altitude_figures_have_a_ground_line(result, mission, name):
    fig = getattr(plots, name)(result, mission)
    (ax,) = fig.axes
    (ground,) = [ln for ln in ax.lines if ln.get_gid() == "ground"]
    np.testing.assert_allclose(ground.get_ydata(), mission.spec.target.altitude_m / 1e3)
    plt.close(fig)


def test_powered_descent_draws_the_ground_under_the_vehicle(result, mission):
    fig = plots.powered_descent(result, mission)
    (ground,) = [ln for ln in fig.axes[0].lines if ln.get_gid() == "ground"]
    # the rover is lowered onto the target's ground: relief 0 there, a few metres around
    assert abs(ground.get_ydata()[-1]) < 5.0
    plt.close(fig)


def test_mc_figures_distinct_colours_and_plain_axes(mission):
    rng = np.random.default_rng(0)
    n = 500
    columns = {}
    for k, body in enumerate(["rover", "descent_stage", "backshell", "heat_shield"]):
        columns[f"body.{body}.east_m"] = rng.normal(300.0 * k, 50.0, n)
        columns[f"body.{body}.north_m"] = rng.normal(0.0, 50.0, n)
    columns["backshell_separation.height_m"] = 2099.9999 + rng.normal(0.0, 1e-4, n)
    summary = {"mission": "m2020", "cases": n}
    fig = mc_plots.mc_site_map(columns, summary, mission)
    near, _ = fig.axes
    assert [im.get_gid() for im in near.images] == ["hillshade"]
    colors = [to_rgb(c.get_facecolor()[0][:3]) for c in near.collections if c.get_gid()]
    for a, b in itertools.combinations(colors, 2):
        assert np.linalg.norm(np.subtract(a, b)) > 0.3, (a, b)
    plt.close(fig)
    fig = mc_plots.mc_histograms(columns, summary, {})
    _drawn(fig)
    for ax in fig.axes:
        if ax.get_visible():
            assert ax.xaxis.get_offset_text().get_text() == ""
            assert "e+" not in " ".join(t.get_text() for t in ax.get_xticklabels())
    plt.close(fig)
