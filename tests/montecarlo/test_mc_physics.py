"""Landing ellipses against the published ones, and the range trigger against the velocity trigger.

Both presets fly the same dispersions (missions/presets/shared/edl_dispersions.toml,
values and sources listed there). Published 99 % ellipses: Mars 2020
7.7 x 6.6 km (REFERENCE.md), MSL 19.1 x 6.9 km predicted (GUIDANCE.md 1.6).
"Of the published scale" is taken as within a factor 2.5 on each axis: the
public literature does not tabulate the projects' dispersions, so ours are
reasoned values (tagged R) and the ellipse follows them.
"""

from __future__ import annotations

import pytest

from skycrane.missions.loader import load_mission
from skycrane.montecarlo import run_monte_carlo

N = 1500


@pytest.fixture(scope="module")
def summaries(tmp_path_factory):
    root = tmp_path_factory.mktemp("ellipses")
    return {
        name: run_monte_carlo(load_mission(name), N, 2021, root / name).summary
        for name in ("m2020", "msl")
    }


@pytest.mark.slow
def test_range_trigger_gives_the_smaller_ellipse(summaries) -> None:
    """Published claim (Dutta & Way 2017): the range trigger shrinks the ellipse."""
    m20, msl = summaries["m2020"]["ellipse_99"], summaries["msl"]["ellipse_99"]
    assert m20["major_km"] * m20["minor_km"] < 0.6 * msl["major_km"] * msl["minor_km"]
    assert m20["major_km"] < msl["major_km"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "major_km", "minor_km"), [("m2020", 7.7, 6.6), ("msl", 19.1, 6.9)]
)
def test_ellipses_are_of_the_published_scale(summaries, name, major_km, minor_km) -> None:
    e = summaries[name]["ellipse_99"]
    assert major_km / 2.5 < e["major_km"] < major_km * 2.5
    assert minor_km / 2.5 < e["minor_km"] < minor_km * 2.5
    assert e["probability"] == pytest.approx(0.99, abs=0.002)  # stated, empirical


@pytest.mark.slow
def test_descent_stage_crashes_away_from_the_rover(summaries) -> None:
    """Flyaway design (issue 14's check): the crash's p1 distance is at least 150 m and every
    case lands. Not every case: one of these 1,500 rovers lands in a synthetic crater and the
    stage, pitching 45 deg from 10 m up, hits its wall 37 m away (docs/powered_descent.md)."""
    crash = summaries["m2020"]["crash_distance_m"]
    assert crash["p1"] >= 150.0
    assert summaries["m2020"]["failed"] == 0
