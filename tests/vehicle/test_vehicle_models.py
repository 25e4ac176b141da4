"""Capsule aerodynamic tables and Sutton–Graves heating."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.vehicle import (
    SUTTON_GRAVES_MARS,
    AeroBank,
    AeroTable,
    aero_coefficients,
    heat_rate_w_cm2,
    sutton_graves_w_m2,
)


def test_sutton_graves_value() -> None:
    """q = k sqrt(rho / r_n) V^3 (NASA TR R-376 eq. 31), evaluated by hand."""
    rho, v, rn = 3.0e-4, 5000.0, 1.125
    expected = 1.9027e-4 * math.sqrt(rho / rn) * v**3  # = 38.84 W/cm^2 * 1e4
    assert sutton_graves_w_m2(rho, v, rn, SUTTON_GRAVES_MARS) == pytest.approx(expected, rel=1e-15)
    assert heat_rate_w_cm2(rho, v, rn, SUTTON_GRAVES_MARS) == pytest.approx(expected / 1e4)
    assert expected / 1e4 == pytest.approx(38.84, abs=0.01)


def test_aero_table_interpolates_and_holds() -> None:
    """Linear in Mach between nodes, constant beyond the ends; C_L = (L/D) C_D."""
    t = AeroTable.from_lift_to_drag([1.0, 2.0, 5.0], [1.3, 1.5, 1.45], [0.1, 0.2, 0.24])
    cd, cl = t.evaluate(np.array([0.5, 1.5, 2.0, 3.5, 40.0]))
    np.testing.assert_allclose(cd, [1.3, 1.4, 1.5, 1.475, 1.45])
    np.testing.assert_allclose(cl, [0.13, 0.5 * (0.13 + 0.3), 0.3, 0.5 * (0.3 + 0.348), 0.348])
    np.testing.assert_allclose(t.lift_to_drag, [0.1, 0.2, 0.24])


def test_bank_rows_match_their_tables() -> None:
    """Invariant: a table stacked in a bank (padded) evaluates exactly as alone."""
    short = AeroTable([0.0], [0.1], [0.0], [0.0])
    long = AeroTable.from_lift_to_drag([1.0, 2.0, 5.0, 10.0], [1.3, 1.5, 1.45, 1.4], [0.1] * 4)
    bank = AeroBank.from_tables([short, long])
    for mach in (0.0, 0.7, 1.0, 1.9, 4.0, 9.9, 10.0, 30.0):
        for row, table in enumerate((short, long)):
            cd, cl = table.evaluate(mach)
            assert aero_coefficients(mach, row, bank.mach, bank.cd, bank.cl, bank.n) == (
                pytest.approx(float(cd), abs=0.0),
                pytest.approx(float(cl), abs=0.0),
            )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mach": [2.0, 1.0], "drag_coefficient": [1, 1], "lift_coefficient": [0, 0]}, "mach"),
        ({"mach": [1.0], "drag_coefficient": [-1.0], "lift_coefficient": [0]}, "drag_coefficient"),
        (
            {"mach": [1.0, 2.0], "drag_coefficient": [1.0], "lift_coefficient": [0, 0]},
            "drag_coefficient",
        ),
        ({"mach": [], "drag_coefficient": [], "lift_coefficient": []}, "mach"),
        (
            {"mach": [1.0], "drag_coefficient": [math.nan], "lift_coefficient": [0]},
            "drag_coefficient",
        ),
    ],
)
def test_bad_tables_name_the_field(kwargs, field) -> None:
    """Bad input: an InputError naming the key path, never a NaN later."""
    n = len(kwargs["mach"])
    with pytest.raises(InputError) as info:
        AeroTable(trim_angle_deg=[0.0] * n, field="vehicle.capsule.aerodynamics", **kwargs)
    assert info.value.field == f"vehicle.capsule.aerodynamics.{field}"
