"""Readable numbers and names for the console (``skycrane.output.text``), no flight needed.

The Monte Carlo tables printed ``1.005e+04 m``, ``6.984e-07 m/s`` and row labels
such as ``body.descent_stage.distance_from_rover_m`` (issue 17 item 6).
"""

from __future__ import annotations

import math

import pytest

from skycrane.contract.columns import BODY_COLUMNS, EVENT_COLUMNS
from skycrane.output.text import (
    event_label,
    format_value,
    margin_line,
    percentile_row,
    readable,
    unit_of,
)

VALUES = (10050.3, 6.984e-07, -1.234, 0.0, 123.456, 1.0e9, -0.75, 2.2)


def _parse(text: str) -> float:
    return float(text.split()[0].replace(",", "").replace("−", "-"))


@pytest.mark.parametrize("value", VALUES)
def test_numbers_have_no_exponent_and_read_back(value) -> None:
    """Invariant: no exponent notation, and the text reads back to the value within half of
    its last shown digit (at most three decimals: 7e-7 m/s reads 0.000 m/s)."""
    text = format_value(value, "m")
    assert "e" not in text.lower().replace("m", "")
    assert text.endswith(" m")
    shown = text.split()[0]
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    assert _parse(text) == pytest.approx(value, abs=0.5 * 10.0**-decimals + 1e-12)
    if abs(value) >= 1.0:  # four significant figures at least
        assert abs(_parse(text) - value) <= 5e-4 * abs(value)


def test_missing_values_are_a_dash() -> None:
    assert format_value(None, "m") == "– m"
    assert format_value(math.nan) == "–"


def test_every_declared_column_has_a_unit_and_words() -> None:
    """Invariant: every declared event and body column but Mach carries its unit in its
    name (the declaration's unit), and reads without underscores."""
    for column in EVENT_COLUMNS + BODY_COLUMNS:
        if column.unit in ("-",):
            assert unit_of(column.name) == ""
        else:
            expected = {"m/s": "m/s", "deg": "°"}.get(column.unit, column.unit)
            assert unit_of(column.name) == expected, column.name
        assert "_" not in readable(f"parachute_deploy.{column.name}")


def test_monte_carlo_rows_read_as_words_with_units() -> None:
    """The issue's examples: a body column reads "descent stage: distance from rover" with
    metres on every value; Mach has no unit; the margin states the limit's unit."""
    row = percentile_row(
        "body.descent_stage.distance_from_rover_m", {"p1": 350.0, "p50": 612.4, "p99": 10050.3}
    )
    assert row == ("descent stage: distance from rover", "350.0 m", "612.4 m", "10,050 m")
    assert readable("parachute_deploy.mach") == "parachute deploy: Mach"
    assert readable("peak.heat_rate_w_cm2") == "peak heat rate"
    assert unit_of("peak.heat_rate_w_cm2") == "W/cm²"
    line = margin_line(
        "parachute_deploy_dynamic_pressure_pa", {"limit": 750.0, "p99": 612.0, "margin": 138.0}
    )
    assert "138.0 Pa" in line and "limit 750.0 Pa" in line and "_" not in line


def test_event_labels_name_every_release() -> None:
    """SUFR releases the first entry balance mass: its label says so, so that all six masses
    appear in the timeline; an event named after what it releases is not repeated."""
    sufr = event_label("straighten_up_and_fly_right", ("entry_balance_mass_1",))
    assert "entry balance mass 1" in sufr and "SUFR" in sufr
    assert event_label("entry_balance_mass_2", ("entry_balance_mass_2",)) == "entry balance mass 2"
    assert event_label("heat_shield_separation", ("heat_shield",)) == "heat shield separation"
    assert (
        event_label(
            "cruise_balance_mass_ejection", ("cruise_balance_mass_1", "cruise_balance_mass_2")
        )
        == "cruise balance mass ejection"
    )
