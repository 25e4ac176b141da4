"""A site's terrain model read from a GeoTIFF in the CRS it declares.

References: the files are written in the test with a known plane (offset and
slopes, conftest.py), so the expected relief is analytic: the plane's slopes
times the local east/north distance, the offset removed (the grid is relief
above the target's ground). Invariant: the same plane written in a geographic
(planetocentric longitude/latitude) and in a projected (equirectangular) CRS
reads to the same grid.
"""

from __future__ import annotations

import numpy as np
import pytest
from terrain_planes import (
    GEOGRAPHIC,
    GRAD_EAST,
    GRAD_NORTH,
    MARS_R_M,
    PROJECTED,
    TARGET_LAT,
    TARGET_LON,
)

from skycrane.errors import InputError
from skycrane.planets import planet_by_name
from skycrane.terrain.geotiff import read_site_terrain
from skycrane.terrain.grid import SiteFrame

FRAME = SiteFrame(planet_by_name("mars"), TARGET_LAT, TARGET_LON, -2550.0)


def _expected(terrain, reach_m=3000.0):
    """The plane at the grid's nodes: metres on the ground are angles at the ground's radius.

    The file measures distances on its own sphere (R = 3396.19 km); the grid's
    metres are at the target's ground (2.55 km below the ellipsoid's 3394 km
    there): the same angle is ``R / r_ground`` more file metres.
    """
    e, n = np.meshgrid(terrain.east_m, terrain.north_m)
    near = (np.abs(e) <= reach_m) & (np.abs(n) <= reach_m)
    scale = MARS_R_M / np.linalg.norm(terrain.origin_pf_m)
    return near, scale * (GRAD_EAST * e + GRAD_NORTH * n)


@pytest.mark.parametrize("crs", [GEOGRAPHIC, PROJECTED], ids=["longlat", "eqc"])
def test_plane_reads_as_its_slopes_without_its_offset(plane_tif, crs):
    """Analytic: relief = slopes x distance (offset removed), within 5 cm over +-3 km.

    The 5 cm allow for the tangent plane against the sphere's meridians over
    3 km (east scale varies as cos(latitude): 3 km x 3 km tan(18 deg) / R x 0.03).
    """
    terrain = read_site_terrain(plane_tif(crs), FRAME, half_width_m=3500.0, spacing_m=25.0)
    near, expected = _expected(terrain)
    assert terrain.relief_m.shape == (281, 281)
    assert np.max(np.abs(terrain.relief_m[near] - expected[near])) < 0.05


def test_projected_and_geographic_files_agree(plane_tif):
    """Invariant: one plane in two CRSs gives one grid (to 5 cm)."""
    a = read_site_terrain(plane_tif(GEOGRAPHIC, "a.tif"), FRAME, 3000.0, 50.0)
    b = read_site_terrain(plane_tif(PROJECTED, "b.tif"), FRAME, 3000.0, 50.0)
    assert np.max(np.abs(a.relief_m - b.relief_m)) < 0.05


def test_fine_file_is_averaged_down_on_reading(plane_tif):
    """A file 20x finer than the grid still gives the plane (bounded read, same answer)."""
    fine = plane_tif(PROJECTED, "fine.tif", half_width_m=2500.0, pixel_m=2.0)
    terrain = read_site_terrain(fine, FRAME, half_width_m=2000.0, spacing_m=40.0)
    near, expected = _expected(terrain, 1900.0)
    assert np.max(np.abs(terrain.relief_m[near] - expected[near])) < 0.05


def test_nodes_the_file_does_not_cover_are_the_target_ground(plane_tif):
    """Beyond the file's edge the relief is 0 (the ground is target.altitude_m there)."""
    small = plane_tif(PROJECTED, "small.tif", half_width_m=1000.0)
    terrain = read_site_terrain(small, FRAME, half_width_m=2000.0, spacing_m=50.0)
    e, n = np.meshgrid(terrain.east_m, terrain.north_m)
    outside = (np.abs(e) > 1100.0) | (np.abs(n) > 1100.0)
    assert np.all(terrain.relief_m[outside] == 0.0)
    assert np.any(terrain.relief_m[~outside] != 0.0)


def test_file_without_crs_is_refused(plane_tif):
    with pytest.raises(InputError, match="coordinate reference system") as err:
        read_site_terrain(plane_tif(None), FRAME, 1000.0, 50.0)
    assert err.value.field == "site.terrain_file"


def test_non_raster_is_refused(tmp_path):
    path = tmp_path / "notes.tif"
    path.write_text("not a raster\n")
    with pytest.raises(InputError, match="raster") as err:
        read_site_terrain(path, FRAME, 1000.0, 50.0)
    assert err.value.field == "site.terrain_file"


def test_file_elsewhere_is_refused(plane_tif):
    far = SiteFrame(planet_by_name("mars"), -4.5965, 137.4019, -4500.0)
    with pytest.raises(InputError, match="covering the target") as err:
        read_site_terrain(plane_tif(PROJECTED), far, 1000.0, 50.0)
    assert err.value.field == "site.terrain_file"
