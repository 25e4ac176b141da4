"""Index layout of the plain arrays the compiled skip-entry guidance reads and writes.

The numeric predictor-corrector of :mod:`skycrane.guidance.skip` (FNPEG,
Lu 2014) runs inside a compiled kernel, one case per lane, so its inputs are
plain float64 arrays: a parameter vector ``p[N_SKIP_PARAMS]``, a memory vector
``mem[N_SKIP_MEM]`` carried from cycle to cycle, and the guidance's own
density table (altitude nodes and ln density). These integer constants name
their entries, the guidance modes and the status codes; change them here
only. Tags as in EARTH.md: S sourced, R from memory, E derived, T tunable.
"""

from __future__ import annotations

import math

import numpy as np

from skycrane.constants import G0_M_S2

# --- guidance modes ---------------------------------------------------------------
MODE_SKIP = 0  # the predictor may loft the vehicle out of the sensible atmosphere
MODE_DIRECT = 1  # a predicted trajectory whose drag falls below SP_DIRECT_DRAG_MIN is rejected

# --- status of one guidance cycle (mem[SM_STATUS]); failure is a value --------------
STATUS_OK = 0  # the corrector met the range tolerance
STATUS_BEYOND_REACH = 1  # full lift up (or the direct-mode loft limit) still falls short
STATUS_TOO_CLOSE = 2  # full lift down still overshoots
STATUS_SKIP_OUT = 3  # even full lift down leaves the atmosphere for good
STATUS_NOT_CONVERGED = 4  # iteration cap reached; the best bracketed command is flown
STATUS_FROZEN = 5  # below SP_V_FREEZE: the last solved profile is flown, no correction
STATUS_COAST = 6  # above the sensible atmosphere: the last solved profile is held

# --- outcome of one prediction (skip_predict.predict) -----------------------------------
PRED_OK = 0  # reached the final energy
PRED_ESCAPE = 1  # above SP_H_ATM, climbing, inertial energy >= 0
PRED_CAPTURED = 2  # above SP_H_ATM with an osculating perigee above SP_H_ATM
PRED_TIMEOUT = 3  # SP_T_MAX or the step cap reached first
PRED_DIRECT_LOFT = 4  # direct mode: drag fell below SP_DIRECT_DRAG_MIN after the first rise
PRED_INVALID = 5  # a non-finite state (bad inputs); never iterated on

# --- parameter vector p ------------------------------------------------------------------
SP_MU = 0  # gravitational parameter [m^3/s^2] (S)
SP_J2 = 1  # J2 of the predictor's gravity, 0 for a point mass (S)
SP_R_EQ_M = 2  # reference radius of J2 [m] (S)
SP_OMEGA_RAD_S = 3  # planet rotation rate about +z of the planet-fixed frame [rad/s] (S)
SP_R_SURFACE_M = 4  # equatorial radius: altitude is measured from it, range counted on it [m]
SP_BETA_KG_M2 = 5  # ballistic coefficient the guidance believes, m / (C_D S) [kg/m^2]
SP_LD = 6  # lift-to-drag ratio the guidance believes
SP_SIGMA_F_RAD = 7  # final bank magnitude of the linear profile (Lu 2014, eq. 23) [rad] (T)
SP_H_F_M = 8  # altitude of the terminal condition [m] (T)
SP_V_F_M_S = 9  # planet-relative speed of the terminal condition [m/s] (T)
SP_DT_ATM_S = 10  # RK4 step inside the sensible atmosphere [s] (T)
SP_DT_COAST_S = 11  # RK4 step above SP_H_ATM (Keplerian loft) [s] (T)
SP_H_ATM_M = 12  # top of the sensible atmosphere [m] (S: the 400,000 ft entry interface)
SP_T_MAX_S = 13  # longest prediction [s] (T)
SP_TOL_M = 14  # corrector tolerance on the predicted downrange miss [m] (T)
SP_MAX_PRED = 15  # predictions allowed per cycle (T)
SP_SIGMA_MAX_RAD = 16  # largest bank magnitude of sigma_0 [rad]
SP_DEADBAND_C0_M = 17  # lateral corridor Y = c0 + c2 V^2, constant term [m] (T)
SP_DEADBAND_C2_S2_M = 18  # lateral corridor quadratic term [s^2/m] (T)
SP_DRAG_ACTIVE_M_S2 = 19  # sensed drag above which lift acts: reversals, ratio filter [m/s^2] (T)
SP_V_FREEZE_M_S = 20  # below this speed sigma_0 is no longer corrected [m/s] (T)
SP_MODE = 21  # MODE_SKIP or MODE_DIRECT
SP_DIRECT_DRAG_MIN_M_S2 = 22  # direct mode: least drag after the first rise [m/s^2] (R)
SP_RATIO_TAU_S = 23  # time constant of the density-ratio filter [s], <= 0 disables it (T)
SP_TGT_X = 24  # unit vector to the target, planet-fixed
SP_TGT_Y = 25
SP_TGT_Z = 26
SP_DT_CYCLE_S = 27  # guidance period [s] (S: 1 Hz, Johnson, Lu & Stachowiak 2016)
SP_FLATTENING = 28  # flattening f of the surface altitude is measured from; 0: a sphere (S)
SP_FINAL_MODE = 29  # FINAL_*: hand over to the Apollo final phase, or not (skip_cycle)
SP_FINAL_V_M_S = 30  # hand-over speed when no skip came first [m/s] (E: circular speed)
SP_ROLL_DRAG_M_S2 = 31  # initial roll: lift up until this sensed drag... [m/s^2] (R)
SP_ROLL_HDOT_M_S = 32  # ...and until the altitude rate rises above this [m/s] (R)
SP_RATIO_CORR_M = 33  # horizontal correlation length of the density perturbation: a profile
# bin measured d metres of ground track back is believed with weight exp(-d / L) against the
# single filtered ratio [m]; <= 0: the single ratio only, inf: the profile as measured (S2/R)
N_SKIP_PARAMS = 34

# --- SP_FINAL_MODE: the hand-over to the Apollo final phase (skip_cycle.final_phase_due) --
FINAL_NONE = 0  # the predictor-corrector flies to e_f itself
FINAL_HAND_OVER = 1  # the terminal point controller takes over at the hand-over point
FINAL_MARK = 2  # record the hand-over point, keep flying: the pre-flight nominal that places
# the final phase's reference trajectory (sequence/final_phase.py)

# --- memory vector mem ----------------------------------------------------------------------
SM_SIGMA0_RAD = 0  # sigma_0 of the last solved profile [rad]
SM_E0_J_KG = 1  # energy at which that profile starts [J/kg]
SM_LIFT_SIGN = 2  # +1 lift right, -1 lift left; 0 before the first cycle
SM_RHO_RATIO = 3  # filtered ratio of sensed to modelled drag (1 before any drag)
SM_STATUS = 4  # STATUS_* of the last cycle
SM_MISS_M = 5  # predicted downrange miss of the flown sigma_0 [m], positive: short
SM_N_PRED = 6  # predictions run in the last cycle
SM_PRED_OUTCOME = 7  # PRED_* of the flown sigma_0's prediction
SM_REVERSALS = 8  # bank reversals so far
SM_BANK_CMD_RAD = 9  # signed bank command of the last cycle [rad]
SM_CROSS_PRED_M = 10  # predicted crossrange at e_f of the flown sigma_0 [m], NaN if none
SM_INITIAL_ROLL = 11  # 1 while the initial roll holds the lift up, else 0
SM_LD_EST = 12  # L/D measured from the navigated velocity, filtered; NaN: none yet (SP_LD)
SM_PREV_X_M = 13  # navigated position and velocity of the previous cycle, planet-fixed,
SM_PREV_VZ_M_S = 18  # slots 13-18 (x, y, z, vx, vy, vz); NaN before the first cycle
# the density-ratio profile, PROFILE_SIZE slots from SM_GROUND_M: the ground distance
# flown so far (navigated, along the surface) [m]; then the mean sensed/modelled drag
# ratio in altitude bins of RATIO_BIN_M from 0 m (SM_PROFILE0 ...), the samples in each
# bin (SM_PROFILE0 + N_RATIO_BINS ...; a bin without samples is not measured) and the
# mean ground distance its samples were taken at (SM_PROFILE0 + 2 N_RATIO_BINS ...) [m]
SM_GROUND_M = 19
SM_PROFILE0 = 20
RATIO_BIN_M = 5000.0  # (T) under one scale height (~7 km below 90 km): a layer that thick shows
N_RATIO_BINS = 26  # 0-130 km: above the 121.92 km entry interface
PROFILE_SIZE = 1 + 3 * N_RATIO_BINS
N_SKIP_MEM = SM_GROUND_M + PROFILE_SIZE


# Horizontal correlation length of the density perturbation over which the profile's bins are
# believed (SP_RATIO_CORR_M), R: the long end of the hundreds to ~1,000 km over which
# mesospheric density structure is correlated (mesopause waves of 263 and 772 km wavelength,
# Kwon, Senft & Gardner, JGR 95(D9), 1990; no Earth-GRAM correlation length was read);
# docs/skip_guidance.md, "A horizontally varying atmosphere". Chosen before measuring.
DENSITY_CORRELATION_LENGTH_M = 1000e3


def default_skip_params(
    planet_mu_m3_s2: float,
    planet_radius_m: float,
    rotation_rad_s: float,
    ballistic_coeff_kg_m2: float,
    lift_to_drag: float,
    target_unit_pf: np.ndarray,
    mode: int = MODE_SKIP,
) -> np.ndarray:
    """The parameter vector with this project's defaults for a lunar-return capsule.

    Parameters
    ----------
    planet_mu_m3_s2 : float
        Gravitational parameter, m^3/s^2.
    planet_radius_m : float
        Spherical radius for altitude and range, m.
    rotation_rad_s : float
        Planet rotation rate, rad/s.
    ballistic_coeff_kg_m2 : float
        m / (C_D S) the guidance believes, kg/m^2.
    lift_to_drag : float
        L/D the guidance believes.
    target_unit_pf : array of 3 floats
        Direction of the target, planet-fixed (normalised here).
    mode : int
        MODE_SKIP or MODE_DIRECT.

    Returns
    -------
    numpy.ndarray
        float64[N_SKIP_PARAMS]. Point-mass gravity (J2 = 0; set SP_J2 and
        SP_R_EQ_M to use it) and a spherical surface (set SP_FLATTENING,
        with SP_R_SURFACE_M the equatorial radius, for an ellipsoid).
        Terminal condition 25 km at 700 m/s (T: near Mach 2, where a
        capsule's entry guidance stops steering range);
        sigma_f = 70 deg (T; Lu 2014 uses a fixed sigma_f as the profile's
        end point). RK4 at 2 s inside 121.92 km and 20 s above (E: the
        drag-free energy invariant holds to 1e-7, tested). Prediction cap
        2500 s (T: Artemis I flew 1167 s EI to splashdown, EARTH.md 1.3).
        Tolerance 300 m, 12 predictions per cycle (T). sigma_0 in [0, 180]
        deg. Lateral corridor 2 km + 4e-4 s^2/m V^2 (T: 50 km at 11 km/s,
        2.4 km at 1 km/s; the form of Apollo's, GUIDANCE.md 1.4). Lift acts
        above 0.5 m/s^2 of sensed drag (T). Corrector frozen below 1,500 m/s
        (T). Direct mode keeps the drag above 6 ft/s^2 = 1.83 m/s^2 after
        the first rise (R: Apollo's Kepler-phase threshold). Density ratio
        filter tau = 10 s (T). Cycle 1 s (S). No hand-over to a final
        phase (FINAL_NONE; its speed defaults to the circular speed at
        SP_H_ATM_M, E). The initial roll, when the memory starts in it
        (:func:`initial_skip_memory`), holds the lift up until 0.05 g of
        sensed drag and an altitude rate above -700 ft/s (R: Apollo's
        initial-roll exit, Graves & Harpold, NASA TN D-6725).
    """
    p = np.zeros(N_SKIP_PARAMS)
    t = np.asarray(target_unit_pf, dtype=np.float64)
    t = t / math.sqrt(float(t @ t))
    p[SP_MU] = planet_mu_m3_s2
    p[SP_J2] = 0.0
    p[SP_R_EQ_M] = planet_radius_m
    p[SP_OMEGA_RAD_S] = rotation_rad_s
    p[SP_R_SURFACE_M] = planet_radius_m
    p[SP_BETA_KG_M2] = ballistic_coeff_kg_m2
    p[SP_LD] = lift_to_drag
    p[SP_SIGMA_F_RAD] = math.radians(70.0)
    p[SP_H_F_M] = 25e3
    p[SP_V_F_M_S] = 700.0
    p[SP_DT_ATM_S] = 2.0
    p[SP_DT_COAST_S] = 20.0
    p[SP_H_ATM_M] = 121.92e3
    p[SP_T_MAX_S] = 2500.0
    p[SP_TOL_M] = 300.0
    p[SP_MAX_PRED] = 12.0
    p[SP_SIGMA_MAX_RAD] = math.pi
    p[SP_DEADBAND_C0_M] = 2e3
    p[SP_DEADBAND_C2_S2_M] = 4e-4
    p[SP_DRAG_ACTIVE_M_S2] = 0.5
    p[SP_V_FREEZE_M_S] = 1500.0
    p[SP_MODE] = float(mode)
    p[SP_DIRECT_DRAG_MIN_M_S2] = 6.0 * 0.3048
    p[SP_RATIO_TAU_S] = 10.0
    p[SP_TGT_X], p[SP_TGT_Y], p[SP_TGT_Z] = t
    p[SP_DT_CYCLE_S] = 1.0
    p[SP_FLATTENING] = 0.0
    p[SP_FINAL_MODE] = float(FINAL_NONE)
    p[SP_FINAL_V_M_S] = math.sqrt(planet_mu_m3_s2 / (planet_radius_m + p[SP_H_ATM_M]))
    p[SP_ROLL_DRAG_M_S2] = 0.05 * G0_M_S2
    p[SP_ROLL_HDOT_M_S] = -700.0 * 0.3048
    p[SP_RATIO_CORR_M] = DENSITY_CORRELATION_LENGTH_M
    return p


def initial_skip_memory(sigma0_rad: float, initial_roll: bool = False) -> np.ndarray:
    """Memory before the first cycle: the corrector's first guess ``sigma0_rad``, ratio 1.

    ``initial_roll`` starts the flight in Apollo's initial roll (lift up held,
    skip_cycle); it needs SP_ROLL_DRAG_M_S2 > 0 to end.
    """
    mem = np.zeros(N_SKIP_MEM)
    mem[SM_INITIAL_ROLL] = 1.0 if initial_roll else 0.0
    mem[SM_SIGMA0_RAD] = sigma0_rad
    mem[SM_RHO_RATIO] = 1.0
    mem[SM_E0_J_KG] = math.nan  # no profile solved yet
    mem[SM_CROSS_PRED_M] = math.nan
    mem[SM_LD_EST] = math.nan
    mem[SM_PREV_X_M : SM_PREV_VZ_M_S + 1] = math.nan
    return mem
