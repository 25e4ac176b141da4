"""Where a darkened region's mark peaks, and where the mark lies.

Two pieces of :func:`skycrane.imaging.detect.detect`'s measurement of a region:

* :func:`mark_peak`, the peak whose half the mark's outline is drawn at
  (:func:`~skycrane.imaging.detect._half_maximum_regions`);
* :func:`darkening_centroid`, the position reported for a darkened region;
* :func:`half_maximum_area_px`, the area of a matched-filter blob's half-maximum outline,
  the smallest region a blob's score alone is taken to have found.

The first two were changed in session 20 (docs/imaging.md, "Session 20", branch ``det13``), after
the marks found 2-4.5 px off their footprints under a moved sun were looked at pixel by
pixel.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage
from skimage import measure, morphology

PEAK_DISC = morphology.disk(2)
"""Structuring element that opens away what is under 5 px across before a mark's peak
is read (secondaries lying on a crash's fan, noise spikes)."""


def mark_peak(basin: np.ndarray, values: np.ndarray) -> tuple[tuple[int, int], float]:
    """Pixel and value of the peak of the mark that ``basin`` (a boolean mask over
    ``values``, the change) holds.

    A mark lying on a larger one (a secondary on a crash's fan) or a noise spike must not
    set the larger one's peak, so the peak is read after a grey opening by
    :data:`PEAK_DISC`, which removes what the disc does not fit into.  When the mark
    itself is that small, i.e. the disc does not fit into the connected pixels round the
    basin's maximum that reach half of it (its own half-maximum outline), the opening
    would remove the mark itself: its maximum is its peak.  (The opened peak of a mark
    4-6 px across is 0.55-0.68 of its maximum, so half of it outlined the mark at a third
    of its peak, out to the unpredicted shading beside it under a moved sun: seeds 0-3,
    docs/imaging.md, session 20.)
    """
    raw = np.where(basin, values, np.float32(0.0))
    top = np.unravel_index(int(np.argmax(raw)), raw.shape)
    half = measure.label(basin & (raw >= 0.5 * raw[top]), connectivity=2)
    if not ndimage.binary_erosion(half == half[top], structure=PEAK_DISC).any():
        return top, float(raw[top])
    opened = ndimage.grey_opening(raw, footprint=PEAK_DISC)
    peak = np.unravel_index(int(np.argmax(opened)), opened.shape)
    return peak, float(opened[peak])


def darkening_centroid(prop) -> tuple[float, float]:
    """``(row, col)`` of a darkened region (``regionprops`` with the unmasked change as
    intensity): the centroid of its pixels weighted by their darkening.

    A mark darkens most where it disturbs the dust most, at its centre, and its outline
    (one threshold, half its peak) is where a moved sun's unpredicted shading bends it
    most: the darkening-weighted centroid puts the pixels near the outline, at about the
    threshold, at a low weight.  (Seed 1's crash, 388.6 m^2: its outline missed 650 of its
    footprint's 6217 px along the faint side of the fan and its centroid was 2.45 px off;
    docs/imaging.md, session 20.)  Pixels in new shadow keep their (larger) change as
    weight: leaving them out moved the marks farther off (the same section).
    """
    row, col = prop.centroid_weighted  # the region's pixels all darkened beyond its floor
    return float(row), float(col)


def half_maximum_area_px(sigma_px: float) -> float:
    """Area [px] inside the half-maximum outline of a gaussian blob of standard deviation
    ``sigma_px``: the disc where ``exp(-r^2 / 2 sigma^2) >= 1/2``, ``2 pi ln 2 sigma^2``
    (279 px, 17.4 m^2 at 0.25 m, for the broad scale's 8 px).

    :func:`~skycrane.imaging.detect._half_maximum_regions` outlines a mark at half its
    peak, so a region the broad matched filter alone seeded is as large as the blob that
    filter is matched to when it covers this area; a smaller one took its score from the
    shading round it.  (The rule was a disc of radius ``2 sigma``, 804 px: 50 m^2 at
    0.25 m, where a gaussian is at 14 % of its peak, not half; it dropped marks of
    19.5 and 43.6 m^2, darkened by 0.39 and 0.47, on the foreign pairs of seeds 0 and 3
    under a moved sun: docs/imaging.md, session 21, branch ``fg3``.)
    """
    return 2.0 * math.pi * math.log(2.0) * sigma_px**2
