"""Wind profiles: interpolation, hold beyond the ends, and validation."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.atmosphere import WindProfile, wind_at
from skycrane.errors import InputError


def test_linear_between_nodes_and_held_beyond():
    """Analytic: linear interpolation inside, end values held outside."""
    wind = WindProfile(altitude_m=[0.0, 1000.0, 3000.0], east_m_s=[-6.0, 4.0, 10.0],
                       north_m_s=[1.0, 1.0, -3.0])  # fmt: skip
    east, north = wind.evaluate([-500.0, 0.0, 250.0, 1000.0, 2000.0, 3000.0, 9000.0])
    np.testing.assert_allclose(east, [-6.0, -6.0, -3.5, 4.0, 7.0, 10.0, 10.0], rtol=1e-15)
    np.testing.assert_allclose(north, [1.0, 1.0, 1.0, 1.0, -1.0, -3.0, -3.0], rtol=1e-15)


def test_nesc_case_8_shear():
    """NESC check case 8 definition: wind from the west at (0.003 h - 20) ft/s is exactly linear."""
    h_ft = np.array([0.0, 30000.0])
    wind = WindProfile(h_ft * 0.3048, (0.003 * h_ft - 20.0) * 0.3048, [0.0, 0.0])
    probe_ft = np.array([5000.0, 16000.0, 29000.0])
    east, north = wind.evaluate(probe_ft * 0.3048)
    np.testing.assert_allclose(east, (0.003 * probe_ft - 20.0) * 0.3048, rtol=1e-13)
    np.testing.assert_array_equal(north, 0.0)


def test_single_node_is_steady_and_calm_is_zero():
    """Invariant: a one-node profile is the same wind at every altitude; calm() is zero."""
    steady = WindProfile([500.0], [6.096], [0.0])  # NESC case 7: 20 ft/s from the west
    east, north = steady.evaluate(np.array([[-1e3, 0.0], [5e3, 1e5]]))
    assert east.shape == (2, 2)
    np.testing.assert_array_equal(east, 6.096)
    np.testing.assert_array_equal(north, 0.0)
    calm_east, calm_north = WindProfile.calm().evaluate(np.linspace(-1e3, 1e5, 7))
    np.testing.assert_array_equal(calm_east, 0.0)
    np.testing.assert_array_equal(calm_north, 0.0)


def test_kernel_matches_evaluate_and_nan():
    """Invariant: wind_at and evaluate agree exactly; NaN altitude gives NaN wind."""
    wind = WindProfile([0.0, 1000.0], [1.0, 3.0], [2.0, -2.0])
    for h in (-1.0, 0.0, 123.0, 1000.0, 5000.0):
        east, north = wind.evaluate(h)
        assert wind_at(h, *wind.kernel_arrays()) == (float(east), float(north))
    east, north = wind.evaluate(np.nan)
    assert np.isnan(east) and np.isnan(north)


def test_arrays_are_read_only():
    """Invariant: the profile keeps read-only float64 copies."""
    wind = WindProfile([0, 1000], [1, 3], [2, -2])
    assert wind.east_m_s.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        wind.north_m_s[0] = 0.0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (([], [], []), "wind.altitude_m"),
        (([0.0, 0.0], [1.0, 1.0], [0.0, 0.0]), "wind.altitude_m"),
        (([1.0, 0.0], [1.0, 1.0], [0.0, 0.0]), "wind.altitude_m"),
        (([0.0, 1.0], [1.0], [0.0, 0.0]), "wind.east_m_s"),
        (([0.0, 1.0], [1.0, np.nan], [0.0, 0.0]), "wind.east_m_s"),
        (([0.0, 1.0], [1.0, 1.0], "calm"), "wind.north_m_s"),
    ],
)
def test_bad_input_names_the_field(fields, field):
    """Invariant: each invalid profile raises InputError naming the field."""
    with pytest.raises(InputError) as info:
        WindProfile(*fields)
    assert info.value.field == field
