"""Mars 2020 LVS navigation errors and Safe Target Selection at simulation level.

Reference: GUIDANCE.md 3.4 (Johnson et al., "The Lander Vision System for
Mars 2020 EDL"; "Mars 2020 LVS Flight Performance", NTRS 20230006986).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.guidance import terrain_nav as tn


def test_nominal_errors_are_zero():
    """No generator: the nominal case carries no navigation error (GUIDANCE.md 3.4)."""
    err = tn.navigation_errors()
    assert np.all(err.before_lvs_en_m == 0.0)
    assert np.all(err.after_lvs_en_m == 0.0)


def test_error_statistics_and_replay():
    """Before ~ N(0, sigma_IMU), after ~ N(0, sigma_LVS); a seed replays its case.

    Reference: GUIDANCE.md 3.4 step 2 (IMU error up to about 3.2 km; after the
    LVS fix about 10-20 m, E).
    """
    draws = [
        tn.navigation_errors(np.random.default_rng(seed), sigma_imu_m=1000.0, sigma_lvs_m=15.0)
        for seed in range(2000)
    ]
    before = np.array([d.before_lvs_en_m for d in draws])
    after = np.array([d.after_lvs_en_m for d in draws])
    assert before.std(axis=0) == pytest.approx([1000.0, 1000.0], rel=0.05)
    assert after.std(axis=0) == pytest.approx([15.0, 15.0], rel=0.05)
    assert np.abs(after.mean(axis=0)).max() < 3 * 15.0 / math.sqrt(2000)
    again = tn.navigation_errors(np.random.default_rng(7), sigma_imu_m=1000.0, sigma_lvs_m=15.0)
    np.testing.assert_array_equal(again.after_lvs_en_m, draws[7].after_lvs_en_m)
    no_fix = tn.navigation_errors(
        np.random.default_rng(7), sigma_imu_m=1000.0, sigma_lvs_m=15.0, lvs_fixed=False
    )
    np.testing.assert_array_equal(no_fix.after_lvs_en_m, draws[7].before_lvs_en_m)


def test_lvs_envelope():
    """Envelope of GUIDANCE.md 3.4 step 2: 65-115 m/s down, <= 70 m/s across, 45 deg, 50 deg/s."""
    ok = (89.0, 30.0, math.radians(20.0), math.radians(10.0))
    assert tn.in_lvs_envelope(*ok)
    assert not tn.in_lvs_envelope(120.0, *ok[1:])
    assert not tn.in_lvs_envelope(89.0, 75.0, *ok[2:])
    assert not tn.in_lvs_envelope(89.0, 30.0, math.radians(50.0), ok[3])
    assert not tn.in_lvs_envelope(*ok[:3], math.radians(60.0))


def test_safe_target_is_nearest_safe_cell_in_the_annulus():
    """STS: the safe cell nearest the prediction with divert in [min, max].

    Reference: GUIDANCE.md 3.4 step 3 ("the closest green pixel possible").
    A 10 m map, all hazardous except three cells: one inside the minimum
    divert, one beyond the reach, one in between.
    """
    safe = np.zeros((100, 100), dtype=bool)
    origin = np.array([-500.0, -500.0])
    cell = 10.0

    def mark(e, n):
        safe[int((n - origin[1]) // cell), int((e - origin[0]) // cell)] = True

    mark(105.0, 5.0)  # 100 m: too close to the backshell path
    mark(5.0, 405.0)  # 400 m: in the annulus
    mark(-455.0, -5.0)  # 455 m: beyond the 450 m reach
    smap = tn.SafeTargetMap(origin, cell, safe)
    pick = tn.select_safe_target((0.0, 0.0), min_divert_m=300.0, max_divert_m=450.0, safe_map=smap)
    np.testing.assert_allclose(pick, [5.0, 405.0])
    none = tn.select_safe_target((0.0, 0.0), min_divert_m=500.0, max_divert_m=600.0, safe_map=smap)
    assert none is None


def test_safe_target_without_map():
    """All ground safe: the nearest allowed point is the minimum divert, toward the target."""
    pick = tn.select_safe_target(
        (100.0, 0.0), min_divert_m=300.0, max_divert_m=600.0, toward_en_m=(100.0, -50.0)
    )
    np.testing.assert_allclose(pick, [100.0, -300.0])
    assert tn.select_safe_target((0.0, 0.0), min_divert_m=300.0, max_divert_m=200.0) is None


def test_east_north_axes():
    """east = pole x up, north = up x east: at the equator on the prime meridian, east = +y."""
    east, north = tn.east_north_axes((1.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    np.testing.assert_allclose(east, [0.0, 1.0, 0.0])
    np.testing.assert_allclose(north, [0.0, 0.0, 1.0])
