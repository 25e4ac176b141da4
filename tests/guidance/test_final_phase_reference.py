"""The final phase's constant-bank reference: the bank it picks flies the range asked for.

Apollo's final phase flies a reference of constant vertical L/D (Graves & Harpold, NASA
TN D-6725); ``entry_reference.constant_bank_for_range`` picks the bank whose planar flight
from a hand-over state covers a given range. External check: the independent planar model
of tests/guidance/planar_entry.py (no shared code), flown with the bank returned, covers
that range. Bad input: a range outside what the bank limits fly is a ValueError naming it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from planar_entry import range_flown

from skycrane.guidance.entry_reference import EntryPoint, constant_bank_for_range

MU_M3_S2 = 3.986004418e14  # Earth (S)
RADIUS_M = 6371.0e3
RHO0_KG_M3, SCALE_HEIGHT_M = 1.225, 7200.0  # an isothermal Earth atmosphere (R)
BETA_KG_M2, LIFT_TO_DRAG = 375.0, 0.27  # Orion-like (EARTH.md 1.2, R)
HAND_OVER = EntryPoint(7400.0, math.radians(-1.5), 75e3)  # a re-entry after a skip (E)
V_END_M_S = 300.0


def _density(h_m):
    return RHO0_KG_M3 * np.exp(-np.asarray(h_m) / SCALE_HEIGHT_M)


def _solve(range_m: float) -> float:
    return constant_bank_for_range(
        range_m,
        (15.0, 165.0),
        mu_m3_s2=MU_M3_S2,
        planet_radius_m=RADIUS_M,
        density_kg_m3=_density,
        ballistic_coefficient_kg_m2=BETA_KG_M2,
        lift_to_drag=LIFT_TO_DRAG,
        entry=HAND_OVER,
        v_end_m_s=V_END_M_S,
    )


@pytest.mark.parametrize("range_km", [900.0, 1200.0, 1600.0])
def test_bank_flies_the_range(range_km):
    """External check: the independent planar model flies the returned bank to the range."""
    bank_deg = _solve(range_km * 1e3)
    assert 15.0 < bank_deg < 165.0

    def aero(speed, alt):
        return float(_density(alt)) * speed * speed / (2.0 * BETA_KG_M2), LIFT_TO_DRAG

    flown_m = range_flown(
        aero,
        tuple(HAND_OVER),
        (MU_M3_S2, RADIUS_M),
        (np.array([0.0, 1.0]), np.array([bank_deg, bank_deg])),
        V_END_M_S,
    )
    # brentq stops within 0.01 deg of bank; 300 m is the skip corrector's own tolerance
    assert flown_m == pytest.approx(range_km * 1e3, abs=300.0)


def test_range_beyond_the_bank_limits_is_refused():
    """Bad input: a range no constant bank of 15-165 deg flies is a ValueError naming it."""
    with pytest.raises(ValueError, match="a range of 5000 km, outside"):
        _solve(5000e3)
