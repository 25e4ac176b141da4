"""`skycrane image` and `skycrane detect`: the orbital-imaging contract of the command line.

Contract: `skycrane image MISSION -o DIR [--resolution-m 0.25]` writes a
georeferenced before/after pair and a truth list; `skycrane detect BEFORE
AFTER [--resolution-m R] --json` prints {"detections": [{"x_m", "y_m",
"area_m2", "darkening", "kind"}...]}; errors (different sizes, a non-image
file) exit with status 2 and one error line; an unchanged pair has no
detections.
"""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from skycrane.cli import app
from skycrane.imaging import render_pair, write_pair
from skycrane.imaging.debris import random_site

RUNNER = CliRunner()


def _pair(tmp_path, seed=3, size=320, resolution_m=0.25):
    rng = np.random.default_rng(seed)
    marks = random_site(rng, size * resolution_m, size * resolution_m)
    pair = render_pair(rng, marks, shape=(size, size), resolution_m=resolution_m)
    return write_pair(tmp_path, pair), marks


def test_detect_json_contract(tmp_path) -> None:
    """Known truth: a rendered pair gives detections with the contract keys, near the marks."""
    files, marks = _pair(tmp_path)
    result = RUNNER.invoke(
        app,
        ["detect", str(files["before"]), str(files["after"]), "--resolution-m", "0.25", "--json"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["detections"], "a site with marks must give detections"
    for d in doc["detections"]:
        assert {"x_m", "y_m", "area_m2", "darkening", "kind"} <= set(d)
        nearest = min(np.hypot(d["x_m"] - m.x_m, d["y_m"] - m.y_m) for m in marks)
        assert nearest < 25.0


def test_detect_unchanged_pair_has_no_detections(tmp_path) -> None:
    """Invariant: the same image twice has nothing darker."""
    files, _ = _pair(tmp_path)
    result = RUNNER.invoke(app, ["detect", str(files["before"]), str(files["before"]), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"detections": []}


def test_detect_bad_input_exits_2(tmp_path) -> None:
    """Bad input: a non-image file and images of different sizes give one error line, exit 2."""
    files, _ = _pair(tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    small, _ = _pair(tmp_path / "small", size=200)
    for args in ([str(files["before"]), str(text)], [str(files["before"]), str(small["after"])]):
        result = RUNNER.invoke(app, ["detect", *args])
        assert result.exit_code == 2, result.output
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), lines
        assert "Traceback" not in result.output


def test_image_writes_a_georeferenced_pair(tmp_path) -> None:
    """`skycrane image` writes before/after images with world files and a truth list."""
    result = RUNNER.invoke(
        app,
        [
            "image",
            "m2020",
            "-o",
            str(tmp_path),
            "--resolution-m",
            "4",
            "--misregistration-px",
            "0.5",
            "--illumination-gain",
            "0.9",
        ],
    )
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"before.png", "after.png", "truth.json"} <= names
    assert any(n.endswith(".pgw") for n in names)
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth
