"""Orbital before/after images of a landing site.

The ground (:mod:`skycrane.imaging.surface`: the site's terrain model plus fine
relief, small craters, rocks, ripples and albedo variation) is seen twice by a
HiRISE-class camera (:mod:`skycrane.imaging.photometry`).  Each pass has its own
sun (incidence and azimuth, so shading and cast shadows move between passes),
pointing error, radiometric gain and offset, PSF, shot noise and 14-bit
quantisation.  Between the passes the landing darkens the ground: the after
pass sees the albedo times each mark's transmission (soft-edged, see
:func:`skycrane.imaging.marks.rasterise`).  Images are float32 in ``[0, 1]``
(DN over the converter's full scale).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from skimage import io

from skycrane.imaging.georef import GeoReference, write_sidecar
from skycrane.imaging.marks import Mark, rasterise
from skycrane.imaging.photometry import (
    Instrument,
    OrbitalPass,
    browse,
    facet_slopes,
    observe,
    radiance_factor,
)
from skycrane.imaging.surface import SurfaceParams, make_surface

HIRISE_RESOLUTION_M = 0.25


@dataclass(frozen=True, slots=True)
class RenderedPair:
    """A rendered before/after pair and its truth."""

    before: np.ndarray
    after: np.ndarray
    resolution_m: float
    marks: list[Mark]
    truth_labels: np.ndarray
    before_pass: OrbitalPass
    after_pass: OrbitalPass


def render_pair(
    rng: np.random.Generator,
    marks: list[Mark],
    shape: tuple[int, int] = (1024, 1024),
    resolution_m: float = HIRISE_RESOLUTION_M,
    before: OrbitalPass = OrbitalPass(),
    after: OrbitalPass = OrbitalPass(),
    origin_m: tuple[float, float] = (0.0, 0.0),
    surface: SurfaceParams = SurfaceParams(),
    instrument: Instrument = Instrument(),
    base_height_m: np.ndarray | None = None,
    progress: Callable[[str], None] | None = None,
) -> RenderedPair:
    """Render a before image and an after image carrying every mark.

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeded generator; the only source of randomness.
    marks : list of Mark
        Truth marks, metres east/north of ``origin_m``.
    shape : tuple of int
        ``(rows, cols)``.
    resolution_m : float
        Metres per pixel.
    before, after : OrbitalPass
        Sun, pointing error and radiometry of each pass.
    origin_m : tuple of float
        Position of the image centre in the marks' frame.
    surface : SurfaceParams
        Statistics and appearance of the ground.
    instrument : Instrument
        The camera.
    base_height_m : ndarray, optional
        The site's terrain model on the image grid
        (:func:`skycrane.imaging.surface.dem_heights`).
    progress : callable, optional
        Called with the name of each stage as it starts (``"ground (1/4)"``, ...).

    Returns
    -------
    RenderedPair
        Images, the truth marks and the truth label mask (in the ground frame).
    """
    report = progress or (lambda _stage: None)
    report("ground (1/4)")
    ground = make_surface(rng, shape, resolution_m, surface, base_height_m)
    report("marks (2/4)")
    transmission, labels, _ = rasterise(marks, shape, resolution_m, origin_m=origin_m)
    slopes = facet_slopes(ground.height_m, resolution_m)
    images = []
    for stage, sun, albedo in (
        ("before pass (3/4)", before, ground.albedo),
        ("after pass (4/4)", after, ground.albedo * transmission),
    ):
        report(stage)
        radiance = radiance_factor(albedo, ground.height_m, resolution_m, sun, slopes=slopes)
        images.append(observe(radiance, rng, sun, instrument))
    return RenderedPair(
        before=images[0],
        after=images[1],
        resolution_m=resolution_m,
        marks=list(marks),
        truth_labels=labels,
        before_pass=before,
        after_pass=after,
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
    """Write ``before.png``/``after.png`` with world files, 8-bit browse images and ``truth.json``.

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
        ``.geo.json`` sidecar (:func:`skycrane.imaging.georef.write_sidecar`, with its
        pass's sun) and every truth mark the ``latitude_deg``/``longitude_deg`` of its
        centroid.

    Returns
    -------
    dict
        ``before``, ``before_world``, ``before_browse``, ``after``, ``after_world``,
        ``after_browse``, ``truth`` and, with ``georef``, ``before_geo``, ``after_geo``:
        the files written.  The browse images are 8-bit, at most 2048 px a side
        (:func:`skycrane.imaging.photometry.browse`).
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for name in ("before", "after"):
        image = getattr(pair, name)
        files[name], files[name + "_world"] = write_georeferenced(
            out / name, image, pair.resolution_m, origin_m
        )
        files[name + "_browse"] = out / f"{name}_browse.png"
        io.imsave(files[name + "_browse"], browse(image), check_contrast=False)
        if georef is not None:
            sun = getattr(pair, name + "_pass")
            files[name + "_geo"] = write_sidecar(
                files[name],
                georef,
                image.shape,
                pair.resolution_m,
                origin_m,
                (sun.sun_incidence_deg, sun.sun_azimuth_deg),
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
