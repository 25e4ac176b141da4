"""Mission-file sections for the whole landing: bodies, configurations, sequence, descent.

``[bodies.NAME]``          every piece of hardware that separates: mass, drag, how it
                           separates, whether it carries the open parachute, break-up,
                           a disposal burn
``[vehicle.configurations.NAME]`` the main vehicle's drag after a change (e.g. after
                           heat-shield separation); ``capsule`` is ``[vehicle.capsule]``
``[[sequence.events]]``    the flight sequence as data: each event's trigger and actions
``[parachute]``            disk-gap-band geometry, drag table, inflation, qualified envelope
``[parachute_clusters.NAME]`` a cluster of subsonic canopies opened in reefed stages
                           (a capsule's drogues, pilots, mains), deployed and released by events
``[powered_descent]``      engines, propellant, guidance settings, sky crane, flyaway
``[rover]``                the payload lowered on the bridles
``[navigation]``           the error of the position guidance sees
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from skycrane.constants import G0_M_S2
from skycrane.contract.fields import CODES, EVENT_TRIGGERS
from skycrane.contract.fields_chutes import MAX_REEF
from skycrane.missions.fields import (
    Altitude,
    Area,
    Coefficient,
    Distance,
    Duration,
    KeyProblem,
    Mach,
    Mass,
    Scale,
    Section,
    Size,
    Speed,
    check_mach_table,
    check_name,
    require_keys,
)
from skycrane.missions.schema_orbit import BurnSpec
from skycrane.vehicle.parachute import DGB_CD, DGB_MACH


class DragSpec(Section):
    """Drag coefficient against Mach on a reference area (no lift)."""

    reference_area_m2: Area
    mach: Annotated[list[Mach], Field(min_length=1, max_length=1000)] = Field(
        default_factory=lambda: [0.0]
    )
    drag_coefficient: Annotated[list[Coefficient], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> DragSpec:
        check_mach_table(self, ("drag_coefficient",))
        return self


class BreakupSpec(Section):
    """Break-up of a body into fragments when it descends through an altitude."""

    altitude_m: Annotated[float, Field(gt=0.0, le=1.0e7)]
    fragments: Annotated[list[str], Field(min_length=1, max_length=64)]
    separation_speed_m_s: Annotated[float, Field(ge=0.0, le=1000.0)] = 5.0
    """Speed each fragment gains from the break-up, normal to the flight direction; R: a
    few m/s, like a jettison (GUIDANCE.md 2.3)."""


class DisposalBurnSpec(BurnSpec):
    """A body's own rocket burn, ``delay_s`` after it separates: a service module's disposal.

    Along the inertial anti-velocity like the deorbit burn (its thrust takes the
    case's ``deorbit_burn_thrust_error``: the same kind of engines), its propellant
    coming out of the body's ``mass_kg`` (skycrane.sequence.bodies).
    """

    delay_s: Annotated[float, Field(ge=0.0, le=86_400.0)]
    """Coast from the separation to the burn's start [s]: at most a day."""


class BodySpec(Section):
    """A piece of hardware that separates from the vehicle and is flown to rest."""

    description: Annotated[str, Field(max_length=500)] = ""
    mass_kg: Mass
    aerodynamics: DragSpec
    separation_speed_m_s: Annotated[float, Field(ge=0.0, le=100.0)] = 0.0
    separation_direction: Literal[CODES["DV"]] = "none"  # type: ignore[valid-type]
    parachute: bool = False
    breakup: BreakupSpec | None = None
    disposal_burn: DisposalBurnSpec | None = None
    """Its own burn after it separates (mass_kg is its mass then, propellant included)."""

    @model_validator(mode="after")
    def _burn_within_mass(self) -> BodySpec:
        burn = self.disposal_burn
        if burn is not None:
            propellant_kg = burn.thrust_n * burn.duration_s / (burn.isp_s * G0_M_S2)
            if propellant_kg >= self.mass_kg:
                raise KeyProblem(
                    "disposal_burn.duration_s",
                    burn.duration_s,
                    f"a burn whose propellant, thrust_n x duration_s / (isp_s g0) = "
                    f"{propellant_kg:,.0f} kg, is less than mass_kg = {self.mass_kg:g} kg",
                )
        return self


class EventSpec(Section):
    """One event of the sequence: a trigger and what happens when it fires.

    Triggers: ``time`` (``t_s`` from entry interface), ``time_after``
    (``delay_s`` after event ``after``), ``altitude_below`` (``altitude_m``
    above the reference ellipsoid), ``altitude_above_ground_below``
    (``altitude_m`` above the target's surface), ``speed_below``
    (``speed_m_s``), ``mach_below`` (``mach``), ``parachute_trigger`` (the
    ``[parachute.deploy]`` trigger), ``sufr_lead`` (``lead_s`` before the
    predicted parachute trigger), ``time_from_start`` (``t_s`` after the
    ``[orbit]`` epoch). ``burn`` starts a rocket burn, which ends at the event
    ``<name>_end`` (:mod:`skycrane.missions.schema_orbit`).
    """

    name: Annotated[str, Field(min_length=1)]
    trigger: Literal[EVENT_TRIGGERS]  # type: ignore[valid-type]
    t_s: Annotated[float, Field(ge=-86_400.0, le=86_400.0)] | None = None
    after: str | None = None
    delay_s: Duration | None = None
    altitude_m: Altitude | None = None
    speed_m_s: Speed | None = None
    mach: Annotated[float, Field(gt=0.0, le=100.0)] | None = None
    lead_s: Annotated[float, Field(gt=0.0, le=3600.0)] | None = None
    jettison: Annotated[list[str], Field(max_length=64)] = Field(default_factory=list)
    lift: bool | None = None
    aerodynamics: str | None = None
    guidance: Literal[CODES["GUID"]] | None = None  # type: ignore[valid-type]
    bank_deg: Annotated[float, Field(ge=-180.0, le=180.0)] | None = None
    parachute: Literal["deploy", "release"] | None = None
    deploy_parachutes: str | None = None
    """Name of a ``[parachute_clusters]`` entry deployed at this event."""
    release_parachutes: str | None = None
    """Name of a deployed ``[parachute_clusters]`` entry cut away at this event."""
    navigation: Literal[CODES["NAV"][1:]] | None = None  # type: ignore[valid-type]
    """``terrain_relative`` (LVS fix), ``radar`` (lock), ``state_update`` (GPS or ground: the
    navigation errors restart from the knowledge errors, skycrane.propagate.navigation)."""
    burn: BurnSpec | None = None
    stop: bool = False

    @model_validator(mode="after")
    def _trigger_value(self) -> EventSpec:
        need = {
            "time": ("t_s",),
            "time_from_start": ("t_s",),
            "time_after": ("after", "delay_s"),
            "altitude_below": ("altitude_m",),
            "altitude_above_ground_below": ("altitude_m",),
            "speed_below": ("speed_m_s",),
            "mach_below": ("mach",),
            "sufr_lead": ("lead_s",),
        }.get(self.trigger, ())
        require_keys(self, need, "trigger")
        check_name(self.name, "name")
        return self


class SequenceSpec(Section):
    """The flight sequence, in order; the simulation starts at ``start_t_s`` from entry
    (at most a day before it: the start state is the entry state coasted back in vacuum)."""

    start_t_s: Annotated[float, Field(ge=-86_400.0, le=0.0)] = 0.0
    events: Annotated[list[EventSpec], Field(min_length=1, max_length=30)]
    end_on_ground: bool = False
    """True: the vehicle's flight ends when it reaches the ground, and that is its touchdown (a
    capsule's splashdown or landing under parachutes). False: a lander whose flight ends with
    its rover set down; reaching the ground before then is a failure."""


class DeploySpec(Section):
    """Parachute deploy trigger (GUIDANCE.md 2.1, 2.2).

    ``velocity``: navigated planet-relative speed falls to ``speed_m_s`` (MSL).
    ``mach``: Mach number falls to ``mach``. ``range``: range to the target
    falls to ``range_to_target_m`` while the speed is below ``speed_max_m_s``,
    or the speed falls to ``speed_min_m_s`` whatever the range (Mars 2020).
    """

    trigger: Literal["velocity", "mach", "range"]
    speed_m_s: Speed | None = None
    mach: Annotated[float, Field(gt=0.0, le=100.0)] | None = None
    range_to_target_m: Annotated[float, Field(gt=0.0, le=1.0e7)] | None = None
    speed_max_m_s: Speed | None = None
    speed_min_m_s: Speed | None = None

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
    diameter_m: Size = 21.5
    mach: Annotated[list[Mach], Field(min_length=1, max_length=1000)] = Field(
        default_factory=lambda: DGB_MACH.tolist()
    )
    drag_coefficient: list[Coefficient] = Field(default_factory=lambda: DGB_CD.tolist())
    drag_scale: Scale = 1.0
    line_stretch_s: Annotated[float, Field(ge=0.0, le=60.0)] = 1.1
    inflation_diameters: Annotated[float, Field(gt=0.0, le=100.0)] = 10.0
    inflation_exponent: Annotated[float, Field(gt=0.0, le=10.0)] = 2.0
    opening_load_factor: Annotated[float, Field(ge=1.0, le=3.0)] = 1.0
    mach_max: Annotated[float, Field(gt=0.0, le=10.0)] = 2.2
    dynamic_pressure_max_pa: Annotated[float, Field(gt=0.0, le=1.0e6)] = 750.0

    @model_validator(mode="after")
    def _table(self) -> ParachuteSpec:
        check_mach_table(self, ("drag_coefficient",))
        return self


class ReefingStageSpec(Section):
    """A reefed stage: the canopies hold ``drag_area_fraction`` of their full drag area
    until the reefing line is cut ``disreef_s`` after line stretch."""

    drag_area_fraction: Annotated[float, Field(gt=0.0, lt=1.0)]
    disreef_s: Annotated[float, Field(gt=0.0, le=3600.0)]


class ParachuteClusterSpec(Section):
    """A cluster of identical subsonic canopies (skycrane.vehicle.parachute_cluster)."""

    description: Annotated[str, Field(max_length=500)] = ""
    count: Annotated[int, Field(ge=1, le=12)]
    diameter_m: Size
    drag_coefficient: Annotated[float, Field(gt=0.0, le=3.0)]
    """C_D of one fully open canopy on its nominal area pi/4 D0^2 (constant with Mach)."""
    cluster_drag_factor: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    """Drag of the cluster over ``count`` lone canopies' (Knacke 1992, sec. 5.8)."""
    line_stretch_s: Annotated[float, Field(ge=0.0, le=60.0)] = 1.0
    inflation_diameters: Annotated[float, Field(gt=0.0, le=100.0)] = 10.0
    inflation_exponent: Annotated[float, Field(gt=0.0, le=10.0)] = 2.0
    reefing: Annotated[list[ReefingStageSpec], Field(max_length=MAX_REEF)] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _stages_in_order(self) -> ParachuteClusterSpec:
        for j in range(1, len(self.reefing)):
            before, now = self.reefing[j - 1], self.reefing[j]
            if now.disreef_s <= before.disreef_s:
                raise KeyProblem(
                    f"reefing[{j}].disreef_s",
                    now.disreef_s,
                    f"later than reefing[{j - 1}]'s {before.disreef_s:g} s",
                )
            if now.drag_area_fraction <= before.drag_area_fraction:
                raise KeyProblem(
                    f"reefing[{j}].drag_area_fraction",
                    now.drag_area_fraction,
                    f"more than reefing[{j - 1}]'s {before.drag_area_fraction:g} (a stage opens)",
                )
        return self


class PoweredDescentSpec(Section):
    """Descent stage: engines, propellant, guidance settings (GUIDANCE.md section 3)."""

    dry_mass_kg: Mass
    propellant_kg: Mass
    engines: Annotated[int, Field(ge=1, le=16)] = 8
    engines_sky_crane: Annotated[int, Field(ge=1, le=16)] = 4
    engine_thrust_n: Annotated[float, Field(gt=0.0, le=1.0e7)] = 3100.0
    """Thrust of one engine [N]: at most 10 MN (a Raptor gives 2.3 MN)."""
    throttle_min: Annotated[float, Field(gt=0.0, le=1.0)] = 0.13
    throttle_max: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    isp_s: Annotated[float, Field(gt=0.0, le=1000.0)] = 220.0
    """Specific impulse [s]: chemical engines reach 465 s, nuclear-thermal ~900 s."""
    guidance_rate_hz: Annotated[float, Field(ge=0.1, le=1000.0)] = 8.0
    waypoint_height_m: Annotated[float, Field(gt=0.0, le=1.0e4)] = 100.0
    constant_velocity_m_s: Annotated[float, Field(gt=0.0, le=1000.0)] = 20.0
    sky_crane_height_m: Annotated[float, Field(gt=0.0, le=1000.0)] = 20.0
    sky_crane_speed_m_s: Annotated[float, Field(gt=0.0, le=100.0)] = 0.75
    engine_cant_deg: Annotated[float, Field(ge=0.0, lt=60.0)] = 0.0
    """Cant of each engine from the thrust axis: the net thrust is cos(cant) of theirs."""
    attitude_control_flow_fraction: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0
    """Propellant flow for attitude control by differential throttling, over the thrust's."""
    flyaway_pitch_deg: Annotated[float, Field(ge=0.0, le=80.0)] = 45.0
    flyaway_azimuth_from_track_deg: Annotated[float, Field(ge=-180.0, le=180.0)] = 180.0
    flyaway_azimuth_deg: Annotated[float, Field(ge=0.0, le=360.0)] | None = None
    """Flyaway azimuth clockwise from north; None: ``flyaway_azimuth_from_track_deg``."""
    flyaway_cutoff_distance_m: Annotated[float, Field(gt=0.0, le=1.0e5)] | None = None
    """Flyaway engine cut-off: the engines stop once the vacuum-ballistic impact point
    predicted from the navigated state lies this far from the target [m] (at most
    100 km). None: the burn goes on until the propellant is gone."""
    cut_delay_s: Annotated[float, Field(ge=0.0, le=60.0)] = 2.0
    divert_max_m: Distance | None = None
    """Safe-target selection: fly to the predicted no-divert landing point, diverted toward
    the target by at most this much (GUIDANCE.md 3.4). None: always fly to the target."""


class RoverSpec(Section):
    """The payload lowered on the bridles (GUIDANCE.md 3.1, 3.3).

    The three bridles and the umbilical together are a spring and a damper:
    tension = ``bridle_stiffness_n_m`` x stretch + ``bridle_damping_n_s_m`` x
    stretch rate, while stretched.
    """

    mass_kg: Mass
    bridle_length_m: Annotated[float, Field(gt=0.0, le=100.0)] = 7.5
    touchdown_vertical_speed_max_m_s: Speed = 1.0
    """Fastest descent rate at touchdown the rover's wheels and suspension take: a faster
    touchdown is a crash. MSL's touchdown driving requirement: a safe, stable landing from
    1 m/s vertical and 0.5 m/s horizontal on slopes up to 15 degrees ("A 'Super Bowl'
    Approach to Mars Rover Touchdown Loads Analysis", NTRS 20070021683, 2006; Mars 2020
    kept the design)."""
    touchdown_horizontal_speed_max_m_s: Speed = 0.5
    """Fastest horizontal speed at touchdown the rover takes (same requirement)."""
    bridle_stiffness_n_m: Annotated[float, Field(gt=0.0, le=1.0e9)] = 50_000.0
    bridle_damping_n_s_m: Annotated[float, Field(ge=0.0, le=1.0e8)] = 1_500.0


Enu = Annotated[
    list[Annotated[float, Field(ge=-1.0e6, le=1.0e6)]], Field(min_length=3, max_length=3)
]
"""A position error east, north, up [m]: at most 1,000 km on each axis."""


class NavigationSpec(Section):
    """Error of the position guidance sees (east, north, up at the target) [m].

    ``position_error_enu_m`` is the inertial navigation's error, flown until an
    event with ``navigation = "terrain_relative"`` (Mars 2020's Lander Vision
    System fix, GUIDANCE.md 3.4) replaces it by ``terrain_relative_error_enu_m``;
    an event with ``navigation = "radar"`` (terminal descent sensor lock) starts
    the navigation filter's blend toward the radar's altitude and velocity; an
    event with ``navigation = "state_update"`` (a GPS fix or a ground uplink)
    resets the position and velocity errors to the knowledge errors given here.
    Between updates the errors grow as the IMU propagates them
    (skycrane.propagate.navigation). Every error is zero by default: the
    nominal flight navigates perfectly; a Monte Carlo draws them.
    """

    position_error_enu_m: Enu = Field(default_factory=lambda: [0.0, 0.0, 0.0])
    terrain_relative_error_enu_m: Enu = Field(default_factory=lambda: [0.0, 0.0, 0.0])
    velocity_error_enu_m_s: Annotated[
        list[Annotated[float, Field(ge=-1.0e4, le=1.0e4)]], Field(min_length=3, max_length=3)
    ] = Field(default_factory=lambda: [0.0, 0.0, 0.0])
    """Velocity knowledge error at the first navigation update (the entry-state upload)."""
    attitude_error_enu_deg: Annotated[
        list[Annotated[float, Field(ge=-180.0, le=180.0)]], Field(min_length=3, max_length=3)
    ] = Field(default_factory=lambda: [0.0, 0.0, 0.0])
    """IMU attitude knowledge error: a small rotation about east, north and up."""
    accelerometer_bias_enu_ug: Annotated[
        list[Annotated[float, Field(ge=-1.0e6, le=1.0e6)]], Field(min_length=3, max_length=3)
    ] = Field(default_factory=lambda: [0.0, 0.0, 0.0])
    """Accelerometer bias in micro-g (9.80665e-6 m/s^2), held along east, north and up."""
    accelerometer_scale_factor_ppm: Annotated[float, Field(ge=-1.0e5, le=1.0e5)] = 0.0
    radar_velocity_noise_m_s: Annotated[float, Field(ge=0.0, le=100.0)] = 0.0
    """Terminal descent sensor velocity noise, 1-sigma per axis per measurement."""
    radar_altitude_noise_fraction: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    """Terminal descent sensor altitude noise, 1-sigma per measurement, fraction of the height."""
    radar_rate_hz: Annotated[float, Field(ge=0.1, le=1000.0)] = 20.0
    radar_filter_time_s: Annotated[float, Field(gt=0.0, le=1000.0)] = 1.0
    """Time constant with which the navigation filter blends toward the radar."""
    backshell_clearance_m: Annotated[float, Field(ge=0.0, le=1.0e5)] = 0.0
    """Safe-target selection keeps the target this far from the backshell's predicted landing."""
    hazard_map: Annotated[str, Field(max_length=4096)] = "none"
    """Safe-target map: "none" (all ground safe), "terrain" (the ``[site]`` terrain judged by
    the landing system's slope and relief limits, skycrane.terrain.hazard), "synthetic" (seeded, see
    skycrane.guidance.terrain_nav.synthetic_hazard_map) or a .npz file with ``safe``
    (2-D bool, rows northward), ``east0_m``, ``north0_m``, ``spacing_m``."""
    hazard_fraction: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.15
    hazard_seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0


class EntryGuidanceSpec(Section):
    """Entry bank-angle guidance.

    ``constant_bank`` flies ``bank_deg`` throughout. ``terminal_point_controller``
    is the MSL/Mars 2020 Apollo-derived controller (GUIDANCE.md section 1): it
    pre-banks at ``bank_deg`` and tracks a reference flown with the bank
    magnitude profile ``reference_bank_deg`` against ``reference_speed_m_s``.
    """

    mode: Literal["constant_bank", "terminal_point_controller"] = "constant_bank"
    bank_deg: Annotated[float, Field(ge=-180.0, le=180.0)] = 0.0
    rate_hz: Annotated[float, Field(ge=0.01, le=100.0)] = 1.0
    bank_rate_deg_s: Annotated[float, Field(gt=0.0, le=360.0)] = 20.0
    bank_time_constant_s: Annotated[float, Field(gt=0.0, le=60.0)] = 1.0
    reference_speed_m_s: Annotated[list[Speed], Field(max_length=1000)] | None = None
    reference_bank_deg: list[Annotated[float, Field(ge=0.0, le=180.0)]] | None = None
    gain: Annotated[float, Field(gt=0.0, le=100.0)] = 3.0
    heading_alignment_speed_m_s: Speed = 1100.0
    heading_alignment_gain: Annotated[float, Field(gt=0.0, le=1000.0)] = 5.0
    reference_end_speed_m_s: Speed | None = None
    reference_end_range_m: Distance | None = None

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
