"""The powered-descent block of the parameter row (``PDP_*``), declared once.

Part of the kernel contract (:mod:`skycrane.contract.fields`, which re-exports
``POWERED_DESCENT``): each entry of the block a case's parameter row carries
from ``P_PD0`` on, for the compiled laws of :mod:`skycrane.guidance.powered`,
the bridle model of :mod:`skycrane.propagate.dynamics` and the propellant
flow. Kept in its own module so :mod:`skycrane.contract.fields` stays one
screenful per block.
"""

from __future__ import annotations

import math

from skycrane.contract.declare import Derived, Disperse, Field, Fixed, Key

_PD = "powered_descent"
POWERED_DESCENT = (
    Field(
        "PDP_N_ENGINES",
        "-",
        "engines firing until the sky crane",
        Key("powered_descent.engines"),
        block=_PD,
    ),
    Field(
        "PDP_N_ENGINES_SKY_CRANE",
        "-",
        "engines firing from the sky crane on",
        Key("powered_descent.engines_sky_crane"),
        block=_PD,
    ),
    Field(
        "PDP_ENGINE_THRUST_N",
        "N",
        "maximum thrust of one engine",
        Key("powered_descent.engine_thrust_n"),
        block=_PD,
    ),
    Field(
        "PDP_THROTTLE_MIN", "-", "minimum throttle", Key("powered_descent.throttle_min"), block=_PD
    ),
    Field(
        "PDP_THROTTLE_MAX", "-", "maximum throttle", Key("powered_descent.throttle_max"), block=_PD
    ),
    Field(
        "PDP_COS_CANT",
        "-",
        "cosine of the engine cant from the thrust axis (net thrust = sum along the axes x"
        " this; the flow, thrust / this): packed once, not taken at each right-hand side",
        Key("powered_descent.engine_cant_deg", "cos_deg"),
        block=_PD,
    ),
    Field(
        "PDP_ACS_FLOW_FRACTION",
        "-",
        "propellant flow for attitude control (differential throttling) over the thrust's flow",
        Key("powered_descent.attitude_control_flow_fraction"),
        block=_PD,
    ),
    Field(
        "PDP_TILT_MAX_RAD",
        "rad",
        "largest thrust-axis tilt from the local vertical",
        Fixed(math.radians(45.0), "R"),
        block=_PD,
    ),
    Field(
        "PDP_FREE_FALL_S", "s", "free fall after backshell separation", Fixed(1.0, "R"), block=_PD
    ),
    Field(
        "PDP_WAYPOINT_HEIGHT_M",
        "m",
        "approach waypoint height above the target",
        Key("powered_descent.waypoint_height_m"),
        block=_PD,
    ),
    Field(
        "PDP_WAYPOINT_VSPEED_M_S",
        "m/s",
        "vertical velocity at the waypoint, along up",
        Fixed(-20.0, "R: equal to the constant-velocity descent speed"),
        block=_PD,
    ),
    Field(
        "PDP_THRUST_MARGIN",
        "-",
        "time to go is lengthened until m|a_T| <= margin * T_max",
        Fixed(0.8, "E: GUIDANCE.md 3.2"),
        block=_PD,
    ),
    Field(
        "PDP_TAU_SWITCH_S",
        "s",
        "approach ends when the time to go falls below this",
        Fixed(1.0, "R: freeze below 1-2 s (GUIDANCE.md 3.2)"),
        block=_PD,
    ),
    Field(
        "PDP_CV_SPEED_M_S",
        "m/s",
        "constant-velocity descent speed, positive down",
        Key("powered_descent.constant_velocity_m_s"),
        block=_PD,
    ),
    Field(
        "PDP_CD_DECEL_M_S2",
        "m/s^2",
        "constant-deceleration magnitude",
        Fixed(4.0, "R: needs ~65 % throttle for the 2.1 t vehicle"),
        block=_PD,
    ),
    Field(
        "PDP_SC_SPEED_M_S",
        "m/s",
        "sky-crane descent speed, positive down",
        Key("powered_descent.sky_crane_speed_m_s"),
        block=_PD,
    ),
    Field(
        "PDP_SC_HEIGHT_M",
        "m",
        "descent-stage height above the ground at rover release",
        Key("powered_descent.sky_crane_height_m"),
        block=_PD,
    ),
    Field(
        "PDP_BRIDLE_M",
        "m",
        "rover wheels below the descent stage on the bridles",
        Key("rover.bridle_length_m"),
        block=_PD,
    ),
    Field("PDP_ROVER_MASS_KG", "kg", "rover mass", Key("rover.mass_kg"), block=_PD),
    Field(
        "PDP_BRIDLE_STIFFNESS_N_M",
        "N/m",
        "the bridles' axial stiffness, together (tension = k x stretch + c x stretch rate)",
        Key("rover.bridle_stiffness_n_m"),
        block=_PD,
    ),
    Field(
        "PDP_BRIDLE_DAMPING_N_S_M",
        "N s/m",
        "the bridles' axial damping, together",
        Key("rover.bridle_damping_n_s_m"),
        block=_PD,
    ),
    Field(
        "PDP_DRY_MASS_KG",
        "kg",
        "descent-stage mass without propellant (engines stop at it)",
        Key("powered_descent.dry_mass_kg"),
        block=_PD,
        disperse=(Disperse("capsule_mass_delta_kg", "add"),),
    ),
    Field(
        "PDP_KP_HORIZ_S2",
        "1/s^2",
        "horizontal position gain of the terminal modes",
        Fixed(0.64, "E: critically damped, omega_n = 0.8 rad/s (kp = w^2)"),
        block=_PD,
    ),
    Field(
        "PDP_KD_HORIZ_S",
        "1/s",
        "horizontal velocity gain of the terminal modes",
        Fixed(1.6, "E: critically damped, omega_n = 0.8 rad/s (kd = 2 w)"),
        block=_PD,
    ),
    Field(
        "PDP_KV_VERT_S",
        "1/s",
        "vertical velocity gain of the terminal modes",
        Fixed(1.0, "E: 1 s vertical-velocity time constant"),
        block=_PD,
    ),
    Field(
        "PDP_KI_VERT_S2",
        "1/s^2",
        "integral gain on the vertical-speed error in the sky crane",
        Fixed(
            1.0,
            "E: omega_n = 1 rad/s, zeta = 0.5 with kv = 1/s; no steady speed error whatever "
            "the mass carried, so the throttle falls when the rover's weight comes off",
        ),
        block=_PD,
    ),
    Field(
        "PDP_TD_THRESHOLD",
        "-",
        "touchdown: thrust below this fraction of hover",
        Fixed(0.6, "R"),
        block=_PD,
    ),
    Field("PDP_TD_PERSISTENCE_S", "s", "... for this long", Fixed(0.5, "R: 0.5-1 s"), block=_PD),
    Field(
        "PDP_TD_WINDOW_FRAC",
        "-",
        "detector armed after this fraction of the expected lowering",
        Fixed(0.5, "R: half of (h_sc - bridle) / v_sc"),
        block=_PD,
    ),
    Field(
        "PDP_CUT_DELAY_S",
        "s",
        "touchdown detection to bridle cut",
        Key("powered_descent.cut_delay_s"),
        block=_PD,
    ),
    Field(
        "PDP_FLYAWAY_PITCH_RAD",
        "rad",
        "flyaway thrust tilt from vertical",
        Key("powered_descent.flyaway_pitch_deg", "deg"),
        block=_PD,
    ),
    Field(
        "PDP_FLYAWAY_CLIMB_S",
        "s",
        "vertical climb before the flyaway pitch-over",
        Fixed(1.5, "S2: pitch-over 1-2 s after the cut"),
        block=_PD,
    ),
    Field(
        "PDP_FLYAWAY_WEIGHT_FACTOR",
        "-",
        "flyaway vertical thrust over weight",
        Fixed(1.05, "R: 'at or slightly above weight'"),
        block=_PD,
    ),
    Field(
        "PDP_FLYAWAY_CUTOFF_M",
        "m",
        "flyaway engine cut-off: predicted impact this far from the target (inf: depletion)",
        Derived("powered_descent.flyaway_cutoff_distance_m when set, else inf"),
        block=_PD,
    ),
)
