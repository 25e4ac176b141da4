"""The mission-file schema (TOML), validated on load with pydantic.

Every key that carries a unit says so in its name (``mass_kg``,
``flight_path_angle_deg``); unknown keys are errors, so a misspelt key is never
silently ignored. Sections:

``[mission]``        name and title
``[planet]``         a preset planet and optional constant overrides
``[atmosphere]``     the density/pressure/temperature model and ``[atmosphere.wind]``
``[entry]``          the entry-interface state
``[orbit]``          or: the orbit the flight starts in (:mod:`skycrane.missions.schema_orbit`)
``[target]``         the landing target and the surface altitude there
``[vehicle.capsule]`` the entry vehicle: mass, geometry, aerodynamic table
``[vehicle.heating]`` the stagnation-point heating correlations and pulse threshold
``[guidance.entry]`` how the bank angle is flown
``[guidance.skip]``  the skip-entry guidance (:mod:`skycrane.missions.schema_skip`)
``[parachute]``      the parachute and its deploy trigger
``[site]``           terrain model, published ellipse, observed positions
``[simulation]``     integrator tolerances, trajectory sampling, time limit
``[dispersions]``    what a Monte Carlo perturbs (:mod:`skycrane.missions.schema_dispersions`)

The landing sections (bodies, sequence, powered descent, rover, navigation)
are defined in :mod:`skycrane.missions.schema_landing`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from skycrane.contract.fields_chutes import MAX_CLUSTERS
from skycrane.missions.fields import (
    Altitude,
    Area,
    Coefficient,
    KeyProblem,
    Latitude,
    Longitude,
    Mach,
    Mass,
    Section,
    Size,
    Speed,
    check_mach_table,
    check_name,
    check_text,
    require_keys,
)
from skycrane.missions.schema_airbag import AirbagSpec
from skycrane.missions.schema_checks import (
    RESERVED_BODY_NAMES,
    check_cluster_events,
    check_cross,
    check_fragment_cycles,
    check_parachute_events,
    check_reference_end,
)
from skycrane.missions.schema_dispersions import DispersionsSpec
from skycrane.missions.schema_landing import (
    BodySpec,
    DragSpec,
    EntryGuidanceSpec,
    NavigationSpec,
    ParachuteClusterSpec,
    ParachuteSpec,
    PoweredDescentSpec,
    RoverSpec,
    SequenceSpec,
)
from skycrane.missions.schema_orbit import OrbitSpec, burn_end_name, check_start
from skycrane.missions.schema_site import SiteSpec
from skycrane.missions.schema_skip import SkipGuidanceSpec


class MissionInfo(Section):
    name: Annotated[str, Field(min_length=1)]
    title: str = ""

    @model_validator(mode="after")
    def _printable(self) -> MissionInfo:
        check_text(self.name, "name", 200)
        check_text(self.title, "title", 500)
        return self


class PlanetSpec(Section):
    """A preset planet (``mars``, ``earth``, ``earth_round``) with optional overrides."""

    name: Literal["mars", "earth", "earth_round"]
    mu_m3_s2: Annotated[float, Field(ge=1.0e9, le=1.0e18)] | None = None
    """GM [m^3/s^2]: from Ceres (6.3e10) to beyond Jupiter (1.27e17)."""
    equatorial_radius_m: Annotated[float, Field(ge=1.0e5, le=1.0e8)] | None = None
    polar_radius_m: Annotated[float, Field(ge=1.0e5, le=1.0e8)] | None = None
    """Radii [m]: from 100 km to beyond Jupiter (71,492 km); the build checks polar
    <= equatorial and that the surface holds against the rotation."""
    j2: Annotated[float, Field(ge=-0.05, le=0.05)] | None = None
    """Oblateness: Saturn, the most oblate planet, has 0.0163."""
    rotation_rad_s: Annotated[float, Field(ge=0.0, le=1.0e-3)] | None = None
    """Spin [rad/s]: Jupiter, the fastest planet, turns at 1.76e-4."""


class WindSpec(Section):
    """Wind (air-mass velocity over the ground) against altitude; +east blows toward east."""

    altitude_m: Annotated[list[Altitude], Field(min_length=1, max_length=2000)] = Field(
        default_factory=lambda: [0.0]
    )
    east_m_s: list[Annotated[float, Field(ge=-1000.0, le=1000.0)]] = Field(
        default_factory=lambda: [0.0]
    )
    """Wind [m/s]: at most 1 km/s (Neptune's winds, the fastest known, reach 600 m/s)."""
    north_m_s: list[Annotated[float, Field(ge=-1000.0, le=1000.0)]] = Field(
        default_factory=lambda: [0.0]
    )

    @model_validator(mode="after")
    def _same_length(self) -> WindSpec:
        n = len(self.altitude_m)
        for key in ("east_m_s", "north_m_s"):
            values = getattr(self, key)
            if len(values) != n:
                raise KeyProblem(key, values, f"{n} values, one per altitude in 'altitude_m'")
        return self


class MsisSpec(Section):
    """``[atmosphere.msis]``: the time, place and space weather of an NRLMSIS 2.1 profile.

    All inputs are explicit, so pymsis never downloads space-weather indices.
    """

    time_utc: Annotated[str, Field(min_length=10, max_length=40)] | datetime.datetime
    """UTC time: ISO 8601 text (``"2022-12-11T17:20:14"``) or a TOML date-time."""
    latitude_deg: Latitude
    longitude_deg: Longitude
    f107_sfu: Annotated[float, Field(ge=1.0, le=1000.0)]
    """F10.7 of the previous day [sfu]; it has ranged ~60-400 since 1947."""
    f107a_sfu: Annotated[float, Field(ge=1.0, le=1000.0)]
    """81-day centred mean of F10.7 [sfu]."""
    ap: float | Annotated[list[float], Field(max_length=100)]
    """Daily Ap, or the 7-element ap vector of pymsis (each 0-400, the ap scale)."""

    @model_validator(mode="after")
    def _ap_values(self) -> MsisSpec:
        values = self.ap if isinstance(self.ap, list) else [self.ap]
        if len(values) not in (1, 7) or not all(0.0 <= v <= 400.0 for v in values):
            raise KeyProblem("ap", self.ap, "a daily Ap or a list of 7 ap values, each in [0, 400]")
        return self


class AtmosphereSpec(Section):
    """Atmosphere model.

    ``mars_gram_average``: the public Mars-GRAM average profile (REFERENCE.md);
    ``table``: a user CSV (``table_file``); ``hydrostatic``: a CSV of
    temperatures integrated hydrostatically (needs ``surface_pressure_pa`` and
    ``gas_constant_j_kg_k``); ``exponential``: rho0 exp(-h/H); ``us76``: the
    U.S. Standard Atmosphere 1976; ``msis``: NRLMSIS 2.1 through the optional
    pymsis package, at the time and place of ``[atmosphere.msis]``.
    """

    model: Literal["mars_gram_average", "table", "hydrostatic", "exponential", "us76", "msis"]
    gamma: Annotated[float, Field(gt=1.0, lt=2.0)] = 1.29
    table_file: Annotated[str, Field(min_length=1, max_length=4096)] | None = None
    surface_pressure_pa: Annotated[float, Field(gt=0.0, le=1.0e8)] | None = None
    gas_constant_j_kg_k: Annotated[float, Field(ge=50.0, le=5000.0)] | None = None
    """Specific gas constant [J/(kg K)]: 8314 / molar mass, from heavy gases (~50) to H2."""
    surface_density_kg_m3: Annotated[float, Field(gt=0.0, le=100.0)] | None = None
    scale_height_m: Annotated[float, Field(ge=1.0e3, le=1.0e6)] | None = None
    temperature_k: Annotated[float, Field(ge=10.0, le=5000.0)] | None = None
    density_scale: Annotated[float, Field(ge=0.1, le=10.0)] = 1.0
    """A multiplier on the model's density: the Mars-GRAM dust-storm range is about +-50 %."""
    sutton_graves_k: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    extrapolate_above_m: Altitude | None = None
    """A table model: the altitude up to which its profile is knowingly extrapolated above
    its top node (required when the table ends below ``entry.altitude_m``)."""
    wind: WindSpec = Field(default_factory=WindSpec)
    msis: MsisSpec | None = None

    @model_validator(mode="after")
    def _needs(self) -> AtmosphereSpec:
        need = {
            "table": ("table_file",),
            "hydrostatic": ("table_file", "surface_pressure_pa", "gas_constant_j_kg_k"),
            "exponential": (
                "surface_density_kg_m3",
                "scale_height_m",
                "temperature_k",
                "gas_constant_j_kg_k",
            ),
            "msis": ("msis",),
        }.get(self.model, ())
        require_keys(self, need, "model")
        return self


class EntrySpec(Section):
    """Entry-interface state: position, and speed/flight-path angle/heading in the local frame."""

    latitude_deg: Latitude
    longitude_deg: Longitude
    altitude_m: Annotated[float, Field(gt=0.0, le=1.0e7)]
    speed_m_s: Speed
    flight_path_angle_deg: Annotated[float, Field(gt=-90.0, lt=90.0)]
    heading_deg: Annotated[float, Field(ge=-360.0, le=360.0)]
    velocity_frame: Literal["inertial", "planet_relative"] = "planet_relative"


class TargetSpec(Section):
    latitude_deg: Latitude
    longitude_deg: Longitude
    altitude_m: Annotated[float, Field(ge=-5.0e4, le=5.0e4)] = 0.0
    """Surface height at the target [m]: Everest, Olympus Mons and Hellas lie within."""


class AerodynamicsSpec(Section):
    """Trim aerodynamics against Mach; give ``lift_to_drag`` or ``lift_coefficient``."""

    mach: Annotated[list[Mach], Field(min_length=1, max_length=1000)]
    drag_coefficient: Annotated[list[Coefficient], Field(min_length=1)]
    lift_to_drag: list[Annotated[float, Field(ge=0.0, le=5.0)]] | None = None
    lift_coefficient: list[Annotated[float, Field(ge=0.0, le=10.0)]] | None = None
    trim_angle_deg: list[Annotated[float, Field(ge=-90.0, le=90.0)]] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AerodynamicsSpec:
        if self.lift_to_drag is None and self.lift_coefficient is None:
            raise KeyProblem(
                "lift_to_drag", None, "a list (or 'lift_coefficient' instead: give exactly one)"
            )
        if self.lift_to_drag is not None and self.lift_coefficient is not None:
            raise KeyProblem(
                "lift_coefficient",
                self.lift_coefficient,
                "no 'lift_coefficient' beside 'lift_to_drag' (give exactly one)",
            )
        check_mach_table(
            self, ("drag_coefficient", "lift_to_drag", "lift_coefficient", "trim_angle_deg")
        )
        return self


class CapsuleSpec(Section):
    mass_kg: Mass
    diameter_m: Size
    reference_area_m2: Area | None = None  # default: pi d^2 / 4
    nose_radius_m: Size
    aerodynamics: AerodynamicsSpec


class HeatingSpec(Section):
    """Stagnation-point heating: which correlations, and what counts as a heating pulse.

    The nose radius is ``[vehicle.capsule] nose_radius_m``. ``convective``:
    ``sutton_graves`` (any gas, with ``atmosphere.sutton_graves_k`` or the
    planet's constant) or ``brandis_johnston`` (air, 3-17 km/s);
    ``radiative``: ``none``, ``tauber_sutton`` (air, r_n <= 3 m, 9-16 km/s)
    or ``brandis_johnston`` (air, r_n <= 10 m) (skycrane.vehicle.heating).
    A heating pulse lasts while the total heat rate is above
    ``pulse_threshold_w_cm2``: 1 W/cm^2 by default, what a surface of
    emissivity 0.9 radiates away at about 650 K: far below any peak of interest
    (tens to hundreds of W/cm^2). A skip's loft must climb above ~110 km for the
    rate to fall under it (Brandis-Johnston at 7.5 km/s on a 6 m nose: 3.1 W/cm^2
    at 100 km, 1.4 at 110 km; docs/heating.md).
    """

    convective: Literal["sutton_graves", "brandis_johnston"] = "sutton_graves"
    radiative: Literal["none", "tauber_sutton", "brandis_johnston"] = "none"
    pulse_threshold_w_cm2: Annotated[float, Field(gt=0.0, le=1.0e4)] = 1.0


class VehicleSpec(Section):
    capsule: CapsuleSpec
    heating: HeatingSpec = Field(default_factory=HeatingSpec)
    configurations: dict[str, DragSpec] = Field(default_factory=dict)
    airbags: AirbagSpec | None = None

    @model_validator(mode="after")
    def _names(self) -> VehicleSpec:
        for name in self.configurations:
            check_name(name, "configurations")
            if name == "capsule":
                raise KeyProblem("configurations", name, "a name other than 'capsule' (reserved)")
        return self


class GuidanceSpec(Section):
    entry: EntryGuidanceSpec = Field(default_factory=EntryGuidanceSpec)
    skip: SkipGuidanceSpec | None = None


class SimulationSpec(Section):
    """Integrator and sampling settings, bounded so a flight ends in bounded time and memory."""

    rtol: Annotated[float, Field(ge=1e-14, lt=1e-3)] = 1e-10
    """Relative tolerance: below 1e-14 float64 round-off stalls the step control."""
    atol: Annotated[float, Field(ge=1e-14, le=1.0)] = 1e-8
    max_step_s: Annotated[float, Field(ge=0.01, le=1000.0)] = 10.0
    """Longest step [s]: at least 10 ms (a 30-minute flight in <= 180,000 steps)."""
    output_interval_s: Annotated[float, Field(ge=0.01, le=3600.0)] = 1.0
    time_limit_s: Annotated[float, Field(ge=1.0, le=86_400.0)] = 2000.0
    """Time from entry interface at which a flight stops [s]: at most a day."""


class MissionSpec(Section):
    """A whole mission file."""

    schema_version: Literal[1] = 1
    base: str | list[str] | None = None
    mission: MissionInfo
    planet: PlanetSpec
    atmosphere: AtmosphereSpec
    entry: EntrySpec | None = None
    orbit: OrbitSpec | None = None
    target: TargetSpec
    vehicle: VehicleSpec
    guidance: GuidanceSpec = Field(default_factory=GuidanceSpec)
    parachute: ParachuteSpec | None = None
    parachute_clusters: Annotated[
        dict[str, ParachuteClusterSpec], Field(max_length=MAX_CLUSTERS)
    ] = Field(default_factory=dict)
    bodies: dict[str, BodySpec] = Field(default_factory=dict)
    sequence: SequenceSpec | None = None
    powered_descent: PoweredDescentSpec | None = None
    rover: RoverSpec | None = None
    navigation: NavigationSpec = Field(default_factory=NavigationSpec)
    site: SiteSpec = Field(default_factory=SiteSpec)
    simulation: SimulationSpec = Field(default_factory=SimulationSpec)
    dispersions: DispersionsSpec | None = None

    @model_validator(mode="after")
    def _references(self) -> MissionSpec:
        _check_references(self)
        return self


def _check_references(spec: MissionSpec) -> None:
    """Cross-section checks: every name a section uses must exist, every trigger be able to fire."""
    check_start(spec)
    check_cross(spec)
    bodies = spec.bodies
    fragment_of: dict[str, str] = {}
    for name, body in bodies.items():
        check_name(name, "bodies")
        if name in RESERVED_BODY_NAMES:
            raise KeyProblem(
                "bodies", name, f"a body name other than the reserved {RESERVED_BODY_NAMES}"
            )
        if body.breakup is not None:
            for j, frag in enumerate(body.breakup.fragments):
                key = f"bodies.{name}.breakup.fragments[{j}]"
                if frag not in bodies:
                    raise KeyProblem(key, frag, f"one of the bodies {sorted(bodies)}")
                if frag == name:
                    raise KeyProblem(key, frag, "a body other than the one breaking up")
                if frag in fragment_of:
                    raise KeyProblem(
                        key, frag, f"a body not already a fragment of '{fragment_of[frag]}'"
                    )
                fragment_of[frag] = name
    check_fragment_cycles(fragment_of)
    for name, body in bodies.items():
        if body.disposal_burn is not None and name in fragment_of:
            raise KeyProblem(
                f"bodies.{name}.disposal_burn",
                "disposal_burn",
                f"a body that separates from the vehicle, not a fragment of '{fragment_of[name]}'",
            )
    check_cluster_events(spec)
    check_reference_end(spec)
    carriers = [name for name, body in bodies.items() if body.parachute]
    if carriers and spec.parachute is None:
        raise KeyProblem(
            f"bodies.{carriers[0]}.parachute", True, "a [parachute] section in the mission"
        )
    if len(carriers) > 1:
        raise KeyProblem(
            f"bodies.{carriers[1]}.parachute", True, f"one parachute body ('{carriers[0]}' is one)"
        )
    if spec.sequence is None:
        return
    check_parachute_events(spec)
    events = spec.sequence.events
    configurations = ["capsule", *spec.vehicle.configurations]
    seen: list[str] = []
    jettisoned: set[str] = set()
    last_time = spec.sequence.start_t_s
    for k, ev in enumerate(events):
        where = f"sequence.events[{k}]"
        if ev.name in seen:
            raise KeyProblem(f"{where}.name", ev.name, "a name not used by an earlier event")
        if ev.trigger == "time_after" and ev.after not in seen:
            raise KeyProblem(
                f"{where}.after", ev.after, f"the name of an EARLIER event (so it can fire): {seen}"
            )
        if ev.trigger == "time":
            if ev.t_s < last_time:
                raise KeyProblem(
                    f"{where}.t_s",
                    ev.t_s,
                    f"a time >= {last_time} (an earlier timed event or the start), "
                    "or the trigger can never fire in sequence",
                )
            last_time = ev.t_s
        if ev.trigger == "altitude_above_ground_below" and ev.altitude_m <= 0.0:
            raise KeyProblem(f"{where}.altitude_m", ev.altitude_m, "a height above ground > 0")
        if ev.trigger == "sufr_lead" and not any(
            e.trigger == "parachute_trigger" for e in events[k + 1 :]
        ):
            raise KeyProblem(
                f"{where}.trigger",
                ev.trigger,
                "a later event with trigger = 'parachute_trigger' to lead",
            )
        for j, name in enumerate(ev.jettison):
            if name not in bodies:
                raise KeyProblem(
                    f"{where}.jettison[{j}]", name, f"one of the bodies {sorted(bodies)}"
                )
            if name in jettisoned:
                raise KeyProblem(f"{where}.jettison[{j}]", name, "a body not already jettisoned")
            jettisoned.add(name)
        if ev.aerodynamics is not None and ev.aerodynamics not in configurations:
            raise KeyProblem(f"{where}.aerodynamics", ev.aerodynamics, f"one of {configurations}")
        if ev.guidance == "powered" and (spec.powered_descent is None or spec.rover is None):
            raise KeyProblem(
                f"{where}.guidance",
                ev.guidance,
                "the [powered_descent] and [rover] sections it needs",
            )
        if ev.guidance == "skip" and spec.guidance.skip is None:
            raise KeyProblem(f"{where}.guidance", ev.guidance, "a [guidance.skip] section")
        if ev.guidance == "entry" and spec.guidance.entry.mode != "terminal_point_controller":
            raise KeyProblem(
                f"{where}.guidance",
                ev.guidance,
                "guidance.entry.mode = 'terminal_point_controller' for 'entry'",
            )
        seen.append(ev.name)
        if ev.burn is not None:
            seen.append(burn_end_name(ev.name))


def entry_altitude_m(spec: MissionSpec) -> float:
    """Altitude of the entry interface [m]: ``entry.altitude_m`` or the orbit's."""
    if spec.entry is not None:
        return spec.entry.altitude_m
    return spec.orbit.entry_interface_altitude_m
