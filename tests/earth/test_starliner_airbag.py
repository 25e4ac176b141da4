"""The airbag landing model (skycrane.landing_airbag) and the range boundary (analysis.boundary).

* analytic: the bag's geometry obeys dV/ds = -A (virtual work), checked by finite differences;
  a closed bag (no vent) is a nonlinear gas spring, so its deepest stroke is where the drop's
  energy equals the closed-form isentropic work integral, and it rebounds at the touchdown
  speed (energy conserved);
* analytic: the orifice flow is continuous at the critical pressure ratio (choked = unchoked);
* invariant (first law for an open, adiabatic control volume): with the vent open, the
  capsule's mechanical energy lost equals the gas's internal energy gained plus the enthalpy
  carried out through the vents; venting only removes energy, so the rebound is lower;
* bad input: a boundary that is not closed, lists of different lengths, a vent that opens below
  the inflation pressure are refused with a one-line error naming the key;
* analytic: the exact binomial interval of the outside-boundary probability contains the
  probability and is the Clopper-Pearson one (0 of n: upper bound 1 - 0.025^(1/n)).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.optimize import brentq

from skycrane.analysis.boundary import inside_boundary, outside_probability
from skycrane.constants import G0_M_S2
from skycrane.landing_airbag import bag_geometry, gas_work_j, land_on_airbags, vent_mass_flow_kg_s
from skycrane.missions.loader import MissionError, load_mission

AMBIENT = (88_000.0, 288.0)  # Pa, K: ~1.2 km of US76 air
MASS_KG = 7200.0


def bags(vent_area_m2: float, **over) -> SimpleNamespace:
    values = dict(
        count=6,
        radius_m=0.75,
        length_m=1.7,
        inflation_pressure_pa=110_000.0,
        vent_area_m2=vent_area_m2,
        vent_open_pressure_pa=130_000.0,
        discharge_coefficient=0.6,
        gas_gamma=1.4,
        gas_constant_j_kg_k=296.8,
        friction_coefficient=0.5,
    )
    values.update(over)
    return SimpleNamespace(**values)


def test_geometry_volume_rate_is_minus_the_footprint():
    """Analytic: for the constant-perimeter stadium, dV/ds = -A(s) (central differences)."""
    s = np.linspace(0.05, 1.4, 28)
    h = 1e-6
    _, v_plus = bag_geometry(s + h, 0.75, 1.7)
    _, v_minus = bag_geometry(s - h, 0.75, 1.7)
    area, _ = bag_geometry(s, 0.75, 1.7)
    np.testing.assert_allclose((v_plus - v_minus) / (2 * h), -area, rtol=1e-6)
    _, v0 = bag_geometry(np.zeros(1), 0.75, 1.7)
    assert v0[0] == pytest.approx(np.pi * 0.75**2 * 1.7)  # an undeformed cylinder


@pytest.mark.parametrize("speed_m_s", [3.0, 6.0, 9.0])
def test_closed_bag_stroke_matches_the_work_integral_and_rebounds_at_the_drop_speed(speed_m_s):
    """Analytic: a closed bag's deepest stroke s* solves m w0^2 / 2 + m g s* = W(V(s*)),
    W the closed-form isentropic work; energy is conserved, so it rebounds at w0."""
    spec = bags(0.0)
    m = MASS_KG / spec.count
    _, v0 = bag_geometry(np.zeros(1), spec.radius_m, spec.length_m)

    def balance(s):
        _, v = bag_geometry(np.array([s]), spec.radius_m, spec.length_m)
        work = gas_work_j(v[0], v0[0], spec.inflation_pressure_pa, AMBIENT[0], spec.gas_gamma)
        return work - 0.5 * m * speed_m_s**2 - m * G0_M_S2 * s

    s_star = brentq(balance, 1e-4, 1.49)
    out = land_on_airbags(
        np.array([speed_m_s]), np.zeros(1), np.array([MASS_KG]), AMBIENT, spec, step_s=2e-4
    )
    assert out.max_stroke_m[0] == pytest.approx(s_star, rel=2e-3)
    assert out.rebound_speed_m_s[0] == pytest.approx(speed_m_s, rel=2e-3)
    assert out.vented_enthalpy_j[0] == 0.0


def test_orifice_flow_is_continuous_at_the_critical_pressure_ratio():
    """Analytic: the unchoked formula meets the choked one at p_a / p = (2/(g+1))^(g/(g-1))."""
    gamma = 1.4
    p_a = 88_000.0
    p_crit = p_a / (2.0 / (gamma + 1.0)) ** (gamma / (gamma - 1.0))
    rho = 1.5
    below = vent_mass_flow_kg_s(p_crit * (1 - 1e-7), rho, p_a, 0.01, 0.6, gamma)
    above = vent_mass_flow_kg_s(p_crit * (1 + 1e-7), rho, p_a, 0.01, 0.6, gamma)
    assert float(below) == pytest.approx(float(above), rel=1e-5)
    assert float(vent_mass_flow_kg_s(80_000.0, rho, p_a, 0.01, 0.6, gamma)) == 0.0  # no inflow


def test_venting_keeps_the_first_law_and_lowers_the_rebound():
    """Invariant: first law for the bag (open, adiabatic control volume): from touchdown to
    the rebound at s = 0, m w^2 / 2 + p V / (gamma - 1) + p_a V + (enthalpy vented) is
    conserved; venting removes energy, so the rebound is lower than a closed bag's."""
    speed = np.array([9.0])
    spec = bags(0.02)
    closed = land_on_airbags(speed, np.zeros(1), np.array([MASS_KG]), AMBIENT, bags(0.0))
    vented = land_on_airbags(speed, np.zeros(1), np.array([MASS_KG]), AMBIENT, spec, step_s=2e-4)
    assert vented.vented_enthalpy_j[0] > 0.0
    assert 0.0 < vented.rebound_speed_m_s[0] < closed.rebound_speed_m_s[0]
    m = MASS_KG / spec.count
    g = spec.gas_gamma
    _, v0 = bag_geometry(np.zeros(1), spec.radius_m, spec.length_m)
    p0 = spec.inflation_pressure_pa
    rho0 = p0 / (spec.gas_constant_j_kg_k * AMBIENT[1])
    p_end = p0 * (vented.gas_left_kg[0] / v0[0] / rho0) ** g
    start = 0.5 * m * speed[0] ** 2 + p0 * v0[0] / (g - 1) + AMBIENT[0] * v0[0]
    end = (
        0.5 * m * vented.rebound_speed_m_s[0] ** 2
        + p_end * v0[0] / (g - 1)
        + AMBIENT[0] * v0[0]
        + vented.vented_enthalpy_j[0]
    )
    assert end == pytest.approx(start, abs=0.005 * 0.5 * m * speed[0] ** 2)


def test_sliding_friction_stops_the_horizontal_drift():
    """Invariant: friction only slows the slide (never reverses it); zero friction keeps it."""
    w = np.array([7.0, 7.0])
    u = np.array([3.0, 3.0])
    rough = land_on_airbags(w, u, np.full(2, MASS_KG), AMBIENT, bags(0.06))
    smooth = land_on_airbags(w, u, np.full(2, MASS_KG), AMBIENT, bags(0.06, friction_coefficient=0))
    assert 0.0 <= rough.slide_speed_m_s[0] < 3.0
    np.testing.assert_allclose(smooth.slide_speed_m_s, 3.0)


def test_no_touchdown_gives_nan_not_an_error():
    """Invariant: a case without a touchdown (NaN speed) has NaN landing figures."""
    out = land_on_airbags(
        np.array([np.nan]), np.array([np.nan]), np.array([np.nan]), AMBIENT, bags(0.06)
    )
    assert np.isnan(out.peak_deceleration_g[0]) and np.isnan(out.rebound_height_m[0])


def _starliner_with(text: str, tmp_path):
    path = tmp_path / "mission.toml"
    path.write_text('base = "starliner"\n' + text)
    return load_mission(path)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "[site]\nboundary_latitude_deg = [32.0, 32.0, 33.0, 32.5]\n"
            "boundary_longitude_deg = [-107.0, -106.0, -106.0, -106.5]\n",
            "boundary_latitude_deg",
        ),
        (
            "[site]\nboundary_latitude_deg = [32.0, 32.0, 33.0, 32.0]\n"
            "boundary_longitude_deg = [-107.0, -106.0, -107.0]\n",
            "boundary_longitude_deg",
        ),
        ('[site]\nboundary_bodies = ["capsule", "heat_sheild"]\n', "site.boundary_bodies[1]"),
        ("[vehicle.airbags]\nvent_open_pressure_pa = 100000.0\n", "vent_open_pressure_pa"),
    ],
)
def test_bad_boundary_and_bags_are_refused_with_the_key(text, key, tmp_path):
    """Bad input: one line naming the key, never a traceback."""
    with pytest.raises(MissionError) as err:
        _starliner_with(text, tmp_path)
    message = str(err.value)
    assert key in message
    assert "Traceback" not in message


def test_point_in_polygon_and_the_exact_interval():
    """Analytic: a square's centre is inside, a point beyond it outside (NaN: not inside);
    0 of n outside has the Clopper-Pearson upper bound 1 - 0.025^(1/n)."""
    lat = [0.0, 0.0, 1.0, 1.0, 0.0]
    lon = [0.0, 1.0, 1.0, 0.0, 0.0]
    inside = inside_boundary(np.array([0.5, 1.5, np.nan]), np.array([0.5, 0.5, 0.5]), lat, lon)
    assert inside.tolist() == [True, False, False]
    p = outside_probability(np.zeros(50, dtype=bool))
    assert p["probability"] == 0.0
    assert p["ci95"][1] == pytest.approx(1 - 0.025 ** (1 / 50), rel=1e-6)
    q = outside_probability(np.arange(40) < 10)
    assert q["ci95"][0] < 0.25 < q["ci95"][1]
