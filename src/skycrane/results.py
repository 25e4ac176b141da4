"""Results of a simulation: the timeline, where every piece of hardware rests, the trajectory.

Everything is computed after the fact from the kernel's saved states. The
trajectory's derived quantities (Mach, dynamic pressure, deceleration, heat
rate, thrust) are those the integration itself evaluated, recorded with each
sample; event conditions that do not depend on the vehicle's configuration
(altitude, speeds, Mach, dynamic pressure, position) are recomputed with the
kernel's own right-hand side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from skycrane.constants import G0_M_S2 as G0_EARTH_M_S2
from skycrane.planets import great_circle, lla_from_pf, local_from_velocity_pf
from skycrane.propagate import layout as L
from skycrane.propagate.kernel import RawBatch, derived

INTERNAL_EVENTS = {
    L.EV_RANGE_CONTROL: "range_control_start",
    L.EV_HEADING_ALIGNMENT: "heading_alignment",
    L.EV_POWERED_APPROACH: "powered_descent_start",
    L.EV_CONSTANT_VELOCITY: "constant_velocity_descent",
    L.EV_CONSTANT_DECEL: "constant_deceleration",
    L.EV_SKY_CRANE: "sky_crane_start",
    L.EV_TOUCHDOWN: "touchdown",
    L.EV_TOUCHDOWN_DETECTED: "touchdown_detected",
    L.EV_BRIDLES_CUT: "bridles_cut",
    L.EV_FLYAWAY: "flyaway_start",
    L.EV_ENGINES_OUT: "descent_stage_engines_out",
}
PEAK_NAMES = {
    L.EV_PEAK_HEAT: ("peak_heating", "heat_rate_w_cm2"),
    L.EV_PEAK_DECEL: ("peak_deceleration", "deceleration_earth_g"),
    L.EV_PEAK_DYN_PRESSURE: ("peak_dynamic_pressure", "dynamic_pressure_pa"),
    L.EV_PEAK_CHUTE_LOAD: ("peak_parachute_load", "parachute_load_n"),
}
PEAK_SCALE = {L.EV_PEAK_HEAT: 1e-4, L.EV_PEAK_DECEL: 1.0 / G0_EARTH_M_S2}
"""SI peak value to its reported unit (heat rate W/cm², deceleration Earth g); others 1."""


@dataclass(frozen=True, slots=True)
class Event:
    """Conditions at one event; times in seconds from the entry interface."""

    name: str
    t_s: float
    altitude_m: float
    speed_m_s: float
    mach: float
    dynamic_pressure_pa: float
    latitude_deg: float
    longitude_deg: float
    airspeed_m_s: float
    flight_path_angle_deg: float
    heading_deg: float
    mass_kg: float
    t_before_touchdown_s: float | None = None
    value: float | None = None  # the peak value, for peak events

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class BodyRest:
    """Where one piece of hardware came to rest, relative to the rover."""

    name: str
    latitude_deg: float | None
    longitude_deg: float | None
    distance_from_rover_m: float | None
    bearing_from_rover_deg: float | None
    impact_speed_m_s: float | None
    t_rest_s: float | None
    status: str
    impact_angle_deg: float | None = None  # below the local horizontal

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Trajectory:
    """Sampled trajectory of the main vehicle; every array has one row per sample."""

    t_s: np.ndarray
    r_pf_m: np.ndarray
    v_pf_m_s: np.ndarray
    mass_kg: np.ndarray
    bank_deg: np.ndarray
    altitude_m: np.ndarray
    latitude_deg: np.ndarray
    longitude_deg: np.ndarray
    speed_m_s: np.ndarray
    airspeed_m_s: np.ndarray
    mach: np.ndarray
    dynamic_pressure_pa: np.ndarray
    heat_rate_w_cm2: np.ndarray
    heat_load_j_cm2: np.ndarray
    deceleration_earth_g: np.ndarray
    parachute_force_n: np.ndarray
    thrust_n: np.ndarray


@dataclass(frozen=True, slots=True)
class Result:
    """Outcome of one simulated case.

    Attributes
    ----------
    mission : str
    status : int
        Kernel status code (``skycrane.propagate.layout.ST_*``); 0: flight complete.
    status_text : str
        The status in words, including any envelope violation.
    events : list of Event
        Every event in time order.
    peaks : dict
        ``deceleration_earth_g``, ``heat_rate_w_cm2``, ``dynamic_pressure_pa``,
        ``heat_load_j_cm2`` (and ``parachute_load_n`` when a parachute opened).
    bodies : list of BodyRest
        Rest point of every piece of hardware (empty for an entry-only flight).
    touchdown : dict or None
        ``t_s``, ``vertical_speed_m_s`` (descent rate), ``horizontal_speed_m_s``,
        ``miss_distance_m`` (rover to target).
    propellant_remaining_kg : float or None
        Descent-stage propellant at touchdown.
    trajectory : Trajectory
    n_steps : int
    """

    mission: str
    status: int
    status_text: str
    events: list[Event]
    peaks: dict[str, float]
    trajectory: Trajectory
    n_steps: int
    bodies: list[BodyRest] = field(default_factory=list)
    touchdown: dict[str, float] | None = None
    propellant_remaining_kg: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == L.ST_STOPPED and not self.warnings

    def event(self, name: str) -> Event:
        """The event called ``name`` (KeyError listing the names otherwise)."""
        for ev in self.events:
            if ev.name == name:
                return ev
        raise KeyError(f"no event {name!r}; events: {[e.name for e in self.events]}")

    def body(self, name: str) -> BodyRest:
        """The rest point of the body called ``name``."""
        for b in self.bodies:
            if b.name == name:
                return b
        raise KeyError(f"no body {name!r}; bodies: {[b.name for b in self.bodies]}")

    @property
    def plot(self):
        """This result's figures: ``result.plot.<name>(...)``, see ``docs/outputs.md``.

        A :class:`skycrane.output.accessor.ResultPlots`; each method is the
        function of :mod:`skycrane.output.plots` of that name with the result bound.
        """
        from skycrane.output.accessor import ResultPlots  # matplotlib only when drawing

        return ResultPlots(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``skycrane run --json``."""
        out: dict[str, Any] = {
            "mission": self.mission,
            "status": self.status_text,
            "events": [ev.to_dict() for ev in self.events],
            "peaks": dict(self.peaks),
        }
        if self.bodies:
            out["bodies"] = [b.to_dict() for b in self.bodies]
        if self.touchdown is not None:
            out["touchdown"] = dict(self.touchdown)
            out["propellant_remaining_kg"] = self.propellant_remaining_kg
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


def _events(points, params_row, model, planet, t_touchdown, peak_values) -> list[Event]:
    ys = np.array([y for _, _, y in points])
    aux = derived(ys, params_row, model)
    lat, lon, _ = lla_from_pf(ys[:, 0:3], planet)
    _, fpa, heading = local_from_velocity_pf(ys[:, 3:6], lat, lon, planet)
    out = []
    for k, (name, t, y) in enumerate(points):
        out.append(
            Event(
                name=name,
                t_s=float(t),
                altitude_m=float(aux[k, L.A_ALT_M]),
                speed_m_s=float(aux[k, L.A_SPEED_M_S]),
                mach=float(aux[k, L.A_MACH]),
                dynamic_pressure_pa=float(aux[k, L.A_DYN_PRESSURE_PA]),
                latitude_deg=float(np.atleast_1d(lat)[k]),
                longitude_deg=float(np.atleast_1d(lon)[k]),
                airspeed_m_s=float(aux[k, L.A_AIRSPEED_M_S]),
                flight_path_angle_deg=float(np.atleast_1d(fpa)[k]),
                heading_deg=float(np.atleast_1d(heading)[k]),
                mass_kg=float(y[L.S_MASS]),
                t_before_touchdown_s=None if t_touchdown is None else float(t_touchdown - t),
                value=peak_values.get(name),
            )
        )
    return out


def case_result(raw: RawBatch, i: int, batch, mission, flights=None) -> Result:
    """Assemble the :class:`Result` of case ``i`` of a batch run (and its bodies' flights)."""
    planet = mission.planet
    p = batch.params[i]
    fired = raw.event_fired[i]
    # times are from the entry interface as flown (the forward flight through the thin air
    # above it reaches the mission's entry altitude within microseconds of t = 0)
    t_e = 0.0
    if "entry_interface" in batch.event_names:
        slot = L.EV_SEQ0 + batch.event_names.index("entry_interface")
        if fired[slot]:
            t_e = float(raw.event_t_s[i, slot])
    t_td = float(raw.event_t_s[i, L.EV_TOUCHDOWN]) - t_e if fired[L.EV_TOUCHDOWN] else None
    points: list[tuple[str, float, np.ndarray]] = []
    if batch.t0_s < 0.0:
        points.append(("simulation_start", batch.t0_s, batch.y0[i]))
    elif "entry_interface" not in batch.event_names:
        points.append(("entry_interface", batch.t0_s, batch.y0[i]))
    for k, name in enumerate(batch.event_names):
        if fired[L.EV_SEQ0 + k]:
            points.append(
                (name, float(raw.event_t_s[i, L.EV_SEQ0 + k]), raw.event_y[i, L.EV_SEQ0 + k])
            )
    for ev, name in INTERNAL_EVENTS.items():
        if fired[ev]:
            points.append((name, float(raw.event_t_s[i, ev]), raw.event_y[i, ev]))
    peaks: dict[str, float] = {}
    peak_values: dict[str, float] = {}
    for ev, (name, key) in PEAK_NAMES.items():
        value = float(raw.event_value[i, ev]) * PEAK_SCALE.get(ev, 1.0)
        if ev == L.EV_PEAK_CHUTE_LOAD and not value > 0.0:
            continue
        peaks[key] = value
        peak_values[name] = value
        points.append((name, float(raw.event_t_s[i, ev]), raw.event_y[i, ev]))
    peaks["heat_load_j_cm2"] = float(raw.y_end[i, L.S_HEAT_LOAD] / 1e4)
    if fired[L.EV_GROUND]:
        name = "descent_stage_impact" if fired[L.EV_BRIDLES_CUT] else "surface_impact"
        points.append((name, float(raw.event_t_s[i, L.EV_GROUND]), raw.event_y[i, L.EV_GROUND]))
    points = sorted(((name, t - t_e, y) for name, t, y in points), key=lambda item: item[1])
    events = _events(points, p, batch.model, planet, t_td, peak_values)

    status = int(raw.status[i])
    warnings = _envelope_warnings(events, mission)
    text = L.STATUS_TEXT[status] if not warnings else "; ".join(warnings)
    touchdown, propellant, bodies = None, None, []
    if t_td is not None and flights is not None:
        touchdown, propellant, bodies = _hardware(raw, i, batch, mission, flights, t_e)
    return Result(
        mission=mission.name,
        status=status,
        status_text=text,
        events=events,
        peaks=peaks,
        trajectory=trajectory_of(raw, i, planet, t_e),
        n_steps=int(raw.n_steps[i]),
        bodies=bodies,
        touchdown=touchdown,
        propellant_remaining_kg=propellant,
        warnings=warnings,
    )


def _envelope_warnings(events: list[Event], mission) -> list[str]:
    chute = mission.spec.parachute
    out = []
    for ev in events:
        if ev.name == "parachute_deploy":
            if ev.mach > chute.mach_max:
                out.append(
                    f"parachute deployed outside its qualified envelope: "
                    f"Mach {ev.mach:.2f} > {chute.mach_max}"
                )
            if ev.dynamic_pressure_pa > chute.dynamic_pressure_max_pa:
                out.append(
                    f"parachute deployed outside its qualified envelope: dynamic "
                    f"pressure {ev.dynamic_pressure_pa:.0f} Pa > "
                    f"{chute.dynamic_pressure_max_pa:.0f} Pa"
                )
    return out


def _hardware(raw: RawBatch, i: int, batch, mission, flights, t_e: float):
    planet = mission.planet
    radius = planet.mean_radius_m
    y_td = raw.event_y[i, L.EV_TOUCHDOWN]
    r_hat = y_td[0:3] / np.linalg.norm(y_td[0:3])
    v_vert = float(np.dot(y_td[3:6], r_hat))
    v_horiz = float(np.linalg.norm(y_td[3:6] - v_vert * r_hat))
    p = batch.params[i]
    propellant = float(
        y_td[L.S_MASS] - p[L.P_PD0 + L.PDP_DRY_MASS_KG] - p[L.P_PD0 + L.PDP_ROVER_MASS_KG]
    )
    mine = np.nonzero(flights.case == i)[0]
    rover_k = next(k for k in mine if flights.name[k] == "rover")
    rover_y = flights.y_separation[rover_k]
    rlat, rlon, _ = lla_from_pf(rover_y[0:3], planet)
    tgt = mission.spec.target
    miss, _ = great_circle(tgt.latitude_deg, tgt.longitude_deg, rlat, rlon, radius)
    touchdown = {
        "t_s": float(raw.event_t_s[i, L.EV_TOUCHDOWN]) - t_e,
        "vertical_speed_m_s": -v_vert,
        "horizontal_speed_m_s": v_horiz,
        "miss_distance_m": float(miss),
    }
    rows: list[tuple[str, np.ndarray | None, float | None, str]] = []
    for k in mine:
        name = flights.name[k]
        t_sep = float(flights.t_separation_s[k]) - t_e
        if name == "rover":
            rows.append((name, rover_y, t_sep, "at rest"))
        elif np.isfinite(flights.t_rest_s[k]):
            rows.append((name, flights.y_rest[k], float(flights.t_rest_s[k]) - t_e, "at rest"))
        else:
            text = L.STATUS_TEXT.get(int(flights.status[k]), "unknown")
            rows.append((name, None, None, "broke up" if int(flights.status[k]) == 0 else text))
    if raw.event_fired[i, L.EV_GROUND]:
        rows.append(
            (
                "descent_stage",
                raw.event_y[i, L.EV_GROUND],
                float(raw.event_t_s[i, L.EV_GROUND]) - t_e,
                "at rest",
            )
        )
    bodies = []
    for name, y, t_rest, status in rows:
        if y is None:
            bodies.append(BodyRest(name, None, None, None, None, None, None, status))
            continue
        lat, lon, _ = lla_from_pf(y[0:3], planet)
        dist, bearing = great_circle(rlat, rlon, lat, lon, radius)
        speed = float(np.linalg.norm(y[3:6]))
        bodies.append(
            BodyRest(
                name, float(lat), float(lon), float(dist), float(bearing), speed, t_rest, status
            )
        )
    return touchdown, propellant, bodies


def trajectory_of(raw: RawBatch, i: int, planet, t_e: float = 0.0) -> Trajectory:
    """The recorded trajectory of case ``i`` (times from entry ``t_e``) as the kernel saw it."""
    n = int(raw.traj_n[i])
    ys = raw.traj_y[i, :n]
    aux = raw.traj_aux[i, :n]
    lat, lon, _ = lla_from_pf(ys[:, 0:3], planet)
    return Trajectory(
        t_s=raw.traj_t_s[i, :n] - t_e,
        r_pf_m=ys[:, 0:3].copy(),
        v_pf_m_s=ys[:, 3:6].copy(),
        mass_kg=ys[:, L.S_MASS].copy(),
        bank_deg=np.degrees(ys[:, L.S_BANK]),
        altitude_m=aux[:, L.A_ALT_M].copy(),
        latitude_deg=np.atleast_1d(lat),
        longitude_deg=np.atleast_1d(lon),
        speed_m_s=aux[:, L.A_SPEED_M_S].copy(),
        airspeed_m_s=aux[:, L.A_AIRSPEED_M_S].copy(),
        mach=aux[:, L.A_MACH].copy(),
        dynamic_pressure_pa=aux[:, L.A_DYN_PRESSURE_PA].copy(),
        heat_rate_w_cm2=aux[:, L.A_HEAT_RATE_W_M2] / 1e4,
        heat_load_j_cm2=ys[:, L.S_HEAT_LOAD] / 1e4,
        deceleration_earth_g=aux[:, L.A_AERO_ACCEL_M_S2] / G0_EARTH_M_S2,
        parachute_force_n=aux[:, L.A_CHUTE_FORCE_N].copy(),
        thrust_n=aux[:, L.A_THRUST_N].copy(),
    )
