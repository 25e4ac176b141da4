"""The shipped Mars-GRAM average profile against REFERENCE.md."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from skycrane.atmosphere import mars_gram_average


def _reference_rows(text: str) -> list[tuple[float, float, float, float]]:
    """(h km, T K, p Pa, rho kg/m3) rows of REFERENCE.md's two-column Mars-GRAM table."""
    section = text[text.index("## Mars atmosphere") :]
    rows = []
    for line in section.splitlines():
        if not re.match(r"^\|\s*\d+\s*\|", line):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for group in (cells[0:4], cells[5:9]):
            rows.append(tuple(float(cell) for cell in group))
    return sorted(rows)


def test_reproduces_every_reference_node(shared_dir):
    """Published table (REFERENCE.md, Mars-GRAM average): all 26 nodes, T, p and rho."""
    reference = shared_dir / "REFERENCE.md"
    if not reference.is_file():
        pytest.skip(f"REFERENCE.md not found at {reference} (shared material absent)")
    rows = np.array(_reference_rows(reference.read_text(encoding="utf-8")))
    assert rows.shape == (26, 4)
    table = mars_gram_average()
    np.testing.assert_array_equal(table.altitude_m, rows[:, 0] * 1e3)
    state = table.evaluate(rows[:, 0] * 1e3)
    np.testing.assert_array_equal(state.temperature_k, rows[:, 1])
    np.testing.assert_allclose(state.pressure_pa, rows[:, 2], rtol=1e-14)
    np.testing.assert_allclose(state.density_kg_m3, rows[:, 3], rtol=1e-14)


@pytest.mark.parametrize(
    ("h_km", "t_k", "p_pa", "rho_kg_m3"),
    [(0, 227.5, 566.9, 1.319e-2), (70, 145.8, 0.2000, 7.254e-6), (125, 159.3, 5.203e-5, 1.632e-9)],
)
def test_spot_values(h_km, t_k, p_pa, rho_kg_m3):
    """Published table (REFERENCE.md): three nodes checked without the shared file."""
    state = mars_gram_average().evaluate(h_km * 1e3)
    assert state.temperature_k == t_k
    assert state.pressure_pa == pytest.approx(p_pa, rel=1e-14)
    assert state.density_kg_m3 == pytest.approx(rho_kg_m3, rel=1e-14)


def test_between_nodes_is_monotone_cubic_in_log_density():
    """Reference implementation: at 2.5 km, scipy's PCHIP through ln(rho) of the table's nodes."""
    from scipy.interpolate import PchipInterpolator

    table = mars_gram_average()
    state = table.evaluate(2.5e3)
    expected = math.exp(PchipInterpolator(table.altitude_m, np.log(table.density_kg_m3))(2.5e3))
    assert state.density_kg_m3 == pytest.approx(expected, rel=1e-13)
    # close to, but not, the log-linear geometric mean (the profile curves)
    assert state.density_kg_m3 == pytest.approx(math.sqrt(1.319e-2 * 8.976e-3), rel=0.02)
    assert state.temperature_k == pytest.approx(0.5 * (227.5 + 210.9), rel=1e-15)


def test_gamma_and_speed_of_sound():
    """Analytic: a = sqrt(gamma p / rho) with the table's own p/rho (R ≈ 189 at the surface)."""
    table = mars_gram_average(gamma=1.33)
    assert table.gamma == 1.33
    state = table.evaluate(0.0)
    assert state.speed_of_sound_m_s == pytest.approx(math.sqrt(1.33 * 566.9 / 1.319e-2))
    assert 566.9 / (1.319e-2 * 227.5) == pytest.approx(189.0, rel=1e-3)
