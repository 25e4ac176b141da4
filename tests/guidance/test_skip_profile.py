"""The skip guidance's density-ratio profile against analytic values and an invariant.

References: a layered atmosphere written as the guidance's own table times a
known factor per layer, whose sensed/modelled drag ratio is that factor
exactly (analytic); the correlation exp(-d / L) of a first-order Gauss-Markov
perturbation over the ground distance d (analytic); and the single filtered
ratio of FNPEG (Lu et al. 2017), which a profile uniform in altitude must
reproduce (invariant).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from skip_harness import (
    H_EXP,
    LN_EXP,
    MU,
    OMEGA,
    ORION,
    RADIUS_M,
    destination,
    entry_state,
    to_cartesian,
    unit,
)

from skycrane.guidance.skip import density_profile_update
from skycrane.guidance.skip_layout import (
    N_RATIO_BINS,
    PROFILE_SIZE,
    RATIO_BIN_M,
    SM_GROUND_M,
    SM_PROFILE0,
    SP_BETA_KG_M2,
    SP_LD,
    SP_RATIO_CORR_M,
    default_skip_params,
    initial_skip_memory,
)
from skycrane.guidance.skip_predict import guidance_density, predict, profile_ratio


def _params() -> np.ndarray:
    tgt = np.array([1.0, 0.0, 0.0])
    return default_skip_params(MU, RADIUS_M, OMEGA, ORION.beta_kg_m2, ORION.lift_to_drag, tgt)


def _layer_factor(h_m: float) -> float:
    """Issue 15's outliers: +40 % at the bottom of the first pulse, -30 % above 70 km."""
    return 1.4 if h_m < 65e3 else (1.0 if h_m < 70e3 else 0.7)


def test_profile_recovers_a_layered_atmosphere():
    """Analytic: the sensed drag of the table times a factor per layer gives that factor
    in every bin inside the layer, no sample in a bin not flown through or flown with
    less drag than SP_DRAG_ACTIVE_M_S2, and the single ratio where nothing was measured."""
    p = _params()
    mem = initial_skip_memory(1.0)
    speed_m_s = 10_000.0
    for h_m in np.arange(120e3, 55e3, -250.0):
        d_model = 0.5 * guidance_density(h_m, H_EXP, LN_EXP) * speed_m_s**2 / p[SP_BETA_KG_M2]
        density_profile_update(mem, _layer_factor(h_m) * d_model, h_m, speed_m_s, p, H_EXP, LN_EXP)
    means = mem[SM_PROFILE0 : SM_PROFILE0 + N_RATIO_BINS]
    counts = mem[SM_PROFILE0 + N_RATIO_BINS : SM_PROFILE0 + 2 * N_RATIO_BINS]
    for j in range(N_RATIO_BINS):
        lo, hi = j * RATIO_BIN_M, (j + 1) * RATIO_BIN_M
        if hi <= 55e3:
            assert counts[j] == 0.0
        elif 55e3 <= lo and hi <= 65e3:
            assert means[j] == pytest.approx(1.4, rel=1e-12)
        elif 70e3 <= lo and hi <= 85e3:
            assert means[j] == pytest.approx(0.7, rel=1e-12)
    # the drag at 120 km (~0.01 m/s^2) is below the threshold: not a sample
    assert counts[int(115e3 // RATIO_BIN_M)] == 0.0
    prof = mem[SM_GROUND_M : SM_GROUND_M + PROFILE_SIZE]
    # where it was measured (ground distance 0 here), whatever the correlation length
    assert profile_ratio(62.5e3, 1.4, prof, 0.0, p) == pytest.approx(1.4, rel=1e-12)
    assert profile_ratio(77.5e3, 1.4, prof, 0.0, p) == pytest.approx(0.7, rel=1e-12)
    # half-way between a 0.7 bin centre and an unmeasured one: linear to the single ratio
    top = int(max(j for j in range(N_RATIO_BINS) if counts[j] > 0))
    h_mid = (top + 1.0) * RATIO_BIN_M
    half = 0.5 * (means[top] + 2.0)
    assert profile_ratio(h_mid, 2.0, prof, 0.0, p) == pytest.approx(half, rel=1e-12)
    assert profile_ratio(30e3, 1.3, prof, 0.0, p) == 1.3
    assert profile_ratio(math.nan, 1.3, prof, 0.0, p) == 1.3


def test_a_bin_is_believed_by_the_correlation_over_the_ground_flown():
    """Analytic: a bin measured at ground distance s_j is flown at
    k + exp(-|s - s_j| / L) (mean - k) at ground distance s, the correlation of a
    first-order Gauss-Markov perturbation with correlation length L
    (SP_RATIO_CORR_M); L = 0 is the single ratio k, and a length far beyond the
    flight the bin's mean (the profile as measured)."""
    p = _params()
    mem = initial_skip_memory(1.0)
    speed_m_s = 10_000.0
    h_m = 62.5e3
    d_model = 0.5 * guidance_density(h_m, H_EXP, LN_EXP) * speed_m_s**2 / p[SP_BETA_KG_M2]
    for ground_m in (100e3, 300e3):  # two samples: the bin's mean position is 200 km
        mem[SM_GROUND_M] = ground_m
        density_profile_update(mem, 1.4 * d_model, h_m, speed_m_s, p, H_EXP, LN_EXP)
    j = int(h_m // RATIO_BIN_M)
    assert mem[SM_PROFILE0 + 2 * N_RATIO_BINS + j] == pytest.approx(200e3, rel=1e-12)
    prof = mem[SM_GROUND_M : SM_GROUND_M + PROFILE_SIZE]
    k = 0.9
    for corr_m in (500e3, 1000e3):
        p[SP_RATIO_CORR_M] = corr_m
        expected = k + math.exp(-1300e3 / corr_m) * (1.4 - k)
        assert profile_ratio(h_m, k, prof, 1500e3, p) == pytest.approx(expected, rel=1e-12)
    p[SP_RATIO_CORR_M] = 0.0
    assert profile_ratio(h_m, k, prof, 1500e3, p) == k
    p[SP_RATIO_CORR_M] = 1e12
    assert profile_ratio(h_m, k, prof, 1500e3, p) == pytest.approx(1.4, rel=1e-6)


def test_uniform_profile_flies_as_the_single_ratio():
    """Invariant: a profile measuring the same ratio k at every altitude predicts the
    range the single ratio k predicts (FNPEG's form, Lu et al. 2017): within 1 m of
    ~3,000 km (E: only the rounding of the interpolation differs)."""
    s0 = entry_state(11000.0, math.radians(-7.0), math.radians(70.0))
    tgt = unit(*destination(s0[2], s0[1], s0[5], 3.0e6))
    p = default_skip_params(MU, RADIUS_M, OMEGA, ORION.beta_kg_m2, ORION.lift_to_drag, tgt)
    p[SP_RATIO_CORR_M] = 1e12  # the profile as measured, believed over the whole flight
    cart = np.empty(6)
    to_cartesian(s0, cart)
    k = 0.8
    none = np.zeros(PROFILE_SIZE)
    uniform = np.concatenate(([0.0], np.full(N_RATIO_BINS, k), np.ones(2 * N_RATIO_BINS)))
    sigma_rad = math.radians(70.0)
    single = predict(cart, sigma_rad, 0.0, k, none, p[SP_LD], tgt, p, H_EXP, LN_EXP)
    profiled = predict(cart, sigma_rad, 0.0, 1.0, uniform, p[SP_LD], tgt, p, H_EXP, LN_EXP)
    assert single[1] == profiled[1] == 0
    assert abs(single[0]) < 3.0e6
    assert profiled[0] == pytest.approx(single[0], abs=1.0)
    assert profiled[3] == pytest.approx(single[3], abs=1.0)
