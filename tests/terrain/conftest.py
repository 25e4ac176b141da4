"""Fixtures of the terrain tests: a plane GeoTIFF written into the test's folder."""

from __future__ import annotations

import pytest
from terrain_planes import write_plane


@pytest.fixture
def plane_tif(tmp_path):
    """Write a plane GeoTIFF in a given CRS into the test's folder: ``plane_tif(crs, name)``."""

    def make(crs, name="plane.tif", **kw):
        return write_plane(tmp_path / name, crs, **kw)

    return make
