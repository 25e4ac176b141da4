"""Marks on the ground from a simulated landing (:class:`skycrane.Result`).

Coordinates are metres east/north of the rover on its local tangent plane
(:func:`rover_georeference`, :mod:`skycrane.imaging.georef`): each body's rest
point is its simulated latitude and longitude projected on that plane (or, without
them, its great-circle distance and bearing from the rover).  The descent stage is
taken to be travelling *away* from the rover when it hits (the fly-away manoeuvre),
so its fan opens along its bearing from the rover; when the simulation gives no
impact angle, ``default_impact_angle_deg`` is used.  The parachute is placed beside the
backshell, ``parachute_offset_m`` further along the backshell's bearing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from skycrane.imaging.debris import (
    DebrisParams,
    balance_mass_mark,
    blast_zone_mark,
    descent_stage_debris,
    hardware_mark,
    parachute_mark,
)
from skycrane.imaging.georef import GeoReference
from skycrane.imaging.marks import Mark

HARDWARE_SIZE_M = {"heat_shield": 4.5, "backshell": 4.5}


def _position(body: Any, georef: GeoReference | None) -> tuple[float, float]:
    """Metres east/north of the rover: exact from latitude/longitude on the rover's
    tangent plane when both are known, else from the great-circle distance and bearing."""
    lat = getattr(body, "latitude_deg", None)
    lon = getattr(body, "longitude_deg", None)
    if georef is not None and lat is not None and lon is not None:
        east, north = georef.enu_m(lat, lon)
        return float(east), float(north)
    bearing = math.radians(body.bearing_from_rover_deg)
    return (
        body.distance_from_rover_m * math.sin(bearing),
        body.distance_from_rover_m * math.cos(bearing),
    )


def marks_from_landing(
    result: Any,
    mission: Any,
    rng: np.random.Generator,
    params: DebrisParams | None = None,
    default_impact_angle_deg: float = 45.0,
    parachute_offset_m: float = 15.0,
    blast_radius_m: float = 10.0,
) -> list[Mark]:
    """Convert a landing's resting bodies into surface marks.

    Parameters
    ----------
    result : skycrane.Result
        Needs ``result.bodies`` (name, distance_from_rover_m, bearing_from_rover_deg,
        impact_speed_m_s, impact_angle_deg).
    mission : skycrane.Mission
        Masses: ``mission.spec.bodies[name].mass_kg`` and, for the descent stage,
        ``mission.spec.powered_descent.dry_mass_kg``.
    rng : numpy.random.Generator
        Seeded generator for the fragments.
    params : DebrisParams, optional
        Debris-model numbers (defaults when None).
    default_impact_angle_deg : float
        Used when a body has no impact angle.
    parachute_offset_m : float
        Distance of the parachute beyond the backshell.
    blast_radius_m : float
        Radius of the rover's engine-blast zone.

    Returns
    -------
    list of Mark
        Blast zone, main crash and secondaries, heat shield, backshell, parachute,
        balance masses.  Bodies without a rest point (burnt up) are skipped.
    """
    params = DebrisParams() if params is None else params
    georef = rover_georeference(result, mission)
    marks = [blast_zone_mark(0.0, 0.0, blast_radius_m)]
    spec_bodies = mission.spec.bodies
    for body in result.bodies:
        if body.distance_from_rover_m is None or body.bearing_from_rover_deg is None:
            continue
        x, y = _position(body, georef)
        speed = float(body.impact_speed_m_s or 0.0)
        angle = body.impact_angle_deg
        angle = default_impact_angle_deg if angle is None else float(angle)
        name = body.name
        if name == "descent_stage":
            mass = float(mission.spec.powered_descent.dry_mass_kg)
            marks += descent_stage_debris(
                rng, x, y, mass, speed, body.bearing_from_rover_deg, angle, params
            )
        elif "balance_mass" in name:
            # The result has no direction of travel; the bearing from the rover stands
            # in for it (it only orients the mark's slight downrange stretch).
            orient = math.radians(90.0 - body.bearing_from_rover_deg)
            mass = float(spec_bodies[name].mass_kg)
            marks.append(balance_mass_mark(x, y, mass, speed, angle, orient, params=params))
        elif name in ("heat_shield", "backshell"):
            kind = name
            mass = float(spec_bodies[name].mass_kg)
            orient = math.radians(90.0 - body.bearing_from_rover_deg)
            marks.append(
                hardware_mark(kind, x, y, mass, speed, HARDWARE_SIZE_M[kind], orient, params=params)
            )
            if kind == "backshell":
                marks.append(
                    parachute_mark(
                        x + parachute_offset_m * math.cos(orient),
                        y + parachute_offset_m * math.sin(orient),
                        orientation_rad=orient,
                    )
                )
    return marks


def rover_georeference(result: Any, mission: Any) -> GeoReference | None:
    """Where the rover (the origin of :func:`marks_from_landing`) came to rest.

    Latitude and longitude from ``result.body("rover")``, altitude from the
    ``touchdown`` event, planet from ``mission.planet``; None when the rover has no
    rest point.  :func:`marks_from_landing` places the bodies on this tangent plane,
    so their marks convert back to the simulated latitudes and longitudes exactly.
    """
    try:
        rover = result.body("rover")
    except (KeyError, AttributeError):
        return None
    if rover.latitude_deg is None or rover.longitude_deg is None:
        return None
    try:
        altitude_m = float(result.event("touchdown").altitude_m)
    except (KeyError, AttributeError):
        altitude_m = 0.0
    return GeoReference(
        mission.planet.name, float(rover.latitude_deg), float(rover.longitude_deg), altitude_m
    )
