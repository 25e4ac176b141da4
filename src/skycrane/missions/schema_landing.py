"""Mission-file sections for the whole landing: bodies, configurations, sequence, descent.

``[bodies.NAME]``          every piece of hardware that separates: mass, drag, how it
                           separates, whether it carries the open parachute, break-up
``[vehicle.configurations.NAME]`` the main vehicle's drag after a change (e.g. after
                           heat-shield separation); ``capsule`` is ``[vehicle.capsule]``
``[[sequence.events]]``    the flight sequence as data: each event's trigger and actions
``[parachute]``            disk-gap-band geometry, drag table, inflation, qualified envelope
``[powered_descent]``      engines, propellant, guidance settings, sky crane, flyaway
``[rover]``                the payload lowered on the bridles
``[navigation]``           the error of the position guidance sees
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from skycrane.contract.fields import CODES, EVENT_TRIGGERS
from skycrane.missions.fields import (
    KeyProblem,
    NonNegativeFloat,
    PositiveFloat,
    Section,
    check_mach_table,
    require_keys,
)
from skycrane.vehicle.parachute import DGB_CD, DGB_MACH


class DragSpec(Section):
    """Drag coefficient against Mach on a reference area (no lift)."""

    reference_area_m2: PositiveFloat
    mach: Annotated[list[NonNegativeFloat], Field(min_length=1)] = Field(
        default_factory=lambda: [0.0]
    )
    drag_coefficient: Annotated[list[PositiveFloat], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> DragSpec:
        check_mach_table(self, ("drag_coefficient",))
        return self


class BreakupSpec(Section):
    """Break-up of a body into fragments when it descends through an altitude."""

    altitude_m: PositiveFloat
    fragments: Annotated[list[str], Field(min_length=1)]


class BodySpec(Section):
    """A piece of hardware that separates from the vehicle and is flown to rest."""

    description: str = ""
    mass_kg: PositiveFloat
    aerodynamics: DragSpec
    separation_speed_m_s: NonNegativeFloat = 0.0
    separation_direction: Literal[CODES["DV"]] = "none"  # type: ignore[valid-type]
    parachute: bool = False
    breakup: BreakupSpec | None = None


class EventSpec(Section):
    """One event of the sequence: a trigger and what happens when it fires.

    Triggers: ``time`` (``t_s`` from entry interface), ``time_after``
    (``delay_s`` after event ``after``), ``altitude_below`` (``altitude_m``
    above the reference ellipsoid), ``altitude_above_ground_below``
    (``altitude_m`` above the target's surface), ``speed_below``
    (``speed_m_s``), ``mach_below`` (``mach``), ``parachute_trigger`` (the
    ``[parachute.deploy]`` trigger), ``sufr_lead`` (``lead_s`` before the
    predicted parachute trigger).
    """

    name: Annotated[str, Field(min_length=1)]
    trigger: Literal[EVENT_TRIGGERS]  # type: ignore[valid-type]
    t_s: float | None = None
    after: str | None = None
    delay_s: NonNegativeFloat | None = None
    altitude_m: float | None = None
    speed_m_s: PositiveFloat | None = None
    mach: PositiveFloat | None = None
    lead_s: PositiveFloat | None = None
    jettison: list[str] = Field(default_factory=list)
    lift: bool | None = None
    aerodynamics: str | None = None
    guidance: Literal[CODES["GUID"]] | None = None  # type: ignore[valid-type]
    bank_deg: Annotated[float, Field(ge=-180.0, le=180.0)] | None = None
    parachute: Literal["deploy", "release"] | None = None
    navigation: Literal["terrain_relative", "radar"] | None = None
    stop: bool = False

    @model_validator(mode="after")
    def _trigger_value(self) -> EventSpec:
        need = {
            "time": ("t_s",),
            "time_after": ("after", "delay_s"),
            "altitude_below": ("altitude_m",),
            "altitude_above_ground_below": ("altitude_m",),
            "speed_below": ("speed_m_s",),
            "mach_below": ("mach",),
            "sufr_lead": ("lead_s",),
        }.get(self.trigger, ())
        require_keys(self, need, "trigger")
        return self


class SequenceSpec(Section):
    """The flight sequence, in order; the simulation starts at ``start_t_s`` from entry."""

    start_t_s: float = 0.0
    events: Annotated[list[EventSpec], Field(min_length=1, max_length=30)]


class DeploySpec(Section):
    """Parachute deploy trigger (GUIDANCE.md 2.1, 2.2).

    ``velocity``: navigated planet-relative speed falls to ``speed_m_s`` (MSL).
    ``mach``: Mach number falls to ``mach``. ``range``: range to the target
    falls to ``range_to_target_m`` while the speed is below ``speed_max_m_s``,
    or the speed falls to ``speed_min_m_s`` whatever the range (Mars 2020).
    """

    trigger: Literal["velocity", "mach", "range"]
    speed_m_s: PositiveFloat | None = None
    mach: PositiveFloat | None = None
    range_to_target_m: PositiveFloat | None = None
    speed_max_m_s: PositiveFloat | None = None
    speed_min_m_s: PositiveFloat | None = None

    @model_validator(mode="after")
    def _value(self) -> DeploySpec:
        need = {
            "velocity": ("speed_m_s",),
            "mach": ("mach",),
            "range": ("range_to_target_m", "speed_max_m_s", "speed_min_m_s"),
        }[self.trigger]
        require_keys(self, need, "trigger")
        if self.trigger == "range" and self.speed_min_m_s >= self.speed_max_m_s:
            raise KeyProblem("speed_min_m_s", self.speed_min_m_s, "less than speed_max_m_s")
        return self


class ParachuteSpec(Section):
    """Disk-gap-band parachute (GUIDANCE.md section 4) and its deploy trigger."""

    deploy: DeploySpec
    diameter_m: PositiveFloat = 21.5
    mach: Annotated[list[NonNegativeFloat], Field(min_length=1)] = Field(
        default_factory=lambda: DGB_MACH.tolist()
    )
    drag_coefficient: list[PositiveFloat] = Field(default_factory=lambda: DGB_CD.tolist())
    drag_scale: PositiveFloat = 1.0
    line_stretch_s: NonNegativeFloat = 1.1
    inflation_diameters: PositiveFloat = 10.0
    inflation_exponent: PositiveFloat = 2.0
    opening_load_factor: Annotated[float, Field(ge=1.0, le=3.0)] = 1.0
    mach_max: PositiveFloat = 2.2
    dynamic_pressure_max_pa: PositiveFloat = 750.0

    @model_validator(mode="after")
    def _table(self) -> ParachuteSpec:
        check_mach_table(self, ("drag_coefficient",))
        return self


class PoweredDescentSpec(Section):
    """Descent stage: engines, propellant, guidance settings (GUIDANCE.md section 3)."""

    dry_mass_kg: PositiveFloat
    propellant_kg: PositiveFloat
    engines: Annotated[int, Field(ge=1, le=16)] = 8
    engines_sky_crane: Annotated[int, Field(ge=1, le=16)] = 4
    engine_thrust_n: PositiveFloat = 3100.0
    throttle_min: Annotated[float, Field(gt=0.0, le=1.0)] = 0.13
    throttle_max: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    isp_s: PositiveFloat = 220.0
    guidance_rate_hz: PositiveFloat = 8.0
    waypoint_height_m: PositiveFloat = 100.0
    constant_velocity_m_s: PositiveFloat = 20.0
    sky_crane_height_m: PositiveFloat = 20.0
    sky_crane_speed_m_s: PositiveFloat = 0.75
    flyaway_pitch_deg: Annotated[float, Field(ge=0.0, le=80.0)] = 45.0
    flyaway_azimuth_from_track_deg: Annotated[float, Field(ge=-180.0, le=180.0)] = 180.0
    cut_delay_s: NonNegativeFloat = 2.0
    flyaway_burn_s: PositiveFloat = 20.0
    divert_max_m: NonNegativeFloat | None = None
    """Safe-target selection: fly to the predicted no-divert landing point, diverted toward
    the target by at most this much (GUIDANCE.md 3.4). None: always fly to the target."""


class RoverSpec(Section):
    """The payload lowered on the bridles."""

    mass_kg: PositiveFloat
    bridle_length_m: PositiveFloat = 7.5


class NavigationSpec(Section):
    """Error of the position guidance sees (east, north, up at the target) [m].

    ``position_error_enu_m`` is the inertial navigation's error, flown until an
    event with ``navigation = "terrain_relative"`` (Mars 2020's Lander Vision
    System fix, GUIDANCE.md 3.4) replaces it by ``terrain_relative_error_enu_m``;
    an event with ``navigation = "radar"`` (terminal descent sensor lock) starts
    the navigation filter's blend toward the radar's altitude and velocity.
    Between updates the errors grow as the IMU propagates them
    (skycrane.propagate.navigation). Every error is zero by default: the
    nominal flight navigates perfectly; a Monte Carlo draws them.
    """

    position_error_enu_m: Annotated[list[float], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [0.0, 0.0, 0.0]
    )
    terrain_relative_error_enu_m: Annotated[list[float], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [0.0, 0.0, 0.0]
    )
    velocity_error_enu_m_s: Annotated[list[float], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [0.0, 0.0, 0.0]
    )
    """Velocity knowledge error at the first navigation update (the entry-state upload)."""
    attitude_error_enu_deg: Annotated[list[float], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [0.0, 0.0, 0.0]
    )
    """IMU attitude knowledge error: a small rotation about east, north and up."""
    accelerometer_bias_enu_ug: Annotated[list[float], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [0.0, 0.0, 0.0]
    )
    """Accelerometer bias in micro-g (9.80665e-6 m/s^2), held along east, north and up."""
    accelerometer_scale_factor_ppm: float = 0.0
    radar_velocity_noise_m_s: NonNegativeFloat = 0.0
    """Terminal descent sensor velocity noise, 1-sigma per axis per measurement."""
    radar_altitude_noise_fraction: NonNegativeFloat = 0.0
    """Terminal descent sensor altitude noise, 1-sigma per measurement, fraction of the height."""
    radar_rate_hz: PositiveFloat = 20.0
    radar_filter_time_s: PositiveFloat = 1.0
    """Time constant with which the navigation filter blends toward the radar."""
    backshell_clearance_m: NonNegativeFloat = 0.0
    """Safe-target selection keeps the target this far from the backshell's predicted landing."""
    hazard_map: str = "none"
    """Safe-target map: "none" (all ground safe), "synthetic" (seeded, see
    skycrane.guidance.terrain_nav.synthetic_hazard_map) or a .npz file with ``safe``
    (2-D bool, rows northward), ``east0_m``, ``north0_m``, ``spacing_m``."""
    hazard_fraction: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.15
    hazard_seed: Annotated[int, Field(ge=0)] = 0


class EntryGuidanceSpec(Section):
    """Entry bank-angle guidance.

    ``constant_bank`` flies ``bank_deg`` throughout. ``terminal_point_controller``
    is the MSL/Mars 2020 Apollo-derived controller (GUIDANCE.md section 1): it
    pre-banks at ``bank_deg`` and tracks a reference flown with the bank
    magnitude profile ``reference_bank_deg`` against ``reference_speed_m_s``.
    """

    mode: Literal["constant_bank", "terminal_point_controller"] = "constant_bank"
    bank_deg: Annotated[float, Field(ge=-180.0, le=180.0)] = 0.0
    rate_hz: PositiveFloat = 1.0
    bank_rate_deg_s: PositiveFloat = 20.0
    bank_time_constant_s: PositiveFloat = 1.0
    reference_speed_m_s: list[PositiveFloat] | None = None
    reference_bank_deg: list[Annotated[float, Field(ge=0.0, le=180.0)]] | None = None
    gain: PositiveFloat = 3.0
    heading_alignment_speed_m_s: PositiveFloat = 1100.0
    heading_alignment_gain: PositiveFloat = 5.0
    reference_end_speed_m_s: PositiveFloat | None = None
    reference_end_range_m: NonNegativeFloat | None = None

    @model_validator(mode="after")
    def _profile(self) -> EntryGuidanceSpec:
        if self.mode != "terminal_point_controller":
            return self
        for key in ("reference_speed_m_s", "reference_bank_deg"):
            if getattr(self, key) is None:
                raise KeyProblem(key, None, "a list (required by the terminal point controller)")
        if len(self.reference_bank_deg) != len(self.reference_speed_m_s):
            raise KeyProblem(
                "reference_bank_deg",
                self.reference_bank_deg,
                f"{len(self.reference_speed_m_s)} values, one per speed",
            )
        return self
