"""The HTML report of a real Mars 2020 run: self-contained, and its tables say what the
result says (row per event, per body; values as the result holds them)."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import json
import re
import struct

import matplotlib.pyplot as plt
import numpy as np
import pytest
import report_dom

from skycrane.output import plots, report
from skycrane.output.guidance_errors import guidance_errors
from skycrane.output.text import event_label


@pytest.fixture(scope="module")
def page(report_files):
    files, _ = report_files
    return files["report.html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dom(page):
    return report_dom.read(page)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_report_is_one_self_contained_file(page, dom, report_files):
    files, _ = report_files
    assert next(iter(files)) == "report.html"
    # nothing is fetched: no URL in any src/href, no <link>, no external script
    for value in dom.attr_values("src") + dom.attr_values("href"):
        assert not re.match(r"\s*(https?:)?//", value, flags=re.I), value
        assert value.startswith(("data:image/png;base64,", "#")), value[:40]
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?://""", page, flags=re.I)
    assert not [t for t, _ in dom.tags if t in ("link", "iframe", "object", "embed")]
    assert not [a for t, a in dom.tags if t == "script" and "src" in a]
    assert "@import" not in page and "url(" not in page
    # the browser is told to fetch nothing else either; the one inline script is allowed by hash
    (csp,) = [a["content"] for t, a in dom.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "img-src data:" in csp
    (script,) = dom.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_report_names_the_mission(page, dom, result, mission):
    assert result.mission == "m2020"
    assert dom.title.startswith("m2020")
    assert dom.h1.startswith("m2020")
    assert html.escape(mission.spec.mission.title) in page
    assert html.escape(result.status_text) in page


def test_timeline_has_a_row_per_event_with_its_values(dom, result):
    table = dom.tables["timeline"]
    assert table["head"] == [list(report.TIMELINE_COLUMNS)]
    assert all("[" in c for c in report.TIMELINE_COLUMNS if c not in ("event", "Mach"))
    assert len(table["rows"]) == len(result.events)
    assert table["keys"] == [ev.name for ev in result.events]
    for ev, row in zip(result.events, table["rows"], strict=True):
        assert row[0] == event_label(ev.name, ev.jettisoned)
        assert float(row[1]) == pytest.approx(ev.t_s, abs=0.051)
        if ev.t_before_touchdown_s is not None:
            assert float(row[2]) == pytest.approx(ev.t_before_touchdown_s, abs=0.051)
        assert float(row[3]) == pytest.approx(ev.altitude_above_ground_m / 1e3, abs=0.00051)
        assert float(row[4]) == pytest.approx(ev.altitude_m / 1e3, abs=0.00051)
        assert float(row[5]) == pytest.approx(ev.speed_m_s, abs=0.051)
        if ev.dynamic_pressure_pa > 0.0:  # no Mach outside the atmosphere
            assert float(row[6]) == pytest.approx(ev.mach, abs=0.0051)
        assert float(row[7]) == pytest.approx(ev.dynamic_pressure_pa, abs=0.51)
    # the published landmarks are there (README): deploy, touchdown, the crash
    for name in ("parachute_deploy", "touchdown", "descent_stage_impact"):
        assert name in table["keys"]


def test_hardware_table_has_a_row_per_body(dom, result):
    table = dom.tables["hardware"]
    head = table["head"][0]
    assert head[:2] == ["body", "status"] and "from rover [m]" in head
    assert len(table["rows"]) == len(result.bodies)
    assert table["keys"] == [b.name for b in result.bodies]
    col = {name: k for k, name in enumerate(head)}
    for b, row in zip(result.bodies, table["rows"], strict=True):
        assert row[col["status"]] == b.status
        if b.distance_from_rover_m is None:
            assert row[col["from rover [m]"]] == "—"
            continue
        dist = float(row[col["from rover [m]"]].replace(",", ""))
        assert dist == pytest.approx(b.distance_from_rover_m, abs=0.51)
        assert float(row[col["bearing [°]"]]) == pytest.approx(b.bearing_from_rover_deg, abs=0.51)
        speed = float(row[col["impact speed [m/s]"]])
        assert speed == pytest.approx(b.impact_speed_m_s, abs=0.051)
    crash = table["rows"][table["keys"].index("descent_stage")]
    # it flew away: at least issue 14's 150 m safety distance
    assert float(crash[col["from rover [m]"]].replace(",", "")) >= 150.0


def test_peaks_touchdown_and_propellant(dom, result):
    peaks = {row[0]: row for row in dom.tables["peaks"]["rows"]}
    g = peaks["deceleration"]
    assert float(g[1]) == pytest.approx(result.peaks["deceleration_earth_g"], abs=0.0051)
    assert g[2] == "Earth g"
    assert float(g[3]) == pytest.approx(result.event("peak_deceleration").t_s, abs=0.051)
    q = peaks["dynamic pressure"]
    assert float(q[1]) == pytest.approx(result.peaks["dynamic_pressure_pa"] / 1e3, abs=0.0051)
    assert float(peaks["parachute load"][1]) == pytest.approx(
        result.peaks["parachute_load_n"] / 1e3, abs=0.051
    )
    td = {row[0]: row for row in dom.tables["touchdown"]["rows"]}
    assert float(td["propellant left"][1]) == pytest.approx(
        result.propellant_remaining_kg, abs=0.051
    )
    assert td["propellant left"][2] == "kg"
    assert float(td["descent rate"][1]) == pytest.approx(
        result.touchdown["vertical_speed_m_s"], abs=5e-4
    )


def test_every_figure_embedded_with_a_caption(dom, result, mission, report_files):
    files, _ = report_files
    names = [name for name in plots.FIGURES if plots.has_figure(result, mission, name)]
    assert [f["data-figure"] for f in dom.figures] == names
    for fig in dom.figures:
        png = base64.b64decode(fig["src"].removeprefix("data:image/png;base64,"), validate=True)
        width, height = _png_size(png)
        assert width >= 600 and height >= 350
        assert len(fig["caption"]) > 60
        # the same image is written beside the report
        assert files[f"{fig['data-figure']}.png"].read_bytes() == png
    # the guidance caption quotes the crossrange at the end of guided entry
    (ge,) = [f for f in dom.figures if f["data-figure"] == "guidance_errors"]
    errors = guidance_errors(result, mission)
    end = errors.at(errors.t_guided_end_s)
    assert f"crossrange {end['crossrange_m'] / 1e3:.2f} km" in ge["caption"]
    assert f"E+{end['t_s']:.1f} s" in ge["caption"]


def test_exports_written_beside_the_report(report_files, result, mission):
    files, _ = report_files
    assert set(report.EXPORTS) <= set(files)
    doc = json.loads(files["footprint.geojson"].read_text(encoding="utf-8"))
    at_rest = [b for b in result.bodies if b.latitude_deg is not None]
    assert len(doc["features"]) == 1 + len(at_rest)
    with files["trajectory.csv"].open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 1 + result.trajectory.t_s.size
    # nothing half-written is left behind
    out = files["report.html"].parent
    assert not list(out.glob(".*.tmp"))
    assert sorted(p.name for p in out.iterdir()) == sorted(files)


def test_report_write_time_is_measured(report_files):
    """The measured wall time of write_report for the m2020 nominal (figures dominate)."""
    _, seconds = report_files
    assert 0.0 < seconds < 60.0


def test_extra_section_is_appended_escaped_and_embedded(result, mission, tmp_path):
    """How a later section (e.g. a Monte Carlo summary) plugs in: ``extra_sections``."""
    fig, ax = plt.subplots()
    ax.plot([0.0, 1.0], [0.0, 1.0])
    ax.set_xlabel("east [km]")
    extra = report.Section(
        "Monte Carlo <draft>",
        "monte-carlo",
        (
            report.Paragraph("100 cases; <script>alert(1)</script> & more"),
            report.Table("Dispersions", ("input", "sigma [%]"), (("density", "<5>"),)),
            report.FigureBlock("mc_ellipses", fig, "99 % ellipses"),
        ),
    )
    files = report.write_report(result, mission, tmp_path, [extra], extras=False)
    assert set(files) == {"report.html"}
    page = files["report.html"].read_text(encoding="utf-8")
    dom = report_dom.read(page)
    assert (
        "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    )
    assert "Monte Carlo &lt;draft&gt;" in page and "&lt;5&gt;" in page
    assert dom.figures[-1]["data-figure"] == "mc_ellipses"
    assert dom.figures[-1]["caption"] == "99 % ellipses"
    hrefs = dom.attr_values("href")
    assert hrefs[-1] == "#monte-carlo"  # in the contents, after the result's sections
    assert page.index('id="figures"') < page.index('id="monte-carlo"')
    plt.close(fig)
    with pytest.raises(ValueError, match="unique"):
        report.write_report(
            result, mission, tmp_path, [report.Section("x", "x", (extra.blocks[2],))] * 2
        )
    with pytest.raises(ValueError, match="section id"):
        report.Section("bad", "1 bad id")
    with pytest.raises(ValueError, match="a row of 1 cells"):
        report.Table("t", ("a", "b"), (("only",),))


def test_failed_write_leaves_the_old_report_and_no_temporary(
    result, mission, tmp_path, monkeypatch
):
    out = tmp_path / "site"
    out.mkdir()
    (out / "report.html").write_text("previous", encoding="utf-8")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(report.os, "replace", refuse)
    with pytest.raises(report.ReportError) as info:
        report.write_report(result, mission, out, extras=False)
    message = str(info.value)
    assert "\n" not in message and str(out) in message and "Permission denied" in message
    assert (out / "report.html").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]


def test_output_path_that_is_a_file(result, mission, tmp_path):
    path = tmp_path / "report.html"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(report.ReportError, match="not a directory"):
        report.write_report(result, mission, path)
    with pytest.raises(report.ReportError, match="cannot create"):
        report.write_report(result, mission, path / "sub")


def test_numbers_without_value_are_dashes():
    assert report._num(None, ".1f") == "—"
    assert report._num(float("nan"), ".1f") == "—"
    assert report._num(np.float64(1234.4), ",.0f") == "1,234"
