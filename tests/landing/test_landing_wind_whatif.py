"""Powered descent in a steady wind set in the mission file: it flies from where the wind left it.

Reference: an invariant of the design (GUIDANCE.md 3.4; ``powered_descent.divert_max_m``).
Safe-target selection predicts the no-divert landing point as the ground point below the
vehicle at powered-descent start plus the nominal flight's offset to the target (the divert
designed into the nominal), then moves the target off the backshell's clearance circle,
never farther than the divert's reach. So the rover comes to rest within that offset plus
the reach of the point where powered descent began, wherever the wind left the parachute.
The offset is the still-air nominal flight's (``sequence.build.still_air``): taken from a
flight in the same wind, it also held the wind's drift under the parachute, the
"prediction" was the target whatever the wind, and MSL in a 7 m/s headwind flew 2.2 km
back to the target and ran out of propellant 24 m above the ground (docs/powered_descent.md,
"The safe target's offset in wind").

The winds are the Monte Carlo's 1-sigma per component (7 m/s, edl_dispersions.toml):
a headwind and a tailwind on MSL's eastbound approach, and a crosswind.
"""

from __future__ import annotations

import math

import pytest

import skycrane

MARS_MEAN_RADIUS_M = 3_389_500.0  # the distances here are a few km: the sphere is enough


def _ground_m(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float) -> float:
    """Great-circle distance (haversine) on Mars's mean sphere."""
    p1, p2 = math.radians(lat1_deg), math.radians(lat2_deg)
    dp, dl = p2 - p1, math.radians(lon2_deg - lon1_deg)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * MARS_MEAN_RADIUS_M * math.asin(math.sqrt(a))


def _carry_m(result: skycrane.Result) -> float:
    start = result.event("powered_descent_start")
    rover = result.body("rover")
    return _ground_m(
        start.latitude_deg, start.longitude_deg, rover.latitude_deg, rover.longitude_deg
    )


@pytest.fixture(scope="module")
def calm_carry_m() -> float:
    return _carry_m(skycrane.simulate("msl"))


@pytest.mark.parametrize("east_m_s, north_m_s", [(-7.0, 0.0), (7.0, 0.0), (0.0, 7.0)])
def test_msl_lands_from_where_the_wind_left_it(tmp_path, calm_carry_m, east_m_s, north_m_s):
    path = tmp_path / "wind.toml"
    path.write_text(
        'base = "msl"\n[atmosphere.wind]\naltitude_m = [0.0]\n'
        f"east_m_s = [{east_m_s}]\nnorth_m_s = [{north_m_s}]\n",
        encoding="utf-8",
    )
    mission = skycrane.load_mission(path)
    result = skycrane.simulate(mission)
    assert result.ok, (result.status, result.failure_phase, result.warnings)
    reach_m = mission.spec.powered_descent.divert_max_m
    assert _carry_m(result) <= calm_carry_m + reach_m
    # and it did not fly back to the target: 7 m/s for the ~115 s from parachute deploy to
    # backshell separation moves the air ~800 m (E); at least the 300 m clearance of it stays
    deploy_to_separation_s = (
        result.event("backshell_separation").t_s - result.event("parachute_deploy").t_s
    )
    drift_m = math.hypot(east_m_s, north_m_s) * deploy_to_separation_s
    assert result.touchdown["miss_distance_m"] > min(300.0, 0.5 * drift_m)
