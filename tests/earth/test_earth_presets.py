"""The Earth-return presets flown end to end: Artemis I's skip, Artemis II's steeper direct
entry, Apollo 4's direct entry; each against what is published about it (EARTH.md).

* external check value: guidance accuracy within Bairstow 2006's 3.5 km (PredGuid-class
  guidance over 2,400-10,000 km ranges, EARTH.md 1.4);
* published (S2, EARTH.md 1.5, A1-CHUTE): Orion's mains are deployed "at 9,500 ft and 130 mph"
  (2,896 m, 58.1 m/s; the altitude is the preset's trigger, the speed is predicted by the drogue
  and capsule drag, within 10 %: the press figure is rounded to 10 mph and C_D0 of a conical
  ribbon spans 0.50-0.55); splashdown "20 mph or less" (8.9 m/s) and "about 17 mph";
* published (S2, EARTH.md 1.5 and check 5, A1-TL): Artemis I's entry interface 17:20:14 to
  splashdown 17:39:41 UTC planned, 1,167 s. Tolerance 10 %: the entry point and so the range
  flown (E), the entry angle (E) and the capsule's L/D and C_D (R) are not published, and each
  moves the time (the Starliner check, with more unknowns, allows 25 %);
* the heating question the issue asks (EARTH.md 1.7-1.8): the skip splits the heating into two
  pulses with a soak between them; the steeper Artemis II-like entry has one pulse and no soak.
"""

from __future__ import annotations

import pytest

import skycrane

MISS_MAX_M = 3500.0  # BAIR06: < 3.5 km
MAIN_SPEED_M_S = 130 * 0.44704  # 58.1 m/s (S2)
SPLASH_MAX_M_S = 20 * 0.44704  # 8.9 m/s (S2)
ARTEMIS1_EI_TO_SPLASH_S = 1167.0  # 17:20:14 -> 17:39:41 UTC planned (S2, A1-TL)


@pytest.fixture(scope="module")
def flights():
    return {name: skycrane.simulate(name) for name in ("artemis1", "artemis2", "apollo4")}


@pytest.mark.parametrize("name", ["artemis1", "artemis2", "apollo4"])
def test_splashes_down_on_target(flights, name):
    """Completes, splashes down within the guidance accuracy of the literature."""
    result = flights[name]
    assert result.ok, result.status_text
    assert result.touchdown["miss_distance_m"] < MISS_MAX_M


def test_artemis1_skips_and_its_heating_comes_in_two_pulses(flights):
    """The skip: exit, apogee and re-entry in order; two heating pulses with a soak."""
    result = flights["artemis1"]
    t = {e.name: e.t_s for e in result.events}
    assert t["skip_exit"] < t["skip_apogee"] < t["reentry"]
    pulses = result.heating
    assert len(pulses) == 2
    assert pulses[1]["soak_before_s"] > 0.0
    assert pulses[0]["start_s"] < t["skip_exit"] < pulses[1]["start_s"]


def test_artemis2_flies_one_pulse_without_a_skip(flights):
    """The steeper, shorter entry: no skip events, one heating pulse, no soak."""
    result = flights["artemis2"]
    names = {e.name for e in result.events}
    assert not names & {"skip_exit", "skip_apogee", "reentry"}
    assert len(result.heating) == 1


def test_artemis1_parachutes_as_published(flights):
    """Mains at 9,500 ft near 130 mph; splashdown at 20 mph or less (S2)."""
    result = flights["artemis1"]
    mains = result.event("pilot_deploy")  # the drogues are cut, the pilots pull the mains
    assert mains.altitude_m == pytest.approx(2896.0, abs=1.0)
    assert mains.speed_m_s == pytest.approx(MAIN_SPEED_M_S, rel=0.10)
    assert result.touchdown["vertical_speed_m_s"] <= SPLASH_MAX_M_S


def test_artemis1_entry_to_splashdown_time_as_published(flights):
    """Published (S2, A1-TL): entry interface to splashdown in 1,167 s, within 10 %."""
    result = flights["artemis1"]
    assert result.touchdown["t_s"] == pytest.approx(ARTEMIS1_EI_TO_SPLASH_S, rel=0.10)


def test_orion_sheds_every_part_to_the_sea(flights):
    """Every jettisoned part of Orion comes to rest (or broke up into pieces that do)."""
    result = flights["artemis1"]
    names = {b.name for b in result.bodies}
    assert {"capsule", "forward_bay_cover", "drogues", "pilots"} <= names
    for body in result.bodies:
        assert body.status in ("at rest", "broke up"), (body.name, body.status)


def test_monte_carlo_works_unchanged_on_an_earth_mission(tmp_path):
    """The Monte Carlo flies dispersed skip entries end to end: a splashdown ellipse for the
    capsule and one for every jettisoned part, every case counted (landed or by reason), and
    the dispersed splashdowns within ten times the nominal guidance accuracy (a loose band:
    16 cases carry winds under the chutes and navigation errors the nominal lacks)."""
    from skycrane.montecarlo import run_monte_carlo

    mission = skycrane.load_mission("artemis1")
    run = run_monte_carlo(mission, 16, 3, tmp_path / "mc")
    summary = run.summary
    assert summary["cases"] == 16
    assert summary["failed"] == sum(summary["failures"].values())
    ellipses = summary["ellipses"]
    assert {"capsule", "forward_bay_cover", "drogues", "pilots"} <= set(ellipses)
    assert ellipses["capsule"]["p99"]["major_km"] < 10 * MISS_MAX_M / 1e3


def test_bank_is_reported_within_a_turn(flights):
    """Invariant: a skip entry's reversals carry the roll state past +-180 deg; the reported
    bank angle stays in (-180, 180]."""
    bank = flights["artemis1"].trajectory.bank_deg
    assert bank.min() > -180.0 and bank.max() <= 180.0
