"""Change detection when the sun moved between the passes (issue 18).

Real orbital pairs are taken under different suns: shading and shadows move, and
that is what breaks change detection.  The after pass here has the sun 20 degrees
lower and 30 degrees round, a 0.5 px pointing error and 10 % less light.
"""

import numpy as np
import pytest

from skycrane.imaging import detect, render_pair
from skycrane.imaging.photometry import MOVED_SUN_AFTER, MOVED_SUN_BEFORE
from skycrane.imaging.score import evaluate_sites

RES = 0.25
BEFORE, AFTER = MOVED_SUN_BEFORE, MOVED_SUN_AFTER


@pytest.mark.parametrize("seed", range(3))
def test_unchanged_ground_under_two_suns_has_no_detections(seed):
    """Invariant: moved shading and shadows on unchanged ground are not impacts."""
    rng = np.random.default_rng(100 + seed)
    pair = render_pair(rng, [], (512, 512), RES, BEFORE, AFTER)
    assert detect(pair.before, pair.after, RES) == []


def test_detection_under_a_moved_sun():
    """Reference: rendered truth over seeds 0-2.  Every found mark is within 2 px; under
    10 % of the detections are false on these three sites (4.2 % over 8 seeds).  Recall
    is only a floor against regression: 67 % over 8 seeds (docs/imaging.md), short of
    the issue's 95 %, an open limit (tests/imaging/test_detect_sun_moved.py)."""
    stats = evaluate_sites(range(3), 800, RES, BEFORE, AFTER)
    assert stats.n_truth > 80
    assert stats.false_fraction < 0.10
    assert max(stats.position_errors_px) <= 2.0
    assert stats.recall >= 0.2
