"""Scoring detections against the renderer's marks: one truth per mark (score.py)."""

import math

import pytest

from skycrane.imaging.detect import Detection
from skycrane.imaging.marks import Mark
from skycrane.imaging.score import score, truth_marks

RES = 0.25
SHAPE = (400, 400)
FAN = Mark(-20.0, 10.0, 12.0, 3.0, 0.5, 0.45, "main_crash", "fan", math.pi, 5e5, 70.0, 7)
SHIELD = Mark(25.0, -20.0, 5.0, 4.0, 0.0, 0.35, "heat_shield")


def _detection(x_m, y_m, area_m2, kind="main_crash"):
    return Detection(x_m, y_m, area_m2, 0.4, kind, 0.3, 0.0)


def _centroid_m(truth):
    row, col = truth["centroid"]
    centre = (SHAPE[0] - 1) / 2.0
    return (col - centre) * RES, (centre - row) * RES


def test_a_rayed_fan_is_one_truth_found_once_from_its_pieces():
    """Invariant: the rayed fan is one truth; two pieces of it detected 4 m either side of
    its centroid (area-weighted mean on the centroid) find it once, named by the larger
    piece, and neither piece is false."""
    truths = truth_marks([FAN, SHIELD], SHAPE, RES)
    assert [t["kind"] for t in truths] == ["main_crash", "heat_shield"]
    x_m, y_m = _centroid_m(truths[0])
    pieces = [_detection(x_m - 4.0, y_m, 300.0), _detection(x_m + 8.0, y_m, 150.0, "hardware")]
    s = score(pieces, [FAN, SHIELD], SHAPE, RES)
    assert (s.n_truth, s.n_found, s.n_false) == (2, 1, 0)
    assert s.position_errors_px[0] == pytest.approx(0.0, abs=1e-9)
    assert s.kinds == [("main_crash", "main_crash")]


def test_offset_and_stray_detections_are_missed_and_false():
    """Invariant: a detection 3 px (0.75 m) off the heat shield's centroid, on its
    footprint, does not find it (2 px criterion) but is not false; one on bare ground
    10 m from every footprint is false."""
    shield = truth_marks([FAN, SHIELD], SHAPE, RES)[1]
    x_m, y_m = _centroid_m(shield)
    found = [_detection(x_m + 0.75, y_m, 60.0, "heat_shield"), _detection(40.0, 40.0, 2.0)]
    s = score(found, [FAN, SHIELD], SHAPE, RES)
    assert (s.n_found, s.n_false, s.n_detections) == (0, 1, 2)
    assert s.recall == 0.0 and s.false_fraction == 0.5
