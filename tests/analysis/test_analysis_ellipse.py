"""Ellipses against a known answer: a sampled 2-D Gaussian of known axes and orientation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.analysis import empirical_ellipse, gaussian_ellipse

N = 200_000


def _gaussian(seed: int, a_m: float, b_m: float, azimuth_deg: float, n: int = N):
    rng = np.random.default_rng(seed)
    az = math.radians(azimuth_deg)
    major = np.array([math.sin(az), math.cos(az)])  # (east, north), clockwise from north
    minor = np.array([math.cos(az), -math.sin(az)])
    z = rng.standard_normal((n, 2))
    pts = z[:, :1] * a_m * major + z[:, 1:] * b_m * minor + np.array([300.0, -150.0])
    return pts[:, 0], pts[:, 1]


@pytest.mark.parametrize("azimuth_deg", [10.0, 75.0, 140.0])
def test_axes_orientation_and_probability_of_a_gaussian(azimuth_deg) -> None:
    """Analytic: semi-axes k*sigma with k^2 = -2 ln(1 - p); 99 % of the points inside.

    Tolerances: sample standard deviations to 1 % (N = 2e5 gives ~0.2 %), the
    orientation to 0.5 deg, the contained fraction to 4 binomial sigmas.
    """
    east, north = _gaussian(1, 1200.0, 500.0, azimuth_deg)
    e = gaussian_ellipse(east, north, probability=0.99)
    k = math.sqrt(-2.0 * math.log(0.01))
    assert e.semi_major_m == pytest.approx(k * 1200.0, rel=0.01)
    assert e.semi_minor_m == pytest.approx(k * 500.0, rel=0.01)
    assert e.azimuth_deg == pytest.approx(azimuth_deg, abs=0.5)
    assert (e.center_east_m, e.center_north_m) == pytest.approx((300.0, -150.0), abs=10.0)
    sd = math.sqrt(0.99 * 0.01 / N)
    assert e.contained_fraction == pytest.approx(0.99, abs=4 * sd)
    assert e.gaussian_probability == pytest.approx(0.99, abs=1e-12)


def test_three_sigma_holds_98_9_percent() -> None:
    """Analytic: the 3-sigma ellipse of a 2-D Gaussian holds 1 - exp(-4.5) = 98.89 %."""
    east, north = _gaussian(2, 800.0, 800.0, 0.0)
    e = gaussian_ellipse(east, north, sigma=3.0)
    assert e.gaussian_probability == pytest.approx(1.0 - math.exp(-4.5), abs=1e-12)
    assert e.contained_fraction == pytest.approx(1.0 - math.exp(-4.5), abs=4 * math.sqrt(0.011 / N))


def test_heavy_tails_are_stated_not_assumed() -> None:
    """A Student-t cloud (3 dof): the Gaussian 99 % ellipse holds less, the empirical one 99 %."""
    rng = np.random.default_rng(3)
    pts = rng.standard_t(3, size=(N, 2)) * [1000.0, 400.0]
    g = gaussian_ellipse(pts[:, 0], pts[:, 1], probability=0.99)
    emp = empirical_ellipse(pts[:, 0], pts[:, 1], 0.99)
    assert g.contained_fraction < 0.985
    assert emp.contained_fraction == pytest.approx(0.99, abs=1.0 / N + 1e-12)
    assert emp.azimuth_deg == pytest.approx(90.0, abs=1.0)  # major axis east


def test_boundary_points_lie_on_the_ellipse() -> None:
    """Invariant: every boundary point has Mahalanobis distance k."""
    east, north = _gaussian(4, 900.0, 300.0, 33.0, n=5000)
    e = gaussian_ellipse(east, north, probability=0.99)
    pts = e.boundary(73) - [e.center_east_m, e.center_north_m]
    cov = np.cov(np.vstack([east, north]))
    d = np.sqrt(np.einsum("ij,jk,ik->i", pts, np.linalg.inv(cov), pts))
    np.testing.assert_allclose(d, e.k, rtol=1e-9)


def test_too_few_points_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        gaussian_ellipse([1.0, np.nan], [2.0, 3.0], probability=0.99)
