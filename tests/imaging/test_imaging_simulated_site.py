"""The debris pattern of a simulated Mars 2020 landing (slow: flies the whole landing).

Reference: the published orbital images of the Mars 2020 and MSL sites show the
descent stage's crash as a fan opening along its direction of travel, away
from the rover, with secondary impacts beyond it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import skycrane
from skycrane.imaging.landing import marks_from_landing


@pytest.mark.slow
def test_crash_fan_opens_away_from_the_rover_with_secondaries_downrange() -> None:
    """Main fan axis points away from the rover; secondaries lie farther out than the crash."""
    mission = skycrane.load_mission("m2020")
    result = skycrane.simulate(mission)
    marks = marks_from_landing(result, mission, np.random.default_rng(2021))
    fan = next(m for m in marks if m.kind == "main_crash" and m.shape == "fan")
    crash = np.array([fan.x_m, fan.y_m])
    outward = crash / np.linalg.norm(crash)  # rover (origin) to the crash
    axis = np.array([math.cos(fan.orientation_rad), math.sin(fan.orientation_rad)])
    assert float(axis @ outward) > 0.5, "the fan must open away from the rover"
    secondaries = [m for m in marks if m.kind == "secondary"]
    assert secondaries
    downrange = [float((np.array([m.x_m, m.y_m]) - crash) @ outward) for m in secondaries]
    assert np.median(downrange) > 0.0, "secondaries must land beyond the crash"
    assert np.linalg.norm(crash) == pytest.approx(
        result.body("descent_stage").distance_from_rover_m, rel=0.01
    )
