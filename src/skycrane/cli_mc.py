"""``skycrane mc``: the Monte Carlo command (registered by :mod:`skycrane.cli`).

Runs :func:`skycrane.montecarlo.run_monte_carlo` with a progress bar on
standard error, then prints the summary as a table, or as JSON with
``--json``. Ctrl-C keeps every finished chunk and says how to resume.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from skycrane._json import finite_json
from skycrane.output.text import margin_line, percentile_row, readable

JSON_KEYS = (
    "cases",
    "failed",
    "ellipse_99",
    "crash_distance_m",
    "probability_hardware_within_m",
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
        task = bar.add_task(f"{mission.name}: cases", total=n_cases)

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


def _print_summary(s: dict, run) -> None:
    out = Console()
    out.print(
        escape(
            f"{s['mission']}: {s['cases']} cases, {s['failed']} failed; "
            f"{run.n_computed} computed now at {run.throughput_cases_per_s:.0f} cases/s; "
            f"table {run.out_dir / 'cases.parquet'}"
        )
    )
    for reason, count in s.get("failures", {}).items():
        out.print(escape(f"  failed: {count} x {reason}"))
    t = Table(title="landing ellipses (empirical 99 %: contains 99 % of the cases)")
    for col in ("body", "major [km]", "minor [km]", "azimuth [°]", "3σ holds"):
        t.add_column(escape(col), justify="left" if col == "body" else "right", overflow="fold")
    for body, e in s.get("ellipses", {}).items():
        p99, s3 = e["p99"], e["three_sigma"]
        t.add_row(
            escape(body.replace("_", " ")),
            f"{p99['major_km']:.2f}",
            f"{p99['minor_km']:.2f}",
            f"{p99['azimuth_deg']:.0f}",
            f"{100 * s3['contained_fraction']:.1f} %",
        )
    out.print(t)
    if "crash_distance_m" in s:
        c = s["crash_distance_m"]
        out.print(
            f"descent-stage crash from the rover: p1 {c['p1']:.0f} m, "
            f"median {c['p50']:.0f} m, p99 {c['p99']:.0f} m (closest {c['min']:.0f} m)"
        )
        near = ", ".join(
            f"{r} m: {100 * p:.2f} %"
            for r, p in s["probability_hardware_within_m"].items()
            if p is not None
        )
        out.print(f"probability that any hardware lands within ... of the rover: {near}")
    t = Table(title="event conditions")
    for col in ("quantity", "p1", "median", "p99"):
        t.add_column(escape(col), justify="left" if col == "quantity" else "right")
    for name, p in s.get("percentiles", {}).items():
        if p.get("n"):
            t.add_row(*percentile_row(name, p))
    out.print(t)
    for name, m in s.get("margins", {}).items():
        out.print(escape(margin_line(name, m)))
    t = Table(title="main drivers (share of the variance, linear regression)")
    for col in ("output", "R²", "drivers"):
        t.add_column(escape(col))
    for name, sens in s.get("sensitivity", {}).items():
        top = ", ".join(f"{g} {100 * v:.0f} %" for g, v in list(sens["shares"].items())[:3])
        t.add_row(escape(readable(name)), f"{sens['r2']:.2f}", top)
    out.print(t)
