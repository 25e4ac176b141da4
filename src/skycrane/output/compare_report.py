"""Overlaid figures and the report of missions flown side by side (:mod:`skycrane.compare`).

* :func:`altitude_speed`: each mission's height above its site against speed,
  with its parachute deploy, backshell separation and touchdown marked;
* :func:`final_descent`: height above the site against time to touchdown,
  the last 300 s;
* :func:`site_map`: every body's rest point, east/north of each mission's own
  target: near field in metres, everything in kilometres;
* :func:`write_comparison`: ``compare.html`` (inputs that differ, outcome,
  events and hardware side by side, the figures) and each figure as PNG.

Each mission keeps one colour in every figure; artists carry ``gid`` tags
(``"mission:<label>"``, ``"rest:<label>:<body>"``) for checking.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from skycrane.output.replay_data import local_east_north_m
from skycrane.output.report import (
    FigureBlock,
    Paragraph,
    ReportError,
    Section,
    Table,
    _output_dir,
    _write_bytes,
    figure_png,
    render_html,
)

__all__ = [
    "COMPARE_NAME",
    "FIGURES",
    "altitude_speed",
    "comparison_sections",
    "final_descent",
    "format_value",
    "site_map",
    "write_comparison",
]

log = logging.getLogger(__name__)

COMPARE_NAME = "compare.html"
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
MARKED_EVENTS = ("parachute_deploy", "backshell_separation", "touchdown")
NEAR_FIELD_M = 3000.0
"""Rest points within this distance of the target go in the near-field panel [m]."""
FINAL_DESCENT_S = 300.0


def _color(k: int) -> str:
    return COLORS[k % len(COLORS)]


def altitude_speed(comparison) -> Figure:
    """Height above each mission's site [km] against planet-relative speed [m/s]."""
    fig = Figure(figsize=(8.0, 5.5), layout="constrained")
    ax = fig.subplots()
    for k, (label, result) in enumerate(zip(comparison.labels, comparison.results, strict=True)):
        site = comparison.missions[k].spec.target.altitude_m
        tr = result.trajectory
        entry = tr.t_s >= 0.0
        ax.plot(
            tr.speed_m_s[entry],
            (tr.altitude_m[entry] - site) / 1e3,
            color=_color(k),
            lw=1.4,
            label=result.title if result.title != label else label,
            gid=f"mission:{label}",
        )
        for name in MARKED_EVENTS:
            ev = next((e for e in result.events if e.name == name), None)
            if ev is not None:
                ax.plot(ev.speed_m_s, (ev.altitude_m - site) / 1e3, "o", color=_color(k), ms=5)
                ax.annotate(
                    name.replace("_", " "),
                    (ev.speed_m_s, (ev.altitude_m - site) / 1e3),
                    textcoords="offset points",
                    xytext=(6, 4 + 10 * k),
                    fontsize=7,
                    color=_color(k),
                )
    ax.set_xlabel("planet-relative speed [m/s]")
    ax.set_ylabel("height above the site [km]")
    ax.axhline(0.0, color="#8a6d3b", lw=1.0, gid="ground")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("entry and descent, side by side")
    return fig


def final_descent(comparison) -> Figure:
    """Height above each site [m] against time to touchdown [s], the last few minutes."""
    fig = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = fig.subplots()
    for k, (label, result) in enumerate(zip(comparison.labels, comparison.results, strict=True)):
        if result.touchdown is None:
            continue
        site = comparison.missions[k].spec.target.altitude_m
        td = result.touchdown["t_s"]
        tr = result.trajectory
        near = (tr.t_s >= td - FINAL_DESCENT_S) & (tr.t_s <= td)
        ax.plot(
            tr.t_s[near] - td,
            tr.altitude_m[near] - site,
            color=_color(k),
            lw=1.4,
            label=label,
            gid=f"mission:{label}",
        )
        for ev in result.events:
            if td - FINAL_DESCENT_S <= ev.t_s <= td and ev.name in MARKED_EVENTS:
                ax.plot(ev.t_s - td, ev.altitude_m - site, "o", color=_color(k), ms=4)
    ax.axhline(0.0, color="#8a6d3b", lw=1.0, gid="ground")
    ax.set_xlabel("time from touchdown [s]")
    ax.set_ylabel("height above the site [m]")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("final descent (dots: parachute deploy, backshell separation, touchdown)")
    return fig


def site_map(comparison) -> Figure:
    """Every body's rest point east/north of each mission's own target: near field, all."""
    fig = Figure(figsize=(12.0, 5.5), layout="constrained")
    near, far = fig.subplots(1, 2)
    markers = ("o", "s", "^", "D", "v", "P", "X")
    for k, (label, result) in enumerate(zip(comparison.labels, comparison.results, strict=True)):
        mission = comparison.missions[k]
        for j, b in enumerate(result.bodies):
            if b.latitude_deg is None:
                continue
            e, n = local_east_north_m(b.latitude_deg, b.longitude_deg, mission)
            e, n = float(e), float(n)
            first = j == 0
            for ax, scale in ((near, 1.0), (far, 1e3)):
                if ax is near and np.hypot(e, n) > NEAR_FIELD_M:
                    continue
                ax.plot(
                    e / scale,
                    n / scale,
                    markers[k % len(markers)],
                    color=_color(k),
                    ms=6,
                    alpha=0.8,
                    label=label if first else None,
                    gid=f"rest:{label}:{b.name}",
                )
                if ax is near:
                    ax.annotate(
                        b.name.replace("_", " "),
                        (e, n),
                        textcoords="offset points",
                        xytext=(4, 3),
                        fontsize=6,
                        color=_color(k),
                    )
    for ax, unit in ((near, "m"), (far, "km")):
        ax.plot([0.0], [0.0], "*", color="#ffbf00", mec="k", ms=12, gid="target", label="target")
        ax.set_xlabel(f"east of the mission's target [{unit}]")
        ax.set_ylabel(f"north of the mission's target [{unit}]")
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(True, alpha=0.3)
    near.set_title(f"near field (within {NEAR_FIELD_M / 1e3:.0f} km of the target)")
    far.set_title("every body at rest")
    near.legend(fontsize=7, loc="best")
    return fig


FIGURES = {
    "compare_altitude_speed": altitude_speed,
    "compare_final_descent": final_descent,
    "compare_site_map": site_map,
}


def format_value(value, limit: int = 40) -> str:
    """An input value as short text (— for a missing key)."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt(value, spec: str) -> str:
    return "—" if value is None or not np.isfinite(value) else format(value, spec)


def outcome_rows(comparison) -> list[tuple[str, ...]]:
    """Status, touchdown and peaks of each mission, one row per quantity."""

    def per(fn) -> tuple[str, ...]:
        return tuple(fn(r) for r in comparison.results)

    def td(key, spec):
        return per(lambda r: "—" if r.touchdown is None else _fmt(r.touchdown[key], spec))

    return [
        ("status", *per(lambda r: r.status_text)),
        ("touchdown [E+ s]", *td("t_s", ".1f")),
        ("descent rate at touchdown [m/s]", *td("vertical_speed_m_s", ".2f")),
        ("rover from target [m]", *td("miss_distance_m", ".1f")),
        ("propellant left [kg]", *per(lambda r: _fmt(r.propellant_remaining_kg, ".1f"))),
        ("peak deceleration [g]", *per(lambda r: _fmt(r.peaks["deceleration_earth_g"], ".2f"))),
        ("peak heat rate [W/cm²]", *per(lambda r: _fmt(r.peaks["heat_rate_w_cm2"], ".1f"))),
        (
            "parachute load [kN]",
            *per(lambda r: _fmt(r.peaks.get("parachute_load_n", np.nan) / 1e3, ".1f")),
        ),
    ]


def event_rows(comparison) -> list[tuple[str, ...]]:
    """Per event: each mission's time [E+ s] and height above its site [km]."""
    rows = []
    for name in comparison.event_names:
        cells = []
        for k, ev in enumerate(comparison.events(name)):
            if ev is None:
                cells.append("—")
            else:
                h_km = comparison.height_above_site_m(k, ev) / 1e3
                cells.append(f"{ev.t_s:.1f} s, {h_km:.2f} km")
        rows.append((name, *cells))
    return rows


def body_rows(comparison) -> list[tuple[str, ...]]:
    """Per body: each mission's distance [m] and bearing [°] from the rover, or its status."""
    rows = []
    for name in comparison.body_names:
        cells = []
        for b in comparison.bodies(name):
            if b is None:
                cells.append("—")
            elif b.distance_from_rover_m is None:
                cells.append(b.status)
            else:
                cells.append(f"{b.distance_from_rover_m:,.0f} m at {b.bearing_from_rover_deg:.0f}°")
        rows.append((name, *cells))
    return rows


def comparison_sections(comparison) -> list[Section]:
    """The report's sections: inputs, outcome, events, hardware, figures."""
    labels = comparison.labels
    numeric = frozenset(labels)
    diff_rows = tuple(
        (key, *(format_value(v, 60) for v in values))
        for key, values in comparison.input_diff.items()
    )
    whatifs = [
        Paragraph(f"{label}: {r.title}")
        for label, r in zip(labels, comparison.results, strict=True)
        if r.provenance is not None and r.provenance.is_what_if
    ]
    return [
        Section(
            "Inputs that differ",
            "inputs",
            (
                Paragraph(
                    f"{len(diff_rows)} input keys differ (validated values, so a key left at "
                    "its default equals one set to it)."
                ),
                *whatifs,
                Table("input keys that differ", ("key", *labels), diff_rows, id="input-diff"),
            ),
        ),
        Section(
            "Outcome",
            "outcome",
            (Table("outcome", ("", *labels), tuple(outcome_rows(comparison)), numeric=numeric),),
        ),
        Section(
            "Events",
            "events",
            (
                Table(
                    "events: time from entry interface [E+ s], height above the site [km]",
                    ("event", *labels),
                    tuple(event_rows(comparison)),
                    id="events-side-by-side",
                    numeric=numeric,
                    row_ids=comparison.event_names,
                ),
            ),
        ),
        Section(
            "Hardware at rest",
            "hardware",
            (
                Table(
                    "where each body rests: distance [m] and bearing [°] from the rover",
                    ("body", *labels),
                    tuple(body_rows(comparison)),
                    id="hardware-side-by-side",
                    numeric=numeric,
                    row_ids=comparison.body_names,
                ),
            ),
        ),
        Section(
            "Figures",
            "figures",
            tuple(
                FigureBlock(name, draw(comparison), _CAPTIONS[name])
                for name, draw in FIGURES.items()
            ),
        ),
    ]


_CAPTIONS = {
    "compare_altitude_speed": "Height above each mission's own site against speed, from the "
    "entry interface; dots mark parachute deploy, backshell separation and touchdown.",
    "compare_final_descent": "Height above the site in the last 300 s before touchdown.",
    "compare_site_map": "Rest points of every body, east/north of each mission's own target "
    "(the sites differ between missions: each map is about its own target).",
}


def write_comparison(comparison, out_dir) -> dict[str, Path]:
    """Write ``compare.html`` and each figure as PNG into ``out_dir``; returns them by name.

    Raises
    ------
    ReportError
        The directory cannot be created or written (one line naming the path).
    """
    out = _output_dir(out_dir)
    sections = comparison_sections(comparison)
    pngs = {b.name: figure_png(b.figure) for s in sections for b in s.figures()}
    title = "compared: " + " · ".join(comparison.labels)
    subtitle = " | ".join(r.title for r in comparison.results)
    text = render_html(title, subtitle, sections, pngs)
    written: dict[str, Path] = {}
    try:
        written[COMPARE_NAME] = _write_bytes(out / COMPARE_NAME, text.encode("utf-8"))
        for name, png in pngs.items():
            written[f"{name}.png"] = _write_bytes(out / f"{name}.png", png)
    except OSError as exc:
        raise ReportError(
            f"cannot write the comparison into {out}: {exc.strerror or exc}"
        ) from None
    log.info("wrote %s (%d files)", written[COMPARE_NAME], len(written))
    return written
