"""Every field of the kernel contract, declared once.

The compiled kernel reads and writes plain float64 arrays (DESIGN.md, "The
kernel contract"). This module declares each of their slots -- name, unit,
meaning, origin, how it disperses -- and each enumeration the arrays carry.
:mod:`skycrane.contract.layout` numbers them; the nominal packing
(:mod:`skycrane.sequence.pack`), the memory a case starts with, the
Monte Carlo appliers (:mod:`skycrane.dispersions.cases`) and the event names of
results and tables are generated from these lists. Adding a parameter is one
entry here plus the physics that reads it (``docs/architecture.md``).

Frames: ``_pf`` is planet-fixed Cartesian (the propagation frame); angles are
radians inside the kernel, whatever the mission file's unit.
"""

from __future__ import annotations

from skycrane.constants import G0_M_S2
from skycrane.contract.declare import (
    Derived,
    Disperse,
    Event,
    Field,
    Fixed,
    Kernel,
    Key,
    Preflight,
)
from skycrane.contract.fields_chutes import MAX_CLUSTERS
from skycrane.contract.fields_navigation import NAVIGATION_MEMORY, NAVIGATION_PARAMS
from skycrane.contract.fields_skip import SKIP_EVENTS, SKIP_MEMORY, SKIP_PARAMS, SKIP_PHASES
from skycrane.contract.powered_fields import POWERED_DESCENT

# --- state vector (planet-fixed, rotating frame; SI) ------------------------------------
STATE = (
    Field("S_X", "m", "position r_pf, x"),
    Field("S_Y", "m", "position r_pf, y"),
    Field("S_Z", "m", "position r_pf, z"),
    Field("S_VX", "m/s", "planet-relative velocity v_pf, x"),
    Field("S_VY", "m/s", "planet-relative velocity v_pf, y"),
    Field("S_VZ", "m/s", "planet-relative velocity v_pf, z"),
    Field("S_MASS", "kg", "mass", disperse=(Disperse("capsule_mass_delta_kg", "add"),)),
    Field("S_HEAT_LOAD", "J/m^2", "integrated stagnation-point heat load, convective + radiative"),
    Field("S_RAD_HEAT_LOAD", "J/m^2", "its radiative part"),
    Field("S_BANK", "rad", "bank angle, positive = lift to the right of the flight direction"),
    Field("S_WORK", "J/kg", "specific work of aerodynamic, parachute, thrust and bridle forces"),
    Field(
        "S_ROVER_DROP_M",
        "m",
        "rover wheels below the descent stage along the local vertical (0 while stowed)",
    ),
    Field("S_ROVER_DROP_RATE_M_S", "m/s", "rate of S_ROVER_DROP_M"),
)

# --- per-case parameters: constant during a flight ---------------------------------------
# --- the powered-descent block (PDP_*): skycrane.contract.powered_fields ---------------

ATM_MAX_NODES = 32
"""Altitude nodes of a case's atmosphere perturbation profile."""

PARAMS = (
    Field(
        "P_REF_AREA_M2",
        "m^2",
        "aerodynamic reference area of the starting configuration",
        Derived("from vehicle.capsule: pi/4 diameter^2, or its reference_area_m2"),
    ),
    Field(
        "P_NOSE_RADIUS_M",
        "m",
        "nose radius for stagnation-point heating",
        Key("vehicle.capsule.nose_radius_m"),
    ),
    Field(
        "P_BANK_RAD",
        "rad",
        "constant bank command (the pre-bank of guided entry)",
        Key("guidance.entry.bank_deg", "deg"),
    ),
    Field(
        "P_CD_SCALE",
        "-",
        "drag-coefficient multiplier",
        Fixed(1.0, "nominal"),
        disperse=(Disperse("capsule_drag_scale", "scale"),),
    ),
    Field(
        "P_CL_SCALE",
        "-",
        "lift-coefficient multiplier",
        Fixed(1.0, "nominal"),
        disperse=(Disperse("capsule_lift_scale", "scale"),),
    ),
    Field(
        "P_DENSITY_SCALE",
        "-",
        "density multiplier of the whole profile",
        Key("atmosphere.density_scale"),
        disperse=(Disperse("density_scale", "scale"),),
    ),
    Field(
        "P_HEAT_K",
        "kg^0.5/m",
        "Sutton-Graves constant",
        Derived("atmosphere.sutton_graves_k, or the planet's default"),
    ),
    Field(
        "P_HEAT_CONV",
        "enum",
        "convective heating correlation, one of HC_*",
        Derived("vehicle.heating.convective"),
    ),
    Field(
        "P_HEAT_RAD",
        "enum",
        "radiative heating correlation, one of HR_*",
        Derived("vehicle.heating.radiative"),
    ),
    Field(
        "P_PULSE_THRESHOLD_W_M2",
        "W/m^2",
        "a heating pulse lasts while the total stagnation heat rate is above this (<= 0: none)",
        Derived("vehicle.heating.pulse_threshold_w_cm2 times 1e4"),
    ),
    Field(
        "P_AERO_TABLE",
        "enum",
        "row of the aerodynamic bank flown first",
        Fixed(0.0, "the capsule's table is row 0"),
    ),
    Field(
        "P_STOP_KIND",
        "enum",
        "extra stop condition, one of STOP_*",
        Fixed(0.0, "none for the main vehicle; a jettisoned body's break-up sets it"),
    ),
    Field(
        "P_STOP_VALUE",
        "SI",
        "value of the extra stop condition",
        Fixed(0.0, "set with P_STOP_KIND"),
    ),
    Field(
        "P_GROUND_ALT_M",
        "m",
        "surface altitude above the reference ellipsoid",
        Key("target.altitude_m"),
    ),
    Field(
        "P_T_MAX_S",
        "s",
        "time limit after the case's start time",
        Preflight(
            "simulation.time_limit_s minus the start time: sequence.start_t_s, or from orbit "
            "the predicted entry (sequence.orbit_start)"
        ),
    ),
    Field("P_TGT", "m", "landing target, planet-fixed", Derived("from [target]"), axes="XYZ"),
    Field(
        "P_RANGE_RADIUS_M",
        "m",
        "sphere radius of the great-circle range to go",
        Derived("the planet's mean radius"),
    ),
    Field(
        "P_BANK_RATE_MAX",
        "rad/s",
        "largest bank rate",
        Key("guidance.entry.bank_rate_deg_s", "deg"),
    ),
    Field(
        "P_BANK_TAU_S",
        "s",
        "first-order bank response time constant",
        Key("guidance.entry.bank_time_constant_s"),
    ),
    Field(
        "P_CHUTE_S0_M2",
        "m^2",
        "parachute nominal area pi/4 D0^2",
        Derived("from parachute.diameter_m"),
    ),
    Field(
        "P_CHUTE_CD_SCALE",
        "-",
        "parachute drag multiplier",
        Key("parachute.drag_scale"),
        disperse=(Disperse("parachute_drag_scale", "scale"),),
    ),
    Field(
        "P_CHUTE_T_LS_S",
        "s",
        "mortar fire to line stretch",
        Key("parachute.line_stretch_s"),
        disperse=(Disperse("parachute_deploy_delay_s", "add", floor=0.0),),
    ),
    Field(
        "P_CHUTE_NF",
        "-",
        "inflation distance in diameters: t_inf = n_f D0 / V",
        Key("parachute.inflation_diameters"),
    ),
    Field(
        "P_CHUTE_K",
        "-",
        "inflation exponent of the drag-area growth",
        Key("parachute.inflation_exponent"),
    ),
    Field("P_CHUTE_D0_M", "m", "parachute nominal diameter", Key("parachute.diameter_m")),
    Field(
        "P_NAV",
        "m",
        "inertial-navigation position error at the first navigation update and at each "
        "state update (SQ_NAV), planet-fixed",
        Derived("navigation.position_error_enu_m rotated from east-north-up at the target"),
        axes="XYZ",
    ),
    Field("P_ENTRY_DT_S", "s", "entry guidance cycle", Key("guidance.entry.rate_hz", "per")),
    Field(
        "P_PD_DT_S",
        "s",
        "powered-descent guidance cycle",
        Key("powered_descent.guidance_rate_hz", "per"),
    ),
    Field(
        "P_DEPLOY_RANGE_M",
        "m",
        "range trigger: deploy when the range to go falls to this",
        Derived("parachute.deploy.range_to_target_m with the range trigger, else 0"),
    ),
    Field(
        "P_DEPLOY_V_MAX",
        "m/s",
        "never deploy above this speed (qualification)",
        Derived("parachute.deploy.speed_max_m_s, else infinite"),
    ),
    Field(
        "P_DEPLOY_V_MIN",
        "m/s",
        "deploy anyway at this speed (backup)",
        Derived("parachute.deploy.speed_min_m_s, else 0"),
    ),
    Field(
        "P_SUFR_LEAD_S",
        "s",
        "straighten-up starts this long before the predicted deploy",
        Derived("lead_s of the sequence's sufr_lead event, else 0"),
    ),
    Field(
        "P_DEPLOY_SPEED",
        "m/s",
        "velocity-trigger speed (the SUFR prediction uses it)",
        Derived("parachute.deploy.speed_m_s, else 0"),
    ),
    Field(
        "P_ISP_S",
        "s",
        "descent engines' specific impulse (the engines', not guidance's)",
        Derived("powered_descent.isp_s, else 1 (no engines: no flow)"),
        disperse=(Disperse("engine_isp_delta_s", "add"),),
    ),
    Field(
        "P_ROVER_BODY",
        "enum",
        "row of the body table that is the rover",
        Derived("position of 'rover' among the jettisoned bodies"),
    ),
    Field(
        "P_GROUND_OK",
        "-",
        "1: reaching the ground is this body's planned end; 2: it is the main vehicle's "
        "touchdown (a capsule landing under its parachutes)",
        Derived(
            "2 with sequence.end_on_ground, else 0 (a lander ends on its rover); "
            "jettisoned bodies set 1"
        ),
    ),
    Field(
        "P_FLYAWAY_REL_RAD",
        "rad",
        "flyaway azimuth relative to the approach track",
        Key("powered_descent.flyaway_azimuth_from_track_deg", "deg"),
    ),
    Field(
        "P_FLYAWAY_AZ_RAD",
        "rad",
        "flyaway azimuth clockwise from north (NaN: relative to the track, P_FLYAWAY_REL_RAD)",
        Derived("powered_descent.flyaway_azimuth_deg when set, else NaN"),
    ),
    Field(
        "P_TRN",
        "m",
        "position error after terrain-relative navigation, planet-fixed",
        Derived("navigation.terrain_relative_error_enu_m rotated from east-north-up"),
        axes="XYZ",
    ),
    *NAVIGATION_PARAMS,
    Field(
        "P_CHUTE_OLF",
        "-",
        "parachute opening-load factor (peak over steady drag area)",
        Key("parachute.opening_load_factor"),
    ),
    Field(
        "P_ENTRY_ALT_M",
        "m",
        "entry-interface altitude of a flight that starts in orbit: still above it at the time "
        "limit is ST_NOT_DEORBITED (0: the flight starts at or after entry)",
        Derived("orbit.entry_interface_altitude_m with an [orbit] section, else 0"),
    ),
    Field(
        "P_RETARGET",
        "-",
        "1: safe-target selection retargets powered descent",
        Preflight("1 when powered_descent.divert_max_m is set"),
    ),
    Field(
        "P_DIVERT_MAX_M",
        "m",
        "largest divert from the predicted no-divert landing point",
        Preflight("powered_descent.divert_max_m when set"),
    ),
    Field(
        "P_STS_EAST_M",
        "m",
        "nominal no-divert landing point from the ground point below "
        "the vehicle at powered-descent start, east",
        Preflight("the still-air nominal flight to powered-descent start"),
    ),
    Field(
        "P_STS_NORTH_M",
        "m",
        "... and north",
        Preflight("the still-air nominal flight to powered-descent start"),
    ),
    Field(
        "P_PD0",
        "-",
        "the powered-descent block, indexed by PDP_* from here",
        size=len(POWERED_DESCENT),
    ),
    # the dispersion block: per-case perturbations a Monte Carlo draws; all zero is the
    # nominal flight, so a row built without them flies unperturbed
    Field(
        "P_THRUST_ERROR",
        "-",
        "achieved over commanded thrust, minus 1",
        Fixed(0.0, "nominal"),
        disperse=(Disperse("engine_thrust_error", "set"),),
    ),
    Field(
        "P_BURN_THRUST_ERROR",
        "-",
        "achieved over planned thrust of an orbital burn (the deorbit burn), minus 1",
        Fixed(0.0, "nominal"),
        disperse=(Disperse("deorbit_burn_thrust_error", "set"),),
    ),
    Field(
        "P_WIND_SCALE_ERROR",
        "-",
        "the wind profile is multiplied by 1 + this",
        Fixed(0.0, "nominal"),
        disperse=(Disperse("wind_scale_error", "set"),),
    ),
    Field(
        "P_WIND_E_M_S",
        "m/s",
        "constant wind added to the profile, toward east",
        Fixed(0.0, "nominal"),
        disperse=(Disperse("wind_east_m_s", "set"),),
    ),
    Field(
        "P_WIND_N_M_S",
        "m/s",
        "constant wind added to the profile, toward north",
        Fixed(0.0, "nominal"),
        disperse=(Disperse("wind_north_m_s", "set"),),
    ),
    Field(
        "P_ATM_N",
        "-",
        "atmosphere perturbation nodes in use (0: none)",
        Fixed(0.0, "nominal: unperturbed"),
    ),
    Field(
        "P_ATM_H0_M",
        "m",
        "altitude of the first perturbation node",
        Fixed(0.0, "nominal: unperturbed"),
    ),
    Field("P_ATM_DH_M", "m", "perturbation node spacing", Fixed(0.0, "nominal: unperturbed")),
    Field(
        "P_ATM_RHO0",
        "-",
        "rho / rho_nominal at node k (P_ATM_RHO0 + k)",
        Fixed(0.0, "nominal: unused while P_ATM_N = 0"),
        size=ATM_MAX_NODES,
    ),
    Field(
        "P_ATM_SOUND0",
        "-",
        "sqrt(T / T_nominal) at node k (P_ATM_SOUND0 + k)",
        Fixed(0.0, "nominal: unused while P_ATM_N = 0"),
        size=ATM_MAX_NODES,
    ),
    Field(
        "P_WIND_PERT",
        "-",
        "1 while the case flies a wind perturbation profile on the P_ATM_* node grid, else 0",
        Fixed(0.0, "nominal: no wind perturbation"),
    ),
    Field(
        "P_WIND_DE0",
        "m/s",
        "wind perturbation toward east at node k (P_WIND_DE0 + k), added to the profile",
        Fixed(0.0, "nominal: unused while P_WIND_PERT = 0"),
        size=ATM_MAX_NODES,
    ),
    Field(
        "P_WIND_DN0",
        "m/s",
        "wind perturbation toward north at node k (P_WIND_DN0 + k), added to the profile",
        Fixed(0.0, "nominal: unused while P_WIND_PERT = 0"),
        size=ATM_MAX_NODES,
    ),
    *SKIP_PARAMS,
    Field(
        "P_BURN_PITCH_ERROR",
        "rad",
        "pointing error of an orbital burn's thrust, in the orbit plane: positive tilts it "
        "from the anti-velocity toward the radial outward",
        Fixed(0.0, "nominal"),
        disperse=(Disperse("deorbit_burn_pitch_error_deg", "set", convert="deg"),),
    ),
    Field(
        "P_BURN_YAW_ERROR",
        "rad",
        "pointing error of an orbital burn's thrust, out of the orbit plane: positive tilts it "
        "toward the orbit normal r x v_inertial",
        Fixed(0.0, "nominal"),
        disperse=(Disperse("deorbit_burn_yaw_error_deg", "set", convert="deg"),),
    ),
)

# --- per-case memory: guidance and sequence state, changed at step boundaries -------------
MEMORY = (
    Field("M_SEQ_NEXT", "enum", "index of the next sequence event", Kernel(0.0)),
    Field(
        "M_LIFT_ON",
        "-",
        "1 while the centre of mass is offset (lift), else 0",
        Kernel(1.0, "the mission's first lift event sets the start"),
    ),
    Field("M_AERO_TABLE", "enum", "aerodynamic-bank row flown now", Kernel("P_AERO_TABLE")),
    Field("M_REF_AREA_M2", "m^2", "reference area flown now", Kernel("P_REF_AREA_M2")),
    Field("M_GUIDANCE", "enum", "guidance mode, one of GUID_*", Kernel(0.0)),
    Field("M_BANK_CMD", "rad", "held bank command", Kernel("P_BANK_RAD")),
    Field("M_ETPC_PHASE", "enum", "entry guidance phase", Kernel(0.0)),
    Field("M_LIFT_SIGN", "-", "sign of the bank (lateral logic)", Kernel(1.0)),
    Field("M_DRAG_FILT", "m/s^2", "filtered sensed drag", Kernel(0.0)),
    Field("M_NEXT_GUIDE_T", "s", "time of the next guidance cycle", Kernel(float("inf"))),
    Field("M_CHUTE_FIRE_T", "s", "mortar fire time (NaN: no parachute)", Kernel(float("nan"))),
    Field("M_CHUTE_V_LS", "m/s", "airspeed at mortar fire, sets the inflation time", Kernel(0.0)),
    Field(
        "M_CLUSTER_FIRE_T",
        "s",
        "deploy time of each parachute cluster (NaN: stowed or released)",
        Kernel(float("nan")),
        size=MAX_CLUSTERS,
    ),
    Field(
        "M_CLUSTER_V_LS",
        "m/s",
        "airspeed at each cluster's deploy, sets its fill times",
        Kernel(0.0),
        size=MAX_CLUSTERS,
    ),
    Field("M_THRUST", "N", "held thrust command, planet-fixed", Kernel(0.0), axes="XYZ"),
    Field(
        "M_BURN_THRUST_N",
        "N",
        "thrust of the orbital burn under way, along the inertial anti-velocity (0: none)",
        Kernel(0.0),
    ),
    Field("M_BURN_ISP_S", "s", "specific impulse of the orbital burn under way", Kernel(1.0)),
    Field("M_PD_MODE", "enum", "powered-descent mode, one of PD_*", Kernel(0.0)),
    Field("M_PD_MODE_T0", "s", "time the powered-descent mode began", Kernel(0.0)),
    Field("M_TD_TIMER", "s", "touchdown detector's persistence timer", Kernel(0.0)),
    Field(
        "M_ROVER_ON",
        "-",
        "1 while the rover is attached (stowed, then on the bridles) until the cut",
        Kernel(0.0, "1 when the mission carries a rover"),
    ),
    Field("M_ENGINES_ON", "-", "1 while the descent engines burn", Kernel(0.0)),
    Field("M_SPAWNED", "-", "bodies jettisoned so far", Kernel(0.0)),
    Field("M_FLYAWAY_AZ", "rad", "flyaway azimuth, clockwise from north", Kernel(0.0)),
    Field(
        "M_HOVER_THRUST_N", "N", "thrust before touchdown, for the touchdown detector", Kernel(0.0)
    ),
    Field(
        "M_BRIDLES_OUT",
        "-",
        "1 from rover release (sky-crane start) to the cut: the rover hangs on the bridles",
        Kernel(0.0),
    ),
    Field(
        "M_VSPEED_INT_M",
        "m",
        "sky-crane guidance's integral of the vertical-speed error",
        Kernel(0.0),
    ),
    Field("M_DONE", "-", "1 once the main vehicle's flight is complete", Kernel(0.0)),
    Field("M_TOUCHED", "-", "1 once the rover's wheels are on the ground", Kernel(0.0)),
    Field("M_CUT", "-", "1 once the bridles are cut", Kernel(0.0)),
    Field(
        "M_NAV", "m", "position error guidance sees now, planet-fixed", Kernel("P_NAV"), axes="XYZ"
    ),
    Field("M_PD_TGT", "m", "powered-descent target, planet-fixed", Kernel("P_TGT"), axes="XYZ"),
    *NAVIGATION_MEMORY,
    Field(
        "M_BANK0", "rad", "bank when the held command was set (skycrane.vehicle.bank)", Kernel(0.0)
    ),
    Field("M_BANK_T0", "s", "time the held command was set", Kernel(0.0)),
    # entry-guidance telemetry: what the last cycle computed, recorded only (NaN before it)
    Field(
        "M_RANGE_TO_GO_M",
        "m",
        "great-circle range to go from the navigated position, at the last entry cycle",
        Kernel(float("nan")),
    ),
    Field(
        "M_PREDICTED_RANGE_M",
        "m",
        "the terminal point controller's predicted range R_p, at the last entry cycle",
        Kernel(float("nan")),
    ),
    Field(
        "M_CROSSRANGE_RAD",
        "rad",
        "chi = r_tgt_hat . unit(r_nav x v), positive: target to the left",
        Kernel(float("nan")),
    ),
    Field("M_ENTRY_CYCLE_T_S", "s", "time of the last entry-guidance cycle", Kernel(float("nan"))),
    Field("M_PULSES", "-", "heating pulses begun so far", Kernel(0.0)),
    Field("M_IN_PULSE", "-", "1 while a heating pulse lasts", Kernel(0.0)),
    *SKIP_MEMORY,
)

# --- derived quantities the right-hand side returns -----------------------------------------
AUX = (
    Field("A_ALT_M", "m", "altitude above the reference ellipsoid"),
    Field("A_AIRSPEED_M_S", "m/s", "wind-relative speed"),
    Field("A_MACH", "-", "Mach number"),
    Field("A_DYN_PRESSURE_PA", "Pa", "dynamic pressure"),
    Field("A_HEAT_RATE_W_M2", "W/m^2", "stagnation-point heat rate, convective + radiative"),
    Field("A_RAD_HEAT_RATE_W_M2", "W/m^2", "its radiative part"),
    Field("A_AERO_ACCEL_M_S2", "m/s^2", "aerodynamic acceleration magnitude, capsule and chute"),
    Field("A_SPEED_M_S", "m/s", "planet-relative speed"),
    Field("A_CHUTE_FORCE_N", "N", "parachute drag force"),
    Field("A_THRUST_N", "N", "thrust magnitude"),
    Field("A_DRAG_ACCEL_M_S2", "m/s^2", "drag part of the aerodynamic acceleration"),
    Field("A_BANK_RAD", "rad", "bank angle from the attitude response"),
    Field("A_BRIDLE_TENSION_N", "N", "bridle tension (0 while stowed, slack or cut)"),
    # entry-guidance telemetry copied from memory, held between cycles
    Field("A_DRAG_FILT_M_S2", "m/s^2", "filtered sensed drag (M_DRAG_FILT)"),
    Field("A_RANGE_TO_GO_M", "m", "range to go at the last entry cycle"),
    Field("A_PREDICTED_RANGE_M", "m", "predicted range R_p at the last entry cycle"),
    Field("A_CROSSRANGE_RAD", "rad", "crossrange angle at the last entry cycle"),
    Field("A_ENTRY_CYCLE_T_S", "s", "time of the last entry-guidance cycle"),
    Field("A_GROUND_ALT_M", "m", "ground altitude below the body, above the reference ellipsoid"),
)

# --- what flight software is given (propagate/sensing.py builds it from truth before a cycle) ---
SENSED = (
    Field("SN_NAV_POS_PF_M", "m", "navigated position r_pf: truth plus M_NAV_*", axes="XYZ"),
    Field(
        "SN_NAV_VEL_PF_M_S", "m/s", "navigated velocity v_pf: truth plus M_NAV_VEL_*", axes="XYZ"
    ),
    Field("SN_DRAG_ACCEL_M_S2", "m/s^2", "sensed drag acceleration (accelerometers)"),
    Field(
        "SN_GRAVITY_PF_M_S2",
        "m/s^2",
        "onboard gravity + centrifugal at the navigated position",
        axes="XYZ",
    ),
    Field("SN_TRACK_AZIMUTH_RAD", "rad", "navigated ground-track azimuth, clockwise from north"),
    Field("SN_MASS_EST_KG", "kg", "mass guidance believes: the rover counts until the cut"),
    Field("SN_PROPELLANT_KG", "kg", "propellant left, as gauged"),
    Field(
        "SN_SPECIFIC_FORCE_PF_M_S2",
        "m/s^2",
        "specific force the accelerometers read: truth plus bias, scale factor, misalignment",
        axes="XYZ",
    ),
)

# --- event slots: fixed ones, then one per sequence event -----------------------------------
MAX_PULSES = 3
"""Heating pulses recorded per flight (a skip entry has two); later ones are not recorded."""
PULSES = range(1, MAX_PULSES + 1)
EVENTS = (
    Event(
        "EV_PEAK_HEAT",
        "largest stagnation-point heat rate",
        peak="A_HEAT_RATE_W_M2",
        public="peak_heating",
        key="heat_rate_w_cm2",
        scale=1e-4,
    ),
    Event(
        "EV_PEAK_DECEL",
        "largest aerodynamic deceleration",
        peak="A_AERO_ACCEL_M_S2",
        public="peak_deceleration",
        key="deceleration_earth_g",
        scale=1.0 / G0_M_S2,
    ),
    Event(
        "EV_PEAK_DYN_PRESSURE",
        "largest dynamic pressure",
        peak="A_DYN_PRESSURE_PA",
        public="peak_dynamic_pressure",
        key="dynamic_pressure_pa",
    ),
    Event("EV_STOP", "the extra stop condition (P_STOP_KIND) was met"),
    Event("EV_GROUND", "reached the ground"),
    Event("EV_RANGE_CONTROL", "entry guidance begins range control", "range_control_start"),
    Event("EV_HEADING_ALIGNMENT", "entry guidance begins heading alignment", "heading_alignment"),
    Event(
        "EV_PEAK_CHUTE_LOAD",
        "largest parachute drag force",
        peak="A_CHUTE_FORCE_N",
        public="peak_parachute_load",
        key="parachute_load_n",
    ),
    Event("EV_POWERED_APPROACH", "powered approach begins", "powered_descent_start"),
    Event("EV_CONSTANT_VELOCITY", "constant-velocity descent begins", "constant_velocity_descent"),
    Event("EV_CONSTANT_DECEL", "constant-deceleration descent begins", "constant_deceleration"),
    Event("EV_SKY_CRANE", "the sky crane begins", "sky_crane_start"),
    Event("EV_TOUCHDOWN", "the rover's wheels reach the ground", "touchdown"),
    Event("EV_TOUCHDOWN_DETECTED", "flight software confirms touchdown", "touchdown_detected"),
    Event("EV_BRIDLES_CUT", "the bridles are cut", "bridles_cut"),
    Event("EV_FLYAWAY", "the descent stage's flyaway begins", "flyaway_start"),
    Event("EV_ENGINES_OUT", "the descent engines stop", "descent_stage_engines_out"),
    *(Event(f"EV_PULSE{k}_START", f"heating pulse {k} begins") for k in PULSES),
    *(Event(f"EV_PULSE{k}_END", f"heating pulse {k} ends") for k in PULSES),
    *(Event(f"EV_PULSE{k}_PEAK", f"largest heat rate of pulse {k}") for k in PULSES),
    *SKIP_EVENTS,
)
MAX_SEQ = 30
"""Sequence events per mission: event slot EV_SEQ0 + k is sequence event k."""
MAX_SPAWN = 16
"""Jettisoned bodies per case."""

# --- integrator settings vector ---------------------------------------------------------------
SETTINGS = (
    Field("SET_RTOL", "-", "relative tolerance", Key("simulation.rtol")),
    Field("SET_ATOL", "-", "absolute tolerance", Key("simulation.atol")),
    Field("SET_MAX_STEP_S", "s", "largest step", Key("simulation.max_step_s")),
    Field(
        "SET_OUTPUT_DT_S",
        "s",
        "trajectory sampling interval; 0 records none",
        Key("simulation.output_interval_s"),
    ),
    Field("SET_FIRST_STEP_S", "s", "first trial step", Fixed(0.1, "R")),
    Field("SET_MAX_STEPS", "-", "step budget per case", Fixed(1_000_000, "R")),
)

# --- the sequence table: one column per event, these rows -------------------------------------
SEQUENCE_ROWS = (
    Field("SQ_TRIGGER", "enum", "trigger kind, one of TR_*"),
    Field("SQ_VALUE", "SI", "trigger value"),
    Field("SQ_REF", "enum", "TR_TIME_AFTER: index of the referenced event"),
    Field("SQ_LIFT", "enum", "-1 keep, 0 off, 1 on"),
    Field("SQ_AERO", "enum", "-1 keep, else the aerodynamic-bank row"),
    Field("SQ_AREA", "m^2", "NaN keep, else the reference area"),
    Field("SQ_GUIDANCE", "enum", "-1 keep, else GUID_*"),
    Field("SQ_CHUTE", "enum", "0 nothing, 1 fire the mortar, 2 release the parachute"),
    Field("SQ_CLUSTER_DEPLOY", "enum", "-1 nothing, else the parachute cluster deployed"),
    Field("SQ_CLUSTER_RELEASE", "enum", "-1 nothing, else the parachute cluster released"),
    Field("SQ_SPAWN0", "enum", "first row of the body table this event jettisons"),
    Field("SQ_SPAWN_N", "-", "how many bodies it jettisons"),
    Field("SQ_STOP", "-", "1: the main vehicle's flight ends at this event"),
    Field("SQ_BANK", "rad", "NaN keep, else the bank command to hold"),
    Field(
        "SQ_BURN_THRUST_N",
        "N",
        "NaN keep, else the orbital burn's thrust from this event on (0: the burn ends)",
    ),
    Field("SQ_BURN_ISP_S", "s", "the orbital burn's specific impulse (with SQ_BURN_THRUST_N)"),
    Field(
        "SQ_NAV",
        "enum",
        "navigation action, one of NAV_*: 1 terrain-relative fix (P_TRN_*) if inside the LVS "
        "envelope; 2 the radar locks and the navigation filter blends toward it from then on; "
        "3 state update (GPS or ground): the errors restart from P_NAV_*, P_NAV_VEL_*",
    ),
)

# --- the body table: one column per jettisoned body, these rows -------------------------------
BODY_ROWS = (
    Field("B_MASS_KG", "kg", "mass", Key("bodies.*.mass_kg")),
    Field("B_DV_M_S", "m/s", "separation speed", Key("bodies.*.separation_speed_m_s")),
    Field(
        "B_DV_DIR",
        "enum",
        "separation direction, one of DV_*",
        Key("bodies.*.separation_direction"),
    ),
)

# --- enumerations: the code, in order, of each name (mission-file spelling where there is one) --
CODES = {
    "STOP": ("none", "speed", "mach", "altitude"),
    "GUID": ("none", "constant_bank", "entry", "powered", "skip"),
    "TR": (
        "time",
        "time_after",
        "altitude_below",
        "altitude_above_ground_below",
        "speed_below",
        "mach_below",
        "range",
        "sufr_lead",
        "powered",
    ),
    "DV": ("none", "retro", "lateral", "down"),
    # stagnation-point heating correlations (skycrane.vehicle.heating, .heating_radiative)
    "HC": ("sutton_graves", "brandis_johnston"),
    "HR": ("none", "tauber_sutton", "brandis_johnston"),
    "SKIPPH": SKIP_PHASES,
    # powered-descent modes in flight order (GUIDANCE.md 3.1, 3.3): engines primed while
    # clearing the backshell; polynomial guidance to the waypoint above the target; vertical
    # descent at the constant "accordion" speed; constant deceleration to the sky-crane speed;
    # rover on the bridles at the sky-crane speed; touchdown detected, hover until the cut;
    # climb, pitch over and burn; propellant gone, engines off
    "PD": (
        "free_fall",
        "approach",
        "constant_velocity",
        "constant_decel",
        "sky_crane",
        "touchdown_confirm",
        "flyaway",
        "ballistic",
    ),
    # a sequence event's navigation action (SQ_NAV; propagate/navigation.py, navigation_event)
    "NAV": ("none", "terrain_relative", "radar", "state_update"),
}
"""``CODES[prefix][k]`` is code k, constant ``{prefix}_{NAME}`` (``TR_ALTITUDE_BELOW``)."""
EVENT_TRIGGERS = (*CODES["TR"][:6], "parachute_trigger", "sufr_lead", "time_from_start")
"""Triggers a mission file's ``[[sequence.events]]`` may name: the kernel's codes but the
range trigger and the powered-descent hand-over, which ``parachute_trigger`` (the
``[parachute.deploy]`` trigger, velocity, Mach or range) and ``guidance = "powered"`` stand for;
and ``time_from_start`` (seconds after an ``[orbit]``'s epoch), which packs as ``time``."""
CODE_ALIASES = {
    "TR_AGL_BELOW": "TR_ALTITUDE_ABOVE_GROUND_BELOW",
    "NAV_TERRAIN": "NAV_TERRAIN_RELATIVE",
}
"""Short constant names kept for the compiled code's readability."""

STATUS = (
    ("ST_STOPPED", "flight complete"),
    ("ST_GROUND", "hit the ground before the planned end (a capsule: with no parachute open)"),
    ("ST_TIME_LIMIT", "time limit reached before the planned end"),
    ("ST_NONFINITE", "integration failed (non-finite state or step-size collapse)"),
    ("ST_MAX_STEPS", "step budget exhausted"),
    ("ST_SPAWN_OVERFLOW", "too many jettisoned bodies for the spawn buffer"),
    (
        "ST_SKIP_OUT",
        "left the atmosphere for good (skip-out: its osculating orbit misses the atmosphere)",
    ),
    (
        "ST_NOT_DEORBITED",
        "did not deorbit: still above the entry interface at the time limit",
    ),
)
"""Per-case termination status codes, in order, with their wording."""
