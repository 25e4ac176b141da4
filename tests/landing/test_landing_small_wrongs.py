"""Issue 14 item 9, the small wrongs a user saw, each against a closed form or an invariant.

* Above the atmosphere table the temperature is held (its docstring), so the
  speed of sound is the last node's: isothermal extension, a = sqrt(gamma p /
  rho) with p / rho constant. Before, ln p and ln rho were each extrapolated
  along their own end slope and the sound speed grew without bound.
* A break-up gives each fragment its own separation velocity: equal speeds,
  normal to the flight direction, spread evenly, summing to zero.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.atmosphere.mars import mars_gram_average
from skycrane.atmosphere.table import atmosphere_at, density_and_sound_at
from skycrane.sequence.bodies import fragment_velocities


@pytest.mark.parametrize("h_m", [126e3, 150e3, 300e3, 1.0e6])
def test_sound_speed_is_held_above_the_table(h_m) -> None:
    table = mars_gram_average()
    h_tab, ln_rho, ln_p, t_tab = table.kernel_arrays()
    gamma = table.gamma
    h_top = float(h_tab[-1])
    rho_top, a_top = density_and_sound_at(h_top, h_tab, ln_rho, ln_p, gamma)
    rho, a = density_and_sound_at(h_m, h_tab, ln_rho, ln_p, gamma)
    assert a == pytest.approx(a_top, rel=1e-12)
    assert 0.0 < rho < rho_top
    _, p, t, a_full = atmosphere_at(h_m, h_tab, ln_rho, ln_p, t_tab, gamma)
    assert a_full == pytest.approx(a_top, rel=1e-12)
    assert t == pytest.approx(float(t_tab[-1]))
    assert p / rho == pytest.approx(math.exp(ln_p[-1] - ln_rho[-1]), rel=1e-12)  # p = rho R T


@pytest.mark.parametrize("n", [2, 4, 5])
def test_fragments_scatter(n) -> None:
    v = np.array([-3200.0, 4100.0, 900.0])
    r = np.array([3.1e6, 1.2e6, -0.9e6])
    out = fragment_velocities(v, r, 5.0, n)
    kicks = out - v
    assert np.allclose(np.linalg.norm(kicks, axis=1), 5.0)
    assert np.allclose(kicks @ v, 0.0, atol=1e-9 * np.linalg.norm(v))
    assert np.allclose(kicks.sum(axis=0), 0.0, atol=1e-9)
    gaps = [np.linalg.norm(kicks[i] - kicks[j]) for i in range(n) for j in range(i)]
    assert min(gaps) == pytest.approx(2.0 * 5.0 * math.sin(math.pi / n))
