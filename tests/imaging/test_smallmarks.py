"""The outline of a small mark cut under the minimum area by the growth threshold
(:mod:`skycrane.imaging.smallmarks`).  Figures: docs/imaging.md, session 21, ``fg2``."""

import numpy as np
from scipy import ndimage

from skycrane.imaging.smallmarks import outline_small_marks

MIN_PX = 10


def _blurred_disc(radius_px: float, sigma_px: float, peak: float) -> np.ndarray:
    rows, cols = np.mgrid[:64, :64].astype(np.float32)
    disc = ((rows - 31.7) ** 2 + (cols - 32.2) ** 2 <= radius_px**2).astype(np.float32)
    return (peak * ndimage.gaussian_filter(disc, sigma_px)).astype(np.float32)


def test_a_small_mark_cut_by_the_threshold_gets_its_half_maximum_outline():
    """Analytic: a disc of radius 3 px darkened by 0.2 and blurred by a 1 px gaussian
    (the smoothing) has its half-maximum contour at its edge (the blur of a straight
    edge is half the step on it; the disc's curvature moves it by a fraction of a
    pixel): cut by a threshold of 0.17 to a speck under 10 px, the region is redrawn
    with the disc's area, pi 3^2 = 28.3 px, within 20 %, and keeps its label."""
    values = _blurred_disc(3.0, 1.0, 0.2)
    labels = np.zeros(values.shape, dtype=np.int32)
    labels[values > 0.17] = 1
    assert 0 < np.count_nonzero(labels) < MIN_PX
    labels, sizes = outline_small_marks(labels, values, labels > 0, MIN_PX)
    assert abs(sizes[1] - np.pi * 3.0**2) < 0.2 * np.pi * 3.0**2
    assert sizes[1] == np.count_nonzero(labels == 1)
    assert set(np.unique(labels)) == {0, 1}


def test_a_speck_on_a_broad_change_or_without_a_strong_seed_is_left_as_it_was():
    """Invariant: a speck on a broad change (a gaussian of 12 px, whose half-maximum
    contour, 14 px from its peak, lies beyond the reach of a small mark) and a speck
    no strong seed confirmed keep their pixels: they stay under the minimum area."""
    broad = _blurred_disc(0.5, 12.0, 1.0)
    broad *= np.float32(0.2 / broad.max())
    for values, strong in ((broad, True), (_blurred_disc(3.0, 1.0, 0.2), False)):
        labels = np.zeros(values.shape, dtype=np.int32)
        labels[values >= np.sort(values.ravel())[-5]] = 1
        before = labels.copy()
        labels, sizes = outline_small_marks(labels, values, (labels > 0) & strong, MIN_PX)
        assert np.array_equal(labels, before)
        assert sizes[1] == np.count_nonzero(before)
