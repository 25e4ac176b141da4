"""``skycrane mc``: the Monte Carlo command (registered by :mod:`skycrane.cli`).

Runs :func:`skycrane.montecarlo.run_monte_carlo` with a progress bar on
standard error, then prints the summary as a table, or as JSON with
``--json``. Ctrl-C keeps every finished chunk and says how to resume.
"""

from __future__ import annotations

import json
import math

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from skycrane._json import finite_json
from skycrane.output.text import (
    boundary_line,
    margin_line,
    percentile_row,
    readable,
    surface_line,
)

JSON_KEYS = (
    "cases",
    "failed",
    "landed",
    "population",
    "failures",
    "ellipse_99",
    "crash_distance_m",
    "probability_hardware_within_m",
    "outside_boundary",
    "surface",
    "throughput_cases_per_s",
)


def run_mc(mission, n_cases, seed, out_dir, workers, cluster, resume, chunk_size, as_json):
    """Run the Monte Carlo and print its summary; returns the summary dict."""
    from skycrane.montecarlo import run_monte_carlo

    err = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    ) as bar:
        task = bar.add_task(f"{escape(mission.name)}: cases", total=n_cases)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            run = run_monte_carlo(
                mission,
                n_cases,
                seed,
                out_dir,
                workers=workers,
                cluster=cluster,
                resume=resume,
                chunk_size=chunk_size,
                progress=progress,
            )
        except KeyboardInterrupt:
            err.print(
                f"interrupted: finished chunks are kept in {out_dir}; "
                "run the same command with --resume to complete it"
            )
            raise typer.Exit(130) from None
    summary = run.summary
    if as_json:
        doc = {key: summary.get(key) for key in JSON_KEYS}
        doc["output"] = str(run.out_dir)
        doc["summary_file"] = str(run.out_dir / "summary.json")
        typer.echo(json.dumps(finite_json(doc), indent=2))
    else:
        _print_summary(summary, run)
    return summary


def _f(value, spec: str) -> str:
    """``value`` formatted, or an em dash when there is none (no case landed)."""
    if value is None or not math.isfinite(value):
        return "—"
    return format(value, spec)


def _print_summary(s: dict, run) -> None:
    out = Console()
    out.print(
        escape(
            f"{s['mission']}: {s['cases']} cases, {s.get('landed', 0)} landed, "
            f"{s['failed']} failed; {run.n_computed} computed now at "
            f"{_f(run.throughput_cases_per_s, '.0f')} cases/s; "
            f"table {run.out_dir / 'cases.parquet'}"
        ),
        soft_wrap=True,
    )
    not_landed = s.get("not_landed", {})
    for reason, count in not_landed.get("reasons", {}).items():
        out.print(escape(f"  did not land: {count} x {reason}"), soft_wrap=True)
    for reason, count in s.get("landed_exceedances", {}).items():
        out.print(
            escape(f"  landed, counted in the statistics: {count} x {reason}"), soft_wrap=True
        )
    out.print(escape(f"statistics over: {s.get('population', 'every case')}"), soft_wrap=True)
    t = Table(title="landing ellipses (empirical 99 %: contains 99 % of the cases)")
    for col in ("body", "major [km]", "minor [km]", "azimuth [°]", "3σ holds"):
        t.add_column(escape(col), justify="left" if col == "body" else "right", overflow="fold")
    for body, e in s.get("ellipses", {}).items():
        p99, s3 = e["p99"], e["three_sigma"]
        t.add_row(
            escape(body.replace("_", " ")),
            _f(p99["major_km"], ".2f"),
            _f(p99["minor_km"], ".2f"),
            _f(p99["azimuth_deg"], ".0f"),
            f"{_f(100 * s3['contained_fraction'], '.1f')} %",
        )
    out.print(t)
    if "outside_boundary" in s:
        out.print(escape(boundary_line(s["outside_boundary"])), soft_wrap=True)
    if "surface" in s:
        out.print(escape(surface_line(s["surface"])), soft_wrap=True)
    if "crash_distance_m" in s:
        c = s["crash_distance_m"]
        out.print(
            f"descent-stage crash from the rover: p1 {_f(c['p1'], '.0f')} m, "
            f"median {_f(c['p50'], '.0f')} m, p99 {_f(c['p99'], '.0f')} m "
            f"(closest {_f(c['min'], '.0f')} m)"
        )
        near = ", ".join(
            f"{r} m: {100 * p:.2f} %"
            for r, p in s["probability_hardware_within_m"].items()
            if p is not None
        )
        if near:
            out.print(f"probability that any hardware lands within ... of the rover: {near}")
    out.print(_percentile_table("event conditions of the landed cases", s.get("percentiles", {})))
    if not_landed.get("percentiles"):
        title = "event conditions of the cases that did not land (not in the statistics above)"
        out.print(_percentile_table(title, not_landed["percentiles"]))
    for name, m in s.get("margins", {}).items():
        out.print(escape(margin_line(name, m)))
    t = Table(title="main drivers (share of the variance, linear regression)")
    for col in ("output", "R²", "drivers"):
        t.add_column(escape(col))
    for name, sens in s.get("sensitivity", {}).items():
        top = ", ".join(f"{g} {100 * v:.0f} %" for g, v in list(sens["shares"].items())[:3])
        t.add_row(escape(readable(name)), _f(sens["r2"], ".2f"), top)
    out.print(t)


def _percentile_table(title: str, pct: dict) -> Table:
    t = Table(title=title)
    for col in ("quantity", "p1", "median", "p99", "cases"):
        t.add_column(escape(col), justify="left" if col == "quantity" else "right")
    for name, p in pct.items():
        if p.get("n"):
            t.add_row(*percentile_row(name, p), str(p["n"]))
    return t
