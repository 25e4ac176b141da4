"""Descent-stage propellant, phase by phase, in the nominal Mars 2020 and MSL flights.

Invariant (bookkeeping): from backshell separation on, the vehicle's mass
changes only by the engines' flow and by the rover's mass at the bridle cut.
The propellant loaded (the preset's ``powered_descent.propellant_kg``, the
stage's mass at powered-descent start less its dry mass and the rover) is
therefore the propellant used in each phase (powered approach,
constant velocity, constant deceleration, sky crane to touchdown, touchdown
to the cut, flyaway) plus what is left when the engines stop, to 0.1 %;
touchdown's reported ``propellant_remaining_kg`` is the same bookkeeping at
that instant; no phase gains propellant.

The phase figures measured when this test was written are in
docs/powered_descent.md (Propellant budget); they are not asserted here.
"""

from __future__ import annotations

import pytest

import skycrane

# phase boundaries: (event starting the phase, event ending it)
PHASES = (
    ("powered_descent_start", "constant_velocity_descent"),  # free fall + powered approach
    ("constant_velocity_descent", "constant_deceleration"),
    ("constant_deceleration", "sky_crane_start"),
    ("sky_crane_start", "touchdown"),
    ("touchdown", "bridles_cut"),  # detection and the cut delay
    ("bridles_cut", "descent_stage_engines_out"),  # flyaway
)
# an event's mass is the vehicle's as the event fires, before its action: the
# rover leaves the stage's mass at the cut (``bridles_cut``, ``flyaway_start``)
AFTER_CUT = ("descent_stage_engines_out",)


@pytest.fixture(scope="module", params=["m2020", "msl"])
def flown(request):
    mission = skycrane.load_mission(request.param)
    return mission, skycrane.simulate(mission)


def _propellant_kg(mission, result, event: str) -> float:
    pd = mission.spec.powered_descent
    rover = 0.0 if event in AFTER_CUT else mission.spec.rover.mass_kg
    return result.event(event).mass_kg - pd.dry_mass_kg - rover


def test_propellant_loaded_is_used_by_phase_plus_left(flown) -> None:
    mission, result = flown
    assert result.ok, result.status_text
    loaded = mission.spec.powered_descent.propellant_kg
    start = _propellant_kg(mission, result, "powered_descent_start")
    assert start == pytest.approx(loaded, rel=1e-3)
    used = []
    for a, b in PHASES:
        spent = _propellant_kg(mission, result, a) - _propellant_kg(mission, result, b)
        assert spent >= -1e-6, (a, b, spent)
        used.append(spent)
    left = _propellant_kg(mission, result, "descent_stage_engines_out")
    assert sum(used) + left == pytest.approx(loaded, rel=1e-3)
    at_touchdown = _propellant_kg(mission, result, "touchdown")
    assert result.propellant_remaining_kg == pytest.approx(at_touchdown, rel=1e-3)
    assert at_touchdown == pytest.approx(loaded - sum(used[:4]), rel=1e-3)
