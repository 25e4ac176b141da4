"""Marks from a simulated landing: geometry of the crash relative to the rover."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

import skycrane
from skycrane.imaging.landing import (
    DEFAULT_FRAME_PX,
    HIRISE_SCALES_M,
    NEAR_FIELD,
    landing_frame,
    marks_from_landing,
)


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


def _stub_marks():
    mission = skycrane.load_mission("m2020")
    result = SimpleNamespace(
        bodies=[
            _body("descent_stage", 700.0, 312.0, 45.0),
            _body("heat_shield", 1300.0, 135.0, 100.0),
            _body("backshell", 610.0, 270.0, 34.0),
            _body("entry_balance_mass_1", 12000.0, 87.0, 520.0),
            _body("rover", 0.0, 0.0, 0.75),
        ]
    )
    return marks_from_landing(result, mission, np.random.default_rng(0))


def test_whole_landing_frame_holds_the_near_field():
    """Invariant: with ``hold_all``, at the finest fitting HiRISE scale every near-field mark
    lies wholly inside the frame; the balance masses, 12 km away, do not size it."""
    marks = _stub_marks()
    frame = landing_frame(marks, max_size_px=8192, hold_all=True)
    assert frame.left_out == ()
    assert frame.resolution_m in HIRISE_SCALES_M
    half = 0.5 * frame.size_px * frame.resolution_m
    for m in marks:
        if m.kind in NEAR_FIELD:
            assert abs(m.x_m - frame.centre_m[0]) + m.extent_m <= half
            assert abs(m.y_m - frame.centre_m[1]) + m.extent_m <= half
    assert frame.size_px * frame.resolution_m < 5000.0


def test_default_frame_holds_what_fits_with_the_rover_at_hirise_scale():
    """Invariant: the default frame is HiRISE's 0.25 m/px within DEFAULT_FRAME_PX; it holds
    the rover, the descent stage (700 m NW) and the backshell (610 m W), which fit in 1.5 km
    together, and names the heat shield (1.3 km SE, 1.6 km east of the backshell) it leaves
    out; every body it does not name lies wholly inside."""
    marks = _stub_marks()
    frame = landing_frame(marks)
    assert frame.resolution_m == 0.25 and frame.size_px <= DEFAULT_FRAME_PX
    assert frame.left_out == ("heat shield",)
    half = 0.5 * frame.size_px * frame.resolution_m
    for m in marks:
        if m.kind in NEAR_FIELD and NEAR_FIELD[m.kind] not in frame.left_out:
            assert abs(m.x_m - frame.centre_m[0]) + m.extent_m <= half
            assert abs(m.y_m - frame.centre_m[1]) + m.extent_m <= half


def test_frame_names_the_bodies_it_leaves_out():
    """Invariant: a forced 0.25 m scale in 2048 px (512 m) cannot hold bodies 0.6-1.3 km
    apart; the whole-landing frame says which it leaves out, and the default frame, which
    then holds only the rover, names every other body."""
    frame = landing_frame(_stub_marks(), resolution_m=0.25, max_size_px=2048, hold_all=True)
    assert frame.size_px == 2048
    assert "heat shield" in frame.left_out
    rover_only = landing_frame(_stub_marks(), resolution_m=0.25, max_size_px=2048)
    assert set(rover_only.left_out) == set(NEAR_FIELD.values()) - {"rover"}
