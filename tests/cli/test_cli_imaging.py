"""`skycrane image` and `skycrane detect`: the orbital-imaging contract of the command line.

Contract: `skycrane image MISSION -o DIR [--resolution-m 0.25]` writes a
georeferenced before/after pair (world files and .geo.json sidecars) and a truth
list; `skycrane detect BEFORE AFTER [--resolution-m R] --json` prints
{"detections": [{"x_m", "y_m", "area_m2", "darkening", "kind", "latitude_deg",
"longitude_deg"}...]}, latitude/longitude null without a sidecar; `--rover LAT,LON`
(with the sidecar) or `--rover-px ROW,COL` (any north-up pair; the scale from a world
file) add east_of_rover_m/north_of_rover_m; errors (different sizes, a non-image file,
a resolution that contradicts the sidecar or world file, a rover pixel off the image)
exit with status 2 and one error line; an unchanged pair has no detections.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import skycrane
from skycrane.cli import app
from skycrane.imaging import GeoReference, render_pair, write_pair
from skycrane.imaging.debris import random_site
from skycrane.imaging.detect import Detection
from skycrane.imaging.score import score

RUNNER = CliRunner()


def _pair(tmp_path, seed=3, size=320, resolution_m=0.25):
    rng = np.random.default_rng(seed)
    marks = random_site(rng, size * resolution_m, size * resolution_m)
    pair = render_pair(rng, marks, shape=(size, size), resolution_m=resolution_m)
    return write_pair(tmp_path, pair), marks


def test_detect_json_contract(tmp_path) -> None:
    """Known truth: a rendered pair gives detections with the contract keys, near the marks."""
    files, marks = _pair(tmp_path)
    result = RUNNER.invoke(
        app,
        ["detect", str(files["before"]), str(files["after"]), "--resolution-m", "0.25", "--json"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["detections"], "a site with marks must give detections"
    for d in doc["detections"]:
        assert {"x_m", "y_m", "area_m2", "darkening", "kind"} <= set(d)
        assert d["latitude_deg"] is None and d["longitude_deg"] is None  # no sidecar
        nearest = min(np.hypot(d["x_m"] - m.x_m, d["y_m"] - m.y_m) for m in marks)
        assert nearest < 25.0


def test_detect_scores_against_truth(tmp_path) -> None:
    """Known truth and invariant: `--truth truth.json` scores the detections of a rendered
    200 m pair (seed 3) exactly as the library scores them against the marks in memory
    (the file's marks are the renderer's); it finds at least 90 % of the marks >= 1 m2
    (95.1 % over 8 same-sun sites, docs/imaging.md) with < 5 % false detections."""
    files, marks = _pair(tmp_path, size=800)
    args = ["detect", str(files["before"]), str(files["after"]), "--json"]
    result = RUNNER.invoke(app, [*args, "--truth", str(files["truth"])])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    scored = doc["score"]
    found = [Detection(**d) for d in doc["detections"]]
    direct = score(found, marks, (800, 800), 0.25)
    assert (scored["marks_1m2"], scored["found"]) == (direct.n_truth, direct.n_found)
    assert scored["false_detections"] == direct.n_false
    assert scored["marks_1m2"] > 5
    assert scored["recall"] >= 0.9
    assert scored["false_detections"] < 0.05 * scored["detections"]
    bad = RUNNER.invoke(app, [*args, "--truth", str(files["before_world"])])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --truth")


def test_detect_unchanged_pair_has_no_detections(tmp_path) -> None:
    """Invariant: the same image twice has nothing darker."""
    files, _ = _pair(tmp_path)
    result = RUNNER.invoke(app, ["detect", str(files["before"]), str(files["before"]), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"detections": []}


def test_detect_bad_input_exits_2(tmp_path) -> None:
    """Bad input: a non-image file and images of different sizes give one error line, exit 2."""
    files, _ = _pair(tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    small, _ = _pair(tmp_path / "small", size=200)
    for args in ([str(files["before"]), str(text)], [str(files["before"]), str(small["after"])]):
        result = RUNNER.invoke(app, ["detect", *args])
        assert result.exit_code == 2, result.output
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), lines
        assert "Traceback" not in result.output


def test_detect_browse_products_with_fill_and_another_size(tmp_path) -> None:
    """Bad input and known truth: 8-bit PNG pairs from scikit-image's moon with pasted marks
    (skycrane.imaging.pasted) and a fill of 0 outside each footprint, the after image 2
    rows longer: no detection on the fill, the pasted marks found (as the library finds
    them); footprints overlapping on under a quarter of the frame give one error line
    naming the valid overlap and exit status 2."""
    from skimage import io

    from skycrane.imaging.pasted import as_browse, pasted_pair, with_no_data

    pair = pasted_pair("moon", 0, shift_px=(2.3, 1.6), margin_px=8, extra_rows=2)
    paths = {}
    for (name, image), (corner, leg) in zip(
        (("before", pair.before), ("after", pair.after)),
        (("tl", 120.0), ("br", 180.0)),
        strict=True,
    ):
        filled, _ = with_no_data(as_browse(image, quality=None), corner, leg)
        paths[name] = tmp_path / f"{name}.png"
        io.imsave(paths[name], filled.astype(np.uint8), check_contrast=False)
    args = ["detect", str(paths["before"]), str(paths["after"]), "--resolution-m", "1", "--json"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = [Detection(**d) for d in json.loads(result.stdout)["detections"]]
    rows, cols = pair.before.shape
    for d in found:  # every detection on a pasted mark, none on the fill
        row, col = (rows - 1) / 2 - d.y_m, d.x_m + (cols - 1) / 2
        assert min(np.hypot(row - r, col - c) for r, c, _ in pair.blobs) <= 2.0
    assert len(found) >= 8
    for name, corner in (("before", "tl"), ("after", "br")):
        filled, _ = with_no_data(as_browse(pair.before, quality=None), corner, 700.0)
        io.imsave(paths[name], filled.astype(np.uint8), check_contrast=False)
    bad = RUNNER.invoke(app, args)
    assert bad.exit_code == 2, bad.output
    assert bad.stderr.startswith("error: valid overlap")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_detect_positions_relative_to_the_rover(tmp_path) -> None:
    """Invariant: with `--rover LAT,LON` every detection's east_of_rover_m/north_of_rover_m
    is its tangent-plane position less the rover's, the rover put at (30, -12) m by the
    georeference's own latlon_deg (exact inverse: to a micrometre); without a sidecar,
    or with a malformed or out-of-range LAT,LON, one error line and exit status 2."""
    rng = np.random.default_rng(3)
    pair = render_pair(rng, random_site(rng, 80.0, 80.0), shape=(320, 320), resolution_m=0.25)
    georef = GeoReference("mars", 18.4447, 77.4508, -2550.0)
    files = write_pair(tmp_path / "geo", pair, origin_m=(5.0, 7.0), georef=georef)
    lat, lon = georef.latlon_deg(30.0, -12.0)
    args = ["detect", str(files["before"]), str(files["after"]), "--json"]
    result = RUNNER.invoke(app, [*args, "--rover", f"{lat:.12f},{lon:.12f}"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["detections"]
    assert found
    for d in found:
        assert d["east_of_rover_m"] == pytest.approx(5.0 + d["x_m"] - 30.0, abs=1e-6)
        assert d["north_of_rover_m"] == pytest.approx(7.0 + d["y_m"] + 12.0, abs=1e-6)
    plain, _ = _pair(tmp_path / "plain")
    for pair_args, rover in (
        ([str(plain["before"]), str(plain["after"])], "18.4,77.4"),
        ([str(files["before"]), str(files["after"])], "north"),
        ([str(files["before"]), str(files["after"])], "95,77.4"),
    ):
        bad = RUNNER.invoke(app, ["detect", *pair_args, "--rover", rover])
        assert bad.exit_code == 2, bad.output
        assert bad.stderr.startswith("error:") and len(bad.stderr.strip().splitlines()) == 1


def _image(tmp_path, resolution_m, *extra):
    result = RUNNER.invoke(
        app, ["image", "m2020", "-o", str(tmp_path), "--resolution-m", str(resolution_m), *extra]
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def m2020():
    mission = skycrane.load_mission("m2020")
    return skycrane.simulate(mission)


def _gap_m(lat1, lon1, lat2, lon2):
    distance, _ = skycrane.planets.great_circle(lat1, lon1, lat2, lon2, 3.3895e6)
    return float(distance)


def test_image_writes_a_georeferenced_pair(tmp_path, m2020) -> None:
    """`skycrane image` writes images, world files, sidecars and a truth list whose
    latitudes/longitudes are the simulated bodies' own (to a millimetre)."""
    _image(tmp_path, 4, "--misregistration-px", "0.5", "--illumination-gain", "0.9")
    names = {p.name for p in tmp_path.iterdir()}
    assert {"before.png", "after.png", "truth.json"} <= names
    assert {"before.pgw", "after.pgw", "before.geo.json", "after.geo.json"} <= names
    geo = json.loads((tmp_path / "before.geo.json").read_text())
    assert geo["planet"] == "mars" and geo["latitude_convention"] == "planetocentric"
    assert geo["resolution_m"] == 4.0
    rover = m2020.body("rover")
    assert (geo["tangent_latitude_deg"], geo["tangent_longitude_deg"]) == pytest.approx(
        (rover.latitude_deg, rover.longitude_deg), abs=1e-12
    )
    world = [float(v) for v in (tmp_path / "before.pgw").read_text().split()]
    half = (geo["cols"] - 1) / 2 * 4.0
    assert world[4] == pytest.approx(geo["centre_x_m"] - half)
    truth = json.loads((tmp_path / "truth.json").read_text())
    for kind, body in (("blast_zone", "rover"), ("heat_shield", "heat_shield")):
        rest = m2020.body(body)
        mark = next(t for t in truth if t["kind"] == kind)  # round marks: centroid = centre
        gap = _gap_m(
            mark["latitude_deg"], mark["longitude_deg"], rest.latitude_deg, rest.longitude_deg
        )
        assert gap < 1e-3, (kind, gap)


def test_detect_reports_latitude_longitude_of_a_simulated_site(tmp_path, m2020) -> None:
    """Known truth: on `skycrane image m2020` at 2 m/px, the rover's blast zone and the
    heat shield are found and named within 2 px of the simulated rest points'
    latitudes and longitudes."""
    _image(tmp_path, 2, "--misregistration-px", "0.5", "--illumination-gain", "1.1")
    args = ["detect", str(tmp_path / "before.png"), str(tmp_path / "after.png")]
    result = RUNNER.invoke(app, [*args, "--resolution-m", "2", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["detections"]
    assert all(d["latitude_deg"] is not None for d in found)
    for kind, body in (("blast_zone", "rover"), ("heat_shield", "heat_shield")):
        rest = m2020.body(body)
        named = [d for d in found if d["kind"] == kind]
        assert named, kind
        gap = min(
            _gap_m(d["latitude_deg"], d["longitude_deg"], rest.latitude_deg, rest.longitude_deg)
            for d in named
        )
        assert gap < 2 * 2.0, (kind, gap)
    wrong = RUNNER.invoke(app, [*args, "--resolution-m", "0.25"])
    assert wrong.exit_code == 2
    assert wrong.stderr.startswith("error: --resolution-m") and "geo.json" in wrong.stderr


def test_detect_a_real_product_with_a_world_file_and_the_rover_pixel(tmp_path) -> None:
    """Known truth and bad input: a pair as real map-projected products come (16-bit
    TIFFs with a .tfw world file at 0.5 m/px, no .geo.json sidecar) with pasted marks at
    known pixels: without --resolution-m the world file's 0.5 m/px is used, and with
    --rover-px ROW,COL every mark's east_of_rover_m/north_of_rover_m is its pixel offset
    from the rover times 0.5 m (north up), within 2 px. A --resolution-m that contradicts
    the world file, a rover pixel outside the image, a malformed one, and --rover with
    --rover-px each give one error line naming the option and exit status 2."""
    from skimage import io

    from skycrane.imaging.pasted import pasted_pair

    pair = pasted_pair("gravel", 3)
    paths = [tmp_path / f"{name}.tif" for name in ("before", "after")]
    for path, image in zip(paths, (pair.before, pair.after), strict=True):
        io.imsave(path, np.round(image / 1.6 * 65000.0).astype(np.uint16), check_contrast=False)
        path.with_suffix(".tfw").write_text("0.5\n0\n0\n-0.5\n1000.25\n2999.75\n")
    rover = (101.0, 377.0)
    args = ["detect", *map(str, paths), "--json"]
    result = RUNNER.invoke(app, [*args, "--rover-px", f"{rover[0]:g},{rover[1]:g}"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["detections"]
    _assert_marks_placed_from_the_rover(found, pair.blobs, rover, 0.5)
    for extra, option in (
        (["--resolution-m", "0.25"], "--resolution-m"),
        (["--rover-px", "-3,10"], "--rover-px"),
        (["--rover-px", "10;20"], "--rover-px"),
        (["--rover-px", "10,20", "--rover", "1,2"], "--rover-px"),
    ):
        bad = RUNNER.invoke(app, [*args, *extra])
        assert bad.exit_code == 2, (extra, bad.output)
        lines = [ln for ln in bad.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"error: {option}:"), (extra, lines)


def test_detect_a_geotiff_pair_with_the_rover_latitude_longitude(tmp_path) -> None:
    """Known truth: a pair of float32 GeoTIFFs declaring a Mars equirectangular CRS in
    metres at 0.5 m/px (as map-projected HiRISE products do; no world file, no sidecar),
    pasted marks at known pixels, and the rover's latitude and longitude taken from a
    chosen pixel by the CRS's own inverse (pyproj): without --resolution-m the embedded
    0.5 m/px is used, with --rover LAT,LON every mark's east_of_rover_m and
    north_of_rover_m is its pixel offset from the rover times 0.5 m, and its latitude and
    longitude put it back on its pixel through the CRS, each within 2 px."""
    from pyproj import CRS, Transformer
    from rasterio.transform import from_origin

    from skycrane.imaging.pasted import pasted_pair

    crs = CRS.from_proj4("+proj=eqc +R=3396190 +lat_ts=0 +lon_0=0 +units=m +no_defs")
    pair = pasted_pair("brick", 1)
    x0, y0 = 8_162_000.0, -271_000.0  # near Jezero: 137.7 E, 4.6 S
    transform = from_origin(x0, y0, 0.5, 0.5)
    paths = [tmp_path / f"{name}.tif" for name in ("before", "after")]
    for path, image in zip(paths, (pair.before, pair.after), strict=True):
        _write_geotiff(path, image, crs, transform)
    rover = (140.0, 333.0)
    x, y = x0 + (rover[1] + 0.5) * 0.5, y0 - (rover[0] + 0.5) * 0.5
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(x, y)
    result = RUNNER.invoke(
        app, ["detect", *map(str, paths), "--json", "--rover", f"{lat:.10f},{lon:.10f}"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["detections"]
    _assert_marks_placed_from_the_rover(found, pair.blobs, rover, 0.5)
    # each mark's latitude and longitude, from its pixel through the same CRS (within 2 px)
    to_crs = Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True)
    for r, c, _ in pair.blobs:
        x_mark, y_mark = x0 + (c + 0.5) * 0.5, y0 - (r + 0.5) * 0.5
        gap_px = min(
            np.hypot(*(np.subtract(to_crs.transform(d["longitude_deg"], d["latitude_deg"]),
                                   (x_mark, y_mark))))
            / 0.5
            for d in found
        )  # fmt: skip
        assert gap_px <= 2.0, (r, c, gap_px)


def _write_geotiff(path, image, crs, transform) -> None:
    import rasterio

    with rasterio.open(
        path, "w", driver="GTiff", height=image.shape[0], width=image.shape[1], count=1,
        dtype="float32", crs=crs.to_wkt(), transform=transform,
    ) as dst:  # fmt: skip
        dst.write(image.astype(np.float32), 1)


def test_detect_two_products_on_their_own_grids(tmp_path) -> None:
    """Known truth and bad input: two GeoTIFF products of one site on different grids, as
    two HiRISE RDRs are (the after product's footprint starts 30 rows and 17 columns
    further in, so the same pixel index is other ground): the after product is put on the
    before product's grid, and every pasted mark it covers is found within 2 px with no
    other detection (co-located by index, the pair was refused: other sizes). With
    --extent-m 100 --rover LAT,LON only the 200 px square round the rover is compared, and
    the marks inside it are placed from the rover within 2 px (and the rest of what it
    finds lies on marks the window's edge cuts). An --extent-m on a pair
    without georeferencing, a non-positive one and a rover off the product give one error
    line naming the option, exit 2 (the rover off the product with or without a window)."""
    from pyproj import CRS, Transformer
    from rasterio.transform import from_origin
    from scipy import ndimage

    from skycrane.imaging.pasted import pasted_pair, score_pasted

    crs = CRS.from_proj4("+proj=eqc +R=3396190 +lat_ts=0 +lon_0=0 +units=m +no_defs")
    pair = pasted_pair("grass", 2)
    x0, y0 = 8_162_000.0, -271_000.0
    paths = [tmp_path / "before.tif", tmp_path / "after.tif"]
    _write_geotiff(paths[0], pair.before, crs, from_origin(x0, y0, 0.5, 0.5))
    _write_geotiff(paths[1], pair.after[30:, 17:], crs, from_origin(x0 + 8.5, y0 - 15.0, 0.5, 0.5))
    result = RUNNER.invoke(app, ["detect", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.output
    found = [Detection(**d) for d in json.loads(result.stdout)["detections"]]
    uncovered = np.zeros(pair.before.shape, dtype=bool)
    uncovered[:30, :] = uncovered[:, :17] = True
    ignore = ndimage.binary_dilation(uncovered, iterations=10)
    n_marks, n_found, n_false = score_pasted(found, pair, 0.5, ignore)
    assert n_marks >= 6
    assert (n_found, n_false) == (n_marks, 0)

    rover = (250.0, 260.0)
    x, y = x0 + (rover[1] + 0.5) * 0.5, y0 - (rover[0] + 0.5) * 0.5
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(x, y)
    args = ["detect", *map(str, paths), "--rover", f"{lat:.10f},{lon:.10f}"]
    result = RUNNER.invoke(app, [*args, "--extent-m", "100", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["detections"]
    inside = [b for b in pair.blobs if max(abs(b[0] - rover[0]), abs(b[1] - rover[1])) < 90]
    assert inside
    _assert_marks_placed_from_the_rover(found, inside, rover, 0.5)
    for d in found:  # and nothing but marks (some cut by the window's edge)
        row = rover[0] - d["north_of_rover_m"] / 0.5
        col = rover[1] + d["east_of_rover_m"] / 0.5
        assert max(abs(row - rover[0]), abs(col - rover[1])) <= 101.0
        assert min(np.hypot(row - r, col - c) for r, c, _ in pair.blobs) <= 8.0, (row, col)

    plain, _ = _pair(tmp_path / "plain")
    for bad_args, option in (
        (["detect", str(plain["before"]), str(plain["after"]), "--extent-m", "50"], "before"),
        ([*args, "--extent-m", "-5"], "--extent-m"),
        (["detect", *map(str, paths), "--rover", "10,20", "--extent-m", "50"], "--rover"),
        (["detect", *map(str, paths), "--rover", "10,20"], "--rover"),
    ):
        bad = RUNNER.invoke(app, bad_args)
        assert bad.exit_code == 2, (bad_args, bad.output)
        lines = [ln for ln in bad.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"error: {option}:"), (bad_args, lines)


def _assert_marks_placed_from_the_rover(found, blobs, rover_px, resolution_m) -> None:
    """Each pasted mark (row, col) has a detection whose east_of_rover_m/north_of_rover_m
    is the mark's pixel offset from the rover's (north up) times the scale, within 2 px."""
    for r, c, _ in blobs:
        east, north = (c - rover_px[1]) * resolution_m, -(r - rover_px[0]) * resolution_m
        gap_px = min(
            np.hypot(d["east_of_rover_m"] - east, d["north_of_rover_m"] - north) / resolution_m
            for d in found
        )
        assert gap_px <= 2.0, (r, c, gap_px)


def _crater_pair(tmp_path):
    """A paraboloid crater (R 15 m, 40 deg rim slope) in rendered ground, no mark, seen
    under the issue's two suns (40 deg at 250 deg, then 60 deg at 220 deg) and written as
    float TIFFs: the two paths, the two images and the two passes."""
    from skimage import io

    from skycrane.imaging import OrbitalPass
    from skycrane.imaging.photometry import observe, radiance_factor
    from skycrane.imaging.surface import make_surface

    res = 0.25
    rows, cols = np.mgrid[:512, :512].astype(np.float64)
    r_m = np.hypot(rows - 255.5, cols - 255.5) * res
    depth_m = np.tan(np.radians(40.0)) * 15.0 / 2.0
    bowl = np.where(r_m < 15.0, depth_m * ((r_m / 15.0) ** 2 - 1.0), 0.0)
    rng = np.random.default_rng(0)
    ground = make_surface(rng, (512, 512), res, base_height_m=bowl.astype(np.float32))
    suns = (OrbitalPass(40.0, 250.0), OrbitalPass(60.0, 220.0, gain=0.9, shift_px=(0.5, -0.5)))
    paths = [tmp_path / f"{name}.tif" for name in ("before", "after")]
    images = []
    for path, sun in zip(paths, suns, strict=True):
        images.append(observe(radiance_factor(ground.albedo, ground.height_m, res, sun), rng, sun))
        io.imsave(path, images[-1].astype(np.float32), check_contrast=False)
    return paths, images, suns


def test_detect_drops_a_crater_wall_when_given_the_two_suns(tmp_path) -> None:
    """Known truth (no mark) and bad input: a paraboloid crater (R 15 m, 40 deg rim slope) in
    rendered ground under the issue's two suns (40 deg at 250 deg, then 60 deg at 220 deg),
    written as float TIFFs. Without the suns its wall is reported as a darkened region
    (docs/imaging.md, session 19, det12); with --sun-incidence-deg and --sun-azimuth-deg,
    as a product's label gives them, nothing is; nor when the pair is written by
    `write_pair` with a georeference, whose .geo.json sidecars carry each pass's sun. One
    sun option without the other, or an incidence beyond 85 deg, gives one error line
    naming the option, exit status 2, as does a sidecar's sun below the horizon."""
    from skycrane.imaging.render import RenderedPair

    res = 0.25
    paths, images, suns = _crater_pair(tmp_path)
    args = ["detect", *map(str, paths), "--resolution-m", "0.25", "--json"]
    plain = RUNNER.invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["detections"], "the wall is reported without the suns"
    sun_args = ["--sun-incidence-deg", "40", "60", "--sun-azimuth-deg", "250", "220"]
    known = RUNNER.invoke(app, [*args, *sun_args])
    assert known.exit_code == 0, known.output
    assert json.loads(known.stdout)["detections"] == []
    labels = np.zeros((512, 512), dtype=np.int32)
    labelled = RenderedPair(*images, res, [], labels, *suns)
    files = write_pair(tmp_path / "labelled", labelled, georef=GeoReference("mars", 18.44, 77.45))
    sidecar = RUNNER.invoke(app, ["detect", str(files["before"]), str(files["after"]), "--json"])
    assert sidecar.exit_code == 0, sidecar.output
    assert json.loads(sidecar.stdout)["detections"] == []
    doc = json.loads(files["after_geo"].read_text())
    files["after_geo"].write_text(json.dumps({**doc, "sun_incidence_deg": 95.0}))
    bad = RUNNER.invoke(app, ["detect", str(files["before"]), str(files["after"])])
    assert bad.exit_code == 2, bad.output
    lines = [ln for ln in bad.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "sun_incidence_deg" in lines[0], lines
    for extra, option in (
        (sun_args[:3], "--sun-azimuth-deg"),
        (sun_args[3:], "--sun-incidence-deg"),
        (["--sun-incidence-deg", "40", "95", *sun_args[3:]], "--sun-incidence-deg"),
    ):
        bad = RUNNER.invoke(app, [*args, *extra])
        assert bad.exit_code == 2, (extra, bad.output)
        lines = [ln for ln in bad.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"error: {option}:"), (extra, lines)


def _hirise_label(incidence_deg, sub_solar_azimuth_deg, north_azimuth_deg=None) -> str:
    """A detached PDS3 label with the keywords of a HiRISE RDR's (JPL D-32006): its map
    projection and its viewing geometry, in the label's own units."""
    north = "" if north_azimuth_deg is None else f"  NORTH_AZIMUTH = {north_azimuth_deg} <DEG>\n"
    return (
        "PDS_VERSION_ID = PDS3\nNOT_APPLICABLE_CONSTANT = -9998\n"
        'INSTRUMENT_ID = "HIRISE"\n'
        "OBJECT = IMAGE_MAP_PROJECTION\n"
        '  MAP_PROJECTION_TYPE = "EQUIRECTANGULAR"\n'
        "  MAP_SCALE = 0.25 <METERS/PIXEL>\n"
        "END_OBJECT = IMAGE_MAP_PROJECTION\n"
        "GROUP = VIEWING_PARAMETERS\n"
        f"  INCIDENCE_ANGLE = {incidence_deg} <DEG>\n"
        "  EMISSION_ANGLE = 1.5 <DEG>\n"
        f"  SUB_SOLAR_AZIMUTH = {sub_solar_azimuth_deg} <DEG>\n"
        f"{north}"
        "END_GROUP = VIEWING_PARAMETERS\nEND\n"
    )


def test_detect_reads_the_suns_from_the_products_pds3_labels(tmp_path) -> None:
    """Known truth (no mark) and bad input: the crater pair of the test above, each image
    with a detached PDS3 label as HiRISE distributes its RDRs. The labels give the sun as
    image azimuths clockwise from 3 o'clock (ISIS ``Camera::ComputeAzimuth``): on a north-up
    product (NORTH_AZIMUTH 270) the compass azimuths 250 and 220 deg are SUB_SOLAR_AZIMUTH
    160 and 130. Without labels the wall is reported; read so, it is dropped as with the
    --sun options (and without NORTH_AZIMUTH, the equirectangular projection taken as
    north-up). An incidence of 95 deg in a label, or a label that does not parse, is one
    error line naming the label, exit status 2."""
    paths, _, _ = _crater_pair(tmp_path)
    args = ["detect", *map(str, paths), "--resolution-m", "0.25", "--json"]
    plain = RUNNER.invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["detections"], "the wall is reported without the suns"
    labels = [path.with_suffix(".LBL") for path in paths]
    for north in (270.0, None):
        for label, (i, a) in zip(labels, ((40.0, 160.0), (60.0, 130.0)), strict=True):
            label.write_text(_hirise_label(i, a, north))
        found = RUNNER.invoke(app, args)
        assert found.exit_code == 0, found.output
        assert json.loads(found.stdout)["detections"] == [], north
        assert json.loads(found.stdout)["suns"] == [
            {"incidence_deg": 40.0, "azimuth_deg": 250.0},
            {"incidence_deg": 60.0, "azimuth_deg": 220.0},
        ]
    for text, key in ((_hirise_label(95.0, 130.0, 270.0), "INCIDENCE_ANGLE"), ("= = (", "")):
        labels[1].write_text(text)
        bad = RUNNER.invoke(app, args)
        assert bad.exit_code == 2, bad.output
        lines = [ln for ln in bad.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "after.LBL" in lines[0] and key in lines[0], lines
