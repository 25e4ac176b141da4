"""Text that reads well (issue 17 item 6): the timeline in 80 columns, T+, Mach, the help.

The timeline is rendered as `skycrane run` renders it on an 80-column terminal,
and its event column is read back cell by cell: every label must be whole
(wrapped at spaces, never cut or ellipsised), every line at most 80 columns.
The first flight compiles the kernel (cached afterwards).
"""

from __future__ import annotations

import io
import re

import click
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

import skycrane
from skycrane._version import __version__
from skycrane.cli import app
from skycrane.output.text import event_label, hardware_table, timeline_table

WIDTH = 80


@pytest.fixture(scope="module")
def result():
    return skycrane.simulate("m2020")


def _render(renderable, width: int = WIDTH) -> list[str]:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get().splitlines()


def test_timeline_fits_80_columns_with_every_label_whole(result, label_cells) -> None:
    """Invariant: at 80 columns every line fits, nothing is cut ("…"), and reading the event
    column back gives each event's full public label, in time order, once."""
    lines = _render(timeline_table(result, WIDTH))
    assert max(len(line) for line in lines) <= WIDTH
    assert "…" not in "\n".join(lines)
    expected = [event_label(ev.name, ev.jettisoned) for ev in result.events]
    assert label_cells(lines) == expected


def test_hardware_table_fits_80_columns(result) -> None:
    """Invariant: the hardware table fits 80 columns and names every body with whole words
    (a long name wraps at spaces, no word is cut)."""
    text = "\n".join(_render(hardware_table(result, WIDTH)))
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert "…" not in text
    words = set(text.split())
    for body in result.bodies:
        assert set(body.name.replace("_", " ").split()) <= words, body.name


def test_timeline_counts_t_plus_after_touchdown(result) -> None:
    """Invariant: the T column counts down to touchdown (T−) and up after it (T+), never a
    negative T−; its value is the event's time from touchdown."""
    column = timeline_table(result, WIDTH).columns[2]
    cells = list(column.cells)
    assert len(cells) == len(result.events)
    for ev, cell in zip(result.events, cells, strict=True):
        before = ev.t_before_touchdown_s
        assert re.fullmatch(r"T[−+]\d+\.\d", cell), cell
        sign = -1.0 if cell[1] == "−" else 1.0
        assert sign * float(cell[2:]) == pytest.approx(-before, abs=0.051)
    assert any(cell.startswith("T+") for cell in cells)  # the flyaway and the crash


def test_timeline_has_no_mach_outside_the_atmosphere(result) -> None:
    """Invariant: above the atmosphere model's top (125 km, the entry interface: cruise-stage
    separation at E−600 s flew at 4.7 km/s and read "Mach 0.00") Mach is not a number;
    inside it, it is the event's Mach number."""
    cells = list(timeline_table(result, WIDTH).columns[6].cells)
    outside = 0
    for ev, cell in zip(result.events, cells, strict=True):
        if ev.altitude_m > result.atmosphere_top_m:
            assert cell == "–", (ev.name, cell)
            outside += 1
        else:
            assert float(cell) == pytest.approx(ev.mach, abs=0.0051), ev.name
    assert outside == 2  # cruise-stage separation and the cruise balance masses


def test_timeline_labels_heights_and_lists_the_first_balance_mass(result) -> None:
    """The headers name both heights with their unit; the first entry balance mass, released
    by SUFR, is listed (issue 17: it was missing) and cruise separation is the first row."""
    text = "\n".join(_render(timeline_table(result, 132), 132))
    header = text.split("─")[0]
    assert "ground" in header and "datum" in header and "[km]" in header
    assert "above ground" in text and "above datum" in text  # the caption says which is which
    assert "entry balance mass 1" in text
    assert result.events[0].name == "cruise_stage_separation"


# --- the help ----------------------------------------------------------------------------

COMMANDS = ("run", "check", "image", "detect", "report", "mc", "missions")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_clean(command) -> None:
    """-h and --help print the same help; no "<bool>" type, no raw RST double backticks,
    an example; every option that takes a value states its unit or kind in brackets."""
    args = [] if command is None else [command]
    short = CliRunner().invoke(app, [*args, "-h"], terminal_width=WIDTH)
    long = CliRunner().invoke(app, [*args, "--help"], terminal_width=WIDTH)
    assert short.exit_code == 0 and long.exit_code == 0, short.output
    assert short.output == long.output
    text = short.output
    assert "<bool>" not in text and "``" not in text
    if command not in ("missions",):
        assert "Example" in text


def test_every_option_with_a_value_states_its_unit() -> None:
    """Every option that takes a value says its unit or kind in square brackets."""
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and not param.is_flag:
                assert re.search(r"\[[^\]]+\]", param.help or ""), (name, param.name)


def test_misregistration_help_has_its_unit() -> None:
    """The issue's example: "--misregistration-px" read "Shift of the after image ." with
    the unit eaten as console markup."""
    text = CliRunner().invoke(app, ["image", "-h"], terminal_width=120).output
    line = " ".join(text.replace("│", " ").split())
    help_text = line[line.index("--misregistration-px") : line.index("--illumination-gain")]
    assert "[px]." in help_text and " ." not in help_text


def test_version() -> None:
    """--version prints the package's version and exits 0."""
    out = CliRunner().invoke(app, ["--version"])
    assert out.exit_code == 0
    assert out.output.strip() == f"skycrane {__version__}"
