"""The HTML report of a real capsule flight (``tests/output/capsule_skip.toml``: a skip
entry, parachute clusters, the sea): it speaks of the capsule and its splashdown, never of
a rover, a descent stage or "the parachute"; its heating table is the result's; and it
leaves out the figures that do not apply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import report_dom

import skycrane
from skycrane.output import plots, report

CAPSULE_TOML = Path(__file__).parents[1] / "output" / "capsule_skip.toml"


@pytest.fixture(scope="module")
def capsule():
    mission = skycrane.load_mission(CAPSULE_TOML)
    return mission, skycrane.simulate(mission)


@pytest.fixture(scope="module")
def page(capsule, tmp_path_factory):
    mission, result = capsule
    files = report.write_report(result, mission, tmp_path_factory.mktemp("capsule"), extras=False)
    return files["report.html"].read_text(encoding="utf-8")


def _visible_text(page: str) -> str:
    """The page's words: tags, scripts, the style sheet and embedded images dropped."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_capsule_report_speaks_of_the_capsule(page, capsule):
    _mission, result = capsule
    text = _visible_text(page)
    for word in ("rover", "descent stage", "sky crane", "the parachute deployed", "propellant"):
        assert word not in text.lower(), word
    td = result.touchdown
    # the title says "to the sea" at a sea-level target: a splashdown
    assert (
        f"The capsule splashed down at E+{td['t_s']:.1f} s at {td['vertical_speed_m_s']:.2f} m/s"
        in text
    )
    # the hardware sentence measures from the capsule: the nearest body at rest
    near = min(
        (b for b in result.bodies if b.name != "capsule" and b.distance_from_capsule_m is not None),
        key=lambda b: b.distance_from_capsule_m,
    )
    assert (
        f"The nearest hardware, the {near.name.replace('_', ' ')}, came down "
        f"{near.distance_from_capsule_m:,.0f} m from the capsule" in text
    )
    # Earth's latitudes are geodetic (WGS-84), not Mars's planetocentric
    assert "planetocentric" not in text and "latitudes geodetic" in text
    dom = report_dom.read(page)
    rows = {row[0]: row for row in dom.tables["touchdown"]["rows"]}
    assert set(rows) == {"splashdown time", "descent rate", "horizontal speed", "capsule to target"}
    (head,) = dom.tables["hardware"]["head"]
    assert "from capsule [m]" in head


def test_capsule_report_heating_table_is_the_results(page, capsule):
    _mission, result = capsule
    dom = report_dom.read(page)
    table = dom.tables["heating"]
    assert table["keys"] == [f"pulse{r['pulse']}" for r in result.heating]
    (head,) = table["head"]
    col = {c: i for i, c in enumerate(head)}
    for r, row in zip(result.heating, table["rows"], strict=True):
        assert float(row[col["start E+ [s]"]]) == pytest.approx(r["start_s"], abs=0.051)
        assert float(row[col["peak total [W/cm²]"]]) == pytest.approx(
            r["peak_w_cm2"]["total"], abs=0.051
        )
        load = float(row[col["load total [J/cm²]"]].replace(",", ""))
        assert load == pytest.approx(r["load_j_cm2"]["total"], abs=0.51)
        rad = float(row[col["load radiative [J/cm²]"]].replace(",", ""))
        assert rad == pytest.approx(r["load_j_cm2"]["radiative"], abs=0.51)
    soak = table["rows"][1][col["soak before [s]"]]
    assert float(soak) == pytest.approx(result.heating[1]["soak_before_s"], abs=0.051)
    assert table["rows"][0][col["soak before [s]"]] == "—"


def test_capsule_report_figures(page, capsule):
    mission, result = capsule
    dom = report_dom.read(page)
    names = [f["data-figure"] for f in dom.figures]
    assert names == [n for n in plots.FIGURES if plots.has_figure(result, mission, n)]
    assert "powered_descent" not in names and "guidance_errors" not in names
    captions = {f["data-figure"]: f["caption"] for f in dom.figures}
    for r in result.heating:
        assert f"peak {r['peak_w_cm2']['total']:.0f} W/cm²" in captions["heating"]
    assert f"after a {result.heating[1]['soak_before_s']:.0f} s soak" in captions["heating"]
    assert "first cluster deploy to splashdown" in captions["parachute_phase"]
    assert "splashdown" in captions["altitude_range"]
