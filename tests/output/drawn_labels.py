"""Drawn-figure checks shared by the output tests: texts by gid, and overlapping labels.

The overlap check draws the figure on an Agg canvas (figures are built without a
backend), so it sees the labels where the layout finally put them.
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg


def gid_texts(fig, prefix=""):
    """(axes, text artist) of every text with a gid starting with ``prefix``."""
    return [
        (ax, t)
        for ax in fig.axes
        for t in ax.texts
        if (t.get_gid() or "").startswith(prefix) and t.get_text()
    ]


def overlapping_labels(fig, prefix=""):
    """Pairs of labels (gids starting with ``prefix``) on one axes whose drawn boxes overlap."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    pairs = []
    for ax in fig.axes:
        boxes = [
            (t.get_text(), t.get_window_extent(renderer))
            for a, t in gid_texts(fig, prefix)
            if a is ax
        ]
        pairs += [
            (a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1 :] if ba.overlaps(bb)
        ]
    return pairs
