"""Hostile and unphysical mission files are refused at load, naming the key (issue 19).

One regression per reproduction class of issue 19 items 1, 3 and 5. Each file
is ``base = "m2020"`` plus one override, loaded with :func:`load_mission` (no
flight). Invariant checked: a :class:`MissionError` whose first problem names
the key the file set, with a phrase of what was expected; the file's contents
never appear in the message; refusals of huge or deep input come back fast.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from skycrane.missions.loader import MissionError, load_mission

BASE = 'base = "m2020"\n'
BODY = "aerodynamics = { reference_area_m2 = 1.0, drag_coefficient = [1.0] }\n"

# name: (file text, key named, phrase of the expectation)
REFUSED = {
    # physical bounds: wrong unit or planetary scale
    "capsule-mass-1e300": (
        BASE + "[vehicle.capsule]\nmass_kg = 1e300\n",
        "vehicle.capsule.mass_kg",
        "less than or equal to 1000000",
    ),
    "planet-radius-1m": (
        BASE + "[planet]\nequatorial_radius_m = 1.0\n",
        "planet.equatorial_radius_m",
        "greater than or equal to 100000",
    ),
    "polar-above-equatorial": (
        BASE + "[planet]\npolar_radius_m = 4.0e6\n",
        "planet.polar_radius_m",
        "equatorial_radius_m",
    ),
    "polar-below-half-equatorial": (
        BASE + "[planet]\npolar_radius_m = 1.0e6\n",
        "planet.polar_radius_m",
        "from half of",
    ),
    "spin-tears-planet-apart": (
        BASE + "[planet]\nmu_m3_s2 = 1.0e11\nrotation_rad_s = 9.0e-4\n",
        "planet.rotation_rad_s",
        "not bound",
    ),
    "j2-1e10": (BASE + "[planet]\nj2 = 1e10\n", "planet.j2", "less than or equal to 0.05"),
    "density-scale-1e6": (
        BASE + "[atmosphere]\ndensity_scale = 1e6\n",
        "atmosphere.density_scale",
        "less than or equal to 10",
    ),
    "max-step-1e-9": (
        BASE + "[simulation]\nmax_step_s = 1e-9\n",
        "simulation.max_step_s",
        "greater than or equal to 0.01",
    ),
    "time-limit-1e-3": (
        BASE + "[simulation]\ntime_limit_s = 1e-3\n",
        "simulation.time_limit_s",
        "greater than or equal to 1",
    ),
    "output-interval-1e-7": (
        BASE + "[simulation]\noutput_interval_s = 1e-7\n",
        "simulation.output_interval_s",
        "greater than or equal to 0.01",
    ),
    "too-many-samples": (
        BASE + "[simulation]\noutput_interval_s = 0.01\ntime_limit_s = 86400.0\n",
        "simulation.output_interval_s",
        "sampled at most 1,000,000 times",
    ),
    "start-1e9-s-before-entry": (
        BASE + "[sequence]\nstart_t_s = -1e9\n",
        "sequence.start_t_s",
        "greater than or equal to -86400",
    ),
    "bridle-1e6": (
        BASE + "[rover]\nbridle_length_m = 1e6\n",
        "rover.bridle_length_m",
        "less than or equal to 100",
    ),
    "bridle-longer-than-sky-crane-height": (
        BASE + "[rover]\nbridle_length_m = 25.0\n",
        "rover.bridle_length_m",
        "sky_crane_height_m",
    ),
    # ordering and counts
    "throttle-reversed": (
        BASE + "[powered_descent]\nthrottle_min = 0.9\nthrottle_max = 0.5\n",
        "powered_descent.throttle_min",
        "less than powered_descent.throttle_max",
    ),
    "more-sky-crane-engines-than-engines": (
        BASE + "[powered_descent]\nengines = 4\nengines_sky_crane = 6\n",
        "powered_descent.engines_sky_crane",
        "at most powered_descent.engines",
    ),
    # names
    "body-named-rover": (BASE + "[bodies.rover]\nmass_kg = 10.0\n" + BODY, "bodies", "reserved"),
    "body-named-descent-stage": (
        BASE + "[bodies.descent_stage]\nmass_kg = 10.0\n" + BODY,
        "bodies",
        "reserved",
    ),
    "body-name-with-markup": (
        BASE + '[bodies."[/nope]"]\nmass_kg = 10.0\n' + BODY,
        "bodies",
        "letters, digits and underscores",
    ),
    "mission-name-with-ansi-and-newline": (
        BASE + '[mission]\nname = "a\\u001b[31m\\nerror: forged"\n',
        "mission.name",
        "printable text",
    ),
    "mission-name-over-200": (
        BASE + '[mission]\nname = "' + "n" * 201 + '"\n',
        "mission.name",
        "at most 200 characters",
    ),
    # inconsistent sequences
    "body-breaks-up-into-itself": (
        BASE + "[bodies.heat_shield]\nbreakup = { altitude_m = 1000.0, fragments = "
        '["heat_shield"] }\n',
        "bodies.heat_shield.breakup.fragments[0]",
        "other than the one breaking up",
    ),
    "two-parachute-bodies": (
        BASE + "[bodies.heat_shield]\nparachute = true\n",
        "bodies.backshell.parachute",
        "one parachute body",
    ),
    "parachute-deployed-twice": (
        BASE + "[sequence]\nstart_t_s = 0.0\n[[sequence.events]]\nname = "
        '"a"\ntrigger = "time"\nt_s = 10.0\nparachute = "deploy"\n[[sequence.events]]\n'
        'name = "b"\ntrigger = "time"\nt_s = 20.0\nparachute = "deploy"\n',
        "sequence.events[1].parachute",
        "no second deploy",
    ),
    "parachute-released-before-deploy": (
        BASE + "[sequence]\nstart_t_s = 0.0\n[[sequence.events]]\nname = "
        '"a"\ntrigger = "time"\nt_s = 10.0\nparachute = "release"\n[[sequence.events]]\n'
        'name = "b"\ntrigger = "time"\nt_s = 20.0\nparachute = "deploy"\n',
        "sequence.events[0].parachute",
        "after an earlier event deploys",
    ),
    # dispersions over their whole support
    "entry-std-1e12": (
        BASE + '[dispersions.entry]\nvariables = ["speed_m_s"]\nstd = [1e12]\n',
        "dispersions.entry.std",
        "at most 500",
    ),
    "isp-delta-can-draw-negative-isp": (
        BASE + "[dispersions.parameters]\nengine_isp_delta_s = { distribution = "
        '"uniform", low = -1000.0, high = 0.0 }\n',
        "dispersions.parameters.engine_isp_delta_s",
        "positive Isp",
    ),
    "density-scale-normal-1-5": (
        BASE + "[dispersions.parameters]\ndensity_scale = { distribution = "
        '"normal", mean = 1.0, std = 5.0 }\n',
        "dispersions.parameters.density_scale",
        "positive density",
    ),
    "empty-band": (
        BASE + "[dispersions.atmosphere]\nband_altitude_m = []\ndensity_band = []\n"
        "temperature_band = []\n",
        "dispersions.atmosphere.band_altitude_m",
        "at least 1",
    ),
}


def _write(tmp_path: Path, text: str, name: str = "mission.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unphysical_or_inconsistent_file_refused_naming_key(tmp_path, name) -> None:
    """Invariant: refused at load; the first problem names the key the file set."""
    text, key, phrase = REFUSED[name]
    with pytest.raises(MissionError) as info:
        load_mission(_write(tmp_path, text))
    problem = info.value.problems[0]
    assert problem.field == key, str(info.value)
    assert phrase in problem.expected, str(info.value)


def test_truncated_normal_declares_the_bound(tmp_path) -> None:
    """Invariant: the same wide Isp dispersion passes once truncated above -Isp by declaration."""
    text = (
        BASE + "[dispersions.parameters]\nengine_isp_delta_s = { distribution = "
        '"truncated_normal", mean = 0.0, std = 500.0, low = -100.0, high = 100.0 }\n'
    )
    load_mission(_write(tmp_path, text))


def test_presets_within_every_bound() -> None:
    """Invariant: the shipped missions (published vehicles) pass every physical bound."""
    for preset in ("m2020", "msl"):
        load_mission(preset)


# --- files are untrusted ----------------------------------------------------------------

SECRET = "hunter2-secret-token"


def _table_mission(tmp_path: Path, table: str) -> Path:
    return _write(tmp_path, BASE + f'[atmosphere]\nmodel = "table"\ntable_file = "{table}"\n')


def test_table_file_contents_never_echoed(tmp_path) -> None:
    """Invariant: a table pointing at a secret file is refused without quoting any of it."""
    (tmp_path / "secret.txt").write_text(f"{SECRET}:x:0:0\nsecond,{SECRET}\n")
    with pytest.raises(MissionError) as info:
        load_mission(_table_mission(tmp_path, "secret.txt"))
    assert SECRET not in str(info.value)
    assert info.value.problems[0].field == "atmosphere.table_file"


def test_table_bad_cell_not_echoed(tmp_path) -> None:
    """Invariant: a non-numeric cell is located by line and column, not quoted."""
    (tmp_path / "atm.csv").write_text(
        f"altitude_km,density_kg_m3,pressure_pa,temperature_k\n0,0.02,700,210\n1,{SECRET},1,1\n"
    )
    with pytest.raises(MissionError) as info:
        load_mission(_table_mission(tmp_path, "atm.csv"))
    assert SECRET not in str(info.value)
    assert "line 3" in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_table_fifo_and_device_refused_fast(tmp_path) -> None:
    """Invariant: a FIFO (a read that never ends) and /dev/zero are refused before opening."""
    os.mkfifo(tmp_path / "fifo")
    for table in ("fifo", "/dev/zero"):
        t0 = time.perf_counter()
        with pytest.raises(MissionError, match="regular CSV file"):
            load_mission(_table_mission(tmp_path, table))
        assert time.perf_counter() - t0 < 5.0


def test_table_reaching_1e9_km_refused_before_resampling(tmp_path) -> None:
    """Invariant: a 4-line table spanning 1e9 km (74.5 GiB at 100 m) is refused at once."""
    (tmp_path / "atm.csv").write_text(
        "altitude_km,density_kg_m3,pressure_pa,temperature_k\n"
        "-5,0.02,700,210\n0,0.015,600,210\n150,1e-9,1e-4,140\n1e9,1e-20,1e-20,100\n"
    )
    with pytest.raises(MissionError, match="altitude from"):
        load_mission(_table_mission(tmp_path, "atm.csv"))


def test_table_ending_at_10_km_needs_declared_extrapolation(tmp_path) -> None:
    """Invariant: a table ending below entry interface is refused, and accepted once the
    extrapolation to entry is stated in atmosphere.extrapolate_above_m."""
    (tmp_path / "atm.csv").write_text(
        "altitude_km,density_kg_m3,pressure_pa,temperature_k\n"
        "-5,0.02,700,210\n0,0.015,600,210\n10,0.008,300,200\n"
    )
    with pytest.raises(MissionError, match="extrapolate_above_m"):
        load_mission(_table_mission(tmp_path, "atm.csv"))
    declared = _write(
        tmp_path,
        BASE + '[atmosphere]\nmodel = "table"\ntable_file = "atm.csv"\n'
        "extrapolate_above_m = 125000.0\n",
        "declared.toml",
    )
    assert load_mission(declared).atmosphere.altitude_m[-1] == 10_000.0


def test_base_not_a_mission_file_not_echoed(tmp_path) -> None:
    """Invariant: a TOML base that is not a mission is refused without quoting its values."""
    (tmp_path / "config.toml").write_text(f'token = "{SECRET}"\n[server]\npassword = "{SECRET}"\n')
    with pytest.raises(MissionError) as info:
        load_mission(_write(tmp_path, 'base = "config.toml"\n'))
    assert SECRET not in str(info.value)
    assert "a mission file" in str(info.value)


@pytest.mark.parametrize("base", ["m2020.toml", "shared/../m2020.toml", "../presets/msl.toml"])
def test_relative_base_not_looked_up_in_the_package(tmp_path, base) -> None:
    """Invariant: a relative base is a path beside the file; files of the installed package
    (here the presets' own files) are not found from it, only presets and the shipped
    fragments by their exact names."""
    with pytest.raises(MissionError, match="an existing file") as info:
        load_mission(_write(tmp_path, f'base = "{base}"\n'))
    assert info.value.problems[0].field == "base"


def test_mission_file_size_limit(tmp_path) -> None:
    """Invariant: a mission file over 1 MiB is refused from its size, unread."""
    path = _write(tmp_path, BASE + "# " + "x" * (1 << 20) + "\n")
    with pytest.raises(MissionError, match="at most 1,048,576 bytes"):
        load_mission(path)


# --- bounded parsing ----------------------------------------------------------------------

DEEP = {
    "5000-nested-arrays": BASE + "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "20000-part-dotted-key": BASE + "[mission]\n" + ".".join(["a"] * 20_000) + " = 1\n",
    "100000-character-name": BASE + '[mission]\nname = "' + "a" * 100_000 + '"\n',
    "60000-keys": BASE + "[mission]\n" + "".join(f"k{i} = 1\n" for i in range(60_000)),
    "60000-keys-on-one-line": BASE
    + "x = {"
    + ", ".join(f"k{i} = 1" for i in range(60_000))
    + "}\n",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_huge_or_deep_documents_refused_fast(tmp_path, name) -> None:
    """Invariant: refused in one problem within 2 s (no RecursionError, no quadratic time)."""
    path = _write(tmp_path, DEEP[name])
    t0 = time.perf_counter()
    with pytest.raises(MissionError) as info:
        load_mission(path)
    assert time.perf_counter() - t0 < 2.0
    assert len(str(info.value).splitlines()) <= 21


def test_problem_list_capped(tmp_path) -> None:
    """Invariant: a file with thousands of unknown keys lists 20 and counts the rest."""
    path = _write(tmp_path, BASE + "[simulation]\n" + "".join(f"k{i} = 1\n" for i in range(500)))
    with pytest.raises(MissionError) as info:
        load_mission(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 21 and lines[-1].endswith("and 480 more problems")


def test_dispersion_tables_read_at_load(tmp_path) -> None:
    """Invariant: a Monte Carlo atmosphere table spanning 1e9 km or holding a secret is
    refused by load_mission (so by `check`), not first by the Monte Carlo."""
    (tmp_path / "far.csv").write_text(
        "altitude_km,density_kg_m3,pressure_pa,temperature_k\n0,0.02,700,210\n1e9,1e-20,1e-20,100\n"
    )
    (tmp_path / "secret.csv").write_text(f"{SECRET}\n")
    for k, table in enumerate(("far.csv", "secret.csv")):
        path = _write(
            tmp_path,
            BASE + f'[dispersions.atmosphere]\nmodel = "tables"\ntables = ["{table}"]\n',
            f"m{k}.toml",
        )
        with pytest.raises(MissionError) as info:
            load_mission(path)
        assert info.value.problems[0].field == "dispersions.atmosphere.tables[0]"
        assert SECRET not in str(info.value)
