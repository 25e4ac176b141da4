"""Closed-loop skip-entry guidance: Orion-like and Apollo 4 entries over a rotating Earth.

Flown on tests/guidance/skip_harness.py (truth: Lu 2014 eqs. 1-6, US76 with
the standard's upper anchors; guidance: its own 10 km density table).
Accuracy reference: Bairstow (MIT SM thesis, 2006; EARTH.md 1.4 BAIR06),
PredGuid lands within 3.5 km over 2,400-10,000 km target ranges; that bound
is held here at every range. Reach references (EARTH.md 1.4, S/S2): Apollo's
direct-entry limit 1,500 nmi (NASA), a direct entry's maximum about 2,500 nmi
at L/D 0.3-0.35 (Rea & Putnam 2007), Orion's skip capability 4,800 nmi (NASA).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from skip_harness import APOLLO, NMI_M, ORION, entry_state, fly, skip_corridor_fpa

from skycrane.guidance.skip_layout import (
    MODE_DIRECT,
    MODE_SKIP,
    STATUS_BEYOND_REACH,
    STATUS_OK,
    STATUS_TOO_CLOSE,
)

BAIRSTOW_MISS_M = 3.5e3
HEADING_RAD = math.radians(70.0)  # entry over (0 N, 0 E) heading 70 deg: with the rotation
# Orion entry flight-path angle: 0.5 deg steeper than the overshoot boundary (-5.48 deg,
# computed below), so that the +-0.1 deg dispersion and a 20 % thinner atmosphere
# stay well inside the corridor; full lift up still skips out of the atmosphere there.
ORION_FPA_RAD = math.radians(-6.0)


def _orion(range_nmi: float, mode: int = MODE_SKIP, **truth):
    s0 = entry_state(11000.0, ORION_FPA_RAD + truth.pop("dfpa", 0.0), HEADING_RAD)
    return fly(s0, ORION, range_nmi * NMI_M, mode, **truth)


def test_the_entry_angle_lies_inside_the_skip_corridor():
    """E (bisection on the truth model): -6.0 deg is between the corridor's bounds.

    Overshoot boundary: the shallowest angle at which full lift down stays
    in (measured -5.48 deg); lift-up exit boundary: the steepest angle at
    which full lift up still climbs back above 121.92 km (measured -7.64
    deg). -6.0 deg is >= 0.4 deg from the first (the dispersion is 0.1 deg)
    and full lift up skips there.
    """
    overshoot, lift_up_exit = skip_corridor_fpa(ORION, 11000.0, HEADING_RAD)
    assert lift_up_exit < ORION_FPA_RAD < overshoot - math.radians(0.4)


@pytest.mark.parametrize("range_nmi", [1500.0, 2500.0, 3500.0, 4200.0, 4800.0])
def test_skip_mode_reaches_every_range_within_bairstows_bound(range_nmi):
    """BAIR06: < 3.5 km over 2,400-10,000 km; here 1,500-4,800 nmi (2,778-8,890 km), nominal.

    Measured: 2.4, 1.0, 1.0, 2.1, 0.4 km. The corrector converges on most
    cycles (STATUS_OK), and the peak drag stays below 10 g.
    """
    f = _orion(range_nmi)
    assert f.miss_m < BAIRSTOW_MISS_M
    corrected = f.status_counts[
        :5
    ].sum()  # cycles that ran the corrector (not frozen, not coasting)
    assert f.status_counts[STATUS_OK] > 0.8 * corrected
    assert f.drag_max_m_s2 < 10.0 * 9.80665


def test_direct_mode_reports_beyond_reach_where_the_skip_reaches():
    """RP07 (a direct entry reaches about 2,500 nmi at L/D 0.3-0.35): 3,500 nmi is out of reach.

    Direct mode at 3,500 nmi reports STATUS_BEYOND_REACH on most cycles and
    falls more than 500 km short, in bounded time; skip mode flies the same
    entry to within 3.5 km (test above). At 1,500 nmi (Apollo's limit,
    NASA) direct mode lands within 3.5 km.
    """
    far = _orion(3500.0, MODE_DIRECT)
    assert far.status_counts[STATUS_BEYOND_REACH] > 0.5 * far.status_counts.sum()
    assert far.downrange_miss_m > 500e3
    assert far.time_s > 0.0
    near = _orion(1500.0, MODE_DIRECT)
    assert near.miss_m < BAIRSTOW_MISS_M


@pytest.mark.parametrize("fpa_deg", [-6.5, -7.0])
@pytest.mark.parametrize("range_nmi", [1000.0, 1500.0])
def test_steeper_direct_entry_reaches_short_ranges(fpa_deg, range_nmi):
    """BAIR06's 3.5 km for an Artemis II-like steeper, shorter entry flown in direct mode.

    EARTH.md 1.8: Artemis II dropped the long skip for a steeper entry (no
    public numbers: the angles here are illustrative, 0.5-1 deg steeper than
    the skip cases). Measured 1.3-2.3 km; peak drag below 10 g.
    """
    s0 = entry_state(11000.0, math.radians(fpa_deg), HEADING_RAD)
    f = fly(s0, ORION, range_nmi * NMI_M, MODE_DIRECT)
    assert f.miss_m < BAIRSTOW_MISS_M
    assert f.drag_max_m_s2 < 10.0 * 9.80665


def test_a_target_too_close_is_a_status():
    """Invariant of the corrector: at 600 nmi even full lift down overshoots (STATUS_TOO_CLOSE).

    The guidance reports it on most cycles, flies full lift down, and the
    flight ends past the target (measured 179 km), in bounded time.
    """
    f = _orion(600.0)
    assert f.status_counts[STATUS_TOO_CLOSE] > 0.5 * f.status_counts.sum()
    assert f.downrange_miss_m < -100e3
    assert f.time_s > 0.0


def test_apollo_4_state_in_direct_mode_lands_on_target():
    """Apollo 4's entry state (EARTH.md 5: 11,140 m/s, -7.01 deg, 121.92 km; S2), direct, 1,500 nmi.

    Apollo vehicle (EARTH.md 5, S2; L/D 0.325). Within BAIR06's 3.5 km;
    measured 2.4 km. 1,500 nmi is the NASA-quoted direct limit.
    """
    s0 = entry_state(11140.0, math.radians(-7.01), HEADING_RAD)
    f = fly(s0, APOLLO, 1500.0 * NMI_M, MODE_DIRECT)
    assert f.miss_m < BAIRSTOW_MISS_M


DISPERSIONS = [  # (density scale, L/D offset, FPA offset deg, range nmi)
    (1.2, +0.035, +0.1, 2500.0),
    (0.8, -0.035, -0.1, 2500.0),
    (1.2, -0.035, +0.1, 4800.0),
    (0.8, +0.035, -0.1, 4800.0),
    (1.2, +0.035, -0.1, 4800.0),
    (0.8, -0.035, +0.1, 4800.0),
]


def test_dispersed_cases_all_reach_the_target():
    """BAIR06's 3.5 km under dispersions: density +-20 %, L/D +-0.035, FPA +-0.1 deg.

    Density bias as EARTH.md 3.3 suggests (1 sigma 15-20 %), L/D as BIBB11's
    database uncertainty (EARTH.md 1.2, S). The corners of the box, at 2,500
    and 4,800 nmi; the guidance believes the nominal vehicle and its own
    table. Failures are counted by the dominant non-OK status; none is
    allowed. Measured misses 0.5-2.7 km.
    """
    failures: dict[str, int] = {}
    misses = []
    for scale, dld, dfpa, range_nmi in DISPERSIONS:
        f = _orion(
            range_nmi, rho_scale=scale, ld_truth=ORION.lift_to_drag + dld, dfpa=math.radians(dfpa)
        )
        misses.append(f.miss_m)
        if f.miss_m >= BAIRSTOW_MISS_M:
            reason = int(np.argmax(f.status_counts[1:5])) + 1
            failures[str(reason)] = failures.get(str(reason), 0) + 1
    assert failures == {}, (failures, misses)
