"""What the flight software is given: the SENSED bundle, built from truth plus the case's errors.

Guidance (skycrane.guidance.cycles) never sees the true state. Right before
each cycle the kernel brings the navigation errors up to date
(skycrane.propagate.navigation: IMU error growth since the last update, the
radar's blend once it has locked) and fills ``sensed[N_SENSED]``
(contract.fields.SENSED, ``SN_*``) here: the navigated position and velocity
are the true ones plus the errors (M_NAV_*, M_NAV_VEL_*), the drag
acceleration is the accelerometers'; the onboard gravity model and the
ground-track azimuth are evaluated on the navigated state; the mass estimate
is the descent stage's and the rover's until the bridles are cut (GUIDANCE.md
3.3): flight software does not sense the wheels touching, only the throttle
its own loop then commands.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR_INLINE, STEP_PATH
from skycrane.contract.layout import (
    A_DRAG_ACCEL_M_S2,
    M_NAV_VEL_X,
    M_NAV_VEL_Y,
    M_NAV_VEL_Z,
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
    SN_SPECIFIC_FORCE_PF_M_S2_X,
    SN_SPECIFIC_FORCE_PF_M_S2_Y,
    SN_SPECIFIC_FORCE_PF_M_S2_Z,
    SN_TRACK_AZIMUTH_RAD,
)
from skycrane.guidance.cycles import local_frame
from skycrane.planets.constants import PC_A, PC_J2, PC_MU, PC_OMEGA
from skycrane.planets.gravity import gravity_j2
from skycrane.propagate.navigation import accelerometer_reading_pf, navigation_update


@numba.njit(**SCALAR_INLINE)
def navigated_position_pf_m(y, mem):
    """Navigated position r_pf [m]: the true position plus the case's navigation error."""
    return y[0] + mem[M_NAV_X], y[1] + mem[M_NAV_Y], y[2] + mem[M_NAV_Z]


@numba.njit(**SCALAR_INLINE)
def navigated_velocity_pf_m_s(y, mem):
    """Navigated velocity v_pf [m/s]: the true velocity plus the case's velocity error."""
    return y[3] + mem[M_NAV_VEL_X], y[4] + mem[M_NAV_VEL_Y], y[5] + mem[M_NAV_VEL_Z]


@numba.njit(**STEP_PATH)
def track_azimuth_rad(x, yy, z, vx, vy, vz):
    """Azimuth of the horizontal velocity (vx, vy, vz) at (x, yy, z), clockwise from north [rad]."""
    _ux, _uy, _uz, ex, ey, ez, nx, ny, nz = local_frame(x, yy, z)
    return math.atan2(vx * ex + vy * ey + vz * ez, vx * nx + vy * ny + vz * nz)


@numba.njit(**STEP_PATH)
def sense_navigation(t, y, f, aux, p, mem, model_planet, sensed):
    """Bring the navigation errors to ``t``, then fill the navigated position and velocity and the
    sensed drag: all entry guidance reads. ``f`` is dy/dt at ``y`` (the accelerometers' input).
    """
    navigation_update(t, y, f, aux, p, mem, model_planet)
    x, yy, z = navigated_position_pf_m(y, mem)
    vx, vy, vz = navigated_velocity_pf_m_s(y, mem)
    sensed[SN_NAV_POS_PF_M_X] = x
    sensed[SN_NAV_POS_PF_M_Y] = yy
    sensed[SN_NAV_POS_PF_M_Z] = z
    sensed[SN_NAV_VEL_PF_M_S_X] = vx
    sensed[SN_NAV_VEL_PF_M_S_Y] = vy
    sensed[SN_NAV_VEL_PF_M_S_Z] = vz
    sensed[SN_DRAG_ACCEL_M_S2] = aux[A_DRAG_ACCEL_M_S2]


@numba.njit(**STEP_PATH)
def sense(t, y, f, aux, p, mem, model_planet, sensed):
    """Fill all of ``sensed`` (SN_*) for a powered-descent cycle at t, state ``y``, derived ``aux``.

    :func:`sense_navigation`, plus the onboard gravity model and the ground-track
    azimuth on the navigated state, the accelerometers' specific force and the
    mass bookkeeping that only powered descent reads (the 1 Hz entry cycles need
    none of them, so they are not computed there).
    """
    sense_navigation(t, y, f, aux, p, mem, model_planet, sensed)
    x = sensed[SN_NAV_POS_PF_M_X]
    yy = sensed[SN_NAV_POS_PF_M_Y]
    z = sensed[SN_NAV_POS_PF_M_Z]
    omega = model_planet[PC_OMEGA]
    mu, a_eq, j2 = model_planet[PC_MU], model_planet[PC_A], model_planet[PC_J2]
    gx, gy, gz = gravity_j2(x, yy, z, mu, a_eq, j2)
    sensed[SN_GRAVITY_PF_M_S2_X] = gx + omega * omega * x
    sensed[SN_GRAVITY_PF_M_S2_Y] = gy + omega * omega * yy
    sensed[SN_GRAVITY_PF_M_S2_Z] = gz
    sensed[SN_TRACK_AZIMUTH_RAD] = track_azimuth_rad(
        x,
        yy,
        z,
        sensed[SN_NAV_VEL_PF_M_S_X],
        sensed[SN_NAV_VEL_PF_M_S_Y],
        sensed[SN_NAV_VEL_PF_M_S_Z],
    )
    sx, sy, sz = accelerometer_reading_pf(y, f, p, model_planet)
    sensed[SN_SPECIFIC_FORCE_PF_M_S2_X] = sx
    sensed[SN_SPECIFIC_FORCE_PF_M_S2_Y] = sy
    sensed[SN_SPECIFIC_FORCE_PF_M_S2_Z] = sz
    sensed[SN_MASS_EST_KG] = y[S_MASS]  # the rover's mass leaves the state at the cut
    sensed[SN_PROPELLANT_KG] = (
        y[S_MASS]
        - p[P_PD0 + PDP_DRY_MASS_KG]
        - (p[P_PD0 + PDP_ROVER_MASS_KG] if mem[M_ROVER_ON] > 0.0 else 0.0)
    )
