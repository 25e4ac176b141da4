"""File exports: the landing footprint (GeoJSON, KML) and the trajectory (CSV, netCDF).

Coordinates are **Mars** coordinates, not WGS-84: planetocentric latitude
(angle from the equatorial plane to the radius vector, IAU/MOLA convention)
and east longitude in [-180, 180) degrees, on the IAU 2015 Mars ellipsoid
(3396.19 km x 3376.20 km): the CRS "Mars (2015) / Ocentric", IAU_2015:49902.
RFC 7946 fixes GeoJSON to WGS-84 and dropped the ``crs`` member, so the
reference system is stated in the foreign members ``skycrane:crs`` and
``skycrane:crs_description`` of the FeatureCollection; KML
(also WGS-84 by its specification) says so in the document's description.
See ``docs/outputs.md``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from skycrane.constants import G0_M_S2
from skycrane.contract.columns import ALTITUDE_ABOVE_GROUND

CRS_CODE = "IAU_2015:49902"
"""Mars (2015) / Ocentric: IAU 2015 ellipsoid, planetocentric latitude, east longitude."""

CRS_DESCRIPTION = (
    "Mars (2015) / Ocentric, IAU 2015 ellipsoid (a = 3396190 m, b = 3376200 m); "
    "planetocentric latitude [deg, north positive]; east longitude in [-180, 180) deg. "
    "Not WGS-84: the RFC 7946 default reference system does not apply."
)
KML_NS = "http://www.opengis.net/kml/2.2"


def _lon180(lon_deg: float) -> float:
    """East longitude wrapped to [-180, 180) (unchanged when already inside)."""
    lon = float(lon_deg)
    return lon if -180.0 <= lon < 180.0 else (lon + 180.0) % 360.0 - 180.0


def _body_properties(b) -> dict:
    return {
        "name": b.name,
        "kind": "rover" if b.name == "rover" else "hardware",
        "status": b.status,
        "distance_from_rover_m": b.distance_from_rover_m,
        "bearing_from_rover_deg": b.bearing_from_rover_deg,
        "distance_from_capsule_m": b.distance_from_capsule_m,
        "bearing_from_capsule_deg": b.bearing_from_capsule_deg,
        "impact_speed_m_s": b.impact_speed_m_s,
        "impact_angle_deg": b.impact_angle_deg,
        "t_rest_s": b.t_rest_s,
        "surface": b.surface,
    }


def _point(lat: float, lon: float, props: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [_lon180(lon), float(lat)]},
        "properties": props,
    }


def footprint_geojson(result, mission) -> dict:
    """The landing footprint as an RFC 7946 FeatureCollection (a dict).

    One Point feature for the target and one per body at rest (rover, heat
    shield, backshell, balance masses, cruise-stage fragments, descent stage),
    coordinates ``[longitude, latitude]`` in degrees at full precision. Bodies
    without a rest point (e.g. broken up) are listed in the foreign member
    ``skycrane:not_at_rest``.
    """
    tgt = mission.spec.target
    features = [
        _point(
            tgt.latitude_deg,
            tgt.longitude_deg,
            {
                "name": "target",
                "kind": "target",
                "altitude_m": tgt.altitude_m,
                "site_elevation_m": tgt.altitude_m,
                "datum": result.site.get("datum"),
            },
        )
    ]
    missing = []
    for b in result.bodies:
        if b.latitude_deg is None or b.longitude_deg is None:
            missing.append({"name": b.name, "status": b.status})
        else:
            features.append(_point(b.latitude_deg, b.longitude_deg, _body_properties(b)))
    return {
        "type": "FeatureCollection",
        "skycrane:crs": CRS_CODE,
        "skycrane:crs_description": CRS_DESCRIPTION,
        "skycrane:mission": result.mission,
        "skycrane:planet": mission.planet.name,
        "skycrane:touchdown": None if result.touchdown is None else dict(result.touchdown),
        "skycrane:not_at_rest": missing,
        "features": features,
    }


def write_geojson(path, result, mission) -> Path:
    """Write :func:`footprint_geojson` to ``path`` (UTF-8 JSON); returns the path."""
    path = Path(path)
    path.write_text(json.dumps(footprint_geojson(result, mission), indent=2), encoding="utf-8")
    return path


def _placemark(parent, name: str, lat: float, lon: float, description: str) -> None:
    pm = ET.SubElement(parent, f"{{{KML_NS}}}Placemark")
    ET.SubElement(pm, f"{{{KML_NS}}}name").text = name
    ET.SubElement(pm, f"{{{KML_NS}}}description").text = description
    point = ET.SubElement(pm, f"{{{KML_NS}}}Point")
    ET.SubElement(point, f"{{{KML_NS}}}coordinates").text = f"{_lon180(lon)!r},{float(lat)!r}"


def kml_document(name: str):
    """``(kml, document)`` elements of a KML 2.2 file named ``name``, its CRS in the description."""
    ET.register_namespace("", KML_NS)
    kml = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(kml, f"{{{KML_NS}}}Document")
    ET.SubElement(doc, f"{{{KML_NS}}}name").text = name
    ET.SubElement(
        doc, f"{{{KML_NS}}}description"
    ).text = f"Coordinate reference system {CRS_CODE}: {CRS_DESCRIPTION}"
    return kml, doc


def kml_text(kml) -> str:
    """The KML element tree as an indented UTF-8 document."""
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def footprint_kml(result, mission) -> str:
    """The landing footprint as a KML 2.2 document (a string).

    A Placemark for the target and one per body at rest, ``lon,lat`` in
    degrees (Mars planetocentric, see :data:`CRS_DESCRIPTION`).
    """
    kml, doc = kml_document(f"{result.mission} landing footprint")
    tgt = mission.spec.target
    _placemark(doc, "target", tgt.latitude_deg, tgt.longitude_deg, "landing target")
    folder = ET.SubElement(doc, f"{{{KML_NS}}}Folder")
    ET.SubElement(folder, f"{{{KML_NS}}}name").text = "hardware at rest"
    for b in result.bodies:
        if b.latitude_deg is None or b.longitude_deg is None:
            continue
        parts = [f"status: {b.status}"]
        if b.distance_from_rover_m is not None:
            parts.append(f"{b.distance_from_rover_m:.0f} m from the rover")
        elif b.distance_from_capsule_m is not None:
            parts.append(f"{b.distance_from_capsule_m:.0f} m from the capsule")
        if b.impact_speed_m_s is not None:
            parts.append(f"impact {b.impact_speed_m_s:.1f} m/s")
        if b.surface is not None:
            parts.append(f"on {b.surface}")
        _placemark(folder, b.name, b.latitude_deg, b.longitude_deg, "; ".join(parts))
    return kml_text(kml)


def write_kml(path, result, mission) -> Path:
    """Write :func:`footprint_kml` to ``path``; returns the path."""
    path = Path(path)
    path.write_text(footprint_kml(result, mission), encoding="utf-8")
    return path


# (column / variable name, long name, CF-style units, getter)
_COLUMNS = [
    ("t_s", "time from the entry interface", "s", lambda tr: tr.t_s),
    ("altitude_m", "altitude above the ellipsoid", "m", lambda tr: tr.altitude_m),
    ("latitude_deg", "planetocentric latitude", "degrees_north", lambda tr: tr.latitude_deg),
    ("longitude_deg", "east longitude", "degrees_east", lambda tr: tr.longitude_deg),
    ("x_pf_m", "planet-fixed position x", "m", lambda tr: tr.r_pf_m[:, 0]),
    ("y_pf_m", "planet-fixed position y", "m", lambda tr: tr.r_pf_m[:, 1]),
    ("z_pf_m", "planet-fixed position z", "m", lambda tr: tr.r_pf_m[:, 2]),
    (
        "vx_pf_m_s",
        "planet-relative velocity x (planet-fixed axes)",
        "m s-1",
        lambda tr: tr.v_pf_m_s[:, 0],
    ),
    (
        "vy_pf_m_s",
        "planet-relative velocity y (planet-fixed axes)",
        "m s-1",
        lambda tr: tr.v_pf_m_s[:, 1],
    ),
    (
        "vz_pf_m_s",
        "planet-relative velocity z (planet-fixed axes)",
        "m s-1",
        lambda tr: tr.v_pf_m_s[:, 2],
    ),
    ("speed_m_s", "planet-relative speed", "m s-1", lambda tr: tr.speed_m_s),
    ("airspeed_m_s", "airspeed", "m s-1", lambda tr: tr.airspeed_m_s),
    ("mach", "Mach number", "1", lambda tr: tr.mach),
    ("dynamic_pressure_pa", "dynamic pressure", "Pa", lambda tr: tr.dynamic_pressure_pa),
    (
        "heat_rate_w_cm2",
        "stagnation-point heat rate, convective + radiative",
        "W cm-2",
        lambda tr: tr.heat_rate_w_cm2,
    ),
    ("heat_load_j_cm2", "integrated heat load", "J cm-2", lambda tr: tr.heat_load_j_cm2),
    (
        "radiative_heat_rate_w_cm2",
        "radiative part of the stagnation-point heat rate",
        "W cm-2",
        lambda tr: tr.radiative_heat_rate_w_cm2,
    ),
    (
        "radiative_heat_load_j_cm2",
        "radiative part of the integrated heat load",
        "J cm-2",
        lambda tr: tr.radiative_heat_load_j_cm2,
    ),
    (
        "deceleration_earth_g",
        "aerodynamic deceleration in standard Earth g",
        f"{G0_M_S2} m s-2",
        lambda tr: tr.deceleration_earth_g,
    ),
    ("bank_deg", "bank angle", "degree", lambda tr: tr.bank_deg),
    ("mass_kg", "vehicle mass", "kg", lambda tr: tr.mass_kg),
    ("parachute_force_n", "parachute force", "N", lambda tr: tr.parachute_force_n),
    ("thrust_n", "total engine thrust", "N", lambda tr: tr.thrust_n),
]
_AGL = (
    ALTITUDE_ABOVE_GROUND.name,
    "altitude above the ground at the landing site (site_elevation_m above the ellipsoid)",
    "m",
)
COLUMNS = {name: (long_name, units) for name, long_name, units, _ in _COLUMNS[:2]}
COLUMNS[_AGL[0]] = _AGL[1:]
COLUMNS |= {name: (long_name, units) for name, long_name, units, _ in _COLUMNS[2:]}
"""Exported trajectory columns: name -> (long name, units)."""


def trajectory_table(result) -> dict[str, np.ndarray]:
    """The trajectory's columns (see :data:`COLUMNS`) as float64 arrays.

    ``altitude_above_ground_m`` is ``altitude_m`` less the site's elevation
    (``result.site``), the height the press kit quotes.
    """
    tr = result.trajectory
    table = {name: np.asarray(get(tr), dtype=np.float64) for name, _, _, get in _COLUMNS}
    ground_m = result.site.get("site_elevation_m", 0.0) if result.site else 0.0
    out = {name: table[name] for name in ("t_s", "altitude_m")}
    out[_AGL[0]] = table["altitude_m"] - ground_m
    out |= {name: v for name, v in table.items() if name not in out}
    return out


def trajectory_csv(path, result) -> Path:
    """Write the trajectory as CSV: a header of unit-suffixed names, one row per sample.

    Values are written with 17 significant digits (exact float64 round trip);
    ``mach`` is dimensionless (no suffix).
    """
    path = Path(path)
    table = trajectory_table(result)
    data = np.column_stack(list(table.values()))
    np.savetxt(path, data, delimiter=",", header=",".join(table), comments="", fmt="%.17g")
    return path


def trajectory_dataset(result):
    """The trajectory as an :class:`xarray.Dataset` on a ``time`` coordinate [s]."""
    import xarray as xr

    table = trajectory_table(result)
    t = table.pop("t_s")
    ds = xr.Dataset(
        {
            name: ("time", values, {"long_name": COLUMNS[name][0], "units": COLUMNS[name][1]})
            for name, values in table.items()
        },
        coords={"time": ("time", t, {"long_name": COLUMNS["t_s"][0], "units": "s"})},
        attrs={
            "title": f"skycrane trajectory of {result.mission}",
            "mission": result.mission,
            "status": result.status_text,
            "site_elevation_m": result.site.get("site_elevation_m", 0.0) if result.site else 0.0,
            "datum": result.site.get("datum", "") if result.site else "",
            "crs": CRS_CODE,
            "crs_description": CRS_DESCRIPTION,
            "time_reference": "seconds from the entry interface (negative before it)",
        },
    )
    return ds


def trajectory_netcdf(path, result) -> Path:
    """Write :func:`trajectory_dataset` as netCDF-3 (xarray, ``engine="scipy"``)."""
    path = Path(path)
    trajectory_dataset(result).to_netcdf(path, engine="scipy")
    return path
