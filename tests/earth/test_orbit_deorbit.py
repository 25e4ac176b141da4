"""A flight from orbit: two-body invariants, J2 nodal regression, the deorbit burn's
energy bookkeeping, the burn moving the landing, and bad input (docs/orbit_and_deorbit.md).

The mission is tests/earth/data/orbit_capsule.toml: a Starliner-like capsule in the ISS's
orbit, burning at the OFT-2 time.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import skycrane
from skycrane.analysis.phasing import phase_orbit, with_phase
from skycrane.api import check
from skycrane.cli import app
from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.missions.loader import preset_path
from skycrane.planets.orbit import planet_fixed_to_inertial
from skycrane.propagate.kernel import default_memory, default_settings, run_batch
from skycrane.propagate.model import SEQ_TABLE, build_model
from skycrane.sequence.build import build_batch
from skycrane.sequence.orbit_start import orbit_state
from skycrane.sequence.pack import vacuum_params
from skycrane.vehicle.aerodynamics import AeroBank

MISSION = Path(__file__).parent / "data" / "orbit_capsule.toml"
DAY_S = 86400.0
RTOL = 1e-10
"""The kernel's default relative tolerance, used for the coasts below."""


def _variant(tmp_path: Path, old: str, new: str) -> skycrane.Mission:
    text = MISSION.read_text()
    assert old in text
    path = tmp_path / "variant.toml"
    path.write_text(text.replace(old, new, 1))
    return skycrane.load_mission(path)


def _vacuum_coast(mission, duration_s: float) -> np.ndarray:
    """The orbit's state after ``duration_s`` of drag-free flight (density scale 0, no
    events, as sequence.preflight.coast_back flies), in the kernel's planet-fixed frame."""
    y0 = orbit_state(mission)
    p = vacuum_params(mission.reference_area_m2, duration_s)
    mem = default_memory(p)
    mem[L.M_GUIDANCE] = L.GUID_NONE
    model = build_model(
        mission.planet,
        mission.atmosphere,
        mission.wind,
        AeroBank.from_tables([mission.capsule_aero]),
    )
    raw = run_batch(
        0.0, y0[None], p[None], mem[None], model, default_settings(rtol=RTOL, max_step_s=60.0)
    )
    assert raw.status[0] == L.ST_TIME_LIMIT
    return np.stack([y0, raw.y_end[0]])


def _inertial(mission, ys: np.ndarray, t_s: np.ndarray):
    """Inertial position and velocity of planet-fixed states at times t_s from the epoch."""
    omega = mission.planet.rotation_rad_s
    pairs = [
        planet_fixed_to_inertial(y[0:3], y[3:6], omega * t, omega)
        for y, t in zip(ys, t_s, strict=True)
    ]
    return np.array([r for r, _ in pairs]), np.array([v for _, v in pairs])


def _jacobi_energy(mission, y: np.ndarray) -> float:
    """Energy per kg in the rotating frame: v^2/2 - omega^2 (x^2 + y^2)/2 + U, with the J2
    potential U = -mu/r + mu J2 a^2 (3 z^2/r^2 - 1) / (2 r^3)."""
    planet = mission.planet
    mu, a, j2, omega = planet.mu_m3_s2, planet.equatorial_radius_m, planet.j2, planet.rotation_rad_s
    r = float(np.linalg.norm(y[0:3]))
    u = -mu / r + mu * j2 * a * a * (3.0 * y[2] ** 2 / r**2 - 1.0) / (2.0 * r**3)
    return 0.5 * float(y[3:6] @ y[3:6]) - 0.5 * omega**2 * (y[0] ** 2 + y[1] ** 2) + u


def test_two_body_orbit_keeps_energy_and_angular_momentum_for_a_day(tmp_path):
    """Invariants: with J2 off (planet.j2 = 0) and no drag, a day of the ~418 km orbit
    (15.5 revolutions) keeps the specific energy v^2/2 - mu/r and the inertial angular
    momentum r x v. Tolerance 1e-7: the step count (~1,500 steps of at most 60 s) times the
    relative tolerance 1e-10 of each step, with a margin of ~70."""
    mission = _variant(tmp_path, 'name = "earth"', 'name = "earth"\nj2 = 0.0')
    ys = _vacuum_coast(mission, DAY_S)
    r, v = _inertial(mission, ys, np.array([0.0, DAY_S]))
    mu = mission.planet.mu_m3_s2
    energy = 0.5 * np.sum(v * v, axis=1) - mu / np.linalg.norm(r, axis=1)
    h = np.cross(r, v)
    assert abs(energy[1] / energy[0] - 1.0) < 1e-7
    assert np.linalg.norm(h[1] - h[0]) / np.linalg.norm(h[0]) < 1e-7


def test_j2_nodal_regression_matches_the_analytic_rate():
    """Analytic: the node of a ~418 km, 51.64 deg orbit regresses at
    dOmega/dt = -(3/2) n J2 (R/p)^2 cos i (Vallado 2013, eq. 9-41), about -5.0 deg/day.
    Over one day of drag-free J2 flight the osculating node moves by the secular rate
    within 2 %: the short-period terms of the node, of relative size ~J2 (R/p)^2 / (drift
    in rad) ~ 1e-3 / 0.087, and the osculating-versus-mean semi-major axis (~0.2 % in n)."""
    mission = skycrane.load_mission(MISSION)
    ys = _vacuum_coast(mission, DAY_S)
    r, v = _inertial(mission, ys, np.array([0.0, DAY_S]))
    h = np.cross(r, v)
    node = np.degrees(np.arctan2(h[:, 0], -h[:, 1]))
    drift_deg = (node[1] - node[0] + 180.0) % 360.0 - 180.0
    planet = mission.planet
    orbit = mission.spec.orbit
    a = planet.equatorial_radius_m + 0.5 * (orbit.perigee_altitude_m + orbit.apogee_altitude_m)
    e = (orbit.apogee_altitude_m - orbit.perigee_altitude_m) / (2.0 * a)
    p = a * (1.0 - e * e)
    n = math.sqrt(planet.mu_m3_s2 / a**3)
    rate = -1.5 * n * planet.j2 * (planet.equatorial_radius_m / p) ** 2
    rate *= math.cos(math.radians(orbit.inclination_deg))
    expected_deg = math.degrees(rate * DAY_S)
    assert expected_deg == pytest.approx(-5.0, abs=0.1)
    assert drift_deg == pytest.approx(expected_deg, rel=0.02)


def _flown(mission):
    batch = build_batch(mission, 1, record_trajectory=False)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    return batch, raw


def test_energy_bookkeeping_through_the_deorbit_burn():
    """Invariant: the rotating-frame energy (J2 potential included) changes by the work of
    the non-gravitational forces the kernel integrates (S_WORK: the burn's thrust and the
    thin air's drag), to 0.1 % of that work, from the epoch to the burn's end."""
    mission = skycrane.load_mission(MISSION)
    batch, raw = _flown(mission)
    end = L.EV_SEQ0 + batch.event_names.index("deorbit_burn_end")
    assert raw.event_fired[0, end]
    y_end = raw.event_y[0, end]
    work = y_end[L.S_WORK]
    burn = mission.spec.sequence.events[0].burn
    assert work < -0.9 * 7.6e3 * burn.thrust_n * burn.duration_s / batch.y0[0, L.S_MASS]
    change = _jacobi_energy(mission, y_end) - _jacobi_energy(mission, batch.y0[0])
    assert abs(change - work) <= 1e-3 * abs(work)
    propellant = burn.thrust_n * burn.duration_s / (burn.isp_s * 9.80665)
    assert batch.y0[0, L.S_MASS] - y_end[L.S_MASS] == pytest.approx(propellant, rel=1e-6)


def test_the_nominal_flight_lands_and_the_service_module_breaks_up():
    """Invariants of the sequence: E+0 is the entry-interface crossing (its event within
    a step's location tolerance of t = 0), the capsule lands under its mains, and the
    service module's fragments come to rest on the ground."""
    result = skycrane.simulate(skycrane.load_mission(MISSION))
    assert result.status == L.ST_STOPPED, result.status_text
    assert result.event("entry_interface").t_s == pytest.approx(0.0, abs=1e-3)
    assert result.event("deorbit_burn_end").t_s - result.event("deorbit_burn").t_s == (
        pytest.approx(58.0, abs=1e-6)
    )
    names = {b.name for b in result.bodies}
    assert {"service_module/service_module_core", "service_module/service_module_array"} <= names


def _points(mission) -> tuple[np.ndarray, np.ndarray]:
    """(latitude, longitude) in rad of the entry interface and of the touchdown."""
    result = skycrane.simulate(mission)
    assert result.status == L.ST_STOPPED, result.status_text
    return tuple(
        np.radians([result.event(n).latitude_deg, result.event(n).longitude_deg])
        for n in ("entry_interface", "touchdown")
    )


def _east_north_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Local east and north offsets [m] of b from a (small-angle, mean radius)."""
    return 6371e3 * np.array([(b[1] - a[1]) * math.cos(a[0]), b[0] - a[0]])


def test_an_earlier_burn_lands_up_range(tmp_path):
    """Physical, monotonic: the same burn 60 s earlier happens 60 s of orbit earlier, so the
    whole descent shifts up-range by about 60 s of ground track. The sub-satellite point
    moves at 7.66 km/s x R/r = 7.2 km/s, less up to the Earth's 0.46 km/s under it: 400-430
    km; the entry then flies another density column, so 330-480 km is asserted. Up-range:
    along the nominal flight's direction from its entry interface to its touchdown."""
    ei, td = _points(skycrane.load_mission(MISSION))
    _, td_early = _points(_variant(tmp_path, "t_s = 307.0", "t_s = 247.0"))
    track = _east_north_m(ei, td)
    along = _east_north_m(td, td_early) @ (track / np.linalg.norm(track))
    assert -480e3 < along < -330e3


def test_a_burn_too_small_to_deorbit_is_refused_with_its_perigee(tmp_path):
    """Bad input: 5 s of burn leaves the perigee near 400 km: `check` refuses it, naming the
    burn and the perigee it leaves (analytic: dv ~ 12 m/s lowers the opposite side by
    ~4 r dv / v ~ 45 km)."""
    mission = _variant(tmp_path, "duration_s = 58.0", "duration_s = 5.0")
    with pytest.raises(InputError) as err:
        check(mission)
    assert err.value.field == "sequence.events[0].burn.thrust_n"
    perigee_km = float(str(err.value).split("leaves it at ")[1].split(" km")[0])
    assert 360.0 < perigee_km < 400.0


def test_skycrane_check_and_run_refuse_the_small_burn_alike(tmp_path):
    """Bad input through the command line: `check` and `run` exit 2 with the same one-line
    error naming the burn, and no traceback (check equals run)."""
    path = tmp_path / "small.toml"
    path.write_text(MISSION.read_text().replace("duration_s = 58.0", "duration_s = 5.0", 1))
    runner = CliRunner()
    outputs = [runner.invoke(app, [command, str(path)]) for command in ("check", "run")]
    for result in outputs:
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert "sequence.events[0].burn.thrust_n" in result.output
    assert outputs[0].output.strip().splitlines()[-1] == outputs[1].output.strip().splitlines()[-1]


def test_a_burn_still_burning_at_entry_is_refused(tmp_path):
    """Bad input: a 1,500 s burn is still burning when the capsule reaches 121.9 km."""
    mission = _variant(tmp_path, "duration_s = 58.0", "duration_s = 1500.0")
    with pytest.raises(InputError) as err:
        check(mission)
    assert err.value.field == "sequence.events[0].burn.duration_s"


def test_a_dispersed_burn_that_does_not_deorbit_ends_at_the_time_limit(tmp_path):
    """Failure status, no hang: a case whose burn achieves 10 % of its thrust stays in
    orbit; it ends ST_NOT_DEORBITED at the time limit with a finite state."""
    mission = skycrane.load_mission(MISSION)
    batch = build_batch(mission, 2, record_trajectory=False)
    batch.params[1, L.P_BURN_THRUST_ERROR] = -0.9
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    assert raw.status[0] == L.ST_STOPPED
    assert raw.status[1] == L.ST_NOT_DEORBITED
    assert np.all(np.isfinite(raw.y_end[1]))
    assert L.STATUS_TEXT[L.ST_NOT_DEORBITED].startswith("did not deorbit")


def test_a_capsule_reaching_the_ground_without_parachutes_fails():
    """Failure status: with its parachute events unable to fire (drogue trigger below the
    ground) the capsule reaches the ground with no parachute open: ST_GROUND, not a
    touchdown, and a finite state."""
    mission = skycrane.load_mission(MISSION)
    batch = build_batch(mission, 1, record_trajectory=False)
    table = batch.model[SEQ_TABLE].copy()
    k = batch.event_names.index("forward_heat_shield_jettison")
    table[L.SQ_VALUE, k] = -1000.0
    model = (*batch.model[:SEQ_TABLE], table, *batch.model[SEQ_TABLE + 1 :])
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, model, batch.settings)
    assert raw.status[0] == L.ST_GROUND
    assert not raw.event_fired[0, L.EV_TOUCHDOWN]
    assert np.all(np.isfinite(raw.y_end[0]))


def test_orbit_input_is_checked(tmp_path):
    """Bad input, one-line errors naming the key: a perigee under the surface, an orbit
    given twice, [entry] and [orbit] together, a burn without [orbit]."""
    with pytest.raises(InputError, match="perigee is above the surface"):
        _variant(tmp_path, "perigee_altitude_m = 415000.0", "perigee_altitude_m = -10000.0")
    with pytest.raises(InputError, match="exactly one orbit"):
        _variant(
            tmp_path, "inclination_deg = 51.64", "inclination_deg = 51.64\neccentricity = 0.01"
        )
    entry = (
        "[entry]\nlatitude_deg = 0.0\nlongitude_deg = 0.0\naltitude_m = 121920.0\n"
        "speed_m_s = 7800.0\nflight_path_angle_deg = -1.5\nheading_deg = 60.0\n\n[target]"
    )
    with pytest.raises(InputError, match="exactly one of"):
        _variant(tmp_path, "[target]", entry)
    with pytest.raises(InputError, match=r"orbit.*planet.name"):
        _variant(tmp_path, 'name = "earth"', 'name = "mars"')
    with pytest.raises(InputError, match=r"within simulation\.time_limit_s"):
        _variant(tmp_path, "t_s = 307.0", "t_s = 3590.0")
    text = preset_path("apollo4").read_text().replace('base = "shared/earth_dispersions.toml"', "")
    burn = 'guidance = "skip"\nburn = { thrust_n = 1000.0, duration_s = 10.0, isp_s = 300.0 }'
    (tmp_path / "burn.toml").write_text(text.replace('guidance = "skip"', burn, 1))
    with pytest.raises(InputError, match=r"sequence.events\[0\].burn.*\[orbit\]"):
        skycrane.load_mission(tmp_path / "burn.toml")
    dispersed = "[dispersions.parameters]\ndeorbit_burn_thrust_error = { distribution = "
    dispersed += '"normal", mean = 0.0, std = 0.01 }\n'
    (tmp_path / "no_burn.toml").write_text(text + "\n[dispersions]\n" + dispersed)
    with pytest.raises(InputError, match="a sequence event with a burn"):
        skycrane.load_mission(tmp_path / "no_burn.toml")


def test_phasing_recovers_the_angles_that_land_at_white_sands():
    """Invariant of the solve (analysis.phasing): started 0.5 deg of RAAN and 1 deg of true
    anomaly away (~100 km of miss), Newton's method lands the capsule within 500 m of WSSH
    again, at the angles the test mission was phased with (to 0.01 deg: 500 m is 0.005 deg
    of the orbit)."""
    mission = skycrane.load_mission(MISSION)
    orbit = mission.spec.orbit
    start = with_phase(mission, orbit.raan_deg + 0.5, orbit.true_anomaly_deg - 1.0)
    raan, nu, miss_m = phase_orbit(start, 32.94, -106.42)
    assert miss_m <= 500.0
    assert raan == pytest.approx(orbit.raan_deg, abs=0.01)
    assert nu == pytest.approx(orbit.true_anomaly_deg, abs=0.01)
