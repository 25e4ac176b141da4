"""``skycrane check``, ``skycrane missions`` and input errors of ``skycrane run``.

The contract (issue): ``skycrane check FILE`` exits 0 on a valid mission file
and 2 with one ``error:`` line per problem (no traceback) on a bad one;
``skycrane missions`` lists the presets; ``skycrane run`` reports a bad
mission the same way as ``check``, before flying anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import skycrane
from skycrane.cli import EXIT_INPUT, app
from skycrane.missions.loader import preset_path

PRESET_FILES = sorted(preset_path("m2020").parent.glob("*.toml"))


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def _single_error_line(result) -> str:
    assert result.exit_code == EXIT_INPUT, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize("path", PRESET_FILES, ids=lambda p: p.stem)
def test_check_preset_files_ok(path: Path) -> None:
    """Contract: `skycrane check` on every shipped preset file exits 0 and reports ok."""
    result = _invoke("check", str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert f"{path}: ok ({path.stem}:" in result.stdout


def test_check_valid_override_ok_and_applied(tmp_path: Path) -> None:
    """Contract: a valid `base = "m2020"` file overriding one value passes `check` (exit 0)
    and the override takes effect when loaded."""
    path = tmp_path / "steep.toml"
    path.write_text('base = "m2020"\n[entry]\nflight_path_angle_deg = -16.0\n', encoding="utf-8")
    result = _invoke("check", str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines() == [f"{path}: ok (m2020: {_m2020_title()})"]
    mission = skycrane.load_mission(path)
    assert mission.spec.entry.flight_path_angle_deg == -16.0
    assert skycrane.load_mission("m2020").spec.entry.flight_path_angle_deg == -15.5


def _m2020_title() -> str:
    return skycrane.load_mission("m2020").spec.mission.title


def test_missions_lists_presets() -> None:
    """Contract: `skycrane missions` lists every preset (one line each, with a title)."""
    result = _invoke("missions")
    assert result.exit_code == 0, result.output
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["m2020", "msl", "artemis1", "artemis2", "apollo4", "starliner"]
    assert _m2020_title() in result.stdout


def test_check_missing_file() -> None:
    """Contract: `skycrane check` on a file that does not exist: exit 2, one error line
    naming the file."""
    line = _single_error_line(_invoke("check", "nosuchfile.toml"))
    assert "'nosuchfile.toml'" in line


def test_run_missing_file() -> None:
    """Contract: `skycrane run nosuchfile.toml`: exit 2, one error line naming the file
    and what was expected (an existing file or a preset), no traceback."""
    line = _single_error_line(_invoke("run", "nosuchfile.toml"))
    assert "got 'nosuchfile.toml'" in line
    assert "m2020" in line


def test_run_bad_mission_file(tmp_path: Path) -> None:
    """Contract: `skycrane run` on a bad mission file fails like `check`: exit 2, one error
    line naming the key path and the bad value."""
    path = tmp_path / "bad.toml"
    path.write_text('base = "m2020"\n[vehicle.capsule]\nmass_kg = -5.0\n', encoding="utf-8")
    line = _single_error_line(_invoke("run", str(path), "--json"))
    assert " vehicle.capsule.mass_kg: got -5.0" in line


def test_no_arguments_shows_help() -> None:
    """Contract: the commands run, check and missions are offered by `skycrane` alone."""
    result = _invoke()
    for command in ("run", "check", "missions"):
        assert command in result.output
    assert "Traceback" not in result.output
