"""The predictor of the skip-entry guidance: a 3-DOF point mass flown to the final energy.

FNPEG's predictor (Lu, "Entry Guidance: A Unified Method", J. Guidance
Control Dyn. 37(3), 2014, 713-728, section II and eqs. 1-6 there in
spherical form): from the navigated state, integrate the point-mass
equations over a rotating planet with the bank magnitude linear in energy
(Lu 2014, eq. 23),

    |sigma(e)| = sigma_0 + (sigma_f - sigma_0) (e - e_0) / (e_f - e_0),
    e = mu / r - V^2 / 2,

until e reaches e_f, and report the downrange still to go to the target.
Here the equations are written in Cartesian planet-fixed form, which has no
singularity at the poles or at vertical flight:

    r'' = g(r) - 2 w x r' - w x (w x r) - D v_hat + (L/D) D l_hat,
    D = rho_ratio rho(h) V^2 / (2 beta),
    l_hat = cos(sigma) v_hat x n_hat - sin(sigma) n_hat,  n_hat = unit(r x v),

with g(r) point mass plus the J2 zonal term (the standard form; Vallado,
Fundamentals of Astrodynamics and Applications, 4th ed., ch. 8) and rho(h)
the guidance's own table, log-linear between nodes. A skip's exo-atmospheric
loft is the same equations with D ~ 0, integrated with a longer step.
Without drag the Jacobi integral
C = V^2/2 - U(r) - |w x r|^2/2 is conserved (an invariant the tests check).

The integration is classical RK4 at a fixed step, as FNPEG's flight
implementation (Johnson, Lu & Stachowiak, "Automated Re-entry System using
FNPEG", NTRS 20160014029, 2016). Every prediction is bounded in steps and
time and returns an outcome code (``PRED_*``) instead of raising.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR, SCALAR_INLINE, STEP_PATH
from skycrane.guidance.skip_layout import (
    MODE_DIRECT,
    PRED_CAPTURED,
    PRED_DIRECT_LOFT,
    PRED_ESCAPE,
    PRED_INVALID,
    PRED_OK,
    PRED_TIMEOUT,
    RATIO_BIN_M,
    SP_BETA_KG_M2,
    SP_DIRECT_DRAG_MIN_M_S2,
    SP_DT_ATM_S,
    SP_DT_COAST_S,
    SP_FLATTENING,
    SP_H_ATM_M,
    SP_H_F_M,
    SP_J2,
    SP_MODE,
    SP_MU,
    SP_OMEGA_RAD_S,
    SP_R_EQ_M,
    SP_R_SURFACE_M,
    SP_RATIO_CORR_M,
    SP_SIGMA_F_RAD,
    SP_SIGMA_MAX_RAD,
    SP_T_MAX_S,
    SP_V_F_M_S,
)

__all__ = [
    "altitude_m",
    "bank_profile_rad",
    "field_accel_m_s2",
    "final_energy_j_kg",
    "guidance_density",
    "jacobi_energy_j_kg",
    "predict",
    "profile_ratio",
    "rk4_step",
    "surface_arc_m",
]


@numba.njit(**SCALAR_INLINE)
def guidance_density(h_m, h_tab, ln_rho_tab):
    """The guidance's density model at altitude h [kg/m^3].

    ln(rho) linear in altitude between the nodes ``h_tab`` (ascending, m) and
    extrapolated along the end segments, so a two-node table is an exact
    exponential atmosphere.
    """
    n = h_tab.shape[0]
    if h_m <= h_tab[0]:
        k = 0
    elif h_m >= h_tab[n - 1]:
        k = n - 2
    else:
        lo, hi = 0, n - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if h_tab[mid] <= h_m:
                lo = mid
            else:
                hi = mid
        k = lo
    w = (h_m - h_tab[k]) / (h_tab[k + 1] - h_tab[k])
    return math.exp((1.0 - w) * ln_rho_tab[k] + w * ln_rho_tab[k + 1])


@numba.njit(**SCALAR_INLINE)
def _bin_ratio(j, ratio, profile, ground_m, p):
    """Ratio of bin j of ``profile`` where the ground distance flown is ``ground_m``.

    The bin's mean blended toward ``ratio`` with the weight exp(-d / L), d the ground
    distance from where the bin was measured (its samples' mean) and L SP_RATIO_CORR_M:
    the correlation of an exponentially (first-order Gauss-Markov) correlated
    perturbation over d. ``ratio`` itself if the bin holds no sample or L <= 0.
    """
    n_bins = (profile.shape[0] - 1) // 3
    corr_m = p[SP_RATIO_CORR_M]
    if not (0 <= j < n_bins and profile[1 + n_bins + j] > 0.0 and corr_m > 0.0):
        return ratio
    d = abs(ground_m - profile[1 + 2 * n_bins + j])
    w = math.exp(-d / corr_m) if math.isfinite(d) else 0.0
    return ratio + w * (profile[1 + j] - ratio)


@numba.njit(**SCALAR_INLINE)
def profile_ratio(h_m, ratio, profile, ground_m, p):
    """Density ratio the predictor flies at altitude h: the measured profile, else ``ratio``.

    ``profile`` is the guidance memory's block from SM_GROUND_M (PROFILE_SIZE
    slots): the ground distance flown, then per altitude bin of RATIO_BIN_M the
    mean sensed/modelled drag ratio, the sample count and the mean ground
    distance of the samples (skip.density_profile_update). ``ground_m`` is the
    ground distance at the predicted point. Between bin centres the ratio is
    linear; a bin not flown through takes the current filtered ratio (FNPEG's
    single ratio, Lu et al. 2017), which it also is everywhere before any
    sample. So a bias that holds at every altitude is flown as the single ratio
    flies it, while a layer measured on the way down is flown again, at its own
    value, on the way up and in the second entry, believed less the further the
    air lies from where it was measured (:func:`_bin_ratio`).
    """
    u = h_m / RATIO_BIN_M - 0.5
    if not math.isfinite(u):
        return ratio
    j = math.floor(u)
    w = u - j
    j = int(j)
    low = _bin_ratio(j, ratio, profile, ground_m, p)
    return (1.0 - w) * low + w * _bin_ratio(j + 1, ratio, profile, ground_m, p)


@numba.njit(**SCALAR_INLINE)
def surface_arc_m(x0, y0, z0, x1, y1, z1, p):
    """Ground distance between two planet-fixed positions: SP_R_SURFACE_M times their angle [m]."""
    cx = y0 * z1 - z0 * y1
    cy = z0 * x1 - x0 * z1
    cz = x0 * y1 - y0 * x1
    dot = x0 * x1 + y0 * y1 + z0 * z1
    return p[SP_R_SURFACE_M] * math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), dot)


@numba.njit(**SCALAR_INLINE)
def altitude_m(x, y, z, p):
    """Altitude above the surface r_s = a (1 - f sin^2(phi')), phi' geocentric latitude [m].

    The first-order ellipse radius (a = SP_R_SURFACE_M, f = SP_FLATTENING),
    measured along the radius: within 50 m of the geodetic altitude on WGS-84
    up to 150 km (tested); exact for a sphere (f = 0).
    """
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    return r - p[SP_R_SURFACE_M] * (1.0 - p[SP_FLATTENING] * z * z / r2)


@numba.njit(**SCALAR_INLINE)
def bank_profile_rad(e_j_kg, e0_j_kg, ef_j_kg, sigma0_rad, p):
    """Bank magnitude linear in energy from sigma_0 at e_0 to sigma_f at e_f (Lu 2014, eq. 23).

    Clipped to [0, SP_SIGMA_MAX_RAD]; sigma_f once e_f - e_0 is not positive.
    """
    sigma_f = p[SP_SIGMA_F_RAD]
    span = ef_j_kg - e0_j_kg
    if span <= 0.0:
        s = sigma_f
    else:
        s = sigma0_rad + (sigma_f - sigma0_rad) * (e_j_kg - e0_j_kg) / span
    return min(max(s, 0.0), p[SP_SIGMA_MAX_RAD])


@numba.njit(**SCALAR_INLINE)
def final_energy_j_kg(p):
    """e_f = mu / (R + h_f) - V_f^2 / 2, the energy at which a prediction ends [J/kg]."""
    return p[SP_MU] / (p[SP_R_SURFACE_M] + p[SP_H_F_M]) - 0.5 * p[SP_V_F_M_S] ** 2


@numba.njit(**SCALAR)
def jacobi_energy_j_kg(x, y, z, vx, vy, vz, p):
    """Jacobi integral V^2/2 - U - (w^2 (x^2 + y^2))/2 in the rotating frame [J/kg].

    U = mu/r [1 - (J2/2)(R_eq/r)^2 (3 z^2/r^2 - 1)], the potential of
    :func:`_accel`'s gravity. Conserved along a drag-free trajectory of :func:`rk4_step`
    up to the integrator's error.
    """
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    ratio2 = p[SP_R_EQ_M] ** 2 / r2
    u = p[SP_MU] / r * (1.0 - 0.5 * p[SP_J2] * ratio2 * (3.0 * z * z / r2 - 1.0))
    w = p[SP_OMEGA_RAD_S]
    return 0.5 * (vx * vx + vy * vy + vz * vz) - u - 0.5 * w * w * (x * x + y * y)


@numba.njit(**SCALAR_INLINE)
def _accel(s, rho_ratio, up_ld, side_ld, p, h_tab, ln_rho_tab):
    """Planet-fixed acceleration: gravity (J2), Coriolis, centrifugal, drag and lift [m/s^2].

    The lift is D (up_ld v_hat x n_hat - side_ld n_hat): up_ld = (L/D) cos(sigma),
    side_ld = (L/D) sin(sigma) (positive: to the right).
    """
    x, y, z, vx, vy, vz = s
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    mu_r3 = p[SP_MU] / (r2 * r)
    k = 1.5 * p[SP_J2] * p[SP_R_EQ_M] ** 2 / r2
    zz = 5.0 * z * z / r2
    gxy = -mu_r3 * (1.0 + k * (1.0 - zz))
    ax = gxy * x
    ay = gxy * y
    az = -mu_r3 * (1.0 + k * (3.0 - zz)) * z
    w = p[SP_OMEGA_RAD_S]
    ax += 2.0 * w * vy + w * w * x
    ay += -2.0 * w * vx + w * w * y
    if rho_ratio > 0.0:
        v2 = vx * vx + vy * vy + vz * vz
        v = math.sqrt(v2)
        rho = rho_ratio * guidance_density(altitude_m(x, y, z, p), h_tab, ln_rho_tab)
        drag = 0.5 * rho * v2 / p[SP_BETA_KG_M2]
        ux, uy, uz = vx / v, vy / v, vz / v
        # n = unit(r x v): to the left of the flight direction
        nx = y * vz - z * vy
        ny = z * vx - x * vz
        nz = x * vy - y * vx
        nn = math.sqrt(nx * nx + ny * ny + nz * nz)
        nx, ny, nz = nx / nn, ny / nn, nz / nn
        # v_hat x n_hat: up, normal to v in the vertical plane
        px = uy * nz - uz * ny
        py = uz * nx - ux * nz
        pz = ux * ny - uy * nx
        up, side = up_ld * drag, side_ld * drag
        ax += -drag * ux + up * px - side * nx
        ay += -drag * uy + up * py - side * ny
        az += -drag * uz + up * pz - side * nz
    return ax, ay, az


@numba.njit(**SCALAR_INLINE)
def field_accel_m_s2(s, p, h_tab, ln_rho_tab):
    """Planet-fixed acceleration without air: gravity (J2), Coriolis, centrifugal [m/s^2].

    :func:`_accel` with the drag and lift off (the table is not read); what a
    navigated velocity change holds besides the aerodynamic acceleration.
    """
    return _accel(s, 0.0, 0.0, 0.0, p, h_tab, ln_rho_tab)


@numba.njit(**SCALAR)
def rk4_step(s, dt_s, rho_ratio, up_ld, side_ld, p, h_tab, ln_rho_tab):
    """One classical RK4 step of the point mass; the lift components are held over the step.

    ``s`` is the tuple (x, y, z, vx, vy, vz), planet-fixed, m and m/s;
    ``rho_ratio`` scales the density table (0 switches drag and lift off);
    ``up_ld``, ``side_ld`` as in :func:`_accel`. Returns the new tuple.
    """
    x, y, z, vx, vy, vz = s
    a1x, a1y, a1z = _accel(s, rho_ratio, up_ld, side_ld, p, h_tab, ln_rho_tab)
    h2 = 0.5 * dt_s
    v2x, v2y, v2z = vx + h2 * a1x, vy + h2 * a1y, vz + h2 * a1z
    s2 = (x + h2 * vx, y + h2 * vy, z + h2 * vz, v2x, v2y, v2z)
    a2x, a2y, a2z = _accel(s2, rho_ratio, up_ld, side_ld, p, h_tab, ln_rho_tab)
    v3x, v3y, v3z = vx + h2 * a2x, vy + h2 * a2y, vz + h2 * a2z
    s3 = (x + h2 * v2x, y + h2 * v2y, z + h2 * v2z, v3x, v3y, v3z)
    a3x, a3y, a3z = _accel(s3, rho_ratio, up_ld, side_ld, p, h_tab, ln_rho_tab)
    v4x, v4y, v4z = vx + dt_s * a3x, vy + dt_s * a3y, vz + dt_s * a3z
    s4 = (x + dt_s * v3x, y + dt_s * v3y, z + dt_s * v3z, v4x, v4y, v4z)
    a4x, a4y, a4z = _accel(s4, rho_ratio, up_ld, side_ld, p, h_tab, ln_rho_tab)
    c = dt_s / 6.0
    return (
        x + c * (vx + 2.0 * v2x + 2.0 * v3x + v4x),
        y + c * (vy + 2.0 * v2y + 2.0 * v3y + v4y),
        z + c * (vz + 2.0 * v2z + 2.0 * v3z + v4z),
        vx + c * (a1x + 2.0 * a2x + 2.0 * a3x + a4x),
        vy + c * (a1y + 2.0 * a2y + 2.0 * a3y + a4y),
        vz + c * (a1z + 2.0 * a2z + 2.0 * a3z + a4z),
    )


@numba.njit(**SCALAR_INLINE)
def _miss_m(x, y, z, vx, vy, vz, tgt_unit_pf, radius_m):
    """Signed downrange and crossrange from the vehicle to the target [m].

    Downrange R * atan2(t . h_hat, t . r_hat), h_hat the unit horizontal
    velocity: the target's angle from the vehicle in the plane of the flight;
    negative once overshot. Crossrange R * asin(t . n_hat), n_hat =
    unit(r x v): positive with the target to the left (the sign of
    :func:`~skycrane.guidance.entry.target_geometry`'s chi).
    """
    r = math.sqrt(x * x + y * y + z * z)
    ux, uy, uz = x / r, y / r, z / r
    vr = vx * ux + vy * uy + vz * uz
    hx, hy, hz = vx - vr * ux, vy - vr * uy, vz - vr * uz
    hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    tx, ty, tz = tgt_unit_pf[0], tgt_unit_pf[1], tgt_unit_pf[2]
    along = (tx * hx + ty * hy + tz * hz) / hn
    # n_hat = r_hat x h_hat / |h|: left of the flight direction
    nx = (uy * hz - uz * hy) / hn
    ny = (uz * hx - ux * hz) / hn
    nz = (ux * hy - uy * hx) / hn
    cross = min(max(tx * nx + ty * ny + tz * nz, -1.0), 1.0)
    return radius_m * math.atan2(along, tx * ux + ty * uy + tz * uz), radius_m * math.asin(cross)


@numba.njit(**SCALAR_INLINE)
def leaves_for_good(x, y, z, vx, vy, vz, p):
    """PRED_ESCAPE / PRED_CAPTURED for a climbing state above the atmosphere, else PRED_OK.

    The inertial velocity is v + w x r. Escape: specific energy
    v_i^2/2 - mu/r >= 0. Captured: the osculating perigee
    r_p = (h^2/mu) / (1 + e) lies above SP_H_ATM (two-body conic relations,
    h = r x v_i, e = sqrt(1 + 2 eps h^2 / mu^2)).
    """
    w = p[SP_OMEGA_RAD_S]
    vix, viy, viz = vx - w * y, vy + w * x, vz
    r = math.sqrt(x * x + y * y + z * z)
    mu = p[SP_MU]
    eps = 0.5 * (vix * vix + viy * viy + viz * viz) - mu / r
    if eps >= 0.0:
        return PRED_ESCAPE
    hx = y * viz - z * viy
    hy = z * vix - x * viz
    hz = x * viy - y * vix
    h2 = hx * hx + hy * hy + hz * hz
    ecc = math.sqrt(max(0.0, 1.0 + 2.0 * eps * h2 / (mu * mu)))
    if h2 / mu / (1.0 + ecc) > p[SP_R_SURFACE_M] + p[SP_H_ATM_M]:
        return PRED_CAPTURED
    return PRED_OK


@numba.njit(**STEP_PATH)
def predict(
    state_pf,
    sigma0_rad,
    lift_sign,
    rho_ratio,
    profile,
    lift_to_drag,
    tgt_unit_pf,
    p,
    h_tab,
    ln_rho_tab,
):
    """Fly the linear-in-energy bank profile from ``state_pf`` to the final energy.

    Parameters
    ----------
    state_pf : float64[6]
        Navigated position (m) and planet-relative velocity (m/s), planet-fixed.
    sigma0_rad : float
        Bank magnitude now, sigma_0 of Lu 2014 eq. 23, rad.
    lift_sign : float
        +1 (lift right) or -1 (lift left) for the whole prediction, or 0: no
        lateral lift, the vertical component (L/D) cos(sigma) only. The
        guidance predicts with 0: its lateral logic reverses the bank so as
        to keep the target inside the corridor, so the lateral lift averages
        out over the flight, whereas one side held for the whole prediction
        turns the predicted track away from the target (at sigma near 90 deg
        by hundreds of km) and biases the downrange short.
    rho_ratio : float
        Scale on the density table (the filtered sensed/modelled drag ratio)
        where ``profile`` has no measurement.
    profile : float64[PROFILE_SIZE]
        The measured density-ratio profile (:func:`profile_ratio`), held over
        each RK4 step at its start altitude and ground distance (the first
        slot, now, plus the arc flown); all counts 0: ``rho_ratio`` at every
        altitude.
    lift_to_drag : float
        L/D flown: the guidance's estimate (``SM_LD_EST``) or, before one, SP_LD.
    tgt_unit_pf : float64[3]
        Unit vector to the target, planet-fixed.
    p : float64[N_SKIP_PARAMS]
        ``SP_*`` parameters.
    h_tab, ln_rho_tab : float64[n]
        The guidance's density table: altitude nodes (m, ascending) and ln
        density (kg/m^3).

    Returns
    -------
    miss_m : float
        Downrange still to go at e_f, m (positive: short of the target,
        negative: past it); 0 unless the outcome is PRED_OK.
    outcome : int
        ``PRED_*``.
    time_s : float
        Predicted time to e_f (or to the outcome), s.
    crossrange_m : float
        Crossrange to the target at e_f, m (positive: target to the left);
        0 unless PRED_OK.
    """
    x, y, z = state_pf[0], state_pf[1], state_pf[2]
    vx, vy, vz = state_pf[3], state_pf[4], state_pf[5]
    radius = p[SP_R_SURFACE_M]
    mu = p[SP_MU]
    ef = final_energy_j_kg(p)
    r = math.sqrt(x * x + y * y + z * z)
    v2 = vx * vx + vy * vy + vz * vz
    e0 = mu / r - 0.5 * v2
    if not (math.isfinite(e0) and math.isfinite(sigma0_rad) and r > 0.0 and v2 > 0.0):
        return 0.0, PRED_INVALID, 0.0, 0.0
    direct = p[SP_MODE] == MODE_DIRECT
    drag_min = p[SP_DIRECT_DRAG_MIN_M_S2]
    drag_risen = False
    t = 0.0
    t_max = p[SP_T_MAX_S]
    max_steps = int(t_max / min(p[SP_DT_ATM_S], p[SP_DT_COAST_S])) + 2
    e = e0
    ground = profile[0]
    for _ in range(max_steps):
        h = altitude_m(x, y, z, p)
        if h > p[SP_H_ATM_M]:
            dt = p[SP_DT_COAST_S]
            if x * vx + y * vy + z * vz > 0.0:
                gone = leaves_for_good(x, y, z, vx, vy, vz, p)
                if gone != PRED_OK:
                    return 0.0, gone, t, 0.0
        else:
            dt = p[SP_DT_ATM_S]
        k_h = profile_ratio(h, rho_ratio, profile, ground, p)
        if direct:
            drag = 0.5 * k_h * guidance_density(h, h_tab, ln_rho_tab) * v2
            drag /= p[SP_BETA_KG_M2]
            if drag >= drag_min:
                drag_risen = True
            elif drag_risen:
                return 0.0, PRED_DIRECT_LOFT, t, 0.0
        sigma = bank_profile_rad(e, e0, ef, sigma0_rad, p)
        ld = lift_to_drag
        xn, yn, zn, vxn, vyn, vzn = rk4_step(
            (x, y, z, vx, vy, vz),
            dt,
            k_h,
            ld * math.cos(sigma),
            lift_sign * ld * math.sin(sigma),
            p,
            h_tab,
            ln_rho_tab,
        )
        rn = math.sqrt(xn * xn + yn * yn + zn * zn)
        v2n = vxn * vxn + vyn * vyn + vzn * vzn
        en = mu / rn - 0.5 * v2n
        if not math.isfinite(en):
            return 0.0, PRED_INVALID, t, 0.0
        if en >= ef:
            # the final energy falls inside this step: interpolate linearly in energy
            w = (ef - e) / (en - e)
            miss, cross = _miss_m(
                x + w * (xn - x),
                y + w * (yn - y),
                z + w * (zn - z),
                vx + w * (vxn - vx),
                vy + w * (vyn - vy),
                vz + w * (vzn - vz),
                tgt_unit_pf,
                radius,
            )
            return miss, PRED_OK, t + w * dt, cross
        ground += surface_arc_m(x, y, z, xn, yn, zn, p)
        x, y, z, vx, vy, vz = xn, yn, zn, vxn, vyn, vzn
        r, v2, e = rn, v2n, en
        t += dt
        if t >= t_max:
            return 0.0, PRED_TIMEOUT, t, 0.0
    return 0.0, PRED_TIMEOUT, t, 0.0
