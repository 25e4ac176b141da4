"""The mission-file schema (TOML), validated on load with pydantic.

Every key that carries a unit says so in its name (``mass_kg``,
``flight_path_angle_deg``); unknown keys are errors, so a misspelt key is never
silently ignored. Sections:

``[mission]``        name and title
``[planet]``         a preset planet and optional constant overrides
``[atmosphere]``     the density/pressure/temperature model and ``[atmosphere.wind]``
``[entry]``          the entry-interface state
``[target]``         the landing target and the surface altitude there
``[vehicle.capsule]`` the entry vehicle: mass, geometry, aerodynamic table
``[guidance.entry]`` how the bank angle is flown
``[parachute]``      the parachute and its deploy trigger
``[site]``           terrain model, published ellipse, observed positions
``[simulation]``     integrator tolerances, trajectory sampling, time limit
``[dispersions]``    what a Monte Carlo perturbs (:mod:`skycrane.missions.schema_dispersions`)

The landing sections (bodies, sequence, powered descent, rover, navigation)
are defined in :mod:`skycrane.missions.schema_landing`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from skycrane.missions.fields import (
    KeyProblem,
    Latitude,
    Longitude,
    NonNegativeFloat,
    PositiveFloat,
    Section,
    check_mach_table,
    require_keys,
)
from skycrane.missions.schema_dispersions import DispersionsSpec
from skycrane.missions.schema_landing import (
    BodySpec,
    DragSpec,
    EntryGuidanceSpec,
    NavigationSpec,
    ParachuteSpec,
    PoweredDescentSpec,
    RoverSpec,
    SequenceSpec,
)
from skycrane.missions.schema_site import SiteSpec


class MissionInfo(Section):
    name: Annotated[str, Field(min_length=1)]
    title: str = ""


class PlanetSpec(Section):
    """A preset planet (``mars``, ``earth``, ``earth_round``) with optional overrides."""

    name: Literal["mars", "earth", "earth_round"]
    mu_m3_s2: PositiveFloat | None = None
    equatorial_radius_m: PositiveFloat | None = None
    polar_radius_m: PositiveFloat | None = None
    j2: float | None = None
    rotation_rad_s: NonNegativeFloat | None = None


class WindSpec(Section):
    """Wind (air-mass velocity over the ground) against altitude; +east blows toward east."""

    altitude_m: list[float] = Field(default_factory=lambda: [0.0])
    east_m_s: list[float] = Field(default_factory=lambda: [0.0])
    north_m_s: list[float] = Field(default_factory=lambda: [0.0])

    @model_validator(mode="after")
    def _same_length(self) -> WindSpec:
        n = len(self.altitude_m)
        for key in ("east_m_s", "north_m_s"):
            values = getattr(self, key)
            if len(values) != n:
                raise KeyProblem(key, values, f"{n} values, one per altitude in 'altitude_m'")
        return self


class AtmosphereSpec(Section):
    """Atmosphere model.

    ``mars_gram_average``: the public Mars-GRAM average profile (REFERENCE.md);
    ``table``: a user CSV (``table_file``); ``hydrostatic``: a CSV of
    temperatures integrated hydrostatically (needs ``surface_pressure_pa`` and
    ``gas_constant_j_kg_k``); ``exponential``: rho0 exp(-h/H); ``us76``: the
    U.S. Standard Atmosphere 1976.
    """

    model: Literal["mars_gram_average", "table", "hydrostatic", "exponential", "us76"]
    gamma: Annotated[float, Field(gt=1.0, lt=2.0)] = 1.29
    table_file: str | None = None
    surface_pressure_pa: PositiveFloat | None = None
    gas_constant_j_kg_k: PositiveFloat | None = None
    surface_density_kg_m3: PositiveFloat | None = None
    scale_height_m: PositiveFloat | None = None
    temperature_k: PositiveFloat | None = None
    density_scale: PositiveFloat = 1.0
    sutton_graves_k: PositiveFloat | None = None
    wind: WindSpec = Field(default_factory=WindSpec)

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
        }.get(self.model, ())
        require_keys(self, need, "model")
        return self


class EntrySpec(Section):
    """Entry-interface state: position, and speed/flight-path angle/heading in the local frame."""

    latitude_deg: Latitude
    longitude_deg: Longitude
    altitude_m: PositiveFloat
    speed_m_s: PositiveFloat
    flight_path_angle_deg: Annotated[float, Field(gt=-90.0, lt=90.0)]
    heading_deg: Annotated[float, Field(ge=-360.0, le=360.0)]
    velocity_frame: Literal["inertial", "planet_relative"] = "planet_relative"


class TargetSpec(Section):
    latitude_deg: Latitude
    longitude_deg: Longitude
    altitude_m: float = 0.0


class AerodynamicsSpec(Section):
    """Trim aerodynamics against Mach; give ``lift_to_drag`` or ``lift_coefficient``."""

    mach: Annotated[list[NonNegativeFloat], Field(min_length=1)]
    drag_coefficient: Annotated[list[PositiveFloat], Field(min_length=1)]
    lift_to_drag: list[NonNegativeFloat] | None = None
    lift_coefficient: list[NonNegativeFloat] | None = None
    trim_angle_deg: list[float] | None = None

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
    mass_kg: PositiveFloat
    diameter_m: PositiveFloat
    reference_area_m2: PositiveFloat | None = None  # default: pi d^2 / 4
    nose_radius_m: PositiveFloat
    aerodynamics: AerodynamicsSpec


class VehicleSpec(Section):
    capsule: CapsuleSpec
    configurations: dict[str, DragSpec] = Field(default_factory=dict)


class GuidanceSpec(Section):
    entry: EntryGuidanceSpec = Field(default_factory=EntryGuidanceSpec)


class SimulationSpec(Section):
    rtol: Annotated[float, Field(gt=0.0, lt=1e-3)] = 1e-10
    atol: PositiveFloat = 1e-8
    max_step_s: PositiveFloat = 10.0
    output_interval_s: PositiveFloat = 1.0
    time_limit_s: PositiveFloat = 2000.0


class MissionSpec(Section):
    """A whole mission file."""

    schema_version: Literal[1] = 1
    base: str | None = None
    mission: MissionInfo
    planet: PlanetSpec
    atmosphere: AtmosphereSpec
    entry: EntrySpec
    target: TargetSpec
    vehicle: VehicleSpec
    guidance: GuidanceSpec = Field(default_factory=GuidanceSpec)
    parachute: ParachuteSpec
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
    bodies = spec.bodies
    for name, body in bodies.items():
        if body.breakup is not None:
            for j, frag in enumerate(body.breakup.fragments):
                if frag not in bodies:
                    raise KeyProblem(
                        f"bodies.{name}.breakup.fragments[{j}]",
                        frag,
                        f"one of the bodies {sorted(bodies)}",
                    )
    if spec.sequence is None:
        return
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
        if ev.guidance == "entry" and spec.guidance.entry.mode != "terminal_point_controller":
            raise KeyProblem(
                f"{where}.guidance",
                ev.guidance,
                "guidance.entry.mode = 'terminal_point_controller' for 'entry'",
            )
        seen.append(ev.name)
