"""Hydrostatic profiles against closed-form solutions, and their convergence."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.atmosphere import exponential, hydrostatic, mars_gram_average, mars_gravity_m_s2
from skycrane.atmosphere.hydrostatic import MARS_GM_M3_S2, MARS_MEAN_RADIUS_M
from skycrane.errors import InputError

R_CO2 = 191.0


def test_mars_gravity():
    """Analytic: GM/R² = 3.7279 m/s² at the mean radius, falling as 1/r²; vectorised."""
    assert mars_gravity_m_s2(0.0) == pytest.approx(3.72786, rel=1e-5)
    g = mars_gravity_m_s2(np.array([[0.0, 3389.5e3]]))
    assert g.shape == (1, 2)
    assert g[0, 1] == pytest.approx(g[0, 0] / 4.0, rel=1e-15)


def test_linear_temperature_constant_gravity_is_exact():
    """Analytic (US 1976 eq. 33a form): p = p0 (T/T0)^(-g/(R L)) for each linear layer."""
    g, h = 3.71, np.array([0.0, 20e3, 50e3])
    t = np.array([220.0, 180.0, 180.0 + 50.0 * 0.6])  # lapse -2 K/km, then +1 K/km
    table = hydrostatic(h, t, 600.0, R_CO2, g, 1.3, max_substep_m=1e9)
    p1 = 600.0 * (t[1] / t[0]) ** (-g / (R_CO2 * (t[1] - t[0]) / 20e3))
    p2 = p1 * (t[2] / t[1]) ** (-g / (R_CO2 * (t[2] - t[1]) / 30e3))
    np.testing.assert_allclose(table.pressure_pa, [600.0, p1, p2], rtol=1e-13)
    np.testing.assert_allclose(table.density_kg_m3, table.pressure_pa / (R_CO2 * t), rtol=1e-15)


def test_isothermal_constant_gravity_equals_exponential():
    """Analytic: isothermal + constant g is exponential with H = R T / g, at any altitude."""
    g, t, p0 = 3.71, 200.0, 600.0
    nodes = np.linspace(0.0, 120e3, 7)
    hydro = hydrostatic(nodes, np.full(7, t), p0, R_CO2, g, 1.3)
    expo = exponential(p0 / (R_CO2 * t), R_CO2 * t / g, t, 1.3, R_CO2, top_m=120e3)
    h = np.linspace(-10e3, 200e3, 211)
    a, b = hydro.evaluate(h), expo.evaluate(h)
    for field_a, field_b in zip(a, b, strict=True):
        np.testing.assert_allclose(field_a, field_b, rtol=1e-12)


def _isothermal_inverse_square_exact(h_m: np.ndarray, t_k: float, p0: float) -> np.ndarray:
    """Analytic: ln(p/p0) = -(GM/(R T)) (1/r0 - 1/r) for isothermal gas in 1/r² gravity."""
    r0, r = MARS_MEAN_RADIUS_M, MARS_MEAN_RADIUS_M + h_m
    return p0 * np.exp(-MARS_GM_M3_S2 / (R_CO2 * t_k) * (1.0 / r0 - 1.0 / r))


def test_inverse_square_gravity_converges_at_second_order():
    """Analytic (isothermal, 1/r² gravity): error < 5e-9 at the default sub-step, O(dh²)."""
    h = np.linspace(0.0, 125e3, 26)
    exact = _isothermal_inverse_square_exact(h, 180.0, 600.0)
    errors = []
    for substep in (5000.0, 1000.0, 100.0):
        table = hydrostatic(h, np.full(26, 180.0), 600.0, R_CO2, mars_gravity_m_s2, 1.3,
                            max_substep_m=substep)  # fmt: skip
        errors.append(np.max(np.abs(table.pressure_pa / exact - 1.0)))
    assert errors[2] < 5e-9
    assert errors[0] / errors[1] == pytest.approx(25.0, rel=0.05)


def test_mars_temperatures_converge():
    """Convergence (no closed form): 100 m sub-steps within 1e-7 of 2 m ones, second order."""
    mars = mars_gram_average()
    args = (mars.altitude_m, mars.temperature_k, 566.9, 189.0, mars_gravity_m_s2, 1.29)
    default = hydrostatic(*args)
    fine = hydrostatic(*args, max_substep_m=2.0)
    coarse = hydrostatic(*args, max_substep_m=5000.0)
    error_default = np.max(np.abs(default.pressure_pa / fine.pressure_pa - 1.0))
    error_coarse = np.max(np.abs(coarse.pressure_pa / fine.pressure_pa - 1.0))
    assert error_default < 1e-7
    assert error_coarse / error_default == pytest.approx(2500.0, rel=0.02)


def test_off_grid_nodes_and_short_intervals():
    """Invariant: intervals shorter than a sub-step and irregular nodes are integrated exactly."""
    h = np.array([-2000.0, -1999.5, 0.0, 333.3, 12345.6])
    t = np.array([230.0, 230.0, 229.0, 229.0, 200.0])
    one = hydrostatic(h, t, 700.0, R_CO2, 3.7, 1.3)
    split = hydrostatic(h, t, 700.0, R_CO2, 3.7, 1.3, max_substep_m=0.25)
    np.testing.assert_allclose(one.pressure_pa, split.pressure_pa, rtol=1e-13)
    assert one.pressure_pa[0] == 700.0


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (([0.0, 1e3], [200.0], 600.0, R_CO2, 3.7, 1.3), {}, "atmosphere.temperature_k"),
        (([0.0, 1e3], [200.0, -1.0], 600.0, R_CO2, 3.7, 1.3), {}, "atmosphere.temperature_k"),
        (([1e3, 0.0], [200.0, 200.0], 600.0, R_CO2, 3.7, 1.3), {}, "atmosphere.altitude_m"),
        (([0.0, 1e3], [200.0, 200.0], 0.0, R_CO2, 3.7, 1.3), {}, "atmosphere.surface_pressure_pa"),
        (([0.0, 1e3], [200.0, 200.0], 600.0, 0.0, 3.7, 1.3), {}, "atmosphere.gas_constant_j_kg_k"),
        (([0.0, 1e3], [200.0, 200.0], 600.0, R_CO2, -3.7, 1.3), {}, "atmosphere.gravity_m_s2"),
        (([0.0, 1e3], [200.0, 200.0], 600.0, R_CO2, lambda h: -h, 1.3), {},
         "atmosphere.gravity_m_s2"),
        (([0.0, 1e3], [200.0, 200.0], 600.0, R_CO2, 3.7, 1.3), {"max_substep_m": 0.0},
         "atmosphere.max_substep_m"),
        (([0.0, 1e3], [200.0, 200.0], 600.0, R_CO2, 3.7, 0.5), {}, "atmosphere.gamma"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(args, kwargs, field):
    """Invariant: each invalid argument raises InputError naming it."""
    with pytest.raises(InputError) as info:
        hydrostatic(*args, **kwargs)
    assert info.value.field == field
    assert str(info.value).startswith(field)
