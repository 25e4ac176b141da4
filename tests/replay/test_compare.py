"""`skycrane compare` and a what-if's provenance, from Python and the command line.

A what-if against its base: the keys the comparison finds different are exactly the keys the
file changes (two independent paths: the validated missions' values, and the loader's raw
merge); two presets differ where their files do.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import skycrane
from skycrane.cli import EXIT_INPUT, app
from skycrane.compare import compare, input_diff
from skycrane.missions.provenance import flatten

WHAT_IF = """base = "m2020"
[parachute.deploy]
range_to_target_m = 6500.0     # open the parachute later

[powered_descent]
flyaway_pitch_deg = 50.0
"""
CHANGED = ("parachute.deploy.range_to_target_m", "powered_descent.flyaway_pitch_deg")


@pytest.fixture(scope="module")
def what_if(tmp_path_factory):
    path = tmp_path_factory.mktemp("whatif") / "late_chute.toml"
    path.write_text(WHAT_IF, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def comparison(what_if, mission):
    return compare([mission, skycrane.load_mission(what_if)])


def test_what_if_provenance(what_if):
    """A what-if carries its file, its base and the keys it changes (not the keys it merely
    repeats), in its title and its JSON; a preset is not a what-if."""
    mission = skycrane.load_mission(what_if)
    prov = mission.provenance
    assert prov.file == str(what_if) and prov.base == "m2020" and prov.is_what_if
    assert prov.changed_keys == CHANGED
    same = what_if.with_name("same.toml")
    same.write_text('base = "m2020"\n[powered_descent]\nflyaway_pitch_deg = 45.0\n')
    assert skycrane.load_mission(same).provenance.changed_keys == ()
    preset = skycrane.load_mission("m2020").provenance
    assert not preset.is_what_if and preset.changed_keys == ()


def test_compare_what_if_against_its_base(comparison, what_if):
    """The input diff is exactly the changed keys; the later parachute shows in the events."""
    assert tuple(comparison.input_diff) == CHANGED
    assert comparison.input_diff[CHANGED[0]] == (7450.0, 6500.0)
    base, late = comparison.events("parachute_deploy")
    assert late.t_s > base.t_s  # a shorter range to go is reached later
    assert comparison.labels == ("m2020", str(what_if))
    doc = comparison.to_dict()
    assert doc["missions"][1]["mission_changed_keys"] == list(CHANGED)
    assert doc["missions"][1]["mission_base"] == "m2020"
    assert "late_chute.toml" in comparison.results[1].title
    assert "parachute.deploy.range_to_target_m" in comparison.results[1].title


def test_presets_differ_where_their_files_do(mission):
    """m2020 against MSL: the deploy trigger and the target differ, and every differing key
    is one whose flattened values differ in the validated specs (checked independently)."""
    msl = skycrane.load_mission("msl")
    diff = input_diff([mission, msl])
    assert diff["parachute.deploy.trigger"] == ("range", "velocity")
    assert "target.latitude_deg" in diff
    a = flatten(mission.spec.model_dump(mode="json"))
    b = flatten(msl.spec.model_dump(mode="json"))
    assert set(diff) == {k for k in set(a) | set(b) if a.get(k, "?") != b.get(k, "?")}


def test_cli_compare_presets(tmp_path):
    """`skycrane compare m2020 msl -o DIR`: the tables side by side, compare.html and the
    figures written; --json carries the same comparison."""
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", "m2020", "msl", "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = res.stdout
    assert "input keys differ" in text and "parachute.deploy.trigger" in text
    assert "touchdown" in text and "descent_stage" in text
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert 'id="input-diff"' in page and 'data-key="touchdown"' in page
    assert 'data-key="descent_stage"' in page
    for name in ("compare_altitude_speed", "compare_final_descent", "compare_site_map"):
        assert (out / f"{name}.png").stat().st_size > 10_000


def test_cli_compare_what_if_json(what_if, tmp_path):
    """From the command line, a what-if against its base lists the changed keys."""
    res = CliRunner().invoke(app, ["compare", "m2020", str(what_if), "-o", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert list(doc["input_diff"]) == list(CHANGED)
    assert doc["missions"][1]["mission_changed_keys"] == list(CHANGED)


def test_cli_run_json_carries_the_what_if(what_if):
    """`skycrane run WHATIF --json` names its file, base and changed keys (added keys; the
    mission name is unchanged)."""
    res = CliRunner().invoke(app, ["run", str(what_if), "--json"])
    assert res.exit_code in (0, 1), res.output
    doc = json.loads(res.stdout)
    assert doc["mission"] == "m2020"
    assert doc["mission_file"] == str(what_if)
    assert doc["mission_base"] == "m2020"
    assert doc["mission_changed_keys"] == list(CHANGED)


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["m2020"], "missions"), (["m2020", "no_such_file.toml"], "no_such_file.toml")],
)
def test_cli_compare_refusals(args, needle, tmp_path):
    """Fewer than two missions, or a missing file: one error line naming it, exit 2."""
    res = CliRunner().invoke(app, ["compare", *args, "-o", str(tmp_path)])
    assert res.exit_code == EXIT_INPUT, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
