"""The crater-wall veto's reading of its decimated maps."""

import numpy as np

from skycrane.imaging.wallveto import _sampled_read


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
