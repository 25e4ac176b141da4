"""A report people can read: one self-contained HTML file of a simulated case.

``write_report(result, mission, out_dir)`` writes ``out_dir/report.html``:
the mission, its status, the peaks, touchdown and propellant, the timeline
(a row per event), where every piece of hardware came to rest, and every
figure of :mod:`skycrane.output.plots` with a caption. Everything is inside
the one file: figures are PNG images in ``data:`` URIs, the style sheet is
inline, the only script is inline (it marks the page once every image has
decoded, for the browser test), and a Content-Security-Policy
(``default-src 'none'``) forbids the browser any other request, so the file
opens the same offline, attached to a mail or archived. It is built with the
standard library (:func:`html.escape`) and written atomically (a temporary
file in the same directory, then :func:`os.replace`).

The report is a list of :class:`Section`, each a title and blocks
(:class:`Paragraph`, :class:`Table`, :class:`FigureBlock`) that the renderer
escapes, so a section from elsewhere cannot break the page or make it fetch
anything. :func:`result_sections` builds the sections of one result; a later
section, such as a Monte Carlo summary, is passed as ``extra_sections`` and
appended after them::

    write_report(result, mission, out_dir, extra_sections=[monte_carlo_section(...)])
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import logging
import math
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure

from skycrane._version import __version__
from skycrane.errors import SkycraneError
from skycrane.output import export, plots, plots_capsule
from skycrane.output import report_capsule as capsule
from skycrane.output.guidance_errors import guidance_errors
from skycrane.output.text import airbag_lines, event_label

__all__ = [
    "FigureBlock",
    "HtmlBlock",
    "Paragraph",
    "ReportError",
    "Section",
    "Table",
    "figure_captions",
    "render_html",
    "result_sections",
    "write_report",
]

log = logging.getLogger(__name__)

REPORT_NAME = "report.html"
FIGURE_DPI = 100
"""Resolution of the embedded figures [dots per inch]: 700-1200 px wide images."""

EXPORTS = {
    "footprint.geojson": lambda path, result, mission: export.write_geojson(path, result, mission),
    "footprint.kml": lambda path, result, mission: export.write_kml(path, result, mission),
    "trajectory.csv": lambda path, result, mission: export.trajectory_csv(path, result),
    "trajectory.nc": lambda path, result, mission: export.trajectory_netcdf(path, result),
}
"""The file exports written beside the report with ``extras`` (see ``docs/outputs.md``)."""


class ReportError(SkycraneError):
    """The report could not be written (the message is one line naming the path)."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of plain text (escaped when rendered)."""

    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table of text cells: one header row of ``columns`` (units in brackets), then ``rows``.

    ``numeric`` names the columns to right-align; ``row_ids`` (optional, one
    per row) become each row's ``data-key`` attribute.
    """

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    id: str = ""
    numeric: frozenset[str] = frozenset()
    row_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.caption!r}: a row of {len(row)} cells, expected "
                    f"{len(self.columns)}"
                )
        if self.row_ids and len(self.row_ids) != len(self.rows):
            raise ValueError(
                f"table {self.caption!r}: {len(self.row_ids)} row ids for {len(self.rows)} rows"
            )


@dataclass(frozen=True, slots=True)
class FigureBlock:
    """A matplotlib figure with its caption; ``name`` is its anchor and PNG file name."""

    name: str
    figure: Figure
    caption: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", self.name):
            raise ValueError(f"figure name {self.name!r}: use letters, digits, '_' and '-'")


@dataclass(frozen=True, slots=True)
class HtmlBlock:
    """Markup built and escaped by skycrane's own code, with the inline scripts it needs.

    The report's interactive replay (:func:`skycrane.output.replay.replay_section`): the
    renderer inserts ``html`` as is, puts each script inline at the end of the
    page and allows exactly those scripts, by their SHA-256, in the
    Content-Security-Policy. Never build one from text a user wrote.
    """

    html: str
    scripts: tuple[str, ...] = ()


Block = Paragraph | Table | FigureBlock | HtmlBlock


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of the report; ``id`` is its anchor (letters, digits, '-')."""

    title: str
    id: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", self.id):
            raise ValueError(f"section id {self.id!r}: start with a letter; letters, digits, -, _")

    def figures(self) -> list[FigureBlock]:
        return [b for b in self.blocks if isinstance(b, FigureBlock)]


# --- numbers as text -------------------------------------------------------------


def _num(value, spec: str) -> str:
    """``format(value, spec)``, or an em dash for None and non-finite values."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return format(value, spec)


def _event(result, name: str):
    return next((ev for ev in result.events if ev.name == name), None)


# --- the sections of one result ----------------------------------------------------


def _story(result, mission) -> str:
    """The flight in three sentences: parachute, touchdown, the sky crane's crash.

    For a capsule (:func:`skycrane.reduction.lands_itself`): its first
    parachute cluster, and its own touchdown (or splashdown).
    """
    parts = [f"{mission.spec.mission.title}: {result.status_text}."]
    dep = _event(result, "parachute_deploy")
    what = "The parachute deployed"
    if dep is None:
        dep = capsule.first_cluster_deploy(result, mission)
        what = "The parachute sequence began: " + (dep.name.replace("_", " ") if dep else "")
    if dep is not None:
        parts.append(
            f"{what} at E+{dep.t_s:.1f} s, "
            f"{dep.altitude_above_ground_m / 1e3:.2f} km above the ground "
            f"({dep.altitude_m / 1e3:.2f} km above the datum), at Mach {dep.mach:.2f}."
        )
    if result.touchdown is not None:
        td = result.touchdown
        landed = capsule.landed_name(mission)
        word = capsule.touchdown_word(mission)
        verb = {"touchdown": "touched down", "splashdown": "splashed down"}[word]
        parts.append(
            f"The {landed} {verb if result.ok else 'hit the ground (not a landing)'} at "
            f"E+{td['t_s']:.1f} s at {td['vertical_speed_m_s']:.2f} m/s, "
            f"{td['miss_distance_m']:,.0f} m from the target."
        )
    if not result.ok:
        parts.append(f"Failed during {result.failure_phase or 'flight'}.")
    crash = next((b for b in result.bodies if b.name == "descent_stage"), None)
    if crash is not None and crash.distance_from_rover_m is not None:
        parts.append(
            f"The descent stage crashed {crash.distance_from_rover_m:,.0f} m from the rover, "
            f"bearing {crash.bearing_from_rover_deg:.0f}°, at {crash.impact_speed_m_s:.0f} m/s."
        )
    near = capsule.nearest_hardware(result)
    if near is not None:
        parts.append(
            f"The nearest hardware, the {near.name.replace('_', ' ')}, came down "
            f"{near.distance_from_capsule_m:,.0f} m from the capsule, bearing "
            f"{near.bearing_from_capsule_deg:.0f}°."
        )
    return " ".join(parts)


def summary_section(result, mission) -> Section:
    """Status, peaks, touchdown and propellant."""
    p = result.peaks
    blocks: list[Block] = [Paragraph(_story(result, mission))]
    peak_rows = []
    for label, key, unit, scale, spec, event in [
        ("deceleration", "deceleration_earth_g", "Earth g", 1.0, ".2f", "peak_deceleration"),
        ("stagnation-point heat rate", "heat_rate_w_cm2", "W/cm²", 1.0, ".1f", "peak_heating"),
        ("dynamic pressure", "dynamic_pressure_pa", "kPa", 1e-3, ".2f", "peak_dynamic_pressure"),
        ("heat load", "heat_load_j_cm2", "J/cm²", 1.0, ".0f", None),
        ("parachute load", "parachute_load_n", "kN", 1e-3, ".1f", "peak_parachute_load"),
    ]:
        if key not in p:
            continue
        ev = _event(result, event) if event else None
        peak_rows.append(
            (
                label,
                _num(p[key] * scale, spec),
                unit,
                "end of flight" if event is None else _num(ev and ev.t_s, ".1f"),
            )
        )
    blocks.append(
        Table(
            "Peaks",
            ("quantity", "peak", "unit", "E+ [s]"),
            tuple(peak_rows),
            id="peaks",
            numeric=frozenset({"peak", "E+ [s]"}),
        )
    )
    if result.touchdown is not None:
        td = result.touchdown
        word = capsule.touchdown_word(mission)
        rows = (
            (f"{word} time", _num(td["t_s"], ".2f"), "s from entry"),
            ("descent rate", _num(td["vertical_speed_m_s"], ".3f"), "m/s"),
            ("horizontal speed", _num(td["horizontal_speed_m_s"], ".3f"), "m/s"),
            (f"{capsule.landed_name(mission)} to target", _num(td["miss_distance_m"], ".1f"), "m"),
        )
        if mission.spec.powered_descent is not None:
            rows += (("propellant left", _num(result.propellant_remaining_kg, ".1f"), "kg"),)
        blocks.append(
            Table(
                f"{word.capitalize()} and propellant"
                if mission.spec.powered_descent is not None
                else word.capitalize(),
                ("quantity", "value", "unit"),
                rows,
                id="touchdown",
                numeric=frozenset({"value"}),
            )
        )
    if plots.has_figure(result, mission, "heating"):  # a Mars lander's pulse: entry loads
        blocks.append(heating_table(result))
    if result.warnings:
        blocks.extend(Paragraph(f"Warning: {w}") for w in result.warnings)
    return Section("Summary", "summary", tuple(blocks))


def heating_table(result) -> Table:
    """A row per heating pulse of :attr:`Result.heating`: times, soak, peaks and loads,
    each as convective, radiative and total."""
    return Table(
        "Heating pulses: the stagnation-point heat rate above the pulse threshold; the soak "
        "is the time since the previous pulse ended",
        capsule.HEATING_COLUMNS,
        capsule.heating_rows(result),
        id="heating",
        numeric=frozenset(capsule.HEATING_COLUMNS[1:]),
        row_ids=tuple(f"pulse{r['pulse']}" for r in result.heating),
    )


TIMELINE_COLUMNS = (
    "event",
    "E+ [s]",
    "T− [s]",
    "altitude above ground [km]",
    "altitude above datum [km]",
    "speed [m/s]",
    "Mach",
    "q [Pa]",
    "latitude [°]",
    "longitude [°]",
)


def timeline_table(result, latitudes: str = "planetocentric") -> Table:
    """A row per event of ``result.events``, in time order (``skycrane run``'s table).

    ``latitudes``: the planet's latitude convention, named in the caption (Earth's are
    geodetic, Mars's planetocentric).
    """
    rows = tuple(
        (
            event_label(ev.name, ev.jettisoned),
            _num(ev.t_s, ".1f"),
            _num(ev.t_before_touchdown_s, ".1f"),
            _num(ev.altitude_above_ground_m / 1e3, ".3f"),
            _num(ev.altitude_m / 1e3, ".3f"),
            _num(ev.speed_m_s, ".1f"),
            _num(ev.mach if ev.dynamic_pressure_pa > 0.0 else None, ".2f"),
            _num(ev.dynamic_pressure_pa, ".0f"),
            _num(ev.latitude_deg, ".4f"),
            _num(ev.longitude_deg, ".4f"),
        )
        for ev in result.events
    )
    return Table(
        "Every event: time from the entry interface (E+) and before touchdown (T−, negative "
        "after it), altitude above the ground at the landing site and above the datum (the "
        "reference ellipsoid), planet-relative speed, Mach number (none outside the "
        f"atmosphere), dynamic pressure and {latitudes} position",
        TIMELINE_COLUMNS,
        rows,
        id="timeline",
        numeric=frozenset(TIMELINE_COLUMNS[1:]),
        row_ids=tuple(ev.name for ev in result.events),
    )


HARDWARE_COLUMNS = (
    "body",
    "status",
    "latitude [°]",
    "longitude [°]",
    "from rover [m]",
    "bearing [°]",
    "impact speed [m/s]",
    "impact angle [°]",
    "at rest E+ [s]",
    "surface",
)


def hardware_table(result) -> Table:
    """A row per body of ``result.bodies``: rest point, distance and bearing from the rover.

    The impact-angle column only when some body has one; the surface (land or ocean,
    :mod:`skycrane.planets.surface`) only on Earth.
    """
    angles = any(b.impact_angle_deg is not None for b in result.bodies)
    surface = any(b.surface is not None for b in result.bodies)
    columns = tuple(
        c for c in HARDWARE_COLUMNS if (angles or "angle" not in c) and (surface or c != "surface")
    )
    anchor = (
        "capsule" if any(b.distance_from_capsule_m is not None for b in result.bodies) else "rover"
    )
    columns = tuple(c.replace("rover", anchor) for c in columns)
    rows = []
    for b in result.bodies:
        row = [
            b.name.replace("_", " "),
            b.status,
            _num(b.latitude_deg, ".4f"),
            _num(b.longitude_deg, ".4f"),
            _num(b.distance_from_landed_m, ",.0f"),
            _num(b.bearing_from_landed_deg, ".0f"),
            _num(b.impact_speed_m_s, ".1f"),
        ]
        if angles:
            row.append(_num(b.impact_angle_deg, ".0f"))
        row.append(_num(b.t_rest_s, ".1f"))
        if surface:
            row.append(b.surface or "—")
        rows.append(tuple(row))
    return Table(
        "Where every piece of hardware came to rest: great-circle distance and bearing "
        f"(clockwise from north) from the {anchor}, speed at impact",
        columns,
        tuple(rows),
        id="hardware",
        numeric=frozenset(c for c in columns[2:] if c != "surface"),
        row_ids=tuple(b.name for b in result.bodies),
    )


def figure_captions(result, mission) -> dict[str, str]:
    """A caption per figure of :data:`skycrane.output.plots.FIGURES`, with its key numbers.

    A capsule's captions speak of the capsule, its parachute clusters and its
    touchdown (:mod:`skycrane.output.report_capsule`).
    """
    dep = _event(result, "parachute_deploy")
    p = result.peaks
    at_deploy = (
        f" The parachute deployed at E+{dep.t_s:.1f} s, {dep.altitude_m / 1e3:.2f} km, "
        f"{dep.speed_m_s:.0f} m/s, Mach {dep.mach:.2f}."
        if dep is not None
        else ""
    )
    first = capsule.first_cluster_deploy(result, mission) if dep is None else None
    if first is not None:
        at_deploy = (
            f" The parachute sequence began ({first.name.replace('_', ' ')}) at "
            f"E+{first.t_s:.1f} s, {first.altitude_m / 1e3:.2f} km, {first.speed_m_s:.0f} m/s."
        )
    landed = capsule.landed_name(mission)
    word = capsule.touchdown_word(mission)
    out = {
        "altitude_speed": "Altitude above the ellipsoid against planet-relative speed from the "
        "entry interface, every event marked." + at_deploy,
        "altitude_mach": "Altitude against Mach number from the entry interface, every event "
        + (
            f"marked (the parachute is qualified to Mach {mission.spec.parachute.mach_max:g})."
            if mission.spec.parachute is not None
            else "marked."
        )
        + at_deploy,
        "entry_loads": "Deceleration, dynamic pressure, stagnation-point heat rate and heat "
        "load from the entry interface to touchdown, peaks marked: "
        f"{_num(p.get('deceleration_earth_g'), '.2f')} Earth g, "
        f"{_num(p.get('dynamic_pressure_pa', math.nan) / 1e3, '.2f')} kPa, "
        f"{_num(p.get('heat_rate_w_cm2'), '.1f')} W/cm², heat load "
        f"{_num(p.get('heat_load_j_cm2'), '.0f')} J/cm².",
        "altitude_range": "Altitude above the ellipsoid against downrange distance from the "
        "entry interface (the great-circle ground distance along the track), every event "
        f"marked: through any skip (skip exit, apogee, re-entry) to {word}."
        + (
            f" {float(plots_capsule.downrange_km(result)[1][-1]):,.0f} km flown over the ground."
            if result.trajectory.t_s[-1] >= 0.0
            else ""
        )
        + at_deploy,
        "heating": capsule.heating_caption(result),
        "bank": "Bank angle from the entry interface to parachute deployment, the guidance "
        "phases and sequence events as vertical lines; a change of sign is a bank reversal.",
        "parachute_phase": "Mach number and parachute force from deployment to backshell "
        "separation, with the qualified deployment Mach."
        + (f" Peak load {p['parachute_load_n'] / 1e3:.1f} kN." if "parachute_load_n" in p else ""),
        "powered_descent": "Powered descent and sky crane, ignition to touchdown: altitude "
        "above the target, speed, descent rate and horizontal speed, total thrust, vehicle "
        "mass and propellant."
        + (
            f" {result.propellant_remaining_kg:.1f} kg of propellant left at touchdown."
            if result.propellant_remaining_kg is not None
            else ""
        ),
        "site_map": "The landing site in the target's east–north frame (Mars planetocentric). "
        "Left, the near field in metres with the descent stage's flyaway track, on the "
        "hillshade of the site's terrain; right, every body's rest point in kilometres with "
        "the published landing ellipse and any observed hardware positions.",
        "debris_map": "Hardware around the rover, in metres east and north of it, with the "
        "100 m circle and each body's distance.",
    }
    if plots_capsule.has_clusters(mission):
        out["parachute_phase"] = (
            f"The parachute sequence, first cluster deploy to {word}: speed, altitude and the "
            "parachute force, every deploy and release a vertical line."
            + (
                f" Peak load {p['parachute_load_n'] / 1e3:.1f} kN."
                if "parachute_load_n" in p
                else ""
            )
        )
    if capsule.is_capsule(mission):
        out["bank"] = out["bank"].replace("to parachute deployment", f"to {word}")
        out["site_map"] = (
            f"The {word} site in the target's east–north frame. Left, the near field in "
            "metres; right, every body's rest point in kilometres with any published landing "
            "ellipse."
        )
    if result.touchdown is not None:
        out["site_map"] += (
            f" The {landed} is {result.touchdown['miss_distance_m']:,.0f} m from the target."
        )
        if "airbag_peak_deceleration_g" in result.touchdown:
            out["site_map"] += "".join(
                f" {line[0].upper()}{line[1:]}." for line in airbag_lines(result.touchdown)
            )
    errors = guidance_errors(result, mission)
    if errors is not None:
        end = errors.at(errors.t_guided_end_s)
        out["guidance_errors"] = (
            "The entry guidance's errors as it computed them at each cycle (docs/outputs.md): "
            "range to go minus the law's predicted range R − R_p (what it nulls) and minus the "
            "reference's range at the same speed R − R_ref(V); positive is short. Crossrange: "
            "the target's distance from the plane of motion (positive: to the left), with the "
            f"bank-reversal deadband. At the end of guided entry (E+{end['t_s']:.1f} s): "
            f"R − R_p = {_num(end['range_minus_predicted_m'] / 1e3, '.2f')} km, crossrange "
            f"{end['crossrange_m'] / 1e3:.2f} km."
        )
    return out


def result_sections(result, mission) -> list[Section]:
    """The sections of one result: summary, timeline, hardware (if any), figures."""
    sections = [
        summary_section(result, mission),
        Section(
            "Timeline",
            "timeline-section",
            (timeline_table(result, mission.planet.latitude_convention),),
        ),
    ]
    if result.bodies:
        sections.append(Section("Hardware at rest", "hardware-section", (hardware_table(result),)))
    captions = figure_captions(result, mission)
    figures = plots.all_figures(result, mission)
    sections.append(
        Section(
            "Figures",
            "figures",
            tuple(FigureBlock(name, fig, captions.get(name, "")) for name, fig in figures.items()),
        )
    )
    return sections


# --- HTML -------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:0 auto;max-width:1200px;padding:0 1.5rem 3rem;color:#1d2330;line-height:1.45}
header{border-bottom:2px solid #b3472e;margin-bottom:1rem}
h1{margin:1.2rem 0 .2rem;font-size:1.7rem}h2{margin-top:2rem;border-bottom:1px solid #ccd}
.sub{color:#555;margin:.2rem 0 1rem}nav a{margin-right:1rem;color:#b3472e}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.3rem 0;caption-side:top}
th,td{padding:.25rem .6rem;border-bottom:1px solid #dde}th{background:#f1f2f6;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fafbfd}
figure{margin:1.5rem 0;padding:.5rem;border:1px solid #e3e4ea;border-radius:4px}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{font-size:.9rem;color:#333;margin-top:.4rem}
footer{margin-top:3rem;font-size:.8rem;color:#777}
"""

# Marks <body> with data-images="loaded/total" and data-ready="yes" once every <img> has
# decoded (complete with a natural width): what the headless-browser test reads back.
_SCRIPT = (
    "(function(){var imgs=Array.prototype.slice.call(document.images);"
    "function check(){var ok=imgs.filter(function(i){return i.complete&&i.naturalWidth>0;})"
    ".length;document.body.setAttribute('data-images',ok+'/'+imgs.length);"
    "if(ok===imgs.length){document.body.setAttribute('data-ready','yes');}}"
    "imgs.forEach(function(i){i.addEventListener('load',check);"
    "i.addEventListener('error',check);});check();})();"
)


def _csp(scripts: Sequence[str] = ()) -> str:
    """Nothing but inline data: images, the inline style and these scripts (by their hashes)."""
    sources = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in (_SCRIPT, *scripts)
    )
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {sources}; base-uri 'none'; form-action 'none'"
    )


def figure_png(fig: Figure, dpi: int = FIGURE_DPI) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _table_html(t: Table) -> str:
    def cls(col: str) -> str:
        return ' class="n"' if col in t.numeric else ""

    head = "".join(f'<th{cls(c)} scope="col">{_e(c)}</th>' for c in t.columns)
    body = []
    for k, row in enumerate(t.rows):
        key = f' data-key="{_e(t.row_ids[k])}"' if t.row_ids else ""
        cells = "".join(f"<td{cls(c)}>{_e(v)}</td>" for c, v in zip(t.columns, row, strict=True))
        body.append(f"<tr{key}>{cells}</tr>")
    ident = f' id="{_e(t.id)}"' if t.id else ""
    return (
        f"<table{ident}><caption>{_e(t.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _figure_html(b: FigureBlock, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="fig-{_e(b.name)}"><img src="data:image/png;base64,{data}" '
        f'alt="{_e(b.name.replace("_", " "))}" data-figure="{_e(b.name)}">'
        f"<figcaption>{_e(b.caption)}</figcaption></figure>"
    )


def render_html(
    title: str,
    subtitle: str,
    sections: Sequence[Section],
    pngs: dict[str, bytes] | None = None,
    dpi: int = FIGURE_DPI,
    latitudes: str = "planetocentric",
) -> str:
    """The report as one HTML document (every text escaped, figures embedded as PNG).

    ``pngs`` holds already rendered figures by name; the others are rendered here.
    """
    pngs = {} if pngs is None else pngs
    nav = " ".join(f'<a href="#{_e(s.id)}">{_e(s.title)}</a>' for s in sections)
    parts = []
    scripts: list[str] = []
    for s in sections:
        blocks = []
        for b in s.blocks:
            if isinstance(b, Paragraph):
                blocks.append(f"<p>{_e(b.text)}</p>")
            elif isinstance(b, HtmlBlock):
                blocks.append(b.html)
                scripts.extend(b.scripts)
            elif isinstance(b, Table):
                blocks.append(_table_html(b))
            else:
                png = pngs.get(b.name) or figure_png(b.figure, dpi)
                blocks.append(_figure_html(b, png))
        parts.append(f'<section id="{_e(s.id)}"><h2>{_e(s.title)}</h2>{"".join(blocks)}</section>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp(scripts))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n"
        f'<body><header><h1>{_e(title)}</h1><p class="sub">{_e(subtitle)}</p>'
        f"<nav>{nav}</nav></header>\n"
        + "\n".join(parts)
        + f"\n<footer>skycrane {_e(__version__)}. Times are seconds from the entry interface "
        "(E+) and before touchdown (T−); altitudes above the reference ellipsoid; latitudes "
        f"{_e(latitudes)}, longitudes east.</footer>"
        + "".join(f"<script>{script}</script>" for script in scripts)
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


# --- files ------------------------------------------------------------------------


def _atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` for a temporary name beside ``path``, then rename it to ``path``.

    A reader never sees a half-written file; on failure the temporary file is removed.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    def write(tmp: Path) -> None:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    return _atomic_write(path, write)


def _output_dir(out_dir) -> Path:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"cannot create the report directory {out}: {exc.strerror or exc}"
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ReportError(f"{out}: directory is not writable")
    return out


def write_report(
    result,
    mission,
    out_dir,
    extra_sections: Iterable[Section] = (),
    *,
    extras: bool = True,
    dpi: int = FIGURE_DPI,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write ``out_dir/report.html`` (and, with ``extras``, the figures and exports beside it).

    Parameters
    ----------
    result : skycrane.results.Result
        The simulated case.
    mission : skycrane.Mission
        The mission it flew (target, parachute, guidance reference, title).
    out_dir : path
        Directory to write into; created if missing.
    extra_sections : iterable of Section
        Appended after the result's sections (e.g. a Monte Carlo summary);
        their :class:`FigureBlock` figures are embedded (and written with
        ``extras``) like the others.
    extras : bool
        Also write each figure as ``<name>.png`` and the exports of
        :data:`EXPORTS` (GeoJSON, KML, CSV, netCDF) beside the report.
    dpi : int
        Resolution of the figures [dots per inch].
    progress : callable, optional
        Called with a short description before each step (the CLI shows it).

    Returns
    -------
    dict of str to Path
        Every file written, by file name; ``"report.html"`` first.

    Raises
    ------
    ReportError
        The directory cannot be created or written (one line naming the path).
    """
    say = progress or (lambda _text: None)
    out = _output_dir(out_dir)
    say("drawing the figures")
    sections = result_sections(result, mission) + list(extra_sections)
    blocks = [b for s in sections for b in s.figures()]
    names = [b.name for b in blocks]
    if len(set(names)) != len(names):
        raise ValueError(f"figure names must be unique across sections: {names}")
    pngs = {}
    for b in blocks:
        say(f"rendering {b.name}")
        pngs[b.name] = figure_png(b.figure, dpi)
    say("writing report.html")
    title = f"{result.title}: entry, descent and landing"
    subtitle = f"{mission.spec.mission.title} — {result.status_text}"
    text = render_html(
        title, subtitle, sections, pngs, dpi, latitudes=mission.planet.latitude_convention
    )
    written: dict[str, Path] = {}
    try:
        written[REPORT_NAME] = _write_bytes(out / REPORT_NAME, text.encode("utf-8"))
        if extras:
            for name, png in pngs.items():
                written[f"{name}.png"] = _write_bytes(out / f"{name}.png", png)
            for name, write in EXPORTS.items():
                say(f"writing {name}")
                written[name] = _atomic_write(
                    out / name, lambda tmp, write=write: write(tmp, result, mission)
                )
    except OSError as exc:
        raise ReportError(f"cannot write the report into {out}: {exc.strerror or exc}") from None
    log.info("wrote %s (%d files)", written[REPORT_NAME], len(written))
    return written
