"""Equations of translational motion in the planet-fixed rotating frame.

For position r and planet-relative velocity v in planet-fixed axes rotating at
omega about +z (the transport theorem applied twice; this is the formulation
flown by NASA's flight-simulation check-cases, NASA/TM-2015-218675):

    dr/dt = v
    dv/dt = g_J2(r) - 2 omega x v - omega x (omega x r) + a_aero

The aerodynamic acceleration acts on the air-relative velocity
v_air = v - w(h), w being the wind (air-mass velocity over the ground):

    a_aero = q S / m * (-C_D v_hat + C_L l_hat),   q = rho |v_air|^2 / 2

with the lift direction l_hat obtained by rotating the "lift-up" unit vector
(local vertical projected normal to v_hat) by the bank angle sigma about v_hat;
positive bank tilts the lift to the right of the flight direction.
The stagnation heat load integrates the Sutton–Graves heat rate.
"""

from __future__ import annotations

import math

import numba

from skycrane.atmosphere.table import atmosphere_at
from skycrane.atmosphere.wind import wind_at
from skycrane.planets.geodesy import altitude_m, pf_to_lla
from skycrane.planets.gravity import gravity_j2
from skycrane.propagate.layout import (
    A_AERO_ACCEL_M_S2,
    A_AIRSPEED_M_S,
    A_ALT_M,
    A_DYN_PRESSURE_PA,
    A_HEAT_RATE_W_M2,
    A_MACH,
    A_SPEED_M_S,
    P_AERO_TABLE,
    P_BANK_RAD,
    P_CD_SCALE,
    P_CL_SCALE,
    P_DENSITY_SCALE,
    P_HEAT_K,
    P_NOSE_RADIUS_M,
    P_REF_AREA_M2,
    S_HEAT_LOAD,
    S_MASS,
)
from skycrane.vehicle.aerodynamics import aero_coefficients


@numba.njit(cache=True, nogil=True, inline="always")
def rhs(t, y, p, model, dy, aux):
    """Time derivative ``dy`` of state ``y`` and derived quantities ``aux``.

    Parameters
    ----------
    t : float
        Time [s] (the model is autonomous; kept for the integrator's signature).
    y : float64[N_STATE]
        State (layout.S_*), planet-fixed, SI.
    p : float64[N_PARAMS]
        This case's parameters (layout.P_*).
    model : tuple
        Shared tables, see :func:`skycrane.propagate.kernel.build_model`.
    dy, aux : float64 arrays
        Outputs: derivative (N_STATE) and derived quantities (N_AUX).
    """
    (
        planet,
        atm_h,
        atm_lnrho,
        atm_lnp,
        atm_t,
        gamma,
        wind_on,
        wind_h,
        wind_e,
        wind_n,
        aero_mach,
        aero_cd,
        aero_cl,
        aero_n,
    ) = model
    mu = planet[0]
    a_eq = planet[1]
    b_pol = planet[2]
    j2 = planet[3]
    omega = planet[4]
    conv = planet[5]

    x = y[0]
    yy = y[1]
    z = y[2]
    vx = y[3]
    vy = y[4]
    vz = y[5]
    mass = y[S_MASS]

    wx = 0.0
    wy = 0.0
    wz = 0.0
    if wind_on:
        lat, lon, alt = pf_to_lla(x, yy, z, a_eq, b_pol, conv)
        w_east, w_north = wind_at(alt, wind_h, wind_e, wind_n)
        sl = math.sin(lat)
        cl = math.cos(lat)
        so = math.sin(lon)
        co = math.cos(lon)
        wx = -so * w_east - sl * co * w_north
        wy = co * w_east - sl * so * w_north
        wz = cl * w_north
    else:
        alt = altitude_m(x, yy, z, a_eq, b_pol, conv)

    rho, _p, _temp, sound = atmosphere_at(alt, atm_h, atm_lnrho, atm_lnp, atm_t, gamma)
    rho *= p[P_DENSITY_SCALE]

    ux = vx - wx
    uy = vy - wy
    uz = vz - wz
    airspeed = math.sqrt(ux * ux + uy * uy + uz * uz)
    mach = airspeed / sound
    qbar = 0.5 * rho * airspeed * airspeed

    cd, clift = aero_coefficients(mach, int(p[P_AERO_TABLE]), aero_mach, aero_cd, aero_cl, aero_n)
    cd *= p[P_CD_SCALE]
    clift *= p[P_CL_SCALE]
    qs_m = qbar * p[P_REF_AREA_M2] / mass

    ax = 0.0
    ay = 0.0
    az = 0.0
    if airspeed > 0.0:
        inv = 1.0 / airspeed
        hx = ux * inv
        hy = uy * inv
        hz = uz * inv
        drag = qs_m * cd
        ax = -drag * hx
        ay = -drag * hy
        az = -drag * hz
        lift = qs_m * clift
        if lift != 0.0:
            r = math.sqrt(x * x + yy * yy + z * z)
            rx = x / r
            ry = yy / r
            rz = z / r
            d = rx * hx + ry * hy + rz * hz
            lx = rx - d * hx
            ly = ry - d * hy
            lz = rz - d * hz
            ln = math.sqrt(lx * lx + ly * ly + lz * lz)
            if ln > 1e-9:  # lift is undefined in exactly vertical flight
                lx /= ln
                ly /= ln
                lz /= ln
                # right = v_hat x lift_up
                qx = hy * lz - hz * ly
                qy = hz * lx - hx * lz
                qz = hx * ly - hy * lx
                cb = math.cos(p[P_BANK_RAD])
                sb = math.sin(p[P_BANK_RAD])
                ax += lift * (cb * lx + sb * qx)
                ay += lift * (cb * ly + sb * qy)
                az += lift * (cb * lz + sb * qz)

    gx, gy, gz = gravity_j2(x, yy, z, mu, a_eq, j2)
    w2 = omega * omega
    dy[0] = vx
    dy[1] = vy
    dy[2] = vz
    dy[3] = gx + 2.0 * omega * vy + w2 * x + ax
    dy[4] = gy - 2.0 * omega * vx + w2 * yy + ay
    dy[5] = gz + az
    dy[S_MASS] = 0.0
    heat = p[P_HEAT_K] * math.sqrt(rho / p[P_NOSE_RADIUS_M]) * airspeed**3
    dy[S_HEAT_LOAD] = heat

    aux[A_ALT_M] = alt
    aux[A_AIRSPEED_M_S] = airspeed
    aux[A_MACH] = mach
    aux[A_DYN_PRESSURE_PA] = qbar
    aux[A_HEAT_RATE_W_M2] = heat
    aux[A_AERO_ACCEL_M_S2] = math.sqrt(ax * ax + ay * ay + az * az)
    aux[A_SPEED_M_S] = math.sqrt(vx * vx + vy * vy + vz * vz)
