"""NRLMSIS 2.1 via the optional pymsis: climatological band, no network, input errors."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import numpy as np
import pytest

import skycrane
from skycrane.atmosphere import msis, us76_properties
from skycrane.errors import InputError
from skycrane.missions.loader import MissionError

# EARTH.md 3.3: rho_MSIS2.1 / rho_US76 over 360 cases (4 seasons, latitudes -60..60,
# longitudes 0/180, F10.7 = F10.7a = 70/150/250, Ap 4/15/50): altitude km -> (min, max).
CLIMATOLOGICAL_RATIO = {
    40: (0.63, 1.14),
    50: (0.59, 1.21),
    60: (0.56, 1.27),
    70: (0.55, 1.36),
    80: (0.57, 1.36),
    90: (0.65, 1.06),
    100: (0.53, 1.15),
    110: (0.60, 1.10),
    120: (0.65, 1.03),
}

# Cases drawn from the same grid of inputs as EARTH.md 3.3: (time, lat, lon, F10.7, Ap).
CASES = [
    ("2022-03-20T12:00", 30.0, 0.0, 150.0, 15.0),
    ("2022-06-21T12:00", 60.0, 180.0, 70.0, 4.0),
    ("2022-12-21T12:00", -60.0, 0.0, 250.0, 50.0),
    ("2022-09-22T12:00", 0.0, 180.0, 150.0, 4.0),
]


def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every socket connection attempt fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("case", CASES, ids=[c[0][:10] for c in CASES])
def test_msis_within_climatological_band_of_us76(case, monkeypatch):
    """External reference band (EARTH.md 3.3): MSIS 2.1 / US76 within the 360-case min-max
    at 40-120 km, for cases from the same input grid; built with the network blocked."""
    pytest.importorskip("pymsis")
    _no_network(monkeypatch)
    time, lat, lon, flux, ap = case
    table = msis(time, lat, lon, flux, flux, ap)
    altitude_km = np.array(sorted(CLIMATOLOGICAL_RATIO), dtype=float)
    ratio = (
        table.evaluate(altitude_km * 1e3).density_kg_m3
        / us76_properties(altitude_km * 1e3).density_kg_m3
    )
    for h, r in zip(altitude_km, ratio, strict=True):
        low, high = CLIMATOLOGICAL_RATIO[int(h)]
        assert low <= r <= high, f"{h:g} km: ratio {r:.3f} outside [{low}, {high}]"


def test_msis_table_is_consistent_with_pymsis(monkeypatch):
    """Independent call (pymsis.calculate at the nodes, storm-time ap mode for a 7-element ap):
    the table reproduces its density and temperature, and its pressure is n k T (ideal gas)."""
    pymsis = pytest.importorskip("pymsis")
    _no_network(monkeypatch)
    table = msis("2022-12-11T17:20:14", 25.0, -120.0, 120.0, 130.0, [4, 5, 6, 7, 8, 9, 10])
    alt = np.array([0.0, 50e3, 121.92e3, 200e3])
    out = pymsis.calculate(
        [np.datetime64("2022-12-11T17:20:14")],
        [-120.0],
        [25.0],
        alt / 1e3,
        f107s=[120.0],
        f107as=[130.0],
        aps=[[4, 5, 6, 7, 8, 9, 10]],
        geomagnetic_activity=-1,  # a 7-element ap history selects storm-time mode
    ).reshape(alt.size, -1)
    state = table.evaluate(alt)
    np.testing.assert_allclose(state.density_kg_m3, out[:, 0], rtol=1e-5)
    np.testing.assert_allclose(state.temperature_k, out[:, 10], rtol=1e-5)
    n = np.nansum(out[:, 1:10], axis=1)
    np.testing.assert_allclose(state.pressure_pa, n * 1.380649e-23 * out[:, 10], rtol=1e-5)
    assert table.name == "msis" and table.altitude_m[-1] == 200e3


def test_missing_pymsis_says_how_to_install(monkeypatch):
    """Contract: without pymsis, an InputError naming atmosphere.model and the extra."""
    monkeypatch.setitem(sys.modules, "pymsis", None)  # makes `import pymsis` fail
    with pytest.raises(InputError) as info:
        msis("2022-12-11T17:20:14", 0.0, 0.0, 150.0, 150.0, 4.0)
    assert info.value.field == "atmosphere.model"
    assert "pip install skycrane[msis]" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"time_utc": "yesterday"}, "atmosphere.msis.time_utc"),
        ({"latitude_deg": 91.0}, "atmosphere.msis.latitude_deg"),
        ({"f107_sfu": -5.0}, "atmosphere.msis.f107_sfu"),
        ({"ap": [4.0] * 6}, "atmosphere.msis.ap"),
        ({"ap": 500.0}, "atmosphere.msis.ap"),
    ],
)
def test_bad_inputs_name_their_field(kwargs, field):
    """Invariant: a bad input raises InputError naming atmosphere.msis.<field>."""
    pytest.importorskip("pymsis")
    args = {
        "time_utc": "2022-12-11T17:20:14",
        "latitude_deg": 0.0,
        "longitude_deg": 0.0,
        "f107_sfu": 150.0,
        "f107a_sfu": 150.0,
        "ap": 4.0,
    } | kwargs
    with pytest.raises(InputError) as info:
        msis(**args)
    assert info.value.field == field


MSIS_SECTION = (
    'base = "m2020"\n[atmosphere]\nmodel = "msis"\ngamma = 1.4\n'
    '[atmosphere.msis]\ntime_utc = "2022-12-11T17:20:14"\nlatitude_deg = 25.0\n'
    "longitude_deg = -120.0\nf107_sfu = 120.0\nf107a_sfu = 130.0\n"
)


def test_mission_file_builds_msis_table(tmp_path: Path, monkeypatch):
    """Contract: `[atmosphere] model = "msis"` with `[atmosphere.msis]` loads offline; a TOML
    date-time (here 09:20:14 at UTC-8) is the same UTC time as the ISO text."""
    pytest.importorskip("pymsis")
    _no_network(monkeypatch)
    densities = []
    for time_line in ('time_utc = "2022-12-11T17:20:14"', "time_utc = 2022-12-11T09:20:14-08:00"):
        path = tmp_path / "msis.toml"
        text = MSIS_SECTION.replace('time_utc = "2022-12-11T17:20:14"', time_line)
        path.write_text(text + "ap = 4\n", encoding="utf-8")
        mission = skycrane.load_mission(path)
        assert mission.atmosphere.name == "msis"
        densities.append(mission.atmosphere.density_kg_m3)
    np.testing.assert_array_equal(densities[0], densities[1])


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('base = "m2020"\n[atmosphere]\nmodel = "msis"\n', "atmosphere.msis"),
        (MSIS_SECTION + "ap = [4, 4, 4]\n", "atmosphere.msis.ap"),
        (MSIS_SECTION.replace("25.0", "125.0") + "ap = 4\n", "atmosphere.msis.latitude_deg"),
    ],
    ids=["missing_section", "short_ap", "latitude"],
)
def test_mission_file_errors_name_the_key(tmp_path: Path, text: str, field: str):
    """Contract: a bad `[atmosphere.msis]` is one MissionError naming its key path."""
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MissionError) as info:
        skycrane.load_mission(path)
    assert [problem.field for problem in info.value.problems] == [field]


def test_time_forms(monkeypatch):
    """Contract: ISO 8601 with a UTC offset (Z, -08:00) is converted to UTC; relative words
    are refused."""
    pytest.importorskip("pymsis")
    _no_network(monkeypatch)
    args = (0.0, 0.0, 150.0, 150.0, 4.0)
    plain = msis("2022-12-11T17:20:14", *args, top_m=100e3)
    for text in ("2022-12-11T17:20:14Z", "2022-12-11T09:20:14-08:00"):
        same = msis(text, *args, top_m=100e3)
        np.testing.assert_array_equal(plain.density_kg_m3, same.density_kg_m3)
    for word in ("now", "today"):
        with pytest.raises(InputError) as info:
            msis(word, *args)
        assert info.value.field == "atmosphere.msis.time_utc"


def test_ap_history_drives_storm_mode(monkeypatch):
    """Physical invariant (MSIS storm-time ap mode): a 3-hourly ap history of 300 over a
    quiet daily Ap heats the thermosphere, raising the 200 km density by more than 5 %;
    a scalar Ap equals the same value repeated in daily mode."""
    pytest.importorskip("pymsis")
    _no_network(monkeypatch)
    args = ("2022-12-11T17:20:14", 30.0, 0.0, 150.0, 150.0)
    quiet = msis(*args, 4.0).evaluate(200e3).density_kg_m3
    storm = msis(*args, [4.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0]).evaluate(200e3)
    assert storm.density_kg_m3 > 1.05 * quiet
