"""The ``[site]`` section: the terrain under the landing, the published ellipse, observations.

``terrain_file`` names a digital terrain model (GeoTIFF, any coordinate
reference system it declares; relative paths are relative to the mission
file) and takes precedence; without one, ``synthetic`` names the site type whose documented
statistics a seeded synthetic terrain follows (:mod:`skycrane.terrain.synthetic`),
or ``"none"`` for flat ground at ``target.altitude_m``. The kernel reads the
terrain on a local grid of ``grid_spacing_m`` out to ``grid_half_width_m``
from the target; beyond it the ground is the target's altitude.
``ellipse_*`` give the published landing ellipse, drawn on the site maps
centred on the target (major axis along ``ellipse_azimuth_deg`` clockwise from
north; unset: along the entry heading, the direction of the downrange
spread); ``observed_positions_file`` a GeoJSON of where hardware was found.
``boundary_latitude_deg``/``boundary_longitude_deg`` outline the range the
landing and every jettisoned part must stay in: a closed polygon (its first
vertex repeated last) that the Monte Carlo reports the probability of leaving
(:mod:`skycrane.analysis.boundary`); ``boundary_bodies`` names the parts it must
hold (unset: all).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from skycrane.missions.fields import KeyProblem, Latitude, Longitude, PositiveFloat, Section


class SiteSpec(Section):
    terrain_file: str | None = None
    synthetic: Literal["none", "jezero", "gale"] = "none"
    seed: Annotated[int, Field(ge=0)] = 0
    grid_half_width_m: Annotated[float, Field(ge=100.0, le=50_000.0)] = 5000.0
    grid_spacing_m: Annotated[float, Field(ge=0.5, le=1000.0)] = 10.0
    ellipse_major_km: PositiveFloat | None = None
    ellipse_minor_km: PositiveFloat | None = None
    ellipse_azimuth_deg: Annotated[float, Field(ge=-360.0, le=360.0)] | None = None
    ellipse_source: str = ""
    observed_positions_file: str | None = None
    boundary_latitude_deg: Annotated[list[Latitude], Field(max_length=10_000)] | None = None
    boundary_longitude_deg: Annotated[list[Longitude], Field(max_length=10_000)] | None = None
    boundary_source: str = ""
    boundary_bodies: Annotated[list[str], Field(min_length=1, max_length=64)] | None = None
    """The bodies the boundary must hold ("capsule" and ``[bodies]`` names); unset: every body
    with a rest point. A service module disposed of before entry falls far up-range by design,
    so it is reported per body but left out of "any part"."""

    @model_validator(mode="after")
    def _consistent(self) -> SiteSpec:
        _check_boundary(self.boundary_latitude_deg, self.boundary_longitude_deg)
        if (self.ellipse_major_km is None) != (self.ellipse_minor_km is None):
            raise KeyProblem(
                "ellipse_minor_km", self.ellipse_minor_km, "given together with ellipse_major_km"
            )
        if self.ellipse_major_km is not None and self.ellipse_minor_km > self.ellipse_major_km:
            raise KeyProblem(
                "ellipse_minor_km",
                self.ellipse_minor_km,
                f"<= ellipse_major_km ({self.ellipse_major_km})",
            )
        n = 2.0 * self.grid_half_width_m / self.grid_spacing_m + 1.0
        if n * n > 4_000_000:
            raise KeyProblem(
                "grid_spacing_m",
                self.grid_spacing_m,
                f"a spacing giving at most 2,000 x 2,000 grid nodes over 2 x "
                f"grid_half_width_m = {2 * self.grid_half_width_m:.0f} m",
            )
        return self


def _check_boundary(lat: list[float] | None, lon: list[float] | None) -> None:
    """A boundary is both lists, of equal length, at least a triangle, and closed."""
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        given = "boundary_longitude_deg" if lat is None else "boundary_latitude_deg"
        raise KeyProblem(given, "set", "given together with the other boundary list")
    if len(lon) != len(lat):
        raise KeyProblem(
            "boundary_longitude_deg", len(lon), f"{len(lat)} values, one per boundary latitude"
        )
    if len(lat) < 4:
        raise KeyProblem(
            "boundary_latitude_deg", len(lat), "at least 4 vertices (a triangle, closed)"
        )
    if lat[0] != lat[-1] or lon[0] != lon[-1]:
        raise KeyProblem(
            "boundary_latitude_deg",
            f"first ({lat[0]:g}, {lon[0]:g}), last ({lat[-1]:g}, {lon[-1]:g})",
            "a closed polygon: the last vertex equal to the first",
        )
