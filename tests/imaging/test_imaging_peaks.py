"""The peak a mark's half-maximum outline is drawn at (:func:`skycrane.imaging.peaks.mark_peak`)."""

import numpy as np
from scipy import ndimage

from skycrane.imaging.peaks import mark_peak


def _gaussian(shape, centre, sigma_px, amplitude):
    rows, cols = np.mgrid[: shape[0], : shape[1]].astype(np.float64)
    r2 = (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2
    return amplitude * np.exp(-r2 / (2.0 * sigma_px**2))


def test_a_mark_narrower_than_the_opening_disc_keeps_its_own_peak():
    """Analytic: a gaussian mark of sigma 1.2 px (half-maximum radius 1.2 sqrt(2 ln 2) =
    1.41 px, which the 5 px opening disc does not fit into) peaks at its amplitude, on
    its centre pixel.  The opened peak read before (the gaussian at about 2 px from its
    centre, 0.25 of the amplitude) set the outline at an eighth of the mark's peak."""
    values = _gaussian((31, 31), (15, 15), 1.2, 0.4).astype(np.float32)
    basin = values > 0.01
    peak, level = mark_peak(basin, values)
    assert peak == (15, 15)
    assert abs(level - 0.4) < 1e-6


def test_a_small_mark_on_a_broad_one_does_not_set_its_peak():
    """Analytic: a crash-like plateau (a disc of radius 12 px darkened by 0.3, edges
    smoothed by a gaussian of sigma 1 px) with a secondary on it (a gaussian of sigma
    1 px, 0.2 deep) 6 px from its centre: the maximum (0.5) is the secondary's, and the
    plateau reaches half of it, so the peak read is the plateau's once the opening disc
    (radius 2 px) has removed the secondary: 0.3, plus at most the secondary's gaussian
    at 2 px from its centre (0.2 exp(-2) = 0.027) -- not the secondary's 0.5."""
    shape = (61, 61)
    rows, cols = np.mgrid[: shape[0], : shape[1]].astype(np.float64)
    plateau = ndimage.gaussian_filter(0.3 * (np.hypot(rows - 30, cols - 30) <= 12.0), 1.0)
    values = (plateau + _gaussian(shape, (30, 36), 1.0, 0.2)).astype(np.float32)
    peak, level = mark_peak(values > 0.01, values)
    assert float(values.max()) > 0.49
    assert 0.3 - 1e-3 <= level <= 0.3 + 0.2 * np.exp(-2.0) + 1e-3
    assert np.hypot(peak[0] - 30, peak[1] - 30) <= 12.0
