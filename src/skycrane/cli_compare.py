"""``skycrane compare``: missions side by side (registered by :mod:`skycrane.cli`).

Prints the input keys that differ, the outcome, the events and where every
body rests, one column per mission, and writes the overlaid figures and
``compare.html`` (:mod:`skycrane.output.compare_report`) into ``-o DIR``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skycrane._json import finite_json
from skycrane.errors import SkycraneError

__all__ = ["register"]

_PIPE_WIDTH = 160


def _table(title: str, columns: tuple[str, ...], rows) -> Table:
    table = Table(title=escape(title))
    for k, col in enumerate(columns):
        table.add_column(
            escape(col), justify="left" if k == 0 else "right", overflow="fold", no_wrap=k == 0
        )
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


def register(app: typer.Typer, fail: Callable[[SkycraneError], None]) -> None:
    """Add the ``compare`` command to ``app``; ``fail`` reports a refusal (exit status 2)."""

    @app.command()
    def compare(
        missions: Annotated[
            list[str],
            typer.Argument(help="Two or more presets (m2020, msl) or mission TOML files."),
        ],
        output: Annotated[
            Path, typer.Option("--output", "-o", help="Directory for compare.html and figures.")
        ] = Path("compare"),
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the comparison as a JSON document.")
        ] = False,
    ) -> None:
        """Fly MISSIONS and set them side by side: inputs that differ, events, hardware.

        Example: `skycrane compare m2020 msl -o m2020_vs_msl/`, or a what-if
        file against its base: `skycrane compare m2020 late_chute.toml`.
        Writes DIR/compare.html and the overlaid figures as PNG. Exit status
        2 for a bad mission or an unwritable DIR.
        """
        from skycrane.compare import compare as compare_missions
        from skycrane.output.compare_report import (
            body_rows,
            event_rows,
            format_value,
            outcome_rows,
            write_comparison,
        )

        try:
            comparison = compare_missions(missions)
            files = write_comparison(comparison, output)
        except SkycraneError as exc:
            fail(exc)
        if as_json:
            doc = comparison.to_dict() | {"files": {k: str(v) for k, v in files.items()}}
            typer.echo(json.dumps(finite_json(doc), indent=2))
            return
        out = Console()
        if not out.is_terminal:  # a pipe or a file: wide enough for a key and two values
            out = Console(width=max(out.width, _PIPE_WIDTH))
        labels = comparison.labels
        for label, result in zip(labels, comparison.results, strict=True):
            out.print(escape(f"{label}: {result.title} ({result.status_text})"), soft_wrap=True)
        diff = [
            (key, *(format_value(v) for v in values))
            for key, values in comparison.input_diff.items()
        ]
        out.print(_table(f"{len(diff)} input keys differ", ("key", *labels), diff))
        out.print(_table("outcome", ("", *labels), outcome_rows(comparison)))
        out.print(
            _table(
                "events: E+ [s], height above the site [km]",
                ("event", *labels),
                event_rows(comparison),
            )
        )
        out.print(
            _table(
                "hardware at rest: distance and bearing from the rover",
                ("body", *labels),
                body_rows(comparison),
            )
        )
        page = files["compare.html"]
        out.print(escape(f"{page} and {len(files) - 1} figures written"), soft_wrap=True)
