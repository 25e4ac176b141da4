"""Index layout of the plain arrays that cross into the compiled kernel.

Python objects never enter the hot loop: a batch is described by a per-case
state matrix ``y0[n, N_STATE]``, a per-case parameter matrix
``params[n, N_PARAMS]``, a shared *model* tuple of tables (planet constants,
atmosphere, winds, aerodynamic bank) and a settings vector. These integer
constants name the columns; change them here only.
"""

from __future__ import annotations

# --- state vector (planet-fixed, rotating frame; SI) -------------------------
S_X, S_Y, S_Z = 0, 1, 2  # position r_pf [m]
S_VX, S_VY, S_VZ = 3, 4, 5  # planet-relative velocity v_pf [m/s]
S_MASS = 6  # mass [kg]
S_HEAT_LOAD = 7  # integrated stagnation heat load [J/m^2]
N_STATE = 8

# --- per-case parameters ------------------------------------------------------
P_REF_AREA_M2 = 0
P_NOSE_RADIUS_M = 1
P_BANK_RAD = 2
P_CD_SCALE = 3
P_CL_SCALE = 4
P_DENSITY_SCALE = 5
P_HEAT_K = 6  # Sutton–Graves constant [kg^0.5/m]
P_AERO_TABLE = 7  # row of the aerodynamic bank (stored as float)
P_STOP_KIND = 8  # one of STOP_*
P_STOP_VALUE = 9
P_GROUND_ALT_M = 10  # surface altitude above the reference ellipsoid [m]
P_T_MAX_S = 11  # time limit [s] after the case's start time
N_PARAMS = 12

STOP_NONE = 0
STOP_SPEED = 1  # planet-relative speed falls to the value [m/s]
STOP_MACH = 2  # Mach number falls to the value
STOP_ALTITUDE = 3  # altitude falls to the value [m]

# --- auxiliary (derived) quantities the right-hand side returns ----------------
A_ALT_M = 0
A_AIRSPEED_M_S = 1  # wind-relative speed
A_MACH = 2
A_DYN_PRESSURE_PA = 3
A_HEAT_RATE_W_M2 = 4
A_AERO_ACCEL_M_S2 = 5  # magnitude of the non-gravitational (sensed) acceleration
A_SPEED_M_S = 6  # planet-relative speed
N_AUX = 7

# --- events recorded per case ---------------------------------------------------
EV_PEAK_HEAT = 0
EV_PEAK_DECEL = 1
EV_PEAK_DYN_PRESSURE = 2
EV_STOP = 3
EV_GROUND = 4
N_EVENTS = 5

# auxiliary quantity whose maximum each peak event records
PEAK_EVENTS = (
    (EV_PEAK_HEAT, A_HEAT_RATE_W_M2),
    (EV_PEAK_DECEL, A_AERO_ACCEL_M_S2),
    (EV_PEAK_DYN_PRESSURE, A_DYN_PRESSURE_PA),
)

# --- per-case termination status ------------------------------------------------
ST_STOPPED = 0  # the stop condition fired
ST_GROUND = 1  # hit the ground before the stop condition
ST_TIME_LIMIT = 2  # reached P_T_MAX_S
ST_NONFINITE = 3  # the state became non-finite or the step collapsed
ST_MAX_STEPS = 4  # step budget exhausted
STATUS_TEXT = {
    ST_STOPPED: "stop condition reached",
    ST_GROUND: "hit the ground before the stop condition",
    ST_TIME_LIMIT: "time limit reached before the stop condition",
    ST_NONFINITE: "integration failed (non-finite state or step-size collapse)",
    ST_MAX_STEPS: "step budget exhausted",
}

# --- integrator settings vector --------------------------------------------------
SET_RTOL = 0
SET_ATOL = 1
SET_MAX_STEP_S = 2
SET_OUTPUT_DT_S = 3  # trajectory sampling interval; 0 records no trajectory
SET_FIRST_STEP_S = 4
SET_MAX_STEPS = 5
N_SETTINGS = 6
