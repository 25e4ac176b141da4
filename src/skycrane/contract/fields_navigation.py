"""The navigation fields of the kernel contract: IMU and radar errors, safe-target selection.

Spliced into :data:`skycrane.contract.fields.PARAMS` and ``MEMORY``
(declared here to keep that module readable). The models that read them are
:mod:`skycrane.propagate.navigation` and :mod:`skycrane.guidance.terrain_nav`.
"""

from __future__ import annotations

from skycrane.contract.declare import Derived, Disperse, Field, Fixed, Kernel, Key

NAVIGATION_PARAMS = (
    Field(
        "P_NAV_VEL",
        "m/s",
        "inertial-navigation velocity error at the first navigation update and at each state "
        "update (SQ_NAV), planet-fixed",
        Derived("navigation.velocity_error_enu_m_s rotated from east-north-up at the target"),
        axes="XYZ",
    ),
    Field(
        "P_IMU_ATT",
        "rad",
        "IMU attitude knowledge error, a small rotation vector, planet-fixed",
        Derived("navigation.attitude_error_enu_deg rotated from east-north-up"),
        axes="XYZ",
    ),
    Field(
        "P_ACC_BIAS",
        "m/s^2",
        "accelerometer bias, planet-fixed",
        Derived("navigation.accelerometer_bias_enu_ug rotated from east-north-up"),
        axes="XYZ",
    ),
    Field(
        "P_ACC_SCALE_PPM",
        "ppm",
        "accelerometer scale-factor error",
        Key("navigation.accelerometer_scale_factor_ppm"),
        disperse=(Disperse("accelerometer_scale_factor_ppm", "add"),),
    ),
    Field(
        "P_TDS_VEL_NOISE_M_S",
        "m/s",
        "radar (terminal descent sensor) velocity noise per measurement, 1-sigma per axis",
        Key("navigation.radar_velocity_noise_m_s"),
        disperse=(Disperse("radar_velocity_noise_m_s", "set"),),
    ),
    Field(
        "P_TDS_ALT_NOISE_FRAC",
        "-",
        "radar altitude noise per measurement, 1-sigma, as a fraction of the height",
        Key("navigation.radar_altitude_noise_fraction"),
        disperse=(Disperse("radar_altitude_noise_fraction", "set"),),
    ),
    Field(
        "P_TDS_RATE_HZ",
        "Hz",
        "radar measurement rate",
        Key("navigation.radar_rate_hz"),
    ),
    Field(
        "P_TDS_TAU_S",
        "s",
        "time constant of the navigation filter's blend toward the radar",
        Key("navigation.radar_filter_time_s"),
    ),
    Field(
        "P_NAV_SEED",
        "-",
        "seed of the case's sensor-noise stream (an integer below 2^53)",
        Fixed(0.0, "nominal: no noise is drawn while the noise levels are zero"),
    ),
    Field(
        "P_BACKSHELL_CLEAR_M",
        "m",
        "safe-target selection keeps the target this far from the backshell's predicted landing",
        Key("navigation.backshell_clearance_m"),
    ),
    Field(
        "P_BACKSHELL_MASS_KG",
        "kg",
        "mass of the body left on the parachute at the hand-over to powered descent "
        "(0: none, the backshell's landing is predicted by drift alone)",
        Derived("bodies.<the parachute body jettisoned by the guidance = 'powered' event>.mass_kg"),
    ),
    Field(
        "P_BACKSHELL_CDS_M2",
        "m^2",
        "its subsonic drag area on the open parachute: the body's C_D A plus the canopy's C_D S0",
        Derived("that body's aerodynamics and the parachute's table, both at Mach 0"),
    ),
    Field(
        "P_CHUTE_VEHICLE_CDS_M2",
        "m^2",
        "subsonic drag area of the vehicle on the parachute just before that event",
        Derived("the configuration flown before that event and the parachute's table, at Mach 0"),
    ),
    Field(
        "P_SITE_SCALE_HEIGHT_M",
        "m",
        "density scale height of the mission's atmosphere over the 2 km above the target",
        Derived("atmosphere densities at the target's altitude and 2 km above it"),
    ),
)

NAVIGATION_MEMORY = (
    Field(
        "M_NAV_VEL",
        "m/s",
        "velocity error guidance sees now, planet-fixed",
        Kernel("P_NAV_VEL"),
        axes="XYZ",
    ),
    Field(
        "M_NAV_T",
        "s",
        "time the navigation errors were last propagated (NaN: not yet)",
        Kernel(float("nan")),
    ),
    Field("M_NAV_DRAWS", "-", "sensor-noise draws taken from the case's stream", Kernel(0.0)),
    Field("M_TDS_LOCK", "-", "1 once the radar has locked", Kernel(0.0)),
    Field(
        "M_LVS_FIX",
        "-",
        "terrain-relative fix: 0 not yet, 1 fixed, -1 outside the LVS envelope",
        Kernel(0.0),
    ),
    Field(
        "M_STS_DIVERT_M",
        "m",
        "safe-target divert from the predicted landing point (NaN: no selection)",
        Kernel(float("nan")),
    ),
    Field(
        "M_STS_OK",
        "-",
        "safe-target selection: 0 not run, 1 a safe cell, -1 none qualified (no divert)",
        Kernel(0.0),
    ),
)
