"""What the flight software is given (skycrane.propagate.sensing), on a Mars 2020 state.

* Guidance does not sense the rover's touchdown: across it (the rover's weight
  leaves the bridles) nothing it is given changes. Cutting the bridles is
  guidance's own act, and from then on it counts the rover no more.
* The navigated position and velocity are the truth plus the case's
  navigation errors, exactly the truth when they are zero; the onboard
  gravity is evaluated at the navigated position (GUIDANCE.md 1.1).
"""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.contract import layout as L
from skycrane.planets.constants import PC_A, PC_J2, PC_MU, PC_OMEGA
from skycrane.planets.gravity import gravity_j2
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.model import PLANET
from skycrane.propagate.sensing import sense

ROVER_KG = 1025.0


def _sensed(y, p, mem, model):
    aux = np.empty(L.N_AUX)
    rhs(0.0, y, p, mem, model, np.empty(L.N_STATE), aux)
    out = np.full(L.N_SENSED, np.nan)
    sense(0.0, y, np.zeros(L.N_STATE), aux, p, mem, model[PLANET], out)
    return out


def test_touchdown_is_not_sensed_until_the_cut(coast):
    """Mass estimate and propellant gauge continue across touchdown; the cut drops the rover."""
    _, y, p, mem, model = coast
    y, p, mem = y.copy(), p.copy(), mem.copy()
    p[L.P_PD0 + L.PDP_ROVER_MASS_KG] = ROVER_KG
    mem[L.M_ROVER_ON], mem[L.M_BRIDLES_OUT], mem[L.M_TOUCHED] = 1.0, 1.0, 0.0
    hanging = _sensed(y, p, mem, model)
    mem[L.M_TOUCHED] = 1.0  # what rover_touchdown does to the vehicle's memory
    landed = _sensed(y, p, mem, model)
    np.testing.assert_array_equal(landed, hanging)
    y[L.S_MASS] -= ROVER_KG  # what cut_bridles does
    mem[L.M_ROVER_ON], mem[L.M_BRIDLES_OUT] = 0.0, 0.0
    cut = _sensed(y, p, mem, model)
    assert cut[L.SN_MASS_EST_KG] == pytest.approx(hanging[L.SN_MASS_EST_KG] - ROVER_KG, rel=1e-14)
    assert cut[L.SN_PROPELLANT_KG] == pytest.approx(hanging[L.SN_PROPELLANT_KG], rel=1e-12)


def test_navigation_errors_move_the_navigated_state_by_themselves(coast):
    """Zero errors: guidance is given the truth exactly. With errors: position and velocity
    move by them, and gravity is the onboard model's at the navigated position."""
    _, y, p, mem, model = coast
    mem = mem.copy()
    mem[L.M_NAV_X : L.M_NAV_Z + 1] = 0.0
    mem[L.M_NAV_VEL_X : L.M_NAV_VEL_Z + 1] = 0.0
    exact = _sensed(y, p, mem, model)
    pos = slice(L.SN_NAV_POS_PF_M_X, L.SN_NAV_POS_PF_M_Z + 1)
    vel = slice(L.SN_NAV_VEL_PF_M_S_X, L.SN_NAV_VEL_PF_M_S_Z + 1)
    np.testing.assert_array_equal(exact[pos], y[0:3])
    np.testing.assert_array_equal(exact[vel], y[3:6])
    error_m = np.array([120.0, -40.0, 75.0])
    error_m_s = np.array([0.3, -0.2, 0.1])
    mem[L.M_NAV_X : L.M_NAV_Z + 1] = error_m
    mem[L.M_NAV_VEL_X : L.M_NAV_VEL_Z + 1] = error_m_s
    off = _sensed(y, p, mem, model)
    np.testing.assert_allclose(off[pos] - exact[pos], error_m, atol=1e-6)
    np.testing.assert_allclose(off[vel] - exact[vel], error_m_s, atol=1e-9)
    planet = model[PLANET]
    r = y[0:3] + error_m
    g = np.array(gravity_j2(*r, planet[PC_MU], planet[PC_A], planet[PC_J2]))
    g[0:2] += planet[PC_OMEGA] ** 2 * r[0:2]
    grav = slice(L.SN_GRAVITY_PF_M_S2_X, L.SN_GRAVITY_PF_M_S2_Z + 1)
    np.testing.assert_allclose(off[grav], g, rtol=1e-12)
