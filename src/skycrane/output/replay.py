"""An interactive replay of a landing: one self-contained HTML page drawn by Plotly.

``write_replay(result, mission, out_dir)`` writes ``out_dir/replay.html``:

* a 3-D view of the last kilometres over the site's ground (flat at the
  target's elevation, or a :class:`~skycrane.output.replay_data.HeightGrid`)
  with every body whose path passes there: the capsule, rover, descent stage,
  backshell and parachute, heat shield;
* a plan view of every body, from the near field to the cruise stage's pieces
  100-200 km up-range, with the target and each rest point; for a Monte
  Carlo, every body's cloud of rest points and its empirical 99 % ellipse;
* a time scrubber, a play button and a jump-to-event list that move all
  bodies together, with the time (E+ from the entry interface, T-/T+ from
  touchdown), the event in progress, the rover's (or the capsule's) height
  above ground, speed and Mach;
* a table with a toggle per body (hiding it in both views; a click on a
  legend entry does the same), its state and its height at the frame.

The page opens offline: Plotly's JavaScript (``plotly.offline.get_plotlyjs``)
and the page's own (``replay.js`` beside this module) are inline, the data is
a JSON block, and a Content-Security-Policy allows exactly those scripts by
their SHA-256 and nothing else to be fetched. :func:`replay_widget` gives the
same widget for another page (the report's replay section).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from skycrane.analysis.ellipse import Ellipse
from skycrane.missions.schema import entry_altitude_m
from skycrane.output.replay_data import STATE_TEXT, HeightGrid, ReplayData, replay_data
from skycrane.output.report import (
    HtmlBlock,
    Paragraph,
    ReportError,
    Section,
    _output_dir,
    _write_bytes,
)

__all__ = [
    "REPLAY_NAME",
    "McOverlay",
    "Widget",
    "replay_page",
    "replay_section",
    "replay_widget",
    "write_replay",
]

REPLAY_NAME = "replay.html"
PLAY_INTERVAL_MS = 80
"""Time between frames when playing [ms]: 1 s frames play at about 12 times real time."""
MAX_CLOUD_POINTS = 2_000
"""Rest points drawn per body of a Monte Carlo (a deterministic thinning; ellipses use all).

Drawn as SVG: a second WebGL context beside the 3-D view's (Plotly's scattergl) fails in
browsers without GPU WebGL (headless, software rendering), and 2,000 points per body keep
the plan view responsive."""
NEAR_FIELD_BODIES = ("rover", "descent_stage", "backshell", "heat_shield")
TOP_MARGIN_M = 500.0
"""The 3-D view reaches this far above the capsule's height at parachute deploy [m]."""
SIDE_MARGIN_M = 500.0
"""... and this far beyond the near-field paths and rest points, horizontally [m]."""

COLORS = {
    "capsule": "#7f7f7f",
    "rover": "#d62728",
    "descent_stage": "#111111",
    "backshell": "#1f77b4",
    "heat_shield": "#ff7f0e",
    "cruise_stage": "#2ca02c",
}
PALETTE = (
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
)
GROUND_COLOR = "#c9a27e"  # a dusty Mars tan


@dataclass(frozen=True, slots=True)
class McOverlay:
    """A Monte Carlo's rest points and 99 % ellipses, east/north of the target [m]."""

    cases: int
    points_m: dict[str, tuple[np.ndarray, np.ndarray]]
    ellipses: dict[str, Ellipse]

    @classmethod
    def from_dir(cls, mc_dir, mission) -> McOverlay:
        """Read a ``skycrane mc`` directory of ``mission`` (InputError naming ``--mc`` if not)."""
        from skycrane.output.mc_report import load_mc

        summary, columns = load_mc(mc_dir, mission)
        points = {}
        for key in columns:
            if key.startswith("body.") and key.endswith(".east_m"):
                body = key[len("body.") : -len(".east_m")]
                points[body] = (columns[key], columns[f"body.{body}.north_m"])
        fields = Ellipse.__dataclass_fields__
        ellipses = {
            body: Ellipse(**{k: e["p99"][k] for k in fields})
            for body, e in summary.get("ellipses", {}).items()
            if "p99" in e
        }
        return cls(int(summary.get("cases", 0)), points, ellipses)


@dataclass(frozen=True, slots=True)
class Widget:
    """A replay for a page: its markup and the inline scripts it needs, in order."""

    html: str
    scripts: tuple[str, ...]

    def script_hashes(self) -> tuple[str, ...]:
        """``'sha256-…'`` sources of the scripts for a Content-Security-Policy."""
        return tuple(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in self.scripts
        )


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _label(name: str) -> str:
    return name.replace("/", " / ").replace("_", " ")


def _colors(names) -> dict[str, str]:
    """A fixed colour for the main bodies, the palette's in turn for the others."""
    out, k = {}, 0
    for name in names:
        if name in COLORS:
            out[name] = COLORS[name]
        else:
            out[name] = PALETTE[k % len(PALETTE)]
            k += 1
    return out


def _km(values: np.ndarray) -> np.ndarray:
    """Metres to kilometres, rounded to 0.1 m (what the page needs, a third of the size)."""
    return np.round(np.asarray(values, dtype=float) / 1e3, 4)


def _box(data: ReplayData) -> tuple[np.ndarray, np.ndarray, float]:
    """East and north limits [m] and top [m] of the 3-D view: the last kilometres."""
    cap = data.tracks["capsule"]
    t_chute = next((t for name, t in data.events if name == "parachute_deploy"), None)
    if t_chute is not None:
        top = float(np.interp(t_chute, cap.t_s, cap.height_m)) + TOP_MARGIN_M
    else:
        top = 15_000.0
    east, north = [], []
    for name, tr in data.tracks.items():
        if name in ("capsule", *NEAR_FIELD_BODIES):
            low = tr.height_m <= top
            east.append(tr.east_m[low])
            north.append(tr.north_m[low])
    e = np.concatenate(east)
    n = np.concatenate(north)
    ok = np.isfinite(e) & np.isfinite(n)
    e_lim = np.array([e[ok].min() - SIDE_MARGIN_M, e[ok].max() + SIDE_MARGIN_M])
    n_lim = np.array([n[ok].min() - SIDE_MARGIN_M, n[ok].max() + SIDE_MARGIN_M])
    return e_lim, n_lim, top


def _inside(e, n, h, e_lim, n_lim, top) -> np.ndarray:
    return (e >= e_lim[0]) & (e <= e_lim[1]) & (n >= n_lim[0]) & (n <= n_lim[1]) & (h <= top)


def _z_m(data: ReplayData, east_m, north_m, height_m):
    """Height in the 3-D view [m]: above the site elevation, as the surface is drawn (the
    heights are above ``data.ground``: the site elevation unless a height grid was given)."""
    ground = data.ground.at(np.asarray(east_m, float), np.asarray(north_m, float))
    return np.asarray(height_m, float) + ground - data.site_elevation_m


def _ground_trace(ground: HeightGrid, site_m: float, e_lim, n_lim) -> go.Surface:
    """The site's ground in the 3-D box, heights above the site elevation [km]."""
    n_side = 2 if ground.height_m.shape == (2, 2) else 120
    e = np.linspace(e_lim[0], e_lim[1], n_side)
    n = np.linspace(n_lim[0], n_lim[1], n_side)
    ee, nn = np.meshgrid(e, n)
    z = ground.at(ee, nn) - site_m
    return go.Surface(
        x=_km(e),
        y=_km(n),
        z=_km(z),
        colorscale=[[0.0, GROUND_COLOR], [1.0, GROUND_COLOR]],
        showscale=False,
        opacity=0.85,
        hoverinfo="skip",
        name="ground",
        showlegend=False,
    )


def _figure_3d(data: ReplayData, colors, title: str):
    """The 3-D view and, per body, its traces there; also which frames show it in the box."""
    e_lim, n_lim, top = _box(data)
    fig = go.Figure()
    surface = data.ground if data.surface is None else data.surface
    fig.add_trace(_ground_trace(surface, data.site_elevation_m, e_lim, n_lim))
    traces, in3d = {}, {}
    for name, tr in data.tracks.items():
        inside = _inside(tr.east_m, tr.north_m, tr.height_m, e_lim, n_lim, top)
        if not inside.any():
            continue
        pos = data.position_m[name]
        in3d[name] = _inside(pos[:, 0], pos[:, 1], pos[:, 2], e_lim, n_lim, top).astype(int)
        keep = np.flatnonzero(inside)
        e = np.where(inside, tr.east_m, np.nan)[keep[0] : keep[-1] + 1]
        n = np.where(inside, tr.north_m, np.nan)[keep[0] : keep[-1] + 1]
        h = np.where(inside, _z_m(data, tr.east_m, tr.north_m, tr.height_m), np.nan)
        h = h[keep[0] : keep[-1] + 1]
        path = len(fig.data)
        fig.add_trace(
            go.Scatter3d(
                x=_km(e),
                y=_km(n),
                z=_km(h),
                mode="lines",
                line={"color": colors[name], "width": 4},
                name=_label(name),
                legendgroup=name,
                hovertemplate=f"{_e(_label(name))}<br>%{{x:.3f}} km E, %{{y:.3f}} km N, "
                "%{z:.3f} km above ground<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter3d(
                x=[],
                y=[],
                z=[],
                mode="markers",
                marker={"color": colors[name], "size": 6, "line": {"color": "white", "width": 1}},
                name=_label(name),
                legendgroup=name,
                showlegend=False,
                hovertemplate=f"{_e(_label(name))}<extra></extra>",
            )
        )
        traces[name] = {"path": path, "marker": path + 1, "all": [path, path + 1]}
    ev_e, ev_n, ev_h, ev_text = [], [], [], []
    cap = data.tracks["capsule"]
    carrier = [data.tracks[n] for n in ("capsule", "rover") if n in data.tracks]
    for name, t in data.events:
        tr = next((c for c in reversed(carrier) if c.t_s[0] <= t), cap)
        e, n, h = (float(np.interp(t, tr.t_s, v)) for v in (tr.east_m, tr.north_m, tr.height_m))
        if _inside(e, n, h, e_lim, n_lim, top):
            h = float(np.ravel(_z_m(data, e, n, h))[0])
            ev_e.append(e)
            ev_n.append(n)
            ev_h.append(h)
            ev_text.append(f"{_label(name)} E+{t:.1f} s")
    fig.add_trace(
        go.Scatter3d(
            x=_km(ev_e),
            y=_km(ev_n),
            z=_km(ev_h),
            mode="markers",
            marker={"symbol": "diamond", "size": 3, "color": "#444"},
            text=ev_text,
            hovertemplate="%{text}<extra></extra>",
            name="events",
        )
    )
    span = max(e_lim[1] - e_lim[0], n_lim[1] - n_lim[0])
    z_true = top / span
    z_ratio = min(max(z_true, 0.3), 0.9)
    exaggeration = z_ratio / z_true
    z_title = "height [km]"
    if not math.isclose(exaggeration, 1.0, rel_tol=0.01):
        z_title += f", vertical ×{exaggeration:.2g}"
    fig.update_layout(
        title={"text": _e(title), "font": {"size": 14}},
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        legend={
            "itemclick": False,
            "itemdoubleclick": False,
            "orientation": "h",
            "y": 0.0,
            "yanchor": "top",
            "font": {"size": 10},
        },
        scene={
            "xaxis": {"title": {"text": "east of target [km]"}, "range": _km(e_lim).tolist()},
            "yaxis": {"title": {"text": "north of target [km]"}, "range": _km(n_lim).tolist()},
            "zaxis": {"title": {"text": z_title}, "range": [-0.05, float(_km(top))]},
            "aspectmode": "manual",
            "aspectratio": {
                "x": (e_lim[1] - e_lim[0]) / span,
                "y": (n_lim[1] - n_lim[0]) / span,
                "z": z_ratio,
            },
            "camera": {"eye": {"x": -1.4, "y": -1.4, "z": 0.8}},
        },
        uirevision="replay",
    )
    return fig, traces, in3d


def _ellipse_trace(name: str, ellipse: Ellipse, color: str) -> go.Scatter:
    pts = ellipse.boundary()
    return go.Scatter(
        x=_km(pts[:, 0]),
        y=_km(pts[:, 1]),
        mode="lines",
        line={"color": color, "width": 2},
        name=f"{_label(name)} 99 % ellipse",
        legendgroup=name,
        showlegend=False,
        hovertemplate=f"{_e(_label(name))}: empirical 99 % ellipse, "
        f"{ellipse.major_km:.2f} × {ellipse.minor_km:.2f} km<extra></extra>",
    )


def _figure_plan(data: ReplayData, colors, mc: McOverlay | None):
    """The plan view of every body (km), with a Monte Carlo's clouds and ellipses."""
    fig = go.Figure()
    traces = {}
    rest_e, rest_n = [0.0], [0.0]
    for name, tr in data.tracks.items():
        first = len(fig.data)
        idx = []
        if mc is not None and name in mc.points_m:
            e, n = mc.points_m[name]
            ok = np.flatnonzero(np.isfinite(e) & np.isfinite(n))
            ok = ok[:: max(1, -(-ok.size // MAX_CLOUD_POINTS))]
            fig.add_trace(
                go.Scatter(
                    x=_km(e[ok]),
                    y=_km(n[ok]),
                    mode="markers",
                    marker={"color": colors[name], "size": 3, "opacity": 0.35},
                    name=f"{_label(name)}: {ok.size} of {mc.cases} cases",
                    legendgroup=name,
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
            idx.append(len(fig.data) - 1)
            if name in mc.ellipses:
                fig.add_trace(_ellipse_trace(name, mc.ellipses[name], colors[name]))
                idx.append(len(fig.data) - 1)
        fig.add_trace(
            go.Scatter(
                x=_km(tr.east_m),
                y=_km(tr.north_m),
                mode="lines",
                line={"color": colors[name], "width": 1.5},
                name=_label(name),
                legendgroup=name,
                hovertemplate=f"{_e(_label(name))}<br>%{{x:.3f}} km E, %{{y:.3f}} km N"
                "<extra></extra>",
            )
        )
        idx.append(len(fig.data) - 1)
        if tr.t_rest_s is not None:
            e, n = float(tr.east_m[-1]), float(tr.north_m[-1])
            rest_e.append(e)
            rest_n.append(n)
            fig.add_trace(
                go.Scatter(
                    x=_km([e]),
                    y=_km([n]),
                    mode="markers",
                    marker={"color": colors[name], "size": 9, "symbol": "x"},
                    name=f"{_label(name)} at rest",
                    legendgroup=name,
                    showlegend=False,
                    hovertemplate=f"{_e(_label(name))} at rest (E+{tr.t_rest_s:.1f} s)<br>"
                    f"{e:,.0f} m E, {n:,.0f} m N<extra></extra>",
                )
            )
            idx.append(len(fig.data) - 1)
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="markers",
                marker={"color": colors[name], "size": 10, "line": {"color": "white", "width": 1}},
                legendgroup=name,
                showlegend=False,
                name=_label(name),
                hovertemplate=f"{_e(_label(name))}<extra></extra>",
            )
        )
        idx.append(len(fig.data) - 1)
        traces[name] = {"marker": len(fig.data) - 1, "all": idx, "first": first}
    fig.add_trace(
        go.Scatter(
            x=[0.0],
            y=[0.0],
            mode="markers",
            marker={"symbol": "star", "size": 14, "color": "#ffbf00", "line": {"width": 1}},
            name="target",
            hovertemplate="target<extra></extra>",
        )
    )
    pad = 0.08
    e0, e1, n0, n1 = min(rest_e), max(rest_e), min(rest_n), max(rest_n)
    w = max(e1 - e0, n1 - n0, 2_000.0) * (1 + 2 * pad)
    ce, cn = (e0 + e1) / 2, (n0 + n1) / 2
    near = _near_range(data)
    fig.update_layout(
        margin={"l": 60, "r": 10, "t": 40, "b": 50},
        title={"text": "plan view: every body", "font": {"size": 14}, "x": 0.02},
        xaxis={"title": {"text": "east of target [km]"}, "range": _km([ce - w / 2, ce + w / 2])},
        yaxis={
            "title": {"text": "north of target [km]"},
            "range": _km([cn - w / 2, cn + w / 2]),
            "scaleanchor": "x",
            "scaleratio": 1,
        },
        legend={"itemclick": False, "itemdoubleclick": False},
        uirevision="replay",
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 1.0,
                "y": 1.0,
                "xanchor": "right",
                "yanchor": "bottom",
                "pad": {"b": 4},
                "buttons": [
                    {
                        "label": "every body",
                        "method": "relayout",
                        "args": [
                            {
                                "xaxis.range": _km([ce - w / 2, ce + w / 2]).tolist(),
                                "yaxis.range": _km([cn - w / 2, cn + w / 2]).tolist(),
                            }
                        ],
                    },
                    {
                        "label": "near field",
                        "method": "relayout",
                        "args": [{"xaxis.range": near[0], "yaxis.range": near[1]}],
                    },
                ],
            }
        ],
    )
    return fig, traces


def _near_range(data: ReplayData) -> tuple[list[float], list[float]]:
    """Plan-view limits [km] around the near-field bodies' rest points and the target."""
    e, n = [0.0], [0.0]
    for name in NEAR_FIELD_BODIES:
        tr = data.tracks.get(name)
        if tr is not None and tr.t_rest_s is not None:
            e.append(float(tr.east_m[-1]))
            n.append(float(tr.north_m[-1]))
    w = max(max(e) - min(e), max(n) - min(n), 500.0) * 1.3
    ce, cn = (max(e) + min(e)) / 2, (max(n) + min(n)) / 2
    return _km([ce - w / 2, ce + w / 2]).tolist(), _km([cn - w / 2, cn + w / 2]).tolist()


def _readout(data: ReplayData, mission) -> dict[str, list[str]]:
    """The text shown at each frame: time, event, height above ground, speed and Mach."""
    top = entry_altitude_m(mission.spec) - mission.spec.target.altitude_m
    td = data.t_touchdown_s
    out = {k: [] for k in ("time_text", "event_text", "height_text", "speed_text", "mach_text")}
    rover = data.tracks.get("rover")
    t_rover = None if rover is None else rover.t_start_s
    for k, t in enumerate(data.t_s):
        text = f"E+{t:.1f} s" if t >= 0 else f"E−{-t:.1f} s"
        if td is not None:
            text += f" · T−{td - t:.1f} s" if t < td - 1e-9 else f" · T+{t - td:.1f} s"
        out["time_text"].append(text)
        out["event_text"].append(data.event[k].replace("_", " ") if data.event[k] else "—")
        who = "rover" if t_rover is not None and t >= t_rover - 1e-6 else "capsule"
        h = data.rover_height_m[k]
        at_rest = rover is not None and rover.t_rest_s is not None and t >= rover.t_rest_s - 1e-6
        state = " (at rest)" if at_rest else ""
        out["height_text"].append(
            f"{who}{state}: {h:,.0f} m above ground" if np.isfinite(h) else f"{who}: —"
        )
        v = data.rover_speed_m_s[k]
        out["speed_text"].append(f"{v:,.1f} m/s" if np.isfinite(v) else "— m/s")
        m = data.rover_mach[k]
        above = np.isfinite(h) and h > top  # above the atmosphere's entry interface
        out["mach_text"].append(
            "Mach — (above the atmosphere)" if above or not np.isfinite(m) else f"Mach {m:.2f}"
        )
    return out


def _view_positions(data: ReplayData, pos: np.ndarray) -> np.ndarray:
    """Frame positions (east, north, height above ground) with the 3-D view's height."""
    out = pos.copy()
    out[:, 2] = _z_m(data, pos[:, 0], pos[:, 1], pos[:, 2])
    return out


def _positions_json(pos: np.ndarray) -> list:
    km = _km(pos)
    return [None if not np.isfinite(row).all() else row.tolist() for row in km]


def _initial_frame(data: ReplayData) -> int:
    """Start where the 3-D view starts: the parachute deploy, else the first frame."""
    t = next((t for name, t in data.events if name == "parachute_deploy"), None)
    return 0 if t is None else data.frame_at(t)


def replay_widget(
    result, mission, *, mc: McOverlay | None = None, ground: HeightGrid | None = None
) -> Widget:
    """The replay of ``result`` as a widget for a page (markup and scripts).

    Parameters
    ----------
    result : skycrane.results.Result
        Simulated with ``body_tracks=True`` to draw the jettisoned bodies' paths.
    mission : skycrane.Mission
        The mission it flew.
    mc : McOverlay, optional
        A Monte Carlo's rest points and ellipses for the plan view.
    ground : HeightGrid, optional
        The site's ground (default: flat at the target's elevation).
    """
    data = replay_data(result, mission, ground)
    colors = _colors(data.tracks)
    title = f"{result.title}: the last kilometres"
    fig3d, traces3d, in3d = _figure_3d(data, colors, title)
    plan, traces_plan = _figure_plan(data, colors, mc)
    bodies = []
    for name in data.tracks:
        bodies.append(
            {
                "name": name,
                "pos": _positions_json(_view_positions(data, data.position_m[name])),
                "state": data.state[name].tolist(),
                "in3d": in3d.get(name, np.zeros(data.t_s.size, dtype=int)).tolist(),
                "traces": {
                    **({"3d": traces3d[name]} if name in traces3d else {}),
                    "plan": traces_plan[name],
                },
            }
        )
    frames = {"t_s": np.round(data.t_s, 3).tolist(), **_readout(data, mission)}
    payload = {
        "bodies": bodies,
        "frames": frames,
        "state_text": [STATE_TEXT[k] for k in sorted(STATE_TEXT)],
        "play_interval_ms": PLAY_INTERVAL_MS,
        "initial_frame": _initial_frame(data),
    }
    body_json = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    doc = (
        '{"fig3d":' + fig3d.to_json() + ',"plan":' + plan.to_json() + "," + body_json[1:]
    ).replace("</", "<\\/")
    return Widget(_markup(data, colors, doc), (get_plotlyjs(), _replay_js()))


def _replay_js() -> str:
    return (resources.files("skycrane.output") / "replay.js").read_text(encoding="utf-8")


_CSS = """
.skycrane-replay{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
.skycrane-replay .controls{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}
.skycrane-replay input[type=range]{flex:1 1 30rem;min-width:15rem}
.skycrane-replay .readout{display:flex;gap:1.2rem;flex-wrap:wrap;font-variant-numeric:tabular-nums;
background:#f1f2f6;padding:.4rem .7rem;border-radius:4px;font-size:.95rem}
.skycrane-replay .readout span{white-space:nowrap}
.skycrane-replay .views{display:grid;gap:.5rem;
grid-template-columns:repeat(auto-fit,minmax(34rem,1fr))}
.skycrane-replay .view{height:620px;min-width:0}
.skycrane-replay table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
.skycrane-replay td,.skycrane-replay th{padding:.15rem .5rem;border-bottom:1px solid #dde}
.skycrane-replay td.n{text-align:right;font-variant-numeric:tabular-nums}
.skycrane-replay .sw{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;
vertical-align:middle}
"""


def _markup(data: ReplayData, colors: dict[str, str], doc: str) -> str:
    """The widget's HTML (every text escaped; the data block cannot close its script tag)."""
    options = "".join(
        f'<option value="{data.frame_at(t)}">E{"+" if t >= 0 else "−"}{abs(t):.1f} s '
        f"{_e(_label(name))}</option>"
        for name, t in data.events
    )
    ticks = "".join(f'<option value="{data.frame_at(t)}"></option>' for _, t in data.events)
    rows = "".join(
        f'<tr data-body="{_e(name)}"><td><input type="checkbox" checked '
        f'data-toggle="{_e(name)}" aria-label="show {_e(_label(name))}"></td>'
        f'<td><span class="sw" style="background:{colors[name]}"></span> {_e(_label(name))}</td>'
        f'<td data-field="state"></td><td class="n" data-field="body-height"></td>'
        f'<td class="n">{"" if tr.t_rest_s is None else f"{tr.t_rest_s:.1f}"}</td>'
        f"<td>{_e(tr.status)}</td></tr>"
        for name, tr in data.tracks.items()
    )
    n = data.t_s.size
    return (
        f"<style>{_CSS}</style>"
        '<div id="skycrane-replay" class="skycrane-replay">'
        '<div class="controls"><button type="button" id="replay-play">▶ play</button>'
        f'<input type="range" id="replay-scrubber" min="0" max="{n - 1}" step="1" value="0" '
        'list="replay-events" aria-label="time">'
        f'<datalist id="replay-events">{ticks}</datalist>'
        '<label>jump to <select id="replay-jump"><option value="">event…</option>'
        f"{options}</select></label></div>"
        '<div class="readout" aria-live="polite"><span data-field="time"></span>'
        '<span data-field="event"></span><span data-field="height"></span>'
        '<span data-field="speed"></span><span data-field="mach"></span></div>'
        '<div class="views"><div class="view" id="replay-3d"></div>'
        '<div class="view" id="replay-plan"></div></div>'
        '<table id="replay-bodies"><caption>bodies (untick to hide)</caption><thead><tr>'
        "<th>show</th><th>body</th><th>state</th><th>height above ground [m]</th>"
        "<th>at rest [E+ s]</th><th>status</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f'<script type="application/json" id="skycrane-replay-data">{doc}</script>'
        "</div>"
    )


def replay_page(
    result, mission, *, mc: McOverlay | None = None, ground: HeightGrid | None = None
) -> str:
    """The replay as one self-contained HTML document (see the module docstring)."""
    widget = replay_widget(result, mission, mc=mc, ground=ground)
    csp = (
        "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; "
        f"script-src {' '.join(widget.script_hashes())}; worker-src blob:; "
        "base-uri 'none'; form-action 'none'"
    )
    title = f"{result.title}: replay"
    subtitle = f"{mission.spec.mission.title} — {result.status_text}"
    if mc is not None:
        subtitle += f" — with a {mc.cases}-case Monte Carlo"
    scripts = "".join(f"<script>{s}</script>" for s in widget.scripts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(title)}</title></head>\n"
        '<body style="margin:0 auto;max-width:1500px;padding:0 1rem 2rem">'
        f'<h1 style="font-family:sans-serif;font-size:1.4rem">{_e(title)}</h1>'
        f'<p style="font-family:sans-serif;color:#555">{_e(subtitle)}</p>\n'
        f"{widget.html}\n{scripts}</body></html>\n"
    )


def write_replay(
    result,
    mission,
    out_dir,
    *,
    mc: McOverlay | None = None,
    ground: HeightGrid | None = None,
) -> Path:
    """Write ``out_dir/replay.html`` (atomically; the directory is created) and return its path.

    Raises
    ------
    skycrane.output.report.ReportError
        The directory cannot be created or written (one line naming the path).
    """
    out = _output_dir(out_dir)
    page = replay_page(result, mission, mc=mc, ground=ground)
    try:
        return _write_bytes(out / REPLAY_NAME, page.encode("utf-8"))
    except OSError as exc:
        raise ReportError(f"cannot write the replay into {out}: {exc.strerror or exc}") from None


def replay_section(
    result, mission, *, mc: McOverlay | None = None, ground: HeightGrid | None = None
) -> Section:
    """The report's replay section (pass it in ``write_report``'s ``extra_sections``)."""
    widget = replay_widget(result, mission, mc=mc, ground=ground)
    return Section(
        "Replay",
        "replay",
        (
            Paragraph(
                "The last kilometres in 3-D and every body in plan: drag the time slider or "
                "press play to move every body together; untick a body, or click its legend "
                "entry, to hide it. Heights are above the ground at the site"
                + ("" if mc is None else f"; the clouds are the {mc.cases} Monte Carlo cases")
                + "."
            ),
            HtmlBlock(widget.html, widget.scripts),
        ),
    )
