"""Fields of the parachute-cluster table, declared once (the model tuple's ``CLUSTER_TABLE``).

One column per cluster of ``[parachute_clusters.<name>]`` (a capsule's drogues, its
pilots, its mains: each a cluster of identical canopies, opened in reefed stages),
these rows. Numbered by :mod:`skycrane.contract.layout` as the ``CL_*`` constants,
packed by :mod:`skycrane.sequence.build`, read by
:func:`skycrane.vehicle.parachute_cluster.cluster_drag_area_m2`.
"""

from __future__ import annotations

from skycrane.contract.declare import Field, Key

MAX_CLUSTERS = 4
"""Parachute clusters per mission (Orion: forward-bay-cover chutes fly with their cover;
drogues, pilots and mains are three)."""
MAX_REEF = 2
"""Reefed stages per cluster before the canopies open fully (CPAS mains: two, EARTH.md 1.5)."""
REEF_AXES = "".join(str(k + 1) for k in range(MAX_REEF))

CLUSTER_ROWS = (
    Field("CL_COUNT", "-", "canopies in the cluster", Key("parachute_clusters.*.count")),
    Field(
        "CL_S0_M2",
        "m^2",
        "nominal area of one canopy, pi/4 D0^2",
        Key("parachute_clusters.*.diameter_m"),
    ),
    Field("CL_D0_M", "m", "nominal diameter of one canopy", Key("parachute_clusters.*.diameter_m")),
    Field(
        "CL_CD",
        "-",
        "drag coefficient of one fully open canopy on S0",
        Key("parachute_clusters.*.drag_coefficient"),
    ),
    Field(
        "CL_CLUSTER_FACTOR",
        "-",
        "drag of the cluster over count times one canopy's",
        Key("parachute_clusters.*.cluster_drag_factor"),
    ),
    Field(
        "CL_T_LS_S",
        "s",
        "deploy command to line stretch",
        Key("parachute_clusters.*.line_stretch_s"),
    ),
    Field(
        "CL_NF",
        "-",
        "fill distance in stage diameters: t_fill = n_f D_stage / V_ls",
        Key("parachute_clusters.*.inflation_diameters"),
    ),
    Field(
        "CL_K",
        "-",
        "exponent of the drag-area growth through a fill",
        Key("parachute_clusters.*.inflation_exponent"),
    ),
    Field(
        "CL_N_REEF", "-", "reefed stages before full opening", Key("parachute_clusters.*.reefing")
    ),
    Field(
        "CL_REEF_FRAC",
        "-",
        "drag area of each reefed stage over the full drag area",
        Key("parachute_clusters.*.reefing"),
        axes=REEF_AXES,
    ),
    Field(
        "CL_REEF_T",
        "s",
        "time from line stretch at which each reefed stage is cut (disreef)",
        Key("parachute_clusters.*.reefing"),
        axes=REEF_AXES,
    ),
)
