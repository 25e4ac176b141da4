"""Bad Monte Carlo input: a clear error naming the field before any case runs or file is written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from skycrane.errors import InputError
from skycrane.missions.loader import MissionError, load_mission
from skycrane.montecarlo import run_monte_carlo

BAD = [
    (
        'capsule_drag_scale = { distribution = "lognormal", mean = 1.0, std = 0.1 }',
        "dispersions.parameters.capsule_drag_scale.distribution",
    ),
    (
        'capsule_drag_scale = { distribution = "normal", mean = 1.0, std = -0.1 }',
        "dispersions.parameters.capsule_drag_scale.std",
    ),
    (
        'wind_east_m_s = { distribution = "uniform", low = 3.0, high = 1.0 }',
        "dispersions.parameters.wind_east_m_s.high",
    ),
    (
        'no_such_input = { distribution = "normal", mean = 0.0, std = 1.0 }',
        "dispersions.parameters.no_such_input",
    ),
]


@pytest.mark.parametrize(("line", "field"), BAD, ids=["unknown-dist", "neg-std", "empty", "name"])
def test_bad_distribution_names_the_field(mission_file, line, field) -> None:
    path = mission_file(f'base = "m2020"\n[dispersions.parameters]\n{line}\n', "bad.toml")
    with pytest.raises(MissionError) as info:
        load_mission(path)
    assert any(p.field.startswith(field) for p in info.value.problems), str(info.value)


def test_covariance_not_positive_semidefinite(mission_file) -> None:
    text = (
        'base = "m2020"\n[dispersions.entry]\n'
        'variables = ["speed_m_s", "flight_path_angle_deg"]\n'
        "covariance = [[1.0, 2.0], [2.0, 1.0]]\nstd = []\n"
    )
    path = mission_file(text.replace("std = []\n", ""), "cov.toml")
    with pytest.raises(MissionError) as info:
        load_mission(path)
    (problem,) = info.value.problems
    assert problem.field == "dispersions.entry.covariance"
    assert "positive semi-definite" in problem.expected


def test_unreachable_cluster_fails_before_writing(m2020, tmp_path) -> None:
    """A Dask address nobody answers is an InputError; the output directory is not created."""
    out = tmp_path / "mc"
    with pytest.raises(InputError) as info:
        run_monte_carlo(m2020, 4, 1, out, cluster="tcp://127.0.0.1:9", cluster_timeout_s=2.0)
    assert info.value.field == "--cluster"
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [(["-n", "0"], "-n"), (["--seed", "-1"], "--seed"), (["--workers", "0"], "--workers")],
)
def test_cli_bad_options_exit_2_with_one_line(tmp_path, args, field) -> None:
    out = tmp_path / "mc"
    proc = subprocess.run(
        [sys.executable, "-m", "skycrane", "mc", "m2020", "-o", str(out), *args],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {field}:"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_existing_run_needs_resume(m2020, tmp_path) -> None:
    """A directory holding a run is never overwritten; a mismatched --resume is refused."""
    out = tmp_path / "mc"
    run_monte_carlo(m2020, 2, 1, out, chunk_size=1)
    before = (out / "cases.parquet").read_bytes()
    with pytest.raises(InputError, match="--resume"):
        run_monte_carlo(m2020, 2, 1, out, chunk_size=1)
    with pytest.raises(InputError) as info:
        run_monte_carlo(m2020, 3, 1, out, chunk_size=1, resume=True)
    assert info.value.field == "--resume (token)"
    assert (out / "cases.parquet").read_bytes() == before
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["n_cases"] == 2


def test_cli_json_has_the_issue_keys(tmp_path) -> None:
    """`skycrane mc ... --json` prints the documented keys."""
    out = str(tmp_path / "mc")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "skycrane",
            "mc",
            "m2020",
            "-n",
            "6",
            "--seed",
            "3",
            "-o",
            out,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(proc.stdout)
    assert doc["cases"] == 6 and doc["failed"] == 0
    assert set(doc["ellipse_99"]) >= {"major_km", "minor_km", "azimuth_deg"}
    assert set(doc["crash_distance_m"]) >= {"p1", "p50", "p99"}
    assert set(doc["probability_hardware_within_m"]) == {"100", "150", "200", "300", "500", "1000"}
    assert doc["throughput_cases_per_s"] > 0
