"""Dark marks on flat ground that the new-shadow test takes for shadows.

:func:`~skycrane.imaging.detect.darkening_map` treats as a new shadow of the after pass
every pixel below ``shadow_fraction`` of the median after and darker than predicted by
more than ``max_mark_darkening``: a cast shadow on flat ground is lit by the sky alone,
``f cos i`` of the lit level's ``(1 - f) cos i + f cos i`` (:mod:`photometry`, ``f = 0.3``),
i.e. about 0.3 of its surroundings.  A mark darker than about 0.5 of the ground round it
(two secondaries overlapping on seed 0 of the tuning scenes: 4.0 and 3.1 m^2 at 0.46 of
their ring) passes that test too, and the point-spread function lifts small shadows to
0.35-0.5 of their ring, so the level alone does not separate them.

What does separate them is the cause of a shadow.  Under the after sun at incidence
``i_a`` a point is shadowed only when relief towards the sun rises faster than
``cot i_a`` (a rock's face, a crater's rim or wall, steeper than ``90 - i_a`` = 30 degrees
for the issue's 60-degree sun), and that relief also shades the *before* image where it
stands: as fine contrast (a rock: the local RMS of the before image's detail,
:func:`~skycrane.imaging.noise.relief_contrast`) or as a level off its surroundings'
(a smooth wall turned from, or towards, the before sun).  A new-shadow component whose
before image shows neither (fine contrast at most ``flat_max_contrast`` of the frame's
median, and a level at least ``flat_min_level`` of the ground round it) has no relief to
cast it: it is released from the shadow masks, and the ordinary matched-filter test
decides whether it is a mark.

Values (E = chosen on docs/imaging.md's tuning scenes, session 20, det14): of the 713
new-shadow components of the unchanged pairs 100-111, the median before contrast
over a component is 1.35 times the frame's and more (1 % of them under 1.57), except
three on a crater's wall at the frame's edge of pair 103 (0.76-1.23: components within
the ring of the edge are never released, the relief that cast them may lie outside);
on the marks of seeds 0-3, 5 % of the components under 1.08 (the seed-0 cluster 1.16,
at a before level of 1.01 of its ring): ``flat_max_contrast`` 1.3 (E; 1.2-2.2 gave the
same marks and no unchanged pair with a detection, 3 let the wall of pair 103 through)
and ``flat_min_level`` 0.85 (E; alone, without the contrast test, 103's wall and a false
detection come through; 0.7-0.95 the same results).  The ring, 3-8 px outside the
component away from other shadows, must hold at least the component's pixels (E: beyond
the PSF and smoothing margin ``shadow_margin_px``, within a secondary's size; a large
wall's component fails it and is never released).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from skycrane.imaging.params import DetectParams
from skycrane.imaging.predict import _dilate_cross, _median


def new_shadows(
    after: np.ndarray, change: np.ndarray, median_after: float, params: DetectParams
) -> np.ndarray:
    """The after pass's new shadows: below ``shadow_fraction`` of the after image's median
    ``median_after`` and darker than predicted (``change``, the log change, > 0 darker) by
    more than any mark, ``max_mark_darkening`` (a mark multiplies the albedo, so sky-lit
    ground under it stays above shadow level; a new shadow is darker than both).  The one
    rule :func:`~skycrane.imaging.detect.darkening_map` masks and this module tests."""
    return (after < params.shadow_fraction * median_after) & (
        change > -math.log(1.0 - params.max_mark_darkening)
    )


def flat_ground_darkening(
    before: np.ndarray,
    after: np.ndarray,
    change: np.ndarray,
    contrast: np.ndarray,
    params: DetectParams = DetectParams(),
) -> np.ndarray | None:
    """Pixels of the new-shadow mask (with its margin) that no relief in the before image
    can have cast (module docstring); None when there are none.

    ``change`` is the log change (> 0 darker than predicted) and ``contrast`` the before
    image's :func:`~skycrane.imaging.noise.relief_contrast`, both on the images' grid.
    """
    new = new_shadows(after, change, _median(after), params)
    if not new.any():
        return None
    labels, n = ndimage.label(new, structure=np.ones((3, 3), dtype=bool))
    flat = _label_medians(contrast, labels, n) <= params.flat_max_contrast * _median(contrast)
    if not flat.any():
        return None
    shadowed = new | (before < np.float32(params.shadow_fraction * _median(before)))
    margin, ring_px = params.shadow_margin_px, params.flat_ring_px
    free = np.zeros(new.shape, dtype=bool)
    for i, window in enumerate(ndimage.find_objects(labels), start=1):
        reach = ring_px + 2
        if not flat[i - 1] or any(
            s.start < reach or s.stop + reach > size
            for s, size in zip(window, new.shape, strict=True)
        ):
            continue  # at the frame's edge the relief that cast it may lie outside
        grown = tuple(slice(s.start - reach, s.stop + reach) for s in window)
        component = labels[grown] == i
        others = _dilate_cross(shadowed[grown] & ~component, 2)
        ring = _dilate_cross(component, ring_px) & ~_dilate_cross(component, margin) & ~others
        if ring.sum() < component.sum():
            continue
        level = np.median(before[grown][component]) / max(np.median(before[grown][ring]), 1e-12)
        if level >= params.flat_min_level:
            free[grown] |= _dilate_cross(component, margin)
    if not free.any():
        return None
    kept = shadowed & ~free
    return free & ~_dilate_cross(kept, margin)


def _label_medians(values: np.ndarray, labels: np.ndarray, n: int) -> np.ndarray:
    """Median of ``values`` over each label 1..n, from the labelled pixels only
    (:func:`scipy.ndimage.median` sorts the whole frame: 8.5 s on a 4000^2 pair)."""
    inside = np.flatnonzero(labels)
    label = labels.ravel()[inside]
    value = values.ravel()[inside]
    value = value[np.lexsort((value, label))]
    counts = np.bincount(label, minlength=n + 1)[1:]
    starts = np.cumsum(counts) - counts
    return 0.5 * (value[starts + (counts - 1) // 2] + value[starts + counts // 2])
