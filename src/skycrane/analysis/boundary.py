"""Whether the landed hardware stays inside the range: the probability of leaving its boundary.

A range's boundary (``[site] boundary_latitude_deg``/``boundary_longitude_deg``)
is a closed polygon whose edges are straight in latitude and longitude (an
equirectangular chart: over a missile range's ~100 km the difference from a
geodesic edge is metres). A rest point is inside when it lies in the polygon
(even-odd rule, :meth:`matplotlib.path.Path.contains_points`).

For every body with rest points and for "any part" (a case is outside when at
least one of the bodies the boundary must hold, ``[site] boundary_bodies``, all
when unset, has a finite rest point outside), the summary gives the
count of cases outside, the probability and its exact binomial (Clopper-Pearson)
95 % confidence interval (:meth:`scipy.stats.binomtest`), over the population
of landed cases.
"""

from __future__ import annotations

import numpy as np
from matplotlib.path import Path as PolygonPath
from scipy.stats import binomtest

__all__ = ["inside_boundary", "outside_probability", "outside_summary"]

CONFIDENCE = 0.95
"""Confidence level of the reported interval."""


def inside_boundary(lat_deg, lon_deg, boundary_lat_deg, boundary_lon_deg) -> np.ndarray:
    """Whether each point lies inside the closed polygon (NaN points: False)."""
    polygon = PolygonPath(np.column_stack([boundary_lon_deg, boundary_lat_deg]), closed=True)
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    finite = np.isfinite(lat) & np.isfinite(lon)
    inside = np.zeros(lat.shape, dtype=bool)
    if finite.any():
        inside[finite] = polygon.contains_points(np.column_stack([lon[finite], lat[finite]]))
    return inside


def outside_probability(outside: np.ndarray) -> dict:
    """Cases outside, the probability and its exact binomial 95 % interval."""
    n = int(outside.size)
    k = int(np.count_nonzero(outside))
    if n == 0:
        return {"cases": 0, "outside": 0, "probability": None, "ci95": None}
    ci = binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method="exact")
    return {
        "cases": n,
        "outside": k,
        "probability": k / n,
        "ci95": [float(ci.low), float(ci.high)],
    }


def outside_summary(column, bodies: list[str], landed: np.ndarray, site) -> dict | None:
    """Probability of leaving the boundary, per body and for any part (None: no boundary).

    ``column(name)`` returns a table column as floats; ``bodies`` are the
    bodies with rest-point columns; ``landed`` the population's mask; ``site``
    the mission's ``[site]`` section.
    """
    if site.boundary_latitude_deg is None:
        return None
    any_out = np.zeros(int(np.count_nonzero(landed)), dtype=bool)
    per_body = {}
    for body in bodies:
        lat = column(f"body.{body}.latitude_deg")[landed]
        lon = column(f"body.{body}.longitude_deg")[landed]
        rests = np.isfinite(lat) & np.isfinite(lon)
        if not rests.any():
            continue
        out = rests & ~inside_boundary(
            lat, lon, site.boundary_latitude_deg, site.boundary_longitude_deg
        )
        held = site.boundary_bodies is None or body in site.boundary_bodies
        if held:
            any_out |= out
        per_body[body] = {**outside_probability(out[rests]), "held": held}
    return {
        "source": site.boundary_source,
        "any_part": outside_probability(any_out),
        "bodies": per_body,
    }
