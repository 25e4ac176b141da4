"""The Monte Carlo part of the report, and the ellipses as GeoJSON / KML.

:func:`monte_carlo_section` turns a ``skycrane mc`` output directory into a
report :class:`~skycrane.output.report.Section` (summary, ellipses, crash
distances, percentiles, margins, drivers, and the two Monte Carlo figures);
``skycrane report MISSION --mc DIR`` appends it to the nominal report.

Ellipse boundaries are east/north offsets about the target in the table's
azimuthal-equidistant frame; :func:`ellipses_geojson` maps them to
planetocentric latitude/longitude by great-circle destination from the
target (CRS as the other exports, docs/outputs.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from skycrane.analysis.summary import landed_mask
from skycrane.errors import InputError
from skycrane.montecarlo.chunk import mission_digest
from skycrane.output.mc_plots import HISTOGRAMS, _ellipse, mc_histograms, mc_site_map
from skycrane.output.report import FigureBlock, Paragraph, Section, Table
from skycrane.output.text import boundary_line, surface_line
from skycrane.planets.sphere import destination


def _read_json_object(path: Path, mc_dir: Path) -> dict:
    """The JSON object in ``path``, or a one-line :class:`InputError` naming the file."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            "--mc", str(mc_dir), f"a finished 'skycrane mc' directory ({path.name}: {exc})"
        ) from None
    if not isinstance(doc, dict):
        raise InputError(
            "--mc",
            str(mc_dir),
            f"a finished 'skycrane mc' directory ({path.name} holds a {type(doc).__name__}, "
            "not an object)",
        )
    return doc


def load_mc(mc_dir: str | Path, mission) -> tuple[dict, dict[str, np.ndarray]]:
    """``(summary, columns)`` of a finished Monte Carlo directory of ``mission``.

    The run must be of this very mission: its manifest's mission digest (a
    hash of every validated value, :func:`skycrane.montecarlo.chunk.mission_digest`)
    must equal the mission's, so a file of the same name with other values is
    refused. ``columns`` holds the rest points, the histogram columns and
    ``"landed"``, the summary's population (:func:`skycrane.analysis.summary.landed_mask`).
    Every problem is one :class:`InputError` line.
    """
    mc_dir = Path(mc_dir)
    summary = _read_json_object(mc_dir / "summary.json", mc_dir)
    manifest = _read_json_object(mc_dir / "manifest.json", mc_dir)
    if manifest.get("mission_digest") != mission_digest(mission):
        held = manifest.get("mission")
        raise InputError(
            "--mc",
            str(mc_dir),
            f"a Monte Carlo of {mission.name} as given (it holds a run of "
            f"{held if isinstance(held, str) else 'another mission'} whose mission digest "
            "differs: another mission, or the same name with other values)",
        )
    if not isinstance(summary.get("cases"), int) or not isinstance(summary.get("failed"), int):
        raise InputError(
            "--mc", str(mc_dir), "a summary.json written by 'skycrane mc' (no case counts)"
        )
    try:
        pf = pq.ParquetFile(mc_dir / "cases.parquet")
        names = pf.schema_arrow.names
        wanted = [c for c in names if c.startswith("body.") and c.endswith((".east_m", ".north_m"))]
        wanted += [h[0] for h in HISTOGRAMS if h[0] in names and h[0] not in wanted]
        wanted += [c for c in ("status",) if c in names]
        table = pf.read(columns=wanted)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(
            "--mc", str(mc_dir), f"a readable cases.parquet ({_one_line(exc)})"
        ) from None
    columns = {c: table.column(c).to_numpy(zero_copy_only=False).astype(float) for c in wanted}
    if "status" in columns:
        status = columns.pop("status")
        columns["landed"] = landed_mask(columns.__getitem__, names, status)
    return summary, columns


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def _f(value, spec: str) -> str:
    return "—" if value is None or not np.isfinite(value) else format(value, spec)


def monte_carlo_section(mc_dir: str | Path, mission) -> Section:
    """The report section of the Monte Carlo in ``mc_dir``."""
    summary, columns = load_mc(mc_dir, mission)
    chute = mission.spec.parachute
    not_landed = summary.get("not_landed", {})
    blocks: list = [
        Paragraph(
            f"{summary['cases']} dispersed cases, {summary.get('landed', '—')} landed, "
            f"{not_landed.get('cases', '—')} did not land; {summary['failed']} failed or "
            "exceeded a limit (all kept in the table with their reason). Every statistic "
            f"below is over the same population, {summary.get('population', 'every case')}; "
            "the cases that did not land are counted by reason and drawn in grey. Ellipses "
            "are empirical: each contains 99 % of the landed cases; the 3-sigma column says "
            "what the covariance ellipse of scale 3 really holds (98.9 % if the points were "
            "Gaussian)."
        )
    ]
    reasons = [("did not land", r, n) for r, n in not_landed.get("reasons", {}).items()]
    reasons += [
        ("landed (in the statistics)", r, n)
        for r, n in summary.get("landed_exceedances", {}).items()
    ]
    if reasons:
        blocks.append(
            Table(
                "failures and exceeded limits by reason",
                ("cases of", "reason", "cases"),
                tuple((w, r, str(n)) for w, r, n in reasons),
                numeric=frozenset({"cases"}),
            )
        )
    rows = []
    for body, e in summary.get("ellipses", {}).items():
        p, s = e["p99"], e["three_sigma"]
        rows.append(
            (
                body,
                _f(p["major_km"], ".2f"),
                _f(p["minor_km"], ".2f"),
                _f(p["azimuth_deg"], ".0f"),
                _f(p["center_east_m"], ".0f"),
                _f(p["center_north_m"], ".0f"),
                _f(100 * s["contained_fraction"], ".1f"),
            )
        )
    cols = ("body", "major [km]", "minor [km]", "azimuth [deg]", "centre E [m]", "centre N [m]")
    cols += ("3-sigma holds [%]",)
    blocks.append(
        Table(
            "99 % ellipses of every body",
            cols,
            tuple(rows),
            id="mc-ellipses",
            numeric=frozenset(cols[1:]),
        )
    )
    if "outside_boundary" in summary:
        blocks.append(Paragraph(boundary_line(summary["outside_boundary"]) + "."))
    if "surface" in summary:
        blocks.append(Paragraph(surface_line(summary["surface"]) + "."))
    if "crash_distance_m" in summary:
        c = summary["crash_distance_m"]
        near = summary["probability_hardware_within_m"]
        blocks.append(
            Paragraph(
                f"Descent-stage crash from the rover: p1 {_f(c['p1'], '.0f')} m, median "
                f"{_f(c['p50'], '.0f')} m, p99 {_f(c['p99'], '.0f')} m, "
                f"closest {_f(c['min'], '.0f')} m. Probability that any hardware lands "
                "within a radius of the rover: "
                + ", ".join(f"{r} m {100 * p:.2f} %" for r, p in near.items() if p is not None)
                + "."
            )
        )
    pct_rows = tuple(
        (
            name,
            _f(p.get("p1"), ".4g"),
            _f(p.get("p50"), ".4g"),
            _f(p.get("p99"), ".4g"),
            str(p["n"]),
        )
        for name, p in summary.get("percentiles", {}).items()
        if p.get("n")
    )
    pct_cols = ("quantity", "p1", "median", "p99", "cases")
    blocks.append(
        Table(
            "event conditions",
            pct_cols,
            pct_rows,
            id="mc-percentiles",
            numeric=frozenset(pct_cols[1:]),
        )
    )
    margin_rows = tuple(
        (name, _f(m["limit"], ".4g"), _f(m.get("p99", m.get("p1")), ".4g"), _f(m["margin"], ".4g"))
        for name, m in summary.get("margins", {}).items()
    )
    blocks.append(
        Table(
            "margins (against the 99th, or for propellant the 1st, percentile)",
            ("quantity", "limit", "percentile", "margin"),
            margin_rows,
            numeric=frozenset({"limit", "percentile", "margin"}),
        )
    )
    sens_rows = tuple(
        (
            name,
            _f(s["r2"], ".2f"),
            ", ".join(f"{g} {100 * v:.0f} %" for g, v in list(s["shares"].items())[:4]),
        )
        for name, s in summary.get("sensitivity", {}).items()
    )
    blocks.append(
        Table(
            "what drives each output (share of its variance, linear regression; "
            "Saltelli et al. 2008)",
            ("output", "R²", "main drivers"),
            sens_rows,
        )
    )
    limits = (
        {}
        if chute is None
        else {"mach_max": chute.mach_max, "q_max": chute.dynamic_pressure_max_pa}
    )
    blocks.append(
        FigureBlock(
            "mc_site_map",
            mc_site_map(columns, summary, mission),
            "Rest points of every body over the Monte Carlo, with 99 % ellipses.",
        )
    )
    blocks.append(
        FigureBlock(
            "mc_histograms",
            mc_histograms(columns, summary, limits),
            "Event conditions with their limits (red) and 1st/99th percentiles.",
        )
    )
    return Section("Monte Carlo", "monte-carlo", tuple(blocks))


def ellipses_geojson(summary: dict, mission, n_points: int = 121) -> dict:
    """Every body's 99 % ellipse as a GeoJSON Polygon (lon, lat in degrees, RFC 7946 order)."""
    tgt = mission.spec.target
    radius = mission.planet.mean_radius_m
    features = []
    for body, e in summary.get("ellipses", {}).items():
        en = _ellipse(e["p99"]).boundary(n_points)
        dist = np.hypot(en[:, 0], en[:, 1])
        bearing = np.degrees(np.arctan2(en[:, 0], en[:, 1]))
        lat, lon = destination(tgt.latitude_deg, tgt.longitude_deg, bearing, dist, radius)
        lon = (np.asarray(lon) + 180.0) % 360.0 - 180.0
        ring = [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]
        ring[-1] = ring[0]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "body": body,
                    "probability": e["p99"]["contained_fraction"],
                    "major_km": e["p99"]["major_km"],
                    "minor_km": e["p99"]["minor_km"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def ellipses_kml(summary: dict, mission) -> str:
    """Every body's 99 % ellipse as a KML 2.2 Polygon (same rings as :func:`ellipses_geojson`)."""
    import xml.etree.ElementTree as ET

    from skycrane.output.export import KML_NS, kml_document, kml_text

    kml, doc = kml_document(f"{mission.name} Monte Carlo 99 % ellipses")
    for feature in ellipses_geojson(summary, mission)["features"]:
        pm = ET.SubElement(doc, f"{{{KML_NS}}}Placemark")
        props = feature["properties"]
        ET.SubElement(pm, f"{{{KML_NS}}}name").text = props["body"]
        ET.SubElement(pm, f"{{{KML_NS}}}description").text = (
            f"{props['major_km']:.2f} x {props['minor_km']:.2f} km, "
            f"contains {100 * props['probability']:.1f} % of the cases"
        )
        ring = ET.SubElement(
            ET.SubElement(
                ET.SubElement(pm, f"{{{KML_NS}}}Polygon"), f"{{{KML_NS}}}outerBoundaryIs"
            ),
            f"{{{KML_NS}}}LinearRing",
        )
        coords = feature["geometry"]["coordinates"][0]
        ET.SubElement(ring, f"{{{KML_NS}}}coordinates").text = " ".join(
            f"{lon!r},{lat!r}" for lon, lat in coords
        )
    return kml_text(kml)
