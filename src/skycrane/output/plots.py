"""Figures of one simulated case (matplotlib; no simulation happens here).

Every function takes a :class:`skycrane.results.Result` (and, where it needs
the target or the planet, the :class:`skycrane.Mission` it came from) and
returns a :class:`matplotlib.figure.Figure`. Figures are built with
:class:`matplotlib.figure.Figure` directly, so they work with any backend and
are never shown; pass ``ax`` (one Axes, or a sequence of them for the
multi-panel figures) to draw into an existing figure. Times are seconds from
the entry interface; every axis label carries its unit in brackets.

Artists carry ``gid`` tags so that a figure's content can be checked:
``"event:<name>"`` for an event marker and its label (a numbered series close in
time shares one label, tagged ``"event:<name>,<name>,…"``), ``"body:<name>"`` for a
body's rest point on the site map, ``"target"``, ``"flyaway_track"``,
``"ground"`` (the ground line of the altitude figures) and the map layers of
:mod:`skycrane.output.map_layers` (``"hillshade"``, ``"published_ellipse"``,
``"observed:<name>"``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from skycrane.contract.columns import ALTITUDE, ALTITUDE_ABOVE_GROUND, HEIGHT_LABELS
from skycrane.output import guidance_errors as _guidance
from skycrane.output import plots_capsule
from skycrane.output.event_labels import event_lines
from skycrane.output.figure_parts import (
    _GROUND_STYLE,
    _annotate_apart,
    _event_time,
    _mark_events,
    _no_phase,
    _one_axes,
    _panels,
    _window,
    marked_events,
)
from skycrane.output.map_layers import (
    body_colors,
    body_kind,
    draw_hillshade,
    draw_observed,
    draw_published_ellipse,
    plain_numbers,
)
from skycrane.output.replay_data import local_east_north_m
from skycrane.reduction import lands_itself as is_capsule

NEAR_FIELD_M = 3000.0
"""Bodies within this distance of the target are drawn on the map's panel in metres."""
DEBRIS_RADIUS_M = 100.0
"""The rover's keep-out circle on the debris map: "hardware within 100 m"."""
STRUNG_OUT = 4.0
"""Bounding-box aspect above which the all-hardware panel gives up equal scales."""


def _altitude_against(result, ax, key: str, xlabel: str, what: str, mission=None) -> Figure:
    """Altitude against the trajectory/event attribute ``key`` from entry on, events marked.

    With ``mission``, the ground at the target is drawn as a line.
    """
    fig, ax = _one_axes(ax)
    tr = result.trajectory
    sel = tr.t_s >= 0.0
    ax.plot(getattr(tr, key)[sel], tr.altitude_m[sel] / 1e3, lw=1.2, gid="trajectory")
    if mission is not None:
        ground_km = mission.spec.target.altitude_m / 1e3
        ax.axhline(ground_km, ls="--", **_GROUND_STYLE)
        ax.annotate(
            f"ground at the target ({ground_km:.2f} km)",
            (0.99, ground_km),
            xycoords=("axes fraction", "data"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=7,
            color=_GROUND_STYLE["color"],
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel("altitude above the ellipsoid [km]")
    ax.set_title(f"{result.mission}: altitude against {what}")
    ax.grid(True, alpha=0.3)
    events = marked_events(result)  # last: the labels are placed in the axes' final size
    _mark_events(
        ax, events, [getattr(e, key) for e in events], [e.altitude_m / 1e3 for e in events]
    )
    return fig


def altitude_speed(result, mission=None, ax: Axes | None = None) -> Figure:
    """Altitude against planet-relative speed from the entry interface, events marked."""
    return _altitude_against(
        result, ax, "speed_m_s", "planet-relative speed [m/s]", "speed", mission
    )


def altitude_mach(result, mission=None, ax: Axes | None = None) -> Figure:
    """Altitude against Mach number from the entry interface, events marked."""
    return _altitude_against(result, ax, "mach", "Mach number [-]", "Mach", mission)


def entry_loads(result, mission=None, ax=None) -> Figure:
    """Deceleration, dynamic pressure, heat rate and heat load against time (4 panels)."""
    fig, axes = _panels(ax, 4, (7.0, 9.0))
    tr = result.trajectory
    t_end = _event_time(result, "touchdown", default=float(tr.t_s[-1]))
    sel = _window(result, 0.0, t_end)
    t = tr.t_s[sel]
    rows = [
        (tr.deceleration_earth_g[sel], "deceleration [Earth g]", 1.0, "peak_deceleration"),
        (
            tr.dynamic_pressure_pa[sel] / 1e3,
            "dynamic pressure [kPa]",
            1e-3,
            "peak_dynamic_pressure",
        ),
        (tr.heat_rate_w_cm2[sel], "heat rate [W/cm²]", 1.0, "peak_heating"),
        (tr.heat_load_j_cm2[sel], "heat load [J/cm²]", 1.0, None),
    ]
    for a, (y, label, scale, peak) in zip(axes, rows, strict=True):
        a.plot(t, y, lw=1.2)
        a.set_ylabel(label)
        a.grid(True, alpha=0.3)
        ev = next((e for e in result.events if e.name == peak), None)
        if ev is not None and ev.value is not None:
            _mark_events(a, [ev], [ev.t_s], [ev.value * scale])
    axes[-1].set_xlabel("time from entry interface [s]")
    axes[0].set_title(f"{result.mission}: entry loads")
    return fig


def bank(result, mission=None, ax: Axes | None = None) -> Figure:
    """Bank angle against time from the entry interface to the parachute (or touchdown)."""
    fig, ax = _one_axes(ax, (7.0, 4.0))
    tr = result.trajectory
    t_end = _event_time(result, "parachute_deploy", "touchdown", default=float(tr.t_s[-1]))
    sel = _window(result, 0.0, t_end)
    ax.plot(tr.t_s[sel], tr.bank_deg[sel], lw=1.2, gid="bank")
    event_lines(ax, result, 0.0, t_end)
    ax.set_xlabel("time from entry interface [s]")
    ax.set_ylabel("bank angle [deg]")
    ax.set_title(f"{result.mission}: bank angle")
    ax.grid(True, alpha=0.3)
    return fig


def guidance_errors(result, mission, ax=None) -> Figure:
    """The entry guidance's range errors and crossrange against time (2 panels).

    From the entry interface to the end of guided entry (Mars 2020: straighten
    up and fly right). Top [km]: the range to go minus the law's predicted
    range, R - R_p (what the longitudinal law nulls), and minus the
    reference's range to go at the same speed, R - R_ref(V); positive: short.
    Bottom [km]: the target's distance from the plane of motion, positive to
    the left, with the bank-reversal deadband during range control.
    Definitions in :mod:`skycrane.output.guidance_errors` (GUIDANCE.md 1.3,
    1.4). Curves carry the gids ``"range_minus_predicted"``,
    ``"range_minus_reference"``, ``"crossrange"`` and ``"deadband"``.
    """
    fig, axes = _panels(ax, 2, (7.0, 6.0))
    rng_ax, xr_ax = axes
    rng_ax.set_ylabel("range error [km]")
    xr_ax.set_ylabel("crossrange [km]")
    xr_ax.set_xlabel("time from entry interface [s]")
    rng_ax.set_title(f"{result.mission}: entry guidance errors")
    errors = _guidance.guidance_errors(result, mission)
    if errors is None:
        _no_phase(axes, "no entry guidance (no terminal point controller)")
        return fig
    t0, t1 = 0.0, errors.t_guided_end_s
    sel = (errors.t_s >= t0) & (errors.t_s <= t1)
    t = errors.t_s[sel]
    rng_ax.plot(
        t,
        errors.range_minus_predicted_m[sel] / 1e3,
        lw=1.2,
        gid="range_minus_predicted",
        label="R − R_p: range to go − predicted range (steered on)",
    )
    rng_ax.plot(
        t,
        errors.range_minus_reference_m[sel] / 1e3,
        lw=1.0,
        ls="--",
        gid="range_minus_reference",
        label="R − R_ref(V): range to go − reference at the same speed",
    )
    rng_ax.axhline(0.0, color="0.3", lw=0.6)
    rng_ax.legend(fontsize=7, loc="lower left")
    xr_ax.plot(t, errors.crossrange_m[sel] / 1e3, lw=1.2, gid="crossrange", label="crossrange")
    t_rc = _event_time(result, "range_control_start")
    if t_rc is not None:
        t_rc_end = _event_time(result, "heading_alignment", default=t1)
        on = sel & (errors.t_s >= t_rc) & (errors.t_s <= t_rc_end)
        y_km = errors.deadband_m[on] / 1e3
        for sign, label in ((1.0, "reversal deadband"), (-1.0, None)):
            xr_ax.plot(
                errors.t_s[on],
                sign * y_km,
                color="tab:orange",
                ls="--",
                lw=0.8,
                gid="deadband",
                label=label,
            )
    xr_ax.axhline(0.0, color="0.3", lw=0.6)
    xr_ax.legend(fontsize=7, loc="lower right")
    for a in axes:
        event_lines(a, result, t0, t1, peaks=False)
        a.grid(True, alpha=0.3)
    return fig


def parachute_phase(result, mission=None, ax=None) -> Figure:
    """Mach number and parachute force from deployment to backshell separation.

    With ``mission``, the parachute's qualified deployment Mach is drawn too. A
    capsule's parachute clusters (``[parachute_clusters]`` and no disk-gap-band)
    have their own sequence figure, :func:`skycrane.output.plots_capsule.cluster_phase`.
    """
    if mission is not None and plots_capsule.has_clusters(mission):
        return plots_capsule.cluster_phase(result, mission, ax)
    fig, axes = _panels(ax, 2, (7.0, 6.0))
    axes[0].set_ylabel("Mach number [-]")
    axes[1].set_ylabel("parachute force [kN]")
    axes[1].set_xlabel("time from entry interface [s]")
    axes[0].set_title(f"{result.mission}: parachute phase")
    t0 = _event_time(result, "parachute_deploy")
    if t0 is None:
        _no_phase(axes, "no parachute deployment")
        return fig
    tr = result.trajectory
    t1 = _event_time(result, "backshell_separation", "touchdown", default=float(tr.t_s[-1]))
    sel = _window(result, t0 - 5.0, t1 + 2.0)
    axes[0].plot(tr.t_s[sel], tr.mach[sel], lw=1.2)
    axes[1].plot(tr.t_s[sel], tr.parachute_force_n[sel] / 1e3, lw=1.2)
    dep = result.event("parachute_deploy")
    _mark_events(axes[0], [dep], [dep.t_s], [dep.mach])
    pk = next((e for e in result.events if e.name == "peak_parachute_load"), None)
    if pk is not None and pk.value is not None:
        _mark_events(axes[1], [pk], [pk.t_s], [pk.value / 1e3])
    if mission is not None and mission.spec.parachute is not None:
        mach_max = mission.spec.parachute.mach_max
        axes[0].axhline(mach_max, color="tab:orange", ls="--", lw=0.8, gid="mach_max")
        axes[0].annotate(f"qualified Mach {mach_max:g}", (t0, mach_max), fontsize=7)
    for a in axes:
        a.grid(True, alpha=0.3)
    return fig


def powered_descent(result, mission=None, ax=None) -> Figure:
    """Powered descent and sky crane: altitude, speeds, thrust, mass and propellant.

    Altitude is above the ground at the landing site (the target's elevation)
    when ``mission`` is given, above the datum (the ellipsoid) otherwise; the
    throttle is shown as the total thrust, and the propellant (from the mass
    and the propellant left at touchdown) up to touchdown.
    """
    fig, axes = _panels(ax, 4, (7.0, 9.0))
    axes[0].set_title(f"{result.mission}: powered descent and sky crane")
    axes[2].set_ylabel("thrust [kN]")
    axes[3].set_ylabel("mass [kg]")
    axes[-1].set_xlabel("time from entry interface [s]")
    t0 = _event_time(result, "powered_descent_start")
    tr = result.trajectory
    ref = 0.0 if mission is None else mission.spec.target.altitude_m
    height = HEIGHT_LABELS[(ALTITUDE if mission is None else ALTITUDE_ABOVE_GROUND).name]
    axes[0].set_ylabel(f"{height} [m]")
    axes[1].set_ylabel("speed [m/s]")
    if t0 is None:
        _no_phase(axes, "no powered descent")
        return fig
    t_td = _event_time(result, "touchdown")
    t1 = t_td if t_td is not None else float(tr.t_s[-1])
    sel = _window(result, t0 - 2.0, t1 + 2.0)
    t = tr.t_s[sel]
    r, v = tr.r_pf_m[sel], tr.v_pf_m_s[sel]
    up = r / np.linalg.norm(r, axis=1)[:, None]
    v_up = np.einsum("ij,ij->i", v, up)
    v_h = np.linalg.norm(v - v_up[:, None] * up, axis=1)
    axes[0].plot(t, tr.altitude_m[sel] - ref, lw=1.2, label="descent stage")
    if mission is not None:
        terrain = mission.terrain
        under = np.zeros(t.shape)
        if terrain is not None and not terrain.is_flat:
            under = terrain.relief_at(*terrain.local_from_pf(r))
        axes[0].plot(t, under, label="ground under the vehicle", **_GROUND_STYLE)
        axes[0].legend(fontsize=7)
    axes[1].plot(t, tr.speed_m_s[sel], lw=1.2, label="speed")
    axes[1].plot(t, -v_up, lw=1.0, label="descent rate")
    axes[1].plot(t, v_h, lw=1.0, label="horizontal speed")
    axes[1].legend(fontsize=7)
    axes[2].plot(t, tr.thrust_n[sel] / 1e3, lw=1.2)
    axes[3].plot(t, tr.mass_kg[sel], lw=1.2, label="vehicle mass")
    if result.propellant_remaining_kg is not None and t_td is not None:
        m_td = result.event("touchdown").mass_kg
        dry = m_td - result.propellant_remaining_kg
        # from ignition (the backshell is gone) to touchdown (the rover still hangs below)
        on = (t >= t0) & (t < t_td)
        tp = np.append(t[on], t_td)
        prop = np.append(tr.mass_kg[sel][on] - dry, result.propellant_remaining_kg)
        twin = axes[3].twinx()
        twin.plot(tp, prop, color="tab:green", lw=1.0, gid="propellant")
        twin.set_ylabel("propellant [kg]", color="tab:green")
    for a in axes:
        event_lines(a, result, t0, t1)
        a.grid(True, alpha=0.3)
    return fig


def _flyaway_track(result):
    t0 = _event_time(result, "flyaway_start", "bridles_cut")
    if t0 is None:
        return None
    tr = result.trajectory
    sel = tr.t_s >= t0
    return tr.latitude_deg[sel], tr.longitude_deg[sel]


def _square_limits(ax: Axes, xy: np.ndarray, pad: float = 0.12) -> None:
    """Equal, square limits around the points (so that equal aspect keeps them all)."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    centre = (lo + hi) / 2.0
    half = max(float(np.max(hi - lo)) / 2.0 * (1.0 + pad), 1.0)
    ax.set_xlim(centre[0] - half, centre[0] + half)
    ax.set_ylim(centre[1] - half, centre[1] + half)


def _fit_limits(ax: Axes, xy: np.ndarray, pad: float = 0.12) -> None:
    """Limits around points strung along a line: equal scales unless the spread is lopsided.

    Bodies strung along the ground track (cruise-stage pieces 100 km up-range,
    the rest within a few km) would leave an equal-aspect panel mostly empty;
    above :data:`STRUNG_OUT` each axis spans its own spread and the panel says so.
    """
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-3)
    if max(span) / min(span) <= STRUNG_OUT:
        _square_limits(ax, xy, pad)
        return
    ax.set_aspect("auto")
    span = np.maximum(span, max(span) / 20.0)  # a line still gets some height
    centre = (lo + hi) / 2.0
    ax.set_xlim(centre[0] - span[0] * (0.5 + pad), centre[0] + span[0] * (0.5 + pad))
    ax.set_ylim(centre[1] - span[1] * (0.5 + pad), centre[1] + span[1] * (0.5 + pad))
    ax.text(
        0.98,
        0.02,
        "east and north not to the same scale",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="0.35",
    )


def _rest_points(result, mission) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """(east, north) [m] from the target of every body at rest, and the ones that are not."""
    at_rest, lost = {}, []
    for b in result.bodies:
        if b.latitude_deg is None or b.longitude_deg is None:
            lost.append(f"{b.name} ({b.status})")
            continue
        e, n = local_east_north_m(b.latitude_deg, b.longitude_deg, mission)
        at_rest[b.name] = (float(e), float(n))
    return at_rest, lost


def _merge_coincident(ax: Axes, items, min_pt: float = 12.0):
    """Items drawn within ``min_pt`` points of an earlier one share its label ("target,
    rover"): two labels for one spot cannot both sit beside it."""
    fig = ax.figure
    box = ax.get_position()
    w_pt = box.width * fig.get_figwidth() * 72.0
    h_pt = box.height * fig.get_figheight() * 72.0
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    merged: list[list] = []
    for x, y, text in items:
        px = (x - x0) / ((x1 - x0) or 1.0) * w_pt
        py = (y - y0) / ((y1 - y0) or 1.0) * h_pt
        for m in merged:
            if np.hypot(px - m[3], py - m[4]) < min_pt:
                m[2] = f"{m[2]}, {text}"
                break
        else:
            merged.append([x, y, text, px, py])
    return [(x, y, text) for x, y, text, _, _ in merged]


def _label_points(a: Axes, items) -> None:
    """Labels at (x, y, text) items, coincident ones merged (:func:`_merge_coincident`),
    placed apart with leader lines (:func:`_annotate_apart`)."""
    if not items:
        return
    xs, ys, texts = zip(*_merge_coincident(a, items), strict=True)
    bbox = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7}
    _annotate_apart(a, xs, ys, texts, bbox=bbox)


def _body_style(name: str, color: str) -> tuple[dict, str]:
    style = {"marker": "o", "s": 25, "zorder": 3, "color": color, "edgecolors": "k"}
    style["linewidths"] = 0.4
    label = name.replace("_", " ")
    if name == "rover":
        style.update(marker="*", s=140)
    elif name == "descent_stage":
        style.update(marker="X", s=70)
        label = "descent stage crash"
    return style, label


def _group_by_kind(items):
    """One label per kind at the kind's mean position: "entry balance masses (6)"."""
    groups: dict[str, list[tuple[float, float, str]]] = {}
    for x, y, text in items:
        groups.setdefault(body_kind(text.replace(" ", "_")), []).append((x, y, text))
    out = []
    for kind, members in groups.items():
        if len(members) == 1:
            out.append(members[0])
            continue
        xs, ys, _ = zip(*members, strict=True)
        name = kind.replace("_", " ") + "es" * kind.endswith("mass")
        out.append((float(np.mean(xs)), float(np.mean(ys)), f"{name} ({len(members)})"))
    return out


def _legend_kind(name: str, label: str) -> str:
    """A body's legend entry: one per kind (six entry balance masses are one entry)."""
    kind = body_kind(name)
    return label if kind == name else kind.replace("_", " ") + "es" * kind.endswith("mass")


def site_map(result, mission, ax=None) -> Figure:
    """The landing site in the target's local east-north frame, on the terrain's hillshade.

    Left: the near field in metres on the site's hillshade (target, rover,
    hardware within :data:`NEAR_FIELD_M`, the descent stage's flyaway track and
    crash point). Right: every body's rest point in kilometres with the
    published landing ellipse (``[site] ellipse_*``). Observed hardware
    positions (``site.observed_positions_file``) are drawn on both. Bodies that
    broke up are listed in a note.
    """
    if ax is not None:
        fig, (near, far) = _panels(ax, 2, (12.0, 5.5))
    else:
        fig = Figure(figsize=(12.0, 5.5), layout="constrained")
        near, far = fig.subplots(1, 2)
    terrain = getattr(mission, "terrain", None)
    shaded = draw_hillshade(near, terrain)
    for a, scale in ((near, 1.0), (far, 1e3)):
        a.scatter([0.0], [0.0], marker="x", s=60, color="k", gid="target", zorder=4)
        unit = "m" if scale == 1.0 else "km"
        a.set_xlabel(f"east of target [{unit}]")
        a.set_ylabel(f"north of target [{unit}]")
        a.set_aspect("equal", adjustable="box")
        a.grid(True, alpha=0.3)
        plain_numbers(a)
    where = f" on {terrain.source}" if shaded else ""
    near.set_title(f"{result.mission}: landing site (near field){where}", fontsize=9)
    far.set_title("all hardware, with the published landing ellipse", fontsize=9)
    track = _flyaway_track(result)
    if track is not None:
        en = np.column_stack(local_east_north_m(*track, mission))
        near.plot(
            en[:, 0],
            en[:, 1],
            color=body_colors(["descent_stage"])["descent_stage"],
            lw=1.0,
            gid="flyaway_track",
            label="descent stage flyaway",
        )
    at_rest, lost = _rest_points(result, mission)
    colors = body_colors(at_rest)
    labels: dict[Axes, list[tuple[float, float, str]]] = {near: [], far: []}
    in_legend: dict[Axes, set[str]] = {near: set(), far: set()}
    for name, (e, n) in at_rest.items():
        style, label = _body_style(name, colors[name])
        near_field = np.hypot(e, n) <= NEAR_FIELD_M
        for a, scale in [(far, 1e3), (near, 1.0)] if near_field else [(far, 1e3)]:
            kind = _legend_kind(name, label)
            entry = None if kind in in_legend[a] else kind
            in_legend[a].add(kind)
            a.scatter([e / scale], [n / scale], gid=f"body:{name}", label=entry, **style)
            # the km panel labels only what the metre panel does not show
            if a is near or not near_field:
                labels[a].append((e / scale, n / scale, label))
    ellipse = draw_published_ellipse(far, mission, 1e3)
    observed = draw_observed(far, mission, 1e3)
    seen = observed[np.hypot(observed[:, 0], observed[:, 1]) <= NEAR_FIELD_M]
    if seen.size:
        draw_observed(near, mission, 1.0)
    labels[far] = _group_by_kind(labels[far])
    for a, items in labels.items():
        xy = np.array([(0.0, 0.0)] + [(x, y) for x, y, _ in items])
        if a is near:
            xy = np.vstack([xy, seen] + ([en] if track is not None else []))
            _square_limits(a, xy)
        else:
            extra = [observed / 1e3] + ([ellipse / 1e3] if ellipse is not None else [])
            _fit_limits(a, np.vstack([xy, *extra]))
        _label_points(a, [(0.0, 0.0, "target"), *items])
    for a in (near, far):  # a capsule alone in its near field has nothing to list
        if a.get_legend_handles_labels()[0]:
            a.legend(fontsize=6, loc="upper left", markerscale=0.8)
    if lost:
        far.text(
            0.02,
            0.02,
            "not at rest: " + ", ".join(lost),
            transform=far.transAxes,
            fontsize=7,
            va="bottom",
        )
    return fig


def debris_map(result, mission, ax=None) -> Figure:
    """Hardware around the rover, in metres east and north of it: what "within 100 m" means.

    The rover is at the origin; the circle is :data:`DEBRIS_RADIUS_M`; each
    body within 20 times that radius is drawn and labelled with its distance.
    The descent stage's crash, the project's first question, is named with its
    distance and bearing in a note when it lies further out.
    """
    fig, a = _one_axes(ax, (6.5, 6.0))
    at_rest, _ = _rest_points(result, mission)
    a.set_title(f"{result.mission}: hardware around the rover", fontsize=9)
    a.set_xlabel("east of the rover [m]")
    a.set_ylabel("north of the rover [m]")
    a.set_aspect("equal", adjustable="box")
    a.grid(True, alpha=0.3)
    plain_numbers(a)
    if "rover" not in at_rest:
        a.text(0.5, 0.5, "the rover is not at rest", ha="center", transform=a.transAxes)
        return fig
    e0, n0 = at_rest["rover"]
    t = np.linspace(0.0, 2.0 * np.pi, 181)
    r = DEBRIS_RADIUS_M
    a.plot(r * np.cos(t), r * np.sin(t), "k:", lw=1.0, gid="keep_out", label=f"{r:.0f} m")
    colors = body_colors(at_rest)
    items, xy, kinds, beyond = [], [(-r, -r), (r, r)], set(), []
    for name, (e, n) in at_rest.items():
        de, dn = e - e0, n - n0
        d = float(np.hypot(de, dn))
        if d > 20.0 * r:
            if name == "descent_stage":
                bearing = float(np.degrees(np.arctan2(de, dn))) % 360.0
                beyond.append(f"descent stage crash {d:,.0f} m at {bearing:.0f}° (off the map)")
            continue
        style, label = _body_style(name, colors[name])
        kind = _legend_kind(name, label)
        a.scatter([de], [dn], gid=f"body:{name}", label=None if kind in kinds else kind, **style)
        kinds.add(kind)
        xy.append((de, dn))
        if name != "rover":
            items.append((de, dn, f"{label} {d:.0f} m"))
    _square_limits(a, np.array(xy))
    _label_points(a, items)
    a.legend(fontsize=7, loc="upper left")
    if beyond:
        a.text(0.02, 0.02, "\n".join(beyond), transform=a.transAxes, fontsize=7, va="bottom")
    return fig


FIGURES = {
    "altitude_speed": altitude_speed,
    "altitude_mach": altitude_mach,
    "altitude_range": plots_capsule.altitude_range,
    "entry_loads": entry_loads,
    "heating": plots_capsule.heating,
    "bank": bank,
    "guidance_errors": guidance_errors,
    "parachute_phase": parachute_phase,
    "powered_descent": powered_descent,
    "site_map": site_map,
    "debris_map": debris_map,
}
"""Every figure, by name."""


def has_figure(result, mission, name: str) -> bool:
    """Whether figure ``name`` has something to show: the site map needs a body at rest,
    the debris map (around the rover) one and a lander, the guidance errors a terminal
    point controller, the powered descent a ``[powered_descent]``, the parachute phase a
    disk-gap-band or parachute clusters, the heating figure a capsule, a skip or
    radiative heating (:func:`skycrane.output.plots_capsule.has_heating_figure`)."""
    spec = mission.spec
    if name in ("site_map", "debris_map"):
        at_rest = any(b.latitude_deg is not None for b in result.bodies)
        return at_rest and (name == "site_map" or not is_capsule(mission))
    if name == "guidance_errors":
        return spec.guidance.entry.mode == "terminal_point_controller"
    if name == "powered_descent":
        return spec.powered_descent is not None
    if name == "parachute_phase":
        return spec.parachute is not None or plots_capsule.has_clusters(mission)
    if name == "heating":
        return plots_capsule.has_heating_figure(result, mission)
    return True


def all_figures(result, mission) -> dict[str, Figure]:
    """Every figure of :data:`FIGURES` that :func:`has_figure`, by name."""
    out = {}
    for name, fn in FIGURES.items():
        if not has_figure(result, mission, name):
            continue
        out[name] = fn(result, mission)
    return out
