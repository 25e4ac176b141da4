"""The ``[vehicle.heating]`` section: its defaults, its codes in the parameter row, its refusals.

Invariants: the default keeps the Mars presets' heating (Sutton-Graves with
the planet's constant, no radiative part, NASA TR R-376); an air-only
correlation (Brandis & Johnston AIAA 2014-2374, Tauber & Sutton 1991 Earth)
is refused on Mars with an InputError naming the key.
"""

from __future__ import annotations

import pytest

import skycrane
from skycrane.contract import layout as L
from skycrane.missions.loader import MissionError
from skycrane.sequence.pack import nominal_params
from skycrane.vehicle.heating import SUTTON_GRAVES_MARS


def _write(tmp_path, text: str):
    path = tmp_path / "heating.toml"
    path.write_text('base = "m2020"\n' + text)
    return path


def test_defaults_keep_mars_heating() -> None:
    """m2020 without a [vehicle.heating] section: Sutton-Graves with the Mars constant, no
    radiative heating, a 1 W/cm^2 pulse threshold."""
    mission = skycrane.load_mission("m2020")
    heating = mission.spec.vehicle.heating
    assert (heating.convective, heating.radiative) == ("sutton_graves", "none")
    p = nominal_params(mission, ("rover",))
    assert p[L.P_HEAT_CONV] == L.HC_SUTTON_GRAVES
    assert p[L.P_HEAT_RAD] == L.HR_NONE
    assert p[L.P_HEAT_K] == SUTTON_GRAVES_MARS
    assert p[L.P_PULSE_THRESHOLD_W_M2] == pytest.approx(1.0e4)
    assert p[L.P_NOSE_RADIUS_M] == mission.spec.vehicle.capsule.nose_radius_m


def test_threshold_reaches_the_parameter_row(tmp_path) -> None:
    """pulse_threshold_w_cm2 is packed in W/m^2 (x 1e4)."""
    mission = skycrane.load_mission(
        _write(tmp_path, "[vehicle.heating]\npulse_threshold_w_cm2 = 2.5\n")
    )
    assert nominal_params(mission, ("rover",))[L.P_PULSE_THRESHOLD_W_M2] == pytest.approx(2.5e4)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('convective = "brandis_johnston"', "vehicle.heating.convective"),
        ('radiative = "tauber_sutton"', "vehicle.heating.radiative"),
        ('radiative = "brandis_johnston"', "vehicle.heating.radiative"),
    ],
)
def test_air_correlations_refused_on_mars(tmp_path, line, key) -> None:
    """The Brandis-Johnston and Tauber-Sutton fits are for air: refused on Mars, naming the key."""
    with pytest.raises(MissionError) as err:
        skycrane.load_mission(_write(tmp_path, f"[vehicle.heating]\n{line}\n"))
    assert err.value.problems[0].field == key


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('convective = "fay_riddell"', "vehicle.heating.convective"),
        ("pulse_threshold_w_cm2 = 0.0", "vehicle.heating.pulse_threshold_w_cm2"),
        ("nose_radius_m = 2.0", "vehicle.heating.nose_radius_m"),
    ],
)
def test_bad_heating_keys(tmp_path, line, key) -> None:
    """An unknown correlation, a non-positive threshold, or a second nose radius (it is
    declared once, in [vehicle.capsule]) is refused, naming the key."""
    with pytest.raises(MissionError) as err:
        skycrane.load_mission(_write(tmp_path, f"[vehicle.heating]\n{line}\n"))
    assert err.value.problems[0].field == key
