"""The simulated Mars 2020 and MSL landings as HiRISE would frame them (slow: flies each
landing).

Reference: HiRISE's images of both sites (NASA releases of 2012 and 2021) show the
descent stage's crash as a dark fan opening along its direction of travel, away from
the rover, with secondary impacts beyond it, and the rover, backshell with parachute
and heat shield in one image.
"""

from __future__ import annotations

import numpy as np
import pytest

import skycrane
from skycrane.imaging.landing import NEAR_FIELD, landing_frame, marks_from_landing
from skycrane.imaging.marks import pixel_grid, rasterise


@pytest.fixture(scope="module", params=["m2020", "msl"])
def scene(request):
    mission = skycrane.load_mission(request.param)
    result = skycrane.simulate(mission)
    return result, marks_from_landing(result, mission, np.random.default_rng(2021))


@pytest.mark.slow
def test_rendered_fan_opens_away_from_the_rover_with_secondaries_beyond(scene) -> None:
    """Invariant (the published images' layout): the centroid of the crash's rendered
    darkening (ejecta, rays, crater) lies beyond the impact point on the line from the
    rover, and the fragments' secondaries land farther out than the crash."""
    result, marks = scene
    fan = next(m for m in marks if m.kind == "main_crash")
    apex = np.array([fan.x_m, fan.y_m])
    outward = apex / np.linalg.norm(apex)
    res = 0.25
    side = int(8 * fan.semi_major_m / res)
    transmission, _, _ = rasterise([fan], (side, side), res, origin_m=(fan.x_m, fan.y_m))
    dark = 1.0 - transmission
    xs, ys = pixel_grid(dark.shape, res)
    centroid = np.array(
        [(dark * xs[None, :]).sum() / dark.sum(), (dark * ys[:, None]).sum() / dark.sum()]
    )
    assert centroid @ outward > 0.2 * fan.semi_major_m
    assert abs(centroid[0] * outward[1] - centroid[1] * outward[0]) < 0.5 * (centroid @ outward)
    secondaries = np.array([[m.x_m, m.y_m] for m in marks if m.kind == "secondary"])
    assert len(secondaries) > 5
    assert np.median((secondaries - apex) @ outward) > 0.0
    assert result.body("descent_stage").impact_angle_deg < 45.0  # an oblique crash


@pytest.mark.slow
def test_default_frame_holds_the_near_field_hardware(scene) -> None:
    """Invariant: the default 0.25 m/px frame holds the rover, backshell, parachute and
    heat shield wholly, names whatever near-field body it leaves out, and the
    whole-landing frame leaves out nothing."""
    _, marks = scene
    frame = landing_frame(marks)
    assert frame.resolution_m == 0.25
    assert not {"rover", "backshell", "parachute", "heat shield"} & set(frame.left_out)
    half = 0.5 * frame.size_px * frame.resolution_m
    for m in marks:
        if m.kind in NEAR_FIELD and NEAR_FIELD[m.kind] not in frame.left_out:
            assert abs(m.x_m - frame.centre_m[0]) + m.extent_m <= half
            assert abs(m.y_m - frame.centre_m[1]) + m.extent_m <= half
    assert landing_frame(marks, hold_all=True).left_out == ()
