"""Heating pulses through the kernel: a closed-form pulse, a two-pulse skip, Mars 2020.

* Allen & Eggers, NACA TR-1381 (1958): straight-line (here vertical),
  gravity-free entry in an exponential atmosphere, V = V_E exp(-c rho / 2)
  with c = H / (beta sin g).
  With the Sutton-Graves rate q = k sqrt(rho / r_n) V^3 (NASA TR R-376) the
  pulse above a threshold q_t runs between the two roots of q(rho) = q_t; its
  peak is q* = k sqrt(rho* / r_n) V_E^3 e^-1/2 at rho* = 1 / (3 c); its load
  (dt = H drho / (rho V sin g)) is

      Q = k H V_E^2 / (sin g sqrt(r_n)) sqrt(pi / c) [erf(sqrt(c rho_b)) - erf(sqrt(c rho_a))]

  and its duration the quadrature of H / (rho V sin g) between the roots.
* A lifting lunar-return entry that skips out of the atmosphere and back in
  (Brandis-Johnston convective and radiative heating, AIAA 2014-2374): the
  invariants of the pulse bookkeeping, which hold whatever the trajectory.
* Mars 2020 nominal (defaults): one pulse, whose load and peak are the flight's.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq
from scipy.special import erf

import skycrane
from skycrane.atmosphere import WindProfile, exponential
from skycrane.contract import layout as L
from skycrane.planets import EARTH, MARS
from skycrane.propagate.kernel import default_memory, default_settings, derived, run_batch
from skycrane.propagate.model import build_model
from skycrane.reduction import reduce_batch
from skycrane.results import case_result
from skycrane.sequence.bodies import fly_bodies
from skycrane.sequence.build import build_batch
from skycrane.vehicle.aerodynamics import AeroBank, AeroTable
from skycrane.vehicle.heating import SUTTON_GRAVES_MARS

THRESHOLD_W_M2 = 1.0e5  # 10 W/cm^2


def _params(area_m2: float, nose_radius_m: float, t_max_s: float) -> np.ndarray:
    p = np.zeros((1, L.N_PARAMS))
    p[0, L.P_REF_AREA_M2] = area_m2
    p[0, L.P_NOSE_RADIUS_M] = nose_radius_m
    p[0, L.P_CD_SCALE] = 1.0
    p[0, L.P_CL_SCALE] = 1.0
    p[0, L.P_DENSITY_SCALE] = 1.0
    p[0, L.P_STOP_KIND] = L.STOP_NONE
    p[0, L.P_GROUND_ALT_M] = -1.0e9
    p[0, L.P_T_MAX_S] = t_max_s
    p[0, L.P_BANK_TAU_S] = 1.0
    p[0, L.P_PULSE_THRESHOLD_W_M2] = THRESHOLD_W_M2
    return p


def _pulse(raw, k: int) -> dict:
    """Pulse k (1-based) of case 0: times, states, peak."""
    s0, s1, pk = (L.EV_PULSE1_START + k - 1, L.EV_PULSE1_END + k - 1, L.EV_PULSE1_PEAK + k - 1)
    return {
        "fired": bool(raw.event_fired[0, s0]),
        "ended": bool(raw.event_fired[0, s1]),
        "t0": raw.event_t_s[0, s0],
        "t1": raw.event_t_s[0, s1],
        "y0": raw.event_y[0, s0],
        "y1": raw.event_y[0, s1],
        "peak": raw.event_value[0, pk],
        "t_peak": raw.event_t_s[0, pk],
    }


def test_allen_eggers_pulse() -> None:
    """Start and end densities, peak, load and duration of the one pulse match the closed
    forms (module docstring) to 1e-6; the crossings sit on the threshold."""
    rho0, scale_h, h0, v0 = 0.02, 11_100.0, 120e3, 6000.0
    mass, cd, area, rn, k = 1000.0, 1.5, 15.9, 1.0, SUTTON_GRAVES_MARS
    gamma = math.radians(90.0)  # vertical: the far-away planet's curvature cannot turn the path
    radius = 1.0e10
    atm = exponential(rho0, scale_h, 200.0, 1.3, 190.0)
    aero = AeroBank.from_tables([AeroTable([0.0], [cd], [0.0], [0.0])])
    model = build_model(MARS, atm, WindProfile.calm(), aero)
    model = (np.array([0.0, radius, radius, 0.0, 0.0, 1.0]), *model[1:])
    y0 = np.zeros((1, L.N_STATE))
    y0[0, 0:3] = [radius + h0, 0.0, 0.0]
    y0[0, 3:6] = [-v0 * math.sin(gamma), v0 * math.cos(gamma), 0.0]
    y0[0, L.S_MASS] = mass
    p = _params(area, rn, 300.0)
    p[0, L.P_HEAT_K] = k
    raw = run_batch(0.0, y0, p, default_memory(p[0])[None], model, default_settings(1e-12, 1e-9))

    beta = mass / (cd * area)
    c = scale_h / (beta * math.sin(gamma))
    v_e = v0 * math.exp(rho0 * math.exp(-h0 / scale_h) * c / 2.0)

    def q(rho):
        return k * math.sqrt(rho / rn) * (v_e * math.exp(-c * rho / 2.0)) ** 3

    rho_star = 1.0 / (3.0 * c)
    rho_a = brentq(lambda r: q(r) - THRESHOLD_W_M2, 1e-12, rho_star, xtol=1e-16, rtol=1e-14)
    rho_b = brentq(lambda r: q(r) - THRESHOLD_W_M2, rho_star, 1.0, xtol=1e-16, rtol=1e-14)
    load = (
        k
        * scale_h
        * v_e**2
        / (math.sin(gamma) * math.sqrt(rn))
        * math.sqrt(math.pi / c)
        * (erf(math.sqrt(c * rho_b)) - erf(math.sqrt(c * rho_a)))
    )
    duration, _ = quad(
        lambda r: scale_h / (r * v_e * math.exp(-c * r / 2.0) * math.sin(gamma)),
        rho_a,
        rho_b,
        epsabs=0.0,
        epsrel=1e-12,
    )

    one = _pulse(raw, 1)
    assert one["fired"] and one["ended"]
    assert not raw.event_fired[0, L.EV_PULSE2_START]
    aux = derived(np.stack([one["y0"], one["y1"]]), p[0], model)
    rho_sim = rho0 * np.exp(-aux[:, L.A_ALT_M] / scale_h)
    np.testing.assert_allclose(rho_sim, [rho_a, rho_b], rtol=1e-6)
    np.testing.assert_allclose(aux[:, L.A_HEAT_RATE_W_M2], THRESHOLD_W_M2, rtol=1e-6)
    assert one["peak"] == pytest.approx(q(rho_star), rel=1e-6)
    assert one["peak"] == raw.event_value[0, L.EV_PEAK_HEAT]
    assert one["y1"][L.S_HEAT_LOAD] - one["y0"][L.S_HEAT_LOAD] == pytest.approx(load, rel=1e-6)
    assert one["t1"] - one["t0"] == pytest.approx(duration, rel=1e-6)
    assert one["y1"][L.S_RAD_HEAT_LOAD] == 0.0


def _skip_entry():
    """An Orion-like capsule (9.3 t, 5.03 m, C_D 1.25, L/D 0.3, r_n 6 m) entering Earth's air
    (exponential, 1.225 kg/m^3, H 7.2 km) at 11 km/s and -6.5 deg, banked 50 deg: it skips
    out to ~90 km and comes back down (flown to 10 km)."""
    mass, diameter, cd, lift_to_drag = 9300.0, 5.03, 1.25, 0.3
    atm = exponential(1.225, 7200.0, 240.0, 1.4, 287.05)
    aero = AeroBank.from_tables([AeroTable([0.0], [cd], [cd * lift_to_drag], [0.0])])
    model = build_model(EARTH, atm, WindProfile.calm(), aero)
    h0, v0, gamma, bank = 121.92e3, 11_000.0, math.radians(-6.5), math.radians(50.0)
    r0 = EARTH.equatorial_radius_m + h0
    y0 = np.zeros((1, L.N_STATE))
    y0[0, 0:3] = [r0, 0.0, 0.0]
    y0[0, 3:6] = [v0 * math.sin(gamma), 0.0, v0 * math.cos(gamma)]
    y0[0, L.S_MASS] = mass
    y0[0, L.S_BANK] = bank
    p = _params(math.pi / 4.0 * diameter**2, 6.0, 1500.0)
    p[0, L.P_BANK_RAD] = bank
    p[0, L.P_BANK_RATE_MAX] = 0.3
    p[0, L.P_HEAT_CONV] = L.HC_BRANDIS_JOHNSTON
    p[0, L.P_HEAT_RAD] = L.HR_BRANDIS_JOHNSTON
    p[0, L.P_STOP_KIND] = L.STOP_ALTITUDE
    p[0, L.P_STOP_VALUE] = 10e3
    raw = run_batch(0.0, y0, p, default_memory(p[0])[None], model, default_settings(1e-10, 1e-8))
    return raw


def test_skip_entry_two_pulses_bookkeeping() -> None:
    """Two pulses separated by a soak; each peak lies in its pulse and above the threshold,
    the larger is the flight's peak; the pulses' loads fall short of the total by at most
    threshold x time outside them (below it the rate is under the threshold); radiative
    heating is a real part of each pulse at lunar-return speed."""
    raw = _skip_entry()
    assert raw.status[0] == L.ST_STOPPED
    one, two = _pulse(raw, 1), _pulse(raw, 2)
    assert one["fired"] and one["ended"] and two["fired"] and two["ended"]
    assert two["t0"] > one["t1"]  # the soak
    for pulse in (one, two):
        assert pulse["t0"] <= pulse["t_peak"] <= pulse["t1"]
        assert pulse["peak"] > THRESHOLD_W_M2
    assert max(one["peak"], two["peak"]) == raw.event_value[0, L.EV_PEAK_HEAT]
    total = raw.y_end[0, L.S_HEAT_LOAD]
    loads = sum(p["y1"][L.S_HEAT_LOAD] - p["y0"][L.S_HEAT_LOAD] for p in (one, two))
    outside_s = raw.t_end_s[0] - (one["t1"] - one["t0"]) - (two["t1"] - two["t0"])
    assert 0.0 <= total - loads <= THRESHOLD_W_M2 * outside_s
    rad_one = one["y1"][L.S_RAD_HEAT_LOAD] - one["y0"][L.S_RAD_HEAT_LOAD]
    conv_one = one["y1"][L.S_HEAT_LOAD] - one["y0"][L.S_HEAT_LOAD] - rad_one
    assert 0.0 < rad_one < conv_one * 3.0


@pytest.fixture(scope="module")
def m2020_flown():
    """Mars 2020 nominal: its reduced columns (one row) and its Result."""
    mission = skycrane.load_mission("m2020")
    batch = build_batch(mission, 1, record_trajectory=True)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    flights = fly_bodies(batch, mission, raw)
    return reduce_batch(raw, batch, mission, flights), case_result(raw, 0, batch, mission, flights)


@pytest.fixture(scope="module")
def m2020_nominal(m2020_flown):
    return m2020_flown[1]


def test_m2020_heating_table_reads_the_columns(m2020_flown) -> None:
    """The single run's heating table and JSON read the Monte Carlo row's values; a single
    pulse has no soak."""
    columns, result = m2020_flown
    row = result.heating[0]
    assert row["start_s"] == columns["pulse1_start_s"][0]
    assert row["end_s"] == columns["pulse1_end_s"][0]
    assert row["peak_w_cm2"]["total"] == columns["pulse1_peak_heat_rate_w_cm2"][0]
    assert row["load_j_cm2"]["total"] == columns["pulse1_heat_load_j_cm2"][0]
    assert columns["heat_pulses"][0] == 1
    assert math.isnan(columns["soak_s"][0]) and math.isnan(columns["pulse2_start_s"][0])
    assert columns["radiative_heat_load_j_cm2"][0] == 0.0
    assert result.to_dict()["heating"] == result.heating


def test_m2020_one_pulse_is_the_whole_heating(m2020_nominal) -> None:
    """Mars 2020 with the default heating: one pulse; its load is the flight's heat load
    within threshold x time outside it (1 W/cm^2 for the cruise before and the descent
    after), its peak is the flight's peak heat rate; no radiative heating."""
    r = m2020_nominal
    assert len(r.heating) == 1
    row = r.heating[0]
    assert row["soak_before_s"] is None
    total = r.peaks["heat_load_j_cm2"]
    outside_s = r.trajectory.t_s[-1] - r.trajectory.t_s[0] - row["duration_s"]
    assert 0.0 <= total - row["load_j_cm2"]["total"] <= 1.0 * outside_s
    assert row["peak_w_cm2"]["total"] == pytest.approx(r.peaks["heat_rate_w_cm2"], rel=1e-12)
    assert row["peak_time_s"] == pytest.approx(r.event("peak_heating").t_s, abs=1e-9)
    assert row["load_j_cm2"]["radiative"] == 0.0
    assert row["peak_w_cm2"]["radiative"] == 0.0


def test_m2020_default_rate_is_sutton_graves(m2020_nominal) -> None:
    """The recorded heat rate is k sqrt(rho / r_n) V^3 with the Mars constant (NASA TR R-376),
    rho = 2 q / V^2 from the recorded dynamic pressure: the default is the heating flown
    before the correlations could be chosen."""
    tr = m2020_nominal.trajectory
    mission = skycrane.load_mission("m2020")
    rn = mission.spec.vehicle.capsule.nose_radius_m
    v = tr.airspeed_m_s
    sel = v > 100.0
    rho = 2.0 * tr.dynamic_pressure_pa[sel] / v[sel] ** 2
    expected = SUTTON_GRAVES_MARS * np.sqrt(rho / rn) * v[sel] ** 3 / 1e4
    np.testing.assert_allclose(tr.heat_rate_w_cm2[sel], expected, rtol=1e-9)
