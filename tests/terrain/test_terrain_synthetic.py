"""The seeded synthetic site: reproducible, and with the statistics its docstring states.

References: the statistics are the published laws the generator samples
(Gault 1970 crater equilibrium, Golombek & Rapp 1997 rock abundance), checked
here on independent quantities: the recovered crater size-frequency slope
(maximum-likelihood estimate of a power law, Clauset et al. 2009 eq. 3.1), the
fraction of cells holding a rock taller than a threshold against the Poisson
probability integrated from the area law, and the RMS slope at the grid
spacing against s(1 m) L^(H - 1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.planets import planet_by_name
from skycrane.terrain.grid import SiteFrame
from skycrane.terrain.synthetic import (
    SITES,
    draw_craters,
    fractal_surface,
    largest_rock_height_m,
    rock_cumulative_count,
    synthetic_site,
)

FRAME = SiteFrame(planet_by_name("mars"), -4.5965, 137.4019, -4500.0)


def test_same_seed_same_site_other_seed_other_site():
    a = synthetic_site("gale", 7, FRAME, 1000.0, 10.0)
    b = synthetic_site("gale", 7, FRAME, 1000.0, 10.0)
    c = synthetic_site("gale", 8, FRAME, 1000.0, 10.0)
    assert np.array_equal(a.relief_m, b.relief_m)
    assert np.array_equal(a.rock_height_m, b.rock_height_m)
    assert not np.array_equal(a.relief_m, c.relief_m)
    assert a.relief_at(0.0, 0.0) == 0.0  # the target's ground is target.altitude_m


def test_crater_sizes_follow_a_minus_two_power_law():
    """MLE of the cumulative exponent b of N(>D) ~ D^-b from 20,000 drawn craters: 2 +- 0.05."""
    d_min = 10.0
    d = draw_craters(2.0e9, d_min, 0.05, np.random.default_rng(1))
    d = d[d < 200.0]  # far below the 1 km truncation
    b = d.size / np.sum(np.log(d / d_min))
    assert d.size > 10_000
    assert b == pytest.approx(2.0, abs=0.05)


def test_rock_cells_follow_the_area_law():
    """Fraction of 10 x 10 m cells with a rock >= 1 m across = 1 - exp(-A N(>=1 m))."""
    k = 0.07
    rocks = largest_rock_height_m(np.full((300, 300), k), 100.0, np.random.default_rng(2))
    expected = 1.0 - math.exp(-100.0 * rock_cumulative_count(k, np.array([1.0]))[0])
    got = np.mean(rocks >= 0.5)
    assert got == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("site", sorted(SITES))
def test_rms_slope_at_the_spacing(site):
    """The self-affine surface's RMS slope at the grid spacing is s(1 m) L^(H - 1)."""
    stats = SITES[site]
    z = fractal_surface(256, 256, 5.0, stats, np.random.default_rng(0))
    dz = np.concatenate([np.diff(z, axis=0).ravel(), np.diff(z, axis=1).ravel()]) / 5.0
    expected = math.tan(math.radians(stats.rms_slope_1m_deg)) * 5.0 ** (stats.hurst - 1.0)
    assert np.sqrt(np.mean(dz * dz)) == pytest.approx(expected, rel=1e-9)
