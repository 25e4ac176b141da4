"""Parachute clusters opened in reefed stages: a capsule's drogues and mains.

A cluster is ``count`` identical canopies of nominal diameter D0 deployed
together (Orion: two drogues, three pilots, three mains; EARTH.md 1.5). Its full
drag area is ``count * C_D * S0 * f_cluster``, with ``f_cluster`` the cluster's
drag over that of as many lone canopies (canopies in a cluster interfere and
lose drag, Knacke, *Parachute Recovery Systems Design Manual*, 1992, sec. 5.8).

Reefing holds the canopy's skirt closed by a line that cutters sever at set
times after line stretch: each reefed stage j holds a fraction A_j of the full
drag area until its disreef time T_j, then the canopy fills to the next stage
(Knacke sec. 5.7; the CPAS model of Ray & Machín, "Simulation Model for the
Orion Capsule Parachute Assembly System", AIAA 2013-1260). Each fill follows the
power law of the disk-gap-band model (skycrane.vehicle.parachute):

    C_D S(t) = [A_{j-1} + (A_j - A_{j-1}) min(1, (t - T_{j-1}) / t_fill,j)^k] C_D S_full

from line stretch (T_{-1} = 0, A_{-1} = 0), with the fill time t_fill,j =
n_f D_j / V_ls, Knacke's fill distance of n_f diameters of the stage's own
diameter D_j = D0 sqrt(A_j) (the final stage: D0), flown at the line-stretch
airspeed V_ls. Model limits (R): one fill constant per cluster; each fill
timed at the line-stretch airspeed although the cluster has slowed by its
disreef (the fill is then shorter than it would be); subsonic canopies, C_D
constant with Mach; no opening overshoot; a stage is taken to have filled
before it is disreefed.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR
from skycrane.contract.layout import (
    CL_CD,
    CL_CLUSTER_FACTOR,
    CL_COUNT,
    CL_D0_M,
    CL_K,
    CL_N_REEF,
    CL_NF,
    CL_REEF_FRAC_1,
    CL_REEF_T_1,
    CL_S0_M2,
    CL_T_LS_S,
)


@numba.njit(**SCALAR)
def full_drag_area_m2(table, c):
    """Drag area of cluster ``c`` (a column of ``table``) fully open [m^2]."""
    return table[CL_COUNT, c] * table[CL_CD, c] * table[CL_S0_M2, c] * table[CL_CLUSTER_FACTOR, c]


@numba.njit(**SCALAR)
def stage_fraction(t_since_deploy_s, v_ls_m_s, table, c):
    """Share of the full drag area cluster ``c`` has open ``t_since_deploy_s`` after deploy.

    NaN (not deployed, or released) gives 0. Non-decreasing in time and continuous
    while each stage fills before its disreef (module docstring).
    """
    if math.isnan(t_since_deploy_s):
        return 0.0
    t = t_since_deploy_s - table[CL_T_LS_S, c]
    if t <= 0.0:
        return 0.0
    n_reef = int(table[CL_N_REEF, c])
    previous = 0.0
    start = 0.0
    j = 0
    while j < n_reef and t >= table[CL_REEF_T_1 + j, c]:
        previous = table[CL_REEF_FRAC_1 + j, c]
        start = table[CL_REEF_T_1 + j, c]
        j += 1
    stage = table[CL_REEF_FRAC_1 + j, c] if j < n_reef else 1.0
    t_fill = table[CL_NF, c] * table[CL_D0_M, c] * math.sqrt(stage) / max(v_ls_m_s, 1.0)
    tau = min(1.0, (t - start) / t_fill)
    return previous + (stage - previous) * tau ** table[CL_K, c]


@numba.njit(**SCALAR)
def cluster_drag_area_m2(t_since_deploy_s, v_ls_m_s, table, c):
    """Drag area C_D S [m^2] of cluster ``c`` ``t_since_deploy_s`` after its deploy command."""
    return stage_fraction(t_since_deploy_s, v_ls_m_s, table, c) * full_drag_area_m2(table, c)
