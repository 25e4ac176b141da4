"""Exponential atmosphere: a two-node table reproduces the analytic profile everywhere."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.atmosphere import exponential
from skycrane.errors import InputError


def test_two_nodes_reproduce_the_exponential_everywhere():
    """Analytic: rho = rho0 exp(-h/H), p = rho R T, T constant, to 1e-12 from -20 to 400 km."""
    rho0, scale, t, r = 0.0158, 11.1e3, 200.0, 191.0
    table = exponential(rho0, scale, t, 1.29, r, top_m=200e3)
    assert table.altitude_m.size == 2
    h = np.concatenate((np.linspace(-20e3, 400e3, 1001), [0.0, 200e3, 123.456]))
    state = table.evaluate(h)
    expected = rho0 * np.exp(-h / scale)
    np.testing.assert_allclose(state.density_kg_m3, expected, rtol=1e-12)
    np.testing.assert_allclose(state.pressure_pa, expected * r * t, rtol=1e-12)
    np.testing.assert_array_equal(state.temperature_k, t)
    np.testing.assert_allclose(state.speed_of_sound_m_s, np.sqrt(1.29 * r * t), rtol=1e-12)


def test_top_does_not_change_the_profile():
    """Invariant: the second node's altitude only bounds the table, not the profile."""
    h = np.linspace(-5e3, 300e3, 61)
    low = exponential(0.02, 9e3, 210.0, 1.3, 190.0, top_m=10e3).evaluate(h)
    high = exponential(0.02, 9e3, 210.0, 1.3, 190.0, top_m=250e3).evaluate(h)
    np.testing.assert_allclose(low.density_kg_m3, high.density_kg_m3, rtol=1e-12)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((0.0, 9e3, 210.0, 1.3, 190.0), "atmosphere.surface_density_kg_m3"),
        ((0.02, -9e3, 210.0, 1.3, 190.0), "atmosphere.scale_height_m"),
        ((0.02, 9e3, 0.0, 1.3, 190.0), "atmosphere.temperature_k"),
        ((0.02, 9e3, 210.0, 1.0, 190.0), "atmosphere.gamma"),
        ((0.02, 9e3, 210.0, 1.3, float("nan")), "atmosphere.gas_constant_j_kg_k"),
        ((0.02, 9e3, 210.0, 1.3, 190.0, 0.0), "atmosphere.top_m"),
        ((0.02, 9e3, 210.0, 1.3, 190.0, 1e8), "atmosphere.top_m"),
    ],
)
def test_bad_input_names_the_field(args, field):
    """Invariant: each invalid argument raises InputError naming it."""
    with pytest.raises(InputError) as info:
        exponential(*args)
    assert info.value.field == field
