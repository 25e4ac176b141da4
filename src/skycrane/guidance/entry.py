"""The Entry Terminal Point Controller (ETPC): MSL / Mars 2020 entry guidance.

Apollo final-phase guidance (Graves & Harpold, NASA TN D-6725; Carman, Ives &
Geller, AIAA 98-4570) as adapted and flown on the Mars Science Laboratory
(Mendeck & Craig, AIAA 2011-6192): bank-angle steering that nulls the
difference between the range to go and the range predicted by linearising
about a reference trajectory, with bank reversals against a crossrange
deadband and heading alignment at low speed. Equation numbers refer to
GUIDANCE.md section 1.

Every function here is a pure compiled function of scalars and plain float64
arrays, allocates nothing and never raises, so it runs inside a parallel
kernel, one case per lane. The reference table and gains vector are laid out
by :mod:`skycrane.guidance.entry_layout`.

Sign conventions. Positive bank tilts the lift to the right of the flight
direction. The crossrange angle chi = r_hat_tgt . n_hat, n_hat = unit(r x v),
is positive when the target lies to the left; the heading error is positive
when the target lies to the right.
"""

from __future__ import annotations

import math

import numba

from skycrane._jit_options import SCALAR, STEP_PATH
from skycrane.guidance.entry_layout import (
    G_BANK_MAX,
    G_BANK_MIN,
    G_DEADBAND_C0,
    G_DEADBAND_C2,
    G_DRAG_START,
    G_GAIN_K,
    G_HA_LIMIT,
    G_K_HA,
    G_LD,
    G_PRE_BANK,
    G_V_HA,
    PHASE_HEADING_ALIGNMENT,
    PHASE_PRE_BANK,
    PHASE_RANGE_CONTROL,
    REF_DRAG,
    REF_F1,
    REF_F2,
    REF_F3,
    REF_HDOT,
    REF_RANGE,
    REF_U,
    REF_V,
)

__all__ = ["drag_filter", "etpc_command", "predicted_range_m", "ref_interp", "target_geometry"]

# Apollo's minimum lateral authority: |u| is capped at (L/D) cos 15 deg when the
# lift already points toward the target (Comanche 055 REENTRY_CONTROL, L/DCMINR).
_COS_15_DEG = math.cos(math.radians(15.0))


@numba.njit(**SCALAR)
def _bracket(v_m_s, v_nodes):
    """Index k and weight w with V = (1 - w) v[k] + w v[k+1], clamped to the table ends."""
    n = v_nodes.shape[0]
    if v_m_s <= v_nodes[0]:
        return 0, 0.0
    if v_m_s >= v_nodes[n - 1]:
        return n - 2, 1.0
    lo, hi = 0, n - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if v_nodes[mid] <= v_m_s:
            lo = mid
        else:
            hi = mid
    return lo, (v_m_s - v_nodes[lo]) / (v_nodes[lo + 1] - v_nodes[lo])


@numba.njit(**SCALAR)
def _row_at(ref_table, row, k, w):
    return (1.0 - w) * ref_table[row, k] + w * ref_table[row, k + 1]


@numba.njit(**SCALAR)
def ref_interp(v_m_s, ref_table, row):
    """One reference quantity at speed V, linear in V and clamped at the table ends.

    Parameters
    ----------
    v_m_s : float
        Planet-relative speed, m/s.
    ref_table : float64[N_REF_ROWS, n]
        :meth:`EntryReference.kernel_table`; row REF_V ascending, n >= 2.
    row : int
        One of the ``REF_*`` rows.

    Returns
    -------
    float
        The tabulated quantity at V (GUIDANCE.md 1.3 step 3), in its row's unit.
    """
    k, w = _bracket(v_m_s, ref_table[REF_V])
    return _row_at(ref_table, row, k, w)


@numba.njit(**SCALAR)
def drag_filter(d_filtered, d_measured, dt_s, tau_s):
    """First-order low-pass filter of the sensed drag, exactly discretised.

    Parameters
    ----------
    d_filtered : float
        Previous filtered drag, m/s^2.
    d_measured : float
        New sensed drag (non-gravitational acceleration along -v_hat), m/s^2.
    dt_s : float
        Time since the previous update, s.
    tau_s : float
        Time constant, s; tau <= 0 passes the measurement through.

    Returns
    -------
    float
        d_f + (1 - exp(-dt/tau)) (d_m - d_f), m/s^2: the zero-order-hold
        solution of tau dd/dt = d_m - d (MSL flew a filtered drag; Zheng et al.,
        AIAA 2015-2398; GUIDANCE.md 1, inputs).
    """
    if tau_s <= 0.0:
        return d_measured
    return d_measured + math.exp(-dt_s / tau_s) * (d_filtered - d_measured)


@numba.njit(**SCALAR)
def target_geometry(r_m, v_m_s, r_tgt_unit, planet_radius_m):
    """Range to go, crossrange and heading error to a target (GUIDANCE.md 1.3, 1.4, 1.5).

    Parameters
    ----------
    r_m : float64[3]
        Navigated position, planet-fixed, m.
    v_m_s : float64[3]
        Navigated planet-relative velocity, planet-fixed, m/s.
    r_tgt_unit : float64[3]
        Unit vector to the target, planet-fixed.
    planet_radius_m : float
        Radius on which the range is measured, m.

    Returns
    -------
    range_to_go_m : float
        R_M * angle(r_hat, r_hat_tgt), m (1.3 step 2; atan2 form, accurate at
        small angles).
    crossrange_rad : float
        chi = r_hat_tgt . n_hat, n_hat = unit(r x v); positive: target to the
        left (1.4).
    heading_error_rad : float
        Azimuth to the target minus heading, in (-pi, pi]; positive: target to
        the right (1.5).
    overflown : bool
        (r_hat_tgt x r_hat) . n_hat > 0: the target is behind the vehicle's
        plane normal to the orbit through r (1.3 step 6; Apollo GONEBY). Latch it.
    """
    rn = math.sqrt(r_m[0] ** 2 + r_m[1] ** 2 + r_m[2] ** 2)
    ux, uy, uz = r_m[0] / rn, r_m[1] / rn, r_m[2] / rn
    tx, ty, tz = r_tgt_unit[0], r_tgt_unit[1], r_tgt_unit[2]
    # n = r x v, normalised
    nx = uy * v_m_s[2] - uz * v_m_s[1]
    ny = uz * v_m_s[0] - ux * v_m_s[2]
    nz = ux * v_m_s[1] - uy * v_m_s[0]
    nn = math.sqrt(nx * nx + ny * ny + nz * nz)
    if nn > 0.0:  # else vertical flight: no plane, chi = psi_err = 0, not overflown
        nx, ny, nz = nx / nn, ny / nn, nz / nn
    # r_hat x r_hat_tgt
    cx = uy * tz - uz * ty
    cy = uz * tx - ux * tz
    cz = ux * ty - uy * tx
    cos_angle = ux * tx + uy * ty + uz * tz
    range_to_go_m = planet_radius_m * math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), cos_angle)
    crossrange_rad = tx * nx + ty * ny + tz * nz
    # Horizontal direction of flight is n x r_hat; toward the target is the
    # component of r_hat_tgt normal to r_hat. Heading error: right is positive.
    ex = ny * uz - nz * uy
    ey = nz * ux - nx * uz
    ez = nx * uy - ny * ux
    along = tx * ex + ty * ey + tz * ez  # = (r_hat x r_hat_tgt) . n_hat
    heading_error_rad = math.atan2(-crossrange_rad, along)
    return range_to_go_m, crossrange_rad, heading_error_rad, along < 0.0


@numba.njit(**SCALAR)
def _lateral(u_c, v_m_s, crossrange_rad, lift_sign, lift_to_drag, c0_rad, c2_rad_s2_m2):
    """Bank-reversal logic (GUIDANCE.md 1.4; Apollo LIMITL/D, Comanche 055).

    Deadband Y = c0 + c2 V^2. Near full lift (|u| >= (L/D) cos 15 deg) the
    command is capped there if the lift already points toward the target
    (sign * chi < 0), else Y is halved. The lift sign reverses when the target
    lies on the side away from the lift by more than Y: sign * chi > Y.
    """
    deadband = c0_rad + c2_rad_s2_m2 * v_m_s * v_m_s
    u_cap = lift_to_drag * _COS_15_DEG
    side = lift_sign * crossrange_rad  # > 0: the target is away from the lift
    if abs(u_c) >= u_cap:
        if side < 0.0:
            return math.copysign(u_cap, u_c), lift_sign
        deadband *= 0.5
    if side > deadband:
        lift_sign = -lift_sign
    return u_c, lift_sign


@numba.njit(**SCALAR)
def _predicted_range(ref_table, k, w, drag_m_s2, hdot_m_s):
    """R_p = R_ref + F1 (D - D_ref) + F2 (hdot - hdot_ref) at bracket (k, w) (GUIDANCE.md 1.3)."""
    return (
        _row_at(ref_table, REF_RANGE, k, w)
        + _row_at(ref_table, REF_F1, k, w) * (drag_m_s2 - _row_at(ref_table, REF_DRAG, k, w))
        + _row_at(ref_table, REF_F2, k, w) * (hdot_m_s - _row_at(ref_table, REF_HDOT, k, w))
    )


@numba.njit(**SCALAR)
def predicted_range_m(v_m_s, hdot_m_s, drag_m_s2, ref_table):
    """The range the longitudinal law predicts, R_p, m (GUIDANCE.md 1.3 step 3).

    R_p = R_ref + F1 (D - D_ref) + F2 (hdot - hdot_ref), the reference rows
    linear in V and clamped at the table ends (:func:`ref_interp`); the law
    steers on R - R_p (:func:`etpc_command`).
    """
    k, w = _bracket(v_m_s, ref_table[REF_V])
    return _predicted_range(ref_table, k, w, drag_m_s2, hdot_m_s)


@numba.njit(**SCALAR)
def _range_control(v_m_s, hdot_m_s, drag_m_s2, range_to_go_m, ref_table, gain_k):
    """Longitudinal law (GUIDANCE.md 1.3 steps 3-5): the commanded vertical L/D.

    R_p = R_ref + F1 (D - D_ref) + F2 (hdot - hdot_ref) and
    u_c = u_ref + K (R - R_p) / F3 (Mendeck & Craig 2011, eqs. for the ETPC;
    Carman, Ives & Geller 1998).
    """
    k, w = _bracket(v_m_s, ref_table[REF_V])
    r_pred = _predicted_range(ref_table, k, w, drag_m_s2, hdot_m_s)
    f3 = _row_at(ref_table, REF_F3, k, w)
    return _row_at(ref_table, REF_U, k, w) + gain_k * (range_to_go_m - r_pred) / f3


@numba.njit(**STEP_PATH)
def etpc_command(
    v_m_s,
    hdot_m_s,
    drag_m_s2,
    range_to_go_m,
    crossrange_rad,
    heading_error_rad,
    overflown,
    phase,
    lift_sign,
    ref_table,
    gains,
):
    """One ETPC guidance cycle (GUIDANCE.md 1.1, 1.3, 1.4, 1.5).

    Parameters
    ----------
    v_m_s : float
        Navigated planet-relative speed, m/s.
    hdot_m_s : float
        Navigated altitude rate v . r_hat, m/s.
    drag_m_s2 : float
        Filtered drag, non-gravitational acceleration along -v_hat, m/s^2.
    range_to_go_m : float
        Great-circle range to the target, m.
    crossrange_rad : float
        chi = r_hat_tgt . n_hat, n_hat = unit(r x v); positive: target left.
    heading_error_rad : float
        Azimuth to target minus heading, wrapped to (-pi, pi]; positive: right.
    overflown : bool
        Latched "target passed" flag (:func:`target_geometry`).
    phase : int
        Phase of the previous cycle (``PHASE_*``); PHASE_PRE_BANK at start.
    lift_sign : float
        Side of the lift from the previous cycle, +1.0 (right) or -1.0 (left);
        0.0 on the first call lets the law point the lift toward the target.
    ref_table : float64[N_REF_ROWS, n]
        Reference trajectory and sensitivities (``REF_*`` rows).
    gains : float64[N_GAINS]
        ``G_*`` entries; :func:`~skycrane.guidance.entry_layout.default_gains`.
        The law divides by F3 and by G_LD: :class:`EntryReference` guarantees
        F3 > 0, and G_LD must be > 0.

    Returns
    -------
    bank_rad : float
        Signed bank command, rad; positive tilts the lift to the right.
    lift_sign : float
        +1.0 or -1.0, to pass back on the next cycle.
    phase : int
        Phase of this cycle, to pass back on the next cycle.

    Notes
    -----
    Transitions (1.1): pre-bank -> range control once the filtered drag
    reaches G_DRAG_START; any phase -> heading alignment once V <= G_V_HA.
    Pre-bank flies lift_sign * G_PRE_BANK. Range control: u_c from the
    longitudinal law, or -L/D once the target is overflown (no lateral
    logic then, as in Apollo); lateral logic otherwise; u_c clipped to
    +-L/D, |bank| = acos(u_c / (L/D)) limited to [G_BANK_MIN, G_BANK_MAX].
    Heading alignment: bank = clip(K_HA psi_err, +-G_HA_LIMIT); lift_sign
    follows the command's sign.
    """
    ld = gains[G_LD]
    if lift_sign == 0.0:
        lift_sign = -1.0 if crossrange_rad > 0.0 else 1.0
    if phase == PHASE_PRE_BANK and drag_m_s2 >= gains[G_DRAG_START]:
        phase = PHASE_RANGE_CONTROL
    if phase != PHASE_HEADING_ALIGNMENT and v_m_s <= gains[G_V_HA]:
        phase = PHASE_HEADING_ALIGNMENT

    if phase == PHASE_HEADING_ALIGNMENT:
        limit = gains[G_HA_LIMIT]
        bank = min(max(gains[G_K_HA] * heading_error_rad, -limit), limit)
        if bank != 0.0:
            lift_sign = math.copysign(1.0, bank)
        return bank, lift_sign, phase
    if phase == PHASE_PRE_BANK:
        return lift_sign * gains[G_PRE_BANK], lift_sign, phase

    if overflown:
        u_c = -ld
    else:
        u_c = _range_control(v_m_s, hdot_m_s, drag_m_s2, range_to_go_m, ref_table, gains[G_GAIN_K])
        u_c, lift_sign = _lateral(
            u_c, v_m_s, crossrange_rad, lift_sign, ld, gains[G_DEADBAND_C0], gains[G_DEADBAND_C2]
        )
    ratio = min(max(u_c / ld, -1.0), 1.0)
    bank_mag = min(max(math.acos(ratio), gains[G_BANK_MIN]), gains[G_BANK_MAX])
    return lift_sign * bank_mag, lift_sign, phase
