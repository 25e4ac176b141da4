"""The kernel against closed-form solutions and conservation laws.

* Allen & Eggers, "A Study of the Motion and Aerodynamic Heating of Ballistic
  Missiles Entering the Earth's Atmosphere at High Supersonic Speeds", NACA
  TR-1381 (1958): straight-line, gravity-free entry in an exponential
  atmosphere, V = V_E exp(-rho H / (2 beta sin g)); peak deceleration
  V_E^2 sin g / (2 e H) where rho = beta sin g / H and V = V_E / sqrt(e).
* Free fall through constant density: v(t) = v_t tanh(g t / v_t),
  v_t = sqrt(2 m g / (rho C_D A)).
* Without an atmosphere the energy (non-rotating planet) and the Jacobi
  integral (rotating planet, J2 gravity) are conserved.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.atmosphere import WindProfile, exponential
from skycrane.contract.layout import (
    A_AERO_ACCEL_M_S2,
    A_ALT_M,
    A_SPEED_M_S,
    EV_PEAK_DECEL,
    N_PARAMS,
    N_STATE,
    P_CD_SCALE,
    P_CL_SCALE,
    P_DENSITY_SCALE,
    P_GROUND_ALT_M,
    P_NOSE_RADIUS_M,
    P_REF_AREA_M2,
    P_STOP_KIND,
    P_T_MAX_S,
    S_MASS,
    STOP_NONE,
)
from skycrane.planets import MARS, Planet, with_overrides
from skycrane.propagate.kernel import default_memory, default_settings, derived, run_batch
from skycrane.propagate.model import build_model
from skycrane.vehicle.aerodynamics import AeroBank, AeroTable

FLAT_RADIUS_M = 1.0e11  # curvature negligible over a few hundred km of flight


def _model(planet_consts: np.ndarray, atmosphere, cd: float = 1.5) -> tuple:
    aero = AeroBank.from_tables([AeroTable([0.0], [cd], [0.0], [0.0])])
    model = build_model(MARS, atmosphere, WindProfile.calm(), aero)
    return (np.asarray(planet_consts, dtype=float), *model[1:])


def _params(area_m2: float, density_scale: float = 1.0, t_max_s: float = 1000.0) -> np.ndarray:
    p = np.zeros((1, N_PARAMS))
    p[0, P_REF_AREA_M2] = area_m2
    p[0, P_NOSE_RADIUS_M] = 1.0
    p[0, P_CD_SCALE] = 1.0
    p[0, P_CL_SCALE] = 1.0
    p[0, P_DENSITY_SCALE] = density_scale
    p[0, P_STOP_KIND] = STOP_NONE
    p[0, P_GROUND_ALT_M] = -1.0e9
    p[0, P_T_MAX_S] = t_max_s
    return p


def _state(r, v, mass_kg) -> np.ndarray:
    y = np.zeros((1, N_STATE))
    y[0, 0:3] = r
    y[0, 3:6] = v
    y[0, S_MASS] = mass_kg
    return y


def _allen_eggers_flight(gamma_deg: float, output_dt_s: float = 0.0):
    """Gravity-free, non-rotating entry over a nearly flat planet in an exponential atmosphere."""
    rho0, scale_h, h0, v0 = 0.02, 11_100.0, 120e3, 6000.0
    mass, cd, area = 3000.0, 1.5, 15.9
    radius = 1.0e10  # curvature turns the path by < 5e-5 rad over the flight
    gamma = math.radians(gamma_deg)
    atm = exponential(rho0, scale_h, 200.0, 1.3, 190.0)
    model = _model([0.0, radius, radius, 0.0, 0.0, 1.0], atm, cd)
    y0 = _state([radius + h0, 0.0, 0.0], [-v0 * math.sin(gamma), v0 * math.cos(gamma), 0.0], mass)
    p = _params(area, t_max_s=200.0)
    settings = default_settings(rtol=1e-13, atol=1e-9, output_dt_s=output_dt_s)
    raw = run_batch(0.0, y0, p, default_memory(p[0])[None], model, settings)
    beta = mass / (cd * area)
    # Allen-Eggers' V_E is the speed "at infinite altitude": the one that has
    # decayed to v0 at h0 through the thin air above it.
    v_e = v0 * math.exp(rho0 * math.exp(-h0 / scale_h) * scale_h / (2.0 * beta * math.sin(gamma)))
    return raw, p, model, (rho0, scale_h, beta, gamma, v_e)


def test_allen_eggers_peak_deceleration() -> None:
    """Peak deceleration, and the altitude and speed where it occurs, to 0.1 % (NACA TR-1381)."""
    raw, p, model, (rho0, scale_h, beta, gamma, v_e) = _allen_eggers_flight(15.0)
    aux = derived(raw.event_y[0, EV_PEAK_DECEL], p[0], model)
    a_max = v_e**2 * math.sin(gamma) / (2.0 * math.e * scale_h)
    h_star = scale_h * math.log(rho0 * scale_h / (beta * math.sin(gamma)))
    v_star = v_e / math.sqrt(math.e)
    assert aux[A_AERO_ACCEL_M_S2] == pytest.approx(a_max, rel=1e-3)
    assert raw.event_value[0, EV_PEAK_DECEL] == pytest.approx(a_max, rel=1e-3)
    assert aux[A_ALT_M] == pytest.approx(h_star, rel=1e-3)
    assert aux[A_SPEED_M_S] == pytest.approx(v_star, rel=1e-3)
    assert int(raw.traj_n[0]) == 0  # no trajectory is recorded unless asked


def test_allen_eggers_velocity_history() -> None:
    """V(h) = V_E exp(-rho H / (2 beta sin g)) along a vertical entry, to 1e-8 (NACA TR-1381)."""
    raw, p, model, (rho0, scale_h, beta, gamma, v_e) = _allen_eggers_flight(90.0, 1.0)
    ys = raw.traj_y[0, : int(raw.traj_n[0])]
    aux = derived(ys, p[0], model)
    rho = rho0 * np.exp(-aux[:, A_ALT_M] / scale_h)
    v_analytic = v_e * np.exp(-rho * scale_h / (2.0 * beta * math.sin(gamma)))
    assert len(v_analytic) > 50
    np.testing.assert_allclose(aux[:, A_SPEED_M_S], v_analytic, rtol=1e-8)


def test_terminal_velocity_constant_density() -> None:
    """v(t) = v_t tanh(g t / v_t) for a drop from rest through constant density."""
    rho, mass, cd, area = 0.02, 100.0, 1.0, 1.0
    g = 3.71
    atm = exponential(rho, 1.0e15, 200.0, 1.3, 190.0)  # scale height >> fall: constant
    model = _model([g * FLAT_RADIUS_M**2, FLAT_RADIUS_M, FLAT_RADIUS_M, 0.0, 0.0, 1.0], atm, cd)
    y0 = _state([FLAT_RADIUS_M + 100e3, 0.0, 0.0], [0.0, 0.0, 0.0], mass)
    p = _params(area, t_max_s=300.0)
    raw = run_batch(
        0.0,
        y0,
        p,
        default_memory(p[0])[None],
        model,
        default_settings(rtol=1e-12, atol=1e-10, output_dt_s=5.0),
    )
    n = int(raw.traj_n[0])
    t = raw.traj_t_s[0, :n]
    speed = np.linalg.norm(raw.traj_y[0, :n, 3:6], axis=1)
    v_t = math.sqrt(2.0 * mass * g / (rho * cd * area))
    # gravity varies by 2 h / R ~ 1e-6 over the fall
    np.testing.assert_allclose(speed, v_t * np.tanh(g * t / v_t), rtol=5e-6, atol=1e-9)
    assert speed[-1] == pytest.approx(v_t, rel=1e-4)


def _potential(r: np.ndarray, planet: Planet) -> np.ndarray:
    """Gravitational potential V (g = grad V) of a J2 planet."""
    rn = np.linalg.norm(r, axis=-1)
    s = r[..., 2] / rn
    p2 = 0.5 * (3.0 * s * s - 1.0)
    return planet.mu_m3_s2 / rn * (1.0 - planet.j2 * (planet.equatorial_radius_m / rn) ** 2 * p2)


@pytest.mark.parametrize("rotating", [False, True], ids=["energy", "jacobi"])
def test_vacuum_invariants(rotating: bool) -> None:
    """Energy (non-rotating) or Jacobi integral (rotating) conserved to 1e-10 without air."""
    planet = MARS if rotating else with_overrides(MARS, rotation_rad_s=0.0)
    atm = exponential(0.02, 11_100.0, 200.0, 1.3, 190.0)
    model = build_model(
        planet,
        atm,
        WindProfile.calm(),
        AeroBank.from_tables([AeroTable([0.0], [1.5], [0.3], [0.0])]),
    )
    r0 = np.array([3_522e3, 0.0, 800e3])
    y0 = _state(r0, [-500.0, 3200.0, 400.0], 3000.0)
    p = _params(15.9, density_scale=0.0, t_max_s=3000.0)
    raw = run_batch(
        0.0,
        y0,
        p,
        default_memory(p[0])[None],
        model,
        default_settings(rtol=1e-12, atol=1e-10, max_step_s=30.0, output_dt_s=30.0),
    )
    ys = raw.traj_y[0, : int(raw.traj_n[0])]
    r, v = ys[:, 0:3], ys[:, 3:6]
    omega = planet.rotation_rad_s
    invariant = (
        0.5 * np.sum(v * v, axis=1)
        - _potential(r, planet)
        - 0.5 * omega**2 * (r[:, 0] ** 2 + r[:, 1] ** 2)
    )
    assert len(invariant) > 50
    assert np.ptp(invariant) / abs(invariant[0]) < 1e-10
