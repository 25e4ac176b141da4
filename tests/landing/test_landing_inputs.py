"""Bad values of the sky-crane keys: one line naming the key, exit 2 from ``check`` and ``run``.

Invariant checked (issue 14, "Bad input"): a bridle that does not resist
stretching (zero or negative stiffness), negative damping, a flyaway azimuth
outside 0-360 deg, an engine cant or attitude-control fraction out of range,
a flyaway cut-off distance that is not positive, and the removed flyaway
timer are refused before flying, by both commands,
with the same single line naming the key and the value.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from skycrane.cli import app

RUNNER = CliRunner()

BAD = {
    "stiffness-zero": ("[rover]\nbridle_stiffness_n_m = 0.0\n", "rover.bridle_stiffness_n_m"),
    "stiffness-negative": (
        "[rover]\nbridle_stiffness_n_m = -5.0e4\n",
        "rover.bridle_stiffness_n_m",
    ),
    "damping-negative": ("[rover]\nbridle_damping_n_s_m = -1.0\n", "rover.bridle_damping_n_s_m"),
    "azimuth-over": (
        "[powered_descent]\nflyaway_azimuth_deg = 400.0\n",
        "powered_descent.flyaway_azimuth_deg",
    ),
    "azimuth-negative": (
        "[powered_descent]\nflyaway_azimuth_deg = -10.0\n",
        "powered_descent.flyaway_azimuth_deg",
    ),
    "cant-90": ("[powered_descent]\nengine_cant_deg = 90.0\n", "powered_descent.engine_cant_deg"),
    "acs-negative": (
        "[powered_descent]\nattitude_control_flow_fraction = -0.1\n",
        "powered_descent.attitude_control_flow_fraction",
    ),
    "cutoff-negative": (
        "[powered_descent]\nflyaway_cutoff_distance_m = -100.0\n",
        "powered_descent.flyaway_cutoff_distance_m",
    ),
    "timer-removed": (
        "[powered_descent]\nflyaway_burn_s = 20.0\n",
        "powered_descent.flyaway_burn_s",
    ),
}


def _lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_sky_crane_key_is_one_line_exit_2(tmp_path, name) -> None:
    text, key = BAD[name]
    path = tmp_path / f"{name}.toml"
    path.write_text('base = "m2020"\n' + text, encoding="utf-8")
    check = RUNNER.invoke(app, ["check", str(path)])
    run = RUNNER.invoke(app, ["run", str(path)])
    assert check.exit_code == 2, check.output
    assert run.exit_code == 2, run.output
    assert len(_lines(check)) == 1, check.stderr
    assert _lines(check) == _lines(run)
    assert key in _lines(check)[0]
    assert "Traceback" not in check.output + run.output
