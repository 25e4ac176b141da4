"""The solves done before a flight: named steps, each done once per mission.

Packing a mission into the kernel's arrays (:mod:`skycrane.sequence.build`)
is bookkeeping. Three of its inputs need a solve first, and each is a step
here, memoised in the process on a digest of the resolved mission (its
validated spec and the model arrays built from it and its files):

1. :func:`entry_guidance`: the terminal point controller's reference
   trajectory and range sensitivities, computed on the ground as in flight
   practice (GUIDANCE.md 1.2); also kept on disk by
   :mod:`~skycrane.sequence.reference_cache`.
2. :func:`start_state`: the entry-interface state propagated backwards in
   vacuum to ``sequence.start_t_s`` (:func:`coast_back`), so that the forward
   flight passes through the published entry state at t = 0.
3. :func:`safe_target`: the nominal flight, once, to powered-descent start:
   safe-target selection predicts the no-divert landing point with its
   offset (GUIDANCE.md 3.4).

Before them, :func:`check_divert_reach` refuses a safe-target divert beyond
any reach of the descent stage's engines and propellant.

:func:`skycrane.sequence.build.prepare` composes the three into a
:class:`Preflight`. A step that refuses its input raises
:class:`~skycrane.errors.InputError` naming the key, the value and what was
expected; refusals are not memoised, so they are raised on every call. A
refusal that follows from the flight as a whole (the reference entry never
slows to its end speed, the nominal flight never reaches powered descent)
names a key the user's file set, when it set any (:func:`blame`): that is what
changed the flight, not the key the solve happened to read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from skycrane.constants import G0_M_S2
from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.guidance.cycles import local_frame
from skycrane.guidance.entry_layout import G_GAIN_K, G_K_HA, G_LD, G_V_HA, default_gains
from skycrane.guidance.entry_reference import (
    EntryPoint,
    MachAero,
    Rotation,
    build_entry_reference,
)
from skycrane.missions.loader import Mission
from skycrane.missions.schema import entry_altitude_m
from skycrane.planets import PC_OMEGA, pf_from_lla
from skycrane.propagate.kernel import default_memory, default_settings, run_batch
from skycrane.propagate.model import PLANET, SEQ_TABLE, build_model
from skycrane.sequence import reference_cache
from skycrane.sequence.batch import Batch
from skycrane.vehicle.aerodynamics import AeroBank

_MEMO_MISSIONS = 8
"""Missions remembered per step (a process rarely flies more than one or two)."""
_memo: dict[str, OrderedDict] = {}


@dataclass(frozen=True, slots=True)
class Preflight:
    """The results of the solves before a mission's flight (all read-only).

    Attributes
    ----------
    digest : str
        Digest of the resolved mission they were solved for.
    entry_guidance : (reference table, gains) or None
        Terminal point controller inputs (guidance/entry_layout.py rows), or
        None when the entry is flown at constant bank.
    start_state : float64[N_STATE]
        Planet-fixed state (layout.S_*) at ``sequence.start_t_s``, before the
        pre-entry jettisons are added to its mass.
    safe_target_offset_m : (east, north) or None
        The landing target's offset from the ground point below the navigated
        vehicle at powered-descent start, on the still-air nominal flight;
        None when powered descent does not retarget.
    record_trajectory : bool
        Whether that nominal flight sampled a trajectory, as the batches it
        serves must (see :func:`safe_target`).
    start_t_s : float
        Time of the start from the entry interface: ``sequence.start_t_s``,
        or from orbit minus the predicted time from the epoch to the entry
        interface (skycrane.sequence.orbit_start.entry_epoch).
    """

    digest: str
    entry_guidance: tuple[np.ndarray, np.ndarray] | None
    start_state: np.ndarray
    safe_target_offset_m: tuple[float, float] | None
    record_trajectory: bool
    start_t_s: float

    def require_for(self, mission: Mission, record_trajectory: bool) -> None:
        """Raise ValueError unless these results serve ``mission``'s batch with that sampling."""
        sampling_matters = self.safe_target_offset_m is not None
        if self.digest != mission_digest(mission) or (
            sampling_matters and self.record_trajectory != record_trajectory
        ):
            raise ValueError(
                "preflight results of another mission or trajectory sampling: "
                "use prepare(mission, record_trajectory) for this batch"
            )


def mission_digest(mission: Mission) -> str:
    """Digest of everything a solve depends on: the spec and the model objects built from it.

    The model objects are included because some come from files (an
    atmosphere table) or may be replaced after loading.
    """
    h = hashlib.sha256(mission.spec.model_dump_json().encode())
    for name in (
        "planet",
        "atmosphere",
        "wind",
        "capsule_aero",
        "reference_area_m2",
        "sutton_graves_k",
    ):
        _feed(h, getattr(mission, name))
    return h.hexdigest()[:32]


def _feed(h, obj) -> None:
    h.update(b"|")
    if isinstance(obj, np.ndarray):
        h.update(f"{obj.dtype}{obj.shape}".encode())
        h.update(np.ascontiguousarray(obj).tobytes())
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            _feed(h, getattr(obj, f.name))
    elif isinstance(obj, tuple | list):
        for item in obj:
            _feed(h, item)
    else:
        h.update(repr(obj).encode())


def clear() -> None:
    """Forget every memoised solve (tests, or a long session flying many missions)."""
    _memo.clear()


def memoised(step: str, key: str, solve: Callable[[], object]):
    """``solve()`` once per ``key`` of ``step``; the last few keys are kept."""
    kept = _memo.setdefault(step, OrderedDict())
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    value = solve()
    kept[key] = value
    while len(kept) > _MEMO_MISSIONS:
        kept.popitem(last=False)
    return value


def read_only(array: np.ndarray) -> np.ndarray:
    out = np.array(array, dtype=np.float64)
    out.setflags(write=False)
    return out


# --- step 1: the entry guidance reference ------------------------------------------------


def entry_guidance(mission: Mission, y_entry: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The terminal point controller's reference table and gains, or None (constant bank).

    ``y_entry`` is the mission's entry-interface state (layout.S_*, t = 0).
    Refuses a reference entry that cannot reach its end speed, naming the key
    the end speed came from.
    """
    if mission.spec.guidance.entry.mode != "terminal_point_controller":
        return None
    return memoised(
        "entry_guidance",
        mission_digest(mission),
        lambda: _solve_entry_guidance(mission, y_entry),
    )


def reference_rotation(mission: Mission, y_entry: np.ndarray) -> Rotation:
    """The planet's rotation and the great circle from the entry point toward the target.

    The reference trajectory is flown along it (Coriolis and centrifugal
    terms, :mod:`skycrane.guidance.entry_reference`): geocentric latitude of
    the entry point and the planet-relative azimuth of the target from it.
    """
    r = np.asarray(y_entry[0:3], dtype=np.float64)
    up = r / np.linalg.norm(r)
    east = np.array([-up[1], up[0], 0.0]) / math.hypot(up[0], up[1])
    north = np.cross(up, east)
    tgt = mission.spec.target
    t = pf_from_lla(tgt.latitude_deg, tgt.longitude_deg, tgt.altitude_m, mission.planet)
    t = np.asarray(t, dtype=np.float64)
    along = t / np.linalg.norm(t) - np.dot(t / np.linalg.norm(t), up) * up
    return Rotation(
        rate_rad_s=float(mission.planet.rotation_rad_s),
        latitude_rad=math.asin(float(up[2])),
        heading_rad=math.atan2(float(np.dot(along, east)), float(np.dot(along, north))),
    )


def _solve_entry_guidance(mission: Mission, y_entry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    spec = mission.spec
    g = spec.guidance.entry
    planet = mission.planet
    r = np.linalg.norm(y_entry[0:3])
    v = y_entry[3:6]
    speed = float(np.linalg.norm(v))
    gamma = math.asin(float(np.dot(v, y_entry[0:3])) / (speed * r))
    aero = mission.capsule_aero
    cd = float(aero.drag_coefficient[-1])
    ld = float(aero.lift_to_drag[-1])
    beta = spec.vehicle.capsule.mass_kg / (cd * mission.reference_area_m2)
    deploy = None if spec.parachute is None else spec.parachute.deploy
    v_end = g.reference_end_speed_m_s or (None if deploy is None else deploy.speed_m_s)
    if v_end is None and (
        deploy is None or deploy.speed_max_m_s is None or deploy.speed_min_m_s is None
    ):
        source = "no [parachute]" if deploy is None else f"the {deploy.trigger!r} parachute trigger"
        raise InputError(
            "guidance.entry.reference_end_speed_m_s",
            None,
            f"a speed to end the reference trajectory at ({source} gives none)",
        )
    if v_end is None:
        v_end = 0.5 * (deploy.speed_max_m_s + deploy.speed_min_m_s)
    end_range = g.reference_end_range_m
    if end_range is None:
        end_range = deploy.range_to_target_m if deploy and deploy.trigger == "range" else 0.0
    atm = mission.atmosphere
    scale = spec.atmosphere.density_scale
    key = (
        "guidance.entry.reference_end_speed_m_s"
        if g.reference_end_speed_m_s
        else "parachute.deploy.speed_m_s"
    )
    rotation = reference_rotation(mission, y_entry)
    inputs = (
        *rotation,
        planet.mu_m3_s2,
        planet.mean_radius_m,
        beta,
        ld,
        speed,
        gamma,
        entry_altitude_m(spec),
        v_end,
        end_range,
        scale,
        tuple(g.reference_speed_m_s),
        tuple(g.reference_bank_deg),
        tuple(aero.mach),
        tuple(aero.drag_coefficient),
        tuple(aero.lift_coefficient),
    )
    # The capsule's C_D and L/D against Mach, as the kernel flies them: below Mach 5 the
    # sphere-cone's C_D rises and its L/D falls, between heading alignment and the deploy
    # speed, where nothing controls range (docs/entry_guidance.md).
    mach_aero = MachAero(
        mach=np.asarray(aero.mach, dtype=np.float64),
        drag_factor=np.asarray(aero.drag_coefficient, dtype=np.float64) / cd,
        lift_to_drag=np.asarray(aero.lift_to_drag, dtype=np.float64),
        speed_of_sound=lambda h: atm.evaluate(h).speed_of_sound_m_s,
    )

    def build() -> np.ndarray:
        return build_entry_reference(
            mu_m3_s2=planet.mu_m3_s2,
            planet_radius_m=planet.mean_radius_m,
            density_kg_m3=lambda h: scale * atm.evaluate(h).density_kg_m3,
            scale_height_m=None,
            ballistic_coefficient_kg_m2=beta,
            lift_to_drag=ld,
            entry=EntryPoint(speed, gamma, entry_altitude_m(spec)),
            bank_profile_deg=(
                np.asarray(g.reference_speed_m_s),
                np.asarray(g.reference_bank_deg),
            ),
            v_end_m_s=v_end,
            end_range_to_target_m=end_range,
            rotation=rotation,
            aero=mach_aero,
        ).kernel_table()

    try:
        table = reference_cache.get(inputs, atm, build)
    except ValueError as exc:
        field, value, why = blame(mission, key, v_end)
        raise InputError(
            field, value, f"a reference entry that slows to {v_end:g} m/s ({key}){why} ({exc})"
        ) from None
    gains = default_gains(planet.mean_radius_m, abs(math.radians(g.bank_deg)))
    gains[G_GAIN_K] = g.gain
    gains[G_LD] = ld
    gains[G_V_HA] = g.heading_alignment_speed_m_s
    gains[G_K_HA] = g.heading_alignment_gain
    return read_only(table), read_only(gains)


# --- step 2: the state at the start of the sequence --------------------------------------


def start_state(
    mission: Mission, y_entry: np.ndarray, start_t_s: float, coast_params: np.ndarray
) -> np.ndarray:
    """Planet-fixed state at ``start_t_s`` <= 0 that reaches ``y_entry`` at t = 0 (read-only).

    ``coast_params`` is the parameter row of a drag-free coast of
    ``-start_t_s`` (:func:`skycrane.sequence.pack.vacuum_params`).
    """
    if start_t_s >= 0.0:
        return read_only(y_entry)
    return memoised(
        "start_state",
        mission_digest(mission),
        lambda: read_only(coast_back(mission, y_entry[None], coast_params)[0]),
    )


def coast_back(mission: Mission, y_entry: np.ndarray, coast_params: np.ndarray) -> np.ndarray:
    """States a vacuum coast of ``coast_params[P_T_MAX_S]`` before each row of ``y_entry[n, :]``.

    Without drag the dynamics in the rotating frame are time-reversible with
    v -> -v and omega -> -omega: flying the reversed state forward in a
    reversed-rotation planet for the duration, and reversing the velocity
    again, gives the earlier state (one kernel batch for every row). The mass
    is the entry mass and the integrated heat load and work are zero.
    """
    aero = AeroBank.from_tables([mission.capsule_aero])
    model = build_model(mission.planet, mission.atmosphere, mission.wind, aero)
    reversed_planet = model[PLANET].copy()
    reversed_planet[PC_OMEGA] = -reversed_planet[PC_OMEGA]
    model = (reversed_planet, *model[1:])
    y = y_entry.copy()
    y[:, 3:6] = -y[:, 3:6]
    mem = default_memory(coast_params)
    mem[L.M_GUIDANCE] = L.GUID_NONE
    n = y.shape[0]
    raw = run_batch(
        0.0,
        y,
        np.repeat(coast_params[None], n, axis=0),
        np.repeat(mem[None], n, axis=0),
        model,
        default_settings(rtol=1e-12, atol=1e-9, max_step_s=60.0),
    )
    out = raw.y_end.copy()
    out[:, 3:6] = -out[:, 3:6]
    out[:, L.S_HEAT_LOAD] = 0.0
    out[:, L.S_RAD_HEAT_LOAD] = 0.0
    out[:, L.S_WORK] = 0.0
    out[:, L.S_MASS] = y_entry[:, L.S_MASS]
    return out


# --- step 3: the nominal flight for safe-target selection --------------------------------


def safe_target(mission: Mission, nominal: Batch) -> tuple[float, float]:
    """The target's (east, north) offset from the ground point below the vehicle at
    powered-descent start, on the nominal flight ``nominal`` (one case, no retargeting).

    Safe-target selection predicts the no-divert landing point with it
    (GUIDANCE.md 3.4). It is memoised on the mission and on the integrator
    settings: the trajectory sampling interval ends steps, so a flight with a
    recorded trajectory differs from one without in its last bits, and each
    batch gets the offset of a flight with its own settings. Refuses a
    nominal flight that never reaches powered descent.
    """
    seq = nominal.model[SEQ_TABLE]
    powered = np.flatnonzero(seq[L.SQ_GUIDANCE] == L.GUID_POWERED)
    if powered.size == 0:
        return 0.0, 0.0
    key = mission_digest(mission) + nominal.settings.tobytes().hex()
    return memoised("safe_target", key, lambda: _solve_safe_target(mission, nominal))


def _solve_safe_target(mission: Mission, nominal: Batch) -> tuple[float, float]:
    seq = nominal.model[SEQ_TABLE]
    k = int(np.flatnonzero(seq[L.SQ_GUIDANCE] == L.GUID_POWERED)[0])
    raw = run_batch(
        nominal.t0_s,
        nominal.y0[:1],
        nominal.params[:1],
        nominal.mem0[:1],
        nominal.model,
        nominal.settings,
    )
    divert_m = mission.spec.powered_descent.divert_max_m
    if not raw.event_fired[0, L.EV_SEQ0 + k]:
        field, value, why = blame(mission, "powered_descent.divert_max_m", divert_m)
        raise InputError(
            field,
            value,
            f"a nominal flight that reaches '{nominal.event_names[k]}', for safe-target "
            f"selection (powered_descent.divert_max_m) to predict from{why}",
        )
    y = raw.event_y[0, L.EV_SEQ0 + k]
    resets = [c for c in seq[L.SQ_NAV, :k] if c in (L.NAV_TERRAIN, L.NAV_STATE_UPDATE)]
    trn = bool(resets) and resets[-1] == L.NAV_TERRAIN  # the last reset's position error
    first = L.P_TRN_X if trn else L.P_NAV_X
    nav = nominal.params[0, first : first + 3]
    tgt = nominal.params[0, L.P_TGT_X : L.P_TGT_Z + 1]
    r = y[0:3] + nav
    g = r * (float(np.linalg.norm(tgt)) / float(np.linalg.norm(r)))  # the ground point below
    frame = np.asarray(local_frame(g[0], g[1], g[2]))
    d = tgt - g
    return float(d @ frame[3:6]), float(d @ frame[6:9])


def blame(mission: Mission, field: str, value: object) -> tuple[str, object, str]:
    """The key to name for a refusal of the whole flight first found at ``field``.

    ``field`` itself when the user's file sets it or sets nothing (a preset);
    otherwise the first key the file sets, with its value, and a note listing
    every key the file sets: a user who changed the parachute trigger must read
    about the parachute trigger, not about a divert limit they never touched.
    """
    keys = [k for k in mission.user_keys if not k.startswith("mission.")]
    if not keys or field in keys:
        return field, value, ""
    shown = ", ".join(keys[:6]) + (", ..." if len(keys) > 6 else "")
    return keys[0], _spec_value(mission, keys[0]), f"; this file sets {shown}"


def _spec_value(mission: Mission, dotted: str) -> object:
    """The validated value at ``dotted`` in the mission's spec (None when not found)."""
    node: object = mission.spec.model_dump()
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# --- the divert the engines can reach --------------------------------------------------


def check_divert_reach(mission: Mission) -> None:
    """Refuse ``powered_descent.divert_max_m`` beyond :func:`largest_divert_m`."""
    pd = mission.spec.powered_descent
    if pd is None or pd.divert_max_m is None:
        return
    engines_n = pd.engines * pd.engine_thrust_n
    reach_m = largest_divert_m(
        pd.propellant_kg,
        pd.dry_mass_kg + pd.propellant_kg,
        engines_n * pd.throttle_min,
        pd.isp_s,
    )
    if pd.divert_max_m > reach_m:
        raise InputError(
            "powered_descent.divert_max_m",
            pd.divert_max_m,
            f"at most {reach_m:.0f} m, beyond which no flight of the descent stage reaches "
            f"({pd.propellant_kg:g} kg of propellant at Isp {pd.isp_s:g} s, "
            f"{engines_n * pd.throttle_min:.0f} N at minimum throttle)",
        )


def largest_divert_m(
    propellant_kg: float, mass_kg: float, thrust_min_n: float, isp_s: float
) -> float:
    """An upper bound on the horizontal divert [m] a descent stage can fly, whatever the law.

    Derived here, each factor taken at its most generous so that no divert
    the vehicle could fly is refused:

    * Velocity: the rocket equation with every kilogram of propellant spent
      on the divert and none on braking or gravity, from ``mass_kg`` (stage
      and propellant, without the rover, which only adds mass):
      dv = Isp g0 ln(m / (m - m_prop)).
    * Time: the engines stay lit at most t = m_prop Isp g0 / T_min, all the
      propellant burnt at minimum throttle.
    * Displacement: a velocity change dv split into an impulse at the start
      and its opposite at the end of t moves the vehicle by dv t / 2, the
      most any split of dv over t can (a later or smaller impulse moves it
      less).

    So d_max = dv t / 2. A tighter bound would refuse flyable diverts: a
    divert blended into the descent's braking tilts the thrust and costs
    propellant only to second order in the tilt. (A hover translation,
    2 sqrt(2 g d) of velocity change on the propellant the nominal descent
    leaves, refused a Mars 2020 variant with a velocity parachute trigger at
    its 600 m (GUIDANCE.md 3.4), which it flies.) Mars 2020 (400 kg, a
    1,070 kg stage, 8 x 3.1 kN at 13 %, Isp 220 s) gets about 135 km here:
    the bound catches a divert in the wrong unit or of a planetary scale.
    """
    if propellant_kg <= 0.0 or mass_kg <= propellant_kg:
        return 0.0
    exhaust_m_s = isp_s * G0_M_S2
    dv_m_s = exhaust_m_s * math.log(mass_kg / (mass_kg - propellant_kg))
    burn_s = propellant_kg * exhaust_m_s / thrust_min_n
    return 0.5 * dv_m_s * burn_s
