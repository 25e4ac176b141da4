"""Bodies come to rest on the site's terrain model, and bad terrain files are refused.

Reference: a GeoTIFF of a known plane (slopes 0.03 east, -0.02 north, an
offset of 1234.5 m the grid removes; conftest.py) under the m2020 landing.
Every body that comes to rest on the grid, the rover at touchdown and the
descent stage at its crash, is at the plane's analytic height above the
target's ground to within 0.1 m (issue 17's tolerance). The refusals are the
check-equals-run contract: exit 2 from both commands, one line naming
``site.terrain_file``.
"""

from __future__ import annotations

import numpy as np
import pytest
from terrain_planes import GRAD_EAST, GRAD_NORTH, MARS_R_M, PROJECTED, write_plane
from typer.testing import CliRunner

from skycrane.cli import app
from skycrane.contract import layout as L
from skycrane.missions.loader import load_mission
from skycrane.planets.geodesy import lla_from_pf
from skycrane.propagate.kernel import run_batch
from skycrane.sequence.bodies import fly_bodies
from skycrane.sequence.build import build_batch, prepare

HALF_WIDTH_M = 6000.0


def _mission_file(folder, terrain_line):
    path = folder / "on_plane.toml"
    path.write_text(
        f'base = "m2020"\n[site]\n{terrain_line}\ngrid_half_width_m = {HALF_WIDTH_M}\n'
        "grid_spacing_m = 20.0\n"
    )
    return path


@pytest.fixture(scope="module")
def flown(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plane")
    write_plane(folder / "plane.tif", PROJECTED, half_width_m=7000.0)
    mission = load_mission(_mission_file(folder, 'terrain_file = "plane.tif"'))
    preflight = prepare(mission, record_trajectory=False)
    batch = build_batch(mission, 1, record_trajectory=False, preflight=preflight)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    return mission, batch, raw, fly_bodies(batch, mission, raw)


def _height_above_plane(mission, r_pf_m):
    """Altitude minus the plane's ground there [m], and whether the point is on the grid."""
    terrain = mission.terrain
    east, north = terrain.local_from_pf(r_pf_m)
    scale = MARS_R_M / np.linalg.norm(terrain.origin_pf_m)  # file metres per ground metre
    ground = mission.spec.target.altitude_m + scale * (GRAD_EAST * east + GRAD_NORTH * north)
    _, _, alt = lla_from_pf(r_pf_m, mission.planet)
    on_grid = max(abs(east), abs(north)) < HALF_WIDTH_M
    return float(alt - ground), on_grid, float(np.hypot(east, north))


def test_jettisoned_bodies_rest_on_the_plane(flown):
    mission, _, _, flights = flown
    rested = {}
    for name, y in zip(flights.name, flights.y_rest, strict=True):
        if not np.all(np.isfinite(y[:3])):
            continue
        dz, on_grid, distance = _height_above_plane(mission, y[:3])
        if on_grid:
            rested[name] = (dz, distance)
    assert {"heat_shield", "backshell"} <= set(rested), rested
    for name, (dz, _) in rested.items():
        assert abs(dz) < 0.1, (name, dz)
    # the plane is not the target's flat ground there: the test can tell them apart
    _, distance = rested["heat_shield"]
    assert distance * min(abs(GRAD_EAST), abs(GRAD_NORTH)) > 1.0


def test_rover_and_descent_stage_rest_on_the_plane(flown):
    mission, batch, raw, _ = flown
    assert raw.event_fired[0, L.EV_TOUCHDOWN] and raw.event_fired[0, L.EV_GROUND]
    bridle_m = batch.params[0, L.P_PD0 + L.PDP_BRIDLE_M]
    dz, on_grid, _ = _height_above_plane(mission, raw.event_y[0, L.EV_TOUCHDOWN, :3])
    assert on_grid and abs(dz - bridle_m) < 0.1  # the rover hangs bridle_m below the stage
    dz, on_grid, distance = _height_above_plane(mission, raw.event_y[0, L.EV_GROUND, :3])
    assert on_grid and abs(dz) < 0.1
    assert distance > 50.0  # the crash is away from the target, where the plane has risen


@pytest.mark.parametrize(
    ("what", "expected"),
    [("no_crs", "coordinate reference system"), ("not_raster", "raster"), ("far", "covering")],
)
def test_bad_terrain_file_exit_2_naming_the_key(tmp_path, what, expected):
    """check and run: exit 2, one identical line naming site.terrain_file, no traceback."""
    tif = tmp_path / "dem.tif"
    if what == "no_crs":
        write_plane(tif, None, half_width_m=2000.0)
    elif what == "not_raster":
        tif.write_text("elevation,lat,lon\n1,2,3\n")
    else:  # a projected file whose origin is 2,000 km from the target
        write_plane(tif, PROJECTED.replace("+lon_0=70", "+lon_0=40"), half_width_m=2000.0)
    path = _mission_file(tmp_path, 'terrain_file = "dem.tif"')
    runner = CliRunner()
    results = [runner.invoke(app, [cmd, str(path)]) for cmd in ("check", "run")]
    lines = []
    for result in results:
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        err = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(err) == 1 and "site.terrain_file" in err[0] and expected in err[0], err
        lines.append(err)
    assert lines[0] == lines[1]
