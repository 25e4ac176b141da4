"""A mission's ``[site]`` section to the local terrain grid the kernel and the maps read."""

from __future__ import annotations

from pathlib import Path

from skycrane.planets.constants import Planet
from skycrane.terrain.geotiff import read_site_terrain
from skycrane.terrain.grid import LocalTerrain, SiteFrame
from skycrane.terrain.synthetic import synthetic_site


def site_terrain(site, target, planet: Planet, base_dir: Path) -> LocalTerrain:
    """The terrain of a mission's ``site`` and ``target`` sections (validated specs).

    ``site.terrain_file`` (relative to ``base_dir``, the mission file's folder)
    wins; else ``site.synthetic`` names a synthetic site type; else the ground
    is flat at ``target.altitude_m``.

    Raises
    ------
    InputError
        At ``site.terrain_file`` when the file cannot be used.
    """
    frame = SiteFrame(planet, target.latitude_deg, target.longitude_deg, target.altitude_m)
    if site.terrain_file is not None:
        path = Path(site.terrain_file)
        if not path.is_absolute():
            path = base_dir / path
        return read_site_terrain(path, frame, site.grid_half_width_m, site.grid_spacing_m)
    if site.synthetic != "none":
        return synthetic_site(
            site.synthetic, site.seed, frame, site.grid_half_width_m, site.grid_spacing_m
        )
    return frame.flat()
