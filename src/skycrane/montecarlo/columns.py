"""One table row per case: what a Monte Carlo stores of each flight.

Columns (every name carries its unit; times are seconds from the case's own
entry interface):

``case``, ``status`` (kernel code, 0 = flight complete), ``failure`` (the
reason in words, empty when the landing succeeded);
``input.<name>``: every drawn input;
``<event>.t_s|altitude_m|height_m|speed_m_s|mach|dynamic_pressure_pa`` for every
sequence, guidance and peak event (NaN where it did not happen; ``height_m``
is above the target's ground);
``peak.<quantity>`` and ``heat_load_j_cm2``;
``touchdown.vertical_speed_m_s|horizontal_speed_m_s|miss_distance_m`` and
``propellant_remaining_kg``;
``body.<name>.east_m|north_m|latitude_deg|longitude_deg|distance_from_rover_m|
impact_speed_m_s`` for the rover, the descent stage and every jettisoned body.
East/north are the azimuthal-equidistant coordinates of the rest point about
the target (great-circle distance along the initial bearing; exact distances
from the target however far the body fell).
"""

from __future__ import annotations

import numpy as np

from skycrane.missions.loader import Mission
from skycrane.planets import great_circle, lla_from_pf
from skycrane.propagate import layout as L
from skycrane.propagate.derived import derived_cases
from skycrane.propagate.kernel import RawBatch
from skycrane.results import INTERNAL_EVENTS, PEAK_NAMES, PEAK_SCALE
from skycrane.sequence.bodies import BodyFlights
from skycrane.sequence.build import Batch

EVENT_FIELDS = ("t_s", "altitude_m", "height_m", "speed_m_s", "mach", "dynamic_pressure_pa")
BODY_FIELDS = (
    "east_m",
    "north_m",
    "latitude_deg",
    "longitude_deg",
    "distance_from_rover_m",
    "impact_speed_m_s",
)
_PEAK_KEYS = {ev: key for ev, (_, key) in PEAK_NAMES.items()}


def event_slots(batch: Batch) -> list[tuple[str, int]]:
    """(name, event slot) of every event a row records, in slot order."""
    slots = [(name, L.EV_SEQ0 + k) for k, name in enumerate(batch.event_names)]
    slots += [(name, ev) for ev, name in INTERNAL_EVENTS.items()]
    slots += [(name, ev) for ev, (name, _) in PEAK_NAMES.items()]
    slots.append(("descent_stage_impact", L.EV_GROUND))
    return sorted(slots, key=lambda item: item[1])


def body_names(batch: Batch, mission: Mission) -> list[str]:
    """Every body a row has columns for: jettisoned bodies, their fragments, the descent stage."""
    names = list(batch.body_names)
    for name in batch.body_names:
        body = mission.spec.bodies.get(name)
        if body is not None and body.breakup is not None:
            names += [f"{name}/{frag}" for frag in body.breakup.fragments]
    if mission.spec.powered_descent is not None:
        names.append("descent_stage")
    return names


def _east_north(lat, lon, mission: Mission) -> tuple[np.ndarray, np.ndarray]:
    tgt = mission.spec.target
    d, bearing = great_circle(
        tgt.latitude_deg, tgt.longitude_deg, lat, lon, mission.planet.mean_radius_m
    )
    b = np.radians(bearing)
    return d * np.sin(b), d * np.cos(b)


def case_columns(
    raw: RawBatch, batch: Batch, mission: Mission, flights: BodyFlights | None
) -> dict[str, np.ndarray]:
    """The columns (see the module docstring) of every case of a batch, vectorised."""
    n = raw.status.shape[0]
    cols: dict[str, np.ndarray] = {"status": raw.status.astype(np.int64)}
    fired = raw.event_fired
    t_e = np.zeros(n)
    if "entry_interface" in batch.event_names:
        slot = L.EV_SEQ0 + batch.event_names.index("entry_interface")
        t_e = np.where(fired[:, slot], raw.event_t_s[:, slot], 0.0)
    slots = event_slots(batch)
    idx = np.array([s for _, s in slots])
    ys = np.where(fired[:, idx, None], raw.event_y[:, idx], np.nan)
    aux = derived_cases(ys, batch.params, batch.model)
    ground = batch.params[:, L.P_GROUND_ALT_M]
    for j, (name, slot) in enumerate(slots):
        ok = fired[:, slot]
        if slot == L.EV_GROUND:
            ok = ok & fired[:, L.EV_BRIDLES_CUT]
        nan = np.full(n, np.nan)
        cols[f"{name}.t_s"] = np.where(ok, raw.event_t_s[:, slot] - t_e, nan)
        cols[f"{name}.altitude_m"] = np.where(ok, aux[:, j, L.A_ALT_M], nan)
        cols[f"{name}.height_m"] = np.where(ok, aux[:, j, L.A_ALT_M] - ground, nan)
        cols[f"{name}.speed_m_s"] = np.where(ok, aux[:, j, L.A_SPEED_M_S], nan)
        cols[f"{name}.mach"] = np.where(ok, aux[:, j, L.A_MACH], nan)
        cols[f"{name}.dynamic_pressure_pa"] = np.where(ok, aux[:, j, L.A_DYN_PRESSURE_PA], nan)
    for ev, key in _PEAK_KEYS.items():
        value = raw.event_value[:, ev] * PEAK_SCALE.get(ev, 1.0)
        if ev == L.EV_PEAK_CHUTE_LOAD:
            value = np.where(value > 0.0, value, np.nan)
        cols[f"peak.{key}"] = value
    cols["heat_load_j_cm2"] = raw.y_end[:, L.S_HEAT_LOAD] / 1e4
    cols["failure"] = _failures(raw, cols, mission)
    if flights is not None and mission.spec.powered_descent is not None:
        cols.update(_hardware(raw, batch, mission, flights))
    return cols


def _failures(raw: RawBatch, cols: dict, mission: Mission) -> np.ndarray:
    chute = mission.spec.parachute
    out = np.array(
        [L.STATUS_TEXT[s] if s != L.ST_STOPPED else "" for s in raw.status], dtype=object
    )
    mach = cols.get("parachute_deploy.mach")
    q = cols.get("parachute_deploy.dynamic_pressure_pa")
    if mach is None:
        return out
    limits = (
        (mach > chute.mach_max, f"parachute deployed above Mach {chute.mach_max}"),
        (
            q > chute.dynamic_pressure_max_pa,
            f"parachute deployed above {chute.dynamic_pressure_max_pa:.0f} Pa",
        ),
    )
    for over, reason in limits:  # fixed texts, so failures count by reason
        for i in np.flatnonzero(over):
            out[i] = f"{out[i]}; {reason}" if out[i] else reason
    return out


def _hardware(raw: RawBatch, batch: Batch, mission: Mission, flights: BodyFlights) -> dict:
    n = raw.status.shape[0]
    planet = mission.planet
    td = raw.event_fired[:, L.EV_TOUCHDOWN]
    y_td = raw.event_y[:, L.EV_TOUCHDOWN]
    r_hat = y_td[:, 0:3] / np.linalg.norm(y_td[:, 0:3], axis=1)[:, None]
    v_vert = np.sum(y_td[:, 3:6] * r_hat, axis=1)
    v_horiz = np.linalg.norm(y_td[:, 3:6] - v_vert[:, None] * r_hat, axis=1)
    p = batch.params
    cols = {
        "touchdown.vertical_speed_m_s": np.where(td, -v_vert, np.nan),
        "touchdown.horizontal_speed_m_s": np.where(td, v_horiz, np.nan),
        "propellant_remaining_kg": np.where(
            td,
            y_td[:, L.S_MASS]
            - p[:, L.P_PD0 + L.PDP_DRY_MASS_KG]
            - p[:, L.P_PD0 + L.PDP_ROVER_MASS_KG],
            np.nan,
        ),
    }
    names = np.asarray(flights.name, dtype=object)
    rest = {}
    for name in body_names(batch, mission):
        y = np.full((n, L.N_STATE), np.nan)
        if name == "descent_stage":
            ok = raw.event_fired[:, L.EV_GROUND] & raw.event_fired[:, L.EV_BRIDLES_CUT]
            y[ok] = raw.event_y[ok, L.EV_GROUND]
        else:
            sel = np.flatnonzero(names == name)
            src = flights.y_separation if name == "rover" else flights.y_rest
            y[flights.case[sel]] = src[sel]
        rest[name] = y
    lat_r, lon_r, _ = lla_from_pf(rest["rover"][:, 0:3], planet) if "rover" in rest else (None,) * 3
    for name, y in rest.items():
        lat, lon, _ = lla_from_pf(y[:, 0:3], planet)
        east, north = _east_north(lat, lon, mission)
        key = f"body.{name}."
        cols[key + "east_m"] = east
        cols[key + "north_m"] = north
        cols[key + "latitude_deg"] = lat
        cols[key + "longitude_deg"] = lon
        if lat_r is not None:
            cols[key + "distance_from_rover_m"] = great_circle(
                lat_r, lon_r, lat, lon, planet.mean_radius_m
            )[0]
        cols[key + "impact_speed_m_s"] = np.linalg.norm(y[:, 3:6], axis=1)
    if "rover" in rest:
        cols["touchdown.miss_distance_m"] = np.hypot(
            cols["body.rover.east_m"], cols["body.rover.north_m"]
        )
        cols["body.rover.impact_speed_m_s"] = cols["touchdown.vertical_speed_m_s"]
    return cols
