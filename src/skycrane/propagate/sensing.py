"""What the flight software is given: the SENSED bundle, built from truth plus the case's errors.

Guidance (skycrane.guidance.cycles) never sees the true state. Right before
each cycle the kernel fills ``sensed[N_SENSED]`` (contract.fields.SENSED,
``SN_*``) here: the navigated position is the true one plus the case's
navigation error (M_NAV_*, GUIDANCE.md 1.1; reset by terrain-relative
navigation and radar lock in the sequence), the velocity is the true one,
the drag acceleration is the accelerometers'; the onboard gravity model and
the ground-track azimuth are evaluated at the vehicle; the mass estimate is
the descent stage's and the rover's until the bridles are cut (GUIDANCE.md
3.3): flight software does not sense the wheels touching, only the throttle
its own loop then commands.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH
from skycrane.contract.layout import (
    A_DRAG_ACCEL_M_S2,
    M_NAV_X,
    M_NAV_Y,
    M_NAV_Z,
    M_ROVER_ON,
    P_PD0,
    PDP_DRY_MASS_KG,
    PDP_ROVER_MASS_KG,
    S_MASS,
    SN_DRAG_ACCEL_M_S2,
    SN_GRAVITY_PF_M_S2_X,
    SN_GRAVITY_PF_M_S2_Y,
    SN_GRAVITY_PF_M_S2_Z,
    SN_MASS_EST_KG,
    SN_NAV_POS_PF_M_X,
    SN_NAV_POS_PF_M_Y,
    SN_NAV_POS_PF_M_Z,
    SN_NAV_VEL_PF_M_S_X,
    SN_NAV_VEL_PF_M_S_Y,
    SN_NAV_VEL_PF_M_S_Z,
    SN_PROPELLANT_KG,
    SN_TRACK_AZIMUTH_RAD,
)
from skycrane.guidance.cycles import local_frame
from skycrane.planets.constants import PC_A, PC_J2, PC_MU, PC_OMEGA
from skycrane.planets.gravity import gravity_j2


@numba.njit(**SCALAR_INLINE)
def navigated_position_pf_m(y, mem):
    """Navigated position r_pf [m]: the true position plus the case's navigation error."""
    return y[0] + mem[M_NAV_X], y[1] + mem[M_NAV_Y], y[2] + mem[M_NAV_Z]


@numba.njit(**STEP_PATH)
def track_azimuth_rad(y):
    """Azimuth of the horizontal velocity at the vehicle, clockwise from north [rad]."""
    _ux, _uy, _uz, ex, ey, ez, nx, ny, nz = local_frame(y[0], y[1], y[2])
    return math.atan2(y[3] * ex + y[4] * ey + y[5] * ez, y[3] * nx + y[4] * ny + y[5] * nz)


@numba.njit(**STEP_PATH)
def sense_navigation(y, aux, mem, sensed):
    """Fill the navigated position and velocity and the sensed drag: all entry guidance reads."""
    x, yy, z = navigated_position_pf_m(y, mem)
    sensed[SN_NAV_POS_PF_M_X] = x
    sensed[SN_NAV_POS_PF_M_Y] = yy
    sensed[SN_NAV_POS_PF_M_Z] = z
    sensed[SN_NAV_VEL_PF_M_S_X] = y[3]
    sensed[SN_NAV_VEL_PF_M_S_Y] = y[4]
    sensed[SN_NAV_VEL_PF_M_S_Z] = y[5]
    sensed[SN_DRAG_ACCEL_M_S2] = aux[A_DRAG_ACCEL_M_S2]


@numba.njit(**STEP_PATH)
def sense(y, aux, p, mem, model_planet, sensed):
    """Fill all of ``sensed`` (SN_*) for a powered-descent cycle at state ``y``, derived ``aux``.

    :func:`sense_navigation`, plus the onboard gravity model, the ground-track
    azimuth and the mass bookkeeping that only powered descent reads (the 1 Hz
    entry cycles need none of them, so they are not computed there).
    """
    sense_navigation(y, aux, mem, sensed)
    omega = model_planet[PC_OMEGA]
    mu, a_eq, j2 = model_planet[PC_MU], model_planet[PC_A], model_planet[PC_J2]
    gx, gy, gz = gravity_j2(y[0], y[1], y[2], mu, a_eq, j2)
    sensed[SN_GRAVITY_PF_M_S2_X] = gx + omega * omega * y[0]
    sensed[SN_GRAVITY_PF_M_S2_Y] = gy + omega * omega * y[1]
    sensed[SN_GRAVITY_PF_M_S2_Z] = gz
    sensed[SN_TRACK_AZIMUTH_RAD] = track_azimuth_rad(y)
    sensed[SN_MASS_EST_KG] = y[S_MASS]  # the rover's mass leaves the state at the cut
    sensed[SN_PROPELLANT_KG] = (
        y[S_MASS]
        - p[P_PD0 + PDP_DRY_MASS_KG]
        - (p[P_PD0 + PDP_ROVER_MASS_KG] if mem[M_ROVER_ON] > 0.0 else 0.0)
    )
