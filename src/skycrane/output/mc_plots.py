"""Figures of a Monte Carlo (a ``cases.parquet`` table and its summary); no simulation here.

* :func:`mc_site_map`: every body's rest points around the target with their
  empirical 99 % ellipses (near field in metres, everything in kilometres).
* :func:`mc_histograms`: the event conditions that carry limits, with the
  limits and the 1st/99th percentiles drawn.

Positions are the table's azimuthal-equidistant east/north about the target
(see :mod:`skycrane.reduction`). Both figures draw the summary's population,
the landed cases, as the statistics do; with a ``"landed"`` mask among the
columns, the cases that did not land are drawn apart, in grey. Artists carry ``gid`` tags
(``"scatter:<body>"``, ``"ellipse:<body>"``, ``"limit:<column>"``) so a
figure's content can be checked.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from skycrane.analysis.ellipse import Ellipse
from skycrane.output.map_layers import (
    body_colors,
    draw_hillshade,
    draw_published_ellipse,
    plain_numbers,
)

NEAR_BODIES = ("rover", "descent_stage", "backshell", "heat_shield")
MAX_POINTS = 20_000
"""Points drawn per body (a deterministic thinning of larger runs; statistics use all)."""

HISTOGRAMS = (
    ("parachute_deploy.mach", "parachute deploy Mach [-]", "mach_max"),
    ("parachute_deploy.dynamic_pressure_pa", "parachute deploy q [Pa]", "q_max"),
    (
        "parachute_deploy.altitude_above_ground_m",
        "parachute deploy altitude above ground [m]",
        None,
    ),
    ("peak.deceleration_earth_g", "peak deceleration [Earth g]", None),
    (
        "backshell_separation.altitude_above_ground_m",
        "backshell separation altitude above ground [m]",
        None,
    ),
    ("touchdown.vertical_speed_m_s", "touchdown vertical speed [m/s]", None),
    ("propellant_remaining_kg", "propellant at touchdown [kg]", "zero"),
    ("body.descent_stage.distance_from_rover_m", "descent-stage crash from rover [m]", None),
)


def _ellipse(d: dict) -> Ellipse:
    keys = Ellipse.__dataclass_fields__
    return Ellipse(**{k: d[k] for k in keys})


def _thin(values: np.ndarray) -> np.ndarray:
    step = max(1, values.shape[0] // MAX_POINTS)
    return values[::step]


def _landed(columns: dict[str, np.ndarray]) -> np.ndarray | None:
    """The ``"landed"`` mask of the columns (the statistics' population), if given."""
    mask = columns.get("landed")
    return None if mask is None else np.asarray(mask, dtype=bool)


def mc_site_map(columns: dict[str, np.ndarray], summary: dict, mission=None) -> Figure:
    """Rest points of every body with the empirical 99 % ellipse of each.

    ``columns`` maps column names of ``cases.parquet`` to arrays (at least the
    ``body.<name>.east_m/north_m`` columns); ``summary`` is ``summary.json``.
    Rest points of cases that did not land (``columns["landed"]`` false) are grey.
    With the ``mission``, the near field is drawn on its terrain's hillshade
    and the published landing ellipse on the overall panel. Each body has its
    own strong colour (skycrane.output.map_layers.body_colors) and a legend.
    """
    landed = _landed(columns)
    fig = Figure(figsize=(12.0, 5.5), layout="constrained")
    near, far = fig.subplots(1, 2)
    ellipses = summary.get("ellipses", {})
    bodies = sorted(
        {c.split(".")[1] for c in columns if c.startswith("body.") and c.endswith(".east_m")}
    )
    colors = body_colors(bodies)
    if mission is not None:
        draw_hillshade(near, mission.terrain)
        draw_published_ellipse(far, mission, 1e3)
    for ax, scale, unit, which in (
        (near, 1.0, "m", [b for b in NEAR_BODIES if b in bodies]),
        (far, 1e3, "km", bodies),
    ):
        for body in which:
            east = _thin(columns[f"body.{body}.east_m"]) / scale
            north = _thin(columns[f"body.{body}.north_m"]) / scale
            ok = np.isfinite(east) & np.isfinite(north)
            if landed is not None:
                out = ok & ~_thin(landed)
                ok &= _thin(landed)
                if out.any():
                    ax.scatter(
                        east[out],
                        north[out],
                        s=4,
                        marker="x",
                        color="0.5",
                        lw=0.5,
                        gid=f"scatter-not-landed:{body}",
                    )
            ax.scatter(
                east[ok],
                north[ok],
                s=3,
                alpha=0.6,
                linewidths=0,
                color=colors[body],
                gid=f"scatter:{body}",
                label=body if ax is near or body not in NEAR_BODIES else None,
            )
            if body in ellipses:
                pts = _ellipse(ellipses[body]["p99"]).boundary() / scale
                ax.plot(pts[:, 0], pts[:, 1], color=colors[body], lw=1.2, gid=f"ellipse:{body}")
        ax.scatter([0.0], [0.0], marker="x", s=60, color="k", gid="target", zorder=4)
        ax.set_xlabel(f"east of target [{unit}]")
        ax.set_ylabel(f"north of target [{unit}]")
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(True, alpha=0.3)
        plain_numbers(ax)
    near.set_title(f"{summary.get('mission', '')}: {summary.get('cases', 0)} cases, 99 % ellipses")
    far.set_title("every body (km)")
    for ax in (near, far):
        if not ax.get_legend_handles_labels()[0]:  # a capsule has no near-field hardware
            continue
        legend = ax.legend(fontsize=7, markerscale=4, loc="best")
        for handle in legend.legend_handles:
            handle.set_alpha(1.0)
    return fig


def mc_histograms(
    columns: dict[str, np.ndarray], summary: dict, limits: dict[str, float]
) -> Figure:
    """Histograms of the event conditions, with their limits and 1st/99th percentiles.

    ``limits`` holds ``mach_max`` and ``q_max`` (the parachute's qualification).
    """
    shown = [h for h in HISTOGRAMS if h[0] in columns]
    n_cols = 4
    n_rows = max(1, -(-len(shown) // n_cols))
    fig = Figure(figsize=(3.2 * n_cols, 2.6 * n_rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols)).ravel()
    pct = summary.get("percentiles", {})
    landed = _landed(columns)
    for ax, (col, label, limit) in zip(axes, shown, strict=False):
        finite = np.isfinite(columns[col])
        own = finite if landed is None else finite & landed
        if landed is not None and (finite & ~landed).any():
            ax.hist(
                [columns[col][own], columns[col][finite & ~landed]],
                bins=50,
                stacked=True,
                color=["tab:blue", "0.6"],
                label=["landed", "did not land"],
            )
            ax.legend(fontsize=6)
        else:
            ax.hist(columns[col][own], bins=50, color="tab:blue", alpha=0.8)
        ax.set_xlabel(label, fontsize=8)
        ax.set_ylabel("cases [-]", fontsize=8)
        ax.tick_params(labelsize=7)
        plain_numbers(ax)
        p = pct.get(col, {})
        for key in ("p1", "p99"):
            if key in p:
                ax.axvline(p[key], color="k", ls=":", lw=0.8)
        value = {"mach_max": limits.get("mach_max"), "q_max": limits.get("q_max"), "zero": 0.0}.get(
            limit
        )
        if value is not None:
            ax.axvline(value, color="tab:red", lw=1.5, gid=f"limit:{col}")
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    fig.suptitle("Monte Carlo event conditions (red: limit; dotted: 1st and 99th percentiles)")
    return fig
