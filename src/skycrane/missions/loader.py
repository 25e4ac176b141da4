"""Load and validate mission files; build the physical model objects they describe.

``load_mission("m2020")`` loads a preset; any other argument is a path to a
TOML file. A file may start from another mission with ``base = "m2020"`` (a
preset name, a path relative to the file, or the name of a shipped preset
fragment such as ``shared/edl_dispersions.toml`` so that a copied preset still
loads; no other path is looked up inside the installed package) and override
only what it changes: tables are deep-merged key by key, lists are replaced
whole. ``base`` may also be a list of them, merged in order (each later one
over the earlier, the file over all): an orbit-start Earth mission takes only
the atmosphere band with ``base = "shared/earth_atmosphere_dispersions.toml"``,
an entry-interface one both halves of ``shared/earth_dispersions.toml``.

Files are untrusted input (:mod:`skycrane.missions.untrusted`): only regular
files under a size limit are read, deep or huge documents are refused before
parsing recurses, and no error quotes a file's contents.

Every problem is reported as a :class:`MissionError`: one line per problem
(at most :data:`MAX_PROBLEMS`), each naming the key path, the value found and
what was expected.
"""

from __future__ import annotations

import dataclasses
import math
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
    msis,
    us76,
)
from skycrane.atmosphere.us76 import DEFAULT_TOP_M as US76_DEFAULT_TOP_M
from skycrane.errors import InputError, terminal_safe
from skycrane.missions.provenance import Provenance, provenance
from skycrane.missions.schema import KeyProblem, MissionSpec, entry_altitude_m
from skycrane.missions.schema_orbit import check_orbit_against, start_altitude_m
from skycrane.planets import EARTH, Planet, planet_by_name, with_overrides
from skycrane.terrain.grid import LocalTerrain
from skycrane.terrain.observed import ObservedPosition, read_observed
from skycrane.terrain.site import site_terrain
from skycrane.untrusted import MAX_MISSION_BYTES, parse_toml, read_text
from skycrane.vehicle.aerodynamics import AeroTable
from skycrane.vehicle.heating import SUTTON_GRAVES_AIR, SUTTON_GRAVES_MARS

PRESETS = ("m2020", "msl", "artemis1", "artemis2", "apollo4", "starliner")
_MAX_BASE_DEPTH = 8
FRAGMENTS = (
    "shared/edl_dispersions.toml",
    "shared/earth_dispersions.toml",
    "shared/earth_entry_dispersions.toml",
    "shared/earth_atmosphere_dispersions.toml",
)
"""Shipped preset fragments a ``base`` may name (the presets' own bases): by exact name."""
_BASE_EXPECTED = "a preset name or a file path, or a non-empty list of them"
MAX_PROBLEMS = 20
"""Problems listed per file; more are summarised in one last line."""


class MissionError(InputError):
    """One or more problems in a mission file, one :class:`InputError` each."""

    def __init__(self, source: str, problems: list[InputError]) -> None:
        self.source = source
        self.problems = problems
        first = problems[0]
        super().__init__(first.field, first.value, first.expected)
        # one line per problem: a key or value holding a newline must not start another
        lines = [terminal_safe(f"{source}: {p}") for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"{source}: ... and {len(problems) - MAX_PROBLEMS} more problems")
        self.args = ("\n".join(lines),)

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
    user_keys : tuple of str
        Dotted keys the file itself sets over its ``base`` (for a preset: none).
        A refusal that follows from the flight as a whole, not from one key,
        names these: they are what the user changed.
    provenance : Provenance or None
        The file, its base and the keys it changes (a what-if's title shows them).
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
    user_keys: tuple[str, ...] = ()
    provenance: Provenance | None = None
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
    found_base: list[tuple[str, dict[str, Any]]] = []
    raw, base_dir, user_keys = _read_with_bases(source, depth=0, found_base=found_base)
    try:
        spec = MissionSpec.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise MissionError(label, [_problem(err) for err in exc.errors()]) from None
    try:
        mission = _build(spec, label, base_dir, user_keys)
    except InputError as exc:
        raise MissionError(label, [_plain(exc)]) from None
    base, base_raw = found_base[0] if found_base else (None, None)
    return dataclasses.replace(mission, provenance=provenance(label, raw, base, base_raw))


def preset_path(name: str) -> Path:
    """Path of a preset mission file shipped with the package."""
    return Path(str(resources.files("skycrane.missions") / "presets" / f"{name}.toml"))


def _read_with_bases(
    source: str | Path, depth: int, found_base: list | None = None
) -> tuple[dict[str, Any], Path, tuple[str, ...]]:
    """The merged document of ``source`` and its bases, its directory, and the dotted
    keys ``source`` itself sets (none for a preset).

    ``found_base``, when given, receives the file's own ``base`` as written and
    the base's merged content (for :mod:`skycrane.missions.provenance`).
    """
    if depth > _MAX_BASE_DEPTH:
        raise MissionError(str(source), [InputError("base", str(source), "no cycle of bases")])
    preset = isinstance(source, str) and source in PRESETS
    path = preset_path(source) if preset else Path(source)
    label = str(source)
    field = "file" if depth == 0 else "base"
    if not preset and not path.exists():
        raise MissionError(
            label, [InputError(field, str(path), f"an existing file or a preset {PRESETS}")]
        )
    try:
        text = read_text(path, field, MAX_MISSION_BYTES, "mission file")
        raw = parse_toml(text, field, str(path))
    except InputError as exc:
        raise MissionError(label, [exc]) from None
    if depth > 0:
        _require_mission_sections(raw, label)
    user_keys = () if preset else tuple(_leaf_keys(raw))
    base = raw.get("base")
    if base is None:
        return raw, path.parent, user_keys
    names = base if isinstance(base, list) else [base]
    if not names or not all(isinstance(name, str) and name for name in names):
        raise MissionError(label, [InputError("base", base, _BASE_EXPECTED)])
    base_raw: dict[str, Any] = {}
    for k, name in enumerate(names):
        field = f"base[{k}]" if isinstance(base, list) else "base"
        base_source = _base_source(name, path, label, field)
        part_raw, part_dir, _ = _read_with_bases(base_source, depth + 1)
        _anchor_table_file(part_raw, part_dir)
        base_raw = _deep_merge(base_raw, part_raw)
    if found_base is not None:
        found_base.append((", ".join(names), base_raw))
    merged = _deep_merge(base_raw, raw)
    merged.pop("base", None)
    return merged, path.parent, user_keys


def _anchor_table_file(raw: dict[str, Any], base_dir: Path) -> None:
    """Resolve a base's relative ``atmosphere.table_file`` against the base's directory.

    A relative path means what it meant in the file that wrote it: the msl preset's
    Gale atmosphere (``atmosphere/data``) must stay found from a file that has
    ``base = "msl"`` elsewhere.
    """
    atmosphere = raw.get("atmosphere")
    if not isinstance(atmosphere, dict):
        return
    table = atmosphere.get("table_file")
    if isinstance(table, str) and table and not Path(table).is_absolute():
        atmosphere["table_file"] = str(base_dir / table)


def _base_source(name: str, path: Path, label: str, field: str) -> str | Path:
    """What ``base`` entry ``name`` of the file ``path`` names: a preset by name, else a path
    relative to the file, else a shipped fragment by its exact name (:data:`FRAGMENTS`);
    never any other path inside the package."""
    if name in PRESETS:
        return name
    source = path.parent / name
    if not source.exists() and name in FRAGMENTS:
        source = preset_path("m2020").parent / name
    if not source.exists():
        raise MissionError(
            label,
            [InputError(field, name, f"a preset {PRESETS} or an existing file ({source})")],
        )
    return source


def _require_mission_sections(raw: dict[str, Any], label: str) -> None:
    """Refuse a base that is not a mission file, without quoting any of its keys or values."""
    unknown = [key for key in raw if key not in MissionSpec.model_fields]
    if unknown:
        raise MissionError(
            label,
            [
                InputError(
                    "base",
                    label,
                    f"a mission file ({len(unknown)} of its top-level keys are not "
                    f"mission sections: {', '.join(MissionSpec.model_fields)})",
                )
            ],
        )


def _leaf_keys(raw: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of the values a document sets (a list or distribution counts as one)."""
    keys = []
    for key, value in raw.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key == "base":
            continue
        if isinstance(value, dict) and "distribution" not in value and "variables" not in value:
            keys.extend(_leaf_keys(value, path))
        else:
            keys.append(path)
    return keys


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
        # the value of an unknown key is not quoted: it may come from any file
        return InputError(loc, "(unknown key)", f"no unknown key{where}; allowed: {allowed}")
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


def _build(spec: MissionSpec, label: str, base_dir: Path, user_keys: tuple[str, ...]) -> Mission:
    planet = _planet(spec)
    if spec.orbit is not None:
        try:
            check_orbit_against(spec.orbit, planet.mu_m3_s2, planet.equatorial_radius_m)
        except KeyProblem as exc:
            raise InputError(f"orbit.{exc.key}", exc.value, exc.expected) from None
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
    _check_heating(spec)
    if spec.target.altitude_m >= entry_altitude_m(spec):
        raise InputError("target.altitude_m", spec.target.altitude_m, "below the entry interface")
    check_atmosphere_coverage(spec, atmosphere)
    _check_dispersion_tables(spec, base_dir)
    terrain = site_terrain(spec.site, spec.target, planet, base_dir)
    observed: tuple[ObservedPosition, ...] = ()
    if spec.site.observed_positions_file is not None:
        path = Path(spec.site.observed_positions_file)
        observed = read_observed(path if path.is_absolute() else base_dir / path)
    return Mission(
        spec,
        label,
        planet,
        atmosphere,
        wind,
        aero,
        float(area),
        float(k_heat),
        user_keys,
        terrain=terrain,
        observed=observed,
    )


def _planet(spec: MissionSpec) -> Planet:
    base = planet_by_name(spec.planet.name)
    overrides = {
        key: value
        for key, value in spec.planet.model_dump(exclude={"name"}).items()
        if value is not None
    }
    planet = with_overrides(base, **overrides) if overrides else base
    _check_planet(planet)
    return planet


def _check_planet(planet: Planet) -> None:
    """A body of the shape and spin a planet can have: polar radius at most the equatorial
    and above half of it (flattening < 0.5), and gravity at the equator above the
    centrifugal acceleration (omega^2 a < mu / a^2), else the surface would fly apart."""
    a = planet.equatorial_radius_m
    b = planet.polar_radius_m
    if not 0.5 * a <= b <= a:
        raise InputError(
            "planet.polar_radius_m",
            b,
            f"from half of to the equatorial radius {a:g} m (an oblate planet)",
        )
    if planet.rotation_rad_s**2 * a >= planet.mu_m3_s2 / a**2:
        raise InputError(
            "planet.rotation_rad_s",
            planet.rotation_rad_s,
            f"below sqrt(mu / a^3) = {math.sqrt(planet.mu_m3_s2 / a**3):.3g} rad/s "
            "(faster, the equator's surface is not bound to the planet)",
        )


def _atmosphere(spec: MissionSpec, base_dir: Path) -> AtmosphereTable:
    atm = spec.atmosphere
    if atm.model == "mars_gram_average":
        return mars_gram_average(gamma=atm.gamma)
    # the Earth models reach the entry altitude, or the orbit's highest (200 km at least), up
    # to their 1000 km: above it the density (< 3.6e-15 kg/m^3) is taken as nil
    earth_top_m = min(1.0e6, max(US76_DEFAULT_TOP_M, _start_altitude_m(spec)))
    if atm.model == "us76":
        return us76(top_m=earth_top_m)
    if atm.model == "msis":
        m = atm.msis
        return msis(
            m.time_utc,
            m.latitude_deg,
            m.longitude_deg,
            m.f107_sfu,
            m.f107a_sfu,
            m.ap,
            top_m=earth_top_m,
        )
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


AIR_PLANETS = ("earth", "earth_round")
"""Planets whose atmosphere is air: the Brandis–Johnston and Tauber–Sutton fits are for air."""


def _check_heating(spec: MissionSpec) -> None:
    """Refuse an air-only heating correlation (skycrane.vehicle.heating) on another planet."""
    heating = spec.vehicle.heating
    if spec.planet.name in AIR_PLANETS:
        return
    for key, value in (("convective", heating.convective), ("radiative", heating.radiative)):
        if value in ("brandis_johnston", "tauber_sutton"):
            raise InputError(
                f"vehicle.heating.{key}",
                value,
                f"a correlation for {spec.planet.name}'s atmosphere: {value} is fitted to air "
                "(Earth only); use 'sutton_graves'" + (" or 'none'" if key == "radiative" else ""),
            )


def _check_dispersion_tables(spec: MissionSpec, base_dir: Path) -> None:
    """Read every ``dispersions.atmosphere.tables`` file now, so that ``check`` refuses a
    bad one as the Monte Carlo would (with the same untrusted-file limits)."""
    disp = spec.dispersions
    if disp is None or disp.atmosphere is None or disp.atmosphere.model != "tables":
        return
    for k, name in enumerate(disp.atmosphere.tables):
        path = Path(name)
        from_csv(
            path if path.is_absolute() else base_dir / path,
            spec.atmosphere.gamma,
            field=f"dispersions.atmosphere.tables[{k}]",
        )


DOWNWARD_EXTRAPOLATION_M = 10_000.0
"""How far below its lowest node a table atmosphere may be extrapolated unasked [m]:
about one scale height of Mars or Earth, for a table that starts at the datum above a
site below it (Jezero is 2.55 km below the Mars datum)."""


def check_atmosphere_coverage(spec: MissionSpec, atmosphere: AtmosphereTable) -> None:
    """Refuse a table atmosphere that does not span the flight's altitudes.

    Beyond its nodes a table is extrapolated log-linearly along its end
    segments (:mod:`skycrane.atmosphere.table`), a guess that grows worse with
    distance: a table ending at 10 km flown from 125 km would give an invented
    upper atmosphere. So the top node must reach ``entry.altitude_m`` unless
    ``atmosphere.extrapolate_above_m`` states, up to where, the extrapolation is
    intended; and the lowest node must lie within :data:`DOWNWARD_EXTRAPOLATION_M`
    of ``target.altitude_m``. The built-in models cover their planet's flights.
    """
    atm = spec.atmosphere
    if atm.model not in ("table", "hydrostatic"):
        return
    top_m = float(atmosphere.altitude_m[-1])
    bottom_m = float(atmosphere.altitude_m[0])
    entry_m = _start_altitude_m(spec)
    if atm.extrapolate_above_m is not None:
        if atm.extrapolate_above_m < entry_m:
            raise InputError(
                "atmosphere.extrapolate_above_m",
                atm.extrapolate_above_m,
                f"at least entry.altitude_m = {entry_m:g} m (the flight starts there)",
            )
    elif top_m < entry_m:
        raise InputError(
            "atmosphere.table_file",
            atm.table_file,
            f"a table reaching entry.altitude_m = {entry_m:g} m (it ends at {top_m:g} m); "
            "or state the extrapolation above it with atmosphere.extrapolate_above_m",
        )
    if bottom_m > spec.target.altitude_m + DOWNWARD_EXTRAPOLATION_M:
        raise InputError(
            "atmosphere.table_file",
            atm.table_file,
            f"a table starting at most {DOWNWARD_EXTRAPOLATION_M:g} m above target.altitude_m "
            f"= {spec.target.altitude_m:g} m (it starts at {bottom_m:g} m)",
        )


def _start_altitude_m(spec: MissionSpec) -> float:
    """The highest altitude the flight starts from (schema_orbit.start_altitude_m)."""
    planet = _planet(spec)
    return start_altitude_m(spec, planet.mu_m3_s2, planet.equatorial_radius_m)
