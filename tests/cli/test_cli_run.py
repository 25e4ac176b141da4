"""``skycrane run``: the events table and the ``--json`` document.

The contract (issue): ``skycrane run MISSION --json`` prints
``{"mission", "events": [{"name", "t_s", "altitude_m", "altitude_above_ground_m",
"speed_m_s", "mach", "dynamic_pressure_pa", "latitude_deg", "longitude_deg"}, ...],
"peaks": {"deceleration_earth_g", "heat_rate_w_cm2", "dynamic_pressure_pa"}, "site":
{"target", "site_elevation_m", "datum"}}`` (extra keys allowed); the events include
entry_interface, peak_heating, peak_deceleration, peak_dynamic_pressure and
parachute_deploy. Without ``--json`` it prints a table naming every event.

The first run compiles the kernel (tens of seconds cold, cached afterwards).
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from skycrane.cli import app
from skycrane.output.text import event_label

EVENT_KEYS = (
    "name",
    "t_s",
    "altitude_m",
    "altitude_above_ground_m",
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
    # the flight starts at cruise-stage separation, ten minutes before entry (DESIGN.md
    # step 1), listed once: no "simulation_start" at the same instant (issue 17)
    assert names[0] == "cruise_stage_separation" and events[0]["t_s"] == pytest.approx(-600.0)
    assert "simulation_start" not in names


def test_json_lists_every_event_and_release_once(document: dict) -> None:
    """Invariant: every event name appears once, and every body the mission releases is
    named by exactly one event's "jettisoned" (entry_balance_mass_1 leaves at SUFR)."""
    names = [event["name"] for event in document["events"]]
    assert len(names) == len(set(names)), names
    released = [b for event in document["events"] for b in event["jettisoned"]]
    assert len(released) == len(set(released)), released
    assert {f"entry_balance_mass_{k}" for k in range(1, 7)} <= set(released)
    assert {"cruise_stage", "heat_shield", "backshell"} <= set(released)


def test_json_heights_above_ground_and_datum(document: dict) -> None:
    """Invariant: on every event, altitude above the datum less altitude above ground is the
    site's elevation, which the document states with the target and the datum; Jezero's
    ground is about 2.55 km below the MOLA datum (REFERENCE.md, site elevation, S2)."""
    site = document["site"]
    elevation = site["site_elevation_m"]
    assert elevation == pytest.approx(-2550.0, abs=100.0)
    assert set(site["target"]) == {"latitude_deg", "longitude_deg"}
    assert "ellipsoid" in site["datum"]
    for event in document["events"]:
        difference = event["altitude_m"] - event["altitude_above_ground_m"]
        assert difference == pytest.approx(elevation, abs=1e-6), event["name"]


def test_json_press_kit_heights_above_ground(document: dict) -> None:
    """Published figure: the Mars 2020 press kit's nominal timeline gives backshell
    separation at about 2.1 km and parachute deploy at about 11 km (REFERENCE.md, Nominal
    timeline): heights above the ground, which the timeline must report as such (above the
    datum they read -0.45 km and 8.7 km). Backshell separation is triggered at 2,100 m above
    the site's ground, so it checks the reference, to +-50 m (one output step of the
    trigger's location); the parachute's is flown by the range trigger, to +-1.5 km
    ("about 11 km")."""
    by_name = {event["name"]: event for event in document["events"]}
    assert by_name["backshell_separation"]["altitude_above_ground_m"] == pytest.approx(
        2100.0, abs=50.0
    )
    assert by_name["parachute_deploy"]["altitude_above_ground_m"] == pytest.approx(
        11000.0, abs=1500.0
    )


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


def test_table_prints_every_event(table_run, document: dict, label_cells) -> None:
    """Contract: `skycrane run m2020` exits 0 and prints every event's public label in full
    (read back from the event column, where a long label wraps at spaces), once each."""
    assert table_run.exit_code == 0, table_run.output
    assert table_run.stderr == ""
    expected = [event_label(e["name"], e["jettisoned"]) for e in document["events"]]
    assert label_cells(table_run.stdout.splitlines()) == expected
    assert "…" not in table_run.stdout


def test_table_headers_keep_units(table_run) -> None:
    """Contract: the table's column headers show their units (a header like "t [s]" must not
    be eaten as console markup; headers stack their words), and the peaks line is one line."""
    header = table_run.stdout.split("─")[0]
    for unit in ("E+", "[s]", "[km]", "[m/s]", "Mach", "[Pa]", "[°]", "ground", "datum"):
        assert unit in header, unit
    assert "rover" in table_run.stdout and "[m]" in table_run.stdout
    peaks = [line for line in table_run.stdout.splitlines() if line.startswith("peaks:")]
    assert len(peaks) == 1
    assert "heat load" in peaks[0]


# --- honest outcomes (issue 19 item 2) -----------------------------------------------------

FAST_SKY_CRANE = 'base = "m2020"\n[powered_descent]\nsky_crane_speed_m_s = 3.0\n'
"""The sky crane lowers the rover at 3 m/s: touchdown at about 3 m/s, three times what the
rover's wheels and suspension take (MSL touchdown requirement 1 m/s, schema default)."""


@pytest.fixture(scope="module")
def fast_sky_crane(tmp_path_factory):
    path = tmp_path_factory.mktemp("missions") / "fast_sky_crane.toml"
    path.write_text(FAST_SKY_CRANE)
    runner = CliRunner()
    return runner.invoke(app, ["run", str(path)]), runner.invoke(app, ["run", str(path), "--json"])


def test_failed_flight_exits_1_in_every_mode(fast_sky_crane) -> None:
    """Invariant: a flight that failed exits 1 with and without --json (it exited 0 with
    --json), and both say it failed at touchdown and why."""
    table, as_json = fast_sky_crane
    assert table.exit_code == 1, table.output
    assert as_json.exit_code == 1, as_json.output
    doc = json.loads(as_json.stdout, parse_constant=_reject_constant)
    assert doc["ok"] is False
    assert doc["failure"]["phase"] == "touchdown"
    assert "touchdown faster than the rover's landing system allows" in doc["failure"]["reason"]
    assert "FAILED during touchdown" in table.stdout


def test_crash_is_not_reported_as_a_landing(fast_sky_crane) -> None:
    """Invariant: a touchdown above the rover's limit is no "touchdown:" line and no rover
    "at rest": the rover crashed; the descent rate reported is the flown one (> 1 m/s)."""
    table, as_json = fast_sky_crane
    doc = json.loads(as_json.stdout, parse_constant=_reject_constant)
    assert doc["touchdown"]["vertical_speed_m_s"] > 1.0
    rover = next(b for b in doc["bodies"] if b["name"] == "rover")
    assert rover["status"] == "crashed"
    assert not any(line.startswith("touchdown:") for line in table.stdout.splitlines())
    assert "the rover hit the ground (not a landing)" in table.stdout
    rover_rows = [line for line in table.stdout.splitlines() if line.split()[:1] == ["rover"]]
    assert rover_rows and all("at rest" not in line for line in rover_rows)


def test_nominal_flight_is_ok_and_within_what_was_loaded(document: dict) -> None:
    """Invariants of a landing: ok, no failure, the rover at rest, touchdown within the
    rover's limits (1 m/s down, 0.5 m/s horizontal) and propellant between 0 and the
    400 kg loaded (REFERENCE.md, descent stage)."""
    assert document["ok"] is True and "failure" not in document
    rover = next(b for b in document["bodies"] if b["name"] == "rover")
    assert rover["status"] == "at rest"
    assert 0.0 < document["touchdown"]["vertical_speed_m_s"] <= 1.0
    assert document["touchdown"]["horizontal_speed_m_s"] <= 0.5
    assert 0.0 < document["propellant_remaining_kg"] < 400.0


def test_rover_on_the_ground_before_powered_descent_is_no_landing(tmp_path) -> None:
    """Invariant (issue 19: bridles of 1e6 m gave a "touchdown" at E−394 s with 1,565 kg of
    the 400 kg of propellant left): a rover hanging 3 km below the descent stage meets the
    ground during the parachute descent. Either the file is refused (exit 2), or the run
    fails (exit 1) saying so, the rover crashed and no propellant figure is reported."""
    path = tmp_path / "long_bridles.toml"
    path.write_text('base = "m2020"\n[rover]\nbridle_length_m = 3000.0\n')
    out = CliRunner().invoke(app, ["run", str(path), "--json"])
    assert out.exit_code in (1, 2), out.output
    if out.exit_code == 1:
        doc = json.loads(out.stdout, parse_constant=_reject_constant)
        assert doc["ok"] is False
        assert (
            "the rover reached the ground before powered descent began"
            in (doc["failure"]["reason"])
        )
        assert doc["propellant_remaining_kg"] is None
        rover = next(b for b in doc["bodies"] if b["name"] == "rover")
        assert rover["status"] == "crashed"
