"""Sensitivity ranking against a synthetic linear model with known variance shares."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.analysis.sensitivity import group_of, variance_shares


def test_known_driver_and_shares_of_a_linear_model() -> None:
    """Analytic: y = 3 x1 + x2 + 0.3 x3 + noise, unit inputs -> shares 9 : 1 : 0.09 of Var(y)."""
    rng = np.random.default_rng(0)
    n = 50_000
    x = rng.standard_normal((n, 4))
    noise = 0.5 * rng.standard_normal(n)
    y = 3.0 * x[:, 0] + 1.0 * x[:, 1] + 0.3 * x[:, 2] + noise
    shares, r2 = variance_shares(x, y, ["a", "b", "c", "unused"])
    total = 9.0 + 1.0 + 0.09 + 0.25
    assert list(shares)[:3] == ["a", "b", "c"]
    assert shares["a"] == pytest.approx(9.0 / total, abs=0.01)
    assert shares["b"] == pytest.approx(1.0 / total, abs=0.01)
    assert shares["c"] == pytest.approx(0.09 / total, abs=0.005)
    assert shares["unused"] < 1e-3
    assert r2 == pytest.approx(1.0 - 0.25 / total, abs=0.005)


def test_a_correlated_group_is_counted_once() -> None:
    """Two perfectly correlated columns of one group share its variance exactly."""
    rng = np.random.default_rng(1)
    z = rng.standard_normal(20_000)
    w = rng.standard_normal(20_000)
    x = np.column_stack([z, z + 1e-3 * rng.standard_normal(20_000), w])
    y = 2.0 * z + w
    shares, r2 = variance_shares(x, y, ["atm", "atm", "wind"])
    assert shares["atm"] == pytest.approx(0.8, abs=0.01)
    assert shares["wind"] == pytest.approx(0.2, abs=0.01)
    assert r2 == pytest.approx(1.0, abs=1e-6)


def test_groups_of_input_columns() -> None:
    assert group_of("input.atmosphere.dlnrho_40km") == "atmosphere density"
    assert group_of("input.atmosphere.dtemp_5km") == "atmosphere temperature"
    assert group_of("input.entry.flight_path_angle_deg") == "entry state"
    assert group_of("input.wind_east_m_s") == "wind_east_m_s"
    assert group_of("input.wind_profile.east_10km") == "wind profile east"
    assert group_of("input.wind_profile.north_0km") == "wind profile north"


def test_outputs_fitted_together_equal_outputs_fitted_alone() -> None:
    """Invariant: one solve for several outputs (some with missing rows, one
    constant) gives each output the shares and R^2 of its own regression."""
    from skycrane.analysis.sensitivity import variance_shares_of

    rng = np.random.default_rng(2)
    x = rng.standard_normal((5_000, 3))
    y1 = x[:, 0] + 0.5 * rng.standard_normal(5_000)
    y2 = 2.0 * x[:, 2] - x[:, 1]
    y3 = y2.copy()
    y3[::7] = np.nan
    outputs = {"y1": y1, "y2": y2, "y3": y3, "flat": np.ones(5_000)}
    together = variance_shares_of(x, outputs, ["a", "b", "c"])
    for name, y in outputs.items():
        shares, r2 = variance_shares(x, y, ["a", "b", "c"])
        assert together[name][0] == pytest.approx(shares, abs=1e-12), name
        assert together[name][1] == pytest.approx(r2, abs=1e-12, nan_ok=True), name
    assert together["flat"] == ({}, pytest.approx(float("nan"), nan_ok=True))
