"""``skycrane run``: the events table and the ``--json`` document.

The contract (issue): ``skycrane run MISSION --json`` prints
``{"mission", "events": [{"name", "t_s", "altitude_m", "speed_m_s", "mach",
"dynamic_pressure_pa", "latitude_deg", "longitude_deg"}, ...], "peaks":
{"deceleration_earth_g", "heat_rate_w_cm2", "dynamic_pressure_pa"}}`` (extra
keys allowed); the events include entry_interface, peak_heating,
peak_deceleration, peak_dynamic_pressure and parachute_deploy. Without
``--json`` it prints a table naming every event.

The first run compiles the kernel (tens of seconds cold, cached afterwards).
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from skycrane.cli import app

EVENT_KEYS = (
    "name",
    "t_s",
    "altitude_m",
    "speed_m_s",
    "mach",
    "dynamic_pressure_pa",
    "latitude_deg",
    "longitude_deg",
)
PEAK_KEYS = ("deceleration_earth_g", "heat_rate_w_cm2", "dynamic_pressure_pa")
EVENTS = (
    "entry_interface",
    "peak_heating",
    "peak_deceleration",
    "peak_dynamic_pressure",
    "parachute_deploy",
)


def _reject_constant(name: str) -> float:
    raise AssertionError(f"non-standard JSON constant {name}")


@pytest.fixture(scope="module")
def json_run():
    """`skycrane run m2020 --json`, once for the module."""
    return CliRunner().invoke(app, ["run", "m2020", "--json"])


@pytest.fixture(scope="module")
def table_run():
    """`skycrane run m2020`, once for the module."""
    return CliRunner().invoke(app, ["run", "m2020"])


@pytest.fixture(scope="module")
def document(json_run) -> dict:
    assert json_run.exit_code == 0, json_run.output
    return json.loads(json_run.stdout, parse_constant=_reject_constant)


def _is_finite_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def test_json_is_the_only_output(json_run) -> None:
    """Contract: `--json` prints one JSON document on stdout (parseable as a whole), nothing
    on stderr, and exits 0."""
    assert json_run.exit_code == 0, json_run.output
    assert json_run.stderr == ""
    json.loads(json_run.stdout, parse_constant=_reject_constant)


def test_json_top_level_keys(document: dict) -> None:
    """Contract: the document has "mission" (the mission name), "events" and "peaks"."""
    assert document["mission"] == "m2020"
    assert isinstance(document["events"], list)
    assert isinstance(document["peaks"], dict)


def test_json_events_have_contract_keys(document: dict) -> None:
    """Contract: every event has name, t_s, altitude_m, speed_m_s, mach,
    dynamic_pressure_pa, latitude_deg, longitude_deg, all numbers finite."""
    assert document["events"]
    for event in document["events"]:
        assert set(EVENT_KEYS) <= set(event), event
        assert isinstance(event["name"], str)
        for key in EVENT_KEYS[1:]:
            assert _is_finite_number(event[key]), (event["name"], key, event[key])


def test_json_events_named_and_ordered(document: dict) -> None:
    """Contract: the events include entry_interface, peak_heating, peak_deceleration,
    peak_dynamic_pressure and parachute_deploy, in time order, entry_interface at t = 0."""
    events = document["events"]
    names = [event["name"] for event in events]
    assert set(EVENTS) <= set(names), names
    times = [event["t_s"] for event in events]
    assert times == sorted(times)
    entry = next(event for event in events if event["name"] == "entry_interface")
    assert entry["t_s"] == 0.0
    # the flight starts at cruise-stage separation, ten minutes before entry (DESIGN.md step 1)
    assert names[0] == "simulation_start" and events[0]["t_s"] == pytest.approx(-600.0)


def test_json_peaks_have_contract_keys(document: dict) -> None:
    """Contract: peaks has deceleration_earth_g, heat_rate_w_cm2 and dynamic_pressure_pa,
    finite and positive, and each peak matches its event's value."""
    peaks = document["peaks"]
    for key in PEAK_KEYS:
        assert _is_finite_number(peaks[key]) and peaks[key] > 0.0, (key, peaks.get(key))
    by_name = {event["name"]: event for event in document["events"]}
    assert by_name["peak_dynamic_pressure"]["dynamic_pressure_pa"] == pytest.approx(
        peaks["dynamic_pressure_pa"], rel=1e-9
    )


def test_json_all_numbers_finite(document: dict) -> None:
    """Contract: every number in the document is finite (no NaN/Infinity, no null numbers
    in the contract keys)."""

    def walk(obj) -> None:
        if isinstance(obj, dict):
            for value in obj.values():
                walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)
        elif isinstance(obj, float):
            assert math.isfinite(obj)

    walk(document)


def test_table_prints_every_event(table_run, document: dict) -> None:
    """Contract: `skycrane run m2020` exits 0 and prints every event name in full (on a
    non-TTY the table is not squeezed to 80 columns, so names are not truncated)."""
    assert table_run.exit_code == 0, table_run.output
    assert table_run.stderr == ""
    for name in EVENTS:
        assert name in table_run.stdout, name
    for event in document["events"]:
        assert event["name"] in table_run.stdout
    assert "…" not in table_run.stdout


def test_table_headers_keep_units(table_run) -> None:
    """Contract: the table's column headers show their units (a header like "t [s]" must not
    be eaten as console markup), and the peaks line is one line."""
    for header in ("E+ [s]", "T- [s]", "alt [km]", "speed [m/s]", "q [Pa]", "from rover [m]"):
        assert header in table_run.stdout, header
    peaks = [line for line in table_run.stdout.splitlines() if line.startswith("peaks:")]
    assert len(peaks) == 1
    assert "heat load" in peaks[0]
