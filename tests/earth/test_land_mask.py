"""The land mask's per-process row cache (skycrane.planets.surface).

* invariant: over the Florida coast (land and sea both), the surface kind from a cold cache,
  from a warm cache and after evictions (a cache smaller than the rows asked for) equals the
  kind read straight from the archive without any cache (the grid's own indexing).
"""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.planets import surface
from skycrane.planets.surface import LAND, OCEAN, surface_kind


def _uncached_kind(lat_deg: np.ndarray, lon_deg: np.ndarray) -> list[str]:
    """Each point's kind read straight from the archive: axes and rows, no cache."""
    path = surface._mask_path()
    with np.load(path) as grid:
        lat_axis, lon_axis = np.array(grid["lat"]), np.array(grid["lon"])
    i = ((lat_deg - lat_axis[0]) / (lat_axis[1] - lat_axis[0])).astype(np.int64)
    j = ((lon_deg - lon_axis[0]) / (lon_axis[1] - lon_axis[0])).astype(np.int64)
    rows = surface._rows_of_mask(path, np.unique(i))
    return [OCEAN if rows[int(a)][b] else LAND for a, b in zip(i, j, strict=True)]


@pytest.fixture()
def coast() -> tuple[np.ndarray, np.ndarray]:
    """300 points over Florida and its coasts (24-31 N, 87-79 W): land and sea."""
    rng = np.random.default_rng(15)
    return rng.uniform(24.0, 31.0, 300), rng.uniform(-87.0, -79.0, 300)


def test_cached_and_uncached_lookups_agree(coast, monkeypatch: pytest.MonkeyPatch):
    """Invariant: cold cache, warm cache and a cache evicting rows all give the uncached kind."""
    lat, lon = coast
    expected = _uncached_kind(lat, lon)
    assert {LAND, OCEAN} <= set(expected)
    monkeypatch.setattr(surface, "_ROW_CACHE", type(surface._ROW_CACHE)())
    cold = list(surface_kind(lat, lon))
    warm = list(surface_kind(lat, lon))
    assert cold == expected
    assert warm == expected
    monkeypatch.setattr(surface, "MAX_CACHED_ROWS", 16)
    small = [surface_kind(a, b).item() for a, b in zip(lat[:40], lon[:40], strict=True)]
    assert small == expected[:40]
    assert list(surface_kind(lat, lon)) == expected
    assert len(surface._ROW_CACHE) <= 16
