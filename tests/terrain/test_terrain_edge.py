"""The ground at and beyond the edge of the site's grid (propagate.ground.relief_at).

Invariants, not figures: the compiled lookup and its NumPy twin
(``LocalTerrain.relief_at``) give the same relief everywhere; the ground is
continuous across the grid's edge (no cliff for the radar's slant beams to
range across); it reaches the datum ``TERRAIN_EDGE_TAPER_M`` beyond the edge
and stays there, so the far field lands where it did before the taper.
"""

from __future__ import annotations

import numpy as np

from skycrane.contract.fields_terrain import TERRAIN_EDGE_TAPER_M
from skycrane.planets import planet_by_name
from skycrane.propagate.ground import relief_at
from skycrane.terrain.grid import SiteFrame
from skycrane.terrain.synthetic import synthetic_site

FRAME = SiteFrame(planet_by_name("mars"), 18.4447, 77.4508, -2550.0)
SITE = synthetic_site("jezero", 3, FRAME, 1000.0, 10.0)


def _kernel(east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray:
    relief, geom = SITE.kernel_arrays()
    return np.array([relief_at(e, n, relief, geom) for e, n in zip(east_m, north_m, strict=True)])


def test_compiled_lookup_and_numpy_twin_agree_inside_near_and_far() -> None:
    rng = np.random.default_rng(0)
    east = rng.uniform(-3000.0, 3000.0, 4000)
    north = rng.uniform(-3000.0, 3000.0, 4000)
    np.testing.assert_allclose(_kernel(east, north), SITE.relief_at(east, north), atol=1e-9)


def test_ground_is_continuous_across_the_edge_and_reaches_the_datum() -> None:
    half = SITE.spacing_m * ((SITE.relief_m.shape[1] - 1) // 2)
    along = np.linspace(-half, half, 401)
    for east, north in ((np.full_like(along, half), along), (along, np.full_like(along, -half))):
        outward = np.array([1.0, 0.0]) if east[0] == half else np.array([0.0, -1.0])
        edge = SITE.relief_at(east, north)
        assert np.max(np.abs(edge)) > 1.0  # a grid whose edge has relief: the test can fail
        just_out = SITE.relief_at(east + 1e-3 * outward[0], north + 1e-3 * outward[1])
        np.testing.assert_allclose(just_out, edge, atol=1e-4)  # no cliff
        for d in (TERRAIN_EDGE_TAPER_M, 2.0 * TERRAIN_EDGE_TAPER_M, 1e6):
            far = SITE.relief_at(east + d * outward[0], north + d * outward[1])
            assert np.all(far == 0.0)
    assert _kernel(np.array([np.nan]), np.array([0.0]))[0] == 0.0
