"""The replay page as a file: within its budgets, self-contained, its policy allowing exactly
its own scripts; ``skycrane replay`` writes it, with a Monte Carlo's clouds on request."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from typer.testing import CliRunner

from skycrane.analysis.ellipse import empirical_ellipse
from skycrane.cli import EXIT_INPUT, app
from skycrane.output.replay import McOverlay, replay_page

MAX_BYTES = 20e6
MAX_SECONDS = 10.0


def _array(value) -> np.ndarray:
    """A figure's array as Plotly's JSON holds it: a list, or a typed-array spec (base64)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value, dtype=float)


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.attrs, self.urls = [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            if key in attrs:
                self.urls.append(attrs[key])
        if tag == "script":
            self._in = attrs
            self.scripts.append("")
            self.attrs.append(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]

    def handle_data(self, data):
        if self._in is not None:
            self.scripts[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def test_nominal_replay_within_budget(replay_file):
    """Budget (issue 17): a nominal replay written in under 10 s and under 20 MB."""
    path, seconds = replay_file
    assert path.name == "replay.html"
    assert path.stat().st_size < MAX_BYTES
    assert seconds < MAX_SECONDS


def test_page_is_self_contained(replay_file):
    """Nothing to fetch: no src/href URL; every executable script is inline and allowed by
    its SHA-256 in the page's Content-Security-Policy (default-src 'none'); the data block is
    JSON that cannot close its script element."""
    path, _ = replay_file
    page = path.read_text(encoding="utf-8")
    parsed = _Scripts()
    parsed.feed(page)
    assert parsed.urls == []
    assert "default-src 'none'" in parsed.csp
    allowed = set(re.findall(r"'sha256-([^']+)'", parsed.csp))
    code = [s for s, a in zip(parsed.scripts, parsed.attrs, strict=True) if "type" not in a]
    assert len(code) == 2  # plotly.js and the replay's own
    for script in code:
        assert base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() in allowed
    (doc,) = [s for s, a in zip(parsed.scripts, parsed.attrs, strict=True) if "type" in a]
    data = json.loads(doc)
    assert {"fig3d", "plan", "bodies", "frames"} <= set(data)


def test_monte_carlo_clouds_and_ellipses(result, mission):
    """A Monte Carlo overlay puts each body's cloud and its 99 % ellipse in the plan view, in
    that body's legend group (so its toggle hides them)."""
    rng = np.random.default_rng(7)
    points, ellipses = {}, {}
    for name in ("rover", "descent_stage"):
        e = rng.normal(100.0, 300.0, 500)
        n = rng.normal(-50.0, 200.0, 500)
        points[name] = (e, n)
        ellipses[name] = empirical_ellipse(e, n, 0.99)
    page = replay_page(result, mission, mc=McOverlay(500, points, ellipses))
    doc = page.split('id="skycrane-replay-data">', 1)[1].split("</script>", 1)[0]
    plan = json.loads(doc)["plan"]["data"]
    clouds = [t for t in plan if "of 500 cases" in t.get("name", "")]
    assert {t["legendgroup"] for t in clouds} == {"rover", "descent_stage"}
    assert all(_array(t["x"]).size == 500 for t in clouds)
    rings = [t for t in plan if "99 % ellipse" in t.get("name", "")]
    assert {t["legendgroup"] for t in rings} == {"rover", "descent_stage"}
    ring = next(t for t in rings if t["legendgroup"] == "rover")
    boundary = ellipses["rover"].boundary() / 1e3
    np.testing.assert_allclose(_array(ring["x"]), boundary[:, 0], atol=1e-4)


def test_cli_replay_writes_the_page(tmp_path):
    """`skycrane replay m2020 -o DIR` writes DIR/replay.html and says so; a bad --mc directory
    is one error line naming --mc, exit 2."""
    res = CliRunner().invoke(app, ["replay", "m2020", "-o", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r" / "replay.html").is_file()
    assert "replay.html" in res.stdout and "MB" in res.stdout
    bad = CliRunner().invoke(app, ["replay", "m2020", "-o", str(tmp_path), "--mc", str(tmp_path)])
    assert bad.exit_code == EXIT_INPUT
    lines = bad.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --mc:"), bad.stderr


@pytest.mark.parametrize("name", ["nope.toml"])
def test_cli_replay_bad_mission(tmp_path, name):
    """A missing mission file: one error line, exit 2."""
    res = CliRunner().invoke(app, ["replay", str(tmp_path / name), "-o", str(tmp_path)])
    assert res.exit_code == EXIT_INPUT
    assert len(res.stderr.splitlines()) == 1 and "Traceback" not in res.output
