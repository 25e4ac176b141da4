"""Layers every site map shares: hillshade, published ellipse, observed hardware, body colours.

Maps are in the target's local east/north frame (metres, or kilometres with
``scale=1e3``). Artists carry ``gid`` tags: ``"hillshade"``,
``"published_ellipse"``, ``"observed:<name>"``.
"""

from __future__ import annotations

import re

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import ScalarFormatter

from skycrane.output.replay_data import local_east_north_m
from skycrane.terrain.shade import terrain_shade

BODY_COLORS = {
    "rover": "#d62728",
    "descent_stage": "#7b2cbf",
    "backshell": "#1f77b4",
    "heat_shield": "#ff7f0e",
    "cruise_stage": "#2ca02c",
}
"""Fixed colours of the main bodies, the same on every map."""
_OTHER_COLORS = ("#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#843c39")
"""Strong, mutually distinct colours for the other bodies (no pastels)."""


def body_kind(name: str) -> str:
    """What kind of hardware a body is: its name without a trailing number.

    ``entry_balance_mass_3`` is an ``entry_balance_mass``; a fragment
    ``cruise_stage/panel_2`` is a ``cruise_stage/panel``.
    """
    return re.sub(r"_\d+$", "", name)


def body_colors(names) -> dict[str, str]:
    """A distinct colour per kind of body (:func:`body_kind`), the main bodies' fixed ones."""
    kinds: dict[str, str] = {}
    k = 0
    out = {}
    for name in names:
        kind = body_kind(name)
        if kind not in kinds:
            if kind in BODY_COLORS:
                kinds[kind] = BODY_COLORS[kind]
            else:
                kinds[kind] = _OTHER_COLORS[k % len(_OTHER_COLORS)]
                k += 1
        out[name] = kinds[kind]
    return out


def plain_numbers(ax: Axes) -> None:
    """Axis tick labels as plain numbers: no offset (``+2.099999e3``), no scientific notation."""
    for axis in (ax.xaxis, ax.yaxis):
        fmt = ScalarFormatter(useOffset=False)
        fmt.set_scientific(False)
        axis.set_major_formatter(fmt)


def draw_hillshade(ax: Axes, terrain, scale: float = 1.0) -> bool:
    """The terrain's hillshade under the map (nothing for flat ground); True if drawn."""
    if terrain is None or terrain.is_flat:
        return False
    shade, extent = terrain_shade(terrain)
    ax.imshow(
        shade,
        extent=tuple(v / scale for v in extent),
        origin="lower",
        cmap="gray",
        vmin=0.0,
        vmax=1.0,
        alpha=0.85,
        zorder=0,
        gid="hillshade",
        interpolation="bilinear",
    )
    return True


def published_ellipse_en(mission) -> np.ndarray | None:
    """Boundary (east, north) [m] of the mission's published landing ellipse, or None.

    Centred on the target; the major axis along ``site.ellipse_azimuth_deg``
    clockwise from north, or the entry heading when the file gives none.
    """
    site = mission.spec.site
    if site.ellipse_major_km is None:
        return None
    az = site.ellipse_azimuth_deg
    if az is None:
        az = mission.spec.entry.heading_deg
    a = 500.0 * site.ellipse_major_km
    b = 500.0 * site.ellipse_minor_km
    t = np.linspace(0.0, 2.0 * np.pi, 181)
    along, across = a * np.cos(t), b * np.sin(t)
    th = np.radians(az)
    east = along * np.sin(th) + across * np.cos(th)
    north = along * np.cos(th) - across * np.sin(th)
    return np.column_stack([east, north])


def draw_published_ellipse(ax: Axes, mission, scale: float = 1.0) -> np.ndarray | None:
    """The published ellipse as a dashed line (legend: its size and source); its points."""
    en = published_ellipse_en(mission)
    if en is None:
        return None
    site = mission.spec.site
    label = f"published ellipse {site.ellipse_major_km:g} x {site.ellipse_minor_km:g} km"
    ax.plot(en[:, 0] / scale, en[:, 1] / scale, "k--", lw=1.0, gid="published_ellipse", label=label)
    return en


def draw_observed(ax: Axes, mission, scale: float = 1.0) -> np.ndarray:
    """Observed hardware positions as open diamonds, each labelled; their (east, north) [m]."""
    observed = getattr(mission, "observed", ())
    if not observed:
        return np.zeros((0, 2))
    lat = [o.latitude_deg for o in observed]
    lon = [o.longitude_deg for o in observed]
    en = np.column_stack(local_east_north_m(lat, lon, mission))
    for k, (o, (e, n)) in enumerate(zip(observed, en, strict=True)):
        ax.scatter(
            [e / scale],
            [n / scale],
            marker="D",
            s=36,
            facecolors="none",
            edgecolors="k",
            linewidths=1.2,
            zorder=5,
            gid=f"observed:{o.name}",
            label="observed (GeoJSON)" if k == 0 else None,
        )
    return en
