"""Good mission files load, and ``base`` merging does what the loader documents.

The contract (loader.py, issue): ``load_mission`` takes a preset name or a TOML
path; ``base = "m2020"`` (a preset or a path relative to the file) starts from
another mission and the file overrides only what it changes: tables merge key
by key, lists are replaced whole; a table atmosphere's ``table_file`` is
relative to the mission file. ``base`` may be a list, merged in order; the Earth
dispersions fragment is its entry-delivery and atmosphere halves merged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import skycrane
from skycrane.missions.loader import PRESETS, Mission, _read_with_bases, preset_path

PRESET_FILES = sorted(preset_path("m2020").parent.glob("*.toml"))


def test_presets_listed_and_shipped() -> None:
    """Contract: the presets m2020 and msl exist, one TOML file each."""
    assert {"m2020", "msl"} <= set(PRESETS)
    assert {p.stem for p in PRESET_FILES} == set(PRESETS)


@pytest.mark.parametrize("path", PRESET_FILES, ids=lambda p: p.stem)
def test_preset_loads_by_name_and_path(path: Path) -> None:
    """Contract: a preset loads by name and by file path, to the same validated content."""
    by_name = skycrane.load_mission(path.stem)
    by_path = skycrane.load_mission(path)
    assert isinstance(by_name, Mission)
    assert by_name.name == path.stem
    assert by_name.spec == by_path.spec


def test_base_override_changes_only_that_value(tmp_path: Path) -> None:
    """Contract: `base = "m2020"` plus one override: that value changes, sibling keys in the
    same table and everything else are inherited from the preset."""
    path = tmp_path / "heavy.toml"
    path.write_text('base = "m2020"\n[vehicle.capsule]\nmass_kg = 3000\n', encoding="utf-8")
    mission = skycrane.load_mission(path)
    preset = skycrane.load_mission("m2020")
    assert mission.spec.vehicle.capsule.mass_kg == 3000.0  # an integer is accepted as a float
    assert mission.spec.vehicle.capsule.diameter_m == preset.spec.vehicle.capsule.diameter_m
    assert mission.spec.entry == preset.spec.entry
    assert mission.spec.base is None  # merged away
    assert mission.name == "m2020"


def test_base_lists_are_replaced_whole(tmp_path: Path) -> None:
    """Contract: a list in the file replaces the base's list whole (no element merging)."""
    path = tmp_path / "aero.toml"
    path.write_text(
        'base = "m2020"\n[vehicle.capsule.aerodynamics]\n'
        "mach = [2.0, 20.0]\ndrag_coefficient = [1.5, 1.4]\n"
        "lift_to_drag = [0.2, 0.25]\ntrim_angle_deg = [-14.0, -16.0]\n",
        encoding="utf-8",
    )
    mission = skycrane.load_mission(path)
    np.testing.assert_array_equal(mission.capsule_aero.mach, [2.0, 20.0])
    np.testing.assert_allclose(mission.capsule_aero.lift_to_drag, [0.2, 0.25])


def test_base_path_relative_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Contract: `base = "<path>"` is relative to the file naming it, not to the cwd; chains
    of bases merge in order (the nearest file wins)."""
    sub = tmp_path / "cases"
    sub.mkdir()
    (tmp_path / "parent.toml").write_text(
        'base = "m2020"\n[vehicle.capsule]\nmass_kg = 3100.0\nnose_radius_m = 1.0\n',
        encoding="utf-8",
    )
    (sub / "child.toml").write_text(
        'base = "../parent.toml"\n[vehicle.capsule]\nmass_kg = 3200.0\n', encoding="utf-8"
    )
    monkeypatch.chdir("/")
    mission = skycrane.load_mission(sub / "child.toml")
    assert mission.spec.vehicle.capsule.mass_kg == 3200.0
    assert mission.spec.vehicle.capsule.nose_radius_m == 1.0


def test_table_atmosphere_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contract: `model = "table"` with a valid CSV loads; `table_file` is found relative to
    the mission file."""
    (tmp_path / "atm.csv").write_text(
        "# a small profile\naltitude_km,density_kg_m3,pressure_pa,temperature_k\n"
        "0,0.020,700,210\n50,0.0001,5,160\n130,1e-9,1e-4,140\n",
        encoding="utf-8",
    )
    path = tmp_path / "mission.toml"
    path.write_text(
        'base = "m2020"\n[atmosphere]\nmodel = "table"\ntable_file = "atm.csv"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir("/")
    mission = skycrane.load_mission(path)
    assert mission.spec.atmosphere.model == "table"
    np.testing.assert_allclose(mission.atmosphere.altitude_m[[0, -1]], [0.0, 130e3])


def test_base_list_merges_in_order(tmp_path: Path) -> None:
    """Contract: `base = [a, b]` merges b over a and the file over both; reversing the list
    reverses which base wins; the provenance shows the list as written."""
    (tmp_path / "heavy.toml").write_text(
        'base = "m2020"\n[vehicle.capsule]\nmass_kg = 3100.0\nnose_radius_m = 1.0\n',
        encoding="utf-8",
    )
    preset = skycrane.load_mission("m2020")
    path = tmp_path / "both.toml"
    path.write_text(
        'base = ["m2020", "heavy.toml"]\n[vehicle.capsule]\nmass_kg = 3200.0\n', encoding="utf-8"
    )
    mission = skycrane.load_mission(path)
    assert mission.spec.vehicle.capsule.mass_kg == 3200.0
    assert mission.spec.vehicle.capsule.nose_radius_m == 1.0
    assert mission.provenance.base == "m2020, heavy.toml" and mission.provenance.is_what_if
    path.write_text('base = ["heavy.toml", "m2020"]\n', encoding="utf-8")
    reverse = skycrane.load_mission(path)
    assert reverse.spec.vehicle == preset.spec.vehicle


def test_earth_dispersions_are_their_two_halves() -> None:
    """Invariant: the Earth dispersions fragment is the entry-delivery fragment with the
    atmosphere fragment merged over it, and the presets resolve to the same dispersions
    whether they name the whole (artemis1) or the atmosphere half (starliner)."""
    shared = preset_path("m2020").parent / "shared"
    whole, _, _ = _read_with_bases(shared / "earth_dispersions.toml", 1)
    entry, _, _ = _read_with_bases(shared / "earth_entry_dispersions.toml", 1)
    atmosphere, _, _ = _read_with_bases(shared / "earth_atmosphere_dispersions.toml", 1)
    assert set(entry["dispersions"]) == {"sampling", "entry", "parameters"}
    assert set(atmosphere["dispersions"]) == {"atmosphere"}
    assert whole["dispersions"] == {**entry["dispersions"], **atmosphere["dispersions"]}
    artemis1 = skycrane.load_mission("artemis1").spec.dispersions
    starliner = skycrane.load_mission("starliner").spec.dispersions
    assert artemis1.atmosphere == starliner.atmosphere
    assert (
        artemis1.atmosphere.density_band == atmosphere["dispersions"]["atmosphere"]["density_band"]
    )
