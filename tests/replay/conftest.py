"""One Mars 2020 nominal flown with its bodies' tracks, its replay page, and a headless Chromium
driven by Selenium (Debian's chromium and chromium-driver; ``.ci/run`` installs both)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest

import skycrane
from skycrane.output.replay import write_replay

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def mission():
    return skycrane.load_mission("m2020")


@pytest.fixture(scope="session")
def result(mission):
    return skycrane.simulate(mission, body_tracks=True)


@pytest.fixture(scope="session")
def replay_file(result, mission, tmp_path_factory):
    """``write_replay`` into a fresh directory: the page's path and its wall time [s]."""
    out = tmp_path_factory.mktemp("replay")
    t0 = time.perf_counter()
    path = write_replay(result, mission, out)
    return path, time.perf_counter() - t0


@pytest.fixture(scope="session")
def keep_artifact():
    """Copy a file to ``test-artifacts/`` (git-ignored) when SKYCRANE_ARTIFACTS is set."""

    def keep(path: Path, name: str) -> None:
        if os.environ.get("SKYCRANE_ARTIFACTS"):
            out = REPO / "test-artifacts"
            out.mkdir(exist_ok=True)
            shutil.copyfile(path, out / name)

    return keep


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through chromedriver, with the network blocked and console logs kept.

    Selenium's own driver download cannot work offline, so the Debian driver is named.
    """
    if not CHROMEDRIVER.exists() or not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium-driver is missing in CI: .ci/run installs it")
        pytest.skip("/usr/bin/chromedriver missing (apt-get install chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1800",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(120)
    yield driver
    driver.quit()
