"""AtmosphereTable: validation, interpolation rules and the compiled kernel."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.interpolate import PchipInterpolator

from skycrane.atmosphere import AtmosphereState, AtmosphereTable, atmosphere_at
from skycrane.errors import InputError

GAMMA = 1.3


def _table(**overrides) -> AtmosphereTable:
    """A three-node table with distinct segment slopes."""
    fields = {
        "name": "test",
        "altitude_m": [0.0, 10e3, 30e3],
        "density_kg_m3": [1.0e-2, 4.0e-3, 2.0e-4],
        "pressure_pa": [600.0, 230.0, 9.0],
        "temperature_k": [220.0, 200.0, 150.0],
        "gamma": GAMMA,
    }
    fields.update(overrides)
    return AtmosphereTable(**fields)


def test_nodes_are_reproduced():
    """Invariant: at a node the table returns the node values (to round-off of exp(ln x))."""
    table = _table()
    state = table.evaluate(table.altitude_m)
    np.testing.assert_allclose(state.density_kg_m3, table.density_kg_m3, rtol=1e-15)
    np.testing.assert_allclose(state.pressure_pa, table.pressure_pa, rtol=1e-15)
    np.testing.assert_array_equal(state.temperature_k, table.temperature_k)


def _pchip_log(table: AtmosphereTable, h, values) -> float:
    """Independent reference: scipy's PCHIP through ln(values) at the table nodes."""
    return float(np.exp(PchipInterpolator(table.altitude_m, np.log(values))(h)))


def test_between_nodes_is_monotone_cubic_in_logs():
    """Reference implementation: ln rho, ln p follow PCHIP (Fritsch & Carlson 1980); T is linear."""
    table = _table()
    for h in (2.5e3, 5e3, 7.3e3, 20e3, 26.1e3):
        state = table.evaluate(h)
        # the kernel interpolates linearly on a <= 100 m sub-grid of the cubic
        assert state.density_kg_m3 == pytest.approx(
            _pchip_log(table, h, table.density_kg_m3), rel=2e-6
        )
        assert state.pressure_pa == pytest.approx(_pchip_log(table, h, table.pressure_pa), rel=2e-6)
    mid = table.evaluate(5e3)
    assert mid.temperature_k == pytest.approx(0.5 * (220.0 + 200.0), rel=1e-15)
    sub = table.evaluate(2.5e3)  # a sub-grid point: exact to round-off
    assert sub.density_kg_m3 == pytest.approx(
        _pchip_log(table, 2.5e3, table.density_kg_m3), rel=1e-13
    )


def test_monotone_without_overshoot():
    """Invariant: between two nodes the density stays between the node values (no overshoot)."""
    table = _table()
    for i in range(2):
        h = np.linspace(table.altitude_m[i], table.altitude_m[i + 1], 201)
        rho = table.evaluate(h).density_kg_m3
        lo, hi = sorted(table.density_kg_m3[i : i + 2])
        assert np.all(rho >= lo * (1 - 1e-14)) and np.all(rho <= hi * (1 + 1e-14))
        assert np.all(np.diff(rho) < 0)


def test_density_slope_is_continuous_at_nodes():
    """The point of the cubic: d ln(rho)/dh is continuous at a node (log-linear would jump)."""
    table = _table()
    node, d = 10e3, 1.0
    ln = lambda h: math.log(float(table.evaluate(h).density_kg_m3))  # noqa: E731
    left = (ln(node) - ln(node - 200 * d)) / (200 * d)
    right = (ln(node + 200 * d) - ln(node)) / (200 * d)
    assert right == pytest.approx(left, rel=0.05)
    jump_linear = math.log(2.0e-4 / 4.0e-3) / 20e3 / (math.log(4.0e-3 / 1.0e-2) / 10e3)
    assert abs(jump_linear - 1.0) > 0.5  # the piecewise-linear profile would jump by > 50 %


def test_extrapolation_continues_end_segments_and_holds_temperature():
    """Beyond the ends ln(rho) continues the end sub-segment's line; T and p/rho are held."""
    table = _table()
    h, ln_rho, _, _ = table.kernel_arrays()
    h_low, h_high = -4e3, 55e3
    low, high = table.evaluate(h_low), table.evaluate(h_high)
    slope_low = (ln_rho[1] - ln_rho[0]) / (h[1] - h[0])
    slope_high = (ln_rho[-1] - ln_rho[-2]) / (h[-1] - h[-2])
    assert low.density_kg_m3 == pytest.approx(1.0e-2 * math.exp(slope_low * h_low), rel=1e-12)
    assert high.density_kg_m3 == pytest.approx(2.0e-4 * math.exp(slope_high * 25e3), rel=1e-12)
    # temperature held: p / rho = R T stays the end node's (isothermal extension), so the
    # sound speed does too (issue 14 item 9: it used to grow without bound)
    assert high.pressure_pa == pytest.approx(high.density_kg_m3 * 9.0 / 2.0e-4, rel=1e-12)
    # the end slope is the cubic's own end slope (to the sub-grid's resolution)
    end = PchipInterpolator(table.altitude_m, np.log(table.density_kg_m3)).derivative()(30e3)
    assert slope_high == pytest.approx(float(end), rel=0.02)
    assert low.temperature_k == 220.0
    assert high.temperature_k == 150.0


def test_speed_of_sound_uses_table_p_over_rho():
    """Analytic: a = sqrt(gamma p / rho) everywhere, including between and beyond nodes."""
    table = _table()
    h = np.linspace(-5e3, 60e3, 101)
    state = table.evaluate(h)
    expected = np.sqrt(GAMMA * state.pressure_pa / state.density_kg_m3)
    np.testing.assert_allclose(state.speed_of_sound_m_s, expected, rtol=1e-14)


def test_kernel_and_evaluate_agree_exactly():
    """Invariant: evaluate() and a direct atmosphere_at call give bit-identical results."""
    table = _table()
    arrays = table.kernel_arrays()
    for h in (-1e3, 0.0, 3.3e3, 10e3, 29_999.9, 30e3, 70e3):
        direct = atmosphere_at(h, *arrays, table.gamma)
        state = table.evaluate(h)
        assert direct == tuple(float(v) for v in state)


def test_kernel_arrays_are_contiguous_float64_logs():
    """Invariant: kernel arrays are contiguous float64 logs on a sub-grid holding every node."""
    table = _table()
    h, ln_rho, ln_p, t = table.kernel_arrays()
    for array in (h, ln_rho, ln_p, t):
        assert array.dtype == np.float64 and array.flags.c_contiguous
    assert np.all(np.diff(h) <= 100.0 + 1e-9)
    at_nodes = np.searchsorted(h, table.altitude_m)
    np.testing.assert_array_equal(h[at_nodes], table.altitude_m)
    np.testing.assert_allclose(ln_rho[at_nodes], np.log(table.density_kg_m3), rtol=1e-15)
    np.testing.assert_allclose(ln_p[at_nodes], np.log(table.pressure_pa), rtol=1e-15)


def test_batch_shape_independence():
    """Invariant: scalar, 1-D and 2-D queries give identical numbers in the query's shape."""
    table = _table()
    grid = np.linspace(-2e3, 40e3, 12).reshape(3, 4)
    two_d = table.evaluate(grid)
    one_d = table.evaluate(grid.ravel())
    assert isinstance(two_d, AtmosphereState)
    for field_2d, field_1d in zip(two_d, one_d, strict=True):
        assert field_2d.shape == (3, 4)
        np.testing.assert_array_equal(field_2d.ravel(), field_1d)
    for k, h in enumerate(grid.ravel()):
        scalar = table.evaluate(h)
        assert scalar.density_kg_m3.shape == ()
        for field_scalar, field_1d in zip(scalar, one_d, strict=True):
            assert field_scalar == field_1d[k]
    assert table.evaluate(np.empty((0, 2))).density_kg_m3.shape == (0, 2)


def test_non_contiguous_query():
    """Invariant: a strided view gives the same numbers as its contiguous copy."""
    table = _table()
    grid = np.linspace(0.0, 30e3, 20).reshape(4, 5).T
    np.testing.assert_array_equal(
        table.evaluate(grid).density_kg_m3, table.evaluate(grid.copy()).density_kg_m3
    )


def test_nan_altitude_gives_nan():
    """Invariant: a NaN altitude gives NaN properties instead of reading out of bounds."""
    state = _table().evaluate([np.nan, 1e3])
    assert all(np.isnan(field[0]) for field in state)
    assert all(np.isfinite(field[1]) for field in state)


def test_arrays_are_read_only_copies():
    """Invariant: the table copies its inputs and cannot be modified afterwards."""
    altitude = np.array([0.0, 10e3, 30e3])
    table = _table(altitude_m=altitude)
    altitude[0] = -50.0
    assert table.altitude_m[0] == 0.0
    assert table.altitude_m.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        table.density_kg_m3[0] = 1.0
    with pytest.raises(AttributeError):
        table.gamma = 1.4


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "atmosphere.name"),
        ({"altitude_m": [0.0]}, "atmosphere.altitude_m"),
        ({"altitude_m": [0.0, 10e3, 10e3]}, "atmosphere.altitude_m"),
        ({"altitude_m": [30e3, 10e3, 0.0]}, "atmosphere.altitude_m"),
        ({"altitude_m": [0.0, np.nan, 30e3]}, "atmosphere.altitude_m"),
        ({"altitude_m": [[0.0, 1.0, 2.0]]}, "atmosphere.altitude_m"),
        ({"altitude_m": ["a", "b", "c"]}, "atmosphere.altitude_m"),
        ({"density_kg_m3": [1.0, 0.0, 1.0]}, "atmosphere.density_kg_m3"),
        ({"density_kg_m3": [1.0, 2.0]}, "atmosphere.density_kg_m3"),
        ({"pressure_pa": [1.0, -2.0, 1.0]}, "atmosphere.pressure_pa"),
        ({"pressure_pa": [1.0, np.inf, 1.0]}, "atmosphere.pressure_pa"),
        ({"temperature_k": [1.0, 1.0, 0.0]}, "atmosphere.temperature_k"),
        ({"gamma": 1.0}, "atmosphere.gamma"),
        ({"gamma": float("nan")}, "atmosphere.gamma"),
        ({"gamma": "hot"}, "atmosphere.gamma"),
    ],
)
def test_bad_input_names_the_field(overrides, field):
    """Invariant: every invalid table raises InputError naming the offending field."""
    with pytest.raises(InputError, match=field.replace(".", r"\.")) as info:
        _table(**overrides)
    assert info.value.field == field
