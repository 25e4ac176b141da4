"""The reduction's per-event and per-body columns, declared once.

:func:`skycrane.reduction.reduce_batch` writes, for every event, the columns
``event.<event>.<column>`` and, for every body, ``body.<body>.<column>``, from
these declarations; those with ``table=True`` go to the Monte Carlo table,
the others only to a single run's timeline and hardware list. The event and
body names themselves come from :mod:`skycrane.contract.fields` (events the
kernel records) and the mission (its sequence and bodies).
"""

from __future__ import annotations

from skycrane.contract.declare import Column

EVENT_COLUMNS = (
    Column("t_s", "s", "time from the entry interface"),
    Column("altitude_m", "m", "altitude above the reference ellipsoid (the datum)"),
    Column("height_m", "m", "height above the ground at the target"),
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
