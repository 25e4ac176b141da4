"""Readable numbers and names for the console (``skycrane.output.text``), no flight needed.

The Monte Carlo tables printed ``1.005e+04 m``, ``6.984e-07 m/s`` and row labels
such as ``body.descent_stage.distance_from_rover_m`` (issue 17 item 6).
"""

from __future__ import annotations

import io
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


def _pulse(k, start, end, soak, peak, peak_rad, load, load_rad) -> dict:
    return {
        "pulse": k,
        "start_s": start,
        "end_s": end,
        "duration_s": end - start,
        "soak_before_s": soak,
        "peak_time_s": 0.5 * (start + end),
        "peak_w_cm2": {"convective": peak - peak_rad, "radiative": peak_rad, "total": peak},
        "load_j_cm2": {"convective": load - load_rad, "radiative": load_rad, "total": load},
    }


def _rendered(heating, width: int = 80) -> str:
    from types import SimpleNamespace

    from rich.console import Console

    from skycrane.output.text import heating_table

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(heating_table(SimpleNamespace(heating=heating), width))
    return console.export_text()


def test_heating_table_one_convective_pulse_is_compact() -> None:
    """Mars (one pulse, no radiation): no soak column, no convective/radiative split; every
    line fits 80 columns and the values read back."""
    text = _rendered([_pulse(1, 19.93, 150.99, None, 57.43, 0.0, 2401.6, 0.0)])
    assert "soak" not in text and "radiative" not in text and "…" not in text
    assert "57.4" in text and "2402" in text and "151.0" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_heating_table_skip_entry_splits_and_soaks() -> None:
    """Two pulses with radiation: a soak column (pulse 2's start minus pulse 1's end), and
    the radiative parts of peak and load beside their totals, within 80 columns."""
    text = _rendered(
        [
            _pulse(1, 30.0, 120.0, None, 300.0, 120.0, 9000.0, 3000.0),
            _pulse(2, 400.0, 520.0, 280.0, 40.0, 0.0, 1500.0, 0.0),
        ]
    )
    assert "soak" in text and "280.0" in text
    line = next(line for line in text.splitlines() if line.split()[:1] == ["1"])
    assert line.split() == ["1", "30.0", "120.0", "75.0", "300.0", "120.0", "9000", "3000"]
    assert "radiative" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
