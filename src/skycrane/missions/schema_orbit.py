"""``[orbit]``: a flight that starts in orbit, and the ``burn`` of a sequence event.

The alternative to ``[entry]`` (a mission gives exactly one): an orbit at a
UTC epoch, as classical elements (perigee and apogee altitudes, or semi-major
axis and eccentricity, with inclination, RAAN, argument of perigee and true
anomaly) or as an inertial state. Inertial axes are the equator and equinox
of the epoch; the planet-fixed axes are turned from them by the Earth
Rotation Angle (skycrane.planets.orbit). Altitudes of perigee and apogee are
above the equatorial radius. docs/orbit_and_deorbit.md.

A ``burn`` on an event of such a mission fires a rocket burn of ``thrust_n``
for ``duration_s`` at ``isp_s`` along the inertial anti-velocity
(``retrograde``): the deorbit burn. Its end is an event of its own,
``<name>_end``, ``duration_s`` after the start.
"""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from skycrane.missions.fields import KeyProblem, Section
from skycrane.planets.orbit import elements_to_inertial, perigee_apogee_radius_m

Angle = Annotated[float, Field(ge=-360.0, le=360.0)]
OrbitAltitude = Annotated[float, Field(ge=-1.0e6, le=1.0e9)]
"""An altitude of perigee or apogee [m]: up to beyond the Moon (384,400 km); a perigee
below the surface is refused against the planet's radius (``skycrane check``)."""
Vector3 = Annotated[
    list[Annotated[float, Field(ge=-1.0e12, le=1.0e12)]], Field(min_length=3, max_length=3)
]

ELEMENT_FORMS = (
    ("perigee_altitude_m", "apogee_altitude_m"),
    ("semi_major_axis_m", "eccentricity"),
    ("position_eci_m", "velocity_eci_m_s"),
)
"""The three ways to give the orbit; exactly one is complete."""


class OrbitSpec(Section):
    """The orbit the flight starts in, at ``epoch_utc``."""

    epoch_utc: Annotated[str, Field(min_length=10, max_length=40)] | datetime.datetime
    """UTC time of the state: ISO 8601 text (``"2022-05-25T21:58:00"``) or a TOML date-time."""
    perigee_altitude_m: OrbitAltitude | None = None
    apogee_altitude_m: OrbitAltitude | None = None
    semi_major_axis_m: Annotated[float, Field(gt=0.0, le=1.0e10)] | None = None
    eccentricity: Annotated[float, Field(ge=0.0, lt=1.0)] | None = None
    inclination_deg: Annotated[float, Field(ge=0.0, le=180.0)] | None = None
    raan_deg: Angle | None = None
    """Right ascension of the ascending node, from the inertial x axis (the equinox)."""
    argument_of_perigee_deg: Angle = 0.0
    true_anomaly_deg: Angle = 0.0
    position_eci_m: Vector3 | None = None
    """Inertial position [m] (instead of the elements)."""
    velocity_eci_m_s: Vector3 | None = None
    """Inertial velocity [m/s] (with ``position_eci_m``)."""
    entry_interface_altitude_m: Annotated[float, Field(gt=0.0, le=1.0e6)] = 121920.0
    """The altitude whose crossing is E+0 (400,000 ft, EARTH.md 2.2): a pre-flight
    prediction of the nominal flight finds when it is crossed."""

    @model_validator(mode="after")
    def _one_form(self) -> OrbitSpec:
        given = [f for f in ELEMENT_FORMS if any(getattr(self, k) is not None for k in f)]
        if len(given) != 1:
            shown = " or ".join(" + ".join(f) for f in ELEMENT_FORMS)
            key = given[1][0] if len(given) > 1 else ELEMENT_FORMS[0][0]
            raise KeyProblem(key, getattr(self, key), f"exactly one orbit: {shown}")
        for key in given[0]:
            if getattr(self, key) is None:
                raise KeyProblem(key, None, f"a value beside '{given[0][0]}'")
        if given[0] is not ELEMENT_FORMS[2]:
            for key in ("inclination_deg", "raan_deg"):
                if getattr(self, key) is None:
                    raise KeyProblem(key, None, "a value (the orbit plane) with the elements")
        if given[0] is ELEMENT_FORMS[0] and self.apogee_altitude_m < self.perigee_altitude_m:
            raise KeyProblem(
                "apogee_altitude_m",
                self.apogee_altitude_m,
                f"at least perigee_altitude_m = {self.perigee_altitude_m:g} m",
            )
        try:
            self.epoch()
        except ValueError:
            raise KeyProblem(
                "epoch_utc", self.epoch_utc, "a UTC time, ISO 8601 ('2022-05-25T21:58:00')"
            ) from None
        return self

    def epoch(self) -> datetime.datetime:
        """The epoch as an aware UTC datetime."""
        t = self.epoch_utc
        if isinstance(t, str):
            t = datetime.datetime.fromisoformat(t)
        if t.tzinfo is None:
            return t.replace(tzinfo=datetime.UTC)
        return t.astimezone(datetime.UTC)


class BurnSpec(Section):
    """A rocket burn from this event: thrust along the inertial anti-velocity for a duration."""

    thrust_n: Annotated[float, Field(gt=0.0, le=1.0e7)]
    """Total thrust [N] of the engines that burn: up to ten Merlin-class engines."""
    duration_s: Annotated[float, Field(gt=0.0, le=3600.0)]
    isp_s: Annotated[float, Field(ge=50.0, le=500.0)]
    """Specific impulse [s]: cold gas (~70 s) to hydrogen-oxygen (~450 s)."""
    direction: Literal["retrograde"] = "retrograde"
    """Along -(v + omega x r): against the inertial velocity, as a deorbit burn points."""


def burn_end_name(event_name: str) -> str:
    """The name of the event at which the burn started by ``event_name`` ends."""
    return f"{event_name}_end"


def check_start(spec) -> None:
    """Cross-section checks of how a mission starts: ``[entry]`` or ``[orbit]``, and the
    keys that only an orbit start gives a meaning to (``time_from_start``, ``burn``)."""
    if (spec.entry is None) == (spec.orbit is None):
        given = "both" if spec.entry is not None else "neither"
        raise KeyProblem("entry", given, "exactly one of [entry] and [orbit]")
    events = [] if spec.sequence is None else spec.sequence.events
    dispersed = () if spec.dispersions is None else spec.dispersions.parameters
    burn_inputs = [name for name in dispersed if name.startswith("deorbit_burn_")]
    if burn_inputs and not any(ev.burn for ev in events):
        raise KeyProblem(
            f"dispersions.parameters.{burn_inputs[0]}",
            burn_inputs[0],
            "a sequence event with a burn to disperse",
        )
    if spec.orbit is None:
        for k, ev in enumerate(events):
            if ev.trigger == "time_from_start" or ev.burn is not None:
                key = "trigger" if ev.burn is None else "burn"
                raise KeyProblem(
                    f"sequence.events[{k}].{key}",
                    ev.trigger if ev.burn is None else "burn",
                    "an [orbit] section (the flight starts in orbit at its epoch)",
                )
        return
    if spec.planet.name == "mars":
        raise KeyProblem(
            "planet.name",
            spec.planet.name,
            "'earth' or 'earth_round' with [orbit] "
            "(the epoch turns the Earth by its rotation angle)",
        )
    if spec.sequence is not None and spec.sequence.start_t_s != 0.0:
        raise KeyProblem(
            "sequence.start_t_s",
            spec.sequence.start_t_s,
            "0 with [orbit]: the flight starts at orbit.epoch_utc",
        )
    if spec.dispersions is not None and spec.dispersions.entry is not None:
        raise KeyProblem(
            "dispersions.entry",
            "[dispersions.entry]",
            "no entry-state dispersion with [orbit] (disperse the burn instead: "
            "deorbit_burn_thrust_error)",
        )
    if spec.site.ellipse_major_km is not None and spec.site.ellipse_azimuth_deg is None:
        raise KeyProblem(
            "site.ellipse_azimuth_deg",
            None,
            "an azimuth with [orbit] (there is no entry heading to take)",
        )
    names = {ev.name for ev in events}
    last = 0.0
    for k, ev in enumerate(events):
        if ev.trigger == "time_from_start":
            if ev.t_s < last:
                raise KeyProblem(
                    f"sequence.events[{k}].t_s",
                    ev.t_s,
                    f"a time >= {last:g} s (the epoch or an earlier timed event)",
                )
            last = ev.t_s
        if ev.trigger == "time_from_start" and ev.burn is not None:
            limit = spec.simulation.time_limit_s
            if ev.t_s + ev.burn.duration_s > limit:
                raise KeyProblem(
                    f"sequence.events[{k}].t_s",
                    ev.t_s,
                    f"a burn that ends within simulation.time_limit_s = {limit:g} s of the epoch "
                    "(the entry interface is searched for within it)",
                )
        if ev.burn is not None and burn_end_name(ev.name) in names:
            raise KeyProblem(
                f"sequence.events[{k}].name",
                ev.name,
                f"a name whose burn-end event '{burn_end_name(ev.name)}' is free",
            )


def inertial_state(orbit: OrbitSpec, mu_m3_s2: float, equatorial_radius_m: float):
    """The orbit's inertial position [m] and velocity [m/s] at its epoch (planets.orbit)."""
    if orbit.position_eci_m is not None:
        return np.asarray(orbit.position_eci_m, float), np.asarray(orbit.velocity_eci_m_s, float)
    if orbit.perigee_altitude_m is not None:
        rp = equatorial_radius_m + orbit.perigee_altitude_m
        ra = equatorial_radius_m + orbit.apogee_altitude_m
        a, e = 0.5 * (rp + ra), (ra - rp) / (ra + rp)
    else:
        a, e = orbit.semi_major_axis_m, orbit.eccentricity
    return elements_to_inertial(
        mu_m3_s2,
        a,
        e,
        math.radians(orbit.inclination_deg),
        math.radians(orbit.raan_deg),
        math.radians(orbit.argument_of_perigee_deg),
        math.radians(orbit.true_anomaly_deg),
    )


def check_orbit_against(orbit: OrbitSpec, mu_m3_s2: float, equatorial_radius_m: float) -> None:
    """Refuse an orbit whose perigee is under the surface or that starts below its entry
    interface (KeyProblem naming the key the orbit was given by)."""
    key = next(f[0] for f in ELEMENT_FORMS if getattr(orbit, f[0]) is not None)
    r, v = inertial_state(orbit, mu_m3_s2, equatorial_radius_m)
    rp, _ = perigee_apogee_radius_m(r, v, mu_m3_s2)
    if rp <= equatorial_radius_m:
        raise KeyProblem(
            key,
            getattr(orbit, key),
            f"an orbit whose perigee is above the surface (it is at "
            f"{(rp - equatorial_radius_m) / 1e3:.1f} km)",
        )
    start_m = float(np.linalg.norm(r)) - equatorial_radius_m
    if start_m <= orbit.entry_interface_altitude_m:
        raise KeyProblem(
            key,
            getattr(orbit, key),
            f"a start above entry_interface_altitude_m = {orbit.entry_interface_altitude_m:g} m "
            f"(the orbit's state at the epoch is at {start_m / 1e3:.1f} km)",
        )


def start_altitude_m(spec, mu_m3_s2: float, equatorial_radius_m: float) -> float:
    """The highest altitude a flight starts from: its entry interface, or its orbit's apogee
    (inf for an unbound state)."""
    if spec.orbit is None:
        return spec.entry.altitude_m
    r, v = inertial_state(spec.orbit, mu_m3_s2, equatorial_radius_m)
    return perigee_apogee_radius_m(r, v, mu_m3_s2)[1] - equatorial_radius_m
