"""Hostile input at the command line: one escaped line, exit 2, never a traceback (issue 19).

Invariants checked (each a reproduction class of issue 19 items 2, 3 and 5):
control characters a user wrote never reach the terminal raw; rich markup in a
mission name is printed as text; a bug reaching the entry point is one line;
grids derived from user numbers are bounded before anything is allocated.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from skycrane import cli
from skycrane.cli import EXIT_INPUT, EXIT_INTERNAL, app, terminal_safe

RUNNER = CliRunner()


def test_terminal_safe_escapes_control_characters() -> None:
    """Invariant: ANSI escapes, newlines and tabs come out as their Python escapes."""
    assert terminal_safe("a\x1b[31mb\nerror: c\td") == "a\\x1b[31mb\\nerror: c\\td"
    assert terminal_safe("plain [/nope] é") == "plain [/nope] é"


def test_error_line_escapes_a_key_with_ansi_and_newline(tmp_path) -> None:
    """Invariant: an unknown key holding ESC and a newline gives one escaped error line."""
    path = tmp_path / "m.toml"
    path.write_text('base = "m2020"\n[simulation]\n"x\\u001b[31m\\nerror: forged" = 1\n')
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code == EXIT_INPUT
    assert "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "\\x1b" in lines[0]


def test_bug_at_the_entry_point_is_one_line(monkeypatch, capsys) -> None:
    """Invariant: an unexpected exception leaves main() as one line and exit 70."""

    def broken() -> None:
        raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'NoneType'")

    monkeypatch.setattr(cli, "app", broken)
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TypeError" in err and "Traceback" not in err


def test_recursion_at_the_entry_point_is_input_error(monkeypatch, capsys) -> None:
    """Invariant: a RecursionError (input nested too deep) is one line and exit 2."""

    def deep() -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli, "app", deep)
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == EXIT_INPUT
    assert "nested" in capsys.readouterr().err


@pytest.mark.parametrize("resolution", ["1e300", "0", "-1", "nan", "1e-9"])
def test_detect_resolution_bounded_before_reading(tmp_path, resolution) -> None:
    """Invariant: detect refuses a resolution outside 1 mm..10 km per pixel in one line,
    before reading any image (1e300 used to raise OverflowError)."""
    result = RUNNER.invoke(
        app,
        ["detect", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "--resolution-m", resolution],
    )
    assert result.exit_code == EXIT_INPUT, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: --resolution-m: got ")


def test_detect_refuses_a_huge_declared_image(tmp_path) -> None:
    """Invariant: a small compressed TIFF declaring 20,000 x 20,000 pixels is refused from
    its header (it used to take 15 GB to decode)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # let Pillow write it; reading is what is limited
    try:
        big = Image.new("L", (20_000, 20_000))
        for name in ("a.tif", "b.tif"):
            big.save(tmp_path / name, compression="tiff_deflate")
    finally:
        Image.MAX_IMAGE_PIXELS = 89_478_485
    result = RUNNER.invoke(app, ["detect", str(tmp_path / "a.tif"), str(tmp_path / "b.tif")])
    assert result.exit_code == EXIT_INPUT, result.output
    assert "at most 67,108,864 pixels" in result.stderr
