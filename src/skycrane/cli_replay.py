"""``skycrane replay``: the interactive replay of a landing (registered by :mod:`skycrane.cli`).

The page is :func:`skycrane.output.replay.write_replay`'s: one self-contained
HTML file that opens offline. With ``--mc DIR`` the plan view also holds that
Monte Carlo's rest points and ellipses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from skycrane.errors import SkycraneError

__all__ = ["register"]


def register(app: typer.Typer, fail: Callable[[SkycraneError], None]) -> None:
    """Add the ``replay`` command to ``app``; ``fail`` reports a refusal (exit status 2)."""

    @app.command()
    def replay(
        mission: Annotated[
            str, typer.Argument(help="Preset name (m2020, msl) or a mission TOML file.")
        ],
        output: Annotated[Path, typer.Option("--output", "-o", help="Directory to write into.")],
        mc_dir: Annotated[
            Path | None,
            typer.Option("--mc", help="A 'skycrane mc' output directory of MISSION to overlay."),
        ] = None,
    ) -> None:
        """Fly MISSION and write DIR/replay.html: the landing to play back in a browser.

        A 3-D view of the last kilometres over the site and a plan view of every
        body, a time slider and play button that move all bodies together (time,
        event, height above ground, speed, Mach), and a toggle per body. The page
        works offline. With --mc DIR the plan view also shows every body's
        Monte Carlo rest points and 99 % ellipse. Exit status 1 when the flight
        is not ok, as for `run`; 2 for a bad mission, --mc directory or DIR.
        """
        from skycrane.api import load_mission, simulate
        from skycrane.output.replay import McOverlay, write_replay

        t0 = time.perf_counter()
        try:
            spec = load_mission(mission)
            mc = None if mc_dir is None else McOverlay.from_dir(mc_dir, spec)
            result = simulate(spec, body_tracks=True)
            page = write_replay(result, spec, output, mc=mc)
        except SkycraneError as exc:
            fail(exc)
        console = Console()
        console.print(
            escape(
                f"{page}: {page.stat().st_size / 1e6:.1f} MB, "
                f"{time.perf_counter() - t0:.1f} s ({result.title}: {result.status_text})"
            ),
            soft_wrap=True,
        )
        if not result.ok:
            raise typer.Exit(1)
