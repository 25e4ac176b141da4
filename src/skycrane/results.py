"""Results of a simulation: events, peaks and the trajectory as arrays.

Everything here is computed after the fact from the kernel's saved states with
the kernel's own right-hand side (:func:`skycrane.propagate.kernel.derived`), so
reported quantities are exactly those the integration saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from skycrane.planets import lla_from_pf, local_from_velocity_pf
from skycrane.propagate.kernel import RawBatch, derived
from skycrane.propagate.layout import (
    A_AERO_ACCEL_M_S2,
    A_AIRSPEED_M_S,
    A_ALT_M,
    A_DYN_PRESSURE_PA,
    A_HEAT_RATE_W_M2,
    A_MACH,
    A_SPEED_M_S,
    EV_GROUND,
    EV_PEAK_DECEL,
    EV_PEAK_DYN_PRESSURE,
    EV_PEAK_HEAT,
    EV_STOP,
    S_HEAT_LOAD,
    S_MASS,
    ST_STOPPED,
    STATUS_TEXT,
)

G0_EARTH_M_S2 = 9.80665
"""Standard gravity, for decelerations quoted in Earth g (CGPM 1901)."""

EVENT_NAMES = {
    EV_PEAK_HEAT: "peak_heating",
    EV_PEAK_DECEL: "peak_deceleration",
    EV_PEAK_DYN_PRESSURE: "peak_dynamic_pressure",
    EV_STOP: "parachute_deploy",
    EV_GROUND: "surface_impact",
}


@dataclass(frozen=True, slots=True)
class Event:
    """Conditions at one event, time measured from entry interface."""

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
    deceleration_earth_g: float
    heat_rate_w_cm2: float
    heat_load_j_cm2: float
    mass_kg: float

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Trajectory:
    """Sampled trajectory of one case; every array has one row per sample."""

    t_s: np.ndarray
    r_pf_m: np.ndarray
    v_pf_m_s: np.ndarray
    mass_kg: np.ndarray
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


@dataclass(frozen=True, slots=True)
class Result:
    """Outcome of one simulated case.

    Attributes
    ----------
    mission : str
        Mission name.
    status : int
        Kernel status code (``skycrane.propagate.layout.ST_*``); 0 means the
        flight reached its end condition.
    status_text : str
        The status in words.
    events : list of Event
        In time order.
    peaks : dict
        ``deceleration_earth_g``, ``heat_rate_w_cm2``, ``dynamic_pressure_pa``
        and ``heat_load_j_cm2``.
    trajectory : Trajectory
    n_steps : int
        Accepted integrator steps.
    """

    mission: str
    status: int
    status_text: str
    events: list[Event]
    peaks: dict[str, float]
    trajectory: Trajectory
    n_steps: int
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == ST_STOPPED

    def event(self, name: str) -> Event:
        """The event called ``name`` (KeyError listing the names otherwise)."""
        for ev in self.events:
            if ev.name == name:
                return ev
        raise KeyError(f"no event {name!r}; events: {[e.name for e in self.events]}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``skycrane run --json``."""
        return {
            "mission": self.mission,
            "status": self.status_text,
            "events": [ev.to_dict() for ev in self.events],
            "peaks": dict(self.peaks),
        }


def _events_from_states(name_t_y: list[tuple[str, float, np.ndarray]], params_row, model, planet):
    ys = np.array([y for _, _, y in name_t_y])
    aux = derived(ys, params_row, model)
    lat, lon, _ = lla_from_pf(ys[:, 0:3], planet)
    _, fpa, heading = local_from_velocity_pf(ys[:, 3:6], lat, lon, planet)
    events = []
    for k, (name, t, y) in enumerate(name_t_y):
        events.append(
            Event(
                name=name,
                t_s=float(t),
                altitude_m=float(aux[k, A_ALT_M]),
                speed_m_s=float(aux[k, A_SPEED_M_S]),
                mach=float(aux[k, A_MACH]),
                dynamic_pressure_pa=float(aux[k, A_DYN_PRESSURE_PA]),
                latitude_deg=float(lat[k]),
                longitude_deg=float(lon[k]),
                airspeed_m_s=float(aux[k, A_AIRSPEED_M_S]),
                flight_path_angle_deg=float(fpa[k]),
                heading_deg=float(heading[k]),
                deceleration_earth_g=float(aux[k, A_AERO_ACCEL_M_S2] / G0_EARTH_M_S2),
                heat_rate_w_cm2=float(aux[k, A_HEAT_RATE_W_M2] / 1e4),
                heat_load_j_cm2=float(y[S_HEAT_LOAD] / 1e4),
                mass_kg=float(y[S_MASS]),
            )
        )
    return events


def case_result(
    raw: RawBatch,
    i: int,
    mission_name: str,
    y0: np.ndarray,
    params_row,
    model,
    planet,
    t0_s: float = 0.0,
) -> Result:
    """Assemble the :class:`Result` of case ``i`` of a batch run."""
    points: list[tuple[str, float, np.ndarray]] = [("entry_interface", t0_s, y0)]
    for ev, name in EVENT_NAMES.items():
        if raw.event_fired[i, ev]:
            points.append((name, float(raw.event_t_s[i, ev]), raw.event_y[i, ev]))
    points.sort(key=lambda item: item[1])
    events = _events_from_states(points, params_row, model, planet)
    by_name = {e.name: e for e in events}
    peaks = {
        "deceleration_earth_g": by_name["peak_deceleration"].deceleration_earth_g,
        "heat_rate_w_cm2": by_name["peak_heating"].heat_rate_w_cm2,
        "dynamic_pressure_pa": by_name["peak_dynamic_pressure"].dynamic_pressure_pa,
        "heat_load_j_cm2": float(raw.y_end[i, S_HEAT_LOAD] / 1e4),
    }
    status = int(raw.status[i])
    return Result(
        mission=mission_name,
        status=status,
        status_text=STATUS_TEXT[status],
        events=events,
        peaks=peaks,
        trajectory=trajectory_of(raw, i, params_row, model, planet),
        n_steps=int(raw.n_steps[i]),
    )


def trajectory_of(raw: RawBatch, i: int, params_row, model, planet) -> Trajectory:
    """The recorded trajectory of case ``i`` with its derived quantities."""
    n = int(raw.traj_n[i])
    ys = raw.traj_y[i, :n]
    aux = derived(ys, params_row, model)
    lat, lon, _ = lla_from_pf(ys[:, 0:3], planet)
    return Trajectory(
        t_s=raw.traj_t_s[i, :n].copy(),
        r_pf_m=ys[:, 0:3].copy(),
        v_pf_m_s=ys[:, 3:6].copy(),
        mass_kg=ys[:, S_MASS].copy(),
        altitude_m=aux[:, A_ALT_M],
        latitude_deg=np.asarray(lat),
        longitude_deg=np.asarray(lon),
        speed_m_s=aux[:, A_SPEED_M_S],
        airspeed_m_s=aux[:, A_AIRSPEED_M_S],
        mach=aux[:, A_MACH],
        dynamic_pressure_pa=aux[:, A_DYN_PRESSURE_PA],
        heat_rate_w_cm2=aux[:, A_HEAT_RATE_W_M2] / 1e4,
        heat_load_j_cm2=ys[:, S_HEAT_LOAD] / 1e4,
        deceleration_earth_g=aux[:, A_AERO_ACCEL_M_S2] / G0_EARTH_M_S2,
    )
