"""Load and validate mission files; build the physical model objects they describe.

``load_mission("m2020")`` loads a preset; any other argument is a path to a
TOML file. A file may start from another mission with ``base = "m2020"`` (a
preset name or a path relative to the file) and override only what it changes:
tables are deep-merged key by key, lists are replaced whole.

Every problem is reported as a :class:`MissionError`: one line per problem,
each naming the key path, the value found and what was expected.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pydantic

from skycrane.atmosphere import (
    AtmosphereTable,
    WindProfile,
    exponential,
    from_csv,
    mars_gram_average,
    us76,
)
from skycrane.errors import InputError
from skycrane.missions.schema import KeyProblem, MissionSpec
from skycrane.planets import EARTH, Planet, planet_by_name, with_overrides
from skycrane.terrain.grid import LocalTerrain
from skycrane.terrain.observed import ObservedPosition, read_observed
from skycrane.terrain.site import site_terrain
from skycrane.vehicle.aerodynamics import AeroTable
from skycrane.vehicle.heating import SUTTON_GRAVES_AIR, SUTTON_GRAVES_MARS

PRESETS = ("m2020", "msl")
_MAX_BASE_DEPTH = 8


class MissionError(InputError):
    """One or more problems in a mission file, one :class:`InputError` each."""

    def __init__(self, source: str, problems: list[InputError]) -> None:
        self.source = source
        self.problems = problems
        first = problems[0]
        super().__init__(first.field, first.value, first.expected)
        self.args = ("\n".join(f"{source}: {p}" for p in problems),)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True, slots=True)
class Mission:
    """A validated mission: the file's content plus the model objects built from it.

    Attributes
    ----------
    spec : MissionSpec
        The validated file content (units in the key names).
    source : str
        Preset name or file path it was loaded from.
    planet, atmosphere, wind : model objects for the kernel.
    capsule_aero : AeroTable
        The entry capsule's trim aerodynamics.
    reference_area_m2 : float
        Capsule aerodynamic reference area.
    sutton_graves_k : float
        Heating constant of the atmosphere's gas [kg^0.5/m].
    terrain : LocalTerrain or None
        The site's terrain on the target's local grid (``[site]``); None: flat.
    observed : tuple of ObservedPosition
        Where hardware was found (``site.observed_positions_file``), for the maps.
    """

    spec: MissionSpec
    source: str
    planet: Planet
    atmosphere: AtmosphereTable
    wind: WindProfile
    capsule_aero: AeroTable
    reference_area_m2: float
    sutton_graves_k: float
    terrain: LocalTerrain | None = None
    observed: tuple[ObservedPosition, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.mission.name


def load_mission(source: str | Path) -> Mission:
    """Load a preset (``"m2020"``, ``"msl"``) or a mission file, validated.

    Raises
    ------
    MissionError
        Naming each bad key, its value and what was expected.
    """
    label = str(source)
    raw, base_dir = _read_with_bases(source, depth=0)
    try:
        spec = MissionSpec.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise MissionError(label, [_problem(err) for err in exc.errors()]) from None
    try:
        return _build(spec, label, base_dir)
    except InputError as exc:
        raise MissionError(label, [_plain(exc)]) from None


def preset_path(name: str) -> Path:
    """Path of a preset mission file shipped with the package."""
    return Path(str(resources.files("skycrane.missions") / "presets" / f"{name}.toml"))


def _read_with_bases(source: str | Path, depth: int) -> tuple[dict[str, Any], Path]:
    if depth > _MAX_BASE_DEPTH:
        raise MissionError(str(source), [InputError("base", str(source), "no cycle of bases")])
    if isinstance(source, str) and source in PRESETS:
        path = preset_path(source)
    else:
        path = Path(source)
    label = str(source)
    if not path.is_file():
        raise MissionError(
            label, [InputError("file", str(path), f"an existing file or a preset {PRESETS}")]
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MissionError(label, [InputError("file", str(path), f"valid TOML ({exc})")]) from None
    except OSError as exc:
        raise MissionError(
            label, [InputError("file", str(path), f"a readable file ({exc})")]
        ) from None
    base = raw.get("base")
    if base is None:
        return raw, path.parent
    if not isinstance(base, str):
        raise MissionError(label, [InputError("base", base, "a preset name or a file path")])
    base_source: str | Path = base if base in PRESETS else path.parent / base
    shipped = preset_path("m2020").parent / base  # shared preset fragments, e.g. dispersions
    if not isinstance(base_source, str) and not base_source.is_file() and shipped.is_file():
        base_source = shipped  # a relative base is looked up beside the file, then shipped
    if not isinstance(base_source, str) and not base_source.is_file():
        raise MissionError(
            label,
            [InputError("base", base, f"a preset {PRESETS} or an existing file ({base_source})")],
        )
    base_raw, _ = _read_with_bases(base_source, depth + 1)
    merged = _deep_merge(base_raw, raw)
    merged.pop("base", None)
    return merged, path.parent


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, except a distribution (a table with ``distribution``) or
    an entry-state dispersion (with ``variables``), which replaces the base's whole."""
    out = dict(base)
    for key, value in over.items():
        leaf = isinstance(value, dict) and ("distribution" in value or "variables" in value)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not leaf:
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _key_path(parts: tuple) -> str:
    """A dotted key path: ``("entry", "mach", 1)`` -> ``entry.mach[1]``."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _problem(err: dict[str, Any]) -> InputError:
    """One pydantic error as an InputError with a dotted key path."""
    loc = _key_path(err["loc"]) or "(top level)"
    kind = err["type"]
    msg = err["msg"]
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, KeyProblem):
        key = f"{loc}.{cause.key}" if err["loc"] else cause.key
        return InputError(key, cause.value, cause.expected)
    if kind == "missing":
        return InputError(loc, None, "a value (this key is required)")
    if kind in ("model_type", "dict_type"):
        return InputError(loc, err.get("input"), f"a table [{loc}]")
    if kind == "finite_number":
        return InputError(loc, err.get("input"), "a finite number")
    if kind == "string_too_short":
        return InputError(loc, err.get("input"), "a non-empty string")
    if kind == "extra_forbidden":
        parent = _key_path(err["loc"][:-1])
        allowed = _allowed_keys(err["loc"][:-1])
        where = f" in [{parent}]" if parent else ""
        return InputError(loc, err.get("input"), f"no unknown key{where}; allowed: {allowed}")
    if msg.startswith("Value error, "):
        return InputError(
            loc,
            err.get("input", None) if kind != "value_error" else None,
            msg.removeprefix("Value error, "),
        )
    expected = msg.removeprefix("Input should be ").removeprefix("Input should ")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        expected = f"a number {expected}"
    return InputError(loc, err.get("input"), expected)


def as_mission_error(source: str, exc: InputError) -> MissionError:
    """``exc`` reported as a problem of mission ``source``, as load-time problems are."""
    return exc if isinstance(exc, MissionError) else MissionError(source, [_plain(exc)])


def _plain(exc: InputError) -> InputError:
    """``exc`` with a NumPy value shown as a plain number or list."""
    if isinstance(exc.value, np.ndarray | np.generic):
        return InputError(exc.field, exc.value.tolist(), exc.expected)
    return exc


def _allowed_keys(loc: tuple) -> str:
    model: Any = MissionSpec
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return "?"
        model = field.annotation
        args = getattr(model, "__args__", None)
        if args:  # X | None
            model = next((a for a in args if hasattr(a, "model_fields")), model)
    return ", ".join(getattr(model, "model_fields", {}))


def _build(spec: MissionSpec, label: str, base_dir: Path) -> Mission:
    planet = _planet(spec)
    atmosphere = _atmosphere(spec, base_dir)
    wind_spec = spec.atmosphere.wind
    try:
        wind = WindProfile(
            np.asarray(wind_spec.altitude_m, dtype=float),
            np.asarray(wind_spec.east_m_s, dtype=float),
            np.asarray(wind_spec.north_m_s, dtype=float),
        )
    except InputError as exc:  # WindProfile names its keys "wind.*"
        raise InputError(
            f"atmosphere.{exc.field}",
            exc.value,
            exc.expected.replace("wind.", "atmosphere.wind."),
        ) from None
    aero_spec = spec.vehicle.capsule.aerodynamics
    field = "vehicle.capsule.aerodynamics"
    trim = aero_spec.trim_angle_deg
    if aero_spec.lift_to_drag is not None:
        aero = AeroTable.from_lift_to_drag(
            aero_spec.mach, aero_spec.drag_coefficient, aero_spec.lift_to_drag, trim, field
        )
    else:
        aero = AeroTable(
            aero_spec.mach,
            aero_spec.drag_coefficient,
            aero_spec.lift_coefficient,
            np.zeros(len(aero_spec.mach)) if trim is None else trim,
            field,
        )
    capsule = spec.vehicle.capsule
    area = capsule.reference_area_m2
    if area is None:
        area = math.pi * capsule.diameter_m**2 / 4.0
    k_heat = spec.atmosphere.sutton_graves_k
    if k_heat is None:
        k_heat = SUTTON_GRAVES_MARS if spec.planet.name == "mars" else SUTTON_GRAVES_AIR
    if spec.target.altitude_m >= spec.entry.altitude_m:
        raise InputError("target.altitude_m", spec.target.altitude_m, "below entry.altitude_m")
    terrain = site_terrain(spec.site, spec.target, planet, base_dir)
    observed: tuple[ObservedPosition, ...] = ()
    if spec.site.observed_positions_file is not None:
        path = Path(spec.site.observed_positions_file)
        observed = read_observed(path if path.is_absolute() else base_dir / path)
    return Mission(
        spec, label, planet, atmosphere, wind, aero, float(area), float(k_heat), terrain, observed
    )


def _planet(spec: MissionSpec) -> Planet:
    base = planet_by_name(spec.planet.name)
    overrides = {
        key: value
        for key, value in spec.planet.model_dump(exclude={"name"}).items()
        if value is not None
    }
    return with_overrides(base, **overrides) if overrides else base


def _atmosphere(spec: MissionSpec, base_dir: Path) -> AtmosphereTable:
    atm = spec.atmosphere
    if atm.model == "mars_gram_average":
        return mars_gram_average(gamma=atm.gamma)
    if atm.model == "us76":
        return us76()
    if atm.model == "exponential":
        return exponential(
            atm.surface_density_kg_m3,
            atm.scale_height_m,
            atm.temperature_k,
            atm.gamma,
            atm.gas_constant_j_kg_k,
        )
    path = Path(atm.table_file)
    if not path.is_absolute():
        path = base_dir / path
    gravity = None
    if spec.planet.name != "mars":
        gravity = EARTH.mu_m3_s2 / EARTH.mean_radius_m**2
    return from_csv(
        path,
        atm.gamma,
        field="atmosphere.table_file",
        gas_constant_j_kg_k=atm.gas_constant_j_kg_k,
        surface_pressure_pa=atm.surface_pressure_pa,
        **({} if gravity is None else {"gravity_m_s2": gravity}),
    )
