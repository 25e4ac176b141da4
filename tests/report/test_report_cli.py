"""``skycrane report MISSION -o DIR``: the page and its files; bad input is one error line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from skycrane.cli import EXIT_INPUT, app
from skycrane.output import report


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def _one_error_line(res) -> str:
    assert res.exit_code == EXIT_INPUT, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_report_command_writes_the_page_and_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    res = _invoke("report", "m2020", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert res.stderr == ""  # no spinner lines when standard error is not a terminal
    page = out / "report.html"
    assert str(page) in res.stdout
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>m2020" in text
    names = {p.name for p in out.iterdir()}
    assert set(report.EXPORTS) <= names
    assert {"site_map.png", "guidance_errors.png", "entry_loads.png"} <= names


def test_report_command_no_extras_writes_one_file(tmp_path: Path) -> None:
    res = _invoke("report", "m2020", "--output", str(tmp_path), "--no-extras")
    assert res.exit_code == 0, res.output
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_report_command_bad_mission(tmp_path: Path) -> None:
    line = _one_error_line(_invoke("report", "no_such_mission", "-o", str(tmp_path / "x")))
    assert "no_such_mission" in line
    assert not (tmp_path / "x").exists()


def test_report_command_invalid_mission_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('base = "m2020"\n[entry]\nflight_path_angle_kg = 3.0\n', encoding="utf-8")
    res = _invoke("report", str(bad), "-o", str(tmp_path / "x"))
    assert res.exit_code == EXIT_INPUT and "Traceback" not in res.output
    assert all(line.startswith("error: ") for line in res.stderr.splitlines())
    assert "flight_path_angle_kg" in res.stderr


@pytest.mark.parametrize("where", ["file", "under_file"])
def test_report_command_output_not_a_directory(tmp_path: Path, where: str) -> None:
    a_file = tmp_path / "taken"
    a_file.write_text("x", encoding="utf-8")
    target = a_file if where == "file" else a_file / "sub"
    line = _one_error_line(_invoke("report", "m2020", "-o", str(target)))
    assert str(target) in line


def test_report_command_unwritable_directory(tmp_path: Path, monkeypatch) -> None:
    """A directory the report cannot be written into (root ignores permission bits, so the
    refusal is simulated where the file is put in place)."""

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(report.os, "replace", refuse)
    line = _one_error_line(_invoke("report", "m2020", "-o", str(tmp_path)))
    assert "Permission denied" in line and str(tmp_path) in line
    assert list(tmp_path.iterdir()) == []
