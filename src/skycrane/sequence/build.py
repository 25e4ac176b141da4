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

import math
from dataclasses import dataclass

import numpy as np

from skycrane.errors import InputError
from skycrane.guidance.powered_layout import (
    N_PD_PARAMS,
    PDP_CUT_DELAY_S,
    PDP_CV_SPEED_M_S,
    PDP_ENGINE_THRUST_N,
    PDP_FLYAWAY_PITCH_RAD,
    PDP_ISP_S,
    PDP_N_ENGINES,
    PDP_N_ENGINES_SKY_CRANE,
    PDP_SC_HEIGHT_M,
    PDP_SC_SPEED_M_S,
    PDP_THROTTLE_MAX,
    PDP_THROTTLE_MIN,
    default_pd_params,
)
from skycrane.missions.loader import Mission
from skycrane.planets import enu_matrix, pf_from_lla, velocity_pf_from_local
from skycrane.propagate import layout as L
from skycrane.propagate.kernel import default_memory, default_settings
from skycrane.propagate.model import build_model
from skycrane.sequence.batch import Batch
from skycrane.sequence.preflight import (
    Preflight,
    check_divert_reach,
    coast_back,
    entry_guidance,
    mission_digest,
    safe_target,
    start_state,
)
from skycrane.vehicle.aerodynamics import AeroBank, AeroTable
from skycrane.vehicle.parachute import nominal_area_m2

_TRIGGERS = {
    "time": L.TR_TIME,
    "time_after": L.TR_TIME_AFTER,
    "altitude_below": L.TR_ALTITUDE_BELOW,
    "altitude_above_ground_below": L.TR_AGL_BELOW,
    "speed_below": L.TR_SPEED_BELOW,
    "mach_below": L.TR_MACH_BELOW,
    "sufr_lead": L.TR_SUFR_LEAD,
}
_GUIDANCE = {
    "none": L.GUID_NONE,
    "constant_bank": L.GUID_CONSTANT_BANK,
    "entry": L.GUID_ENTRY,
    "powered": L.GUID_POWERED,
}
_DV_DIR = {"none": L.DV_NONE, "retro": L.DV_RETRO, "lateral": L.DV_LATERAL, "down": L.DV_DOWN}
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
    y = np.zeros(L.N_STATE)
    y[0:3] = r
    y[3:6] = v
    y[L.S_MASS] = mission.spec.vehicle.capsule.mass_kg
    y[L.S_BANK] = math.radians(mission.spec.guidance.entry.bank_deg)
    return y


def _sequence_events(mission: Mission):
    spec = mission.spec
    if spec.sequence is not None:
        return spec.sequence.events, spec.sequence.start_t_s
    from skycrane.missions.schema_landing import EventSpec

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


def build_sequence(mission: Mission, aero_rows, areas) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Sequence table (N_SQ_ROWS x events), body table (N_B_ROWS x bodies), body names."""
    spec = mission.spec
    events, _ = _sequence_events(mission)
    body_names = list(spec.bodies)
    body_rows = {name: i for i, name in enumerate(body_names)}
    seq = np.full((L.N_SQ_ROWS, len(events)), -1.0)
    seq[L.SQ_AREA] = np.nan
    seq[L.SQ_BANK] = np.nan
    seq[L.SQ_CHUTE] = 0.0
    seq[L.SQ_STOP] = 0.0
    seq[L.SQ_SPAWN_N] = 0.0
    seq[L.SQ_SPAWN0] = 0.0
    bodies_order: list[str] = []
    index = {}
    for k, ev in enumerate(events):
        where = f"sequence.events[{k}]"
        if ev.name in index:
            raise InputError(f"{where}.name", ev.name, "a name not used by an earlier event")
        index[ev.name] = k
        seq[L.SQ_TRIGGER, k], seq[L.SQ_VALUE, k] = _trigger(mission, ev, where, index)
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
            seq[L.SQ_GUIDANCE, k] = _GUIDANCE[ev.guidance]
        if ev.bank_deg is not None:
            seq[L.SQ_BANK, k] = math.radians(ev.bank_deg)
        if ev.parachute is not None:
            seq[L.SQ_CHUTE, k] = 1.0 if ev.parachute == "deploy" else 2.0
        seq[L.SQ_NAV, k] = {"terrain_relative": 1.0, "radar": 2.0}.get(ev.navigation, 0.0)
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
        table[L.B_DV_DIR, i] = _DV_DIR[b.separation_direction]
    return seq, table, tuple(bodies_order)


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
    value = {
        "time": ev.t_s,
        "time_after": ev.delay_s,
        "altitude_below": ev.altitude_m,
        "altitude_above_ground_below": ev.altitude_m,
        "speed_below": ev.speed_m_s,
        "mach_below": ev.mach,
        "sufr_lead": ev.lead_s,
    }[ev.trigger]
    return _TRIGGERS[ev.trigger], value


def _pd_params(mission: Mission, flyaway_azimuth_rad: float) -> np.ndarray:
    pd_spec = mission.spec.powered_descent
    rover = mission.spec.rover
    pd = default_pd_params(
        rover_mass_kg=rover.mass_kg,
        dry_mass_kg=pd_spec.dry_mass_kg,
        flyaway_azimuth_rad=flyaway_azimuth_rad,
        waypoint_height_m=pd_spec.waypoint_height_m,
    )
    pd[PDP_N_ENGINES] = pd_spec.engines
    pd[PDP_N_ENGINES_SKY_CRANE] = pd_spec.engines_sky_crane
    pd[PDP_ENGINE_THRUST_N] = pd_spec.engine_thrust_n
    pd[PDP_THROTTLE_MIN] = pd_spec.throttle_min
    pd[PDP_THROTTLE_MAX] = pd_spec.throttle_max
    pd[PDP_ISP_S] = pd_spec.isp_s
    pd[PDP_CV_SPEED_M_S] = pd_spec.constant_velocity_m_s
    pd[PDP_SC_HEIGHT_M] = pd_spec.sky_crane_height_m
    pd[PDP_SC_SPEED_M_S] = pd_spec.sky_crane_speed_m_s
    pd[PDP_FLYAWAY_PITCH_RAD] = math.radians(pd_spec.flyaway_pitch_deg)
    pd[PDP_CUT_DELAY_S] = pd_spec.cut_delay_s
    return pd


def nominal_params(mission: Mission, body_names: tuple[str, ...]) -> np.ndarray:
    """The nominal per-case parameter row (layout.P_*)."""
    spec = mission.spec
    planet = mission.planet
    tgt = spec.target
    p = np.zeros(L.N_PARAMS)
    p[L.P_REF_AREA_M2] = mission.reference_area_m2
    p[L.P_NOSE_RADIUS_M] = spec.vehicle.capsule.nose_radius_m
    p[L.P_BANK_RAD] = math.radians(spec.guidance.entry.bank_deg)
    p[L.P_CD_SCALE] = 1.0
    p[L.P_CL_SCALE] = 1.0
    p[L.P_DENSITY_SCALE] = spec.atmosphere.density_scale
    p[L.P_HEAT_K] = mission.sutton_graves_k
    p[L.P_AERO_TABLE] = 0.0
    p[L.P_STOP_KIND] = L.STOP_NONE
    p[L.P_GROUND_ALT_M] = tgt.altitude_m
    p[L.P_T_MAX_S] = spec.simulation.time_limit_s
    p[L.P_TGT_X : L.P_TGT_Z + 1] = pf_from_lla(
        tgt.latitude_deg, tgt.longitude_deg, tgt.altitude_m, planet
    )
    p[L.P_RANGE_RADIUS_M] = planet.mean_radius_m
    g = spec.guidance.entry
    p[L.P_BANK_RATE_MAX] = math.radians(g.bank_rate_deg_s)
    p[L.P_BANK_TAU_S] = g.bank_time_constant_s
    chute = spec.parachute
    p[L.P_CHUTE_S0_M2] = nominal_area_m2(chute.diameter_m)
    p[L.P_CHUTE_CD_SCALE] = chute.drag_scale
    p[L.P_CHUTE_T_LS_S] = chute.line_stretch_s
    p[L.P_CHUTE_NF] = chute.inflation_diameters
    p[L.P_CHUTE_K] = chute.inflation_exponent
    p[L.P_CHUTE_D0_M] = chute.diameter_m
    p[L.P_CHUTE_OLF] = chute.opening_load_factor
    enu = enu_matrix(tgt.latitude_deg, tgt.longitude_deg, planet)
    p[L.P_NAV_X : L.P_NAV_Z + 1] = np.asarray(spec.navigation.position_error_enu_m) @ enu
    p[L.P_TRN_X : L.P_TRN_Z + 1] = np.asarray(spec.navigation.terrain_relative_error_enu_m) @ enu
    p[L.P_ENTRY_DT_S] = 1.0 / g.rate_hz
    deploy = chute.deploy
    p[L.P_DEPLOY_RANGE_M] = deploy.range_to_target_m if deploy.trigger == "range" else 0.0
    p[L.P_DEPLOY_V_MAX] = deploy.speed_max_m_s or math.inf
    p[L.P_DEPLOY_V_MIN] = deploy.speed_min_m_s or 0.0
    p[L.P_DEPLOY_SPEED] = deploy.speed_m_s or 0.0
    events, _ = _sequence_events(mission)
    p[L.P_SUFR_LEAD_S] = next((e.lead_s for e in events if e.trigger == "sufr_lead"), 0.0)
    p[L.P_GROUND_OK] = 0.0
    if spec.powered_descent is not None and spec.rover is not None:
        pd_spec = spec.powered_descent
        p[L.P_PD_DT_S] = 1.0 / pd_spec.guidance_rate_hz
        p[L.P_ROVER_HANG_M] = spec.rover.bridle_length_m
        p[L.P_ROVER_MASS_KG] = spec.rover.mass_kg
        p[L.P_DRY_MASS_KG] = pd_spec.dry_mass_kg
        p[L.P_ISP_S] = pd_spec.isp_s
        p[L.P_ROVER_BODY] = body_names.index("rover")
        p[L.P_FLYAWAY_REL_RAD] = math.radians(pd_spec.flyaway_azimuth_from_track_deg)
        p[L.P_FLYAWAY_BURN_S] = pd_spec.flyaway_burn_s
        pd = _pd_params(mission, 0.0)
        p[L.P_PD0 : L.P_PD0 + N_PD_PARAMS] = pd
    else:
        p[L.P_ISP_S] = 1.0
    return p


def nominal_memory(mission: Mission, params_row: np.ndarray) -> np.ndarray:
    """Initial memory: lift off until an event turns it on, rover on the bridles."""
    mem = default_memory(params_row)
    mem[L.M_GUIDANCE] = L.GUID_CONSTANT_BANK  # the pre-bank until an event changes it
    events, _ = _sequence_events(mission)
    first_lift = next((e.lift for e in events if e.lift is not None), None)
    mem[L.M_LIFT_ON] = 0.0 if first_lift is True else 1.0
    mem[L.M_ROVER_ON] = 1.0 if mission.spec.rover is not None else 0.0
    return mem


def entry_reference(mission: Mission) -> tuple[np.ndarray, np.ndarray] | None:
    """The terminal point controller's reference table and gains, or None (constant bank).

    The memoised solve :func:`skycrane.sequence.preflight.entry_guidance`.
    """
    return entry_guidance(mission, entry_state(mission))


def back_propagate(mission: Mission, y_entry: np.ndarray, duration_s: float) -> np.ndarray:
    """State ``duration_s`` before the entry interface, by reversed-time vacuum propagation."""
    return back_propagate_rows(mission, y_entry[None], duration_s)[0]


def back_propagate_rows(mission: Mission, y_entry: np.ndarray, duration_s: float) -> np.ndarray:
    """:func:`back_propagate` for every row of ``y_entry[n, N_STATE]`` (one kernel batch)."""
    return coast_back(mission, y_entry, nominal_params_vacuum(mission, duration_s))


def nominal_params_vacuum(mission: Mission, duration_s: float) -> np.ndarray:
    """Parameters of a drag-free coast of ``duration_s`` (no atmosphere, no events)."""
    p = np.zeros(L.N_PARAMS)
    p[L.P_REF_AREA_M2] = mission.reference_area_m2
    p[L.P_NOSE_RADIUS_M] = 1.0
    p[L.P_DENSITY_SCALE] = 0.0
    p[L.P_GROUND_ALT_M] = -1.0e9
    p[L.P_T_MAX_S] = duration_s
    p[L.P_ISP_S] = 1.0
    p[L.P_BANK_TAU_S] = 1.0
    return p


def prepare(mission: Mission, record_trajectory: bool = True) -> Preflight:
    """Every solve ``mission`` needs before its flight, each memoised (sequence/preflight.py).

    Validates the packing first (sequence references, the mass budget, the
    divert's reach), then
    solves the entry-guidance reference and the state at the start time,
    packs the one-case nominal flight and, when safe-target selection
    retargets powered descent, flies it once for the predicted landing
    point's offset (with the trajectory sampling of ``record_trajectory``,
    as the batch it serves). Raises :class:`~skycrane.errors.InputError` for
    everything a run would refuse before flying.
    """
    tables = _pack_tables(mission)
    check_mass_budget(mission)
    check_divert_reach(mission)
    y_entry = entry_state(mission)
    guidance = entry_guidance(mission, y_entry)
    _, start_t = _sequence_events(mission)
    y_start = start_state(mission, y_entry, start_t, nominal_params_vacuum(mission, -start_t))
    offset = None
    pd_spec = mission.spec.powered_descent
    if pd_spec is not None and pd_spec.divert_max_m is not None:
        nominal = _assemble(mission, 1, record_trajectory, tables, guidance, y_start)
        offset = safe_target(mission, nominal)
    return Preflight(mission_digest(mission), guidance, y_start, offset, record_trajectory)


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
    tables = _pack_tables(mission)
    batch = _assemble(
        mission, n_cases, record_trajectory, tables, pre.entry_guidance, pre.start_state
    )
    if pre.safe_target_offset_m is not None:
        along, cross = pre.safe_target_offset_m
        batch.params[:, L.P_RETARGET] = 1.0
        batch.params[:, L.P_DIVERT_MAX_M] = mission.spec.powered_descent.divert_max_m
        batch.params[:, L.P_STS_ALONG_M] = along
        batch.params[:, L.P_STS_CROSS_M] = cross
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


def _pack_tables(mission: Mission) -> _Tables:
    tables, aero_rows, areas = _aero_tables(mission)
    seq, bodies, body_names = build_sequence(mission, aero_rows, areas)
    p = nominal_params(mission, body_names)
    mem = nominal_memory(mission, p)
    return _Tables(tables, aero_rows, seq, bodies, body_names, p, mem)


def _assemble(
    mission: Mission,
    n_cases: int,
    record_trajectory: bool,
    tables: _Tables,
    guidance: tuple[np.ndarray, np.ndarray] | None,
    y_start: np.ndarray,
) -> Batch:
    """The batch of ``n_cases`` nominal cases, without safe-target retargeting."""
    spec = mission.spec
    events, start_t = _sequence_events(mission)
    ref, gains = guidance if guidance is not None else (None, None)
    chute = spec.parachute
    model = build_model(
        mission.planet,
        mission.atmosphere,
        mission.wind,
        AeroBank.from_tables(tables.aero),
        chute_mach=np.asarray(chute.mach),
        chute_cd=np.asarray(chute.drag_coefficient),
        entry_ref=ref,
        entry_gains=gains,
        sequence=tables.seq,
        bodies=tables.bodies,
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
    p = tables.params.copy()
    p[L.P_T_MAX_S] = sim.time_limit_s - start_t
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
    """Mass jettisoned before the entry interface (events timed before t = 0)."""
    events, _ = _sequence_events(mission)
    bodies = mission.spec.bodies
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
