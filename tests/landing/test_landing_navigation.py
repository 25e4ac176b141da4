"""Guidance sees only the navigated state (truth plus the navigation error), never the truth.

Checks (GUIDANCE.md 3.4, Mars 2020 Lander Vision System): an inertial
navigation error is removed by the terrain-relative fix before powered
descent, so the landing stays on target; an error left after the fix moves
the rover by exactly that error, because guidance steers the *navigated*
position onto the target.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import skycrane
from skycrane.planets import enu_matrix, great_circle, pf_from_lla


def _with_navigation(mission, imu_enu, trn_enu):
    nav = mission.spec.navigation.model_copy(
        update={
            "position_error_enu_m": list(imu_enu),
            "terrain_relative_error_enu_m": list(trn_enu),
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
