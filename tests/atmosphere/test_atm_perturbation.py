"""Atmosphere perturbation profiles: the drawn band, its correlation, its tail, the kernel blend."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.atmosphere.perturbation import band_covariance, perturbation_at, write_nodes
from skycrane.contract import layout as L
from skycrane.dispersions.cases import ATM_RHO, dispersion_set, draw_inputs
from skycrane.missions.loader import load_mission
from skycrane.missions.schema_dispersions import GRAM_BAND_ALTITUDE_M, GRAM_DENSITY_BAND


@pytest.fixture(scope="module")
def drawn():
    mission = load_mission("m2020")
    ds = dispersion_set(mission)
    n = 40_000
    inputs = draw_inputs(ds, 5, np.arange(n), n)
    ln_rho = np.stack([inputs[f"{ATM_RHO}{h / 1000:g}km"] for h in ds.atm_nodes_m], axis=1)
    return ds.atm_nodes_m, ln_rho


def test_band_matches_the_mars_gram_band(drawn) -> None:
    """Published figure (REFERENCE.md): 1-sigma of ln(rho) = ln(1 + band) at 0-100 km."""
    nodes, ln_rho = drawn
    for h, band in zip(GRAM_BAND_ALTITUDE_M[:5], GRAM_DENSITY_BAND[:5], strict=True):
        j = int(np.argmin(np.abs(nodes - h)))
        assert ln_rho[:, j].std() == pytest.approx(np.log1p(band), rel=0.03)


def test_upper_tail_reaches_the_flown_plus_150_percent(drawn) -> None:
    """Published figure: Mars 2020 saw +150 % aloft. At 125 km (1-sigma band 40 %) the
    log-normal exceeds it at ln 2.5 / ln 1.4 = 2.72 sigma: 0.32 % of cases (analytic,
    4 binomial sigmas)."""
    from scipy.stats import norm

    nodes, ln_rho = drawn
    j = int(np.argmin(np.abs(nodes - 125_000.0)))
    frac_above = np.mean(np.exp(ln_rho[:, j]) > 2.5)
    expected = norm.sf(np.log(2.5) / np.log(1.4))
    assert frac_above == pytest.approx(expected, abs=4 * np.sqrt(expected / ln_rho.shape[0]))
    low = int(np.argmin(np.abs(nodes - 30_000.0)))
    assert np.percentile(np.abs(np.expm1(ln_rho[:, low])), 99) < 0.15  # within ~12 % below 40 km


def test_correlation_in_altitude_is_exponential(drawn) -> None:
    """Analytic: corr(h, h + dh) = exp(-dh / 10 km) for the preset's correlation length."""
    nodes, ln_rho = drawn
    i = int(np.argmin(np.abs(nodes - 50_000.0)))
    for k, dh in ((1, 5_000.0), (2, 10_000.0)):
        r = np.corrcoef(ln_rho[:, i], ln_rho[:, i + k])[0, 1]
        assert r == pytest.approx(np.exp(-dh / 10_000.0), abs=0.02)


def test_covariance_formula() -> None:
    h = np.array([0.0, 10_000.0])
    c = band_covariance(h, np.array([0.0, 10_000.0]), np.array([0.1, 0.2]), 10_000.0)
    np.testing.assert_allclose(c, [[0.01, 0.02 / np.e], [0.02 / np.e, 0.04]])


def test_kernel_profile_is_exact_at_nodes_and_smooth_between() -> None:
    """Node values exact; C1 (finite-difference slope continuous across a node); held outside."""
    p = np.zeros((1, L.N_PARAMS))
    ln_rho = np.array([[0.1, -0.2, 0.3, 0.05]])
    dt = np.array([[0.01, 0.02, -0.03, 0.0]])
    write_nodes(p, 0.0, 5_000.0, ln_rho, dt)
    row = p[0]
    for k in range(4):
        f_rho, f_sound = perturbation_at(5_000.0 * k, row)
        assert f_rho == pytest.approx(np.exp(ln_rho[0, k]), rel=1e-14)
        assert f_sound == pytest.approx(np.sqrt(1.0 + dt[0, k]), rel=1e-14)  # a ~ sqrt(T)
    eps = 1e-3
    for h in (5_000.0, 10_000.0):
        left = (perturbation_at(h, row)[0] - perturbation_at(h - eps, row)[0]) / eps
        right = (perturbation_at(h + eps, row)[0] - perturbation_at(h, row)[0]) / eps
        assert abs(left - right) < 1e-6
    assert perturbation_at(-500.0, row)[0] == pytest.approx(np.exp(0.1))
    assert perturbation_at(99_000.0, row)[0] == pytest.approx(np.exp(0.05))
    assert perturbation_at(50.0, np.zeros(L.N_PARAMS)) == (1.0, 1.0)  # nominal row
