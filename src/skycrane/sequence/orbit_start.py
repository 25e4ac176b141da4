"""A flight that starts in orbit: its start state, its burns, and when it reaches entry.

With ``[orbit]`` (docs/orbit_and_deorbit.md) the kernel flies from the
orbit's epoch, and times stay "E+ seconds from the entry interface" in every
output: :func:`entry_epoch` flies the nominal mission once from the epoch,
through its pre-entry events (the deorbit burn, the service module's
separation), until it crosses ``orbit.entry_interface_altitude_m``; that
crossing is E+0, so the flight starts at t = -t_EI. Moving the burn moves the
entry and the landing, and every time is still counted from the entry.

The pre-entry events are the sequence's leading run of ``time_from_start``
and ``time_after`` events: what happens on the clock before the atmosphere
is reached. The mass at the epoch is the capsule's entry mass plus the bodies
they jettison and the propellant their burns use.
"""

from __future__ import annotations

import math

import numpy as np

from skycrane.constants import G0_M_S2
from skycrane.contract import layout as L
from skycrane.errors import InputError
from skycrane.missions.loader import Mission
from skycrane.missions.schema_landing import EventSpec
from skycrane.missions.schema_orbit import burn_end_name, inertial_state
from skycrane.planets.orbit import (
    earth_rotation_angle_rad,
    inertial_to_planet_fixed,
    perigee_apogee_radius_m,
)
from skycrane.propagate.kernel import run_batch
from skycrane.propagate.model import SEQ_TABLE
from skycrane.sequence.batch import Batch

PRE_ENTRY_TRIGGERS = ("time_from_start", "time_after")


def orbit_state(mission: Mission) -> np.ndarray:
    """Planet-fixed state (layout.S_*) at the orbit's epoch, before any mass is added.

    The inertial state of ``[orbit]`` turned by the Earth Rotation Angle at
    the epoch, its velocity made planet-relative (skycrane.planets.orbit).
    """
    orbit = mission.spec.orbit
    planet = mission.planet
    r_i, v_i = inertial_state(orbit, planet.mu_m3_s2, planet.equatorial_radius_m)
    theta = earth_rotation_angle_rad(orbit.epoch())
    r, v = inertial_to_planet_fixed(r_i, v_i, theta, planet.rotation_rad_s)
    return capsule_state(mission, r, v)


def capsule_state(mission: Mission, r_pf_m: np.ndarray, v_rel_pf_m_s: np.ndarray) -> np.ndarray:
    """Planet-fixed state vector (layout.S_*) of the capsule at a position and planet-relative
    velocity: the capsule's mass and the entry guidance's initial bank, the rest zero."""
    y = np.zeros(L.N_STATE)
    y[0:3] = r_pf_m
    y[3:6] = v_rel_pf_m_s
    y[L.S_MASS] = mission.spec.vehicle.capsule.mass_kg
    y[L.S_BANK] = math.radians(mission.spec.guidance.entry.bank_deg)
    return y


def with_burn_ends(events: list[EventSpec]) -> list[EventSpec]:
    """The events with, after each one that starts a burn, the event ``<name>_end`` that
    ends it ``burn.duration_s`` later (a ``time_after`` event)."""
    out: list[EventSpec] = []
    for ev in events:
        out.append(ev)
        if ev.burn is not None:
            out.append(
                EventSpec(
                    name=burn_end_name(ev.name),
                    trigger="time_after",
                    after=ev.name,
                    delay_s=ev.burn.duration_s,
                )
            )
    return out


def pre_entry_count(mission: Mission, events: list[EventSpec]) -> int:
    """How many leading ``events`` (burn ends included) happen before the entry interface."""
    if mission.spec.orbit is None:
        return 0
    n = 0
    while n < len(events) and events[n].trigger in PRE_ENTRY_TRIGGERS:
        n += 1
    return n


def burn_propellant_kg(events: list[EventSpec]) -> float:
    """Propellant the burns of ``events`` use at their planned thrust: T t / (Isp g0)."""
    return sum(
        ev.burn.thrust_n * ev.burn.duration_s / (ev.burn.isp_s * G0_M_S2)
        for ev in events
        if ev.burn is not None
    )


def entry_epoch(mission: Mission, from_epoch: Batch, n_pre: int) -> tuple[float, np.ndarray]:
    """Seconds from the epoch to the nominal entry-interface crossing, and the state there.

    ``from_epoch`` is the one-case nominal batch with its clock at the epoch
    (t = 0); it is flown with only its first ``n_pre`` sequence events, and
    stops at ``orbit.entry_interface_altitude_m``. Refuses, naming the key: a
    burn that leaves the perigee above the entry interface (with the perigee
    it leaves), a burn still burning at entry, and an orbit that does not
    reach the entry interface within ``simulation.time_limit_s``.
    """
    orbit = mission.spec.orbit
    h_ei = orbit.entry_interface_altitude_m
    model = list(from_epoch.model)
    model[SEQ_TABLE] = np.ascontiguousarray(from_epoch.model[SEQ_TABLE][:, :n_pre])
    params = from_epoch.params[:1].copy()
    params[:, L.P_STOP_KIND] = L.STOP_ALTITUDE
    params[:, L.P_STOP_VALUE] = h_ei
    params[:, L.P_T_MAX_S] = mission.spec.simulation.time_limit_s
    params[:, L.P_ENTRY_ALT_M] = 0.0  # a flight still in orbit ends at the time limit here
    raw = run_batch(
        0.0,
        from_epoch.y0[:1],
        params,
        from_epoch.mem0[:1],
        tuple(model),
        from_epoch.settings,
        peaks=False,
    )
    burns = _burns(mission)
    if raw.event_fired[0, L.EV_STOP]:
        t_ei = float(raw.event_t_s[0, L.EV_STOP])
        for k, end in burns:
            if end not in from_epoch.event_names[:n_pre]:
                continue  # a burn after the entry interface
            slot = L.EV_SEQ0 + from_epoch.event_names.index(end)
            if not raw.event_fired[0, slot]:
                ev = mission.spec.sequence.events[k]
                raise InputError(
                    f"sequence.events[{k}].burn.duration_s",
                    ev.burn.duration_s,
                    f"a burn that ends before the entry interface ({h_ei / 1e3:g} km), which "
                    f"the nominal flight reaches {t_ei:.0f} s after the epoch, still burning",
                )
        return t_ei, raw.event_y[0, L.EV_STOP].copy()
    if burns:
        k, end = burns[-1]
        y = raw.event_y[0, L.EV_SEQ0 + from_epoch.event_names.index(end)]
        if not np.all(np.isfinite(y)):
            y = raw.y_end[0]
        planet = mission.planet
        v_i = y[3:6] + np.cross([0.0, 0.0, planet.rotation_rad_s], y[0:3])
        rp, _ = perigee_apogee_radius_m(y[0:3], v_i, planet.mu_m3_s2)
        hp = rp - planet.equatorial_radius_m
        if hp > h_ei:
            burn = mission.spec.sequence.events[k].burn
            raise InputError(
                f"sequence.events[{k}].burn.thrust_n",
                burn.thrust_n,
                f"a burn that lowers the perigee below the entry interface ({h_ei / 1e3:g} km): "
                f"{burn.thrust_n:g} N for {burn.duration_s:g} s leaves it at {hp / 1e3:.1f} km",
            )
    limit = mission.spec.simulation.time_limit_s
    raise InputError(
        "simulation.time_limit_s",
        limit,
        f"a time limit within which the nominal flight reaches the entry interface "
        f"({h_ei / 1e3:g} km) from the orbit's epoch (it has not {limit:g} s after it)",
    )


def _burns(mission: Mission) -> list[tuple[int, str]]:
    """(index in the file's events, name of its end event) of each burn."""
    events = [] if mission.spec.sequence is None else mission.spec.sequence.events
    return [(k, burn_end_name(ev.name)) for k, ev in enumerate(events) if ev.burn is not None]
