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
from dataclasses import dataclass
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
from skycrane.imaging.marks import Mark, pixel_grid
from skycrane.imaging.surface import dem_heights
from skycrane.planets import pf_from_lla, planet_by_name

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
    marks = [blast_zone_mark(0.0, 0.0, blast_radius_m, ray_seed=int(rng.integers(1, 2**31)))]
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


HIRISE_SCALES_M = (0.25, 0.5, 1.0, 2.0, 4.0)
"""HiRISE's ground scales at 1x1, 2x2, 4x4, 8x8 and 16x16 binning [m/pixel] (McEwen et al. 2007)."""
NEAR_FIELD = {
    "blast_zone": "rover",
    "main_crash": "descent stage",
    "secondary": "descent-stage fragments",
    "backshell": "backshell",
    "parachute": "parachute",
    "heat_shield": "heat shield",
}
"""Kinds of mark of the near field (every body but the balance masses, km away) -> body."""
DEFAULT_FRAME_PX = 6400
"""Default image side [px]: 1.6 km at 0.25 m/px, which holds the rover, backshell, heat
shield and descent stage of the simulated MSL and Mars 2020 landings (heat shield 0.86-0.98 km
east, backshell 0.30-0.55 km west, descent stage 0.44-0.45 km north-west of the rover); see
docs/imaging.md for its time and memory."""


@dataclass(frozen=True, slots=True)
class Frame:
    """Where and how big an image of a landing is.

    Attributes
    ----------
    centre_m : tuple of float
        Image centre, metres east/north of the rover.
    size_px : int
        Side of the square image.
    resolution_m : float
        Metres per pixel.
    left_out : tuple of str
        Near-field bodies whose marks do not lie wholly inside the frame.
    """

    centre_m: tuple[float, float]
    size_px: int
    resolution_m: float
    left_out: tuple[str, ...]


def _bounds(marks: list[Mark], margin_m: float) -> tuple[float, float, float, float]:
    """West, east, south, north edges [m] of the box round ``marks``, ``margin_m`` wider."""
    return (
        min(m.x_m - m.extent_m for m in marks) - margin_m,
        max(m.x_m + m.extent_m for m in marks) + margin_m,
        min(m.y_m - m.extent_m for m in marks) - margin_m,
        max(m.y_m + m.extent_m for m in marks) + margin_m,
    )


def _held_bodies(near: list[Mark], side_cap_m: float, margin_m: float) -> list[Mark]:
    """The marks of the near-field bodies that fit one ``side_cap_m`` square together:
    the rover's first, then each piece of hardware's (all its marks) in order of its
    distance from the rover, then the descent stage's fragments (a field that spreads
    hundreds of metres beyond the crash, which would otherwise crowd out a heat shield
    lying farther the other way), skipping a body that would burst the square."""
    bodies: dict[str, list[Mark]] = {}
    for m in near:
        bodies.setdefault(NEAR_FIELD[m.kind], []).append(m)
    order = sorted(
        bodies,
        key=lambda b: (
            b != "rover",
            b == NEAR_FIELD["secondary"],
            min(math.hypot(m.x_m, m.y_m) for m in bodies[b]),
        ),
    )
    held: list[Mark] = []
    for body in order:
        west, east, south, north = _bounds(held + bodies[body], margin_m)
        if not held or max(east - west, north - south) <= side_cap_m:
            held += bodies[body]
    return held


def landing_frame(
    marks: list[Mark],
    resolution_m: float | None = None,
    max_size_px: int = DEFAULT_FRAME_PX,
    margin_m: float = 50.0,
    min_size_px: int = 256,
    hold_all: bool = False,
) -> Frame:
    """The square frame of a landing's near field (:data:`NEAR_FIELD`) with ``margin_m``.

    By default the image is at ``resolution_m`` (HiRISE's finest 0.25 m when None) and
    at most ``max_size_px`` a side, and holds the rover and every other near-field body
    that fits with it, nearest first, the descent stage's fragments last (a crash
    kilometres away would otherwise make the frame huge).  With ``hold_all`` it holds the
    whole near field at the finest HiRISE scale (:data:`HIRISE_SCALES_M`) that fits
    ``max_size_px`` (the coarsest when none does), or at ``resolution_m`` when given.
    Bodies whose marks do not lie wholly inside are named in ``left_out``.
    """
    near = [m for m in marks if m.kind in NEAR_FIELD] or marks
    if resolution_m is None and not hold_all:
        resolution_m = HIRISE_SCALES_M[0]
    if hold_all or not any(m.kind in NEAR_FIELD for m in near):
        held = near
    else:
        held = _held_bodies(near, max_size_px * resolution_m, margin_m)
    west, east, south, north = _bounds(held, margin_m)
    side_m = max(east - west, north - south)
    centre = (0.5 * (west + east), 0.5 * (south + north))
    if resolution_m is None:
        fits = [r for r in HIRISE_SCALES_M if side_m <= max_size_px * r]
        resolution_m = fits[0] if fits else HIRISE_SCALES_M[-1]
    size = int(min(max_size_px, max(min_size_px, math.ceil(side_m / resolution_m))))
    half = 0.5 * size * resolution_m
    left_out = sorted(
        {
            NEAR_FIELD[m.kind]
            for m in near
            if m.kind in NEAR_FIELD
            and (
                abs(m.x_m - centre[0]) + m.extent_m > half
                or abs(m.y_m - centre[1]) + m.extent_m > half
            )
        }
    )
    return Frame(centre, size, resolution_m, tuple(left_out))


def site_heights(mission: Any, georef: GeoReference | None, frame: Frame) -> np.ndarray | None:
    """The mission's site terrain (``mission.terrain``) on the frame's pixel grid [m].

    The rover's rest point is placed in the terrain's frame (the target's tangent plane)
    from its latitude and longitude; None without a georeference or a terrain model.
    """
    terrain = getattr(mission, "terrain", None)
    if georef is None or terrain is None or terrain.is_flat:
        return None
    planet = planet_by_name(georef.planet)
    rover_pf = pf_from_lla(georef.latitude_deg, georef.longitude_deg, georef.altitude_m, planet)
    rover_e, rover_n = terrain.local_from_pf(rover_pf)
    xs, ys = pixel_grid((frame.size_px, frame.size_px), frame.resolution_m)
    east = float(rover_e) + frame.centre_m[0] + xs
    north = float(rover_n) + frame.centre_m[1] + ys
    return dem_heights(terrain, east, north)
