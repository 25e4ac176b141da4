"""Where MSL's descent stage crashed, against HiRISE, with a tolerance from the dispersion.

Reference (REFERENCE.md, as flown): HiRISE, 7 Aug 2012 (NASA release) and the
JPL release of Dec 2012: the descent stage's main crash 620-650 m from the
rover, to the north-west ("flew away to the northwest", S/S2).

Tolerance: the flight is one draw of the dispersed population the preset
describes (entry state, atmosphere, winds, engines, navigation), so a model
that would predict it must put the flown distance inside its own 1-99 %
band of crash distances, here from ``N_CASES`` dispersed MSL cases flown on
the Monte Carlo's code path (the band's ends are the sample's 1st and 99th
percentiles: with 40 cases, essentially its extremes). The direction is
held to the compass point's +-45 deg around 315 deg for the nominal flight
(the flyaway azimuth is set from the approach track, which the dispersions
turn by a few degrees only).

What flies today (docs/powered_descent.md, "The flyaway's engine cut-off"):
no flown flyaway law is published; the stage climbs, pitches 45 deg with its
vertical thrust at weight, and stops its engines once the impact point
predicted from the navigated state lies 450 m from the target, the design's
pre-flight crash distance (Scientific American, S; E), with ~87 kg of
propellant left. It comes down 439 m out (nominal) at 42 m/s, and the
dispersed band stays within ~20 m of the cut-off: HiRISE's 620-650 m lies
~150 m beyond it. The cut-off is not set from HiRISE, so the miss stays
visible: a strict expected failure with the measured band.
"""

from __future__ import annotations

import numpy as np
import pytest

import skycrane
from skycrane.montecarlo.chunk import DEFAULT_RTOL, Job, compute_columns

pytestmark = pytest.mark.slow

HIRISE_M = (620.0, 650.0)
HIRISE_BEARING_DEG = 315.0
BEARING_TOLERANCE_DEG = 45.0
N_CASES = 40


@pytest.fixture(scope="module")
def msl():
    return skycrane.load_mission("msl")


def _turn(a_deg: float, b_deg: float) -> float:
    return abs((a_deg - b_deg + 180.0) % 360.0 - 180.0)


def test_nominal_crash_direction(msl) -> None:
    """HiRISE: north-west of the rover, +-45 deg (one compass point)."""
    stage = skycrane.simulate(msl).body("descent_stage")
    assert _turn(stage.bearing_from_rover_deg, HIRISE_BEARING_DEG) <= BEARING_TOLERANCE_DEG


@pytest.mark.xfail(
    strict=True,
    reason="dispersed crash distances p1-p99 433-474 m, median 452 m (40 cases, seed 0): "
    "the flyaway's engine cut-off at the design's pre-flight 450 m; HiRISE saw 620-650 m",
)
def test_hirise_distance_inside_the_dispersed_band(msl) -> None:
    """HiRISE's 620-650 m overlaps the 1-99 % band of the dispersed crash distances."""
    cols = compute_columns(Job(msl, 0, N_CASES, DEFAULT_RTOL), np.arange(N_CASES))
    assert list(cols["failure"]) == [""] * N_CASES
    distance = np.asarray(cols["body.descent_stage.distance_from_rover_m"])
    lo, hi = np.percentile(distance, [1.0, 99.0])
    assert lo <= HIRISE_M[1] and HIRISE_M[0] <= hi, (lo, hi)
