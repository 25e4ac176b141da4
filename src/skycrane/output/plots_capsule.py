"""Figures for capsules and skip entries: altitude against downrange, heating pulses,
and the parachute-cluster sequence (matplotlib; no simulation happens here).

Registered in :data:`skycrane.output.plots.FIGURES`; the conventions (``gid`` tags,
units in brackets, ``ax`` to draw into existing axes) are those of
:mod:`skycrane.output.plots`. Extra gids: ``"downrange"`` (the altitude-range
curve), ``"heat_rate:<part>"`` and ``"heat_load:<part>"`` (``convective``,
``radiative``, ``total``), ``"pulse:<k>"`` (a heating pulse's shading and its
number), ``"pulse_peak:<k>"`` and ``"pulse_load:<k>"`` (its annotated peak and
load), ``"soak:<k>"`` (the soak before pulse k, its arrow and label),
``"speed"``, ``"altitude"`` and ``"parachute_force"`` (the cluster-sequence curves).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from skycrane.output import figure_parts as parts
from skycrane.output.event_labels import LABEL_STYLE, event_lines
from skycrane.reduction import lands_itself as is_capsule

SKIP_EVENTS = ("skip_exit", "skip_apogee", "reentry")
"""Events of a skip entry (marked on the altitude-range figure when present)."""
PARACHUTE_EVENT_WORDS = ("parachute", "drogue", "pilot", "main", "cover", "disreef")
"""A cluster event's name contains one of these (besides deploying or releasing a cluster)."""


def downrange_km(result) -> tuple[np.ndarray, np.ndarray]:
    """(t [s], great-circle ground distance along the track from the entry interface [km]).

    From the first sample at or after the entry interface: the sum of the
    haversine distances between successive sub-vehicle points, on a sphere of
    the local radius (the distance from the centre less the altitude).
    """
    tr = result.trajectory
    sel = tr.t_s >= 0.0
    lat = np.radians(tr.latitude_deg[sel])
    lon = np.radians(tr.longitude_deg[sel])
    radius = np.linalg.norm(tr.r_pf_m[sel], axis=1) - tr.altitude_m[sel]
    h = (
        np.sin(np.diff(lat) / 2.0) ** 2
        + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2.0) ** 2
    )
    step = 2.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * (radius[:-1] + radius[1:]) / 2.0
    return tr.t_s[sel], np.concatenate([[0.0], np.cumsum(step)]) / 1e3


RANGE_EVENTS = ("entry_interface", *SKIP_EVENTS, "heat_shield_separation", "touchdown")
"""Events marked on the altitude-range figure besides the peaks and the parachute events."""


def range_events(result, mission=None) -> list:
    """Events marked on the altitude-range figure, from the entry interface on: the entry
    interface, a skip's, the peaks, the parachute events (a disk-gap-band's, a cluster's,
    the backshell's) and touchdown; the guidance phases and the powered descent's many
    events of the last minute are the time-history figures'."""
    acting = set()
    if mission is not None and has_clusters(mission):
        acting = {e.name for e in cluster_events(result, mission)}
    return [
        e
        for e in parts.marked_events(result)
        if e.name in RANGE_EVENTS
        or e.name in acting
        or e.name.startswith("peak_")
        or any(w in e.name for w in PARACHUTE_EVENT_WORDS)
        or e.name == "backshell_separation"
    ]


def altitude_range(result, mission=None, ax: Axes | None = None) -> Figure:
    """Altitude against downrange distance from the entry interface, events marked.

    Through a skip (``skip_exit``, ``skip_apogee``, ``reentry``) to the parachutes and
    touchdown: the events of :func:`range_events` at their downrange distance
    (interpolated in time along the track); markers within a few points share a label.
    """
    fig, ax = parts._one_axes(ax, (8.0, 5.0))
    t, s_km = downrange_km(result)
    tr = result.trajectory
    alt_km = tr.altitude_m[tr.t_s >= 0.0] / 1e3
    ax.plot(s_km, alt_km, lw=1.2, gid="downrange")
    if mission is not None:
        ax.axhline(mission.spec.target.altitude_m / 1e3, ls="--", **parts._GROUND_STYLE)
    ax.set_xlabel("downrange from the entry interface (great circle along the track) [km]")
    ax.set_ylabel("altitude above the ellipsoid [km]")
    ax.set_title(f"{result.mission}: altitude against downrange")
    ax.grid(True, alpha=0.3)
    events = [e for e in range_events(result, mission) if t.size and e.t_s <= t[-1]]
    xs = [float(np.interp(e.t_s, t, s_km)) for e in events]
    _mark_crowded(ax, events, xs, [e.altitude_m / 1e3 for e in events])
    return fig


def _crowds(ax: Axes, xs, ys, min_pt: float) -> list[list[int]]:
    """Indices of the points in runs whose successive markers lie within ``min_pt`` points
    (estimated from the axes' place after the layout, as :func:`parts._label_offsets`)."""
    fig = ax.figure
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    box = ax.get_position()
    w_pt, h_pt = box.width * fig.get_figwidth() * 72.0, box.height * fig.get_figheight() * 72.0
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    px = [(x - x0) / ((x1 - x0) or 1.0) * w_pt for x in xs]
    py = [(y - y0) / ((y1 - y0) or 1.0) * h_pt for y in ys]
    runs: list[list[int]] = []
    for i in range(len(xs)):
        if runs and np.hypot(px[i] - px[runs[-1][-1]], py[i] - py[runs[-1][-1]]) < min_pt:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _mark_crowded(ax: Axes, events, xs, ys, min_pt: float = 24.0) -> None:
    """A marker per event; one label per crowd of markers (the parachute events at the end
    of a long track sit within a few points), naming its events a line each, its gid
    ``"event:<name>,<name>,…"`` as for a numbered series."""
    parts._mark_events(ax, events, xs, ys, runs=_crowds(ax, xs, ys, min_pt))


def has_heating_figure(result, mission) -> bool:
    """Whether the heating figure tells more than the entry-loads figure: heating pulses
    and either more than one (a skip, with its soak), radiative heating (a lunar return)
    or a capsule that lands itself. A Mars lander's one convective pulse is already the
    entry-loads figure's heat rate and load."""

    rows = getattr(result, "heating", None) or []
    radiative = any((r["load_j_cm2"].get("radiative") or 0.0) > 0.0 for r in rows)
    return bool(rows) and (len(rows) > 1 or radiative or is_capsule(mission))


def _heating_window(result) -> tuple[float, float]:
    rows = result.heating
    t0, t1 = min(0.0, rows[0]["start_s"]), rows[-1]["end_s"]
    return t0, t1 + 0.15 * (t1 - t0)


def heating(result, mission=None, ax=None) -> Figure:
    """Heat rate (convective, radiative, total) and cumulative heat load, pulse by pulse.

    Top [W/cm²]: the stagnation-point heat rates; each heating pulse of
    :attr:`Result.heating` shaded with its number and its peak annotated; the soak
    between two pulses (the heat shield soaking back, EARTH.md 1.7) as an arrow
    labelled with its duration. Bottom [J/cm²]: the cumulative heat load, total and
    radiative, with each pulse's load annotated.
    """
    fig, (rate_ax, load_ax) = parts._panels(ax, 2, (8.0, 7.0))
    rate_ax.set_ylabel("heat rate [W/cm²]")
    load_ax.set_ylabel("heat load [J/cm²]")
    load_ax.set_xlabel("time from entry interface [s]")
    rate_ax.set_title(f"{result.mission}: heating pulses")
    if not result.heating:
        parts._no_phase([rate_ax, load_ax], "no heating pulse")
        return fig
    tr = result.trajectory
    t0, t1 = _heating_window(result)
    sel = parts._window(result, t0, t1)
    t = tr.t_s[sel]
    total, rad = tr.heat_rate_w_cm2[sel], tr.radiative_heat_rate_w_cm2[sel]
    for part, y, style in (
        ("total", total, {"lw": 1.4, "color": "k"}),
        ("convective", total - rad, {"lw": 1.0, "color": "tab:red"}),
        ("radiative", rad, {"lw": 1.0, "color": "tab:purple"}),
    ):
        rate_ax.plot(t, y, gid=f"heat_rate:{part}", label=part, **style)
    load, rad_load = tr.heat_load_j_cm2[sel], tr.radiative_heat_load_j_cm2[sel]
    load_ax.plot(t, load, lw=1.4, color="k", gid="heat_load:total", label="total")
    load_ax.plot(
        t, rad_load, lw=1.0, color="tab:purple", gid="heat_load:radiative", label="radiative"
    )
    rate_ax.set_ylim(0.0, 1.3 * max(float(np.max(total)), 1e-9))
    top = rate_ax.get_ylim()[1]
    for r in result.heating:
        k = r["pulse"]
        for a in (rate_ax, load_ax):
            a.axvspan(r["start_s"], r["end_s"], color="tab:orange", alpha=0.15, gid=f"pulse:{k}")
        rate_ax.text(
            (r["start_s"] + r["end_s"]) / 2.0,
            0.97 * top,
            f"pulse {k}",
            ha="center",
            va="top",
            fontsize=8,
            gid=f"pulse:{k}",
        )
        peak = r["peak_w_cm2"]["total"]
        if peak is not None and r["peak_time_s"] is not None:
            rate_ax.scatter(
                [r["peak_time_s"]], [peak], s=18, color="tab:red", zorder=3, gid=f"pulse_peak:{k}"
            )
            rate_ax.annotate(
                f"peak {peak:.0f} W/cm²",
                (r["peak_time_s"], peak),
                xytext=(4, 4),
                ha="left",
                va="bottom",
                gid=f"pulse_peak:{k}",
                **LABEL_STYLE,
            )
        end_load = float(np.interp(r["end_s"], t, load))
        load_ax.annotate(
            f"pulse {k}: {r['load_j_cm2']['total']:,.0f} J/cm²",
            (r["end_s"], end_load),
            xytext=(4, -4),
            ha="left",
            va="top",
            gid=f"pulse_load:{k}",
            **LABEL_STYLE,
        )
        soak = r["soak_before_s"]
        if soak is not None:
            t_a, t_b = r["start_s"] - soak, r["start_s"]
            y = 0.5 * top
            rate_ax.annotate(
                "",
                (t_a, y),
                xytext=(t_b, y),
                textcoords="data",
                arrowprops={"arrowstyle": "<->", "lw": 0.8, "color": "tab:blue"},
                gid=f"soak:{k}",
            )
            rate_ax.text(
                (t_a + t_b) / 2.0,
                y,
                f"soak {soak:.0f} s",
                ha="center",
                va="bottom",
                fontsize=8,
                color="tab:blue",
                gid=f"soak:{k}",
            )
    for a in (rate_ax, load_ax):
        a.legend(fontsize=7, loc="center right")
        a.grid(True, alpha=0.3)
        a.set_xlim(t0, t1)
    return fig


def has_clusters(mission) -> bool:
    """Parachute clusters and no disk-gap-band: the capsule's parachute sequence."""
    spec = getattr(mission, "spec", None)
    return (
        bool(getattr(spec, "parachute_clusters", None)) and getattr(spec, "parachute", None) is None
    )


def cluster_events(result, mission) -> list:
    """Events that deploy or release a cluster (by the mission's sequence), or whose name
    speaks of a parachute, the forward bay cover or a disreef."""
    from skycrane.reduction import sequence_events

    acting = {
        ev.name for ev in sequence_events(mission) if ev.deploy_parachutes or ev.release_parachutes
    }
    return [
        e
        for e in result.events
        if e.name in acting or any(w in e.name for w in PARACHUTE_EVENT_WORDS)
    ]


def cluster_phase(result, mission, ax=None) -> Figure:
    """Speed, altitude and parachute force from the first cluster deploy to touchdown.

    Every deploy and release of the mission's ``[parachute_clusters]`` (and the
    touchdown) a labelled vertical line; the peak parachute load marked at its
    refined value (the opening shock falls between the samples).
    """
    fig, axes = parts._panels(ax, 3, (7.0, 8.0))
    speed_ax, alt_ax, force_ax = axes
    speed_ax.set_ylabel("speed [m/s]")
    alt_ax.set_ylabel("altitude above the ellipsoid [km]")
    force_ax.set_ylabel("parachute force [kN]")
    force_ax.set_xlabel("time from entry interface [s]")
    speed_ax.set_title(f"{result.mission}: parachute sequence")
    events = sorted(cluster_events(result, mission), key=lambda e: e.t_s)
    tr = result.trajectory
    if not events:
        parts._no_phase(axes, "no parachute deployment")
        return fig
    t0 = events[0].t_s
    t1 = parts._event_time(result, "touchdown", default=float(tr.t_s[-1]))
    sel = parts._window(result, t0 - 5.0, t1 + 2.0)
    t = tr.t_s[sel]
    speed_ax.plot(t, tr.speed_m_s[sel], lw=1.2, gid="speed")
    alt_ax.plot(t, tr.altitude_m[sel] / 1e3, lw=1.2, gid="altitude")
    force_ax.plot(t, tr.parachute_force_n[sel] / 1e3, lw=1.2, gid="parachute_force")
    shown = {e.name for e in events} | {"touchdown"}
    only = SimpleNamespace(events=[e for e in result.events if e.name in shown])
    for a in axes:
        event_lines(a, only, t0 - 5.0, t1 + 2.0, peaks=False)
        a.grid(True, alpha=0.3)
    pk = next((e for e in result.events if e.name == "peak_parachute_load"), None)
    if pk is not None and pk.value is not None:  # the opening shock, between samples
        parts._mark_events(force_ax, [pk], [pk.t_s], [pk.value / 1e3])
    return fig
