"""The detector on pairs under two suns that skycrane's renderer did not make (issue 18:
"the detector is also scored on before/after pairs that skycrane's renderer did not
make"), from :mod:`skycrane.imaging.foreign`, and the regional level it removes.

Figures: docs/imaging.md, "Pairs of another make under two suns".
"""

import functools

import numpy as np
import pytest

from skycrane.imaging import detect
from skycrane.imaging.foreign import foreign_pair
from skycrane.imaging.params import DetectParams
from skycrane.imaging.pasted import score_pasted
from skycrane.imaging.photometry import MOVED_SUN_AFTER as AFTER
from skycrane.imaging.photometry import MOVED_SUN_BEFORE as BEFORE
from skycrane.imaging.predict import regional_level

RES_M = 0.25


@functools.cache
def _pair(seed: int, with_marks: bool = True):
    return foreign_pair(seed, with_marks=with_marks)


def test_regional_level_recovers_a_tilted_plane_under_marks():
    """Analytic: on a plane of log change (a regional shading ratio of -6 % to +6 %
    across 1024 px) with noise and dark discs covering 8 % of the frame, the level is the
    plane within 0.005 between the outermost block centres (the median of a plane over a
    symmetric block is its centre value; linear interpolation between centres is exact
    on a plane), and it ignores the excluded pixels."""
    rng = np.random.default_rng(0)
    n = 1024
    rows, cols = np.mgrid[:n, :n].astype(np.float32)
    plane = 0.06 * (cols - 511.5) / 511.5 - 0.03 * (rows - 511.5) / 511.5
    change = plane + rng.normal(0.0, 0.01, plane.shape).astype(np.float32)
    for _ in range(160):
        r, c = rng.random(2) * n
        change[(rows - r) ** 2 + (cols - c) ** 2 < 11.0**2] += 0.4
    exclude = np.zeros(change.shape, dtype=bool)
    exclude[300:380, 600:680] = True
    change[exclude] = -2.0  # a shadow: no light, nothing known
    params = DetectParams()
    level = regional_level(change, exclude, params)
    half = params.level_block_px // 2
    inner = (slice(half, n - half), slice(half, n - half))
    assert np.max(np.abs(level[inner] - plane[inner])) < 0.005


def test_an_unchanged_foreign_pair_under_two_suns_gives_no_detection():
    """Invariant (issue 18: "an unchanged pair imaged under two sun angles gives no
    detections"), on ground of another make: seeds 0-3 without marks, the suns 20 deg
    apart in incidence and 30 deg in azimuth, gain 0.9, a 0.5 px shift."""
    for seed in range(4):
        pair = _pair(seed, with_marks=False)
        assert detect(pair.before, pair.after, RES_M, suns=(BEFORE, AFTER)) == []


def test_a_shadow_the_sun_moved_off_is_not_a_brightening():
    """Invariant (known truth: no mark): the unchanged foreign pair of seed 100 holds a
    crater floor in shadow in both passes (0.06 and 0.1 of each image's median), whose
    sky light the after pass's dimmer sun leaves 4.8 times brighter than predicted; a
    brightened region mostly at shadow level in the after image is not bright hardware
    and is dropped, so nothing is reported (main at d64e2de reported a 1.4 m^2
    "hardware" brightening).  A brightened mark on dark ground stays found
    (``test_float_and_16_bit_tiffs_with_their_fill``)."""
    pair = _pair(100, with_marks=False)
    assert detect(pair.before, pair.after, RES_M, suns=(BEFORE, AFTER)) == []


@functools.cache
def _found(seed: int) -> list:
    """The detections on seed ``seed``'s pair with marks, under the moved sun."""
    pair = _pair(seed)
    return detect(pair.before, pair.after, RES_M, suns=(BEFORE, AFTER))


@functools.cache
def _moved_sun_totals() -> tuple[int, int, int]:
    """Marks, found and false detections over seeds 0-3 under the moved sun."""
    totals = np.zeros(3, dtype=int)
    for seed in range(4):
        totals += score_pasted(_found(seed), _pair(seed), RES_M)
    return tuple(int(t) for t in totals)


def _found_at(seed: int, row: float, col: float) -> list:
    """Seed ``seed``'s detections within 2 px of the before image's pixel (row, col)."""
    centre = (np.asarray(_pair(seed).before.shape) - 1) / 2.0
    return [
        d
        for d in _found(seed)
        if np.hypot(centre[0] - d.y_m / RES_M - row, centre[1] + d.x_m / RES_M - col) <= 2.0
    ]


def test_a_mid_sized_mark_only_the_broad_blob_scores_is_found():
    """Known truth: seed 0's pasted mark of 19.5 m^2 (an ellipse 12.6 x 7.9 px in
    semi-axes, darkened by 0.39) at row 157, column 297, found within 2 px as darker.
    Its 2-3 px blobs score under ``k_high`` (a mark far wider than them: 6.8) and the
    broad blob 20; the region, outlined at half its peak, is larger than the broad
    blob's half-maximum outline (17.4 m^2) but smaller than the disc of radius 2 sigma
    (50 m^2) that main required (docs/imaging.md, session 21, branch ``fg3``)."""
    row, col, _ = min(_pair(0).blobs, key=lambda b: np.hypot(b[0] - 157.0, b[1] - 297.0))
    assert np.hypot(row - 157.0, col - 297.0) < 1.0  # the mark is where it was measured
    near = _found_at(0, row, col)
    assert any(d.darkening > 0.0 for d in near), near


def test_a_faint_small_mark_the_growth_threshold_cut_is_found():
    """Known truth: seed 3's mark 15, pasted at row 576.6, column 711.3 (1.0 m^2, darkened
    27 %), whose matched score (14.7) seeds it but whose pixels above the growth
    threshold (0.139 there, on rough ground under the moved sun) were fewer than the
    minimum area; drawn at half its peak (:mod:`skycrane.imaging.smallmarks`) it is
    found within 2 px with the sign of a darkening (missed on main at 051667d and 2c2afac)."""
    row, col, sign = _pair(3).blobs[15]
    hits = [d for d in _found_at(3, row, col) if np.sign(d.darkening) == sign]
    assert hits, "seed 3's mark 15 not found within 2 px"


@pytest.mark.slow
def test_foreign_pairs_under_the_moved_sun_few_false_detections():
    """Known truth, seeds 0-3 of :func:`foreign_pair` (132 pasted marks of 1-300 m^2, the
    suns 20 deg apart in incidence and 30 deg in azimuth): false detections under 5 % of
    the marks' number (issue 18's bound)."""
    n_marks, _, n_false = _moved_sun_totals()
    assert n_false < 0.05 * n_marks, n_false


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="seeds 0-3: 99 of 132 found (75.0 %) with session 21's regional level, fg3's broad-only "
    "regions kept from the blob's half-maximum area and fg2's small-mark outlines (87, 65.9 %, "
    "at 628b4bb), and 126 (95.5 %) under one sun: the shading a moved sun leaves unpredicted "
    "on rough ground hides faint and mid-sized marks (docs/imaging.md, session 21)",
)
def test_foreign_pairs_under_the_moved_sun_recall():
    """Known truth, issue 18's figure: at least 95 % of the pasted marks found within
    2 px with the right sign of change."""
    n_marks, n_found, _ = _moved_sun_totals()
    assert n_found >= 0.95 * n_marks, (n_found, n_marks)
