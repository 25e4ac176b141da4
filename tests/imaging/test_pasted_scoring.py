"""Scoring pasted marks mark by mark (:func:`skycrane.imaging.pasted.found_marks`).

Invariant: on any detections, the marks ``found_marks`` finds are the ones
``score_pasted`` counts as found (one matching rule: within 2 px, the right sign)."""

import numpy as np

from skycrane.imaging.detect import Detection
from skycrane.imaging.pasted import PastedPair, found_marks, score_pasted


def _at(row: float, col: float, shape: tuple[int, int], darkening: float) -> Detection:
    """A detection whose centroid is at pixel ``(row, col)`` (resolution 1 m)."""
    rows, cols = shape
    return Detection(
        x_m=col - (cols - 1) / 2,
        y_m=(rows - 1) / 2 - row,
        area_m2=4.0,
        darkening=darkening,
        kind="secondary",
        eccentricity=0.0,
        orientation_rad=0.0,
    )


def test_found_marks_agree_with_the_pasted_score():
    shape = (64, 64)
    rng = np.random.default_rng(7)
    blobs = [
        (float(r), float(c), int(s))
        for r, c, s in zip(
            rng.uniform(5, 59, 12), rng.uniform(5, 59, 12), rng.choice([-1, 1], 12), strict=True
        )
    ]
    pair = PastedPair(np.ones(shape), np.ones(shape), blobs)
    found = [  # on a mark, 1.5 px off, 3 px off, the wrong sign, and one on no mark
        _at(blobs[0][0], blobs[0][1], shape, 0.3 * blobs[0][2]),
        _at(blobs[1][0] + 1.5, blobs[1][1], shape, 0.3 * blobs[1][2]),
        _at(blobs[2][0] + 3.0, blobs[2][1], shape, 0.3 * blobs[2][2]),
        _at(blobs[3][0], blobs[3][1], shape, -0.3 * blobs[3][2]),
        _at(-20.0, -20.0, shape, 0.3),
    ]
    each = found_marks(found, pair)
    n_marks, n_found, _ = score_pasted(found, pair)
    assert each.shape == (len(blobs),)
    assert n_marks == len(blobs)
    assert int(each.sum()) == n_found
    assert each[0] and each[1] and not each[2] and not each[3]
