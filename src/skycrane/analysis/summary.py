"""The statistics of a Monte Carlo table: ellipses, crash distances, percentiles, margins, drivers.

Reads only the columns it needs from ``cases.parquet``, so a million-case
table is summarised in well under the memory it would take whole.

One population for every statistic, without censoring: the *landed* cases
(:func:`landed_mask`: the flight completed with the rover at rest on the
ground), whether or not they exceeded a limit
such as the parachute's deploy Mach. Ellipses, crash distances, hardware
probabilities, percentiles, margins and drivers are all computed over it, so
they describe the same flights. Cases that did not land are counted by reason
and summarised apart (``not_landed``); landed cases that exceeded a limit are
counted by reason too (``landed_exceedances``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from skycrane.analysis.boundary import outside_summary
from skycrane.analysis.ellipse import empirical_ellipse, gaussian_ellipse
from skycrane.analysis.sensitivity import group_of, variance_shares_of
from skycrane.contract import layout as L
from skycrane.missions.loader import Mission
from skycrane.planets.surface import LAND, OCEAN

PERCENTILE_COLUMNS = (
    "parachute_deploy.mach",
    "parachute_deploy.dynamic_pressure_pa",
    "parachute_deploy.altitude_above_ground_m",
    "parachute_deploy.t_s",
    "peak.deceleration_earth_g",
    "peak.heat_rate_w_cm2",
    "peak.dynamic_pressure_pa",
    "peak.parachute_load_n",
    "heat_load_j_cm2",
    "heat_shield_separation.speed_m_s",
    "backshell_separation.altitude_above_ground_m",
    "backshell_separation.speed_m_s",
    "touchdown.t_s",
    "touchdown.vertical_speed_m_s",
    "touchdown.horizontal_speed_m_s",
    "touchdown.miss_distance_m",
    "touchdown.surface_wind_m_s",
    "touchdown.airbag_peak_deceleration_g",
    "touchdown.airbag_stroke_m",
    "touchdown.rebound_height_m",
    "propellant_remaining_kg",
    "body.descent_stage.distance_from_rover_m",
    "body.backshell.distance_from_rover_m",
    "body.heat_shield.distance_from_rover_m",
)
SENSITIVITY_OUTPUTS = (
    "body.rover.east_m",
    "body.rover.north_m",
    "body.capsule.east_m",
    "body.capsule.north_m",
    "parachute_deploy.altitude_above_ground_m",
    "parachute_deploy.mach",
    "propellant_remaining_kg",
    "body.descent_stage.distance_from_rover_m",
)
HARDWARE_RADII_M = (100, 150, 200, 300, 500, 1000)
SENSITIVITY_MAX_ROWS = 200_000


def percentiles(values: np.ndarray) -> dict:
    """p1, p50, p99, mean, std, min, max and count of the finite values (None if there are none)."""
    v = values[np.isfinite(values)]
    if v.size == 0:
        return {"n": 0}
    p1, p50, p99 = np.percentile(v, [1, 50, 99])
    return {
        "n": int(v.size),
        "p1": float(p1),
        "p50": float(p50),
        "p99": float(p99),
        "mean": float(v.mean()),
        "std": float(v.std()),
        "min": float(v.min()),
        "max": float(v.max()),
    }


def _column(table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False).astype(float)


class _Columns:
    """Reads one column at a time from the Parquet file (a million rows stay small)."""

    def __init__(self, pf: pq.ParquetFile) -> None:
        self.pf = pf

    def __call__(self, name: str) -> np.ndarray:
        return _column(self.pf.read(columns=[name]), name)


POPULATION = (
    "landed: every case whose flight completed with the rover at rest on the ground, "
    "whether or not it exceeded a limit"
)
"""What every landing statistic of the summary is computed over (stated in ``summary.json``)."""


def landed_mask(column, names, status: np.ndarray) -> np.ndarray:
    """The cases of the statistics' population (:data:`POPULATION`).

    The kernel completed the flight (a crash, a time limit or a failed
    integration is a failed case, whatever positions it left) and, when the
    mission has a rover, the rover has a rest point. Limits checked after the
    flight (the parachute's deploy envelope) do not remove a case.
    ``column(name)`` returns a table column as floats, ``names`` are the
    table's column names and ``status`` the kernel's status codes.
    """
    done = np.asarray(status) == L.ST_STOPPED
    if "body.rover.east_m" in names:
        rover = column("body.rover.east_m"), column("body.rover.north_m")
        return done & np.isfinite(rover[0]) & np.isfinite(rover[1])
    return done


def count_reasons(failure: np.ndarray) -> dict[str, int]:
    """Cases per reason, most frequent first; a case with several reasons counts under each."""
    reasons = Counter(r for f in failure if f for r in str(f).split("; "))
    return dict(reasons.most_common())


def summarize(path: str | Path, mission: Mission) -> dict:
    """The summary dictionary of ``skycrane mc --json`` (and ``summary.json``)."""
    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    base = pf.read(columns=["case", "status", "failure"])
    failure = base.column("failure").to_numpy(zero_copy_only=False)
    status = base.column("status").to_numpy(zero_copy_only=False)
    n = base.num_rows
    failed = failure != ""
    column = _Columns(pf)
    ok = landed_mask(column, names, status)
    out: dict = {
        "mission": mission.name,
        "cases": int(n),
        "failed": int(failed.sum()),
        "failures": count_reasons(failure),
        "population": POPULATION,
        "landed": int(ok.sum()),
        "landed_exceedances": count_reasons(failure[ok]),
        "not_landed": {
            "cases": int((~ok).sum()),
            "reasons": count_reasons(np.where(failure[~ok] == "", "no landing", failure[~ok])),
        },
    }
    bodies = sorted(
        {c.split(".")[1] for c in names if c.startswith("body.") and c.endswith(".east_m")}
    )
    ellipses = {}
    for body in bodies:
        east = column(f"body.{body}.east_m")[ok]
        north = column(f"body.{body}.north_m")[ok]
        if np.sum(np.isfinite(east) & np.isfinite(north)) < 3:
            continue
        ellipses[body] = {
            "p99": empirical_ellipse(east, north, 0.99).to_dict(),
            "gaussian_p99": gaussian_ellipse(east, north, probability=0.99).to_dict(),
            "three_sigma": gaussian_ellipse(east, north, sigma=3.0).to_dict(),
        }
    out["ellipses"] = ellipses
    boundary = outside_summary(column, bodies, ok, mission.spec.site)
    if boundary is not None:
        out["outside_boundary"] = boundary
    surface = surface_counts(pf, bodies, ok)
    if surface:
        out["surface"] = surface
    if "rover" in ellipses:
        keys = ("major_km", "minor_km", "azimuth_deg")
        e = ellipses["rover"]["p99"]
        out["ellipse_99"] = {k: e[k] for k in (*keys, "center_east_m", "center_north_m")}
        out["ellipse_99"]["probability"] = e["contained_fraction"]
        s = ellipses["rover"]["three_sigma"]
        out["ellipse_3sigma"] = {k: s[k] for k in (*keys, "gaussian_probability")}
        out["ellipse_3sigma"]["probability"] = s["contained_fraction"]
    crash_col = "body.descent_stage.distance_from_rover_m"
    if crash_col in names:
        crash = percentiles(column(crash_col)[ok])
        out["crash_distance_m"] = {k: crash.get(k) for k in ("p1", "p50", "p99", "min", "n")}
        hardware = [
            f"body.{b}.distance_from_rover_m"
            for b in bodies
            if b != "rover" and f"body.{b}.distance_from_rover_m" in names
        ]
        nearest = np.full(n, np.inf)
        for c in hardware:
            d = column(c)
            nearest = np.minimum(nearest, np.where(np.isfinite(d), d, np.inf))
        nearest = nearest[ok]
        out["probability_hardware_within_m"] = {
            str(r): float(np.mean(nearest <= r)) if nearest.size else None for r in HARDWARE_RADII_M
        }
        out["nearest_hardware_m"] = percentiles(nearest[np.isfinite(nearest)])
    shown = [c for c in PERCENTILE_COLUMNS if c in names]
    out["percentiles"] = {c: percentiles(column(c)[ok]) for c in shown}
    if not ok.all():
        out["not_landed"]["percentiles"] = {c: percentiles(column(c)[~ok]) for c in shown}
    out["margins"] = _margins(out["percentiles"], mission)
    out["sensitivity"] = _sensitivity(pf, names)
    return out


def surface_counts(pf: pq.ParquetFile, bodies: list[str], ok: np.ndarray) -> dict:
    """Per body, how many of the ``ok`` cases it came to rest on land and in the ocean.

    From the table's ``body.<name>.surface`` (skycrane.planets.surface; Earth only: a
    body whose column is empty, as on Mars, is left out).
    """
    out = {}
    for body in bodies:
        name = f"body.{body}.surface"
        if name not in pf.schema_arrow.names:
            continue
        kind = pf.read(columns=[name]).column(name).to_numpy(zero_copy_only=False)[ok]
        if any(k is not None for k in kind):
            out[body] = {k: int(np.sum(kind == k)) for k in (LAND, OCEAN)}
    return out


def _margins(pct: dict, mission: Mission) -> dict:
    chute = mission.spec.parachute
    margins = {}
    limits = (
        ()
        if chute is None
        else (
            ("parachute_deploy_mach", chute.mach_max),
            ("parachute_deploy_dynamic_pressure_pa", chute.dynamic_pressure_max_pa),
        )
    )
    for key, limit in limits:
        p99 = pct.get(key.replace("deploy_", "deploy."), {}).get("p99")
        if p99 is not None:
            margins[key] = {"limit": limit, "p99": p99, "margin": limit - p99}
    prop = pct.get("propellant_remaining_kg", {})
    if "p1" in prop:
        margins["propellant_kg"] = {"limit": 0.0, "p1": prop["p1"], "margin": prop["p1"]}
    return margins


def _sensitivity(pf: pq.ParquetFile, names: list[str]) -> dict:
    inputs = [c for c in names if c.startswith("input.")]
    outputs = [c for c in SENSITIVITY_OUTPUTS if c in names]
    if not inputs or not outputs:
        return {}
    groups_needed, rows = [], 0
    for g in range(pf.metadata.num_row_groups):  # the first cases, whole row groups
        if rows >= SENSITIVITY_MAX_ROWS:
            break
        groups_needed.append(g)
        rows += pf.metadata.row_group(g).num_rows
    extra = [c for c in ("body.rover.east_m", "body.rover.north_m") if c not in outputs]
    table = pf.read_row_groups(groups_needed, columns=inputs + outputs + extra + ["status"])
    table = table.slice(0, SENSITIVITY_MAX_ROWS)
    status = table.column("status").to_numpy(zero_copy_only=False)
    ok = landed_mask(lambda c: _column(table, c), table.schema.names, status)
    x = np.column_stack([_column(table, c) for c in inputs])[ok]
    groups = [group_of(c) for c in inputs]
    ys = {name: _column(table, name)[ok] for name in outputs}
    ys = {name: y for name, y in ys.items() if np.isfinite(y).any()}  # a capsule: no propellant
    fits = variance_shares_of(x, ys, groups)
    return {
        name: {"r2": r2, "shares": shares, "cases": int(ok.sum())}
        for name, (shares, r2) in fits.items()
    }
