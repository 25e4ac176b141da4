"""The reduction's per-event and per-body columns, declared once.

:func:`skycrane.reduction.reduce_batch` writes, for every event, the columns
``event.<event>.<column>`` and, for every body, ``body.<body>.<column>``, from
these declarations; those with ``table=True`` go to the Monte Carlo table,
the others only to a single run's timeline and hardware list. The event and
body names themselves come from :mod:`skycrane.contract.fields` (events the
kernel records) and the mission (its sequence and bodies).

Heights: every event carries ``altitude_m``, above the planet's reference
ellipsoid (the datum, e.g. the IAU 2015 Mars ellipsoid, to which MOLA
elevations are referred), and ``altitude_above_ground_m``, above the ground at
the landing site (the target's elevation ``target.altitude_m`` above the same
datum). The press kit's "2.1 km" at backshell separation is the second; the
timeline, the JSON, the Monte Carlo table, the exports and the figures all use
these two names and :data:`HEIGHT_LABELS`.
"""

from __future__ import annotations

from skycrane.contract.declare import Column

EVENT_COLUMNS = (
    Column("t_s", "s", "time from the entry interface"),
    Column("altitude_m", "m", "altitude above the reference ellipsoid (the datum)"),
    Column(
        "altitude_above_ground_m",
        "m",
        "altitude above the ground at the landing site (the target's elevation)",
    ),
    Column("speed_m_s", "m/s", "planet-relative speed"),
    Column("mach", "-", "Mach number"),
    Column("dynamic_pressure_pa", "Pa", "dynamic pressure"),
    Column("airspeed_m_s", "m/s", "wind-relative speed", table=False),
    Column("latitude_deg", "deg", "planetocentric latitude", table=False),
    Column("longitude_deg", "deg", "longitude, east positive", table=False),
    Column("flight_path_angle_deg", "deg", "planet-relative flight-path angle", table=False),
    Column("heading_deg", "deg", "planet-relative heading, clockwise from north", table=False),
    Column("mass_kg", "kg", "mass of the main vehicle", table=False),
)
BODY_COLUMNS = (
    Column("east_m", "m", "rest point east of the target, local tangent plane"),
    Column("north_m", "m", "rest point north of the target, local tangent plane"),
    Column("latitude_deg", "deg", "rest point planetocentric latitude"),
    Column("longitude_deg", "deg", "rest point longitude, east positive"),
    Column("distance_from_rover_m", "m", "great-circle distance from the rover at rest"),
    Column("impact_speed_m_s", "m/s", "planet-relative speed on reaching the ground"),
    Column(
        "surface",
        "-",
        "land or ocean under the rest point (Earth, GLOBE land mask: "
        "skycrane.planets.surface); none on Mars",
    ),
    Column(
        "impact_angle_deg",
        "deg",
        "planet-relative flight-path angle below the local horizontal on reaching the ground",
        table=False,
    ),
    Column(
        "impact_azimuth_deg",
        "deg",
        "azimuth of the planet-relative velocity on reaching the ground, clockwise from north",
        table=False,
    ),
)

ALTITUDE = EVENT_COLUMNS[1]
"""Altitude above the datum, the reference ellipsoid."""
ALTITUDE_ABOVE_GROUND = EVENT_COLUMNS[2]
"""Altitude above the ground at the landing site."""
HEIGHT_LABELS = {
    ALTITUDE.name: "altitude above datum",
    ALTITUDE_ABOVE_GROUND.name: "altitude above ground",
}
"""The words a table header or a figure axis uses for each height (then its unit)."""
