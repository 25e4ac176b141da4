"""Skip-entry guidance: FNPEG's corrector, lateral logic and one guidance cycle.

A numeric predictor-corrector after FNPEG (Lu, "Entry Guidance: A Unified
Method", J. Guidance Control Dyn. 37(3), 2014, 713-728; flight-software form
in Johnson, Lu & Stachowiak, NTRS 20160014029, 2016). Each 1 Hz cycle:

1. Density-ratio filter: the sensed drag over the drag the guidance's own
   model gives at the navigated state, low-passed, scales the model in the
   predictor (the adaptive density estimate of FNPEG's verification, Lu et
   al., J. Guidance Control Dyn. 2017; citation details R).
2. Lateral logic: the lift side reverses when the crossrange angle to the
   target, on the side away from the lift, exceeds a corridor
   Y = (c0 + c2 V^2) / R that narrows with speed (the Apollo/MSL form of
   GUIDANCE.md 1.4, as :mod:`skycrane.guidance.entry` flies it).
3. Corrector: find sigma_0 of the linear-in-energy bank profile (Lu 2014,
   eq. 23) whose prediction (:func:`~skycrane.guidance.skip_predict.predict`)
   ends at e_f with zero downrange to go: z(sigma_0) = 0 (Lu 2014, eq. 26).
   The previous cycle's sigma_0 starts the search; a bracket is grown
   geometrically and closed by the Illinois false-position method (a
   safeguarded secant; Lu 2014 uses the secant method). A prediction that
   leaves the atmosphere for good, times out, or (direct mode) drops below
   the Kepler-phase drag is "too long" for the search.

The same corrector flies the skip (first entry, loft, second entry) and the
final phase to e_f: FNPEG is unified for skip and direct entries (Lu 2014,
section I). Failure is a value: the cycle's status (``STATUS_*``) says when
the target is beyond reach, too close, unavoidable skip-out, or the search
hit its cap; the command is then the bounding one (full lift up or down) or
the best bracketed one, never NaN. Every loop is bounded.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import STEP_PATH
from skycrane.guidance.entry import target_geometry
from skycrane.guidance.skip_layout import (
    N_RATIO_BINS,
    PRED_CAPTURED,
    PRED_ESCAPE,
    PRED_INVALID,
    PRED_OK,
    PROFILE_SIZE,
    RATIO_BIN_M,
    SM_BANK_CMD_RAD,
    SM_CROSS_PRED_M,
    SM_E0_J_KG,
    SM_GROUND_M,
    SM_LD_EST,
    SM_LIFT_SIGN,
    SM_MISS_M,
    SM_N_PRED,
    SM_PRED_OUTCOME,
    SM_PREV_VZ_M_S,
    SM_PREV_X_M,
    SM_PROFILE0,
    SM_REVERSALS,
    SM_RHO_RATIO,
    SM_SIGMA0_RAD,
    SM_STATUS,
    SP_BETA_KG_M2,
    SP_DEADBAND_C0_M,
    SP_DEADBAND_C2_S2_M,
    SP_DIRECT_DRAG_MIN_M_S2,
    SP_DRAG_ACTIVE_M_S2,
    SP_DT_CYCLE_S,
    SP_H_ATM_M,
    SP_LD,
    SP_MAX_PRED,
    SP_MU,
    SP_R_SURFACE_M,
    SP_RATIO_TAU_S,
    SP_SIGMA_MAX_RAD,
    SP_TOL_M,
    SP_V_FREEZE_M_S,
    STATUS_BEYOND_REACH,
    STATUS_COAST,
    STATUS_FROZEN,
    STATUS_NOT_CONVERGED,
    STATUS_OK,
    STATUS_SKIP_OUT,
    STATUS_TOO_CLOSE,
)
from skycrane.guidance.skip_predict import (
    altitude_m,
    bank_profile_rad,
    field_accel_m_s2,
    final_energy_j_kg,
    guidance_density,
    predict,
    surface_arc_m,
)

__all__ = [
    "density_profile_update",
    "density_ratio_update",
    "ground_distance_update",
    "lift_to_drag_update",
    "skip_guidance_cycle",
    "solve_sigma0",
]

SEARCH_STEP0_RAD = math.radians(3.0)  # first bracket step from the previous sigma_0 (T)
BRACKET_WIDTH_MIN_RAD = 1e-4  # a bracket this narrow has converged on a discontinuity (E)
# The value the search gives a prediction that never reaches e_f (skip-out, time-out,
# direct-mode loft): "longer than any range", i.e. more bank is needed.
TOO_LONG_M = -1e8


@numba.njit(**STEP_PATH)
def _z(sigma_rad, state_pf, lift_sign, rho_ratio, prof, ld, tgt_unit_pf, p, h_tab, ln_rho_tab):
    """z(sigma_0) (Lu 2014, eq. 26), outcome, final crossrange; TOO_LONG_M if it never ends."""
    miss, outcome, _, cross = predict(
        state_pf, sigma_rad, lift_sign, rho_ratio, prof, ld, tgt_unit_pf, p, h_tab, ln_rho_tab
    )
    if outcome == PRED_OK:
        return miss, outcome, cross
    return TOO_LONG_M, outcome, cross


@numba.njit(**STEP_PATH)
def solve_sigma0(
    state_pf, sigma_guess_rad, lift_sign, rho_ratio, prof, ld, tgt_unit_pf, p, h_tab, ln_rho_tab
):
    """The corrector: sigma_0 with z(sigma_0) = 0 (Lu 2014, eq. 26), bounded.

    Parameters
    ----------
    As :func:`~skycrane.guidance.skip_predict.predict` (``prof`` its
    ``profile``, ``ld`` its ``lift_to_drag``), with ``sigma_guess_rad`` the starting sigma_0 (the
    previous cycle's), rad.

    Returns
    -------
    sigma0_rad : float
        The sigma_0 to fly, rad, in [0, SP_SIGMA_MAX_RAD].
    miss_m : float
        Its predicted downrange miss, m (positive: short), or TOO_LONG_M.
    outcome : int
        Its prediction's ``PRED_*``.
    status : int
        STATUS_OK, STATUS_BEYOND_REACH (short even at sigma_0 = 0, or short
        at the edge of the trajectories that end: a skip-out or direct-mode
        loft limit), STATUS_TOO_CLOSE (long even at the largest bank),
        STATUS_SKIP_OUT (no bank keeps the vehicle in), or
        STATUS_NOT_CONVERGED (SP_MAX_PRED predictions spent).
    n_pred : int
        Predictions run.
    crossrange_m : float
        Its predicted final crossrange, m (positive: target to the left).
    """
    tol = p[SP_TOL_M]
    s_max = p[SP_SIGMA_MAX_RAD]
    n_max = max(2, int(p[SP_MAX_PRED]))
    sa = min(max(sigma_guess_rad, 0.0), s_max)
    za, oa, ca = _z(sa, state_pf, lift_sign, rho_ratio, prof, ld, tgt_unit_pf, p, h_tab, ln_rho_tab)
    n = 1
    if oa == PRED_INVALID:
        return sa, 0.0, oa, STATUS_NOT_CONVERGED, n, 0.0
    if oa == PRED_OK and abs(za) <= tol:
        return sa, za, oa, STATUS_OK, n, ca
    # grow a bracket: short (z > 0) needs less bank, long needs more
    direction = -1.0 if za > 0.0 else 1.0
    step = SEARCH_STEP0_RAD
    sb, zb, ob, cb = sa, za, oa, ca
    bracketed = False
    while n < n_max:
        sn = min(max(sb + direction * step, 0.0), s_max)
        zn, on, cn = _z(
            sn, state_pf, lift_sign, rho_ratio, prof, ld, tgt_unit_pf, p, h_tab, ln_rho_tab
        )
        n += 1
        if on == PRED_OK and abs(zn) <= tol:
            return sn, zn, on, STATUS_OK, n, cn
        if (zn > 0.0) != (za > 0.0):
            sa, za, oa, ca = sb, zb, ob, cb
            sb, zb, ob, cb = sn, zn, on, cn
            bracketed = True
            break
        sb, zb, ob, cb = sn, zn, on, cn
        if sn == 0.0 or sn == s_max:
            if direction < 0.0:
                return sn, zn, on, STATUS_BEYOND_REACH, n, cn
            if on == PRED_ESCAPE or on == PRED_CAPTURED:
                return sn, zn, on, STATUS_SKIP_OUT, n, cn
            return sn, zn, on, STATUS_TOO_CLOSE, n, cn
        step *= 2.0
    if not bracketed:
        return sb, zb, ob, STATUS_NOT_CONVERGED, n, cb
    # Illinois false position on [sa, sb]; bisection while an end is TOO_LONG_M
    fa, fb = za, zb
    side = 0
    while n < n_max and abs(sb - sa) > BRACKET_WIDTH_MIN_RAD:
        if oa == PRED_OK and ob == PRED_OK:
            s = (sa * fb - sb * fa) / (fb - fa)
        else:
            s = 0.5 * (sa + sb)
        z, o, c = _z(s, state_pf, lift_sign, rho_ratio, prof, ld, tgt_unit_pf, p, h_tab, ln_rho_tab)
        n += 1
        if o == PRED_OK and abs(z) <= tol:
            return s, z, o, STATUS_OK, n, c
        if (z > 0.0) == (zb > 0.0):
            sb, zb, ob, cb, fb = s, z, o, c, z
            if side == -1:
                fa *= 0.5
            side = -1
        else:
            sa, za, oa, ca, fa = s, z, o, c, z
            if side == 1:
                fb *= 0.5
            side = 1
    # not within tolerance: fly the end that reaches e_f with the smaller miss
    a_ok = oa == PRED_OK
    b_ok = ob == PRED_OK
    if a_ok and (not b_ok or abs(za) <= abs(zb)):
        s, z, o, c = sa, za, oa, ca
    else:
        s, z, o, c = sb, zb, ob, cb
    if a_ok != b_ok and abs(sb - sa) <= BRACKET_WIDTH_MIN_RAD and z > 0.0:
        # the short side meets a trajectory that never ends: the edge of the reach
        return s, z, o, STATUS_BEYOND_REACH, n, c
    return s, z, o, STATUS_NOT_CONVERGED, n, c


@numba.njit(**STEP_PATH)
def density_ratio_update(ratio, drag_sensed_m_s2, altitude_m, speed_m_s, p, h_tab, ln_rho_tab):
    """Low-pass the ratio of sensed to modelled drag (FNPEG's density estimate; Lu et al. 2017).

    Modelled drag: rho_model(h) V^2 / (2 beta) from the guidance's table and
    ballistic coefficient at the navigated altitude and speed. The ratio is
    updated, with the exact first-order discretisation
    k + (1 - exp(-dt/tau)) (D_sensed / D_model - k), only while the sensed
    drag exceeds SP_DRAG_ACTIVE_M_S2 (below it the measurement is noise);
    tau <= 0 keeps the ratio, and so does a non-finite input (one bad sample
    must not poison every later prediction).
    """
    tau = p[SP_RATIO_TAU_S]
    if tau <= 0.0:
        return ratio
    measured = _measured_drag_ratio(drag_sensed_m_s2, altitude_m, speed_m_s, p, h_tab, ln_rho_tab)
    gain = 1.0 - math.exp(-p[SP_DT_CYCLE_S] / tau)
    updated = ratio + gain * (measured - ratio)
    return updated if math.isfinite(updated) else ratio


@numba.njit(**STEP_PATH)
def _measured_drag_ratio(drag_sensed_m_s2, altitude_m, speed_m_s, p, h_tab, ln_rho_tab):
    """Sensed over modelled drag, D_sensed / (rho_model(h) V^2 / (2 beta)), from the
    guidance's table and ballistic coefficient at the navigated altitude and speed; NaN
    while the sensed drag is under SP_DRAG_ACTIVE_M_S2 (the measurement is noise there)
    or the model gives no drag. The one measurement :func:`density_ratio_update` filters
    and :func:`density_profile_update` keeps per altitude bin."""
    if not drag_sensed_m_s2 >= p[SP_DRAG_ACTIVE_M_S2]:  # also NaN
        return math.nan
    d_model = 0.5 * guidance_density(altitude_m, h_tab, ln_rho_tab) * speed_m_s**2
    d_model /= p[SP_BETA_KG_M2]
    if not d_model > 0.0:
        return math.nan
    return drag_sensed_m_s2 / d_model


@numba.njit(**STEP_PATH)
def density_profile_update(mem, drag_sensed_m_s2, altitude_m, speed_m_s, p, h_tab, ln_rho_tab):
    """Add this cycle's sensed/modelled drag ratio to its altitude bin's mean (in ``mem``).

    The measurement is the one :func:`density_ratio_update` filters (Lu et
    al. 2017), taken only while the sensed drag exceeds SP_DRAG_ACTIVE_M_S2
    and kept per altitude bin of RATIO_BIN_M as a running mean, so the
    predictor (skip_predict.profile_ratio) flies each layer it has flown
    through at the ratio measured there, not at the one of the layer it is
    in. The single filtered ratio, believed at every altitude, takes the
    +25-45 % layer at the bottom of the first pulse (55-65 km) for the
    air of the exit (70-85 km, there -20-50 % in the gross outliers of
    issue 15): the predictor expects the exit to bleed more energy than it
    does, holds the lift up, and the capsule leaves the pulse too fast
    (measured, E; docs/skip_guidance.md). With the layers measured on the
    way down, the way up is predicted with them. This is this project's
    extension of the single ratio (E), not a flown algorithm. The layers
    hold only over the horizontal correlation length of the perturbation,
    so each bin also keeps the mean ground distance (mem[SM_GROUND_M]) of
    its samples, and the predictor believes it less the further it flies
    from there (skip_predict.profile_ratio).
    """
    if not math.isfinite(altitude_m):
        return
    measured = _measured_drag_ratio(drag_sensed_m_s2, altitude_m, speed_m_s, p, h_tab, ln_rho_tab)
    j = int(altitude_m // RATIO_BIN_M)
    if not (math.isfinite(measured) and 0 <= j < N_RATIO_BINS):
        return
    n = mem[SM_PROFILE0 + N_RATIO_BINS + j] + 1.0
    mean = mem[SM_PROFILE0 + j]
    where = mem[SM_PROFILE0 + 2 * N_RATIO_BINS + j]
    ground = mem[SM_GROUND_M]
    mem[SM_PROFILE0 + j] = measured if n == 1.0 else mean + (measured - mean) / n
    mem[SM_PROFILE0 + 2 * N_RATIO_BINS + j] = ground if n == 1.0 else where + (ground - where) / n
    mem[SM_PROFILE0 + N_RATIO_BINS + j] = n


@numba.njit(**STEP_PATH)
def ground_distance_update(ground_m, state_pf, mem, p):
    """Ground distance flown so far [m]: ``ground_m`` plus the surface arc between the
    previous cycle's navigated position (mem[SM_PREV_X_M:]) and this one's; unchanged on the
    first cycle or a non-finite position. The profile's bins carry where they were measured
    in it, so that the predictor believes each by how far the air it meets lies from them."""
    x0, y0, z0 = mem[SM_PREV_X_M], mem[SM_PREV_X_M + 1], mem[SM_PREV_X_M + 2]
    arc = surface_arc_m(x0, y0, z0, state_pf[0], state_pf[1], state_pf[2], p)
    return ground_m + arc if math.isfinite(arc) else ground_m


@numba.njit(**STEP_PATH)
def lift_to_drag_update(ld_est, state_pf, mem, drag_m_s2, p, h_tab, ln_rho_tab):
    """Low-pass the L/D measured from the navigated velocity over the last cycle.

    The aerodynamic acceleration over the cycle is the navigated velocity
    change less what gravity (J2), Coriolis and centrifugal acceleration give
    (trapezoidal mean of the ends, :func:`~skycrane.guidance.skip_predict.field_accel_m_s2`):
    a = (v1 - v0) / dt - (g0 + g1) / 2; its component against the mean
    velocity is the drag, the rest the lift, and L/D = |a_lift| / D. The
    predictor then flies the vehicle's own L/D rather than the believed one:
    an L/D error biases its range as a density error does (Lu 2014,
    section II, lists both among the uncertainties the corrector absorbs;
    the onboard estimate is R). The update is
    k + (1 - exp(-dt/tau)) (L/D - k), the density ratio's filter and tau;
    only while the sensed drag exceeds the Kepler-phase drag
    (SP_DIRECT_DRAG_MIN_M_S2: below it the lift barely acts and the
    measurement is dominated by model errors) and both ends are finite.
    Returns the estimate (NaN until the first update).
    """
    tau = p[SP_RATIO_TAU_S]
    dt = p[SP_DT_CYCLE_S]
    k0 = SM_PREV_X_M
    if tau <= 0.0 or not drag_m_s2 >= p[SP_DIRECT_DRAG_MIN_M_S2]:
        return ld_est
    for k in range(6):
        if not (math.isfinite(mem[k0 + k]) and math.isfinite(state_pf[k])):
            return ld_est
    s0 = (mem[k0], mem[k0 + 1], mem[k0 + 2], mem[k0 + 3], mem[k0 + 4], mem[k0 + 5])
    s1 = (state_pf[0], state_pf[1], state_pf[2], state_pf[3], state_pf[4], state_pf[5])
    g0x, g0y, g0z = field_accel_m_s2(s0, p, h_tab, ln_rho_tab)
    g1x, g1y, g1z = field_accel_m_s2(s1, p, h_tab, ln_rho_tab)
    ax = (s1[3] - s0[3]) / dt - 0.5 * (g0x + g1x)
    ay = (s1[4] - s0[4]) / dt - 0.5 * (g0y + g1y)
    az = (s1[5] - s0[5]) / dt - 0.5 * (g0z + g1z)
    ux, uy, uz = s0[3] + s1[3], s0[4] + s1[4], s0[5] + s1[5]
    un = math.sqrt(ux * ux + uy * uy + uz * uz)
    if not un > 0.0:
        return ld_est
    ux, uy, uz = ux / un, uy / un, uz / un
    drag = -(ax * ux + ay * uy + az * uz)
    if not drag > 0.0:
        return ld_est
    lx, ly, lz = ax + drag * ux, ay + drag * uy, az + drag * uz
    measured = math.sqrt(lx * lx + ly * ly + lz * lz) / drag
    start = ld_est if math.isfinite(ld_est) else p[SP_LD]
    updated = start + (1.0 - math.exp(-dt / tau)) * (measured - start)
    return updated if math.isfinite(updated) else ld_est


@numba.njit(**STEP_PATH)
def _lateral(lift_sign, crossrange_rad, speed_m_s, drag_m_s2, overflown, p):
    """Bank reversal against the corridor Y = (c0 + c2 V^2) / R (GUIDANCE.md 1.4 form).

    First cycle (sign 0): lift toward the target. A reversal needs lift to
    act (sensed drag above SP_DRAG_ACTIVE_M_S2) and the target not overflown.
    Returns the new sign and whether it reversed.
    """
    if lift_sign == 0.0:
        return (-1.0 if crossrange_rad > 0.0 else 1.0), False
    if drag_m_s2 < p[SP_DRAG_ACTIVE_M_S2] or overflown:
        return lift_sign, False
    corridor = (p[SP_DEADBAND_C0_M] + p[SP_DEADBAND_C2_S2_M] * speed_m_s**2) / p[SP_R_SURFACE_M]
    if lift_sign * crossrange_rad > corridor:
        return -lift_sign, True
    return lift_sign, False


@numba.njit(**STEP_PATH)
def skip_guidance_cycle(state_pf, drag_m_s2, tgt_unit_pf, p, mem, h_tab, ln_rho_tab):
    """One skip-entry guidance cycle (1 Hz): returns the signed bank command [rad].

    Parameters
    ----------
    state_pf : float64[6]
        Navigated position (m) and planet-relative velocity (m/s), planet-fixed.
    drag_m_s2 : float
        Sensed drag: the non-gravitational acceleration along -v_hat, m/s^2.
    tgt_unit_pf : float64[3]
        Unit vector to the target, planet-fixed.
    p : float64[N_SKIP_PARAMS]
        ``SP_*`` parameters (:func:`~skycrane.guidance.skip_layout.default_skip_params`).
    mem : float64[N_SKIP_MEM]
        ``SM_*`` memory, updated in place
        (:func:`~skycrane.guidance.skip_layout.initial_skip_memory` at start).
    h_tab, ln_rho_tab : float64[n]
        The guidance's density table.

    Returns
    -------
    float
        Bank command, rad; positive tilts the lift to the right. Also left
        in mem[SM_BANK_CMD_RAD], with the cycle's status in mem[SM_STATUS].

    Notes
    -----
    Above SP_H_ATM_M with less than SP_DRAG_ACTIVE_M_S2 of drag (the loft)
    no prediction runs: the last profile is held (STATUS_COAST). Below
    SP_V_FREEZE_M_S the last profile is flown without correction
    (STATUS_FROZEN): near e_f, dz/dsigma_0 vanishes and the corrector would
    only chase noise (Lu 2014 stops updating near the end likewise).
    """
    x, y, z = state_pf[0], state_pf[1], state_pf[2]
    vx, vy, vz = state_pf[3], state_pf[4], state_pf[5]
    r = math.sqrt(x * x + y * y + z * z)
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    h = altitude_m(x, y, z, p)
    e = p[SP_MU] / r - 0.5 * speed * speed
    ef = final_energy_j_kg(p)
    mem[SM_RHO_RATIO] = density_ratio_update(
        mem[SM_RHO_RATIO], drag_m_s2, h, speed, p, h_tab, ln_rho_tab
    )
    mem[SM_GROUND_M] = ground_distance_update(mem[SM_GROUND_M], state_pf, mem, p)
    density_profile_update(mem, drag_m_s2, h, speed, p, h_tab, ln_rho_tab)
    prof = mem[SM_GROUND_M : SM_GROUND_M + PROFILE_SIZE]
    mem[SM_LD_EST] = lift_to_drag_update(
        mem[SM_LD_EST], state_pf, mem, drag_m_s2, p, h_tab, ln_rho_tab
    )
    for k in range(SM_PREV_VZ_M_S + 1 - SM_PREV_X_M):
        mem[SM_PREV_X_M + k] = state_pf[k]
    ld = mem[SM_LD_EST] if math.isfinite(mem[SM_LD_EST]) else p[SP_LD]
    _, chi, _, overflown = target_geometry(
        state_pf[0:3], state_pf[3:6], tgt_unit_pf, p[SP_R_SURFACE_M]
    )
    # steer on the crossrange the last prediction ends with while it is fresh: before
    # a skip it holds the drift of the loft, which no lift can correct during the coast
    if math.isfinite(mem[SM_CROSS_PRED_M]) and speed >= p[SP_V_FREEZE_M_S]:
        chi = mem[SM_CROSS_PRED_M] / p[SP_R_SURFACE_M]
    sign, reversed_ = _lateral(mem[SM_LIFT_SIGN], chi, speed, drag_m_s2, overflown, p)
    mem[SM_LIFT_SIGN] = sign
    if reversed_:
        mem[SM_REVERSALS] += 1.0
    solved = math.isfinite(mem[SM_E0_J_KG])
    coasting = h > p[SP_H_ATM_M] and drag_m_s2 < p[SP_DRAG_ACTIVE_M_S2]
    if solved and coasting:
        mem[SM_STATUS] = STATUS_COAST
        mem[SM_N_PRED] = 0.0
    elif solved and speed < p[SP_V_FREEZE_M_S]:
        mem[SM_STATUS] = STATUS_FROZEN
        mem[SM_N_PRED] = 0.0
    else:
        sigma0, miss, outcome, status, n, cross = solve_sigma0(
            state_pf,
            mem[SM_SIGMA0_RAD],
            0.0,
            mem[SM_RHO_RATIO],
            prof,
            ld,
            tgt_unit_pf,
            p,
            h_tab,
            ln_rho_tab,
        )
        mem[SM_STATUS] = status
        mem[SM_N_PRED] = n
        mem[SM_PRED_OUTCOME] = outcome
        mem[SM_MISS_M] = miss
        mem[SM_CROSS_PRED_M] = cross if outcome == PRED_OK else math.nan
        if outcome != PRED_INVALID:
            mem[SM_SIGMA0_RAD] = sigma0
            mem[SM_E0_J_KG] = e
    if math.isfinite(mem[SM_E0_J_KG]) and math.isfinite(e):
        mag = bank_profile_rad(e, mem[SM_E0_J_KG], ef, mem[SM_SIGMA0_RAD], p)
    else:
        mag = min(max(mem[SM_SIGMA0_RAD], 0.0), p[SP_SIGMA_MAX_RAD])
    bank = sign * mag
    mem[SM_BANK_CMD_RAD] = bank
    return bank
