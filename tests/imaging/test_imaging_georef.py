"""Georeferencing: metres east/north of the image centre <-> planetocentric lat/lon."""

import json
import math

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.imaging import (
    GeoReference,
    OrbitalPass,
    detect,
    load_pair,
    random_site,
    render_pair,
    write_pair,
)
from skycrane.imaging.georef import read_sidecar, sidecar_path, world_file_resolution_m
from skycrane.imaging.score import match
from skycrane.planets import MARS, great_circle

JEZERO = GeoReference("mars", 18.4447, 77.4508, -2550.0)


def _local_radius_m(georef):
    """Distance of the centre from Mars' centre (the sphere the tangent plane touches)."""
    lat = math.radians(georef.latitude_deg)
    a, b = MARS.equatorial_radius_m, MARS.polar_radius_m
    return a * b / math.hypot(b * math.cos(lat), a * math.sin(lat)) + georef.altitude_m


def test_tangent_plane_matches_great_circles_and_inverts_exactly():
    """Reference: haversine distance/bearing (independent formula) on the local sphere."""
    x = np.array([0.0, 100.0, -250.0, 1000.0, -1200.0])
    y = np.array([0.0, 0.0, 400.0, -800.0, 1500.0])
    lat, lon = JEZERO.latlon_deg(x, y)
    dist, bearing = great_circle(JEZERO.latitude_deg, JEZERO.longitude_deg, lat, lon, 1.0)
    dist = dist * _local_radius_m(JEZERO)
    ranges = np.hypot(x, y)
    # The plane departs from the sphere by (r/R)^2/3 of r: < 1e-6 m below 2 km, and the
    # ellipsoid's curvature differs from the sphere's by < 0.4 %.
    assert dist == pytest.approx(ranges, rel=4e-3, abs=1e-6)
    expected = np.degrees(np.arctan2(x, y)) % 360.0
    assert bearing[1:] == pytest.approx(expected[1:], abs=0.01)
    east, north = JEZERO.enu_m(lat, lon)
    assert east == pytest.approx(x, abs=1e-6)
    assert north == pytest.approx(y, abs=1e-6)


def test_moved_centre_is_the_same_point():
    """Invariant: moving the centre to a point keeps that point's latitude/longitude."""
    moved = JEZERO.moved(-310.0, 512.0)
    assert (moved.latitude_deg, moved.longitude_deg) == pytest.approx(
        tuple(float(v) for v in JEZERO.latlon_deg(-310.0, 512.0)), abs=1e-12
    )
    assert moved.latlon_deg(0.0, 0.0) == pytest.approx(
        (moved.latitude_deg, moved.longitude_deg), abs=1e-12
    )


def test_georeference_rejects_bad_values():
    """Invariant: unknown planets and impossible latitudes are input errors."""
    with pytest.raises(InputError, match="planet"):
        GeoReference("vulcan", 0.0, 0.0)
    with pytest.raises(InputError, match="latitude"):
        GeoReference("mars", 91.0, 0.0)


def test_round_trip_truth_and_detections_in_latitude_longitude(tmp_path):
    """Reference: rendered truth.  Written images -> detect -> lat/lon within 2 px of the
    truth: every mark other than the secondaries that the scoring finds (score.match, in
    the image's frame), its footprint centroid placed on the planet by the georeference,
    against the lat/lon that `detect` reports for the nearest detection; the truth file's
    marks carry the lat/lon of their outlines' centroids."""
    rng = np.random.default_rng(4)
    origin = (-310.0, 512.0)  # image centre, metres east/north of the tangent point
    marks = [m.shifted(*origin) for m in random_site(rng, 200.0, 200.0)]
    after = OrbitalPass(shift_px=(0.5, -0.5), gain=0.9)
    pair = render_pair(rng, marks, (800, 800), 0.25, after=after, origin_m=origin)
    files = write_pair(tmp_path, pair, origin_m=origin, georef=JEZERO)
    sidecar = read_sidecar(files["before"], pair.before.shape)
    assert sidecar.georef == JEZERO and sidecar.resolution_m == 0.25
    assert sidecar.centre_m == origin
    assert world_file_resolution_m(files["before"]) == 0.25
    before, after = load_pair(files["before"], files["after"])
    found = detect(before, after, 0.25, georef=sidecar.georef, centre_m=sidecar.centre_m)
    truth = json.loads(files["truth"].read_text())
    for t, mark in zip(truth, marks, strict=True):
        lat, lon = JEZERO.latlon_deg(*mark.centroid_m)
        assert (t["latitude_deg"], t["longitude_deg"]) == pytest.approx((lat, lon), abs=1e-12)
    radius = _local_radius_m(JEZERO)
    checked = 0
    truths, _ = match(found, marks, (800, 800), 0.25, origin)
    for t in truths:
        if t["kind"] == "secondary" or t["found_kind"] is None:
            continue
        row, col = t["centroid"]
        lat, lon = JEZERO.latlon_deg(
            origin[0] + (col - 399.5) * 0.25, origin[1] + (399.5 - row) * 0.25
        )
        gap_m = min(
            great_circle(d.latitude_deg, d.longitude_deg, lat, lon, radius)[0] for d in found
        )
        assert gap_m <= 2 * 0.25, (t["kind"], gap_m)
        checked += 1
    assert checked >= 5
    for d in found:  # each detection's lat/lon agrees with its own metres
        dist, bearing = great_circle(
            JEZERO.latitude_deg, JEZERO.longitude_deg, d.latitude_deg, d.longitude_deg, radius
        )
        x, y = origin[0] + d.x_m, origin[1] + d.y_m
        assert dist == pytest.approx(math.hypot(x, y), rel=4e-3)
        if dist > 5.0:
            expected = math.degrees(math.atan2(x, y)) % 360.0
            assert (bearing - expected + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=0.05)


def test_sidecar_errors(tmp_path):
    """Bad input: a corrupt sidecar, or one written for another image size."""
    image = tmp_path / "before.png"
    sidecar_path(image).write_text("{not json")
    with pytest.raises(InputError, match=r"before\.geo\.json"):
        read_sidecar(image)
    doc = {
        "planet": "mars",
        "tangent_latitude_deg": 18.0,
        "tangent_longitude_deg": 77.0,
        "resolution_m": 0.25,
        "rows": 10,
        "cols": 12,
    }
    sidecar_path(image).write_text(json.dumps(doc))
    assert read_sidecar(image, (10, 12)).centre_m == (0.0, 0.0)
    sidecar_path(image).write_text(json.dumps({**doc, "planet": "vulcan"}))
    with pytest.raises(InputError, match="planet"):
        read_sidecar(image)
    sidecar_path(image).write_text(json.dumps(doc))
    with pytest.raises(InputError, match="size"):
        read_sidecar(image, (10, 10))
    assert read_sidecar(tmp_path / "other.png") is None


def test_detections_without_georeference_have_no_latitude():
    """Invariant: without a georeference latitude/longitude stay None (null in JSON)."""
    rng = np.random.default_rng(2)
    pair = render_pair(rng, random_site(rng, 100.0, 100.0), (400, 400), 0.25)
    found = detect(pair.before, pair.after, 0.25)
    assert found
    assert all(d.latitude_deg is None and d.longitude_deg is None for d in found)
