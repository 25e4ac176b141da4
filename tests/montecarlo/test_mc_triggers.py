"""The range trigger against the velocity trigger on the same vehicle and dispersions (issue 14).

Published claim (Dutta & Way, "Comparison of the Effects of Velocity and Range
Triggers on Trajectory Dispersions for the Mars 2020 Mission", AIAA 2017-0245;
NASA's Mars 2020 EDL page: the ellipse shrinks by more than 50 %): deploying on
the navigated range to the target instead of on the speed removes most of the
downrange scatter the entry leaves, because the parachute phase then starts a
fixed distance from the target whatever the speed. An invariant-style
comparison, not a figure: the same Mars 2020 file and seed flown twice, once
with its range trigger and once with a velocity trigger at the speed its own
nominal deploys at; the entry reference ends at ``range_to_target_m`` for both
(``guidance.entry.reference_end_range_m``), so only the trigger differs.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow.parquet as pq
import pytest

import skycrane
from skycrane.analysis.ellipse import empirical_ellipse
from skycrane.errors import InputError
from skycrane.missions.loader import load_mission
from skycrane.montecarlo import run_monte_carlo

N = 300
SEED = 3

VELOCITY = """
base = "m2020"
[guidance.entry]
reference_end_range_m = {end_range!r}
[parachute.deploy]
trigger = "velocity"
speed_m_s = {speed!r}
"""


def _downrange_azimuth_rad(result) -> float:
    """Direction of flight under the parachute on the nominal, clockwise from north."""
    a, b = result.event("parachute_deploy"), result.event("backshell_separation")
    d_east = (b.longitude_deg - a.longitude_deg) * math.cos(math.radians(a.latitude_deg))
    return math.atan2(d_east, b.latitude_deg - a.latitude_deg)


def _extent_99_km(out_dir, azimuth_rad: float) -> tuple[float, float]:
    """Full width (downrange, crossrange) of the landed cases' empirical 99 % ellipse, km:
    2 k sqrt(u^T C u) along unit u (analysis/ellipse.py)."""
    cases = pq.read_table(out_dir / "cases.parquet").to_pandas()
    landed = cases[cases.status == 0]
    east, north = landed["body.rover.east_m"], landed["body.rover.north_m"]
    k = empirical_ellipse(east, north, 0.99).k
    cov = np.cov(np.vstack([east, north]))
    down = np.array([math.sin(azimuth_rad), math.cos(azimuth_rad)])
    cross = np.array([math.cos(azimuth_rad), -math.sin(azimuth_rad)])
    return tuple(2.0 * k * math.sqrt(u @ cov @ u) / 1e3 for u in (down, cross))


@pytest.mark.slow
def test_range_trigger_shrinks_the_downrange_axis(tmp_path) -> None:
    """Same dispersions (seed 3, 300 cases): the range trigger's downrange 99 % extent is
    under 0.7 of the velocity trigger's, and both fly under 1 % of cases to a failure
    (issue 14's bar for the presets). Not none: the velocity variant's nominal leaves the
    parachute 1.25 km short of the target (the preset 0.57 km), a designed divert that
    powered descent flies east and north whatever the wind, and in a headwind of ~8 m/s
    beside a divert to the hazard map's edge one case of 300 runs dry in the sky crane
    (docs/powered_descent.md, "The safe target's offset in wind").

    Invariant of the published claim (Dutta & Way 2017), whose own ratio depends on
    dispersions the public papers do not tabulate; 3,000 cases of each (seeds 3 and 4,
    docs/monte_carlo.md) give 0.43-0.44, 300 cases of seeds 3-5 give 0.42-0.45. The
    velocity trigger's speed is the range-triggered nominal's deploy speed and its entry
    reference ends at the range trigger's range, so both deploy at the same point nominally.
    """
    m2020 = load_mission("m2020")
    nominal = skycrane.simulate(m2020)
    speed = round(nominal.event("parachute_deploy").speed_m_s, 1)
    path = tmp_path / "m2020_velocity.toml"
    end_range = m2020.spec.parachute.deploy.range_to_target_m
    path.write_text(VELOCITY.format(end_range=end_range, speed=speed))
    velocity = load_mission(str(path))
    azimuth = _downrange_azimuth_rad(nominal)
    extent = {}
    for label, mission in (("range", m2020), ("velocity", velocity)):
        run = run_monte_carlo(mission, N, SEED, tmp_path / label)
        assert run.summary["failed"] < 0.01 * N, (label, run.summary["failures"])
        extent[label] = _extent_99_km(tmp_path / label, azimuth)
    assert extent["range"][0] < 0.7 * extent["velocity"][0], extent


def test_switching_the_trigger_alone_is_refused(tmp_path) -> None:
    """Mars 2020 with only its trigger switched to velocity would end its entry reference
    over the target (the range trigger's 7,450 m unread) and overfly it by the parachute
    phase's ~7 km in every case: refused, naming the trigger and the field that would fly it."""
    path = tmp_path / "switched.toml"
    path.write_text(
        VELOCITY.replace("reference_end_range_m = {end_range!r}\n", "").format(speed=399.7)
    )
    with pytest.raises(InputError, match=r"guidance\.entry\.reference_end_range_m"):
        load_mission(str(path))
