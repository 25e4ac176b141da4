"""Turn a validated mission into the kernel's arrays: sequence, bodies, parameters, memory.

One builder for every run: a nominal flight is a batch of one, and the Monte
Carlo layer perturbs the rows this module produces. The main vehicle starts at
the mission's ``sequence.start_t_s`` (cruise-stage separation, E-600 s for the
presets): the entry-interface state of the mission file is propagated
*backwards* to that time in vacuum (the dynamics in the rotating frame are
time-reversible with v -> -v and omega -> -omega when there is no drag), so the
forward flight passes through the published entry state at t = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.guidance.entry_layout import G_GAIN_K, G_K_HA, G_LD, G_V_HA, default_gains
from skycrane.guidance.entry_reference import build_entry_reference
from skycrane.missions.loader import Mission
from skycrane.planets import PC_OMEGA, pf_from_lla, velocity_pf_from_local
from skycrane.propagate.kernel import default_memory, default_settings, run_batch
from skycrane.propagate.model import PLANET, SEQ_TABLE, build_model
from skycrane.sequence import reference_cache
from skycrane.sequence.pack import nominal_memory, nominal_params, vacuum_params
from skycrane.sequence.program import track_frame
from skycrane.vehicle.aerodynamics import AeroBank, AeroTable

CAPSULE = "capsule"


@dataclass(frozen=True, slots=True)
class Batch:
    """Kernel input for ``n`` cases, and the names behind its indices."""

    t0_s: float
    y0: np.ndarray
    params: np.ndarray
    mem0: np.ndarray
    model: tuple
    settings: np.ndarray
    event_names: tuple[str, ...]
    body_names: tuple[str, ...]
    aero_rows: dict[str, int]

    @property
    def n_cases(self) -> int:
        return self.y0.shape[0]


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
            seq[L.SQ_GUIDANCE, k] = L.CODE["GUID"][ev.guidance]
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
        table[L.B_DV_DIR, i] = L.CODE["DV"][b.separation_direction]
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
    return L.CODE["TR"][ev.trigger], value


def entry_reference(mission: Mission) -> tuple[np.ndarray, np.ndarray] | None:
    """The terminal point controller's reference table and gains, or None (constant bank)."""
    spec = mission.spec
    g = spec.guidance.entry
    if g.mode != "terminal_point_controller":
        return None
    planet = mission.planet
    y = entry_state(mission)
    r = np.linalg.norm(y[0:3])
    v = y[3:6]
    speed = float(np.linalg.norm(v))
    gamma = math.asin(float(np.dot(v, y[0:3])) / (speed * r))
    aero = mission.capsule_aero
    cd = float(aero.drag_coefficient[-1])
    ld = float(aero.lift_to_drag[-1])
    beta = spec.vehicle.capsule.mass_kg / (cd * mission.reference_area_m2)
    deploy = spec.parachute.deploy
    v_end = g.reference_end_speed_m_s or deploy.speed_m_s
    if v_end is None:
        v_end = 0.5 * (deploy.speed_max_m_s + deploy.speed_min_m_s)
    end_range = g.reference_end_range_m
    if end_range is None:
        end_range = deploy.range_to_target_m if deploy.trigger == "range" else 0.0
    atm = mission.atmosphere
    scale = spec.atmosphere.density_scale
    key = (
        "guidance.entry.reference_end_speed_m_s"
        if g.reference_end_speed_m_s
        else "parachute.deploy.speed_m_s"
    )
    inputs = (
        planet.mu_m3_s2,
        planet.mean_radius_m,
        beta,
        ld,
        speed,
        gamma,
        spec.entry.altitude_m,
        v_end,
        end_range,
        scale,
        tuple(g.reference_speed_m_s),
        tuple(g.reference_bank_deg),
    )

    def build() -> np.ndarray:
        ref = _reference(planet, atm, scale, beta, ld, speed, gamma, spec, g, v_end, end_range)
        return ref.kernel_table()

    try:
        table = reference_cache.get(inputs, atm, build)
    except ValueError as exc:
        raise InputError(key, v_end, f"a speed the reference entry reaches ({exc})") from None
    gains = default_gains(planet.mean_radius_m, abs(math.radians(g.bank_deg)))
    gains[G_GAIN_K] = g.gain
    gains[G_LD] = ld
    gains[G_V_HA] = g.heading_alignment_speed_m_s
    gains[G_K_HA] = g.heading_alignment_gain
    return table, gains


def _reference(planet, atm, scale, beta, ld, speed, gamma, spec, g, v_end, end_range):
    return build_entry_reference(
        mu_m3_s2=planet.mu_m3_s2,
        planet_radius_m=planet.mean_radius_m,
        density_kg_m3=lambda h: scale * atm.evaluate(h).density_kg_m3,
        scale_height_m=None,
        ballistic_coefficient_kg_m2=beta,
        lift_to_drag=ld,
        v0_m_s=speed,
        gamma0_rad=gamma,
        h0_m=spec.entry.altitude_m,
        bank_profile_deg=(np.asarray(g.reference_speed_m_s), np.asarray(g.reference_bank_deg)),
        v_end_m_s=v_end,
        end_range_to_target_m=end_range,
    )


def back_propagate(mission: Mission, y_entry: np.ndarray, duration_s: float) -> np.ndarray:
    """State ``duration_s`` before the entry interface, by reversed-time vacuum propagation."""
    return back_propagate_rows(mission, y_entry[None], duration_s)[0]


def back_propagate_rows(mission: Mission, y_entry: np.ndarray, duration_s: float) -> np.ndarray:
    """:func:`back_propagate` for every row of ``y_entry[n, N_STATE]`` (one kernel batch)."""
    aero = AeroBank.from_tables([mission.capsule_aero])
    model = build_model(mission.planet, mission.atmosphere, mission.wind, aero)
    reversed_planet = model[PLANET].copy()
    reversed_planet[PC_OMEGA] = -reversed_planet[PC_OMEGA]
    model = (reversed_planet, *model[1:])
    y = y_entry.copy()
    y[:, 3:6] = -y[:, 3:6]
    p = vacuum_params(mission.reference_area_m2, duration_s)
    mem = default_memory(p)
    mem[L.M_GUIDANCE] = L.GUID_NONE
    n = y.shape[0]
    raw = run_batch(
        0.0,
        y,
        np.repeat(p[None], n, axis=0),
        np.repeat(mem[None], n, axis=0),
        model,
        default_settings(rtol=1e-12, atol=1e-9, max_step_s=60.0),
    )
    out = raw.y_end.copy()
    out[:, 3:6] = -out[:, 3:6]
    out[:, L.S_HEAT_LOAD] = 0.0
    out[:, L.S_WORK] = 0.0
    out[:, L.S_MASS] = y_entry[:, L.S_MASS]
    return out


def build_batch(mission: Mission, n_cases: int = 1, record_trajectory: bool = True) -> Batch:
    """``n_cases`` identical nominal cases of ``mission``, ready for :func:`run_batch`."""
    spec = mission.spec
    tables, aero_rows, areas = _aero_tables(mission)
    seq, bodies, body_names = build_sequence(mission, aero_rows, areas)
    events, start_t = _sequence_events(mission)
    p = nominal_params(mission, body_names)
    mem = nominal_memory(mission, p)
    guidance = entry_reference(mission)
    ref, gains = guidance if guidance is not None else (None, None)
    chute = spec.parachute
    model = build_model(
        mission.planet,
        mission.atmosphere,
        mission.wind,
        AeroBank.from_tables(tables),
        chute_mach=np.asarray(chute.mach),
        chute_cd=np.asarray(chute.drag_coefficient),
        entry_ref=ref,
        entry_gains=gains,
        sequence=seq,
        bodies=bodies,
    )
    y_entry = entry_state(mission)
    y0 = back_propagate(mission, y_entry, -start_t) if start_t < 0.0 else y_entry
    y0[L.S_MASS] += pre_entry_mass_kg(mission)
    check_mass_budget(mission)
    sim = spec.simulation
    settings = default_settings(
        rtol=sim.rtol,
        atol=sim.atol,
        max_step_s=sim.max_step_s,
        output_dt_s=sim.output_interval_s if record_trajectory else 0.0,
    )
    batch = Batch(
        t0_s=start_t,
        y0=np.tile(y0, (n_cases, 1)),
        params=np.tile(p, (n_cases, 1)),
        mem0=np.tile(mem, (n_cases, 1)),
        model=model,
        settings=settings,
        event_names=tuple(e.name for e in events),
        body_names=body_names,
        aero_rows=aero_rows,
    )
    pd_spec = spec.powered_descent
    if pd_spec is not None and pd_spec.divert_max_m is not None:
        along, cross = _nominal_sts_offset(batch, mission)
        batch.params[:, L.P_RETARGET] = 1.0
        batch.params[:, L.P_DIVERT_MAX_M] = pd_spec.divert_max_m
        batch.params[:, L.P_STS_ALONG_M] = along
        batch.params[:, L.P_STS_CROSS_M] = cross
    return batch


def _nominal_sts_offset(batch: Batch, mission: Mission) -> tuple[float, float]:
    """The target's offset from the ground point below the vehicle at powered-descent start.

    Along track and to the left, from the navigated state of the nominal flight
    (what safe-target selection predicts the no-divert landing point with).
    """
    seq = batch.model[SEQ_TABLE]
    powered = np.flatnonzero(seq[L.SQ_GUIDANCE] == L.GUID_POWERED)
    if powered.size == 0:
        return 0.0, 0.0
    k = int(powered[0])
    raw = run_batch(
        batch.t0_s, batch.y0[:1], batch.params[:1], batch.mem0[:1], batch.model, batch.settings
    )
    if not raw.event_fired[0, L.EV_SEQ0 + k]:
        raise InputError(
            "powered_descent.divert_max_m",
            mission.spec.powered_descent.divert_max_m,
            f"a nominal flight that reaches '{batch.event_names[k]}' to predict from",
        )
    y = raw.event_y[0, L.EV_SEQ0 + k]
    trn = bool(np.any(seq[L.SQ_NAV, :k] > 0.0))
    first = L.P_TRN_X if trn else L.P_NAV_X
    nav = batch.params[0, first : first + 3]
    tgt = batch.params[0, L.P_TGT_X : L.P_TGT_Z + 1]
    r = y[0:3] + nav
    g = track_frame(r[0], r[1], r[2], y[3], y[4], y[5], float(np.linalg.norm(tgt)))
    d = tgt - np.asarray(g[0:3])
    return float(d @ np.asarray(g[3:6])), float(d @ np.asarray(g[6:9]))


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
