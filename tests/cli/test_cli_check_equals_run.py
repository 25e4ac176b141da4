"""``skycrane check`` refuses whatever ``skycrane run`` refuses before flying.

Contract (kernel-contract issue, "Check equals run"): a corpus of bad mission
files, each gets exit status 2 from both ``check`` and ``run`` with the same
one-line message naming the key. Invariant checked: the two commands' error
lines are identical, and name the key the problem is in.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from skycrane.cli import app
from skycrane.missions.loader import preset_path

RUNNER = CliRunner()

BAD_FILES = {
    # the entry mass no longer equals its parts: the propellant would silently differ
    "mass-budget-m2020": ('base = "m2020"\n[rover]\nmass_kg = 1500.0\n', "vehicle.capsule.mass_kg"),
    "mass-budget-msl": ('base = "msl"\n[rover]\nmass_kg = 1500.0\n', "vehicle.capsule.mass_kg"),
    "unknown-body": (
        'base = "m2020"\n[[sequence.events]]\nname = "drop"\ntrigger = "time"\nt_s = -500.0\n'
        'jettison = ["heat_sheild"]\n',
        "sequence.events[0].jettison[0]",
    ),
    "trigger-on-unknown-event": (
        'base = "msl"\n[[sequence.events]]\nname = "a"\ntrigger = "time_after"\n'
        'after = "nope"\ndelay_s = 1.0\n',
        "sequence.events[0].after",
    ),
    # a ballistic-lifting entry does not slow to 5 m/s above ground
    "reference-end-speed-unreachable": (
        'base = "m2020"\n[guidance.entry]\nreference_end_speed_m_s = 5.0\n',
        "guidance.entry.reference_end_speed_m_s",
    ),
    # a divert in the wrong unit: 2,000 km, where the engines reach about 135 km
    "divert-beyond-reach": (
        'base = "m2020"\n[powered_descent]\ndivert_max_m = 2.0e6\n',
        "powered_descent.divert_max_m",
    ),
    # deployed at Mach 1.8 the parachute never brings the vehicle to backshell separation:
    # the refusal names what the user changed, not the divert limit the solve read (issue 19)
    "powered-descent-never-reached": (
        'base = "m2020"\n[parachute.deploy]\ntrigger = "mach"\nmach = 1.8\n',
        "parachute.deploy.trigger",
    ),
    # the same switch with the entry reference explicitly ending over the target passes the
    # load-time check and reaches the pre-flight solve, whose refusal (issue 19) is checked here
    "powered-descent-never-reached-preflight": (
        'base = "m2020"\n[parachute.deploy]\ntrigger = "mach"\nmach = 1.8\n'
        "[guidance.entry]\nreference_end_range_m = 0.0\n",
        "parachute.deploy.trigger",
    ),
    "time-limit-before-powered-descent": (
        'base = "m2020"\n[simulation]\ntime_limit_s = 100.0\n',
        "simulation.time_limit_s",
    ),
}


def _error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_check_refuses_what_run_refuses(tmp_path, name) -> None:
    """Exit 2 from both commands, one identical error line naming the key, no traceback."""
    text, key = BAD_FILES[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    checked = RUNNER.invoke(app, ["check", str(path)])
    flown = RUNNER.invoke(app, ["run", str(path)])
    for result in (checked, flown):
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert result.stdout == ""
    lines = _error_lines(checked)
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: {key}: got "), lines
    assert _error_lines(flown) == lines


@pytest.mark.parametrize("preset", ["m2020", "msl"])
def test_check_accepts_the_presets(preset) -> None:
    """The shipped missions pass the same preflight their run uses (and then fly)."""
    result = RUNNER.invoke(app, ["check", str(preset_path(preset))])
    assert result.exit_code == 0, result.output
    assert ": ok (" in result.stdout


def test_check_help_says_it_may_fly() -> None:
    """The help does not hide that check runs the preflight solves."""
    result = RUNNER.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    assert "nominal trajectory once" in " ".join(result.stdout.split())
