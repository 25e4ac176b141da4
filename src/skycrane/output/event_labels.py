"""Events as labelled vertical lines on a time axis, their labels kept apart.

Used by the time-history figures of :mod:`skycrane.output.plots`. The placement is
estimated before the figure's constrained layout runs: running the layout here would
break figures drawn into a caller's axes.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.textpath import TextPath

LABEL_STYLE = {"fontsize": 6, "textcoords": "offset points", "zorder": 4}
"""Style of every event annotation of the figures (their labels and markers' captions)."""

_LABEL_GAP_PT = 3.0
"""Gap between two event labels stacked on one side of their lines, points."""
_LAYOUT_SHRINK = 0.85
"""Share of its subplot width an axes keeps after the constrained layout, at least."""


def _label_length_pt(text: str) -> float:
    """Length of ``text`` in the event-label font, points (font metrics; no renderer needed)."""
    return TextPath((0.0, 0.0), text, size=LABEL_STYLE["fontsize"]).get_extents().width


def _label_thickness_s(ax: Axes, t0: float, t1: float) -> float:
    """How much time a rotated event label covers across the axis, seconds.

    Estimated before the layout runs (running it here would break figures drawn into a
    caller's axes): the label's line height over the axes' width after the layout shrinks
    it to no less than ``_LAYOUT_SHRINK`` of its subplot, times the x span shown.
    """
    lo, hi = ax.get_xlim()
    span_s = max(t1 - t0, hi - lo, 1e-9)
    width_pt = ax.figure.get_figwidth() * 72.0 * ax.get_position().width * _LAYOUT_SHRINK
    return 1.25 * LABEL_STYLE["fontsize"] / width_pt * span_s


def _label_runs(events: list, width_s: float) -> list[list]:
    """Events in time order, a numbered series close in time (``entry_balance_mass_2`` …
    ``_6``, two seconds apart) gathered into one run so that it takes one label."""
    runs: list[list] = []
    for ev in events:
        stem, _, number = ev.name.rpartition("_")
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and number.isdigit()
            and last.name.rpartition("_")[0] == stem
            and ev.t_s - last.t_s < 2.0 * width_s
        ):
            runs[-1].append(ev)
        else:
            runs.append([ev])
    return runs


def _run_text(run: list) -> str:
    """``entry balance mass 2–6`` for a series, the event's own name for one event."""
    if len(run) == 1:
        return run[0].name.replace("_", " ")
    stem = run[0].name.rpartition("_")[0].replace("_", " ")
    return f"{stem} {run[0].name.rpartition('_')[2]}–{run[-1].name.rpartition('_')[2]}"


def event_lines(ax: Axes, result, t0: float, t1: float, peaks: bool = True) -> None:
    """Events inside [t0, t1] as labelled vertical lines (without ``peak_*`` unless ``peaks``).

    Labels read down from the top edge beside their line; a numbered series close in time
    takes one label (its gid names every event of it, comma-separated). Labels too close to
    stand side by side (peak dynamic pressure and peak deceleration in the same second) are
    placed greedily, skyline fashion: right or left of the line, at the top or below the
    labels already covering that strip, whichever leaves the label higher; a side whose strip
    another event's line crosses is taken only when both are.
    """
    width_s = _label_thickness_s(ax, t0, t1)
    offset_s = width_s * 2.0 / (1.25 * LABEL_STYLE["fontsize"])  # the 2 pt from the line
    placed: list[tuple[float, float, float]] = []  # (x from, x to [s], bottom below top [pt])
    chosen = [
        ev
        for ev in sorted(result.events, key=lambda e: e.t_s)
        if t0 <= ev.t_s <= t1 and (peaks or not ev.name.startswith("peak_"))
    ]
    for ev in chosen:
        ax.axvline(ev.t_s, color="0.6", lw=0.6, ls=":", gid=f"event:{ev.name}")
    for run in _label_runs(chosen, width_s):
        t_s, text = run[0].t_s, _run_text(run)
        others = [ev.t_s for ev in chosen if ev not in run]
        options = []
        for side in (1.0, -1.0):  # right of the line first
            x0, x1 = sorted((t_s + side * offset_s, t_s + side * (offset_s + width_s)))
            drop = max((b for a0, a1, b in placed if a0 < x1 and x0 < a1), default=0.0)
            crosses = any(x0 < t < x1 for t in others)  # would read as another line's label
            options.append((crosses, drop, side, x0, x1))
        _, drop, side, x0, x1 = min(options, key=lambda o: o[:2])
        placed.append((x0, x1, drop + _label_length_pt(text) + 2.0 + _LABEL_GAP_PT))
        ax.annotate(
            text,
            (t_s, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2.0 * side, -2.0 - drop),
            rotation=90,
            va="top",
            ha="left" if side > 0 else "right",
            color="0.4",
            gid="event:" + ",".join(ev.name for ev in run),
            **LABEL_STYLE,
        )
