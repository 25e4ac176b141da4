"""Bad landing input: clear errors at load time or a clear failure status, never a hang or NaN.

Contract (whole-landing issue): a sequence that references an unknown body or
event, a trigger that can never fire, a parachute deployed outside its
qualified envelope.
"""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

import skycrane
from skycrane.cli import app
from skycrane.missions.loader import MissionError, load_mission

RUNNER = CliRunner()

EVENT_UNKNOWN_BODY = """
[[sequence.events]]
name = "drop"
trigger = "time"
t_s = -500.0
jettison = ["heat_sheild"]
"""
EVENT_AFTER_LATER = """
[[sequence.events]]
name = "first"
trigger = "time_after"
after = "second"
delay_s = 1.0

[[sequence.events]]
name = "second"
trigger = "altitude_below"
altitude_m = 125000.0
"""
EVENT_TIME_BACKWARDS = """
[[sequence.events]]
name = "a"
trigger = "time"
t_s = -100.0

[[sequence.events]]
name = "b"
trigger = "time"
t_s = -200.0
"""
EVENT_SUFR_NO_DEPLOY = """
[[sequence.events]]
name = "sufr"
trigger = "sufr_lead"
lead_s = 17.0
"""
EVENT_UNKNOWN_CONFIGURATION = """
[[sequence.events]]
name = "x"
trigger = "altitude_below"
altitude_m = 100000.0
aerodynamics = "glider"
"""
LANDER_ENDS_ON_GROUND = """
[sequence]
end_on_ground = true
"""
BREAKUP_UNKNOWN_FRAGMENT = """
[bodies.cruise_stage.breakup]
altitude_m = 50000.0
fragments = ["cruise_stage_core", "wing"]
"""


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        (EVENT_UNKNOWN_BODY, "sequence.events[0].jettison[0]", "heat_sheild"),
        (EVENT_AFTER_LATER, "sequence.events[0].after", "second"),
        (EVENT_TIME_BACKWARDS, "sequence.events[1].t_s", "-200.0"),
        (EVENT_SUFR_NO_DEPLOY, "sequence.events[0].trigger", "sufr_lead"),
        (EVENT_UNKNOWN_CONFIGURATION, "sequence.events[0].aerodynamics", "glider"),
        (BREAKUP_UNKNOWN_FRAGMENT, "bodies.cruise_stage.breakup.fragments[1]", "wing"),
        (LANDER_ENDS_ON_GROUND, "sequence.end_on_ground", "True"),
    ],
    ids=[
        "unknown-body",
        "after-a-later-event",
        "time-backwards",
        "sufr-without-deploy",
        "unknown-configuration",
        "unknown-fragment",
        "lander-ending-on-the-ground",
    ],
)
def test_sequence_reference_errors(tmp_path, text, key, value) -> None:
    """Each is one error line naming the key path and the value, exit 2, at load time."""
    path = tmp_path / "bad.toml"
    path.write_text('base = "m2020"\n' + text)
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    assert key in lines[0] and value in lines[0], lines[0]
    assert "Traceback" not in result.output
    with pytest.raises(MissionError) as info:
        load_mission(path)
    assert info.value.problems[0].field == key


def test_mass_budget_is_checked(tmp_path) -> None:
    """The entry mass must equal its parts: otherwise the propellant would silently differ."""
    path = tmp_path / "heavy.toml"
    path.write_text('base = "m2020"\n[vehicle.capsule]\nmass_kg = 3400.0\n')
    with pytest.raises(skycrane.InputError) as info:
        skycrane.simulate(path)
    assert info.value.field == "vehicle.capsule.mass_kg"
    assert "3260" in str(info.value)


def test_parachute_outside_envelope_is_a_failure_status(tmp_path) -> None:
    """A deploy above the qualified Mach is flown but reported as a failure, not hidden."""
    path = tmp_path / "fast.toml"
    path.write_text('base = "m2020"\n[parachute]\nmach_max = 1.5\n')
    result = skycrane.simulate(path)
    assert not result.ok
    assert "outside its qualified envelope" in result.status_text
    assert "Mach" in result.status_text
    assert all(math.isfinite(e.t_s) for e in result.events)
