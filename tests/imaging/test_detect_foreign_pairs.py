"""The detector on pairs under two suns that skycrane's renderer did not make (issue 18:
"the detector is also scored on before/after pairs that skycrane's renderer did not
make"), from :mod:`skycrane.imaging.foreign`, and the regional level it removes.

Figures: docs/imaging.md, "Pairs of another make under two suns".
"""

import functools

import numpy as np
import pytest

from skycrane.imaging import detect
from skycrane.imaging.foreign import AFTER, BEFORE, foreign_pair
from skycrane.imaging.params import DetectParams
from skycrane.imaging.pasted import score_pasted
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


@functools.cache
def _found(seed: int) -> list:
    """The detections on one seed's pair with its marks, under the moved sun."""
    pair = _pair(seed)
    return detect(pair.before, pair.after, RES_M, suns=(BEFORE, AFTER))


@functools.cache
def _moved_sun_totals() -> tuple[int, int, int]:
    """Marks, found and false detections over seeds 0-3 under the moved sun."""
    totals = np.zeros(3, dtype=int)
    for seed in range(4):
        totals += score_pasted(_found(seed), _pair(seed), RES_M)
    return tuple(int(t) for t in totals)


def test_a_faint_small_mark_the_growth_threshold_cut_is_found():
    """Known truth: seed 3's mark 15, pasted at row 576.6, column 711.3 (1.0 m^2, darkened
    27 %), whose matched score (14.7) seeds it but whose pixels above the growth
    threshold (0.139 there, on rough ground under the moved sun) were fewer than the
    minimum area; drawn at half its peak (:mod:`skycrane.imaging.smallmarks`) it is
    found within 2 px with the sign of a darkening (missed on main at 051667d and 2c2afac)."""
    pair = _pair(3)
    row, col, sign = pair.blobs[15]
    centre = (np.asarray(pair.before.shape) - 1) / 2.0
    hits = [
        d
        for d in _found(3)
        if np.hypot(centre[0] - d.y_m / RES_M - row, centre[1] + d.x_m / RES_M - col) <= 2.0
        and np.sign(d.darkening) == sign
    ]
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
    reason="seeds 0-3: 97 of 132 found (73.5 %; 87 at 2c2afac, before fg2's small-mark "
    "outlines), and 126 (95.5 %) under one sun: the shading a moved sun leaves unpredicted "
    "on rough ground hides faint and mid-sized marks (docs/imaging.md, session 21)",
)
def test_foreign_pairs_under_the_moved_sun_recall():
    """Known truth, issue 18's figure: at least 95 % of the pasted marks found within
    2 px with the right sign of change."""
    n_marks, n_found, _ = _moved_sun_totals()
    assert n_found >= 0.95 * n_marks, (n_found, n_marks)
