"""Results of a simulation: the timeline, where every piece of hardware rests, the trajectory.

A :class:`Result` is one row of the batch's reduced columns
(:func:`skycrane.reduction.reduce_batch`: the Monte Carlo table's, plus the
detail a timeline needs) together with the case's recorded trajectory. The
trajectory's derived quantities (Mach, dynamic pressure, deceleration, heat
rate, thrust, the entry guidance's telemetry) are those the integration itself
evaluated, recorded with each sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from skycrane.constants import G0_M_S2
from skycrane.contract import layout as L
from skycrane.landing_airbag import AIRBAG_COLUMNS
from skycrane.missions.provenance import Provenance
from skycrane.planets import lla_from_pf
from skycrane.propagate.kernel import RawBatch
from skycrane.reduction import (
    EVENT_DETAIL_FIELDS,
    EVENT_FIELDS,
    PEAK_NAMES,
    Columns,
    reduce_batch,
    sequence_events,
)
from skycrane.reduction_heating import heating_rows

__all__ = [
    "BodyRest",
    "Event",
    "Result",
    "Trajectory",
    "case_result",
    "row_result",
    "site_of",
    "trajectory_of",
]


@dataclass(frozen=True, slots=True)
class Event:
    """Conditions at one event; times in seconds from the entry interface.

    ``altitude_m`` is above the datum (the planet's reference ellipsoid),
    ``altitude_above_ground_m`` above the ground at the landing site (the
    target's elevation, :attr:`Result.site`); ``jettisoned`` names the bodies
    the event released. ``t_before_touchdown_s`` is negative after touchdown.
    """

    name: str
    t_s: float
    altitude_m: float
    altitude_above_ground_m: float
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
    jettisoned: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["jettisoned"] = list(self.jettisoned)
        return out


@dataclass(frozen=True, slots=True)
class BodyRest:
    """Where one piece of hardware came to rest, relative to the landed vehicle.

    The rover for a lander; for a capsule that lands itself, the capsule
    (``distance_from_capsule_m``, ``bearing_from_capsule_deg``; the rover's are None).
    """

    name: str
    latitude_deg: float | None
    longitude_deg: float | None
    distance_from_rover_m: float | None
    bearing_from_rover_deg: float | None
    impact_speed_m_s: float | None
    t_rest_s: float | None
    status: str
    impact_angle_deg: float | None = None  # below the local horizontal
    impact_azimuth_deg: float | None = None  # clockwise from north
    distance_from_capsule_m: float | None = None
    bearing_from_capsule_deg: float | None = None
    surface: str | None = None  # "land" or "ocean" on Earth (GLOBE mask), None on Mars

    @property
    def distance_from_landed_m(self) -> float | None:
        """Distance from the landed vehicle: the rover, or the capsule."""
        if self.distance_from_rover_m is not None:
            return self.distance_from_rover_m
        return self.distance_from_capsule_m

    @property
    def bearing_from_landed_deg(self) -> float | None:
        """Bearing from the landed vehicle, clockwise from north."""
        if self.bearing_from_rover_deg is not None:
            return self.bearing_from_rover_deg
        return self.bearing_from_capsule_deg

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Trajectory:
    """Sampled trajectory of the main vehicle; every array has one row per sample.

    The last five arrays are the entry guidance's telemetry as of its latest
    cycle at or before each sample (held between cycles; NaN before its first
    cycle, where the drag filter reads 0): the filtered sensed drag D_f [m/s²],
    the great-circle range to go R from the navigated position [m], the
    terminal point controller's predicted range R_p = R_ref + F1 (D_f - D_ref)
    + F2 (hdot - hdot_ref) [m], the crossrange angle chi = r_tgt_hat .
    unit(r_nav x v) [rad], positive: target to the left (GUIDANCE.md 1.1, 1.3,
    1.4; recorded by ``skycrane.guidance.cycles.entry_cycle``), and the time
    of that cycle [s from entry] (the cycles need not fall on the samples).
    """

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
    radiative_heat_rate_w_cm2: np.ndarray
    radiative_heat_load_j_cm2: np.ndarray
    deceleration_earth_g: np.ndarray
    parachute_force_n: np.ndarray
    thrust_n: np.ndarray
    bridle_tension_n: np.ndarray
    drag_filtered_m_s2: np.ndarray
    range_to_go_m: np.ndarray
    predicted_range_m: np.ndarray
    crossrange_rad: np.ndarray
    entry_cycle_t_s: np.ndarray


@dataclass(frozen=True, slots=True)
class Result:
    """Outcome of one simulated case.

    Attributes
    ----------
    mission : str
    status : int
        Kernel status code (``skycrane.contract.layout.ST_*``); 0: flight complete.
    status_text : str
        The status in words, including any envelope violation.
    events : list of Event
        Every event in time order.
    peaks : dict
        ``deceleration_earth_g``, ``heat_rate_w_cm2``, ``dynamic_pressure_pa``,
        ``heat_load_j_cm2`` (and ``parachute_load_n`` when a parachute opened).
        Heat rates and loads are convective + radiative.
    heating : list of dict
        One row per heating pulse (:func:`skycrane.reduction_heating.heating_rows`):
        start, end, duration, the soak before it, peak time, and peak rate and load
        as convective, radiative and total.
    bodies : list of BodyRest
        Rest point of every piece of hardware (empty for an entry-only flight).
    touchdown : dict or None
        ``t_s``, ``vertical_speed_m_s`` (descent rate), ``horizontal_speed_m_s``,
        ``miss_distance_m`` (rover to target); for a capsule on airbags also
        ``surface_wind_m_s`` and the landing rules' ``surface_wind_max_m_s``,
        ``airbag_peak_deceleration_g``, ``airbag_stroke_m``,
        ``airbag_bottoming_speed_m_s``, ``rebound_speed_m_s``, ``rebound_height_m``
        and ``slide_speed_m_s`` (:mod:`skycrane.landing_airbag`).
    propellant_remaining_kg : float or None
        Descent-stage propellant at touchdown.
    trajectory : Trajectory
    n_steps : int
    warnings : list of str
        Every qualification limit exceeded (``skycrane.reduction.LIMITS``).
    failure_phase : str
        The phase of flight the case failed in (cruise, entry, parachute descent,
        powered descent, sky crane, touchdown, flyaway; ``parachute deploy`` for its
        envelope); empty when the flight landed.
    site : dict
        The landing site: ``target`` (latitude_deg, longitude_deg), ``site_elevation_m``
        (the target's ground above the datum, the zero of ``altitude_above_ground_m``)
        and ``datum`` (the reference surface of ``altitude_m``, in words).
    atmosphere_top_m : float
        Top of the atmosphere model above the datum: above it there is no air to speak
        of a Mach number in (the model only extrapolates).
    provenance : Provenance or None
        The mission's file, base and changed keys (:mod:`skycrane.missions.provenance`).
    body_tracks : dict of str to Trajectory
        Every jettisoned body's path from its separation to rest, by body name
        (recorded by ``simulate(mission, body_tracks=True)``; empty otherwise).
    """

    mission: str
    status: int
    status_text: str
    events: list[Event]
    peaks: dict[str, float]
    trajectory: Trajectory
    n_steps: int
    bodies: list[BodyRest] = field(default_factory=list)
    heating: list[dict[str, Any]] = field(default_factory=list)
    touchdown: dict[str, float] | None = None
    propellant_remaining_kg: float | None = None
    warnings: list[str] = field(default_factory=list)
    failure_phase: str = ""
    site: dict[str, Any] = field(default_factory=dict)
    atmosphere_top_m: float = float("inf")
    provenance: Provenance | None = None
    body_tracks: dict[str, Trajectory] = field(default_factory=dict)
    plot_accessor: ClassVar[Callable[[Result], Any] | None] = None
    """The class behind :attr:`plot`; :mod:`skycrane.output.accessor` installs it on import."""

    @property
    def title(self) -> str:
        """The mission's name; a what-if's also names its file, base and changed keys."""
        return self.mission if self.provenance is None else self.provenance.describe(self.mission)

    @property
    def ok(self) -> bool:
        """The flight landed: complete, within every limit, the rover on the ground intact."""
        return self.status == L.ST_STOPPED and not self.warnings and not self.failure_phase

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
        if Result.plot_accessor is None:  # importing skycrane installs it (skycrane.api)
            raise RuntimeError("result.plot needs skycrane.output.accessor to be imported")
        return Result.plot_accessor(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``skycrane run --json``."""
        out: dict[str, Any] = {
            "mission": self.mission,
            "status": self.status_text,
            "ok": self.ok,
            "site": dict(self.site),
            "events": [ev.to_dict() for ev in self.events],
            "peaks": dict(self.peaks),
            "heating": [dict(row) for row in self.heating],
        }
        if not self.ok:
            out["failure"] = {"phase": self.failure_phase, "reason": self.status_text}
        if self.bodies:
            out["bodies"] = [b.to_dict() for b in self.bodies]
        if self.touchdown is not None:
            out["touchdown"] = dict(self.touchdown)
            out["propellant_remaining_kg"] = self.propellant_remaining_kg
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.provenance is not None:
            out.update(self.provenance.to_dict())
        return out


def case_result(raw: RawBatch, i: int, batch, mission, flights=None) -> Result:
    """The :class:`Result` of case ``i`` of a batch run (and its bodies' flights)."""
    columns = reduce_batch(raw, batch, mission, flights)
    t_e = float(columns["t_entry_s"][i])
    return row_result(columns, i, mission, trajectory_of(raw, i, mission.planet, t_e))


def _value(x) -> float | None:
    """A column's value as a float, None for NaN (did not happen)."""
    x = float(x)
    return None if np.isnan(x) else x


def row_result(columns: Columns, i: int, mission, trajectory: Trajectory) -> Result:
    """Row ``i`` of a batch's :class:`~skycrane.reduction.Columns` as a :class:`Result`."""
    td_t = _value(columns["touchdown.t_s"][i])
    peaks: dict[str, float] = {}
    peak_values: dict[str, float] = {}
    for name, key in PEAK_NAMES.values():
        value = _value(columns[f"peak.{key}"][i])
        if value is None:  # no parachute load
            continue
        peaks[key] = value
        peak_values[name] = value
    peaks["heat_load_j_cm2"] = float(columns["heat_load_j_cm2"][i])
    jettisoned = {ev.name: tuple(ev.jettison) for ev in sequence_events(mission)}
    events = []
    for name in columns.event_order:
        t_s = _value(columns[f"{name}.t_s"][i])
        if t_s is None or (name in _PEAK_EVENTS and name not in peak_values):
            continue
        conditions = {
            f: float(columns[f"{name}.{f}"][i])
            for f in EVENT_FIELDS + EVENT_DETAIL_FIELDS
            if f != "t_s"
        }
        events.append(
            Event(
                name=name,
                t_s=t_s,
                t_before_touchdown_s=None if td_t is None else td_t - t_s,
                value=peak_values.get(name),
                jettisoned=jettisoned.get(name, ()),
                **conditions,
            )
        )
    events.sort(key=lambda ev: ev.t_s)  # stable: ties keep the reduction's order
    status = int(columns["status"][i])
    touchdown, propellant, bodies = None, None, []
    if td_t is not None and columns.body_order:
        touchdown = {
            "t_s": td_t,
            "vertical_speed_m_s": float(columns["touchdown.vertical_speed_m_s"][i]),
            "horizontal_speed_m_s": float(columns["touchdown.horizontal_speed_m_s"][i]),
            "miss_distance_m": float(columns["touchdown.miss_distance_m"][i]),
        }
        for name in AIRBAG_COLUMNS:
            if name in columns:
                touchdown[name.removeprefix("touchdown.")] = float(columns[name][i])
        if mission.spec.vehicle.airbags is not None:
            touchdown["surface_wind_max_m_s"] = mission.spec.vehicle.airbags.surface_wind_max_m_s
        propellant = float(columns["propellant_remaining_kg"][i])
        bodies = _bodies(columns, i)
    return Result(
        mission=mission.name,
        status=status,
        status_text=str(columns["failure"][i]) or L.STATUS_TEXT[status],
        events=events,
        peaks=peaks,
        trajectory=trajectory,
        n_steps=int(columns["n_steps"][i]),
        bodies=bodies,
        heating=heating_rows(columns, i),
        touchdown=touchdown,
        propellant_remaining_kg=propellant,
        warnings=list(columns["limits_exceeded"][i]),
        failure_phase=str(columns["failure_phase"][i]),
        site=site_of(mission),
        atmosphere_top_m=float(mission.atmosphere.altitude_m[-1]),
        provenance=mission.provenance,
    )


def site_of(mission) -> dict[str, Any]:
    """The landing site of :attr:`Result.site`: target, its elevation and the datum."""
    tgt = mission.spec.target
    planet = mission.planet
    return {
        "target": {"latitude_deg": tgt.latitude_deg, "longitude_deg": tgt.longitude_deg},
        "site_elevation_m": tgt.altitude_m,
        "datum": (
            f"{planet.name} reference ellipsoid, {planet.equatorial_radius_m:.0f} m equatorial, "
            f"{planet.polar_radius_m:.0f} m polar radius ({planet.latitude_convention} latitude)"
        ),
    }


_PEAK_EVENTS = frozenset(name for name, _ in PEAK_NAMES.values())


def _bodies(columns: Columns, i: int) -> list[BodyRest]:
    """The bodies of row ``i`` in the order they left: first pass, fragments, descent stage."""

    def order(name: str) -> tuple[int, float]:
        kind = 2 if name == "descent_stage" else (1 if "/" in name else 0)
        return kind, float(np.nan_to_num(columns[f"body.{name}.t_separation_s"][i]))

    out = []
    for name in sorted(columns.body_order, key=order):
        key = f"body.{name}."
        status = columns[key + "status"][i]
        if status is None:  # not flown in this case
            continue
        lat = _value(columns[key + "latitude_deg"][i])
        if lat is None:  # broke up, or lost
            out.append(BodyRest(name, None, None, None, None, None, None, status))
            continue
        relative = {}
        for anchor in ("rover", "capsule"):
            if key + f"distance_from_{anchor}_m" in columns:
                relative[f"distance_from_{anchor}_m"] = float(
                    columns[key + f"distance_from_{anchor}_m"][i]
                )
                relative[f"bearing_from_{anchor}_deg"] = float(
                    columns[key + f"bearing_from_{anchor}_deg"][i]
                )
        out.append(
            BodyRest(
                name,
                lat,
                float(columns[key + "longitude_deg"][i]),
                relative.pop("distance_from_rover_m", None),
                relative.pop("bearing_from_rover_deg", None),
                float(columns[key + "impact_speed_m_s"][i]),
                float(columns[key + "t_rest_s"][i]),
                status,
                _value(columns[key + "impact_angle_deg"][i]),
                _value(columns[key + "impact_azimuth_deg"][i]),
                **relative,
                surface=columns[key + "surface"][i],
            )
        )
    return out


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
        # the roll state accumulates through reversals past +-180 deg: report it in (-180, 180]
        bank_deg=180.0 - np.mod(180.0 - np.degrees(ys[:, L.S_BANK]), 360.0),
        altitude_m=aux[:, L.A_ALT_M].copy(),
        latitude_deg=np.atleast_1d(lat),
        longitude_deg=np.atleast_1d(lon),
        speed_m_s=aux[:, L.A_SPEED_M_S].copy(),
        airspeed_m_s=aux[:, L.A_AIRSPEED_M_S].copy(),
        mach=aux[:, L.A_MACH].copy(),
        dynamic_pressure_pa=aux[:, L.A_DYN_PRESSURE_PA].copy(),
        heat_rate_w_cm2=aux[:, L.A_HEAT_RATE_W_M2] / 1e4,
        heat_load_j_cm2=ys[:, L.S_HEAT_LOAD] / 1e4,
        radiative_heat_rate_w_cm2=aux[:, L.A_RAD_HEAT_RATE_W_M2] / 1e4,
        radiative_heat_load_j_cm2=ys[:, L.S_RAD_HEAT_LOAD] / 1e4,
        deceleration_earth_g=aux[:, L.A_AERO_ACCEL_M_S2] / G0_M_S2,
        parachute_force_n=aux[:, L.A_CHUTE_FORCE_N].copy(),
        thrust_n=aux[:, L.A_THRUST_N].copy(),
        bridle_tension_n=aux[:, L.A_BRIDLE_TENSION_N].copy(),
        drag_filtered_m_s2=aux[:, L.A_DRAG_FILT_M_S2].copy(),
        range_to_go_m=aux[:, L.A_RANGE_TO_GO_M].copy(),
        predicted_range_m=aux[:, L.A_PREDICTED_RANGE_M].copy(),
        crossrange_rad=aux[:, L.A_CROSSRANGE_RAD].copy(),
        entry_cycle_t_s=aux[:, L.A_ENTRY_CYCLE_T_S] - t_e,
    )
