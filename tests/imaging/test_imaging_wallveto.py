"""The crater-wall veto's reading of its decimated maps."""

import numpy as np
from scipy import ndimage

from skycrane.imaging.params import DetectParams
from skycrane.imaging.photometry import OrbitalPass
from skycrane.imaging.wallveto import WallShading, _frame_median, _sampled_read


def test_decimated_map_is_read_at_i_over_step():
    """Invariant: a linear ramp sampled every ``step`` px (``ramp[::step, ::step]``, as the
    veto samples its band-pass and its local median) and read back bilinearly gives the
    ramp itself at every pixel up to the last sample, and the last sample's value beyond
    it; at 4000 px and step 8 an end-aligned (``ndimage.zoom``) reading is 7 px off at the
    far edge."""
    shape = (4000, 120)
    rows, cols = np.arange(shape[0]), np.arange(shape[1])
    ramp = 0.01 * rows[:, None] - 0.03 * cols[None, :] + 2.0
    for step in (4, 8):
        read = _sampled_read(ramp[::step, ::step], step, rows, cols)
        last_row, last_col = (shape[0] - 1) // step * step, (shape[1] - 1) // step * step
        expected = ramp[np.minimum(rows, last_row)][:, np.minimum(cols, last_col)]
        np.testing.assert_allclose(read, expected, rtol=0.0, atol=1e-9)
    window = _sampled_read(ramp[::8, ::8], 8, rows[3900:3950], cols[17:40])
    np.testing.assert_allclose(window, ramp[3900:3950, 17:40], rtol=0.0, atol=1e-9)


def test_frame_median_is_np_median():
    """External reference: :func:`numpy.median` (what the veto used before), to the bit, on
    odd and even counts, ties, a sorted frame (the subsample's bracket then far from
    random) and a NaN (the whole-frame fallback)."""
    rng = np.random.default_rng(0)
    frames = [rng.standard_normal(shape).astype(np.float32) for shape in ((16, 16), (17, 33))]
    frames += [rng.integers(0, 3, (200, 200)).astype(np.float32)]
    frames += [np.sort(rng.random(90_000)).reshape(300, 300).astype(np.float32)]
    with_nan = rng.random((64, 64)).astype(np.float32)
    with_nan[3, 3] = np.nan
    for frame in frames:
        assert _frame_median(frame) == float(np.median(frame))
    assert np.isnan(_frame_median(with_nan))


def test_lazy_floor_and_band_equal_the_full_filters():
    """External reference: :func:`scipy.ndimage.percentile_filter` (50, reflected) of the
    sampled ``e`` and :func:`scipy.ndimage.gaussian_filter` of the log image, computed on
    the whole frame before: the medians taken only where a ring reads them and the band
    filtered over a window's box are identical, to the bit, edges included."""
    rng = np.random.default_rng(1)
    ground = ndimage.gaussian_filter(rng.standard_normal((400, 360)), 6.0)
    before = np.exp(8.0 * ground + 0.1 * rng.standard_normal(ground.shape)).astype(np.float32)
    after = np.exp(-5.0 * ground + 0.1 * rng.standard_normal(ground.shape)).astype(np.float32)
    suns = (OrbitalPass(40.0, 250.0), OrbitalPass(60.0, 220.0))
    shading = WallShading(before, after, suns)
    params = DetectParams()
    step = params.wall_floor_step_px
    samples = [np.arange(0, n, step) for n in before.shape]
    sampled = shading._excess(*samples)
    window = round(params.wall_floor_px / step)
    full = ndimage.percentile_filter(sampled, 50, size=window, mode="reflect")
    assert np.array_equal(shading._floor_samples(slice(None), slice(None)), full)
    log = np.log(np.maximum(before, np.float32(params.wall_log_floor * np.median(before))))
    band = ndimage.gaussian_filter(log, params.wall_band_px[0])
    for rows, cols in (
        (np.arange(0, 30), np.arange(5, 40)),
        (np.arange(350, 400), np.arange(300, 360)),
    ):
        assert np.array_equal(shading._fine(0, rows, cols), band[np.ix_(rows, cols)])
    assert np.array_equal(shading._fine(0, *samples), band[np.ix_(*samples)])
