"""Mode numbers and parameter layout of the compiled powered-descent guidance.

The powered-descent mode machine (GUIDANCE.md 3.1, 3.3) runs inside the
compiled kernel, one case per lane, so its tunables travel as a plain float64
vector ``params[N_PD_PARAMS]``. These integer constants name the modes and the
entries of that vector; change them here only. :func:`default_pd_params`
builds the Mars 2020 nominal vector.

Source tags follow GUIDANCE.md: **S** seen in a source, **S2** a secondary
source naming its primary, **R** recalled or uncertain (a tunable default),
**E** derived here (the arithmetic is in the comment).
"""

from __future__ import annotations

import math

import numpy as np

# --- powered-descent modes, in flight order (GUIDANCE.md 3.1, 3.3) ----------------
PD_FREE_FALL = 0  # engines primed, no thrust while clearing the backshell
PD_APPROACH = 1  # polynomial guidance (3.2) to the waypoint above the target
PD_CONSTANT_VELOCITY = 2  # vertical descent at the constant "accordion" speed
PD_CONSTANT_DECEL = 3  # constant deceleration to the sky-crane speed
PD_SKY_CRANE = 4  # rover on the bridle, descent at the sky-crane speed
PD_TOUCHDOWN_CONFIRM = 5  # touchdown detected, hover until the bridles are cut
PD_FLYAWAY = 6  # bridles cut: climb, pitch over and burn to depletion
PD_BALLISTIC = 7  # propellant gone, engines off
N_PD_MODES = 8
PD_MODE_NAMES = (
    "free_fall",
    "approach",
    "constant_velocity",
    "constant_decel",
    "sky_crane",
    "touchdown_confirm",
    "flyaway",
    "ballistic",
)

# --- parameter vector -----------------------------------------------------------
PDP_N_ENGINES = 0  # engines firing until the sky crane [-]
PDP_N_ENGINES_SKY_CRANE = 1  # engines firing from the sky crane on [-]
PDP_ENGINE_THRUST_N = 2  # maximum thrust of one engine [N]
PDP_THROTTLE_MIN = 3  # minimum throttle [-]
PDP_THROTTLE_MAX = 4  # maximum throttle [-]
PDP_ISP_S = 5  # specific impulse [s]
PDP_CANT_RAD = 6  # engine cant from the thrust axis [rad]
PDP_TILT_MAX_RAD = 7  # largest thrust-axis tilt from the local vertical [rad]
PDP_FREE_FALL_S = 8  # free fall after backshell separation [s]
PDP_WAYPOINT_HEIGHT_M = 9  # approach waypoint height above the target [m]
PDP_WAYPOINT_VSPEED_M_S = 10  # vertical velocity at the waypoint, along up [m/s]
PDP_THRUST_MARGIN = 11  # tau is lengthened until m|a_T| <= margin * T_max [-]
PDP_TAU_SWITCH_S = 12  # approach ends when the time to go falls below this [s]
PDP_CV_SPEED_M_S = 13  # constant-velocity descent speed (positive down) [m/s]
PDP_CD_DECEL_M_S2 = 14  # constant-deceleration magnitude [m/s^2]
PDP_SC_SPEED_M_S = 15  # sky-crane descent speed (positive down) [m/s]
PDP_SC_HEIGHT_M = 16  # descent-stage height at rover release [m]
PDP_BRIDLE_M = 17  # rover hangs this far below the descent stage [m]
PDP_ROVER_MASS_KG = 18  # rover mass [kg]
PDP_DRY_MASS_KG = 19  # descent-stage mass without propellant [kg]
PDP_KP_HORIZ_S2 = 20  # horizontal position gain of the terminal modes [1/s^2]
PDP_KD_HORIZ_S = 21  # horizontal velocity gain of the terminal modes [1/s]
PDP_KV_VERT_S = 22  # vertical velocity gain of the terminal modes [1/s]
PDP_TD_THRESHOLD = 23  # touchdown: thrust below this fraction of hover [-]
PDP_TD_PERSISTENCE_S = 24  # ... for this long [s]
PDP_TD_WINDOW_FRAC = 25  # detector armed after this fraction of the expected lowering [-]
PDP_CUT_DELAY_S = 26  # detection to bridle cut [s]
PDP_FLYAWAY_PITCH_RAD = 27  # flyaway thrust tilt from vertical [rad]
PDP_FLYAWAY_AZIMUTH_RAD = 28  # flyaway heading, clockwise from north [rad]
PDP_FLYAWAY_CLIMB_S = 29  # vertical climb before the pitch-over [s]
PDP_FLYAWAY_WEIGHT_FACTOR = 30  # flyaway vertical thrust / weight [-]
N_PD_PARAMS = 31

PDP_NAMES = (
    "n_engines",
    "n_engines_sky_crane",
    "engine_thrust_n",
    "throttle_min",
    "throttle_max",
    "isp_s",
    "cant_rad",
    "tilt_max_rad",
    "free_fall_s",
    "waypoint_height_m",
    "waypoint_vspeed_m_s",
    "thrust_margin",
    "tau_switch_s",
    "cv_speed_m_s",
    "cd_decel_m_s2",
    "sc_speed_m_s",
    "sc_height_m",
    "bridle_m",
    "rover_mass_kg",
    "dry_mass_kg",
    "kp_horiz_s2",
    "kd_horiz_s",
    "kv_vert_s",
    "td_threshold",
    "td_persistence_s",
    "td_window_frac",
    "cut_delay_s",
    "flyaway_pitch_rad",
    "flyaway_azimuth_rad",
    "flyaway_climb_s",
    "flyaway_weight_factor",
)


def default_pd_params(
    *,
    rover_mass_kg: float = 1025.0,
    dry_mass_kg: float = 670.0,
    flyaway_azimuth_rad: float = 0.0,
    waypoint_height_m: float = 100.0,
) -> np.ndarray:
    """Return the Mars 2020 nominal powered-descent parameter vector.

    Parameters
    ----------
    rover_mass_kg : float
        Rover mass, kg. M2020 1,025 kg (S, REFERENCE.md); MSL 899 kg.
    dry_mass_kg : float
        Descent-stage mass without propellant, kg. E: M2020 1,070 kg fuelled minus
        about 400 kg propellant (S / S2, REFERENCE.md).
    flyaway_azimuth_rad : float
        Flyaway heading clockwise from north, rad; set by the mission away from
        the rover and the backshell impact (GUIDANCE.md 3.3).
    waypoint_height_m : float
        Approach waypoint height of the descent stage above the target, m.

    Returns
    -------
    numpy.ndarray
        ``params[N_PD_PARAMS]`` indexed by the ``PDP_*`` constants.

    Notes
    -----
    The waypoint is 100 m above the target (R, GUIDANCE.md 3.1 gives 50-100 m)
    because it must lie above the start of the constant deceleration,
    h_cd = h_sc + (v_cv^2 - v_sc^2) / (2 a_cd) = 20 + (20^2 - 0.75^2) / 8 = 70 m
    (E, with a_cd = 4 m/s^2); the 30 m between them is the nominal
    constant-velocity "accordion" (1.5 s at 20 m/s) that absorbs altitude
    error. a_cd = 4 m/s^2 (R) needs a thrust acceleration of 7.7 m/s^2, about
    65 % throttle for the 2.1 t vehicle, leaving margin. The engine cant is
    taken as 0 (R: a point-mass model with the thrust along one axis); a cant
    phi scales every thrust limit by cos(phi) (GUIDANCE.md 3.2).
    """
    p = np.zeros(N_PD_PARAMS)
    p[PDP_N_ENGINES] = 8.0  # S2: 8 Mars Landing Engines
    p[PDP_N_ENGINES_SKY_CRANE] = 4.0  # S2: 4 of 8 shut down at the sky crane
    p[PDP_ENGINE_THRUST_N] = 3.1e3  # S2
    p[PDP_THROTTLE_MIN] = 0.13  # S2
    p[PDP_THROTTLE_MAX] = 1.0  # S2
    p[PDP_ISP_S] = 220.0  # S2
    p[PDP_CANT_RAD] = 0.0  # R: see Notes
    p[PDP_TILT_MAX_RAD] = math.radians(45.0)  # R
    p[PDP_FREE_FALL_S] = 1.0  # R
    p[PDP_WAYPOINT_HEIGHT_M] = waypoint_height_m  # R: see Notes
    p[PDP_WAYPOINT_VSPEED_M_S] = -20.0  # R
    p[PDP_THRUST_MARGIN] = 0.8  # E: GUIDANCE.md 3.2
    p[PDP_TAU_SWITCH_S] = 1.0  # R: freeze below 1-2 s (GUIDANCE.md 3.2)
    p[PDP_CV_SPEED_M_S] = 20.0  # R
    p[PDP_CD_DECEL_M_S2] = 4.0  # R: see Notes
    p[PDP_SC_SPEED_M_S] = 0.75  # S
    p[PDP_SC_HEIGHT_M] = 20.0  # S
    p[PDP_BRIDLE_M] = 7.5  # S
    p[PDP_ROVER_MASS_KG] = rover_mass_kg
    p[PDP_DRY_MASS_KG] = dry_mass_kg
    # E: critically damped horizontal loop, omega_n = 0.8 rad/s (kp = w^2, kd = 2 w); it
    # damps the approach hand-over residual (~0.5 m/s) below 0.05 m/s by the sky crane
    p[PDP_KP_HORIZ_S2] = 0.64
    p[PDP_KD_HORIZ_S] = 1.6
    p[PDP_KV_VERT_S] = 1.0  # E: 1 s vertical-velocity time constant
    p[PDP_TD_THRESHOLD] = 0.6  # R
    p[PDP_TD_PERSISTENCE_S] = 0.5  # R: 0.5-1 s
    # R: armed after half the expected lowering time (h_sc - bridle) / v_sc
    p[PDP_TD_WINDOW_FRAC] = 0.5
    p[PDP_CUT_DELAY_S] = 2.0  # S2
    p[PDP_FLYAWAY_PITCH_RAD] = math.radians(45.0)  # R: 45-50 deg
    p[PDP_FLYAWAY_AZIMUTH_RAD] = flyaway_azimuth_rad
    p[PDP_FLYAWAY_CLIMB_S] = 1.5  # S2: pitch-over 1-2 s after the cut
    p[PDP_FLYAWAY_WEIGHT_FACTOR] = 1.05  # R: "at or slightly above weight"
    return p
