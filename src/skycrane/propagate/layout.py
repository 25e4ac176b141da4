"""Index layout of the plain arrays that cross into the compiled kernel.

Python objects never enter the hot loop: a batch is described by a per-case
state matrix ``y0[n, N_STATE]``, a per-case parameter matrix
``params[n, N_PARAMS]``, per-case guidance/sequence memory ``mem[n, N_MEM]``,
a shared *model* tuple of tables (planet, atmosphere, winds, aerodynamic bank,
parachute, entry-guidance reference, sequence) and a settings vector. These
integer constants name the columns; change them here only.
"""

from __future__ import annotations

# --- state vector (planet-fixed, rotating frame; SI) -------------------------
S_X, S_Y, S_Z = 0, 1, 2  # position r_pf [m]
S_VX, S_VY, S_VZ = 3, 4, 5  # planet-relative velocity v_pf [m/s]
S_MASS = 6  # mass [kg]
S_HEAT_LOAD = 7  # integrated stagnation heat load [J/m^2]
S_BANK = 8  # bank angle [rad], positive = lift to the right of the flight direction
S_WORK = 9  # specific work of aerodynamic, parachute and thrust forces [J/kg]
N_STATE = 10

# --- per-case parameters (constant during a flight) ---------------------------
P_REF_AREA_M2 = 0  # initial aerodynamic reference area
P_NOSE_RADIUS_M = 1
P_BANK_RAD = 2  # constant bank command (constant-bank guidance)
P_CD_SCALE = 3
P_CL_SCALE = 4
P_DENSITY_SCALE = 5
P_HEAT_K = 6  # Sutton–Graves constant [kg^0.5/m]
P_AERO_TABLE = 7  # initial row of the aerodynamic bank
P_STOP_KIND = 8  # extra stop condition, one of STOP_*
P_STOP_VALUE = 9
P_GROUND_ALT_M = 10  # surface altitude above the reference ellipsoid [m]
P_T_MAX_S = 11  # time limit [s] after the case's start time
P_TGT_X, P_TGT_Y, P_TGT_Z = 12, 13, 14  # landing target, planet-fixed [m]
P_RANGE_RADIUS_M = 15  # sphere radius for great-circle range to go
P_BANK_RATE_MAX = 16  # [rad/s]
P_BANK_TAU_S = 17  # first-order bank response time constant
P_CHUTE_S0_M2 = 18  # parachute nominal area
P_CHUTE_CD_SCALE = 19
P_CHUTE_T_LS_S = 20  # mortar fire to line stretch
P_CHUTE_NF = 21  # inflation distance in diameters: t_inf = n_f D0 / V
P_CHUTE_K = 22  # inflation exponent of the drag-area growth
P_CHUTE_D0_M = 23
P_NAV_X, P_NAV_Y, P_NAV_Z = 24, 25, 26  # inertial-navigation position error [m]
P_ENTRY_DT_S = 27  # entry guidance cycle
P_PD_DT_S = 28  # powered-descent guidance cycle
P_DEPLOY_RANGE_M = 29  # range trigger: deploy when range to go falls to this
P_DEPLOY_V_MAX = 30  # never deploy above this speed (qualification)
P_DEPLOY_V_MIN = 31  # deploy anyway at this speed (backup)
P_SUFR_LEAD_S = 32  # SUFR starts this long before the predicted deploy
P_DEPLOY_SPEED = 33  # velocity trigger speed (used for the SUFR prediction)
P_ROVER_HANG_M = 34  # rover wheels below the descent stage on the bridles
P_ROVER_MASS_KG = 35
P_DRY_MASS_KG = 36  # descent-stage mass without propellant (engines stop at this)
P_ISP_S = 37  # descent engines' specific impulse
P_ROVER_BODY = 38  # row of the body table that is the rover
P_GROUND_OK = 39  # 1.0: reaching the ground is this body's planned end (jettisoned parts)
P_FLYAWAY_REL_RAD = 40  # flyaway azimuth relative to the approach track [rad]
P_FLYAWAY_BURN_S = 41  # flyaway timer: engines off this long after the cut
P_TRN_X, P_TRN_Y, P_TRN_Z = 42, 43, 44  # position error after terrain-relative nav [m]
P_CHUTE_OLF = 45  # parachute opening-load factor (peak over steady drag area)
P_RETARGET = 46  # 1.0: safe-target selection retargets powered descent (else: the target)
P_DIVERT_MAX_M = 47  # largest divert from the predicted no-divert landing point
P_STS_ALONG_M = 48  # nominal no-divert landing point from the ground point below the
P_STS_CROSS_M = 49  # vehicle at powered-descent start: along track, and to the left
P_PD0 = 50  # powered-descent parameter block: P_PD0 + guidance.powered_layout.PDP_*
N_PD_SLOTS = 40
# dispersion block: per-case perturbations a Monte Carlo draws. All zero is the
# nominal flight, so a row built without them flies unperturbed.
P_DISP0 = P_PD0 + N_PD_SLOTS
P_THRUST_ERROR = P_DISP0  # achieved / commanded thrust - 1
P_WIND_SCALE_ERROR = P_DISP0 + 1  # the wind profile is multiplied by 1 + this
P_WIND_E_M_S = P_DISP0 + 2  # constant wind added to the profile, toward east
P_WIND_N_M_S = P_DISP0 + 3  # ... toward north
P_ATM_N = P_DISP0 + 4  # number of atmosphere perturbation nodes in use (0: none)
P_ATM_H0_M = P_DISP0 + 5  # altitude of the first node
P_ATM_DH_M = P_DISP0 + 6  # node spacing
ATM_MAX_NODES = 32
P_ATM_RHO0 = P_DISP0 + 7  # rho / rho_nominal at node k: P_ATM_RHO0 + k
P_ATM_SOUND0 = P_ATM_RHO0 + ATM_MAX_NODES  # sqrt(T / T_nominal) at node k: P_ATM_SOUND0 + k
N_PARAMS = P_ATM_SOUND0 + ATM_MAX_NODES

STOP_NONE = 0
STOP_SPEED = 1  # planet-relative speed falls to the value [m/s]
STOP_MACH = 2  # Mach number falls to the value
STOP_ALTITUDE = 3  # altitude falls to the value [m]

# --- per-case memory: guidance and sequence state, changed at step boundaries ---
M_SEQ_NEXT = 0  # index of the next sequence event
M_LIFT_ON = 1  # 1.0 while the centre of mass is offset (lift), else 0.0
M_AERO_TABLE = 2
M_REF_AREA_M2 = 3
M_GUIDANCE = 4  # one of GUID_*
M_BANK_CMD = 5  # held bank command [rad]
M_ETPC_PHASE = 6
M_LIFT_SIGN = 7
M_DRAG_FILT = 8  # filtered sensed drag [m/s^2]
M_NEXT_GUIDE_T = 9  # time of the next guidance cycle
M_CHUTE_FIRE_T = 10  # mortar fire time (NaN: no parachute)
M_CHUTE_V_LS = 11  # airspeed at mortar fire, sets the inflation time
M_THRUST_X, M_THRUST_Y, M_THRUST_Z = 12, 13, 14  # held thrust command, planet-fixed [N]
M_PD_MODE = 15
M_PD_MODE_T0 = 16
M_TD_TIMER = 17
M_ROVER_ON = 18  # 1.0 while the rover hangs on the bridles
M_ENGINES_ON = 19
M_SPAWNED = 20  # number of bodies spawned so far
M_FLYAWAY_AZ = 21  # flyaway azimuth, clockwise from north [rad]
M_HOVER_THRUST_N = 23  # thrust before touchdown, for the touchdown detector
M_DONE = 24  # 1.0 once the main vehicle's flight is complete
M_TOUCHED = 25  # 1.0 once the rover's wheels are on the ground
M_CUT = 26  # 1.0 once the bridles are cut
M_NAV_X, M_NAV_Y, M_NAV_Z = 28, 29, 30  # position error guidance sees now [m]
M_PD_TGT_X, M_PD_TGT_Y, M_PD_TGT_Z = 31, 32, 33  # powered-descent target, planet-fixed [m]
M_BANK0 = 34  # bank when the held command was set [rad] (skycrane.vehicle.bank)
M_BANK_T0 = 35  # time the held command was set
# entry-guidance telemetry: what the last cycle computed, recorded only (NaN before it)
M_RANGE_TO_GO_M = 36  # great-circle range to go from the navigated position [m]
M_PREDICTED_RANGE_M = 37  # the terminal point controller's predicted range R_p [m]
M_CROSSRANGE_RAD = 38  # chi = r_tgt_hat . unit(r_nav x v), positive: target to the left
M_ENTRY_CYCLE_T_S = 39  # time of that cycle
N_MEM = 40

GUID_NONE = 0
GUID_CONSTANT_BANK = 1
GUID_ENTRY = 2
GUID_POWERED = 3

# --- auxiliary (derived) quantities the right-hand side returns ----------------
A_ALT_M = 0
A_AIRSPEED_M_S = 1  # wind-relative speed
A_MACH = 2
A_DYN_PRESSURE_PA = 3
A_HEAT_RATE_W_M2 = 4
A_AERO_ACCEL_M_S2 = 5  # magnitude of the aerodynamic acceleration (capsule and parachute)
A_SPEED_M_S = 6  # planet-relative speed
A_CHUTE_FORCE_N = 7  # parachute drag force
A_THRUST_N = 8
A_DRAG_ACCEL_M_S2 = 9  # drag part of the aerodynamic acceleration (what entry guidance filters)
A_BANK_RAD = 10  # bank angle from the attitude response (skycrane.vehicle.bank)
# entry-guidance telemetry, copied from memory (held between cycles): M_DRAG_FILT and
# M_RANGE_TO_GO_M .. M_ENTRY_CYCLE_T_S in that order
A_DRAG_FILT_M_S2 = 11  # filtered sensed drag [m/s^2]
A_RANGE_TO_GO_M = 12
A_PREDICTED_RANGE_M = 13
A_CROSSRANGE_RAD = 14
A_ENTRY_CYCLE_T_S = 15  # when the entry guidance computed them
N_AUX = 16

# --- sequence table: one column per event, rows SQ_* ---------------------------
SQ_TRIGGER = 0  # one of TR_*
SQ_VALUE = 1
SQ_REF = 2  # TR_TIME_AFTER: index of the referenced event
SQ_LIFT = 3  # -1 keep, 0 off, 1 on
SQ_AERO = 4  # -1 keep, else aerodynamic-bank row
SQ_AREA = 5  # NaN keep, else reference area [m^2]
SQ_GUIDANCE = 6  # -1 keep, else GUID_*
SQ_CHUTE = 7  # 0 nothing, 1 fire the mortar, 2 release the parachute
SQ_SPAWN0 = 8  # first row of the body table this event jettisons
SQ_SPAWN_N = 9  # how many bodies it jettisons
SQ_STOP = 10  # 1: the main vehicle's flight ends at this event
SQ_BANK = 11  # NaN keep, else the bank command to hold [rad]
SQ_NAV = 12  # 1: navigation switches to terrain-relative (P_TRN_*); 2: radar removes the
# vertical part of the navigation error (the terminal descent sensor measures altitude)
N_SQ_ROWS = 13

TR_TIME = 0  # t >= value
TR_TIME_AFTER = 1  # t >= t(event SQ_REF) + value
TR_ALTITUDE_BELOW = 2  # altitude above the ellipsoid <= value
TR_AGL_BELOW = 3  # height above the target's ground <= value
TR_SPEED_BELOW = 4  # planet-relative speed <= value
TR_MACH_BELOW = 5
TR_RANGE = 6  # range trigger (P_DEPLOY_RANGE_M inside [P_DEPLOY_V_MIN, P_DEPLOY_V_MAX])
TR_SUFR_LEAD = 7  # predicted time to the deploy trigger <= P_SUFR_LEAD_S (checked each cycle)
TR_POWERED = 8  # hands the sequence to the powered-descent mode machine (never fires itself)

# body table rows (shared): one column per jettisoned body
B_MASS_KG = 0
B_DV_M_S = 1  # separation speed
B_DV_DIR = 2  # one of DV_*
N_B_ROWS = 3
DV_NONE = 0
DV_RETRO = 1  # against the velocity
DV_LATERAL = 2  # horizontal, normal to the velocity, alternating sides
DV_DOWN = 3  # toward the ground

# --- events recorded per case: fixed slots, then one per sequence event -------
EV_PEAK_HEAT = 0
EV_PEAK_DECEL = 1
EV_PEAK_DYN_PRESSURE = 2
EV_STOP = 3
EV_GROUND = 4
EV_RANGE_CONTROL = 5
EV_HEADING_ALIGNMENT = 6
EV_LINE_STRETCH = 7
EV_PEAK_CHUTE_LOAD = 8
EV_POWERED_APPROACH = 9
EV_CONSTANT_VELOCITY = 10
EV_CONSTANT_DECEL = 11
EV_SKY_CRANE = 12
EV_TOUCHDOWN = 13
EV_TOUCHDOWN_DETECTED = 14
EV_BRIDLES_CUT = 15
EV_FLYAWAY = 16
EV_ENGINES_OUT = 17
EV_SEQ0 = 18  # sequence event k is slot EV_SEQ0 + k
MAX_SEQ = 30
N_EVENTS = EV_SEQ0 + MAX_SEQ

MAX_SPAWN = 16  # jettisoned bodies per case

# auxiliary quantity whose maximum each peak event records
PEAK_EVENTS = (
    (EV_PEAK_HEAT, A_HEAT_RATE_W_M2),
    (EV_PEAK_DECEL, A_AERO_ACCEL_M_S2),
    (EV_PEAK_DYN_PRESSURE, A_DYN_PRESSURE_PA),
    (EV_PEAK_CHUTE_LOAD, A_CHUTE_FORCE_N),
)

# --- per-case termination status ------------------------------------------------
ST_STOPPED = 0  # the flight ended as planned (stop event, or crash after the rover is down)
ST_GROUND = 1  # hit the ground before the planned end
ST_TIME_LIMIT = 2  # reached P_T_MAX_S
ST_NONFINITE = 3  # the state became non-finite or the step collapsed
ST_MAX_STEPS = 4  # step budget exhausted
ST_SPAWN_OVERFLOW = 5  # more jettisoned bodies than MAX_SPAWN
STATUS_TEXT = {
    ST_STOPPED: "flight complete",
    ST_GROUND: "hit the ground before the planned end",
    ST_TIME_LIMIT: "time limit reached before the planned end",
    ST_NONFINITE: "integration failed (non-finite state or step-size collapse)",
    ST_MAX_STEPS: "step budget exhausted",
    ST_SPAWN_OVERFLOW: "too many jettisoned bodies for the spawn buffer",
}

# --- integrator settings vector --------------------------------------------------
SET_RTOL = 0
SET_ATOL = 1
SET_MAX_STEP_S = 2
SET_OUTPUT_DT_S = 3  # trajectory sampling interval; 0 records no trajectory
SET_FIRST_STEP_S = 4
SET_MAX_STEPS = 5
N_SETTINGS = 6
