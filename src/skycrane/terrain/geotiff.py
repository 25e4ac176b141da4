"""A site's digital terrain model from a GeoTIFF, resampled onto the target's local grid.

The file may be in any coordinate reference system it declares: a
planetocentric longitude/latitude one (equirectangular in degrees, as many Mars
DTMs are distributed, e.g. ``+proj=longlat +R=3396190``), or a projected one
(an equirectangular ``+proj=eqc`` or polar stereographic projection in metres,
an IAU_2015 code). Each node of the local grid is placed on the planet
(:class:`skycrane.terrain.grid.SiteFrame`), its latitude and longitude are
transformed into the file's CRS with pyproj (from the CRS's own geographic
CRS, so the same celestial body), and the height there is the bilinear
interpolant of the file's pixel centres.

Memory stays bounded whatever the file's size: only the window of pixels
around the grid is read, and when the file's pixels are finer than half the
grid spacing they are averaged down on reading (GDAL's ``average``
resampling), so the array read has about as many pixels as the grid has nodes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from skycrane.errors import InputError
from skycrane.terrain.grid import LocalTerrain, SiteFrame, node_coordinates

log = logging.getLogger(__name__)

KEY = "site.terrain_file"


def _open(path: Path):
    import rasterio
    from rasterio.errors import RasterioIOError

    if not path.is_file():
        raise InputError(KEY, str(path), "an existing GeoTIFF file")
    try:
        return rasterio.open(path)
    except RasterioIOError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise InputError(
            KEY, str(path), f"a raster file (GeoTIFF) GDAL can read ({reason})"
        ) from None


def _to_file_crs(src, lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude [deg] to the file's CRS coordinates (x, y)."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_wkt(src.crs.to_wkt())
    except CRSError as exc:
        raise InputError(KEY, str(src.name), f"a raster with a usable CRS ({exc})") from None
    geographic = crs.geodetic_crs
    if geographic is None:
        raise InputError(KEY, str(src.name), "a raster whose CRS has a geographic datum")
    to_file = Transformer.from_crs(geographic, crs, always_xy=True)
    x, y = to_file.transform(lon_deg, lat_deg)
    x = np.asarray(x, float)
    if crs.is_geographic:  # longitudes in the file's own range: -180..180 or 0..360
        left, _, right, _ = src.bounds
        mid = 0.5 * (left + right)
        x = (x - mid + 180.0) % 360.0 - 180.0 + mid
    return x, np.asarray(y, float)


def _window_and_factor(src, col: np.ndarray, row: np.ndarray, spacing_px: float):
    """Pixel window covering the nodes (1 pixel margin), and the read decimation factor."""
    from rasterio.windows import Window

    ok = np.isfinite(col) & np.isfinite(row)
    c0 = int(max(np.floor(np.min(col[ok])) - 1, 0))
    r0 = int(max(np.floor(np.min(row[ok])) - 1, 0))
    c1 = int(min(np.ceil(np.max(col[ok])) + 2, src.width))
    r1 = int(min(np.ceil(np.max(row[ok])) + 2, src.height))
    factor = max(1, int(np.floor(spacing_px / 2.0)))
    return Window(c0, r0, max(c1 - c0, 1), max(r1 - r0, 1)), factor


def read_site_terrain(
    path: Path, frame: SiteFrame, half_width_m: float, spacing_m: float
) -> LocalTerrain:
    """The relief of the GeoTIFF at ``path`` on the local grid of ``frame`` (see module doc).

    Raises
    ------
    InputError
        At ``site.terrain_file``: no such file, not a raster, no CRS, a CRS
        that cannot be used, or a model that does not cover the target.
    """
    from rasterio.enums import Resampling
    from scipy.ndimage import map_coordinates

    with _open(path) as src:
        if src.crs is None:
            raise InputError(
                KEY, str(path), "a raster that declares its coordinate reference system (CRS)"
            )
        axis = node_coordinates(half_width_m, spacing_m)
        east, north = np.meshgrid(axis, axis)
        lat, lon = frame.lat_lon_deg(np.append(east.ravel(), 0.0), np.append(north.ravel(), 0.0))
        x, y = _to_file_crs(src, lat, lon)
        inverse = ~src.transform
        col, row = inverse @ (x, y)
        col = np.asarray(col) - 0.5  # pixel-centre indices
        row = np.asarray(row) - 0.5
        tc, tr = col[-1], row[-1]
        if not (0.0 <= tc <= src.width - 1 and 0.0 <= tr <= src.height - 1):
            b = src.bounds
            raise InputError(
                KEY,
                str(path),
                f"a terrain model covering the target ({frame.latitude_deg:.4f}, "
                f"{frame.longitude_deg:.4f} deg): the file spans x {b.left:.6g}..{b.right:.6g}, "
                f"y {b.bottom:.6g}..{b.top:.6g} in its CRS, the target is at "
                f"({x[-1]:.6g}, {y[-1]:.6g})",
            )
        pixel_m = _pixel_size_m(col, row, spacing_m, axis.size)
        window, factor = _window_and_factor(src, col, row, spacing_m / pixel_m)
        out_shape = (max(window.height // factor, 2), max(window.width // factor, 2))
        band = src.read(
            1, window=window, out_shape=out_shape, resampling=Resampling.average, masked=True
        )
        heights = np.ma.filled(band.astype(np.float64), np.nan)
        sy = window.height / out_shape[0]
        sx = window.width / out_shape[1]
        # pixel-centre index (col, row) in the window's decimated array
        cc = (col + 0.5 - window.col_off) / sx - 0.5
        rr = (row + 0.5 - window.row_off) / sy - 0.5
        z = map_coordinates(heights, [rr, cc], order=1, mode="constant", cval=np.nan)
        z_target = z[-1]
        if not np.isfinite(z_target):
            raise InputError(KEY, str(path), "a terrain model with a valid height at the target")
        relief = (z[:-1] - z_target).reshape(east.shape)
        covered = np.isfinite(relief)
        log.info(
            "terrain %s: %dx%d px read (x%d), %.0f %% of the %d-node grid covered",
            path,
            *out_shape,
            factor,
            100.0 * covered.mean(),
            relief.size,
        )
        relief[~covered] = 0.0  # the target's altitude where the model has no data
    source = f"{path.name} (height {z_target:.1f} m at the target, in the file's datum)"
    return frame.terrain(relief, (float(axis[0]), float(axis[0])), spacing_m, source)


def _pixel_size_m(col: np.ndarray, row: np.ndarray, spacing_m: float, n_axis: int) -> float:
    """File pixel size [m] near the target, from the node spacing in pixel units."""
    c = col[:-1].reshape(n_axis, n_axis)
    r = row[:-1].reshape(n_axis, n_axis)
    mid = n_axis // 2
    step_px = np.hypot(c[mid, mid + 1] - c[mid, mid], r[mid, mid + 1] - r[mid, mid])
    if not np.isfinite(step_px) or step_px <= 0.0:
        return spacing_m
    return spacing_m / step_px
