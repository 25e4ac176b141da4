"""A capsule under parachute clusters: reefed drogues, then reefed mains, to the ground.

The mission is Orion-like (EARTH.md 1.1, 1.5: 9.3 t, two 7 m drogues, three
35.4 m mains with two reefed stages) dropped from 8 km over the sea; its drag
coefficients are illustrative, not Orion's. What is checked is physics the
model must obey whatever the numbers:

* analytic: under the fully open mains the capsule reaches the ground at the
  terminal speed sqrt(2 m g / (rho (C_D S)_total)) of the sea-level density;
* invariant: a deployed cluster's drag area never shrinks until it is released,
  and is continuous through its reefed stages;
* the ground is the capsule's planned end (``end_on_ground``): the flight
  completes, its touchdown is the ground contact, and the capsule heads the
  hardware list, every other body measured from it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import skycrane
from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.planets.geodesy import pf_from_lla
from skycrane.planets.gravity import gravity_j2
from skycrane.sequence.build import cluster_table
from skycrane.vehicle.parachute_cluster import full_drag_area_m2, stage_fraction

CAPSULE = """
schema_version = 1

[mission]
name = "cluster_drop"
title = "An Orion-like capsule under reefed drogues, then three reefed mains"

[planet]
name = "earth"

[atmosphere]
model = "us76"

[entry]
latitude_deg = 30.0
longitude_deg = -120.0
altitude_m = 8000.0
speed_m_s = 150.0
flight_path_angle_deg = -50.0
heading_deg = 90.0
velocity_frame = "planet_relative"

[target]
latitude_deg = 30.0
longitude_deg = -119.99
altitude_m = 0.0

[vehicle.capsule]
mass_kg = 9300.0
diameter_m = 5.03
nose_radius_m = 6.0

[vehicle.capsule.aerodynamics]
mach = [0.0]
drag_coefficient = [1.0]
lift_to_drag = [0.0]
trim_angle_deg = [0.0]

[guidance.entry]
mode = "constant_bank"
bank_deg = 0.0

[bodies.drogues]
mass_kg = 60.0
aerodynamics = { reference_area_m2 = 5.0, drag_coefficient = [0.5] }

[parachute_clusters.drogues]
count = 2
diameter_m = 7.0
drag_coefficient = 0.55
reefing = [{ drag_area_fraction = 0.4, disreef_s = 10.0 }]

[parachute_clusters.mains]
count = 3
diameter_m = 35.4
drag_coefficient = 0.8
cluster_drag_factor = 0.9
reefing = [
    { drag_area_fraction = 0.1, disreef_s = 6.0 },
    { drag_area_fraction = 0.35, disreef_s = 12.0 },
]

[[sequence.events]]
name = "drogue_deploy"
trigger = "time"
t_s = 2.0
deploy_parachutes = "drogues"

[[sequence.events]]
name = "main_deploy"
trigger = "altitude_below"
altitude_m = 3000.0
release_parachutes = "drogues"
jettison = ["drogues"]
deploy_parachutes = "mains"

[sequence]
end_on_ground = true

[simulation]
time_limit_s = 2000.0
output_interval_s = 0.1
"""


def _mission(tmp_path, text: str = CAPSULE):
    path = tmp_path / "capsule.toml"
    path.write_text(text)
    return skycrane.load_mission(path)


def _g_eff(mission, lat_deg, lon_deg):
    """Gravity less the centrifugal term at sea level under (lat, lon), m/s^2."""
    planet = mission.planet
    x, y, z = pf_from_lla(lat_deg, lon_deg, 0.0, planet)
    g = np.array(gravity_j2(x, y, z, planet.mu_m3_s2, planet.equatorial_radius_m, planet.j2))
    omega = np.array([0.0, 0.0, planet.rotation_rad_s])
    return float(np.linalg.norm(g - np.cross(omega, np.cross(omega, np.array([x, y, z])))))


@pytest.fixture(scope="module")
def flown(tmp_path_factory):
    mission = _mission(tmp_path_factory.mktemp("capsule"))
    return mission, skycrane.simulate(mission)


def test_capsule_lands_at_the_terminal_speed_of_its_mains(flown):
    """Analytic: at the ground, drag balances weight, v = sqrt(2 m g / (rho C_D S)).

    Density rises slowly on the way down, so the lag behind the local terminal speed is
    (v/g) dv_t/dt ~ v^3 / (2 g H) ~ 3 mm/s (H ~ 8.5 km): 0.2 % covers it.
    """
    mission, result = flown
    assert result.status == L.ST_STOPPED
    td = result.event("touchdown")
    assert td.altitude_m == pytest.approx(0.0, abs=1e-3)
    table = cluster_table(mission)
    mains = list(mission.spec.parachute_clusters).index("mains")
    cds = full_drag_area_m2(table, mains) + 1.0 * math.pi / 4.0 * 5.03**2
    rho = mission.atmosphere.evaluate(np.array([0.0])).density_kg_m3[0]
    v_terminal = math.sqrt(
        2.0 * td.mass_kg * _g_eff(mission, td.latitude_deg, td.longitude_deg) / (rho * cds)
    )
    assert td.speed_m_s == pytest.approx(v_terminal, rel=2e-3)


def test_cluster_drag_never_shrinks_while_deployed(tmp_path):
    """Invariant: from deploy to release a cluster's drag area is non-decreasing and has no
    jump larger than its fastest fill allows (continuous through the reefed stages)."""
    mission = _mission(tmp_path)
    table = cluster_table(mission)
    t = np.linspace(0.0, 40.0, 40_001)
    for c in range(table.shape[1]):
        frac = np.array([stage_fraction(ti, 60.0, table, c) for ti in t])
        assert frac[0] == 0.0 and frac[-1] == pytest.approx(1.0)
        assert np.all(np.diff(frac) >= 0.0)
        assert np.max(np.diff(frac)) < 0.01  # 1 ms steps: no step change


def test_released_drogues_stop_pulling(flown):
    """Invariant: after the drogues are cut away and before the mains stretch their lines
    (1 s), the parachute force is zero."""
    _, result = flown
    t_main = result.event("main_deploy").t_s
    tr = result.trajectory
    gap = (tr.t_s > t_main + 0.05) & (tr.t_s < t_main + 0.95)
    assert gap.any()
    assert np.all(tr.parachute_force_n[gap] == 0.0)
    before = (tr.t_s > t_main - 5.0) & (tr.t_s < t_main)
    assert np.all(tr.parachute_force_n[before] > 0.0)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            'release_parachutes = "drogues"\njettison = ["drogues"]\ndeploy_parachutes = "mains"',
            'release_parachutes = "mains"\njettison = ["drogues"]\ndeploy_parachutes = "drogues"',
            "sequence.events[1]",
        ),
        ('deploy_parachutes = "mains"', 'deploy_parachutes = "main"', "deploy_parachutes"),
        ("disreef_s = 12.0", "disreef_s = 5.0", "reefing[1].disreef_s"),
        ("drag_area_fraction = 0.35", "drag_area_fraction = 0.05", "drag_area_fraction"),
        ('deploy_parachutes = "drogues"', 'parachute = "deploy"', "sequence.events[0].parachute"),
    ],
)
def test_bad_cluster_input_names_the_key(tmp_path, old, new, field):
    """Bad input: a clear error naming the key, before anything flies."""
    text = CAPSULE.replace(old, new, 1)
    assert text != CAPSULE
    with pytest.raises(InputError) as info:
        _mission(tmp_path, text)
    assert field in str(info.value)


def test_capsule_heads_the_hardware_and_the_drogues_fall_at_their_terminal_speed(flown):
    """Invariant: the capsule rests where it touched down (0 m from itself, its miss distance
    the touchdown's). Analytic: the cut-away drogues (60 kg, C_D S 2.5 m^2) reach the sea at
    their own terminal speed sqrt(2 m g / (rho C_D S))."""
    mission, result = flown
    capsule = result.body("capsule")
    assert capsule.status == "at rest"
    assert capsule.distance_from_capsule_m == pytest.approx(0.0, abs=1e-6)
    assert capsule.distance_from_rover_m is None
    drogues = result.body("drogues")
    assert drogues.status == "at rest" and drogues.distance_from_capsule_m is not None
    rho = mission.atmosphere.evaluate(np.array([0.0])).density_kg_m3[0]
    g = _g_eff(mission, drogues.latitude_deg, drogues.longitude_deg)
    v_terminal = math.sqrt(2.0 * 60.0 * g / (rho * 0.5 * 5.0))
    assert drogues.impact_speed_m_s == pytest.approx(v_terminal, rel=5e-3)


def test_reefing_longer_than_the_descent_is_a_failure_with_its_reason(tmp_path):
    """Bad input flown: mains still reefed at the ground land too fast, and the result says
    why (a failure with its reason, no NaN, no hang)."""
    mission = _mission(tmp_path, CAPSULE.replace("disreef_s = 12.0", "disreef_s = 1500.0"))
    result = skycrane.simulate(mission)
    assert not result.ok
    assert "mains were still reefed at touchdown" in result.status_text
    assert np.isfinite(result.touchdown["vertical_speed_m_s"])
