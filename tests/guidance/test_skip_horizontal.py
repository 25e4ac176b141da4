"""The skip guidance's density-ratio profile in an atmosphere that varies downrange.

Truth: tests/guidance/skip_harness.py with the Monte Carlo's Earth density band
(1-sigma of ln(rho / rho_US76) per altitude, vertical correlation 7 km) extended
along the ground track with an exponential horizontal correlation length L_h
(skip_harness.horizontal_field). L_h = 1,000 km: mesospheric density structure
is correlated over hundreds to ~1,000 km (gravity waves of 263 and 772 km
wavelength at the mesopause, Kwon, Senft & Gardner, JGR 95(D9), 1990; the
large- and small-scale perturbations of Earth-GRAM, Justus & Johnson,
NASA/TM-1999-209630; docs/skip_guidance.md),
so the layers measured in the first pulse are partly wrong at the exit and the
second entry 1,000-2,000 km on.

References: BAIR06 (Bairstow, MIT SM thesis 2006; EARTH.md 1.4), PredGuid-class
guidance lands within 3.5 km (published bound); and the single filtered ratio
of FNPEG (Lu et al. 2017), flown in the same atmospheres (SP_RATIO_CORR_M = 0),
which the profile must not do worse than by more than MARGIN_M (invariant of
the design: the profile is only worth flying if it is no worse than the ratio
it extends).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from skip_harness import NMI_M, ORION, entry_state, fly, horizontal_field

from skycrane.guidance.skip_layout import MODE_SKIP, SP_RATIO_CORR_M

BAIRSTOW_MISS_M = 3.5e3
MARGIN_M = 0.5e3  # (T) the p90 of 30 cases moves by ~0.1-0.3 km between seeds sets
CORRELATION_LENGTH_M = 1000e3
RANGE_NMI = 2500.0
N_CASES = 30


def _misses(corr_m: float) -> np.ndarray:
    s0 = entry_state(11000.0, math.radians(-6.0), math.radians(70.0))
    out = []
    for seed in range(N_CASES):
        field = horizontal_field(np.random.default_rng(seed), CORRELATION_LENGTH_M)
        f = fly(
            s0,
            ORION,
            RANGE_NMI * NMI_M,
            MODE_SKIP,
            ln_factor=field,
            overrides={SP_RATIO_CORR_M: corr_m},
        )
        out.append(f.miss_m)
    return np.array(out)


@pytest.mark.slow
def test_profile_holds_bairstows_bound_where_the_layers_change_downrange():
    """BAIR06's 3.5 km at p90 and no gross miss (< 10 km) with the profile as flown
    (each bin believed by exp(-d / 1,000 km)) in 30 atmospheres correlated over
    1,000 km downrange, 2,500 nmi; and its p90 within MARGIN_M of the single ratio's
    in the same atmospheres. Measured (seeds 0-29): see docs/skip_guidance.md."""
    profile = _misses(CORRELATION_LENGTH_M)
    single = _misses(0.0)
    assert np.percentile(profile, 90) < BAIRSTOW_MISS_M
    assert profile.max() < 10e3
    assert np.percentile(profile, 90) < np.percentile(single, 90) + MARGIN_M
