"""Real georeferenced products (GeoTIFF, GeoJP2): their grids, and a pair put on one.

A map-projected product declares its coordinate reference system and the affine
transform from pixels to it; a HiRISE RDR declares an equirectangular Mars projection
in metres.  Two products of one site are each projected on their own grid: the same CRS
but another origin and footprint, and sometimes another scale.  :func:`raster_geo`
reads what a file declares; :func:`read_georeferenced_pair` cuts the *before* product
to a window (all of it, or a square of ``extent_m`` around a point) and resamples the
*after* product onto that window's grid with GDAL's warper
(:func:`rasterio.warp.reproject`, bilinear), leaving NaN where it has no data, which
:mod:`skycrane.imaging.nodata` then treats as outside the footprint.  Integer pixels
are divided by their type's largest value (:func:`skycrane.imaging.detect.full_scale`),
as :func:`skycrane.imaging.detect.load_image` does.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skycrane.errors import InputError
from skycrane.imaging.detect import MAX_IMAGE_PIXELS, full_scale, load_pair
from skycrane.imaging.georef import (
    Sidecar,
    read_sidecar,
    sidecar_path,
    world_file_resolution_m,
)
from skycrane.imaging.labels import label_sun_deg
from skycrane.imaging.photometry import OrbitalPass
from skycrane.imaging.render import HIRISE_RESOLUTION_M

MIN_WINDOW_PX = 16
"""Smallest window side [px] the detector takes (its smallest image)."""


@dataclass(frozen=True, slots=True)
class RasterGeo:
    """What a georeferenced file (or a window of it) declares."""

    crs_wkt: str
    transform: tuple[float, float, float, float, float, float]
    """GDAL's affine ``(a, b, c, d, e, f)``: x = a col + b row + c, y = d col + e row + f,
    pixel corners at integers."""
    resolution_m: float | None
    """Pixel size [m] for square, north-up pixels in a projected CRS in metres; else None."""
    shape: tuple[int, int]
    """(rows, cols) of the file or window."""

    def to_xy(self, lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latitude/longitude [deg] to CRS coordinates, from the CRS's own geographic CRS
        (pyproj), so on the same body."""
        crs, geographic = self._crs()
        from pyproj import Transformer

        x, y = Transformer.from_crs(geographic, crs, always_xy=True).transform(lon_deg, lat_deg)
        return np.asarray(x, float), np.asarray(y, float)

    def to_latlon(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CRS coordinates to latitude/longitude [deg] (the inverse of :meth:`to_xy`)."""
        crs, geographic = self._crs()
        from pyproj import Transformer

        lon, lat = Transformer.from_crs(crs, geographic, always_xy=True).transform(x, y)
        return np.asarray(lat, float), np.asarray(lon, float)

    def pixel_of(self, x: float, y: float) -> tuple[float, float]:
        """(row, col) of CRS point (x, y), pixel centres at integers (the transform inverted)."""
        a, b, c, d, e, f = self.transform
        dx, dy = x - c, y - f
        det = a * e - b * d
        return (a * dy - d * dx) / det - 0.5, (e * dx - b * dy) / det - 0.5

    def xy_of(self, row: np.ndarray, col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CRS coordinates of the centres of pixels (row, col)."""
        a, b, c, d, e, f = self.transform
        row, col = np.asarray(row, float) + 0.5, np.asarray(col, float) + 0.5
        return a * col + b * row + c, d * col + e * row + f

    def _crs(self):
        from pyproj import CRS

        crs = CRS.from_wkt(self.crs_wkt)
        return crs, crs.geodetic_crs


def _resolution_m(crs, t) -> float | None:
    if not crs.is_projected or crs.linear_units_factor[1] != 1.0:
        return None
    north_up = t.b == 0.0 and t.d == 0.0 and t.a > 0.0 > t.e
    return float(t.a) if north_up and math.isclose(t.a, -t.e, rel_tol=1e-9) else None


def _open(path: str | Path):
    """The file opened with rasterio, or None if GDAL cannot read it."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return rasterio.open(path)
    except RasterioIOError:
        return None


def raster_geo(path: str | Path) -> RasterGeo | None:
    """What a GeoTIFF or GeoJP2 declares, or None for a file with no CRS (a plain PNG,
    one with only a world file) or one whose CRS has no geographic datum."""
    src = _open(path)
    if src is None:
        return None
    with src:
        if src.crs is None:
            return None
        from pyproj import CRS

        if CRS.from_wkt(src.crs.to_wkt()).geodetic_crs is None:
            return None
        return RasterGeo(
            src.crs.to_wkt(),
            tuple(src.transform)[:6],
            _resolution_m(src.crs, src.transform),
            (src.height, src.width),
        )


@dataclass(frozen=True, slots=True)
class GeoPair:
    """A before/after pair on the before window's grid (float32, NaN where no data)."""

    before: np.ndarray
    after: np.ndarray
    geo: RasterGeo


def _window(src, geo: RasterGeo, centre_deg, extent_m):
    """The before product's window: all of it, or ``extent_m`` square around the point."""
    from rasterio.windows import Window

    if extent_m is None:
        return Window(0, 0, src.width, src.height)
    if centre_deg is None:
        row, col = (src.height - 1) / 2.0, (src.width - 1) / 2.0
    else:
        x, y = geo.to_xy(np.array([centre_deg[0]]), np.array([centre_deg[1]]))
        row, col = geo.pixel_of(float(x[0]), float(y[0]))
        if not (0.0 <= row < src.height and 0.0 <= col < src.width):
            raise InputError(
                "--rover", f"{centre_deg[0]:g},{centre_deg[1]:g}", "a point inside BEFORE"
            )
    half = 0.5 * extent_m / geo.resolution_m
    r0, c0 = max(0, round(row - half)), max(0, round(col - half))
    r1, c1 = min(src.height, round(row + half)), min(src.width, round(col + half))
    if min(r1 - r0, c1 - c0) < MIN_WINDOW_PX:
        raise InputError(
            "--extent-m", extent_m, f"a window of at least {MIN_WINDOW_PX} px inside BEFORE"
        )
    return Window(c0, r0, c1 - c0, r1 - r0)


def read_georeferenced_pair(
    before_path: str | Path,
    after_path: str | Path,
    centre_deg: tuple[float, float] | None = None,
    extent_m: float | None = None,
    geos: tuple[RasterGeo | None, RasterGeo | None] | None = None,
) -> GeoPair:
    """Both products on the before window's grid (see the module docstring).

    ``centre_deg`` (latitude, longitude) centres the ``extent_m`` window (default: the
    before product's centre); without ``extent_m`` the whole before product is read.
    ``geos``: the two files' :func:`raster_geo`, when the caller has read them already.

    Raises
    ------
    InputError
        When either file declares no usable projected CRS in metres with north-up square
        pixels, the window holds more than MAX_IMAGE_PIXELS or fewer than MIN_WINDOW_PX
        a side, or the point lies outside the before product.
    """
    import rasterio
    from rasterio.warp import Resampling, reproject
    from rasterio.windows import transform as window_transform

    expected = "a GeoTIFF/GeoJP2 declaring a projected CRS in metres, north up"
    geo_b, geo_a = geos if geos is not None else (raster_geo(before_path), raster_geo(after_path))
    for name, path, geo in (("before", before_path, geo_b), ("after", after_path, geo_a)):
        if geo is None or geo.resolution_m is None:
            raise InputError(name, str(path), expected)
    if extent_m is not None and not (math.isfinite(extent_m) and extent_m > 0.0):
        raise InputError("--extent-m", extent_m, "a positive size in metres")
    with _open(before_path) as src:
        window = _window(src, geo_b, centre_deg, extent_m)
        if window.width * window.height > MAX_IMAGE_PIXELS:
            raise InputError(
                "--extent-m",
                extent_m,
                f"a window of at most {MAX_IMAGE_PIXELS:,} pixels of BEFORE (give --extent-m)",
            )
        band = src.read(1, window=window, masked=True)
        before = band.data.astype(np.float32) / full_scale(src.dtypes[0])
        before[np.ma.getmaskarray(band)] = np.nan
        t = window_transform(window, src.transform)
        crs = src.crs
    geo = RasterGeo(geo_b.crs_wkt, tuple(t)[:6], geo_b.resolution_m, before.shape)
    after = np.full(before.shape, np.nan, dtype=np.float32)
    with rasterio.open(after_path) as src_a:
        reproject(
            source=rasterio.band(src_a, 1),
            destination=after,
            src_nodata=src_a.nodata,
            dst_transform=t,
            dst_crs=crs,
            dst_nodata=np.nan,
            resampling=Resampling.bilinear,
        )
        after /= full_scale(src_a.dtypes[0])
    return GeoPair(before, after, geo)


def _agreeing(requested_m: float | None, known_m: float, source: str) -> float:
    """``known_m``, the scale a file gives; a ``requested_m`` that contradicts it is an
    :class:`InputError` naming ``--resolution-m``."""
    if requested_m is not None and not math.isclose(known_m, requested_m, rel_tol=1e-9):
        raise InputError("--resolution-m", requested_m, f"the {known_m:g} m/pixel of {source}")
    return known_m


def image_resolution_m(
    image_path: str | Path,
    shape: tuple[int, int],
    requested_m: float | None,
    default_m: float,
    embedded: RasterGeo | None = None,
) -> tuple[float, Sidecar | None]:
    """The metres per pixel of an image and its ``.geo.json`` sidecar (or None).

    Taken from the sidecar, else from its world file (``.pgw``, ``.tfw``, ``.j2w``,
    ``.wld``), else from the georeferencing ``embedded`` in it (its :func:`raster_geo`),
    else ``requested_m``, else ``default_m``. A ``requested_m`` that contradicts the
    first of these found is an :class:`InputError` naming ``--resolution-m``.
    """
    geo = read_sidecar(image_path, shape)
    if geo is not None:
        known, source = geo.resolution_m, str(sidecar_path(image_path))
    else:
        known, source = world_file_resolution_m(image_path), "its world file"
    if known is None and embedded is not None:
        known, source = embedded.resolution_m, "its embedded georeferencing"
    if known is None:
        return (default_m if requested_m is None else requested_m), None
    return _agreeing(requested_m, known, source), geo


@dataclass(frozen=True, slots=True)
class Products:
    """A pair ready for :func:`skycrane.imaging.detect.detect` and what places it."""

    before: np.ndarray
    after: np.ndarray
    resolution_m: float
    sidecar: Sidecar | None
    """skycrane's ``.geo.json`` of the before image, if any."""
    raster: RasterGeo | None
    """Else the before product's (or window's) own georeferencing, if it declares any."""
    suns: tuple[OrbitalPass, OrbitalPass] | None = None
    """The two passes' suns, when both images carry one (:func:`pass_suns`)."""


def pass_suns(
    before_path: str | Path, after_path: str | Path, before_sidecar: Sidecar | None = None
) -> tuple[OrbitalPass, OrbitalPass] | None:
    """Both passes' suns: each image's from its skycrane ``.geo.json`` sidecar, else from
    its PDS3 label (a HiRISE RDR's ``.LBL``, :mod:`skycrane.imaging.labels`); None unless
    both images give one.  ``before_sidecar``: the before image's, when already read."""
    suns = []
    for path, sidecar in ((before_path, before_sidecar), (after_path, None)):
        sidecar = read_sidecar(path) if sidecar is None else sidecar
        sun_deg = sidecar.sun_deg if sidecar is not None else None
        sun_deg = label_sun_deg(path) if sun_deg is None else sun_deg
        if sun_deg is None:
            return None
        suns.append(OrbitalPass(*sun_deg))
    return suns[0], suns[1]


def load_products(
    before_path: str | Path,
    after_path: str | Path,
    requested_m: float | None,
    centre_deg: tuple[float, float] | None = None,
    extent_m: float | None = None,
) -> Products:
    """Read a before/after pair the way ``skycrane detect`` does.

    Two georeferenced products on different grids (or any pair given ``extent_m``) go
    through :func:`read_georeferenced_pair`; any other pair is read as co-located images
    (:func:`skycrane.imaging.detect.load_pair`) with its scale from
    :func:`image_resolution_m` (default 0.25 m, HiRISE's).

    Raises
    ------
    InputError
        As those do, and when ``requested_m`` contradicts the products' scale.
    """
    geo_b, geo_a = raster_geo(before_path), raster_geo(after_path)
    both = geo_b is not None and geo_a is not None
    other_grids = both and (
        geo_b.crs_wkt != geo_a.crs_wkt
        or geo_b.shape != geo_a.shape
        or not np.allclose(geo_b.transform, geo_a.transform, rtol=0.0, atol=1e-6)
    )
    if extent_m is not None or other_grids:
        pair = read_georeferenced_pair(
            before_path, after_path, centre_deg, extent_m, (geo_b, geo_a)
        )
        known = _agreeing(requested_m, pair.geo.resolution_m, str(before_path))
        suns = pass_suns(before_path, after_path)
        return Products(pair.before, pair.after, known, None, pair.geo, suns)
    before, after = load_pair(before_path, after_path)
    resolution_m, sidecar = image_resolution_m(
        before_path, before.shape, requested_m, HIRISE_RESOLUTION_M, geo_b
    )
    suns = pass_suns(before_path, after_path, sidecar)
    return Products(before, after, resolution_m, sidecar, None if sidecar else geo_b, suns)
