"""The parts of the report that differ for a capsule: wording, the heating table.

A capsule that lands itself (``[sequence] end_on_ground``) has no rover, no
descent stage and no single parachute: the report speaks of the capsule, of its
parachute clusters and of its touchdown (a splashdown when the mission says it
comes down at sea). :func:`heating_table` is the HTML twin of the console's
:func:`skycrane.output.text.heating_table`, read from :attr:`Result.heating`.
"""

from __future__ import annotations

import math
import re

from skycrane.reduction import lands_itself as is_capsule

__all__ = [
    "HEATING_COLUMNS",
    "first_cluster_deploy",
    "heating_caption",
    "heating_rows",
    "is_capsule",
    "landed_name",
    "nearest_hardware",
    "touchdown_word",
]

HEATING_COLUMNS = (
    "pulse",
    "start E+ [s]",
    "end E+ [s]",
    "duration [s]",
    "soak before [s]",
    "peak E+ [s]",
    "peak convective [W/cm²]",
    "peak radiative [W/cm²]",
    "peak total [W/cm²]",
    "load convective [J/cm²]",
    "load radiative [J/cm²]",
    "load total [J/cm²]",
)
"""Columns of the report's heating table (units in brackets)."""

_SEA = re.compile(r"\b(sea|ocean|pacific|atlantic|splash\w*)\b", re.IGNORECASE)


def landed_name(mission) -> str:
    """What lands: ``"capsule"`` or ``"rover"``."""
    return "capsule" if is_capsule(mission) else "rover"


def touchdown_word(mission) -> str:
    """``"splashdown"`` for a capsule aimed at sea level whose title or name says sea,
    ``"touchdown"`` otherwise (no schema key: the words the mission file already has)."""
    spec = mission.spec
    words = f"{spec.mission.title} {spec.mission.name}"
    at_sea = spec.target.altitude_m == 0.0 and _SEA.search(words) is not None
    return "splashdown" if is_capsule(mission) and at_sea else "touchdown"


def first_cluster_deploy(result, mission):
    """The first event that deploys one of the mission's parachute clusters (or None)."""
    from skycrane.output.plots_capsule import cluster_events, has_clusters

    if not has_clusters(mission):
        return None
    events = sorted(cluster_events(result, mission), key=lambda e: e.t_s)
    return next((e for e in events if "deploy" in e.name), events[0] if events else None)


def nearest_hardware(result):
    """The body at rest nearest a capsule that landed itself (None for a lander, or when
    nothing else came to rest): what the summary's hardware sentence names."""
    bodies = [
        b
        for b in result.bodies
        if b.name != "capsule"
        and b.distance_from_capsule_m is not None
        and b.bearing_from_capsule_deg is not None
    ]
    return min(bodies, key=lambda b: b.distance_from_capsule_m, default=None)


def _n(value, spec: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return format(value, spec)


def heating_rows(result) -> tuple[tuple[str, ...], ...]:
    """A row of text cells per heating pulse, in :data:`HEATING_COLUMNS` order."""
    rows = []
    for r in result.heating:
        peak, load = r["peak_w_cm2"], r["load_j_cm2"]
        rows.append(
            (
                str(r["pulse"]),
                _n(r["start_s"], ".1f"),
                _n(r["end_s"], ".1f"),
                _n(r["duration_s"], ".1f"),
                _n(r["soak_before_s"], ".1f"),
                _n(r["peak_time_s"], ".1f"),
                _n(peak["convective"], ".1f"),
                _n(peak["radiative"], ".1f"),
                _n(peak["total"], ".1f"),
                _n(load["convective"], ",.0f"),
                _n(load["radiative"], ",.0f"),
                _n(load["total"], ",.0f"),
            )
        )
    return tuple(rows)


def heating_caption(result) -> str:
    """The heating figure's caption: each pulse's soak, peak and load."""
    rows = result.heating
    if not rows:
        return ""
    text = (
        "Stagnation-point heat rate (convective, radiative, total) and cumulative heat load, "
        f"each heating pulse shaded and numbered ({len(rows)} pulse"
        f"{'s' if len(rows) > 1 else ''}):"
    )
    for r in rows:
        soak = r["soak_before_s"]
        text += (
            f" pulse {r['pulse']}"
            + (f" after a {soak:.0f} s soak" if soak is not None else "")
            + f", peak {_n(r['peak_w_cm2']['total'], '.0f')} W/cm², load "
            f"{_n(r['load_j_cm2']['total'], ',.0f')} J/cm²;"
        )
    soak = (
        " Between pulses the heat rate falls while the heat stays in the shield: the soak "
        "behind the Artemis I char loss (EARTH.md 1.7)."
    )
    return text.rstrip(";") + "." + (soak if len(rows) > 1 else "")
