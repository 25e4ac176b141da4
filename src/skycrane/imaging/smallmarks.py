"""The outline of a small, faint mark that the growth threshold cut under the minimum area.

:func:`skycrane.imaging.detect._regions` grows each seed through the pixels whose change
exceeds ``low`` (``k_low`` times the noise) and outlines each mark at half its peak, but
never below ``low`` (:func:`~skycrane.imaging.detect._half_maximum_regions`).  Under a
moved sun the noise is the unpredicted shading of rough ground, and ``low`` rises to
0.13-0.17 where a mark of 1-2 m^2 darkened 15-30 % peaks at 0.13-0.25: its outline is
then the few pixels above ``low``, fewer than ``min_area_m2`` holds, and the mark, which
the matched filter confirmed (a fine seed, score above ``k_high``), is dropped as a
speck (docs/imaging.md, session 21, branch ``fg2``).

:func:`outline_small_marks` gives such a region the outline the rest of the detector
draws for every mark, the connected pixels round its peak that reach half of it, when
that outline closes within ``SMALL_MARK_REACH_PX`` of the region: a small mark's half-
maximum outline is compact, while one that runs out of that window is the noise round a
speck (or the shoulder of a broad change), and the speck stays dropped.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage import measure

SMALL_MARK_REACH_PX = 6
"""How far [px] the half-maximum outline of a region under the minimum area may reach
beyond the region's box (E): the radius of an 8 m^2 disc at 0.25 m/px is 6.4 px, the
largest mark fg2 works on; an outline still open there is not a small mark's."""


def outline_small_marks(
    labels: np.ndarray, values: np.ndarray, strong: np.ndarray, min_px: int
) -> tuple[np.ndarray, np.ndarray]:
    """``labels`` with each region under ``min_px`` pixels that holds a ``strong`` seed
    redrawn at half its peak of ``values`` (the unmasked change), when that outline closes
    within :data:`SMALL_MARK_REACH_PX` of it, takes no other region's pixels and is not
    smaller than the region (modified in place), and the regions' sizes in pixels
    (``np.bincount`` of the labels)."""
    sizes = np.bincount(labels.ravel())
    small = np.flatnonzero((sizes > 0) & (sizes < min_px))
    small = small[small > 0]
    if small.size == 0:
        return labels, sizes
    objects = ndimage.find_objects(labels)
    pad = SMALL_MARK_REACH_PX
    for index in small:
        box = objects[index - 1]
        window = tuple(
            slice(max(s.start - pad, 0), min(s.stop + pad, n))
            for s, n in zip(box, labels.shape, strict=True)
        )
        region = labels[window] == index
        if not (region & strong[window]).any():
            continue
        local = values[window]
        top = np.unravel_index(int(np.argmax(np.where(region, local, -np.inf))), local.shape)
        half = measure.label(local >= np.float32(0.5) * local[top], connectivity=2)
        outline = half == half[top]
        if outline[0].any() or outline[-1].any() or outline[:, 0].any() or outline[:, -1].any():
            continue  # open within the reach: no small mark's outline
        if (outline & (labels[window] > 0) & ~region).any() or outline.sum() < sizes[index]:
            continue
        labels[window][outline] = index
        sizes[index] = np.count_nonzero(labels[window] == index)
    return labels, sizes
