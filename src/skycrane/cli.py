"""The ``skycrane`` command line.

Commands: ``run`` (fly a mission and print its events), ``check`` (validate a
mission file) and ``missions`` (list the presets). Bad input prints one line
per problem to standard error and exits with status 2, never a traceback; a
flight that failed exits with status 1 in every output mode, saying which
phase failed and why. Help text is Markdown (typer renders it): units in
square brackets, no reStructuredText markup.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

from skycrane._json import finite_json
from skycrane._version import __version__
from skycrane.errors import InputError, SkycraneError, terminal_safe

_FLAG = ""
"""Metavar of an on/off option: no ``<bool>`` type in the help."""

EXAMPLES = """Examples:

    skycrane run m2020                  # fly Mars 2020: the timeline
    skycrane run my_mission.toml --json # the same, one JSON document
    skycrane check my_mission.toml      # refuse a bad file early
    skycrane report m2020 -o out        # out/report.html and exports
    skycrane mc m2020 -n 1000 -o mc     # 1,000 dispersed landings
    skycrane report m2020 -o out --mc mc

A mission file starts from a preset and changes what it names: `base = "m2020"`.
Exit status: 0 the flight landed, 1 it failed (the phase and reason are printed),
2 bad input."""


class _Help:
    """The help option without a ``<bool>`` type (every other on/off option sets ``_FLAG``)."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = _FLAG
        return option


class _Group(_Help, TyperGroup):
    pass


class _Command(_Help, TyperCommand):
    pass


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    help="skycrane: planetary entry, descent and landing simulation.",
    epilog=EXAMPLES,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
EXIT_INPUT = 2
EXIT_FAILED = 1
RESOLUTION_M = (0.001, 10_000.0)
"""Image resolutions accepted [m/pixel]: HiRISE takes 0.25, CTX 6, a global mosaic ~500."""
_MIN_PIPE_WIDTH = 132  # wide enough for the tables' latitude and longitude columns

MissionArg = Annotated[str, typer.Argument(help="Preset name (m2020, msl) or a mission TOML file.")]


def _spinner(err: Console):  # -> rich.progress.Progress, imported only when one is shown
    """A transient spinner with the elapsed time on stderr; a pipe or a log gets no spinner
    lines, and paths and names in the description are not read as markup."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _stdout() -> Console:
    """A console on standard output, at least 132 columns wide when that is not a terminal.

    Rich falls back to 80 columns for pipes and files, which squeezes the events table.
    """
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, _MIN_PIPE_WIDTH))
    return console


def _fail(exc: SkycraneError) -> None:
    """One unwrapped ``error:`` line per problem on standard error, then exit status 2.

    Control characters in a problem (a key or value the user wrote) are escaped.
    """
    for line in str(exc).splitlines():
        typer.echo(f"error: {terminal_safe(line)}", err=True)
    raise typer.Exit(EXIT_INPUT)


def _pair_of(option: str, text: str, expected: str) -> tuple[float, float]:
    """``"A,B"`` as two numbers (``--rover LAT,LON``, ``--rover-px ROW,COL``)."""
    try:
        first, second = (float(part) for part in text.split(","))
    except ValueError:
        raise InputError(option, text, expected) from None
    return first, second


def _lat_lon(text: str) -> tuple[float, float]:
    """``"LAT,LON"`` in degrees (``--rover``)."""
    return _pair_of("--rover", text, "LAT,LON in degrees, e.g. 18.4447,77.4508")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"skycrane {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress.", metavar=_FLAG)
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_version,
            is_eager=True,
            metavar=_FLAG,
        ),
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command(epilog="Example: `skycrane run m2020`, `skycrane run my_mission.toml --json`")
def run(
    mission: MissionArg,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print one JSON document instead of the tables.", metavar=_FLAG
        ),
    ] = False,
) -> None:
    """Fly MISSION and print its timeline, where the hardware came to rest and touchdown.

    Every event with its time from entry (E+) and to touchdown (T-/T+), its
    altitude above the ground at the site and above the datum, speed, Mach and
    dynamic pressure. Before flying it refuses exactly what `check` refuses,
    with the same messages. Exit status 1 when the flight failed (with or
    without `--json`), 2 for bad input.
    """
    from skycrane.api import load_mission, simulate
    from skycrane.output.text import (
        hardware_table,
        heating_table,
        outcome_lines,
        timeline_table,
    )

    try:
        result = simulate(load_mission(mission))
    except SkycraneError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(finite_json(result.to_dict()), indent=2))
    else:
        out = _stdout()
        out.print(timeline_table(result, out.width))
        if result.bodies:
            out.print(hardware_table(result, out.width))
        if result.heating:
            out.print(heating_table(result, out.width))
        for line in outcome_lines(result):
            out.print(escape(line))
    if not result.ok:
        raise typer.Exit(EXIT_FAILED)


@app.command(epilog="Example: `skycrane check my_mission.toml`")
def check(path: Annotated[Path, typer.Argument(help="Mission TOML file to validate.")]) -> None:
    """Refuse whatever `run` would refuse before flying, with the same messages.

    Names every bad key, its value and what was expected. Besides validating
    the file it solves what the flight needs first: the entry-guidance
    reference and, when safe-target selection retargets powered descent, it
    may fly the nominal trajectory once (a few seconds).
    """
    from skycrane.api import check as check_mission
    from skycrane.api import load_mission

    try:
        mission = load_mission(str(path))
        check_mission(mission)
    except SkycraneError as exc:
        _fail(exc)
    _stdout().print(
        terminal_safe(f"{path}: ok ({mission.name}: {mission.spec.mission.title})"),
        markup=False,
        soft_wrap=True,
    )


def _check_suns(incidence_deg: tuple[float, float], azimuth_deg: tuple[float, float]) -> None:
    """The two passes' sun angles as `image` and `detect` take them, or an InputError."""
    from skycrane.imaging.photometry import MAX_SUN_INCIDENCE_DEG

    if not all(0.0 <= i <= MAX_SUN_INCIDENCE_DEG for i in incidence_deg):
        raise InputError(
            "--sun-incidence-deg", incidence_deg, f"two angles in [0, {MAX_SUN_INCIDENCE_DEG:g}]"
        )
    if not all(math.isfinite(a) for a in azimuth_deg):
        raise InputError("--sun-azimuth-deg", azimuth_deg, "two finite compass angles")


def _detect_suns(
    incidence_deg: tuple[float, float] | None, azimuth_deg: tuple[float, float] | None
) -> tuple | None:
    """`detect`'s two passes from --sun-incidence-deg and --sun-azimuth-deg (both or neither)."""
    from skycrane.imaging import OrbitalPass

    if incidence_deg is None and azimuth_deg is None:
        return None
    if incidence_deg is None or azimuth_deg is None:
        given = "--sun-azimuth-deg" if incidence_deg is None else "--sun-incidence-deg"
        missing = "--sun-incidence-deg" if incidence_deg is None else "--sun-azimuth-deg"
        raise InputError(missing, None, f"both passes' angles, given together with {given}")
    _check_suns(incidence_deg, azimuth_deg)
    return tuple(OrbitalPass(i, a) for i, a in zip(incidence_deg, azimuth_deg, strict=True))


@app.command(
    epilog="Example: `skycrane image m2020 -o images --sun-incidence-deg 40 60 "
    "--sun-azimuth-deg 250 220`"
)
def image(
    mission: MissionArg,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory to write into [directory].")
    ],
    resolution_m: Annotated[
        float | None,
        typer.Option(
            "--resolution-m",
            help="Image scale [m/px]; default: HiRISE's 0.25, or with --whole-landing the "
            "finest HiRISE scale (0.25, 0.5, 1, 2, 4) at which the whole near field fits.",
        ),
    ] = None,
    whole_landing: Annotated[
        bool,
        typer.Option(
            "--whole-landing",
            help="Frame every near-field body (rover, descent stage, backshell, heat shield), "
            "at a coarser scale if need be; default: those that fit with the rover.",
            metavar=_FLAG,
        ),
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of terrain and debris [integer].")] = 0,
    max_size_px: Annotated[
        int | None,
        typer.Option("--max-size-px", help="Largest image side [px]; default 6400."),
    ] = None,
    sun_incidence_deg: Annotated[
        tuple[float, float],
        typer.Option(
            "--sun-incidence-deg", help="Sun's angle from the zenith, before and after pass [deg]."
        ),
    ] = (45.0, 45.0),
    sun_azimuth_deg: Annotated[
        tuple[float, float],
        typer.Option(
            "--sun-azimuth-deg",
            help="Direction to the sun, clockwise from north, before and after pass [deg].",
        ),
    ] = (250.0, 250.0),
    misregistration_px: Annotated[
        float,
        typer.Option(
            "--misregistration-px",
            help="Shift of the after image against the before image, along both axes [px].",
        ),
    ] = 0.0,
    illumination_gain: Annotated[
        float,
        typer.Option(
            "--illumination-gain",
            help="Brightness of the after pass over the before pass [ratio, 1 = same].",
        ),
    ] = 1.0,
) -> None:
    """Render before/after orbital images of MISSION's landing site, with a truth list of marks.

    The frame (at most --max-size-px a side, 0.25 m/px) holds the rover and the
    near-field bodies (descent stage and its fragments, backshell, parachute, heat
    shield) that fit with it, with a 50 m margin; a warning names those left outside,
    and --whole-landing frames them all at a coarser scale. The ground is the
    mission's site terrain with craters, rocks and ripples, lit by each pass's sun
    (shadows move between passes) and seen by a HiRISE-class camera. Coordinates
    are metres east/north of the rover on its tangent plane (the world files carry
    them); each image also gets a .geo.json sidecar and an 8-bit browse PNG.
    """
    import numpy as np

    from skycrane.api import load_mission, simulate
    from skycrane.imaging import OrbitalPass, render_pair, write_pair
    from skycrane.imaging.landing import (
        DEFAULT_FRAME_PX,
        landing_frame,
        marks_from_landing,
        rover_georeference,
        site_heights,
    )

    if resolution_m is not None and not RESOLUTION_M[0] <= resolution_m <= RESOLUTION_M[1]:
        _fail(InputError("--resolution-m", resolution_m, f"metres per pixel in {RESOLUTION_M}"))
    max_size_px = DEFAULT_FRAME_PX if max_size_px is None else max_size_px
    if not 16 <= max_size_px <= 8192:
        _fail(InputError("--max-size-px", max_size_px, "a side of 16 to 8192 pixels"))
    if not illumination_gain > 0.0:
        _fail(InputError("--illumination-gain", illumination_gain, "a positive factor"))
    try:
        _check_suns(sun_incidence_deg, sun_azimuth_deg)
    except InputError as exc:
        _fail(exc)
    shift = (misregistration_px, misregistration_px)
    before_pass = OrbitalPass(sun_incidence_deg[0], sun_azimuth_deg[0])
    after_pass = OrbitalPass(
        sun_incidence_deg[1], sun_azimuth_deg[1], gain=illumination_gain, shift_px=shift
    )
    err = Console(stderr=True)
    try:
        with _spinner(err) as bar:
            task = bar.add_task(f"flying {mission}", total=None)
            spec = load_mission(mission)
            result = simulate(spec)
            rng = np.random.default_rng(seed)
            marks = marks_from_landing(result, spec, rng)
            frame = landing_frame(marks, resolution_m, max_size_px, hold_all=whole_landing)
            georef = rover_georeference(result, spec)
            size = frame.size_px

            def stage(name: str) -> None:
                bar.update(task, description=f"rendering {size} x {size} px: {name}")

            pair = render_pair(
                rng,
                marks,
                shape=(size, size),
                resolution_m=frame.resolution_m,
                before=before_pass,
                after=after_pass,
                origin_m=frame.centre_m,
                base_height_m=site_heights(spec, georef, frame),
                progress=stage,
            )
            bar.update(task, description=f"writing {output}")
            files = write_pair(output, pair, origin_m=frame.centre_m, georef=georef)
    except SkycraneError as exc:
        _fail(exc)
    if frame.left_out:
        typer.echo(
            f"warning: the {frame.resolution_m:g} m/px frame of {size} px leaves out "
            f"{', '.join(frame.left_out)}; --whole-landing holds them all at a coarser scale",
            err=True,
        )
    out = _stdout()
    centre = frame.centre_m
    out.print(
        escape(
            f"{len(marks)} marks; {size} x {size} px at {frame.resolution_m:g} m/px, "
            f"centred {centre[0]:.0f} m east, {centre[1]:.0f} m north of the rover"
            + (
                ""
                if georef is None
                else f" at {georef.latitude_deg:.5f}° N, {georef.longitude_deg:.5f}° E"
            )
        )
    )
    for name, path in files.items():
        out.print(escape(f"  {name}: {path}"))


@app.command(epilog="Example: `skycrane detect images/before.png images/after.png`")
def detect(
    before: Annotated[
        Path, typer.Argument(help="The earlier image (PNG, TIFF, JPEG or JPEG 2000).")
    ],
    after: Annotated[Path, typer.Argument(help="The later image, same size and place.")],
    resolution_m: Annotated[
        float | None,
        typer.Option(
            "--resolution-m",
            help="Image scale [m/px]; by default BEFORE's .geo.json sidecar's or world "
            "file's (.pgw, .tfw, .j2w, .wld), else 0.25 (HiRISE).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document.", metavar=_FLAG)
    ] = False,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth",
            help="A truth.json (from `skycrane image`) to score the detections against [file].",
        ),
    ] = None,
    rover: Annotated[
        str | None,
        typer.Option(
            "--rover",
            help="The rover's LAT,LON: every detection also gets east_of_rover_m and "
            "north_of_rover_m; needs BEFORE's .geo.json sidecar, or BEFORE a GeoTIFF/GeoJP2 "
            "declaring its CRS [deg,deg].",
        ),
    ] = None,
    extent_m: Annotated[
        float | None,
        typer.Option(
            "--extent-m",
            help="Compare only a square this wide around the rover (--rover) or BEFORE's "
            "centre, cut from two georeferenced products (GeoTIFF/GeoJP2), AFTER resampled "
            "onto BEFORE's grid [m].",
        ),
    ] = None,
    rover_px: Annotated[
        str | None,
        typer.Option(
            "--rover-px",
            help="The rover's ROW,COL in BEFORE (row 0 the northern edge; a north-up, "
            "map-projected pair needs no sidecar): as --rover, from the pixel [px,px].",
        ),
    ] = None,
    sun_incidence_deg: Annotated[
        tuple[float, float] | None,
        typer.Option(
            "--sun-incidence-deg",
            help="The sun's angle from the zenith in BEFORE and in AFTER (a product's label "
            "gives them); with --sun-azimuth-deg, darkened regions that a crater wall's "
            "shading under the two suns explains are dropped [deg deg].",
        ),
    ] = None,
    sun_azimuth_deg: Annotated[
        tuple[float, float] | None,
        typer.Option(
            "--sun-azimuth-deg",
            help="Direction to the sun, clockwise from north, in BEFORE and in AFTER [deg deg].",
        ),
    ] = None,
) -> None:
    """Find the impact sites: regions darker in AFTER than in BEFORE (and the
    hardware and parachutes, brighter).

    Positions are metres east/north of the image centre. When BEFORE has a
    .geo.json sidecar (written by `skycrane image`) or is a GeoTIFF/GeoJP2 declaring
    its CRS, every detection also gets latitude_deg and longitude_deg; otherwise
    those are null. With --rover LAT,LON
    (and the sidecar, or a BEFORE that declares its CRS, as a HiRISE GeoJP2 does), or
    --rover-px ROW,COL for any north-up product, every detection also gets
    east_of_rover_m and north_of_rover_m. Two georeferenced products on different grids
    (their own footprints, as two HiRISE RDRs are) are put on BEFORE's grid first;
    --extent-m cuts a window of them around the rover. With both passes' suns
    (--sun-incidence-deg and --sun-azimuth-deg; else each image's from the .geo.json
    sidecar `skycrane image` writes, or from the PDS3 label beside it, as a HiRISE
    RDR's .LBL) darkened regions that a crater wall's shading explains are dropped.
    """

    from skycrane.imaging import detect as find
    from skycrane.imaging.positions import (
        from_rover,
        from_rover_px,
        latlon_in_raster,
        rover_pixel_in_raster,
    )
    from skycrane.imaging.products import load_products
    from skycrane.imaging.score import score_truth_file

    try:
        if resolution_m is not None and not RESOLUTION_M[0] <= resolution_m <= RESOLUTION_M[1]:
            raise InputError("--resolution-m", resolution_m, f"metres per pixel in {RESOLUTION_M}")
        if rover is not None and rover_px is not None:
            raise InputError("--rover-px", rover_px, "either --rover or --rover-px, not both")
        suns = _detect_suns(sun_incidence_deg, sun_azimuth_deg)
        rover_deg = None if rover is None else _lat_lon(rover)
        pair = load_products(before, after, resolution_m, rover_deg, extent_m)
        suns = pair.suns if suns is None else suns
        b, a, resolution_m = pair.before, pair.after, pair.resolution_m
        georef = None if pair.sidecar is None else pair.sidecar.georef
        centre_m = (0.0, 0.0) if pair.sidecar is None else pair.sidecar.centre_m
        err = Console(stderr=True)
        with _spinner(err) as bar:
            bar.add_task(f"detecting changes in {b.shape[0]} x {b.shape[1]} px", total=None)
            found = find(
                b, a, resolution_m=resolution_m, georef=georef, centre_m=centre_m, suns=suns
            )
        if pair.raster is not None:
            found = latlon_in_raster(found, pair.raster, b.shape, resolution_m)
        if rover_deg is not None and georef is not None:
            found = from_rover(found, georef, centre_m, rover_deg)
        elif rover_deg is not None:
            if pair.raster is None:
                raise InputError(
                    "--rover", rover, f"a .geo.json sidecar beside {before}, or a GeoTIFF/GeoJP2"
                )
            pixel = rover_pixel_in_raster(pair.raster, rover_deg)
            found = from_rover_px(found, b.shape, resolution_m, pixel, "--rover")
        if rover_px is not None:
            pixel = _pair_of("--rover-px", rover_px, "ROW,COL in pixels, e.g. 812,1540")
            found = from_rover_px(found, b.shape, resolution_m, pixel)
        scored = (
            None
            if truth is None
            else score_truth_file(found, truth, b.shape, resolution_m, centre_m)
        )
    except SkycraneError as exc:
        _fail(exc)
    if as_json:
        doc = {"detections": [d.to_dict() for d in found]}
        if scored is not None:
            doc["score"] = scored
        if suns is not None:
            doc["suns"] = [
                {"incidence_deg": s.sun_incidence_deg, "azimuth_deg": s.sun_azimuth_deg}
                for s in suns
            ]
        typer.echo(json.dumps(doc, indent=2))
        return
    if suns is not None:  # which suns the crater-wall veto took, and whence
        whence = "the options" if sun_incidence_deg else "the sidecars or labels"
        angles = ", ".join(f"{s.sun_incidence_deg:g}° at {s.sun_azimuth_deg:g}°" for s in suns)
        _stdout().print(escape(f"suns (before, after) from {whence}: {angles}"))
    if scored is not None:
        _stdout().print(
            escape(
                f"truth: {scored['found']} of {scored['marks_1m2']} marks >= 1 m² found "
                f"({scored['recall']:.1%}), {scored['false_detections']} of "
                f"{scored['detections']} detections false"
            )
        )
    n_dark = sum(d.darkening > 0.0 for d in found)
    table = Table(
        title=f"{n_dark} darkened and {len(found) - n_dark} brightened regions "
        "(darkening < 0: brighter after)"
    )
    cols = ["kind", "east [m]", "north [m]", "area [m²]", "darkening"]
    located = any(d.latitude_deg is not None for d in found)
    cols += ["lat [°]", "lon [°]"] if located else []
    relative = rover is not None or rover_px is not None
    cols += ["east of rover [m]", "north of rover [m]"] if relative else []
    for col in cols:
        table.add_column(escape(col), justify="left" if col == "kind" else "right")
    for d in found:
        row = [d.kind, f"{d.x_m:.1f}", f"{d.y_m:.1f}", f"{d.area_m2:.1f}", f"{d.darkening:.2f}"]
        if located:
            row += [f"{d.latitude_deg:.6f}", f"{d.longitude_deg:.6f}"]
        if relative:
            row += [f"{d.east_of_rover_m:.1f}", f"{d.north_of_rover_m:.1f}"]
        table.add_row(*row)
    _stdout().print(table)


@app.command(epilog="Example: `skycrane report m2020 -o out --mc mc`")
def report(
    mission: MissionArg,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory to write into [directory].")
    ],
    extras: Annotated[
        bool,
        typer.Option(
            "--extras/--no-extras",
            help="Also write each figure as PNG and the GeoJSON, KML, CSV and netCDF exports.",
            metavar=_FLAG,
        ),
    ] = True,
    mc_dir: Annotated[
        Path | None,
        typer.Option(
            "--mc", help="A `skycrane mc` output directory of MISSION to include [directory]."
        ),
    ] = None,
) -> None:
    """Fly MISSION and write DIR/report.html: one self-contained page to read.

    With `--mc DIR` the page also holds that Monte Carlo's statistics and
    figures (ellipses, crash distances, margins, drivers), and its ellipses are
    written as `mc_ellipses.geojson`.

    The timeline, where every piece of hardware came to rest, the peaks,
    touchdown and propellant, and every figure with its caption, all inside
    the one file (figures embedded, no network needed). Exit status 1 when the
    flight failed, as for `run`; 2 for a bad mission or an unwritable DIR.
    """
    import time

    from skycrane.api import load_mission, simulate
    from skycrane.output.replay import replay_section
    from skycrane.output.report import REPORT_NAME, write_report

    t0 = time.perf_counter()
    err = Console(stderr=True)
    try:
        with _spinner(err) as bar:
            task = bar.add_task(f"loading {mission}", total=None)
            spec = load_mission(mission)
            extra = []
            if mc_dir is not None:
                from skycrane.output.mc_report import (
                    ellipses_geojson,
                    ellipses_kml,
                    monte_carlo_section,
                )

                bar.update(task, description=f"reading the Monte Carlo in {mc_dir}")
                extra.append(monte_carlo_section(mc_dir, spec))
            bar.update(task, description=f"flying {spec.name}")
            result = simulate(spec, body_tracks=True)
            extra.insert(0, replay_section(result, spec))
            files = write_report(
                result,
                spec,
                output,
                extra_sections=extra,
                extras=extras,
                progress=lambda text: bar.update(task, description=text),
            )
        if mc_dir is not None and extras:
            summary = json.loads((mc_dir / "summary.json").read_text())
            path = Path(output) / "mc_ellipses.geojson"
            path.write_text(json.dumps(ellipses_geojson(summary, spec), indent=1))
            files["mc_ellipses.geojson"] = path
            path = Path(output) / "mc_ellipses.kml"
            path.write_text(ellipses_kml(summary, spec))
            files["mc_ellipses.kml"] = path
    except SkycraneError as exc:
        _fail(exc)
    page = files[REPORT_NAME]
    _stdout().print(
        escape(
            f"{page}: {page.stat().st_size / 1e6:.1f} MB, {len(files) - 1} more files, "
            f"{time.perf_counter() - t0:.1f} s"
        ),
        soft_wrap=True,
    )
    if not result.ok:
        raise typer.Exit(1)


@app.command(epilog="Example: `skycrane mc m2020 -n 1000 -o mc --workers 2`")
def mc(
    mission: MissionArg,
    n_cases: Annotated[int, typer.Option("-n", help="Number of dispersed cases [cases].")] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: same seed, same cases [integer].")
    ] = 0,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output directory [directory].")] = Path(
        "mc"
    ),
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Local worker processes; 1: this process [processes].",
        ),
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Dask scheduler address [tcp://HOST:PORT]."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Finish an interrupted run in the same directory.", metavar=_FLAG
        ),
    ] = False,
    chunk_size: Annotated[
        int | None,
        typer.Option("--chunk-size", help="Cases per chunk; default: automatic [cases]."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON.", metavar=_FLAG)
    ] = False,
) -> None:
    """Fly N dispersed landings of MISSION: ellipses, crash distances, margins, drivers."""
    from skycrane.api import load_mission
    from skycrane.cli_mc import run_mc

    try:
        run_mc(
            load_mission(mission), n_cases, seed, out, workers, cluster, resume, chunk_size, as_json
        )
    except SkycraneError as exc:
        _fail(exc)


@app.command()
def missions() -> None:
    """List the preset missions."""
    from skycrane.missions.loader import PRESETS, load_mission

    out = _stdout()
    for name in PRESETS:
        out.print(
            f"{name:8s} {load_mission(name).spec.mission.title}", markup=False, soft_wrap=True
        )


def _plain_help() -> None:
    """Every command's help option without a ``<bool>`` type (also commands added later)."""
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = _Command


from skycrane import cli_compare, cli_replay  # noqa: E402  (their commands, in their modules)

cli_replay.register(app, _fail)
cli_compare.register(app, _fail)
_plain_help()


EXIT_INTERNAL = 70
"""Exit status of a bug (BSD EX_SOFTWARE): distinct from a refusal (2) or a failed flight (1)."""


def main() -> None:
    """Console-script entry point.

    A bug reaching here is reported in one line (the traceback only with
    ``--verbose``), never as a wall of text that may quote user input.
    """
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except (RecursionError, MemoryError) as exc:
        typer.echo(f"error: input too large or too deeply nested ({type(exc).__name__})", err=True)
        sys.exit(EXIT_INPUT)
    except Exception as exc:  # the last line of defence of the command line
        logging.getLogger(__name__).debug("internal error", exc_info=True)
        typer.echo(
            terminal_safe(f"error: internal error ({type(exc).__name__}); please report it"),
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
