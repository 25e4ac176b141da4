"""U.S. Standard Atmosphere 1976 above 86 km: defining table, closed forms, invariants."""

from __future__ import annotations

import numpy as np
import pytest

import skycrane
from skycrane.atmosphere import us76, us76_properties
from skycrane.atmosphere import us76_upper as upper
from skycrane.constants import G0_M_S2

# The standard's defining densities (NOAA-S/T 76-1562 Table I as copied by the
# poliastro coesa76 docs; EARTH.md 3.1 and 6 row 1), kg/m^3.
DEFINING_DENSITY = [
    (86e3, 6.958e-6),
    (91e3, 2.860e-6),
    (110e3, 9.708e-8),
    (120e3, 2.222e-8),
    (500e3, 5.215e-13),
    (1000e3, 3.561e-15),
]


@pytest.mark.parametrize(("z_m", "rho"), DEFINING_DENSITY)
def test_defining_densities_within_0p1_percent(z_m, rho):
    """Published table (US 1976, EARTH.md 3.1 / 6 row 1): density within 0.1 %."""
    density = float(us76_properties(z_m).density_kg_m3)
    assert density == pytest.approx(rho, rel=1e-3)


def test_continuous_at_86_km():
    """Invariant: the diffusive species of Table 9 meet the closed-form lower atmosphere.

    Just below 86 km the closed form (eqs. 33, 42) holds; just above, the sum of
    the species. They agree in density, pressure and temperature within 2e-5.
    """
    state = us76_properties([86e3 - 1e-3, 86e3 + 1e-3])
    for quantity in state:
        assert quantity[1] == pytest.approx(quantity[0], rel=2e-5)


def test_mean_molecular_weight_at_86_km_matches_table_8():
    """Published value (US 1976 Table 8): M/M0 = 0.999579 at 86 km, from the Table 9 species."""
    n = upper.number_densities_m3(86e3)
    weight = float(upper.MOLECULAR_WEIGHT_KG_KMOL @ n / n.sum())
    assert weight / upper.M0_KG_KMOL == pytest.approx(0.999579, abs=2e-6)


@pytest.mark.parametrize(
    ("z_m", "t_k"),
    [(86e3, 186.8673), (91e3, 186.8673), (110e3, 240.0), (120e3, 360.0), (500e3, 999.2356)],
)
def test_temperature_at_segment_ends(z_m, t_k):
    """Published values (US 1976 sec. 1.2.5, T7..T11): kinetic temperature at the layer bases."""
    assert float(upper.temperature_k(z_m)) == pytest.approx(t_k, abs=1e-3)


def test_temperature_tends_to_exospheric_value():
    """Closed form (eq. 31): T -> T_inf = 1000 K; at 1000 km, 1000 - 640 exp(-lambda xi)."""
    r0_km = 6356.766
    xi = (1000.0 - 120.0) * (r0_km + 120.0) / (r0_km + 1000.0)
    assert float(upper.temperature_k(1e6)) == pytest.approx(1000.0 - 640.0 * np.exp(-0.01875 * xi))
    assert 999.99 < float(upper.temperature_k(1e6)) < 1000.0


@pytest.mark.parametrize("z_m", [91e3, 110e3, 120e3])
def test_temperature_gradient_continuous(z_m):
    """Invariant of the standard's design: dT/dZ is continuous (0 at 91 km, 12 K/km at 110, 120).

    One-sided differences 1-2 m either side of the joint, so that the 0.3 mK step
    at 110 km (the printed, rounded ellipse constants of eq. 27 end at 239.9997 K)
    does not enter.
    """
    t = upper.temperature_k([z_m - 2.0, z_m - 1.0, z_m + 1.0, z_m + 2.0])
    expected = 0.0 if z_m == 91e3 else 12e-3
    assert t[1] - t[0] == pytest.approx(expected, abs=2e-5)
    assert t[3] - t[2] == pytest.approx(expected, abs=2e-5)
    assert t[2] - t[1] == pytest.approx(2.0 * expected, abs=5e-4)


def test_density_and_pressure_fall_monotonically():
    """Invariant: density and pressure decrease strictly from 86 to 1000 km."""
    state = us76_properties(np.linspace(86e3, 1e6, 20_001))
    assert np.all(np.diff(state.density_kg_m3) < 0.0)
    assert np.all(np.diff(state.pressure_pa) < 0.0)


def test_hydrostatic_above_160_km():
    """Invariant: with eddy diffusion and the flux terms gone, -dP/dZ = rho g within 1e-3."""
    z = np.linspace(160e3, 990e3, 84)
    dz = 10.0
    hi, lo, mid = (us76_properties(z + d) for d in (dz, -dz, 0.0))
    g = G0_M_S2 * (upper.R0_M / (upper.R0_M + z)) ** 2
    balance = -(hi.pressure_pa - lo.pressure_pa) / (2 * dz) / (mid.density_kg_m3 * g)
    np.testing.assert_allclose(balance, 1.0, atol=1e-3)


def test_hydrogen_boundary_values():
    """Published values (US 1976 sec. 1.3.5): n_H = 8e10 /m^3 at 500 km, zero below 150 km."""
    n = upper.number_densities_m3([149e3, 500e3])
    assert n[-1, 0] == 0.0
    assert n[-1, 1] == pytest.approx(8.0e10, rel=1e-9)


def test_integration_converged(monkeypatch):
    """Numerical invariant: halving the 20 m integration step moves densities by < 1e-6."""
    z = np.array([110e3, 120e3, 200e3, 500e3, 1000e3])
    coarse = upper.number_densities_m3(z)
    monkeypatch.setattr(upper, "STEP_M", upper.STEP_M / 2)
    upper._integrated.cache_clear()
    try:
        fine = upper.number_densities_m3(z)
    finally:
        monkeypatch.undo()
        upper._integrated.cache_clear()
    np.testing.assert_allclose(fine, coarse, rtol=1e-6)


def test_table_above_86_km_matches_closed_form():
    """Closed form (us76_properties): a table to 1000 km is within 5e-5 of it above 86 km."""
    table = us76(top_m=1e6)
    z = np.linspace(86e3, 1e6, 100_001)
    exact, tabulated = us76_properties(z), table.evaluate(z)
    for got, want in zip(tabulated, exact, strict=True):
        assert np.max(np.abs(got / want - 1.0)) < 5e-5
    assert np.max(np.diff(table.altitude_m[table.altitude_m >= 86e3])) <= 100.0 + 1e-9


@pytest.mark.parametrize(("entry_m", "top_m"), [(125e3, 200e3), (400e3, 400e3), (2e6, 1e6)])
def test_mission_table_reaches_the_entry_altitude(tmp_path, entry_m, top_m):
    """Contract: `[atmosphere] model = "us76"` tabulates to the entry altitude (200 km at
    least, the standard's 1000 km at most), so a flight from orbit is not extrapolated."""
    path = tmp_path / "earth.toml"
    path.write_text(
        f'base = "m2020"\n[atmosphere]\nmodel = "us76"\n[entry]\naltitude_m = {entry_m}\n',
        encoding="utf-8",
    )
    mission = skycrane.load_mission(path)
    assert mission.atmosphere.altitude_m[-1] == top_m
