"""Orbital before/after images of a landing site.

The *before* image is a seeded procedural terrain of bright reddish dust: a
mean albedo with gaussian-filtered noise at three scales (regional tone,
dune-scale texture and small-scale albedo variation) and a gently shaded relief.
The *after* image multiplies it by each mark's transmission (soft-edged, see
:func:`skycrane.imaging.marks.rasterise`), then optionally applies what a
second orbital pass brings: a linear illumination change (gain and offset) and
a sub-pixel mis-registration (:func:`scipy.ndimage.shift`).  Each image gets its
own sensor noise.  Images are float32 reflectance-like values in ``[0, 1]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage
from skimage import io

from skycrane.imaging.georef import GeoReference, write_sidecar
from skycrane.imaging.marks import Mark, rasterise

HIRISE_RESOLUTION_M = 0.25


@dataclass(frozen=True, slots=True)
class TerrainParams:
    """Tunable appearance of the procedural terrain."""

    mean_albedo: float = 0.5
    regional_amplitude: float = 0.06
    regional_sigma_m: float = 40.0
    texture_amplitude: float = 0.04
    texture_sigma_m: float = 2.0
    speckle_amplitude: float = 0.025
    speckle_sigma_m: float = 0.3
    relief_amplitude: float = 0.05
    relief_sigma_m: float = 6.0
    sensor_noise: float = 0.004


@dataclass(frozen=True, slots=True)
class RenderedPair:
    """A rendered before/after pair and its truth."""

    before: np.ndarray
    after: np.ndarray
    resolution_m: float
    marks: list[Mark]
    truth_labels: np.ndarray
    shift_px: tuple[float, float]
    gain: float
    offset: float


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma_px: float) -> np.ndarray:
    """Unit-variance gaussian-filtered white noise (coarse grid + zoom for long correlations)."""
    factor = int(sigma_px // 3)
    if factor >= 2:
        coarse_shape = tuple(-(-n // factor) + 4 for n in shape)
        coarse = ndimage.gaussian_filter(
            rng.standard_normal(coarse_shape, dtype=np.float32), sigma_px / factor
        )
        field = ndimage.zoom(coarse, factor, order=1)[: shape[0], : shape[1]]
    else:
        field = ndimage.gaussian_filter(rng.standard_normal(shape, dtype=np.float32), sigma_px)
    std = float(field.std())
    return field / std if std > 0 else field


def render_before(
    rng: np.random.Generator,
    shape: tuple[int, int],
    resolution_m: float = HIRISE_RESOLUTION_M,
    params: TerrainParams = TerrainParams(),
) -> np.ndarray:
    """Noise-free procedural terrain (reflectance in ``[0, 1]``, float32).

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeded generator.
    shape : tuple of int
        ``(rows, cols)``.
    resolution_m : float
        Metres per pixel; the terrain scales are given in metres.
    params : TerrainParams
        Amplitudes and correlation lengths.
    """
    p = params
    img = np.full(shape, p.mean_albedo, dtype=np.float32)
    img *= 1.0 + p.regional_amplitude * _noise(rng, shape, p.regional_sigma_m / resolution_m)
    img *= 1.0 + p.texture_amplitude * _noise(rng, shape, p.texture_sigma_m / resolution_m)
    img *= 1.0 + p.speckle_amplitude * _noise(
        rng, shape, max(p.speckle_sigma_m / resolution_m, 0.5)
    )
    height = _noise(rng, shape, p.relief_sigma_m / resolution_m)
    slope_east = ndimage.sobel(height, axis=1) / 8.0 * (p.relief_sigma_m / resolution_m)
    img *= 1.0 + p.relief_amplitude * slope_east  # sun from the west
    return np.clip(img, 0.0, 1.0)


def render_pair(
    rng: np.random.Generator,
    marks: list[Mark],
    shape: tuple[int, int] = (1024, 1024),
    resolution_m: float = HIRISE_RESOLUTION_M,
    shift_px: tuple[float, float] = (0.0, 0.0),
    gain: float = 1.0,
    offset: float = 0.0,
    origin_m: tuple[float, float] = (0.0, 0.0),
    params: TerrainParams = TerrainParams(),
) -> RenderedPair:
    """Render a before image and an after image carrying every mark.

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeded generator.
    marks : list of Mark
        Truth marks, metres east/north of ``origin_m``.
    shape : tuple of int
        ``(rows, cols)``.
    resolution_m : float
        Metres per pixel.
    shift_px : tuple of float
        ``(rows, cols)`` mis-registration of the after image (the second pass).
    gain, offset : float
        Illumination change of the after image: ``after = gain * scene + offset``.
    origin_m : tuple of float
        Position of the image centre in the marks' frame.
    params : TerrainParams
        Terrain appearance.

    Returns
    -------
    RenderedPair
        Images, the truth marks and the truth label mask (in the before frame).
    """
    scene = render_before(rng, shape, resolution_m, params)
    transmission, labels, _ = rasterise(marks, shape, resolution_m, origin_m=origin_m)
    changed = scene * transmission
    if shift_px != (0.0, 0.0):
        changed = ndimage.shift(changed, shift_px, order=3, mode="reflect")
    changed = gain * changed + offset
    noise = params.sensor_noise
    before = scene + noise * rng.standard_normal(shape, dtype=np.float32)
    after = changed + noise * rng.standard_normal(shape, dtype=np.float32)
    return RenderedPair(
        before=np.clip(before, 0.0, 1.0).astype(np.float32),
        after=np.clip(after, 0.0, 1.0).astype(np.float32),
        resolution_m=resolution_m,
        marks=list(marks),
        truth_labels=labels,
        shift_px=tuple(float(s) for s in shift_px),
        gain=gain,
        offset=offset,
    )


def world_file_lines(
    shape: tuple[int, int], resolution_m: float, origin_m: tuple[float, float] = (0.0, 0.0)
) -> list[str]:
    """The six lines of an ESRI world file (A, D, B, E, C, F) for a north-up image.

    C, F are the map coordinates of the *centre* of the upper-left pixel, in metres
    east/north, with the image centre at ``origin_m``.
    """
    rows, cols = shape
    c = origin_m[0] - (cols - 1) / 2.0 * resolution_m
    f = origin_m[1] + (rows - 1) / 2.0 * resolution_m
    return [f"{v:.10g}" for v in (resolution_m, 0.0, 0.0, -resolution_m, c, f)]


def write_georeferenced(
    path: str | Path,
    image: np.ndarray,
    resolution_m: float,
    origin_m: tuple[float, float] = (0.0, 0.0),
) -> tuple[Path, Path]:
    """Write ``image`` (values in ``[0, 1]``) as a 16-bit PNG plus a ``.pgw`` world file.

    Returns
    -------
    png, pgw : Path
        The two files written.
    """
    png = Path(path).with_suffix(".png")
    data = np.round(np.clip(image, 0.0, 1.0) * 65535.0).astype(np.uint16)
    io.imsave(png, data, check_contrast=False)
    pgw = png.with_suffix(".pgw")
    pgw.write_text("\n".join(world_file_lines(image.shape, resolution_m, origin_m)) + "\n")
    return png, pgw


def write_pair(
    directory: str | Path,
    pair: RenderedPair,
    origin_m: tuple[float, float] = (0.0, 0.0),
    georef: GeoReference | None = None,
) -> dict[str, Path]:
    """Write ``before.png``/``after.png`` with world files and ``truth.json``.

    Parameters
    ----------
    directory : str or Path
        Created if missing.
    pair : RenderedPair
        Images and truth marks.
    origin_m : tuple of float
        Position of the image centre in the marks' (and the world files') frame.
    georef : GeoReference, optional
        Where the origin of the marks' frame lies on the planet (the tangent point
        of :mod:`skycrane.imaging.georef`).  When given, each image also gets a
        ``.geo.json`` sidecar (:func:`skycrane.imaging.georef.write_sidecar`) and
        every truth mark the ``latitude_deg``/``longitude_deg`` of its centroid.

    Returns
    -------
    dict
        ``before``, ``before_world``, ``after``, ``after_world``, ``truth`` and, with
        ``georef``, ``before_geo``, ``after_geo``: the files written.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for name in ("before", "after"):
        image = getattr(pair, name)
        files[name], files[name + "_world"] = write_georeferenced(
            out / name, image, pair.resolution_m, origin_m
        )
        if georef is not None:
            files[name + "_geo"] = write_sidecar(
                files[name], georef, image.shape, pair.resolution_m, origin_m
            )
    truth = [m.to_dict() for m in pair.marks]
    if georef is not None and truth:
        lat, lon = georef.latlon_deg(
            [t["centroid_x_m"] for t in truth], [t["centroid_y_m"] for t in truth]
        )
        for t, la, lo in zip(truth, np.atleast_1d(lat), np.atleast_1d(lon), strict=True):
            t["latitude_deg"], t["longitude_deg"] = float(la), float(lo)
    files["truth"] = out / "truth.json"
    files["truth"].write_text(json.dumps(truth, indent=1))
    return files
