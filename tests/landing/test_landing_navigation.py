"""Guidance sees only the navigated state (truth plus the navigation error), never the truth.

Checks (GUIDANCE.md 3.4, Mars 2020 Lander Vision System): an inertial
navigation error is removed by the terrain-relative fix before powered
descent, so the landing stays on target; an error left after the fix moves
the rover by exactly that error, because guidance steers the *navigated*
position onto the target. Safe-target selection flown in the kernel lands
the rover on a safe cell of the site's map (invariant). Bad navigation
input is refused by ``check`` and ``run`` alike, exit 2, naming the key.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from typer.testing import CliRunner

import skycrane
from skycrane.cli import app
from skycrane.planets import enu_matrix, great_circle, pf_from_lla
from skycrane.sequence.build import hazard_map


def _with_navigation(mission, imu_enu, trn_enu):
    """The mission with these position errors, on open ground (no hazard map, no clearance):
    safe-target selection then flies the predicted point, the target itself."""
    nav = mission.spec.navigation.model_copy(
        update={
            "position_error_enu_m": list(imu_enu),
            "terrain_relative_error_enu_m": list(trn_enu),
            "hazard_map": "none",
            "backshell_clearance_m": 0.0,
        }
    )
    return dataclasses.replace(mission, spec=mission.spec.model_copy(update={"navigation": nav}))


@pytest.fixture(scope="module")
def m2020():
    return skycrane.load_mission("m2020")


def test_lvs_fix_removes_an_inertial_error(m2020) -> None:
    """A 300 m inertial error before the LVS fix does not move the landing."""
    result = skycrane.simulate(_with_navigation(m2020, (300.0, 0.0, 0.0), (0.0, 0.0, 0.0)))
    assert result.ok, result.status_text
    assert result.touchdown["miss_distance_m"] < 1.0


def test_error_after_the_fix_moves_the_rover_by_that_error(m2020) -> None:
    """A 20 m east error after the fix lands the rover 20 m WEST of the target."""
    result = skycrane.simulate(_with_navigation(m2020, (0.0, 0.0, 0.0), (20.0, 0.0, 0.0)))
    assert result.ok, result.status_text
    assert result.touchdown["miss_distance_m"] == pytest.approx(20.0, abs=1.0)
    tgt = m2020.spec.target
    rover = result.body("rover")
    _, bearing = great_circle(
        tgt.latitude_deg,
        tgt.longitude_deg,
        rover.latitude_deg,
        rover.longitude_deg,
        m2020.planet.mean_radius_m,
    )
    assert float(bearing) == pytest.approx(270.0, abs=3.0)


def test_enu_error_is_applied_in_the_target_frame(m2020) -> None:
    """Invariant of the set-up: an east error is a planet-fixed vector along local east."""
    tgt = m2020.spec.target
    east = enu_matrix(tgt.latitude_deg, tgt.longitude_deg, m2020.planet)[0]
    r = pf_from_lla(tgt.latitude_deg, tgt.longitude_deg, tgt.altitude_m, m2020.planet)
    assert abs(float(np.dot(east, r))) < 1e-6 * np.linalg.norm(r)


def _rest_en_m(mission, body):
    """East and north of a body's rest point from the target, m (great circle, local plane)."""
    tgt = mission.spec.target
    d, bearing = great_circle(
        tgt.latitude_deg,
        tgt.longitude_deg,
        body.latitude_deg,
        body.longitude_deg,
        mission.planet.mean_radius_m,
    )
    b = np.radians(float(bearing))
    return float(d) * np.sin(b), float(d) * np.cos(b)


def test_rover_lands_on_a_safe_cell_of_the_site_map(m2020, tmp_path) -> None:
    """Invariant: wherever STS sends it, the rover comes to rest on a cell the map calls safe.

    The synthetic site is shifted so that the target's own cell and its
    neighbours are hazardous: the nominal flight must divert to land safely.
    """
    site = hazard_map(m2020)
    safe = site.safe.copy()
    i0 = int(-site.north0_m // site.spacing_m)
    j0 = int(-site.east0_m // site.spacing_m)
    safe[i0 - 3 : i0 + 4, j0 - 3 : j0 + 4] = False
    path = tmp_path / "site.npz"
    np.savez(path, safe=safe, east0_m=site.east0_m, north0_m=site.north0_m, spacing_m=10.0)
    nav = m2020.spec.navigation.model_copy(update={"hazard_map": str(path)})
    mission = dataclasses.replace(m2020, spec=m2020.spec.model_copy(update={"navigation": nav}))
    result = skycrane.simulate(mission)
    assert result.ok, result.status_text
    e, n = _rest_en_m(mission, result.body("rover"))
    assert np.hypot(e, n) > 30.0  # it diverted out of the hazard patch
    assert safe[int((n - site.north0_m) // 10.0), int((e - site.east0_m) // 10.0)]


RUNNER = CliRunner()

BAD = {
    "negative-radar-noise": (
        'base = "m2020"\n[navigation]\nradar_velocity_noise_m_s = -0.1\n',
        "radar_velocity_noise_m_s",
    ),
    "map-off-site": (None, "navigation.hazard_map"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_navigation_input_is_refused_by_check_and_run(tmp_path, name) -> None:
    """Exit 2 from both commands, one identical line naming the key, no traceback."""
    text, key = BAD[name]
    if text is None:
        np.savez(
            tmp_path / "off.npz",
            safe=np.ones((20, 20), bool),
            east0_m=5000.0,
            north0_m=0.0,
            spacing_m=10.0,
        )
        text = 'base = "m2020"\n[navigation]\nhazard_map = "off.npz"\n'
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    lines = {}
    for command in ("check", "run"):
        out = RUNNER.invoke(app, [command, str(path)])
        assert out.exit_code == 2, (command, out.output)
        lines[command] = [line for line in out.stderr.splitlines() if line.strip()]
        assert len(lines[command]) == 1 and key in lines[command][0], lines[command]
        assert "Traceback" not in out.output
    assert lines["check"] == lines["run"]
