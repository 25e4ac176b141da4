"""Mars 2020 LVS envelope, safe-target maps and Safe Target Selection (guidance.terrain_nav).

References: GUIDANCE.md 3.4 (the envelope, S2; STS takes "the closest green
pixel possible", USGS, S2). Invariants: the chosen target is a safe cell of
the map, within the reach of the prediction and outside the backshell's
clearance circle; without a map the choice is the analytic nearest point.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.guidance import terrain_nav as tn


def test_lvs_envelope():
    """Envelope of GUIDANCE.md 3.4 step 2: 65-115 m/s down, <= 70 m/s across, 45 deg, 50 deg/s."""
    ok = (89.0, 30.0, math.radians(20.0), math.radians(10.0))
    assert tn.in_lvs_envelope(*ok)
    assert not tn.in_lvs_envelope(120.0, *ok[1:])
    assert not tn.in_lvs_envelope(60.0, *ok[1:])
    assert not tn.in_lvs_envelope(89.0, 75.0, *ok[2:])
    assert not tn.in_lvs_envelope(89.0, 30.0, math.radians(50.0), ok[3])
    assert not tn.in_lvs_envelope(*ok[:3], math.radians(60.0))


def _pick(safe_map, pred, backshell, clear_m, reach_m):
    cells, grid = safe_map.kernel_arrays()
    return tn.select_safe_target(*pred, *backshell, clear_m, reach_m, cells, grid)


def test_safe_target_is_the_nearest_safe_cell_that_clears_the_backshell():
    """Three safe cells: one in the backshell's circle, one beyond the reach, one allowed."""
    safe = np.zeros((100, 100), dtype=bool)
    site = tn.HazardMap.checked(safe, -500.0, -500.0, 10.0, "test")

    def mark(e, n):
        safe[int((n + 500.0) // 10.0), int((e + 500.0) // 10.0)] = True

    mark(105.0, 5.0)  # 100 m from the prediction, 5 m from the backshell's point
    mark(5.0, 405.0)  # 400 m: clear and reachable
    mark(-455.0, -5.0)  # 455 m: beyond the 450 m reach
    e, n, ok = _pick(site, (0.0, 0.0), (100.0, 0.0), 300.0, 450.0)
    assert ok
    assert (e, n) == pytest.approx((5.0, 405.0))
    e, n, ok = _pick(site, (0.0, 0.0), (100.0, 0.0), 300.0, 350.0)
    assert not ok and (e, n) == (0.0, 0.0)  # nothing qualifies: no divert


def test_safe_target_on_a_synthetic_site_is_safe_clear_and_reachable():
    """Invariant over many predictions on the seeded synthetic map (15 % hazard)."""
    site = tn.synthetic_hazard_map(3, 0.15)
    assert 1.0 - site.safe.mean() == pytest.approx(0.15, abs=1e-3)
    rng = np.random.default_rng(1)
    for pe, pn, be, bn in rng.uniform(-3000.0, 3000.0, (50, 4)):
        be, bn = pe + be / 10.0, pn + bn / 10.0  # the backshell lands a few hundred m away
        e, n, ok = _pick(site, (pe, pn), (be, bn), 300.0, 600.0)
        assert ok
        i = int((n - site.north0_m) // site.spacing_m)
        j = int((e - site.east0_m) // site.spacing_m)
        assert site.safe[i, j]
        assert math.hypot(e - pe, n - pn) <= 600.0
        assert math.hypot(e - be, n - bn) >= 300.0


def test_safe_target_without_a_map_is_the_nearest_point_clear_of_the_backshell():
    """All ground safe: the prediction if clear, else its projection on the clearance circle."""
    empty, grid = np.zeros((0, 0), dtype=np.uint8), np.zeros(3)
    assert tn.select_safe_target(0.0, 0.0, 400.0, 0.0, 300.0, 600.0, empty, grid) == (
        0.0,
        0.0,
        True,
    )
    e, n, ok = tn.select_safe_target(100.0, 0.0, 0.0, 0.0, 300.0, 600.0, empty, grid)
    assert ok and (e, n) == pytest.approx((300.0, 0.0))
    e, n, ok = tn.select_safe_target(100.0, 0.0, 0.0, 0.0, 300.0, 150.0, empty, grid)
    assert not ok and (e, n) == (100.0, 0.0)


def test_synthetic_map_is_reproducible_and_covers_the_site():
    a, b = tn.synthetic_hazard_map(5, 0.2), tn.synthetic_hazard_map(5, 0.2)
    np.testing.assert_array_equal(a.safe, b.safe)
    assert not np.array_equal(a.safe, tn.synthetic_hazard_map(6, 0.2).safe)
    (e_lo, e_hi), (n_lo, n_hi) = a.extent_m()
    assert e_lo < 0.0 < e_hi and n_lo < 0.0 < n_hi


def test_map_that_misses_the_site_is_refused(tmp_path):
    """A map that does not cover the target is an error naming the key."""
    with pytest.raises(InputError, match=r"navigation\.hazard_map.*covers the site"):
        tn.HazardMap.checked(np.ones((10, 10), bool), 100.0, 0.0, 10.0, "navigation.hazard_map")
    path = tmp_path / "site.npz"
    np.savez(path, safe=np.ones((10, 10), bool), east0_m=-50.0, north0_m=-50.0, spacing_m=10.0)
    assert tn.load_hazard_map(path, "k").safe.shape == (10, 10)
    np.savez(path, safe=np.ones((10, 10), bool), east0_m=-50.0, north0_m=-50.0, spacing_m=-1.0)
    with pytest.raises(InputError, match=r"k\.spacing_m"):
        tn.load_hazard_map(path, "k")
    with pytest.raises(InputError, match="k"):
        tn.load_hazard_map(tmp_path / "missing.npz", "k")
