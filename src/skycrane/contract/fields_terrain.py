"""Fields of the site's terrain grid geometry, declared once (the model tuple's ``TERRAIN_GEOM``).

Numbered by :mod:`skycrane.contract.layout` as the ``TG_*`` constants, filled by
:meth:`skycrane.terrain.grid.LocalTerrain.kernel_arrays`, read by the kernel's
ground lookup (:mod:`skycrane.propagate.ground`).
"""

from __future__ import annotations

from skycrane.contract.declare import Field

TERRAIN_GEOM = (
    Field("TG_EAST0_M", "m", "east coordinate of the grid's first column, from the target"),
    Field("TG_NORTH0_M", "m", "north coordinate of the grid's first row, from the target"),
    Field("TG_SPACING_M", "m", "grid spacing, east and north"),
    Field("TG_ORIGIN_PF_M", "m", "the target on the ground, planet-fixed", axes="XYZ"),
    Field("TG_EAST_PF", "-", "unit east at the target, planet-fixed", axes="XYZ"),
    Field("TG_NORTH_PF", "-", "unit north at the target, planet-fixed", axes="XYZ"),
)

TERRAIN_EDGE_TAPER_M = 1000.0
"""Distance beyond the grid's edge over which the relief falls linearly from the edge's
value to zero [m] (R): no terrain model, the least surprising continuous ground where
the grid has none (:mod:`skycrane.propagate.ground`; ``LocalTerrain.relief_at`` is its twin)."""
