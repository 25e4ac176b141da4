"""The report opened in a real browser (headless Chromium) with the network blocked: every
figure decodes, the timeline has a row per event, and a screenshot is kept.

Chromium is Debian's package (``.ci/run`` installs it). The test is skipped only when it is
missing outside CI; in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import report_dom

from skycrane.output import plots

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120
# headless, no sandbox (CI runs as root), nothing phoning home, and no network at all:
# every host resolves to nothing and every request would go to a closed proxy port
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--virtual-time-budget=10000",
)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


@pytest.fixture(scope="module")
def chromium() -> str:
    path = _chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs Debian's chromium")
        pytest.skip("chromium not installed (apt-get install chromium); it runs in CI")
    return path


def _run(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    res = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return res


def test_report_renders_offline_in_chromium(chromium, report_files, result, mission, tmp_path):
    files, _ = report_files
    url = files["report.html"].resolve().as_uri()
    res = _run(chromium, tmp_path / "profile", "--dump-dom", url)
    dom = report_dom.read(res.stdout)
    # the page's inline script ran and found every image decoded (complete, naturalWidth > 0)
    n_images = sum(1 for tag, _ in dom.tags if tag == "img")
    n_figures = sum(plots.has_figure(result, mission, name) for name in plots.FIGURES)
    # a nominal Mars landing has every figure but the heating pulses' (a capsule's, a skip's
    # or a lunar return's: its one convective pulse is the entry-loads figure's)
    assert n_images == n_figures == len(plots.FIGURES) - 1
    assert not plots.has_figure(result, mission, "heating")
    assert dom.body_attrs.get("data-images") == f"{n_images}/{n_images}", dom.body_attrs
    assert dom.body_attrs.get("data-ready") == "yes"
    # the timeline as the browser parsed it: a row per event of the result
    timeline = dom.tables["timeline"]
    assert len(timeline["rows"]) == len(result.events)
    assert timeline["keys"] == [ev.name for ev in result.events]
    assert len(dom.tables["hardware"]["rows"]) == len(result.bodies)

    shot = tmp_path / "report.png"
    _run(
        chromium,
        tmp_path / "profile2",
        f"--screenshot={shot}",
        "--window-size=1280,4000",
        "--hide-scrollbars",
        url,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 4000)
    assert len(data) > 100_000  # tables and figures, not a blank page
    if os.environ.get("SKYCRANE_ARTIFACTS"):
        out = REPO / "test-artifacts"
        out.mkdir(exist_ok=True)
        shutil.copyfile(shot, out / "report_m2020.png")
        shutil.copyfile(files["report.html"], out / "report_m2020.html")


def test_blocked_network_and_policy_stop_a_remote_image(chromium, report_files, tmp_path):
    """Control: a remote image added to the page does not load (so the check above would
    notice a figure that is not embedded): the page then never reports itself ready."""
    files, _ = report_files
    page = files["report.html"].read_text(encoding="utf-8")
    remote = page.replace("<footer>", '<img src="https://example.com/x.png" alt="remote"><footer>')
    assert remote != page
    path = tmp_path / "remote.html"
    path.write_text(remote, encoding="utf-8")
    res = _run(chromium, tmp_path / "profile", "--dump-dom", path.as_uri())
    dom = report_dom.read(res.stdout)
    n_images = sum(1 for tag, _ in dom.tags if tag == "img")
    assert dom.body_attrs.get("data-images") == f"{n_images - 1}/{n_images}"
    assert "data-ready" not in dom.body_attrs
