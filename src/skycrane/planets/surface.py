"""Land or sea under a point on Earth: the GLOBE 30-arc-second land mask.

The mask is that of the ``global-land-mask`` package (Karin, 2020; PyPI 1.0.0),
which ships it inside its wheel (nothing is downloaded): NOAA NGDC's GLOBE
(Global Land One-km Base Elevation) digital elevation model, 30 arc-seconds
(1/120 deg, ~0.9 km at the equator) on a 21,600 x 43,200 latitude-longitude
grid, a cell being ocean where GLOBE holds its no-data value over the sea
(-500) and land where it gives an elevation (Hastings & Dunbar 1999, GLOBE
documentation, NOAA NGDC Key to Geophysical Records Documentation 34). Latitudes are geodetic
(WGS-84), as the Earth's in skycrane.planets.geodesy. Lakes and inland seas
count as land where GLOBE gives their surface an elevation (the Caspian is
land), and a point within a cell of a coastline takes that cell's kind.

The package's own ``globe`` module inflates the whole grid at import (0.93 GB
of booleans, ~15 s); :func:`surface_kind` instead streams the compressed
grid and keeps only the rows of the points asked about, in the grid's own
indexing (the package's ``lat_to_index`` and ``lon_to_index``: truncation from
the grid's first row and column). Streaming inflates the archive up to the last
row asked for (2-3 s), so the rows read are kept per process (up to
:data:`MAX_CACHED_ROWS`, least recently used dropped first): the next reduction
or Monte Carlo chunk over the same landing area reads nothing.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

LAND = "land"
OCEAN = "ocean"
SEA_PLANETS = ("earth", "earth_round")
"""The planets that have a sea (Mars has none: no surface kind is reported there)."""
_MASK_FILE = "globe_combined_mask_compressed.npz"
MAX_CACHED_ROWS = 1024
"""Mask rows kept per process: 43,200 bytes each, 44 MB at most (8.5 deg of latitude)."""
_ROW_CACHE: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
_ROW_CACHE_LOCK = threading.Lock()


def _mask_path() -> Path:
    """The mask file inside the installed ``global-land-mask`` package."""
    spec = importlib.util.find_spec("global_land_mask")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "global-land-mask is not installed (a dependency of skycrane: pip install -e .)"
        )
    return Path(spec.origin).parent / _MASK_FILE


def has_sea(planet_name: str) -> bool:
    """Whether a body at rest on ``planet_name`` can be in the sea (Earth, round or not)."""
    return planet_name in SEA_PLANETS


def _rows_of_mask(path: Path, rows: np.ndarray) -> dict[int, np.ndarray]:
    """Rows ``rows`` (sorted, unique) of the ocean mask (True: ocean), streamed from the archive."""
    out = {}
    with zipfile.ZipFile(path) as archive, archive.open("mask.npy") as stream:
        version = np.lib.format.read_magic(stream)
        if version != (1, 0):
            raise ValueError(f"{path}: mask.npy format {version}, expected (1, 0)")
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        if fortran or dtype != np.dtype(bool) or len(shape) != 2:
            raise ValueError(f"{path}: mask.npy is {dtype} {shape}, expected a C-order bool grid")
        width = shape[1]
        start = stream.tell()
        for row in rows:
            stream.seek(start + int(row) * width)
            out[int(row)] = np.frombuffer(stream.read(width), dtype=bool)
    return out


@functools.lru_cache(maxsize=4)
def _mask_axes(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The grid's latitude and longitude axes [deg] (read once per process and file)."""
    with np.load(path) as grid:
        return np.array(grid["lat"]), np.array(grid["lon"])


def _cached_rows(path: Path, rows: np.ndarray) -> dict[int, np.ndarray]:
    """Rows ``rows`` (sorted, unique) of the ocean mask: those not yet kept are streamed
    from the archive in one pass (:func:`_rows_of_mask`) and kept."""
    with _ROW_CACHE_LOCK:
        key = str(path)
        missing = np.array([r for r in rows if (key, int(r)) not in _ROW_CACHE], dtype=np.int64)
        if missing.size:
            for row, values in _rows_of_mask(path, missing).items():
                _ROW_CACHE[(key, row)] = values
        out = {}
        for row in rows:
            _ROW_CACHE.move_to_end((key, int(row)))
            out[int(row)] = _ROW_CACHE[(key, int(row))]
        while len(_ROW_CACHE) > MAX_CACHED_ROWS:
            _ROW_CACHE.popitem(last=False)
    return out


def surface_kind(lat_deg, lon_deg) -> np.ndarray:
    """``"land"`` or ``"ocean"`` under each geodetic (``lat_deg``, ``lon_deg``) on Earth.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geodetic latitude in [-90, 90] and east longitude in degrees (any
        turn: wrapped to [-180, 180)); broadcast together.

    Returns
    -------
    numpy.ndarray of object
        :data:`LAND` or :data:`OCEAN` per point, ``None`` where a coordinate
        is not finite (a body that did not come to rest).
    """
    lat, lon = np.broadcast_arrays(np.asarray(lat_deg, float), np.asarray(lon_deg, float))
    kind = np.full(lat.shape, None, dtype=object)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return kind
    if np.any(np.abs(lat[ok]) > 90.0):
        raise ValueError(f"latitude {lat[ok][np.abs(lat[ok]) > 90.0][0]} deg: expected [-90, 90]")
    path = _mask_path()
    lat_axis, lon_axis = _mask_axes(path)
    wrapped = (lon[ok] + 180.0) % 360.0 - 180.0
    i = (np.clip(lat[ok], lat_axis.min(), lat_axis.max()) - lat_axis[0]) / (
        lat_axis[1] - lat_axis[0]
    )
    j = (np.clip(wrapped, lon_axis.min(), lon_axis.max()) - lon_axis[0]) / (
        lon_axis[1] - lon_axis[0]
    )
    i = i.astype(np.int64)
    j = j.astype(np.int64)
    rows = _cached_rows(path, np.unique(i))
    ocean = np.array([rows[int(a)][b] for a, b in zip(i, j, strict=True)], dtype=bool)
    kind[ok] = np.where(ocean, OCEAN, LAND)
    return kind
