"""Footprint (GeoJSON, KML) and trajectory (CSV, netCDF) exports of a real Mars 2020 run."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import numpy as np
import xarray as xr

from skycrane.output import export


def _located(result):
    return [b for b in result.bodies if b.latitude_deg is not None]


def _is_number(x):
    return isinstance(x, int | float) and not isinstance(x, bool) and np.isfinite(x)


def test_output_geojson_structure_rfc7946(result, mission, tmp_path):
    path = export.write_geojson(tmp_path / "footprint.geojson", result, mission)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # removed by RFC 7946; the CRS is a foreign member
    assert doc["skycrane:crs"] == "IAU_2015:49902"
    assert "planetocentric" in doc["skycrane:crs_description"]
    assert "WGS-84" in doc["skycrane:crs_description"]
    assert isinstance(doc["features"], list)
    for f in doc["features"]:
        assert set(f) == {"type", "geometry", "properties"}
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "Point"
        coords = f["geometry"]["coordinates"]
        assert len(coords) == 2 and all(_is_number(c) for c in coords)
        lon, lat = coords
        assert -180.0 <= lon < 180.0 and -90.0 <= lat <= 90.0
        assert isinstance(f["properties"], dict) and isinstance(f["properties"]["name"], str)
    names = [f["properties"]["name"] for f in doc["features"]]
    assert names == ["target"] + [b.name for b in _located(result)]
    assert [m["name"] for m in doc["skycrane:not_at_rest"]] == [
        b.name for b in result.bodies if b.latitude_deg is None
    ]


def test_output_geojson_round_trips_positions(result, mission, tmp_path):
    path = export.write_geojson(tmp_path / "footprint.geojson", result, mission)
    doc = json.loads(path.read_text(encoding="utf-8"))
    by_name = {f["properties"]["name"]: f for f in doc["features"]}
    tgt = mission.spec.target
    lon, lat = by_name["target"]["geometry"]["coordinates"]  # [lon, lat] order
    assert abs(lat - tgt.latitude_deg) < 1e-9 and abs(lon - tgt.longitude_deg) < 1e-9
    for b in _located(result):
        f = by_name[b.name]
        lon, lat = f["geometry"]["coordinates"]
        assert abs(lat - b.latitude_deg) < 1e-9
        assert abs((lon - b.longitude_deg + 180.0) % 360.0 - 180.0) < 1e-9
        p = f["properties"]
        assert p["status"] == b.status
        assert p["distance_from_rover_m"] == b.distance_from_rover_m
        assert p["impact_speed_m_s"] == b.impact_speed_m_s
    # the cruise-stage fragments are far west of the rover, as in the result
    core = by_name["cruise_stage/cruise_stage_core"]["geometry"]["coordinates"]
    rover = by_name["rover"]["geometry"]["coordinates"]
    assert core[0] < rover[0] - 1.0


def test_output_kml_parses_with_placemark_per_body(result, mission, tmp_path):
    path = export.write_kml(tmp_path / "footprint.kml", result, mission)
    root = ET.parse(path).getroot()
    ns = {"k": export.KML_NS}
    assert root.tag == f"{{{export.KML_NS}}}kml"
    assert "IAU_2015:49902" in root.find("k:Document/k:description", ns).text
    marks = root.findall(".//k:Placemark", ns)
    names = [m.find("k:name", ns).text for m in marks]
    located = _located(result)
    assert names == ["target"] + [b.name for b in located]
    for b, m in zip(located, marks[1:], strict=True):
        lon, lat = map(float, m.find("k:Point/k:coordinates", ns).text.split(","))
        assert abs(lat - b.latitude_deg) < 1e-9 and abs(lon - b.longitude_deg) < 1e-9
        assert b.status in m.find("k:description", ns).text


def test_output_trajectory_csv(result, tmp_path):
    path = export.trajectory_csv(tmp_path / "trajectory.csv", result)
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[0] == "t_s"
    units = ("_s", "_m", "_deg", "_m_s", "_pa", "_w_cm2", "_j_cm2", "_g", "_kg", "_n")
    assert all(h.endswith(units) for h in header if h != "mach"), header
    for col in (
        "altitude_m",
        "speed_m_s",
        "mach",
        "dynamic_pressure_pa",
        "thrust_n",
        "mass_kg",
        "bank_deg",
        "latitude_deg",
        "longitude_deg",
    ):
        assert col in header
    data = np.array(rows[1:], dtype=float)
    tr = result.trajectory
    assert data.shape == (len(tr.t_s), len(header))
    np.testing.assert_array_equal(data[:, 0], tr.t_s)  # full precision
    np.testing.assert_array_equal(data[:, header.index("altitude_m")], tr.altitude_m)
    # invariant: the two heights differ by the site's elevation above the datum, exactly
    agl = data[:, header.index("altitude_above_ground_m")]
    np.testing.assert_array_equal(agl, tr.altitude_m - result.site["site_elevation_m"])
    np.testing.assert_array_equal(data[:, header.index("z_pf_m")], tr.r_pf_m[:, 2])
    np.testing.assert_array_equal(data[:, header.index("thrust_n")], tr.thrust_n)


def test_output_trajectory_netcdf(result, tmp_path):
    path = export.trajectory_netcdf(tmp_path / "trajectory.nc", result)
    tr = result.trajectory
    with xr.open_dataset(path, engine="scipy") as ds:
        assert ds["time"].attrs["units"] == "s"
        np.testing.assert_array_equal(ds["time"].values, tr.t_s)
        for name, var in ds.data_vars.items():
            assert var.dims == ("time",)
            assert var.attrs["units"], name
            assert var.attrs["long_name"], name
        assert ds["altitude_m"].attrs["units"] == "m"
        assert ds["speed_m_s"].attrs["units"] == "m s-1"
        assert ds["latitude_deg"].attrs["units"] == "degrees_north"
        assert ds["heat_rate_w_cm2"].attrs["units"] == "W cm-2"
        np.testing.assert_array_equal(ds["mach"].values, tr.mach)
        np.testing.assert_array_equal(ds["vx_pf_m_s"].values, tr.v_pf_m_s[:, 0])
        assert ds.attrs["mission"] == "m2020"
        assert ds.attrs["crs"] == "IAU_2015:49902"
