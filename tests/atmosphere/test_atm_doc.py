"""docs/atmosphere.md's measured hydrostatic-vs-Mars-GRAM tables must match a fresh measurement."""

from __future__ import annotations

import re

import numpy as np
import pytest

from skycrane.atmosphere import hydrostatic, mars_gram_average, mars_gravity_m_s2

GAS_CONSTANTS_J_KG_K = (189.0, 191.0)
TOLERANCE_PERCENT = 0.006  # the doc prints two decimals


def _table_after(doc: str, marker: str) -> list[list[str]]:
    """Body cells of the Markdown table following an HTML-comment marker."""
    lines = doc[doc.index(marker) :].splitlines()[1:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[2:]


def _percent(cell: str) -> float:
    return float(cell.split("%")[0].replace("−", "-"))


@pytest.fixture(scope="module")
def measured() -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Percent error (hydrostatic / table - 1) in density and pressure at each node, per R."""
    mars = mars_gram_average()
    result = {}
    for r in GAS_CONSTANTS_J_KG_K:
        hydro = hydrostatic(
            mars.altitude_m, mars.temperature_k, 566.9, r, mars_gravity_m_s2, mars.gamma
        )
        result[r] = (
            100.0 * (hydro.density_kg_m3 / mars.density_kg_m3 - 1.0),
            100.0 * (hydro.pressure_pa / mars.pressure_pa - 1.0),
        )
    return result


@pytest.fixture(scope="module")
def doc(repo_root) -> str:
    return (repo_root / "docs" / "atmosphere.md").read_text(encoding="utf-8")


def test_per_node_table_is_current(doc, measured):
    """Measurement (hydrostatic from Mars-GRAM temperatures) vs the doc's per-node table."""
    rows = _table_after(doc, "<!-- measured-table -->")
    altitude_km = mars_gram_average().altitude_m / 1e3
    assert [float(row[0]) for row in rows] == list(altitude_km)
    for column, (r, quantity) in enumerate(
        [(189.0, 0), (189.0, 1), (191.0, 0), (191.0, 1)], start=1
    ):
        printed = np.array([_percent(row[column]) for row in rows])
        np.testing.assert_allclose(printed, measured[r][quantity], atol=TOLERANCE_PERCENT)


def test_worst_cases_are_current(doc, measured):
    """Measurement vs the doc's worst-case table (largest excess and deficit, with altitude)."""
    rows = {float(row[0]): row[1:] for row in _table_after(doc, "<!-- worst-cases -->")}
    altitude_km = mars_gram_average().altitude_m / 1e3
    assert sorted(rows) == list(GAS_CONSTANTS_J_KG_K)
    for r in GAS_CONSTANTS_J_KG_K:
        cells = iter(rows[r])
        for errors in measured[r]:
            for index in (np.argmax(errors), np.argmin(errors)):
                value, at_km = re.match(r"([-+−\d.]+) % at (\d+) km", next(cells)).groups()
                assert _percent(value) == pytest.approx(errors[index], abs=TOLERANCE_PERCENT)
                assert float(at_km) == altitude_km[index]


def test_reference_claims_hold(measured):
    """REFERENCE.md's claim: ≈ 9 % at 25–30 km and ≈ 45 % at 70–80 km (R = 189), as the doc says."""
    density = dict(zip(mars_gram_average().altitude_m / 1e3, measured[189.0][0], strict=True))
    assert 8.5 < density[25.0] < 9.5 and 8.5 < density[30.0] < 9.5
    assert all(-48.0 < density[h] < -42.0 for h in (70.0, 75.0, 80.0))
