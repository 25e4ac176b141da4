"""Text for people: public event labels, the run's tables and outcome, readable column names.

The console tables of ``skycrane run`` and ``skycrane mc`` are built here, so
that the command-line modules only print them. Every table fits an 80-column
terminal: long event labels wrap at spaces, numbers are never cut (rich's
``fold``/``no_wrap``), and wider terminals get the latitude and longitude too.
Identifiers (JSON keys, event and body names) are never changed: only what is
shown is.

Heights are labelled as :data:`skycrane.contract.columns.HEIGHT_LABELS` says:
above the ground at the landing site, and above the datum (the reference
ellipsoid). Times are E+ (from the entry interface) and T- / T+ (before and
after touchdown), the way NASA's timelines tell them.
"""

from __future__ import annotations

import math
import re

from rich import box
from rich.markup import escape
from rich.table import Table

from skycrane.contract.columns import ALTITUDE, ALTITUDE_ABOVE_GROUND, HEIGHT_LABELS

__all__ = [
    "WIDE_COLUMNS",
    "event_label",
    "format_value",
    "hardware_table",
    "heating_table",
    "in_atmosphere",
    "margin_line",
    "outcome_lines",
    "percentile_row",
    "readable",
    "timeline_table",
    "unit_of",
    "with_unit",
]

WIDE_COLUMNS = 118
"""Console width from which the timeline and hardware tables add latitude and longitude."""

MINUS = "\u2212"

_EVENT_LABELS = {
    "simulation_start": "simulation start",
    "straighten_up_and_fly_right": "straighten up and fly right (SUFR)",
    "lander_vision_system_start": "Lander Vision System starts",
    "terrain_relative_navigation_fix": "terrain-relative navigation fix",
    "range_control_start": "entry guidance: range control",
    "heading_alignment": "entry guidance: heading alignment",
    "powered_descent_start": "powered descent starts",
    "constant_velocity_descent": "constant-velocity descent",
    "sky_crane_start": "sky crane starts",
    "touchdown_detected": "touchdown confirmed",
    "flyaway_start": "flyaway",
    "descent_stage_engines_out": "descent-stage engines out",
    "descent_stage_impact": "descent-stage impact",
    "surface_impact": "surface impact",
}
"""Public wording of the event names whose underscores-to-spaces form reads badly."""

_UNITS = (
    ("_j_cm2", "J/cm²"),
    ("_w_cm2", "W/cm²"),
    ("_earth_g", "g"),
    ("_m_s2", "m/s²"),
    ("_m_s", "m/s"),
    ("_pa", "Pa"),
    ("_kg", "kg"),
    ("_deg", "°"),
    ("_km", "km"),
    ("_n", "N"),
    ("_s", "s"),
    ("_m", "m"),
)
"""Name suffix -> unit: every column name carries its unit (STYLE: names carry units)."""

_WORDS = {"mach": "Mach", "r2": "R²", "t": "time"}


def _family(body: str) -> str:
    """A body's name without its trailing number (``entry_balance_mass_1`` -> ``..._mass``)."""
    return re.sub(r"_\d+$", "", body)


def event_label(name: str, jettisoned: tuple[str, ...] | list[str] = ()) -> str:
    """The public label of event ``name``; the bodies it releases when its name does not say.

    ``straighten_up_and_fly_right`` releasing ``entry_balance_mass_1`` reads
    "straighten up and fly right (SUFR): entry balance mass 1 out", so that
    the first of the six entry balance masses is listed like the other five.
    """
    label = _EVENT_LABELS.get(name, name.replace("_", " "))
    unnamed = [b for b in jettisoned if _family(b) not in name]
    if unnamed:
        label += ": " + ", ".join(b.replace("_", " ") for b in unnamed) + " out"
    return label


def unit_of(column: str) -> str:
    """The unit a column's name carries (``""`` for a dimensionless one such as Mach)."""
    last = column.rsplit(".", 1)[-1]
    for suffix, unit in _UNITS:
        if last.endswith(suffix):
            return unit
    return ""


def readable(column: str) -> str:
    """A column or quantity name in words, without its unit suffix.

    ``body.descent_stage.distance_from_rover_m`` -> "descent stage: distance from rover",
    ``parachute_deploy.mach`` -> "parachute deploy: Mach", ``peak.heat_rate_w_cm2`` ->
    "peak heat rate", ``propellant_remaining_kg`` -> "propellant remaining".
    """
    parts = column.split(".")
    if parts[0] == "body" and len(parts) == 3:
        parts = parts[1:]
    if parts[0] == "peak" and len(parts) == 2:
        parts = [f"peak_{parts[1]}"]
    last = parts[-1]
    for suffix, unit in _UNITS:
        if last.endswith(suffix) and unit:
            last = last[: -len(suffix)]
            break
    words = [_WORDS.get(w, w) for w in last.split("_")]
    head = [_EVENT_LABELS.get(p, p.replace("_", " ")) for p in parts[:-1]]
    return ": ".join([*head, " ".join(words)])


def format_value(value: float | None, unit: str = "") -> str:
    """A number as people read it, with its unit: ``10,050 m``, ``0.75 m/s``, ``1.74``.

    No exponent notation: four significant figures at most below 1,000, whole
    numbers with thousands separators above, and three decimals at most (a
    speed of 7e-7 m/s reads ``0.000 m/s``). ``–`` for a missing value.
    """
    if value is None or not math.isfinite(value):
        text = "–"
    else:
        size = abs(value)
        decimals = 3 if size == 0.0 else min(3, max(0, 3 - math.floor(math.log10(size))))
        text = f"{value:,.{decimals}f}".replace("-", MINUS)
    return f"{text} {unit}" if unit and unit != "°" else (text + unit)


def with_unit(column: str, value: float | None) -> str:
    """``format_value`` with the unit the column's name carries."""
    return format_value(value, unit_of(column))


def _t_touchdown(before_s: float | None) -> str:
    """T-12.3 before touchdown, T+2.0 after; blank when there was none."""
    if before_s is None:
        return ""
    return f"T{MINUS}{before_s:.1f}" if before_s >= 0.0 else f"T+{-before_s:.1f}"


def in_atmosphere(ev, top_m: float) -> bool:
    """Whether event ``ev`` happened inside the atmosphere model (at or below its top): above
    it the model only extrapolates and a Mach number means nothing (4.7 km/s read Mach 0.00)."""
    return ev.altitude_m <= top_m and math.isfinite(ev.mach)


def _km(value_m: float) -> str:
    """Kilometres to the metre near the ground, fewer decimals high up (6 characters)."""
    size = abs(value_m)
    decimals = 3 if size < 10e3 else (2 if size < 100e3 else 1)
    text = f"{value_m / 1e3:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0.0 else text.replace("-", MINUS)


def _speed(value_m_s: float) -> str:
    return f"{value_m_s:.0f}" if abs(value_m_s) >= 1000.0 else f"{value_m_s:.1f}"


def timeline_table(result, width: int = 80) -> Table:
    """Every event once, in time order, as the public tells it; fits ``width`` columns.

    Columns: public label, E+ [s], T-/T+ [s], altitude above ground and above
    datum [km], speed [m/s], Mach, q [Pa]; latitude and longitude from
    :data:`WIDE_COLUMNS` on. The label column wraps at spaces; numbers never wrap.
    """
    wide = width >= WIDE_COLUMNS
    elevation = result.site.get("site_elevation_m") if result.site else None
    caption = (
        None
        if elevation is None
        else escape(
            f"above ground: over the landing site's ground, {format_value(abs(elevation), 'm')} "
            f"{'below' if elevation < 0.0 else 'above'} the datum; above datum: over the "
            "reference ellipsoid"
        )
    )
    table = Table(
        title=escape(f"{result.title}: {result.status_text}"),
        caption=caption,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("event", overflow="fold", min_width=17)
    above = HEIGHT_LABELS[ALTITUDE_ABOVE_GROUND.name].split(" ", 1)[1].replace(" ", "\n")
    datum = HEIGHT_LABELS[ALTITUDE.name].split(" ", 1)[1].replace(" ", "\n")
    headers = [
        "E+\n[s]",
        "T\n[s]",
        f"{above}\n[km]",
        f"{datum}\n[km]",
        "speed\n[m/s]",
        "Mach",
        "q\n[Pa]",
    ] + (["lat\n[°]", "lon\n[°]"] if wide else [])
    for col in headers:
        table.add_column(escape(col), justify="right", no_wrap=True)
    top_m = getattr(result, "atmosphere_top_m", math.inf)
    for ev in result.events:
        row = [
            escape(event_label(ev.name, ev.jettisoned)),
            f"{ev.t_s:.1f}".replace("-", MINUS),
            _t_touchdown(ev.t_before_touchdown_s),
            _km(ev.altitude_above_ground_m),
            _km(ev.altitude_m),
            _speed(ev.speed_m_s),
            f"{ev.mach:.2f}" if in_atmosphere(ev, top_m) else "–",
            f"{ev.dynamic_pressure_pa:.0f}",
        ]
        if wide:
            row += [f"{ev.latitude_deg:.4f}", f"{ev.longitude_deg:.4f}"]
        table.add_row(*row)
    return table


def hardware_table(result, width: int = 80) -> Table:
    """Where every piece of hardware came to rest, relative to the rover; fits ``width``.

    A rover that met the ground faster than its landing system allows is
    ``crashed``, never ``at rest``. On Earth the status says what the piece rests on
    (``at rest, ocean``: :attr:`BodyRest.surface <skycrane.results.BodyRest.surface>`).
    """
    wide = width >= WIDE_COLUMNS
    table = Table(
        title="where every piece of hardware came to rest",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    capsule = any(b.distance_from_capsule_m is not None for b in result.bodies)
    anchor = "capsule" if capsule else "rover"
    headers = [f"from\n{anchor}\n[m]", "bearing\n[°]", "impact\n[m/s]", "at rest\nE+ [s]"]
    headers[0:0] = ["lat\n[°]", "lon\n[°]"] if wide else []
    table.add_column("body", overflow="fold", min_width=20)
    for col in headers:
        table.add_column(escape(col), justify="right", no_wrap=True)
    table.add_column("status", overflow="fold")

    def fmt(value, spec):
        return "" if value is None else format(value, spec).replace("-", MINUS)

    for b in result.bodies:
        row = [
            escape(b.name.replace("_", " ")),
            fmt(b.distance_from_landed_m, ",.0f"),
            fmt(b.bearing_from_landed_deg, ".0f"),
            fmt(b.impact_speed_m_s, ".1f"),
            fmt(b.t_rest_s, ".1f"),
            escape(b.status if b.surface is None else f"{b.status}, {b.surface}"),
        ]
        row[1:1] = [fmt(b.latitude_deg, ".4f"), fmt(b.longitude_deg, ".4f")] if wide else []
        table.add_row(*row)
    return table


def heating_table(result, width: int = 80) -> Table:
    """The heating pulses of ``result`` (:attr:`Result.heating`), one row each; fits ``width``.

    Peak rate and load are totals (convective + radiative); their radiative
    parts get columns of their own only when there is radiative heating, and
    the soak (since the previous pulse ended) only when there is more than one pulse.
    """
    rows = result.heating
    radiative = any((r["load_j_cm2"]["radiative"] or 0.0) > 0.0 for r in rows)
    several = len(rows) > 1
    table = Table(
        title="heating pulses (stagnation-point rate above the pulse threshold)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    headers = ["pulse", "start\nE+ [s]", "end\nE+ [s]"]
    headers += ["soak\n[s]"] if several else []
    headers += ["peak at\nE+ [s]", "peak\n[W/cm²]"]
    headers += ["radiative\n[W/cm²]"] if radiative else []
    headers += ["load\n[J/cm²]"]
    headers += ["radiative\n[J/cm²]"] if radiative else []
    for col in headers:
        table.add_column(escape(col), justify="right", no_wrap=True)

    def number(value: float | None, spec: str) -> str:
        return "" if value is None else format(value, spec).replace("-", MINUS)

    for r in rows:
        row = [str(r["pulse"]), number(r["start_s"], ".1f"), number(r["end_s"], ".1f")]
        if several:
            row.append(number(r["soak_before_s"], ".1f"))
        row += [number(r["peak_time_s"], ".1f"), number(r["peak_w_cm2"]["total"], ".1f")]
        if radiative:
            row.append(number(r["peak_w_cm2"]["radiative"], ".1f"))
        row.append(number(r["load_j_cm2"]["total"], ".0f"))
        if radiative:
            row.append(number(r["load_j_cm2"]["radiative"], ".0f"))
        table.add_row(*row)
    return table


def outcome_lines(result) -> list[str]:
    """The peaks, then touchdown as it happened, then (for a failed flight) the failure.

    A touchdown is called one only when the flight landed; a rover that met
    the ground too fast, or before powered descent, "hit the ground". The
    propellant is given only when the descent stage's books balance.
    """
    p = result.peaks
    lines = [
        f"peaks: deceleration {p['deceleration_earth_g']:.2f} g, "
        f"heat rate {p['heat_rate_w_cm2']:.1f} W/cm², "
        f"dynamic pressure {p['dynamic_pressure_pa']:.0f} Pa, "
        f"heat load {p['heat_load_j_cm2']:.0f} J/cm²"
        + (
            f", parachute load {p['parachute_load_n'] / 1e3:.1f} kN"
            if "parachute_load_n" in p
            else ""
        )
    ]
    td = result.touchdown
    if td is not None:
        speeds = (
            f"E+{td['t_s']:.1f} s, {td['vertical_speed_m_s']:.2f} m/s down, "
            f"{td['horizontal_speed_m_s']:.3f} m/s horizontal, "
            f"{td['miss_distance_m']:.1f} m from the target"
        )
        propellant = result.propellant_remaining_kg
        left = (
            ""
            if propellant is None or math.isnan(propellant)
            else f"; propellant left {propellant:.1f} kg"
        )
        if result.ok:
            lines.append(f"touchdown: {speeds}{left}")
        elif "airbag_peak_deceleration_g" not in td:
            lines.append(f"the rover hit the ground (not a landing): {speeds}")
        else:
            lines.append(f"touchdown: {speeds}")
        if "airbag_peak_deceleration_g" in td:
            lines.extend(airbag_lines(td))
    if not result.ok:
        text = result.status_text
        said = text.startswith("during ")  # the reason already names its phase
        lines.append(f"FAILED {text}" if said else f"FAILED during {result.failure_phase}: {text}")
    return lines


def airbag_lines(td: dict) -> list[str]:
    """The airbag landing and the landing rules' surface-wind check, in words."""
    bounce = (
        f"rebound {td['rebound_height_m']:.2f} m at {td['rebound_speed_m_s']:.2f} m/s"
        if td["rebound_speed_m_s"] > 0.0
        else "no rebound"
    )
    bottom = td["airbag_bottoming_speed_m_s"]
    stroke = (
        f"out of stroke at {bottom:.2f} m/s"
        if bottom > 0.0
        else f"stroke {td['airbag_stroke_m']:.2f} m"
    )
    wind, limit = td["surface_wind_m_s"], td["surface_wind_max_m_s"]
    verdict = "PASS" if wind <= limit else "FAIL"
    return [
        f"airbags: peak deceleration {td['airbag_peak_deceleration_g']:.1f} g, {stroke}, "
        f"{bounce}, sliding {td['slide_speed_m_s']:.2f} m/s at the end of the contact",
        f"surface wind {wind:.2f} m/s against the landing rules' {limit:.2f} m/s: {verdict}",
    ]


# --- the Monte Carlo's console tables (printed by skycrane.cli_mc) ----------------------


def boundary_line(b: dict) -> str:
    """The probability that hardware lands outside the range's boundary, in words."""

    def said(p: dict) -> str:
        if p["probability"] is None:
            return "no cases"
        low, high = p["ci95"]
        return (
            f"{100 * p['probability']:.2f} % ({p['outside']} of {p['cases']}; "
            f"95 % interval {100 * low:.2f}-{100 * high:.2f} %)"
        )

    parts = ", ".join(
        f"{name.replace('_', ' ')}{'' if p.get('held', True) else ' (not held)'} {said(p)}"
        for name, p in b["bodies"].items()
    )
    return f"outside the range's boundary: any part held {said(b['any_part'])}; {parts}"


def surface_line(counts: dict) -> str:
    """Where each body came to rest, land or ocean, over the landed cases, in words."""
    parts = "; ".join(
        f"{name.replace('_', ' ')}: {c['land']} on land, {c['ocean']} in the ocean"
        for name, c in counts.items()
    )
    return f"at rest (landed cases): {parts}"


def percentile_row(column: str, p: dict) -> tuple[str, ...]:
    """A row of the Monte Carlo's event-conditions table: name in words, then p1, median,
    p99 with their unit (``descent stage: distance from rover``, ``10,050 m`` ...)."""
    unit = unit_of(column)
    return (
        escape(readable(column)),
        *(format_value(p.get(k), unit) for k in ("p1", "p50", "p99")),
    )


def margin_line(name: str, m: dict) -> str:
    """One margin of the Monte Carlo summary in words, with units: what is left of a limit
    at the worst percentile (``parachute deploy: Mach: margin 0.31 (limit 2.2, p99 1.89)``)."""
    unit = unit_of(name)
    worst = "p99" if "p99" in m else "p1"
    return (
        f"margin, {readable(name)}: {format_value(m['margin'], unit)} "
        f"(limit {format_value(m['limit'], unit)}, {worst} {format_value(m.get(worst), unit)})"
    )
