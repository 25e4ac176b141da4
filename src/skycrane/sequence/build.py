"""Turn a validated mission into the kernel's arrays: sequence, bodies, parameters, memory.

One builder for every run: a nominal flight is a batch of one, and the Monte
Carlo layer perturbs the rows this module produces. Building is packing: the
three quantities that need a solve first (the entry-guidance reference, the
state at the start time, the nominal flight's safe-target offset) come from
:func:`prepare`, whose named steps live in :mod:`skycrane.sequence.preflight`
and are done once per mission. The main vehicle starts at the mission's
``sequence.start_t_s`` (cruise-stage separation, E-600 s for the presets),
from the entry-interface state of the mission file propagated backwards to
that time in vacuum, so the forward flight passes through the published entry
state at t = 0.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skycrane.atmosphere.wind import WindProfile
from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.guidance.terrain_nav import HazardMap, load_hazard_map, synthetic_hazard_map
from skycrane.missions.loader import Mission
from skycrane.missions.schema_landing import EventSpec
from skycrane.missions.schema_orbit import burn_end_name
from skycrane.planets import pf_from_lla, velocity_pf_from_local
from skycrane.propagate.kernel import default_settings
from skycrane.propagate.model import build_model
from skycrane.sequence.batch import Batch
from skycrane.sequence.final_phase import final_phase_guidance
from skycrane.sequence.orbit_start import (
    burn_propellant_kg,
    capsule_state,
    entry_epoch,
    orbit_state,
    pre_entry_count,
    with_burn_ends,
)
from skycrane.sequence.pack import nominal_memory, nominal_params, vacuum_params
from skycrane.sequence.preflight import (
    Preflight,
    check_divert_reach,
    coast_back,
    entry_guidance,
    memoised,
    mission_digest,
    read_only,
    safe_target,
    start_state,
)
from skycrane.sequence.skip_setup import skip_density_table
from skycrane.terrain.hazard import hazard
from skycrane.vehicle.aerodynamics import AeroBank, AeroTable
from skycrane.vehicle.parachute import DGB_CD, DGB_MACH, nominal_area_m2

CAPSULE = "capsule"


def entry_state(mission: Mission) -> np.ndarray:
    """Planet-fixed state vector (layout.S_*) at the entry interface, t = 0.

    An inertial velocity (at t = 0 the inertial and planet-fixed axes coincide)
    becomes planet-relative by removing the rotation: v_rel = v_i - omega x r.
    """
    e = mission.spec.entry
    planet = mission.planet
    r = pf_from_lla(e.latitude_deg, e.longitude_deg, e.altitude_m, planet)
    v = velocity_pf_from_local(
        e.speed_m_s,
        e.flight_path_angle_deg,
        e.heading_deg,
        e.latitude_deg,
        e.longitude_deg,
        planet,
    )
    if e.velocity_frame == "inertial":
        v = v - np.cross([0.0, 0.0, planet.rotation_rad_s], r)
    return capsule_state(mission, r, v)


def _sequence_events(mission: Mission):
    """The flown events (each burn followed by its end event) and the file's start time."""
    spec = mission.spec
    if spec.sequence is not None:
        return with_burn_ends(spec.sequence.events), spec.sequence.start_t_s
    return [EventSpec(name="parachute_deploy", trigger="parachute_trigger", stop=True)], 0.0


def _aero_tables(mission: Mission) -> tuple[list[AeroTable], dict[str, int], dict[str, float]]:
    """Capsule (row 0), the main vehicle's other configurations, then every body."""
    spec = mission.spec
    tables = [mission.capsule_aero]
    rows = {CAPSULE: 0}
    areas = {CAPSULE: mission.reference_area_m2}
    named = [(f"vehicle.configurations.{k}", k, v) for k, v in spec.vehicle.configurations.items()]
    named += [
        (f"bodies.{k}.aerodynamics", f"body:{k}", b.aerodynamics) for k, b in spec.bodies.items()
    ]
    for field, key, drag in named:
        rows[key] = len(tables)
        areas[key] = drag.reference_area_m2
        n = len(drag.mach)
        tables.append(AeroTable(drag.mach, drag.drag_coefficient, np.zeros(n), np.zeros(n), field))
    return tables, rows, areas


def build_sequence(
    mission: Mission, aero_rows, areas, start_t_s: float = 0.0
) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Sequence table (N_SQ_ROWS x events), body table (N_B_ROWS x bodies), body names.

    ``start_t_s`` is the start's time from the entry interface: a
    ``time_from_start`` trigger's t_s is counted from it.
    """
    spec = mission.spec
    events, _ = _sequence_events(mission)
    body_names = list(spec.bodies)
    body_rows = {name: i for i, name in enumerate(body_names)}
    clusters = list(spec.parachute_clusters)
    seq = np.full((L.N_SQ_ROWS, len(events)), -1.0)
    seq[L.SQ_AREA] = np.nan
    seq[L.SQ_BANK] = np.nan
    seq[L.SQ_BURN_THRUST_N] = np.nan
    seq[L.SQ_BURN_ISP_S] = np.nan
    seq[L.SQ_CHUTE] = 0.0
    seq[L.SQ_STOP] = 0.0
    seq[L.SQ_SPAWN_N] = 0.0
    seq[L.SQ_SPAWN0] = 0.0
    bodies_order: list[str] = []
    burn_ends = {burn_end_name(ev.name) for ev in events if ev.burn is not None}
    index = {}
    for k, ev in enumerate(events):
        where = f"sequence.events[{k}]"
        if ev.name in index:
            raise InputError(f"{where}.name", ev.name, "a name not used by an earlier event")
        index[ev.name] = k
        seq[L.SQ_TRIGGER, k], seq[L.SQ_VALUE, k] = _trigger(mission, ev, where, index)
        if ev.trigger == "time_from_start":
            seq[L.SQ_VALUE, k] += start_t_s
        if ev.burn is not None:
            seq[L.SQ_BURN_THRUST_N, k] = ev.burn.thrust_n
            seq[L.SQ_BURN_ISP_S, k] = ev.burn.isp_s
        elif ev.name in burn_ends:
            seq[L.SQ_BURN_THRUST_N, k] = 0.0
            seq[L.SQ_BURN_ISP_S, k] = 1.0
        if ev.trigger == "time_after":
            seq[L.SQ_REF, k] = index[ev.after]
        if ev.lift is not None:
            seq[L.SQ_LIFT, k] = 1.0 if ev.lift else 0.0
        if ev.aerodynamics is not None:
            if ev.aerodynamics not in aero_rows:
                allowed = [CAPSULE, *spec.vehicle.configurations]
                raise InputError(f"{where}.aerodynamics", ev.aerodynamics, f"one of {allowed}")
            seq[L.SQ_AERO, k] = aero_rows[ev.aerodynamics]
            seq[L.SQ_AREA, k] = areas[ev.aerodynamics]
        if ev.guidance is not None:
            if ev.guidance == "powered" and (spec.powered_descent is None or spec.rover is None):
                raise InputError(
                    f"{where}.guidance",
                    ev.guidance,
                    "[powered_descent] and [rover] sections for powered descent",
                )
            seq[L.SQ_GUIDANCE, k] = L.CODE["GUID"][ev.guidance]
        if ev.bank_deg is not None:
            seq[L.SQ_BANK, k] = math.radians(ev.bank_deg)
        if ev.parachute is not None:
            seq[L.SQ_CHUTE, k] = 1.0 if ev.parachute == "deploy" else 2.0
        if ev.deploy_parachutes is not None:
            seq[L.SQ_CLUSTER_DEPLOY, k] = clusters.index(ev.deploy_parachutes)
        if ev.release_parachutes is not None:
            seq[L.SQ_CLUSTER_RELEASE, k] = clusters.index(ev.release_parachutes)
        seq[L.SQ_NAV, k] = L.CODE["NAV"][ev.navigation or "none"]
        seq[L.SQ_STOP, k] = 1.0 if ev.stop else 0.0
        seq[L.SQ_SPAWN0, k] = len(bodies_order)
        seq[L.SQ_SPAWN_N, k] = len(ev.jettison)
        for j, name in enumerate(ev.jettison):
            if name not in body_rows:
                raise InputError(f"{where}.jettison[{j}]", name, f"one of the bodies {body_names}")
            if name in bodies_order:
                raise InputError(f"{where}.jettison[{j}]", name, "a body not already jettisoned")
            bodies_order.append(name)
    # the rover is released by touchdown, not by the sequence
    if spec.rover is not None:
        bodies_order.append("rover")
    table = np.zeros((L.N_B_ROWS, len(bodies_order)))
    for i, name in enumerate(bodies_order):
        if name == "rover":
            table[L.B_MASS_KG, i] = spec.rover.mass_kg
            continue
        b = spec.bodies[name]
        table[L.B_MASS_KG, i] = b.mass_kg
        table[L.B_DV_M_S, i] = b.separation_speed_m_s
        table[L.B_DV_DIR, i] = L.CODE["DV"][b.separation_direction]
    return seq, table, tuple(bodies_order)


def cluster_table(mission: Mission) -> np.ndarray:
    """Parachute-cluster table (N_CL_ROWS x clusters, contract.fields_chutes), file order."""
    clusters = mission.spec.parachute_clusters
    table = np.zeros((L.N_CL_ROWS, len(clusters)))
    for c, spec in enumerate(clusters.values()):
        table[L.CL_COUNT, c] = spec.count
        table[L.CL_S0_M2, c] = nominal_area_m2(spec.diameter_m)
        table[L.CL_D0_M, c] = spec.diameter_m
        table[L.CL_CD, c] = spec.drag_coefficient
        table[L.CL_CLUSTER_FACTOR, c] = spec.cluster_drag_factor
        table[L.CL_T_LS_S, c] = spec.line_stretch_s
        table[L.CL_NF, c] = spec.inflation_diameters
        table[L.CL_K, c] = spec.inflation_exponent
        table[L.CL_N_REEF, c] = len(spec.reefing)
        for j, stage in enumerate(spec.reefing):
            table[L.CL_REEF_FRAC_1 + j, c] = stage.drag_area_fraction
            table[L.CL_REEF_T_1 + j, c] = stage.disreef_s
    return table


def _trigger(mission: Mission, ev, where: str, index: dict[str, int]) -> tuple[float, float]:
    if ev.trigger == "parachute_trigger":
        deploy = mission.spec.parachute.deploy
        if deploy.trigger == "velocity":
            return L.TR_SPEED_BELOW, deploy.speed_m_s
        if deploy.trigger == "mach":
            return L.TR_MACH_BELOW, deploy.mach
        return L.TR_RANGE, deploy.range_to_target_m
    if ev.trigger == "time_after" and ev.after not in index:
        raise InputError(f"{where}.after", ev.after, f"the name of an earlier event {list(index)}")
    if ev.trigger == "time_from_start":
        return L.TR_TIME, ev.t_s
    value = {
        "time": ev.t_s,
        "time_after": ev.delay_s,
        "altitude_below": ev.altitude_m,
        "altitude_above_ground_below": ev.altitude_m,
        "speed_below": ev.speed_m_s,
        "mach_below": ev.mach,
        "sufr_lead": ev.lead_s,
    }[ev.trigger]
    return L.CODE["TR"][ev.trigger], value


def entry_reference(mission: Mission) -> tuple[np.ndarray, np.ndarray] | None:
    """The terminal point controller's reference table and gains, or None (constant bank).

    The memoised solve :func:`skycrane.sequence.preflight.entry_guidance`, from the
    mission's entry state or, from orbit, the predicted one (:func:`prepare`).
    """
    return prepare(mission).entry_guidance


def back_propagate(mission: Mission, y_entry: np.ndarray, duration_s: float) -> np.ndarray:
    """State ``duration_s`` before the entry interface, by reversed-time vacuum propagation."""
    return back_propagate_rows(mission, y_entry[None], duration_s)[0]


def back_propagate_rows(mission: Mission, y_entry: np.ndarray, duration_s: float) -> np.ndarray:
    """:func:`back_propagate` for every row of ``y_entry[n, N_STATE]`` (one kernel batch)."""
    return coast_back(mission, y_entry, vacuum_params(mission.reference_area_m2, duration_s))


@functools.lru_cache(maxsize=4)
def _synthetic_map(seed: int, fraction: float) -> HazardMap:
    return synthetic_hazard_map(seed, fraction)


def hazard_map(mission: Mission) -> HazardMap | None:
    """The safe-target map of ``[navigation].hazard_map``: None (all safe), the site's
    terrain, synthetic or a file.

    ``"terrain"`` judges the site's own terrain (``[site]``) by the landing
    system's slope and relief limits (skycrane.terrain.hazard, Golombek et al.
    2012): each terrain node becomes the cell centred on it. A file name is
    relative to the mission file's folder; a map that is malformed or does not
    cover the target is an InputError naming the key.
    """
    nav = mission.spec.navigation
    if nav.hazard_map == "none":
        return None
    if nav.hazard_map == "terrain":
        if mission.terrain is None:
            raise InputError(
                "navigation.hazard_map", nav.hazard_map, "a [site] terrain to judge (or 'none')"
            )
        safe, east0_m, north0_m, spacing_m = hazard(mission.terrain)
        half = 0.5 * spacing_m
        return HazardMap.checked(
            safe, east0_m - half, north0_m - half, spacing_m, "navigation.hazard_map"
        )
    if nav.hazard_map == "synthetic":
        return _synthetic_map(nav.hazard_seed, nav.hazard_fraction)
    path = Path(nav.hazard_map)
    if not path.is_absolute() and mission.source:
        path = Path(mission.source).parent / path
    if path.suffix != ".npz":
        raise InputError(
            "navigation.hazard_map",
            nav.hazard_map,
            "'none', 'terrain', 'synthetic' or a .npz file",
        )
    return load_hazard_map(path, "navigation.hazard_map")


def prepare(mission: Mission, record_trajectory: bool = True) -> Preflight:
    """Every solve ``mission`` needs before its flight, each memoised (sequence/preflight.py).

    Validates the packing first (sequence references, the mass budget, the
    divert's reach), then
    solves the entry-guidance reference (or, for a skip entry's Apollo final
    phase, flies the nominal once to place it: sequence/final_phase.py) and
    the state at the start time,
    packs the one-case nominal flight and, when safe-target selection
    retargets powered descent, flies it once for the predicted landing
    point's offset (with the trajectory sampling of ``record_trajectory``,
    as the batch it serves). Raises :class:`~skycrane.errors.InputError` for
    everything a run would refuse before flying.
    """
    hazard_map(mission)
    check_mass_budget(mission)
    check_divert_reach(mission)
    _, start_t = _sequence_events(mission)
    if mission.spec.orbit is None:
        y_entry = entry_state(mission)
        y_start = start_state(
            mission, y_entry, start_t, vacuum_params(mission.reference_area_m2, -start_t)
        )
    else:
        y_start = read_only(orbit_state(mission))
        start_t, y_entry = memoised(
            "entry_epoch", mission_digest(mission), lambda: _entry_epoch(mission, y_start)
        )
    guidance = entry_guidance(mission, y_entry)
    tables = _pack_tables(mission, start_t)
    skip = mission.spec.guidance.skip
    if skip is not None and skip.final_phase:  # the Apollo final phase's reference replaces it
        nominal = _assemble(mission, 1, False, tables, None, y_start, start_t)
        guidance = final_phase_guidance(mission, nominal)
    offset = None
    pd_spec = mission.spec.powered_descent
    if pd_spec is not None and pd_spec.divert_max_m is not None:
        design = still_air(mission)
        nominal = _assemble(design, 1, record_trajectory, tables, guidance, y_start, start_t)
        offset = safe_target(design, nominal)
    return Preflight(mission_digest(mission), guidance, y_start, offset, record_trajectory, start_t)


def still_air(mission: Mission) -> Mission:
    """``mission`` with its wind profile calmed: the flight safe-target selection predicts from.

    The predicted no-divert landing point is the ground point below the
    vehicle at powered-descent start plus the nominal flight's offset to the
    target (sequence/preflight.py ``safe_target``): the divert designed into
    the nominal, a property of the design. Taken
    from a flight in the mission's own wind, the offset also held that wind's
    drift under the parachute (a 7 m/s headwind on MSL: 2.2 km instead of
    0.8 km), so the "prediction" was the target whatever the wind, and powered
    descent flew back to it and ran out of propellant (docs/powered_descent.md,
    "The safe target's offset in wind"). Still air leaves the preset flights,
    which are calm, unchanged.
    """
    if mission.wind.is_calm():
        return mission
    return dataclasses.replace(mission, wind=WindProfile.calm())


def _entry_epoch(mission: Mission, y_epoch: np.ndarray) -> tuple[float, np.ndarray]:
    """(start time from the entry interface, entry-interface state) of an orbit mission."""
    events, _ = _sequence_events(mission)
    from_epoch = _assemble(mission, 1, False, _pack_tables(mission, 0.0), None, y_epoch, 0.0)
    t_ei, y_ei = entry_epoch(mission, from_epoch, pre_entry_count(mission, events))
    return -t_ei, read_only(y_ei)


def build_batch(
    mission: Mission,
    n_cases: int = 1,
    record_trajectory: bool = True,
    preflight: Preflight | None = None,
) -> Batch:
    """``n_cases`` identical nominal cases of ``mission``, ready for :func:`run_batch`.

    Pure packing of the mission and of its :func:`prepare` results
    (``preflight``, prepared with the same ``record_trajectory``; prepared,
    memoised, when not given).
    """
    if preflight is None:
        pre = prepare(mission, record_trajectory)
    else:
        preflight.require_for(mission, record_trajectory)
        pre = preflight
    tables = _pack_tables(mission, pre.start_t_s)
    batch = _assemble(
        mission,
        n_cases,
        record_trajectory,
        tables,
        pre.entry_guidance,
        pre.start_state,
        pre.start_t_s,
    )
    if pre.safe_target_offset_m is not None:
        east, north = pre.safe_target_offset_m
        batch.params[:, L.P_RETARGET] = 1.0
        batch.params[:, L.P_DIVERT_MAX_M] = mission.spec.powered_descent.divert_max_m
        batch.params[:, L.P_STS_EAST_M] = east
        batch.params[:, L.P_STS_NORTH_M] = north
    return batch


@dataclass(frozen=True, slots=True)
class _Tables:
    """What packing needs of the mission alone: aerodynamic and sequence tables, rows."""

    aero: list
    aero_rows: dict[str, int]
    seq: np.ndarray
    bodies: np.ndarray
    body_names: tuple[str, ...]
    params: np.ndarray
    mem: np.ndarray


def _pack_tables(mission: Mission, start_t_s: float) -> _Tables:
    tables, aero_rows, areas = _aero_tables(mission)
    seq, bodies, body_names = build_sequence(mission, aero_rows, areas, start_t_s)
    p = nominal_params(mission, body_names, start_t_s)
    mem = nominal_memory(mission, p)
    return _Tables(tables, aero_rows, seq, bodies, body_names, p, mem)


def _assemble(
    mission: Mission,
    n_cases: int,
    record_trajectory: bool,
    tables: _Tables,
    guidance: tuple[np.ndarray, np.ndarray] | None,
    y_start: np.ndarray,
    start_t: float,
) -> Batch:
    """The batch of ``n_cases`` nominal cases starting at ``start_t`` from the entry
    interface, without safe-target retargeting."""
    spec = mission.spec
    events, _ = _sequence_events(mission)
    site = hazard_map(mission)
    chute = spec.parachute
    model = build_model(
        mission.planet,
        mission.atmosphere,
        mission.wind,
        AeroBank.from_tables(tables.aero),
        chute=(DGB_MACH, DGB_CD)
        if chute is None
        else (np.asarray(chute.mach), np.asarray(chute.drag_coefficient)),
        entry_guidance=guidance,
        sequence=tables.seq,
        bodies=tables.bodies,
        terrain=None if mission.terrain is None else mission.terrain.kernel_arrays(),
        hazard=None if site is None else site.kernel_arrays(),
        clusters=cluster_table(mission),
        skip_density=skip_density_table(mission),
    )
    y0 = np.array(y_start)
    y0[L.S_MASS] += pre_entry_mass_kg(mission)
    sim = spec.simulation
    settings = default_settings(
        rtol=sim.rtol,
        atol=sim.atol,
        max_step_s=sim.max_step_s,
        output_dt_s=sim.output_interval_s if record_trajectory else 0.0,
    )
    p = tables.params
    return Batch(
        t0_s=start_t,
        y0=np.tile(y0, (n_cases, 1)),
        params=np.tile(p, (n_cases, 1)),
        mem0=np.tile(tables.mem, (n_cases, 1)),
        model=model,
        settings=settings,
        event_names=tuple(e.name for e in events),
        body_names=tables.body_names,
        aero_rows=tables.aero_rows,
    )


def pre_entry_mass_kg(mission: Mission) -> float:
    """Mass jettisoned or burnt before the entry interface: events timed before t = 0, or
    from orbit the pre-entry events (sequence.orbit_start) and their burns' propellant."""
    events, _ = _sequence_events(mission)
    bodies = mission.spec.bodies
    if mission.spec.orbit is not None:
        pre = events[: pre_entry_count(mission, events)]
        jettisoned = sum(bodies[name].mass_kg for ev in pre for name in ev.jettison)
        return jettisoned + burn_propellant_kg(pre)
    return sum(
        bodies[name].mass_kg
        for ev in events
        if ev.trigger == "time" and ev.t_s < 0.0
        for name in ev.jettison
    )


def check_mass_budget(mission: Mission) -> None:
    """At powered descent the vehicle is descent stage (dry + propellant) plus rover.

    Entry mass minus everything jettisoned after entry must equal it to 1 kg;
    otherwise the propellant would silently be more or less than the file says.
    """
    spec = mission.spec
    events, _ = _sequence_events(mission)
    if not any(ev.guidance == "powered" for ev in events):
        return
    after_entry = sum(
        spec.bodies[name].mass_kg
        for ev in events
        if not (ev.trigger == "time" and ev.t_s < 0.0)
        for name in ev.jettison
    )
    pdv = spec.vehicle.capsule.mass_kg - after_entry
    expected = spec.powered_descent.dry_mass_kg + spec.powered_descent.propellant_kg
    expected += spec.rover.mass_kg
    if abs(pdv - expected) > 1.0:
        raise InputError(
            "vehicle.capsule.mass_kg",
            spec.vehicle.capsule.mass_kg,
            f"{expected + after_entry:.1f} kg: the parts jettisoned after entry "
            f"({after_entry:.1f} kg) plus descent-stage dry mass, propellant and rover "
            f"({expected:.1f} kg)",
        )
