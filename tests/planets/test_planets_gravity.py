"""Point-mass + J2 gravitation: analytic limits, NESC value, potential gradient."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.planets import EARTH, MARS, gravity, gravity_j2, with_overrides

FT = 0.3048


def _potential(r: np.ndarray, mu: float, a: float, j2: float) -> float:
    rn = np.linalg.norm(r)
    s = r[2] / rn
    return mu / rn * (1.0 - j2 * (a / rn) ** 2 * 0.5 * (3.0 * s * s - 1.0))


def _points(planet, n: int = 12) -> np.ndarray:
    rng = np.random.default_rng(7)
    d = rng.normal(size=(n, 3))
    d[0] = (0.0, 0.0, 1.0)
    d[1] = (1.0, 0.0, 0.0)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return d * planet.equatorial_radius_m * rng.uniform(0.99, 1.2, size=(n, 1))


def test_no_j2_is_inverse_square() -> None:
    """Analytic: J2 = 0 gives -mu r / |r|^3."""
    for planet in (EARTH, MARS):
        r = _points(planet)
        g = gravity(r, with_overrides(planet, j2=0.0))
        expected = -planet.mu_m3_s2 * r / np.linalg.norm(r, axis=1, keepdims=True) ** 3
        np.testing.assert_allclose(g, expected, rtol=1e-15, atol=0.0)


def test_nesc_equator_30kft_magnitude() -> None:
    """NESC check-case README: |gravitation| = 32.10653595 ft/s^2 at 30 kft over the Equator."""
    r = EARTH.equatorial_radius_m + 30000 * FT
    g = gravity_j2(r, 0.0, 0.0, EARTH.mu_m3_s2, EARTH.equatorial_radius_m, EARTH.j2)
    assert np.hypot(g[0], np.hypot(g[1], g[2])) / FT == pytest.approx(32.10653595, abs=6e-9)
    assert g[1] == 0.0
    assert g[2] == 0.0


@pytest.mark.parametrize("planet", [EARTH, MARS], ids=lambda p: p.name)
def test_gravity_is_gradient_of_j2_potential(planet) -> None:
    """Analytic: g = grad U, U = mu/r [1 - J2 (a/r)^2 P2(sin phi)] (central differences)."""
    mu, a, j2 = planet.mu_m3_s2, planet.equatorial_radius_m, planet.j2
    step = 10.0
    for r in _points(planet):
        grad = np.empty(3)
        for i in range(3):
            dr = np.zeros(3)
            dr[i] = step
            grad[i] = (_potential(r + dr, mu, a, j2) - _potential(r - dr, mu, a, j2)) / (2 * step)
        g = np.array(gravity_j2(r[0], r[1], r[2], mu, a, j2))
        np.testing.assert_allclose(g, grad, rtol=0.0, atol=1e-8 * np.linalg.norm(g))


def test_j2_sign_equator_stronger_than_point_mass() -> None:
    """Analytic: at r = a, J2 scales the pull by 1 + 1.5 J2 (equator) and 1 - 3 J2 (pole)."""
    mu, a, j2 = EARTH.mu_m3_s2, EARTH.equatorial_radius_m, EARTH.j2
    gx = gravity_j2(a, 0.0, 0.0, mu, a, j2)[0]
    gz = gravity_j2(0.0, 0.0, a, mu, a, j2)[2]
    assert gx == pytest.approx(-mu / a**2 * (1 + 1.5 * j2), rel=1e-15)
    assert gz == pytest.approx(-mu / a**2 * (1 - 3.0 * j2), rel=1e-15)


def test_gravity_rejects_bad_shape() -> None:
    """Bad input: positions without a last axis of 3 raise InputError naming r_pf_m."""
    with pytest.raises(InputError) as err:
        gravity(np.zeros((4, 2)), MARS)
    assert err.value.field == "r_pf_m"
