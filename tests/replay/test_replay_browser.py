"""The replay page and the report's replay section in a real browser (headless Chromium via
Selenium, network blocked): the page loads with no console error, the scrubber moved to
touchdown shows touchdown's time and the rover at rest where the flight left it, and a
body's toggle hides every trace of it; a screenshot is kept.

These are checks of the page against the simulated result it was written from (an
external check of the browser's rendering of our data), not of the physics.
"""

from __future__ import annotations

import json
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from skycrane.output.replay import replay_section
from skycrane.output.replay_data import local_east_north_m
from skycrane.output.report import write_report

LOAD_TIMEOUT_S = 120


def _open(browser, path):
    browser.get_log("browser")  # drop what an earlier page left
    browser.get(path.resolve().as_uri())
    WebDriverWait(browser, LOAD_TIMEOUT_S).until(
        lambda d: d.find_element(By.ID, "skycrane-replay").get_attribute("data-ready") == "yes"
    )


def _errors(browser) -> list[str]:
    """Console messages at SEVERE level (errors, CSP violations, failed requests)."""
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def _scrub_to(browser, frame: int) -> None:
    """Move the range input the way a user's drag does: set it, fire ``input``."""
    browser.execute_script(
        "var s=document.getElementById('replay-scrubber');s.value=arguments[0];"
        "s.dispatchEvent(new Event('input',{bubbles:true}));",
        str(frame),
    )
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, "skycrane-replay").get_attribute("data-shown") == str(frame)
    )


def _trace(browser, graph: str, index: int) -> dict:
    return browser.execute_script(
        "var t=document.getElementById(arguments[0]).data[arguments[1]];"
        "return {x:t.x, y:t.y, z:t.z||null, visible:(t.visible===undefined?true:t.visible)};",
        graph,
        index,
    )


def _data(browser) -> dict:
    return json.loads(
        browser.execute_script(
            "return document.getElementById('skycrane-replay-data').textContent;"
        )
    )


def test_replay_scrub_to_touchdown_and_toggle(
    browser, replay_file, result, mission, tmp_path, keep_artifact
):
    path, _ = replay_file
    _open(browser, path)
    assert _errors(browser) == []
    data = _data(browser)
    td = result.touchdown["t_s"]
    frame = min(range(len(data["frames"]["t_s"])), key=lambda k: abs(data["frames"]["t_s"][k] - td))
    _scrub_to(browser, frame)
    root = browser.find_element(By.ID, "skycrane-replay")
    readout = root.find_element(By.CSS_SELECTOR, ".readout").text
    assert f"E+{td:.1f} s" in readout and "T+0.0 s" in readout, readout
    assert "touchdown" in readout and "rover (at rest)" in readout, readout
    row = root.find_element(By.CSS_SELECTOR, 'tr[data-body="rover"]')
    assert row.get_attribute("data-state") == "at rest"
    # the rover's marker, in both views, where the flight left it (result.body("rover"))
    rover = next(b for b in data["bodies"] if b["name"] == "rover")
    rest = result.body("rover")
    east, north = (
        float(v) / 1e3 for v in local_east_north_m(rest.latitude_deg, rest.longitude_deg, mission)
    )
    for graph, which in (("replay-3d", "3d"), ("replay-plan", "plan")):
        marker = _trace(browser, graph, rover["traces"][which]["marker"])
        assert marker["x"][0] == pytest.approx(east, abs=1e-3)  # km: within a metre
        assert marker["y"][0] == pytest.approx(north, abs=1e-3)
        if which == "3d":
            assert marker["z"][0] == pytest.approx(0.0, abs=1e-3)  # on the ground
    shot = tmp_path / "replay_touchdown.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 50_000  # two figures and a table, not a blank page
    keep_artifact(shot, "replay_m2020_touchdown.png")

    # untick the backshell: each of its traces in both figures is hidden, the others are not
    backshell = next(b for b in data["bodies"] if b["name"] == "backshell")
    root.find_element(By.CSS_SELECTOR, 'input[data-toggle="backshell"]').click()
    WebDriverWait(browser, 30).until(
        lambda d: "backshell" in (root.get_attribute("data-hidden") or "").split()
    )
    for graph, which in (("replay-3d", "3d"), ("replay-plan", "plan")):
        for index in backshell["traces"][which]["all"]:
            assert _trace(browser, graph, index)["visible"] == "legendonly"
        assert _trace(browser, graph, rover["traces"][which]["marker"])["visible"] is True
    # a click on the heat shield's legend entry in the plan view hides it in the 3-D view too
    heat = next(b for b in data["bodies"] if b["name"] == "heat_shield")
    entries = browser.find_elements(By.CSS_SELECTOR, "#replay-plan .legend .traces")
    names = [e.text for e in entries]
    entries[names.index("heat shield")].find_element(By.CSS_SELECTOR, ".legendtoggle").click()
    time.sleep(0.5)
    for index in heat["traces"]["3d"]["all"]:
        assert _trace(browser, "replay-3d", index)["visible"] == "legendonly"
    assert _errors(browser) == []


def test_replay_plays(browser, replay_file):
    """The play button advances the frames by itself, and pauses."""
    path, _ = replay_file
    _open(browser, path)
    root = browser.find_element(By.ID, "skycrane-replay")
    start = int(root.get_attribute("data-shown"))
    browser.find_element(By.ID, "replay-play").click()
    WebDriverWait(browser, 30).until(lambda d: int(root.get_attribute("data-shown")) > start + 3)
    browser.find_element(By.ID, "replay-play").click()
    assert root.get_attribute("data-playing") == "no"
    assert _errors(browser) == []


def test_report_replay_section_loads(browser, result, mission, tmp_path):
    """The report with its replay section: the page's policy allows the replay's scripts (no
    console error), the replay draws, and the report's own image check still completes."""
    files = write_report(
        result, mission, tmp_path, extra_sections=[replay_section(result, mission)], extras=False
    )
    _open(browser, files["report.html"])
    WebDriverWait(browser, LOAD_TIMEOUT_S).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "yes"
    )
    assert _errors(browser) == []
    n_main = len(browser.find_elements(By.CSS_SELECTOR, "#replay-3d .main-svg"))
    assert n_main >= 1
