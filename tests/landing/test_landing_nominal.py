"""The whole landing, nominal Mars 2020 and MSL, against what flew.

References: REFERENCE.md's Mars 2020 press-kit timeline (deploy E+240 s at
~11 km, heat-shield separation ~20 s later at ~160 m/s, backshell separation
~2.1 km, sky crane ~E+390 s, touchdown E+410 s at 0.75 m/s, backshell and
parachute hitting the ground at ~35 m/s) and MSL's pre-flight timeline
(deploy E+240-254 s, touchdown ~E+392 s and as late as E+480 s, miss 2.4 km).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import skycrane
from skycrane.contract import layout as L
from skycrane.planets import east_north_m, pf_from_lla

G0 = 9.80665


@pytest.fixture(scope="module")
def m2020():
    return skycrane.load_mission("m2020")


@pytest.fixture(scope="module")
def m2020_result(m2020):
    return skycrane.simulate(m2020)


@pytest.fixture(scope="module")
def msl():
    return skycrane.load_mission("msl")


@pytest.fixture(scope="module")
def msl_result(msl):
    return skycrane.simulate(msl)


def _agl(result, mission, event):
    """Height above the terrain under the vehicle (docs/terrain.md), as the triggers see it."""
    ev = result.event(event)
    r = pf_from_lla(ev.latitude_deg, ev.longitude_deg, ev.altitude_m, mission.planet)
    relief = mission.terrain.relief_at(*mission.terrain.local_from_pf(r))
    return ev.altitude_m - mission.spec.target.altitude_m - float(relief)


def test_m2020_timeline(m2020, m2020_result) -> None:
    """Press kit: deploy E+240 s near 11 km, heat shield at ~160 m/s, sky crane ~E+390 s."""
    r = m2020_result
    assert r.ok, r.status_text
    deploy = r.event("parachute_deploy")
    assert 230.0 <= deploy.t_s <= 250.0
    assert _agl(r, m2020, "parachute_deploy") == pytest.approx(11_000.0, abs=1_500.0)
    assert r.event("heat_shield_separation").speed_m_s == pytest.approx(160.0, abs=25.0)
    assert r.event("sky_crane_start").t_s == pytest.approx(390.0, abs=15.0)


def test_m2020_touchdown(m2020_result) -> None:
    """Press kit: touchdown E+410 s at 0.75 m/s, the wheels' speed from the bridle dynamics.

    Tolerances: the press kit's round figures (E+410 s; 0.75 m/s, +-0.05 m/s
    for the bridle oscillation left at contact); horizontal under 0.1 m/s with
    perfect navigation (nominal run); on the target within the 60 m
    requirement the LVS flew to (GUIDANCE.md 3.4, S).
    """
    td = m2020_result.touchdown
    assert 390.0 <= td["t_s"] <= 440.0
    assert td["vertical_speed_m_s"] == pytest.approx(0.75, abs=0.05)
    assert td["horizontal_speed_m_s"] < 0.1
    assert td["miss_distance_m"] < 60.0
    assert m2020_result.propellant_remaining_kg > 0.0


def test_msl_timeline(msl, msl_result) -> None:
    """MSL: deploy near its pre-flight E+240-254 s, touchdown by E+480 s, miss under 2.4 km."""
    r = msl_result
    assert r.ok, r.status_text
    assert r.event("parachute_deploy").t_s == pytest.approx(247.0, abs=20.0)
    td = r.touchdown
    assert td["t_s"] <= 480.0
    assert td["vertical_speed_m_s"] == pytest.approx(0.75, abs=0.05)
    assert td["miss_distance_m"] < 2_400.0


@pytest.mark.parametrize("which", ["m2020", "msl"])
def test_every_body_at_rest(which, m2020_result, msl_result) -> None:
    """Every body ends at rest with a finite position (or broke up into fragments that do)."""
    result = m2020_result if which == "m2020" else msl_result
    names = {b.name for b in result.bodies}
    expected = {
        "cruise_stage",
        "cruise_balance_mass_1",
        "cruise_balance_mass_2",
        "heat_shield",
        "backshell",
        "rover",
        "descent_stage",
    }
    expected |= {f"entry_balance_mass_{k}" for k in range(1, 7)}
    assert expected <= names
    for body in result.bodies:
        if body.status == "broke up":
            fragments = [b for b in result.bodies if b.name.startswith(body.name + "/")]
            assert fragments, f"{body.name} broke up into nothing"
            continue
        assert body.status == "at rest", body
        for value in (
            body.latitude_deg,
            body.longitude_deg,
            body.distance_from_rover_m,
            body.impact_speed_m_s,
        ):
            assert value is not None and math.isfinite(value), body


def test_backshell_terminal_speed(m2020_result) -> None:
    """Backshell + parachute hit the ground at ~35 m/s (press kit, 126 km/h)."""
    assert m2020_result.body("backshell").impact_speed_m_s == pytest.approx(35.0, abs=5.0)


@pytest.mark.parametrize("which", ["m2020", "msl"])
def test_flyaway_cut_off_and_crash_is_physical(which, m2020, m2020_result, msl, msl_result) -> None:
    """The engines stop with propellant left; the stage then falls as a projectile.

    Invariant: the flyaway's cut-off (docs/powered_descent.md), not depletion,
    ends the burn: at ``descent_stage_engines_out`` the stage still carries
    propellant. Analytic solution: from the engines-out state (height h over
    the site's ground, speed v, flight-path angle gamma) a vacuum projectile
    covers v cos(gamma) t_f over the ground, t_f = (v sin(gamma) +
    sqrt(v^2 sin^2(gamma) + 2 g h)) / g, and hits at sqrt(v^2 + 2 g h). The
    stage's drag (C_D A = 9 m^2, ~780 kg, rho <= 0.02 kg/m^3: at most 0.5 m/s^2
    at 60 m/s over a ~4 s fall) and the terrain's relief under the crash
    shorten both by a few per cent: held to 10 %. The crash's bearing from the
    rover is the direction it flew (the horizontal velocity's azimuth at
    impact within 15 deg) and it lies at least 150 m from the rover (issue
    14's safety criterion).
    """
    mission, result = (m2020, m2020_result) if which == "m2020" else (msl, msl_result)
    pd = mission.spec.powered_descent
    out = result.event("descent_stage_engines_out")
    cut = result.event("bridles_cut")
    assert out.t_s > cut.t_s
    assert out.mass_kg - pd.dry_mass_kg > 10.0  # stopped with propellant aboard
    g = 3.71
    v = out.speed_m_s
    gamma = math.radians(out.flight_path_angle_deg)
    h = out.altitude_above_ground_m
    vz = v * math.sin(gamma)
    t_f = (vz + math.sqrt(vz * vz + 2.0 * g * h)) / g
    crash = result.body("descent_stage")
    rover = result.body("rover")
    radius = mission.planet.equatorial_radius_m
    e0, n0 = east_north_m(
        rover.latitude_deg, rover.longitude_deg, out.latitude_deg, out.longitude_deg, radius
    )
    e1, n1 = east_north_m(
        rover.latitude_deg, rover.longitude_deg, crash.latitude_deg, crash.longitude_deg, radius
    )
    fall_m = math.hypot(e1 - e0, n1 - n0)
    assert 0.9 * v * math.cos(gamma) * t_f <= fall_m <= v * math.cos(gamma) * t_f
    vacuum_speed = math.sqrt(v * v + 2.0 * g * h)
    assert 0.9 * vacuum_speed <= crash.impact_speed_m_s <= vacuum_speed
    assert crash.distance_from_rover_m >= 150.0
    assert crash.impact_angle_deg is not None and 0.0 < crash.impact_angle_deg < 90.0
    turn = (crash.impact_azimuth_deg - crash.bearing_from_rover_deg + 180.0) % 360.0 - 180.0
    assert abs(turn) < 15.0
    assert result.event("descent_stage_impact").t_s > out.t_s


@pytest.mark.parametrize("until", ["EV_TOUCHDOWN", "EV_BRIDLES_CUT", "EV_GROUND"])
def test_energy_bookkeeping(m2020, until) -> None:
    """Invariant: energy lost equals the work of aerodynamic, parachute, thrust and bridle forces.

    In the rotating frame the specific Jacobi energy E = v^2/2 - U(r) -
    |omega x r|^2/2 of the main vehicle (the descent stage, once the rover
    hangs below it) changes only by the work of non-gravitational forces on
    it (the Coriolis force does no work); separations change the mass, not
    the specific energy. The kernel integrates that work as a state: the
    thrust (net of the engines' cant: the cosine loss is propellant, not
    work) and the bridle tension while the rover hangs. Checked to 0.1 % at
    touchdown, at the cut (the bridles' slack and taut phases included) and
    at the stage's crash (the whole flyaway).
    """
    from skycrane.propagate.kernel import run_batch
    from skycrane.sequence.build import build_batch

    planet = m2020.planet
    batch = build_batch(m2020, 1, record_trajectory=False)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)

    def energy(y):
        r = y[0:3]
        rn = np.linalg.norm(r)
        s = r[2] / rn
        u = (
            planet.mu_m3_s2
            / rn
            * (1.0 - planet.j2 * (planet.equatorial_radius_m / rn) ** 2 * 0.5 * (3 * s * s - 1))
        )
        return 0.5 * y[3:6] @ y[3:6] - u - 0.5 * planet.rotation_rad_s**2 * (r[0] ** 2 + r[1] ** 2)

    slot = getattr(L, until)
    assert raw.event_fired[0, slot]
    y0 = batch.y0[0]
    y1 = raw.event_y[0, slot]
    lost = energy(y0) - energy(y1)
    work = -(y1[L.S_WORK] - y0[L.S_WORK])
    assert lost > 0.0
    assert work == pytest.approx(lost, rel=1e-3)


def test_range_trigger_beats_velocity_trigger(m2020) -> None:
    """Same dispersed entries: the range trigger's scatter at backshell separation is smaller.

    Dutta & Way (AIAA 2017-0245): the range trigger shrinks the ellipse. Scatter
    is the distance from the target where powered descent begins (before any
    divert). The velocity trigger fires at the nominal deploy speed.
    """
    from skycrane.propagate.kernel import run_batch
    from skycrane.sequence.build import build_batch

    nominal = skycrane.simulate(m2020)
    v_deploy = nominal.event("parachute_deploy").speed_m_s
    deploy = m2020.spec.parachute.deploy.model_copy(
        update={"trigger": "velocity", "speed_m_s": v_deploy}
    )
    guidance = m2020.spec.guidance.model_copy(
        update={
            "entry": m2020.spec.guidance.entry.model_copy(
                update={
                    "reference_end_range_m": deploy_range(m2020),
                    "reference_end_speed_m_s": None,
                }
            )
        }
    )
    velocity_spec = m2020.spec.model_copy(
        update={
            "parachute": m2020.spec.parachute.model_copy(update={"deploy": deploy}),
            "guidance": guidance,
        }
    )
    import dataclasses

    velocity = dataclasses.replace(m2020, spec=velocity_spec)
    rng = np.random.default_rng(7)
    n = 8
    density = 1.0 + 0.08 * rng.standard_normal(n)
    lift = 1.0 + 0.05 * rng.standard_normal(n)
    scatter = {}
    for label, mission in (("range", m2020), ("velocity", velocity)):
        batch = build_batch(mission, n, record_trajectory=False)
        p = batch.params.copy()
        p[:, L.P_DENSITY_SCALE] = density
        p[:, L.P_CL_SCALE] = lift
        raw = run_batch(batch.t0_s, batch.y0, p, batch.mem0, batch.model, batch.settings)
        slot = L.EV_SEQ0 + batch.event_names.index("backshell_separation")
        assert raw.event_fired[:, slot].all()
        r = raw.event_y[:, slot, 0:3]
        tgt = p[0, L.P_TGT_X : L.P_TGT_Z + 1]
        horiz = r / np.linalg.norm(r, axis=1, keepdims=True) * np.linalg.norm(tgt) - tgt
        scatter[label] = float(np.sqrt(np.mean(np.sum(horiz**2, axis=1))))
    assert scatter["range"] < scatter["velocity"], scatter


def deploy_range(mission) -> float:
    return mission.spec.parachute.deploy.range_to_target_m


@pytest.mark.xfail(
    strict=True,
    reason="144.4 kN, 6 % low: in the reconstructed Gale air (msl.toml [atmosphere]) the 405 m/s "
    "trigger fires 12.7 km above the site, 0.6 km above the flown 12.1 km, at q = 491 Pa; the air "
    "there is 5 % thinner than at the flown deploy height (docs/entry_guidance.md)",
)
def test_parachute_opening_load(msl_result) -> None:
    """MSL's peak opening load against its flight reconstruction, 153.8 kN (Cruz et al., JSR
    51(4), 2014), within 5 %: an independent check of the opening-load factor calibrated on
    Mars 2020's ~152 kN (S2), which is therefore not asserted here."""
    assert msl_result.peaks["parachute_load_n"] == pytest.approx(153.8e3, rel=0.05)
