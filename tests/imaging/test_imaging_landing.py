"""Marks from a simulated landing: geometry of the crash relative to the rover."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

import skycrane
from skycrane.imaging.landing import marks_from_landing


def _body(name, distance, bearing, speed, angle=None):
    return SimpleNamespace(
        name=name,
        distance_from_rover_m=distance,
        bearing_from_rover_deg=bearing,
        impact_speed_m_s=speed,
        impact_angle_deg=angle,
    )


def _check_crash_pattern(marks, result):
    """Fan opens away from the rover; secondaries lie downrange of the impact point."""
    ds = next(b for b in result.bodies if b.name == "descent_stage")
    away = np.array(
        [
            math.sin(math.radians(ds.bearing_from_rover_deg)),
            math.cos(math.radians(ds.bearing_from_rover_deg)),
        ]
    )
    fan = next(m for m in marks if m.kind == "main_crash")
    axis = np.array([math.cos(fan.orientation_rad), math.sin(fan.orientation_rad)])
    assert axis @ away == pytest.approx(1.0)
    apex = np.array([fan.x_m, fan.y_m])
    assert apex @ away == pytest.approx(ds.distance_from_rover_m)
    offsets = np.array([[m.x_m, m.y_m] for m in marks if m.kind == "secondary"]) - apex
    assert len(offsets) > 5
    assert np.mean(offsets @ away > 0) > 0.95


def test_marks_from_stub_landing_with_m2020_masses():
    """Invariant: crash fan and secondaries point away from the rover (mission masses)."""
    mission = skycrane.load_mission("m2020")
    result = SimpleNamespace(
        bodies=[
            _body("cruise_stage", None, None, None),
            _body("descent_stage", 700.0, 312.0, 45.0),
            _body("heat_shield", 450.0, 104.0, 100.0),
            _body("backshell", 540.0, 254.0, 34.0),
            _body("entry_balance_mass_1", 12000.0, 87.0, 520.0),
            _body("rover", 0.0, 0.0, 0.75),
        ]
    )
    marks = marks_from_landing(result, mission, np.random.default_rng(0))
    kinds = {m.kind for m in marks}
    assert kinds == {
        "blast_zone",
        "main_crash",
        "secondary",
        "heat_shield",
        "backshell",
        "parachute",
        "balance_mass",
    }
    _check_crash_pattern(marks, result)
    # 25 kg of tungsten at 520 m/s: a crater-scaled mark of ~10 m2 (Holsapple 1993), not
    # the 2000 m2 that E^(1/3) energy scaling would give.
    ballast = next(m for m in marks if m.kind == "balance_mass")
    assert 5.0 < ballast.area_m2 < 20.0
    assert np.hypot(ballast.x_m, ballast.y_m) == pytest.approx(12000.0)
