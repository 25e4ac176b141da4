"""Parts shared by the figure modules: styles, time windows, axes, event markers and labels.

:mod:`skycrane.output.plots` (the Mars landing's figures) and
:mod:`skycrane.output.plots_capsule` (the capsule's) both draw with these, so neither
imports the other's internals (no import cycle).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from skycrane.output.event_labels import LABEL_STYLE as _LABEL_STYLE

_GROUND_STYLE = {"color": "saddlebrown", "lw": 1.2, "gid": "ground", "zorder": 1}

_EVENT_STYLE = {"marker": "o", "s": 18, "color": "tab:red", "zorder": 3}


def marked_events(result, t_min_s: float = 0.0, t_max_s: float = np.inf) -> list:
    """Events marked on the altitude figures: those at ``t_min_s <= t <= t_max_s``.

    By default every event from the entry interface on (the cruise before it
    would squash the entry onto the axis).
    """
    return [ev for ev in result.events if t_min_s <= ev.t_s <= t_max_s]


def _window(result, t0: float, t1: float) -> np.ndarray:
    t = result.trajectory.t_s
    return (t >= t0) & (t <= t1)


def _event_time(result, *names: str, default: float | None = None) -> float | None:
    """Time of the first of ``names`` that occurred (``default`` if none did)."""
    times = {ev.name: ev.t_s for ev in result.events}
    return next((times[n] for n in names if n in times), default)


def _one_axes(ax: Axes | None, figsize=(7.0, 5.0)) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _panels(ax, n: int, figsize, sharex: bool = True) -> tuple[Figure, list[Axes]]:
    if ax is not None:
        axes = list(ax) if isinstance(ax, Sequence | np.ndarray) else [ax]
        if len(axes) != n:
            raise ValueError(f"this figure needs {n} axes, got {len(axes)}")
        return axes[0].figure, axes
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(n, 1, sharex=sharex, squeeze=False)[:, 0]
    return fig, list(axes)


def _label_offsets(ax: Axes, xs, ys, texts, fontsize: float) -> list[tuple[float, float]]:
    """Greedy label placement: per point, the first offset [pt] whose box hits nothing
    and stays inside the axes, else the first that hits nothing.

    Positions are estimated in points from the current data limits and the
    axes' size after the figure's layout engine has placed them (constrained
    layout shrinks the panels when it draws), without a draw.
    """
    fig = ax.figure
    engine = fig.get_layout_engine()
    if engine is not None:  # the axes' final place: constrained layout moves them when drawn
        engine.execute(fig)
    box = ax.get_position()
    w_pt = box.width * fig.get_figwidth() * 72.0
    h_pt = box.height * fig.get_figheight() * 72.0
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    px = [(x - x0) / ((x1 - x0) or 1.0) * w_pt for x in xs]
    py = [(y - y0) / ((y1 - y0) or 1.0) * h_pt for y in ys]
    taken = [(x - 3, y - 3, x + 3, y + 3) for x, y in zip(px, py, strict=True)]
    candidates = [
        (r * np.cos(a), r * np.sin(a))
        for r in (6.0, 14.0, 24.0, 36.0, 50.0, 66.0, 85.0, 105.0, 130.0, 160.0)
        for a in np.radians([20, -20, 160, 200, 45, -45, 135, 225, 70, -70, 110, 250, 90, 270])
    ]
    out = []
    for x, y, text in zip(px, py, texts, strict=True):
        lines = text.split("\n")  # a multi-line label: its longest line, every line's height
        width = 0.7 * fontsize * max(len(line) for line in lines) + 4.0
        height = fontsize * (1.0 + 1.2 * (len(lines) - 1)) + 6.0
        chosen, clear_only = None, None
        for dx, dy in candidates:
            left = x + dx if dx >= 0 else x + dx - width
            rect = (left, y + dy - height / 2, left + width, y + dy + height / 2)
            inside = 0 <= rect[0] and rect[2] <= w_pt and 0 <= rect[1] and rect[3] <= h_pt
            clear = all(
                rect[2] < t[0] or t[2] < rect[0] or rect[3] < t[1] or t[3] < rect[1] for t in taken
            )
            if inside and clear:
                chosen = (dx, dy, rect)
                break
            if clear and clear_only is None:
                clear_only = (dx, dy, rect)
        if chosen is None:  # a label too long to fit inside: clear of the others, past the edge
            chosen = clear_only
        if chosen is None:
            dx, dy = candidates[0]
            left = x + dx
            chosen = (dx, dy, (left, y + dy - height / 2, left + width, y + dy + height / 2))
        taken.append(chosen[2])
        out.append((float(chosen[0]), float(chosen[1])))
    return out


def _mark_events(ax: Axes, events, xs, ys, runs: list[list[int]] | None = None) -> None:
    """A marker per event and a text label per run of events (default: one each), labels
    placed apart with leader lines; a run's label names its events a line each, its gid
    ``"event:<name>,<name>,…"``."""
    runs = [[i] for i in range(len(events))] if runs is None else runs
    for ev, x, y in zip(events, xs, ys, strict=True):
        ax.scatter([x], [y], gid=f"event:{ev.name}", **_EVENT_STYLE)
    texts = ["\n".join(events[i].name.replace("_", " ") for i in run) for run in runs]
    lx = [xs[run[0]] for run in runs]
    ly = [ys[run[0]] for run in runs]
    gids = ["event:" + ",".join(events[i].name for i in run) for run in runs]
    _annotate_apart(ax, lx, ly, texts, gids)


def _annotate_apart(ax: Axes, xs, ys, texts, gids=None, bbox=None) -> None:
    """Text labels at points (xs, ys), placed apart (:func:`_label_offsets`), each joined to
    its point by a leader line when it stands off more than 10 points; ``gids`` name them."""
    offsets = _label_offsets(ax, xs, ys, texts, _LABEL_STYLE["fontsize"])
    gids = [None] * len(texts) if gids is None else gids
    for x, y, text, gid, (dx, dy) in zip(xs, ys, texts, gids, offsets, strict=True):
        ax.annotate(
            text,
            (x, y),
            xytext=(dx, dy),
            ha="left" if dx >= 0 else "right",
            va="center",
            gid=gid,
            arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "0.5"}
            if np.hypot(dx, dy) > 10.0
            else None,
            bbox=bbox,
            **_LABEL_STYLE,
        )


def _no_phase(axes: list[Axes], text: str) -> None:
    for a in axes:
        a.text(0.5, 0.5, text, ha="center", va="center", transform=a.transAxes)
