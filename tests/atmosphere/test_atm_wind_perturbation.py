"""Wind perturbation profiles: the drawn nodes, the kernel blend, the switch-off, bad input.

Each Monte Carlo case may carry an east and a north wind perturbation on the
density perturbation's altitude nodes (skycrane.atmosphere.perturbation),
drawn from ``[dispersions.atmosphere]``'s wind band.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from skycrane.atmosphere.perturbation import (
    band_covariance,
    wind_perturbation_at,
    write_nodes,
    write_wind_nodes,
)
from skycrane.cli import app
from skycrane.contract import layout as L
from skycrane.dispersions.cases import WIND_E, WIND_N, dispersion_set, draw_inputs
from skycrane.missions.loader import load_mission
from skycrane.montecarlo import run_monte_carlo
from skycrane.montecarlo.runner import CASES

RUNNER = CliRunner()
N_DRAWN = 40_000


@pytest.fixture(scope="module")
def drawn():
    """The Mars 2020 preset's wind nodes for 40,000 cases, and the band it declares."""
    mission = load_mission("m2020")
    ds = dispersion_set(mission)
    inputs = draw_inputs(ds, 7, np.arange(N_DRAWN), N_DRAWN)
    nodes = ds.atm_nodes_m
    east = np.stack([inputs[f"{WIND_E}{h / 1000:g}km"] for h in nodes], axis=1)
    north = np.stack([inputs[f"{WIND_N}{h / 1000:g}km"] for h in nodes], axis=1)
    return mission.spec.dispersions.atmosphere, nodes, east, north


def test_drawn_node_covariance_is_the_band_covariance(drawn) -> None:
    """Statistical, against :func:`band_covariance` (the exponential Gauss-Markov form):
    every element of the sample covariance within 5 standard errors, sqrt((C_ii C_jj +
    C_ij^2) / n) for a Gaussian sample, for each component; the east-north cross
    covariance within 5 standard errors of 0 (independent components)."""
    spec, nodes, east, north = drawn
    expected = band_covariance(
        nodes,
        np.asarray(spec.wind_band_altitude_m),
        np.asarray(spec.wind_band_sigma_m_s),
        spec.wind_correlation_length_m,
    )
    diag = np.diag(expected)
    se = np.sqrt((np.outer(diag, diag) + expected**2) / N_DRAWN)
    for component in (east, north):
        assert np.all(np.abs(component.mean(axis=0)) < 5.0 * np.sqrt(diag / N_DRAWN))
        sample = np.cov(component, rowvar=False)
        assert np.all(np.abs(sample - expected) < 5.0 * se)
    cross = (east - east.mean(axis=0)).T @ (north - north.mean(axis=0)) / (N_DRAWN - 1)
    assert np.all(np.abs(cross) < 5.0 * np.sqrt(np.outer(diag, diag) / N_DRAWN))


def _row(east: np.ndarray, north: np.ndarray, dh_m: float = 5_000.0) -> np.ndarray:
    p = np.zeros((1, L.N_PARAMS))
    zeros = np.zeros((1, east.size))
    write_nodes(p, 0.0, dh_m, zeros, zeros)
    write_wind_nodes(p, east[None, :], north[None, :])
    return p[0]


def test_kernel_wind_is_the_node_values_and_c1_between() -> None:
    """Analytic: the blend w(h) = w_i + s(u) (w_i+1 - w_i), s = u^2 (3 - 2u), u = (h - h_i) / dh,
    equals the node values at the nodes, has the slope 6 u (1 - u) (w_i+1 - w_i) / dh
    between them (checked by central differences) and a zero slope on both sides of every
    node (C1); held beyond the end nodes; zero on a row without a wind profile."""
    east = np.array([3.0, -7.0, 11.0, 2.5])
    north = np.array([-1.0, 4.0, 0.0, -9.0])
    dh = 5_000.0
    row = _row(east, north, dh)
    for k in range(4):
        assert wind_perturbation_at(dh * k, row) == (east[k], north[k])
    eps = 0.05
    for k in range(3):
        for u in (0.1, 0.37, 0.5, 0.83):
            h = dh * (k + u)
            plus, minus = wind_perturbation_at(h + eps, row), wind_perturbation_at(h - eps, row)
            for c, nodes in enumerate((east, north)):
                slope = 6.0 * u * (1.0 - u) * (nodes[k + 1] - nodes[k]) / dh
                assert (plus[c] - minus[c]) / (2 * eps) == pytest.approx(slope, rel=1e-6, abs=1e-9)
    for k in (1, 2):  # one-sided slopes at the inner nodes: both ~0 (s'(0) = s'(1) = 0)
        at = np.array(wind_perturbation_at(dh * k, row))
        left = (at - np.array(wind_perturbation_at(dh * k - eps, row))) / eps
        right = (np.array(wind_perturbation_at(dh * k + eps, row)) - at) / eps
        assert np.all(np.abs(left) < 1e-4) and np.all(np.abs(right) < 1e-4)
    assert wind_perturbation_at(-4_400.0, row) == (east[0], north[0])
    assert wind_perturbation_at(90_000.0, row) == (east[-1], north[-1])
    assert wind_perturbation_at(1_000.0, np.zeros(L.N_PARAMS)) == (0.0, 0.0)
    off = row.copy()
    off[L.P_WIND_PERT] = 0.0  # the density grid alone: no wind perturbation
    assert wind_perturbation_at(1_000.0, off) == (0.0, 0.0)


OLD_CONSTANT_WIND = """
[dispersions.parameters]
wind_east_m_s = { distribution = "normal", mean = 0.0, std = 7.0 }
wind_north_m_s = { distribution = "normal", mean = 0.0, std = 7.0 }
"""


@pytest.mark.slow
def test_zero_sigma_flies_the_constant_wind_model_bit_identically(tmp_path) -> None:
    """Invariant: a wind band of zero sigma draws nothing and flies exactly the model
    without the band (the constant wind vector alone, as before this profile existed):
    the same ``cases.parquet`` bytes."""
    tables = []
    for name, band in (
        ("zero", "wind_band_sigma_m_s = [0.0, 0.0]"),
        ("none", "wind_band_altitude_m = []\nwind_band_sigma_m_s = []"),
    ):
        path = tmp_path / f"{name}.toml"
        path.write_text(
            f'base = "m2020"\n[dispersions.atmosphere]\n{band}\n{OLD_CONSTANT_WIND}',
            encoding="utf-8",
        )
        run = run_monte_carlo(load_mission(path), 4, 3, tmp_path / name, chunk_size=2)
        tables.append((run.out_dir / CASES).read_bytes())
    assert tables[0] == tables[1]
    columns = pq.read_table(tmp_path / "zero" / CASES).column_names
    assert not any(c.startswith("input.wind_profile") for c in columns)
    assert "input.wind_east_m_s" in columns


BAD = {
    "sigma-negative": ("wind_band_sigma_m_s = [7.0, -1.0]", "wind_band_sigma_m_s"),
    "length-zero": ("wind_correlation_length_m = 0.0", "wind_correlation_length_m"),
    "length-negative": ("wind_correlation_length_m = -5000.0", "wind_correlation_length_m"),
    "unsorted": (
        "wind_band_altitude_m = [0.0, 20000.0, 10000.0]\nwind_band_sigma_m_s = [7.0, 7.0, 7.0]",
        "wind_band_altitude_m",
    ),
    "count": ("wind_band_sigma_m_s = [7.0]", "wind_band_sigma_m_s"),
}


def _lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_wind_band_is_one_line_exit_2(tmp_path, name) -> None:
    """Invariant (issue 14, "Bad input"): ``check``, ``run`` and ``mc`` refuse the file
    with the same single line naming the key, exit 2, before flying or writing."""
    text, key = BAD[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(f'base = "m2020"\n[dispersions.atmosphere]\n{text}\n', encoding="utf-8")
    out = tmp_path / "mc"
    results = [
        RUNNER.invoke(app, ["check", str(path)]),
        RUNNER.invoke(app, ["run", str(path)]),
        RUNNER.invoke(app, ["mc", str(path), "-n", "2", "-o", str(out)]),
    ]
    for result in results:
        assert result.exit_code == 2, result.output
        assert _lines(result) == _lines(results[0])
        assert "Traceback" not in result.output
    assert len(_lines(results[0])) == 1, results[0].stderr
    assert f"dispersions.atmosphere.{key}" in _lines(results[0])[0]
    assert not out.exists()
