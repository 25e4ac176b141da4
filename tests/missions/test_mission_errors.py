"""Bad mission files: ``skycrane check`` and ``skycrane.load_mission`` name the bad key.

The contract (issue): ``skycrane check FILE`` reports every problem in a mission
file as one ``error:`` line on standard error naming the dotted key path, the
bad value and what was expected, exits with status 2 and never shows a
traceback; ``skycrane.load_mission`` raises :class:`MissionError` (an
:class:`InputError`) whose ``problems[0].field`` is that key path.

Most files here are ``base = "m2020"`` plus one broken override (tables merge
key by key, lists are replaced whole); the missing-key files are the whole
m2020 preset with one line deleted, since a base would supply the key.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skycrane
from skycrane.cli import EXIT_INPUT, app
from skycrane.missions.loader import MissionError, preset_path

BASE = 'base = "m2020"\n'
CSV_HEADER = "altitude_m,density_kg_m3,pressure_pa,temperature_k\n"
M2020_MACH = "[1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0]"


def _without_key(text: str, section: str, key: str) -> str:
    """``text`` (a TOML file) with the line setting ``key`` in ``[section]`` deleted."""
    out, current, dropped = [], "", 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            current = stripped.split("]")[0].strip("[ ")
        elif current == section and stripped.partition("=")[0].strip() == key:
            dropped += 1
            continue
        out.append(line)
    assert dropped == 1, f"{section}.{key} set {dropped} times in the preset"
    return "".join(out)


def _missing(section: str, key: str) -> str:
    return _without_key(preset_path("m2020").read_text(encoding="utf-8"), section, key)


def _table(csv_name: str) -> str:
    return BASE + f'[atmosphere]\nmodel = "table"\ntable_file = "{csv_name}"\n'


@dataclass(frozen=True)
class Case:
    """A broken mission file and what its error line must name."""

    toml: str
    key: str  # dotted key path in the error (``problems[0].field``)
    needles: tuple[str, ...]  # the bad value and/or what was expected
    files: dict[str, str] = field(default_factory=dict)  # extra files beside it


CASES: dict[str, Case] = {
    "missing_key": Case(
        _missing("vehicle.capsule", "mass_kg"), "vehicle.capsule.mass_kg", ("required",)
    ),
    "missing_key_entry_speed": Case(
        _missing("entry", "speed_m_s"), "entry.speed_m_s", ("required",)
    ),
    "negative_mass": Case(
        BASE + "[vehicle.capsule]\nmass_kg = -5.0\n",
        "vehicle.capsule.mass_kg",
        ("-5.0", "greater than 0"),
    ),
    "wrong_type_bool": Case(
        BASE + "[vehicle.capsule]\nmass_kg = true\n", "vehicle.capsule.mass_kg", ("True", "number")
    ),
    "string_for_number": Case(
        BASE + '[vehicle.capsule]\nmass_kg = "heavy"\n',
        "vehicle.capsule.mass_kg",
        ("'heavy'", "number"),
    ),
    "number_for_table": Case(BASE + "vehicle = 5\n", "vehicle", ("got 5", "table")),
    "bad_list_item": Case(
        BASE + '[vehicle.capsule.aerodynamics]\nmach = [1.0, "a", 2.0, 3.0, 5.0, 10.0, 30.0]\n',
        "vehicle.capsule.aerodynamics.mach[1]",
        ("'a'", "number"),
    ),
    "infinite_mass": Case(
        BASE + "[vehicle.capsule]\nmass_kg = inf\n", "vehicle.capsule.mass_kg", ("inf", "finite")
    ),
    "unknown_key": Case(
        BASE + "[vehicle.capsule]\nmas_kg = 3000.0\n",
        "vehicle.capsule.mas_kg",
        ("unknown key", "mass_kg"),  # its value is not quoted: it may come from any file
    ),
    "unknown_section": Case(
        BASE + "[simulaton]\nrtol = 1e-9\n", "simulaton", ("unknown key", "simulation")
    ),
    "latitude_95": Case(
        BASE + "[entry]\nlatitude_deg = 95.0\n", "entry.latitude_deg", ("95.0", "90")
    ),
    "unknown_atmosphere_model": Case(
        BASE + '[atmosphere]\nmodel = "marsgram"\n',
        "atmosphere.model",
        ("'marsgram'", "mars_gram_average"),
    ),
    "table_without_table_file": Case(
        BASE + '[atmosphere]\nmodel = "table"\n', "atmosphere.table_file", ("None", "'table'")
    ),
    "table_file_not_found": Case(
        _table("missing.csv"), "atmosphere.table_file", ("/missing.csv'", "not found")
    ),
    "empty_table_file": Case(
        _table("empty.csv"), "atmosphere.table_file", ("empty.csv", "header"), {"empty.csv": ""}
    ),
    "header_only_table": Case(
        _table("header.csv"),
        "atmosphere.table_file",
        ("header.csv", "found 0"),
        {"header.csv": CSV_HEADER},
    ),
    "non_monotonic_table": Case(
        _table("down.csv"),
        "atmosphere.table_file",
        ("got 500.0", "increasing", "line 4", "down.csv"),
        {"down.csv": CSV_HEADER + "0,0.020,700,210\n1000,0.018,650,208\n500,0.017,600,207\n"},
    ),
    "non_numeric_cell": Case(
        _table("text.csv"),
        "atmosphere.table_file",
        ("density_kg_m3", "line 3", "text.csv"),  # the cell is not quoted (issue 19)
        {"text.csv": CSV_HEADER + "0,0.020,700,210\n1000,abc,650,208\n2000,0.017,600,207\n"},
    ),
    "unknown_base": Case('base = "nosuch"\n', "base", ("'nosuch'", "m2020")),
    "base_cycle": Case('base = "mission.toml"\n', "base", ("cycle",)),
    "unknown_base_in_list": Case(
        'base = ["m2020", "nosuch.toml"]\n', "base[1]", ("'nosuch.toml'", "m2020")
    ),
    "empty_base_list": Case("base = []\n", "base", ("[]", "non-empty list")),
    "base_list_of_numbers": Case('base = ["m2020", 3]\n', "base", ("3", "file path")),
    "invalid_toml": Case(BASE + "[vehicle.capsule\nmass_kg = 1.0\n", "file", ("TOML", "line 2")),
    "aero_drag_length": Case(
        BASE + "[vehicle.capsule.aerodynamics]\ndrag_coefficient = [1.3, 1.4]\n",
        "vehicle.capsule.aerodynamics.drag_coefficient",
        ("[1.3, 1.4]", "7 values"),
    ),
    "aero_lift_to_drag_length": Case(
        BASE + "[vehicle.capsule.aerodynamics]\nlift_to_drag = [0.1, 0.2, 0.3]\n",
        "vehicle.capsule.aerodynamics.lift_to_drag",
        ("[0.1, 0.2, 0.3]", "7 values"),
    ),
    "aero_mach_not_increasing": Case(
        BASE + "[vehicle.capsule.aerodynamics]\nmach = [1.0, 1.5, 2.0, 2.0, 5.0, 10.0, 30.0]\n",
        "vehicle.capsule.aerodynamics.mach",
        ("2.0, 2.0", "increasing"),
    ),
    "deploy_trigger_without_value": Case(
        BASE + '[parachute.deploy]\ntrigger = "mach"\n', "parachute.deploy.mach", ("'mach'",)
    ),
    "wind_lengths": Case(
        BASE + "[atmosphere.wind]\naltitude_m = [0.0, 1000.0]\n",
        "atmosphere.wind.east_m_s",
        ("[0.0]", "2 values"),
    ),
    "target_above_entry": Case(
        BASE + "[target]\naltitude_m = 40000.0\n[entry]\naltitude_m = 30000.0\n",
        "target.altitude_m",
        ("40000.0", "entry"),
    ),
}


def _write(tmp_path: Path, case: Case) -> Path:
    for name, text in case.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "mission.toml"
    path.write_text(case.toml, encoding="utf-8")
    return path


def _assert_one_error_line(stderr: str, stdout: str, case: Case) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one error line, got:\n{stderr}"
    line = lines[0]
    assert line.startswith("error: "), line
    assert f" {case.key}: got " in line, line
    for needle in case.needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    assert "Traceback" not in stderr + stdout
    return line


@pytest.mark.parametrize("name", list(CASES))
def test_check_bad_input_one_error_line(tmp_path: Path, name: str) -> None:
    """Contract: `skycrane check FILE` on bad input exits 2 with exactly one `error:` line
    on stderr naming the key path, the bad value / what was expected, and no traceback."""
    case = CASES[name]
    path = _write(tmp_path, case)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == EXIT_INPUT, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _assert_one_error_line(result.stderr, result.stdout, case)
    assert result.stdout == ""


@pytest.mark.parametrize("name", list(CASES))
def test_load_mission_bad_input_names_key(tmp_path: Path, name: str) -> None:
    """Contract: `skycrane.load_mission(path)` raises MissionError (an InputError) whose
    first problem's `field` is the dotted key path of the bad key."""
    case = CASES[name]
    path = _write(tmp_path, case)
    with pytest.raises(MissionError) as info:
        skycrane.load_mission(path)
    exc = info.value
    assert isinstance(exc, skycrane.InputError)
    assert len(exc.problems) == 1
    assert exc.problems[0].field == case.key
    assert exc.field == case.key
    text = str(exc)
    assert len(text.splitlines()) == 1
    for needle in case.needles:
        assert needle in text


@pytest.mark.parametrize("name", ["unknown_key", "non_monotonic_table"])
def test_check_long_error_not_wrapped_real_stderr(tmp_path: Path, name: str) -> None:
    """Contract: the error stays ONE line (longer than 80 columns, so a console that wraps
    at 80 would break it) on a real, non-TTY stderr of the `skycrane` process; exit 2."""
    case = CASES[name]
    path = _write(tmp_path, case)
    proc = subprocess.run(
        [sys.executable, "-m", "skycrane", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == EXIT_INPUT, proc.stderr
    line = _assert_one_error_line(proc.stderr, proc.stdout, case)
    assert len(line) > 80


def test_check_several_problems_one_line_each(tmp_path: Path) -> None:
    """Contract: every problem is reported, one `error:` line each naming its key; exit 2."""
    path = tmp_path / "mission.toml"
    path.write_text(
        BASE
        + "[vehicle.capsule]\nmass_kg = -1.0\ndiameter_m = 0.0\n[entry]\nlatitude_deg = 95.0\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == EXIT_INPUT
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("error: ") for line in lines)
    for key in ("vehicle.capsule.mass_kg", "vehicle.capsule.diameter_m", "entry.latitude_deg"):
        assert sum(f" {key}: got " in line for line in lines) == 1, key
    with pytest.raises(MissionError) as info:
        skycrane.load_mission(path)
    assert {p.field for p in info.value.problems} == {
        "vehicle.capsule.mass_kg",
        "vehicle.capsule.diameter_m",
        "entry.latitude_deg",
    }


def test_error_in_base_file_is_reported(tmp_path: Path) -> None:
    """Contract: a bad key inherited through `base = "<file>"` is still named by key path."""
    (tmp_path / "parent.toml").write_text(
        BASE + "[vehicle.capsule]\nmass_kg = -2.0\n", encoding="utf-8"
    )
    path = tmp_path / "child.toml"
    path.write_text('base = "parent.toml"\n[entry]\nlatitude_deg = 10.0\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == EXIT_INPUT
    (line,) = result.stderr.splitlines()
    assert " vehicle.capsule.mass_kg: got -2.0" in line
