"""Change detection on a before/after orbital pair: where did the ground get darker?

Pipeline (:func:`detect`):

0. find the pixels that hold no data (:mod:`skycrane.imaging.nodata`: fill outside a
   map-projected footprint, non-finite pixels, the rows an after image 1-2 % smaller
   lacks): nothing is detected there nor within ``no_data_margin_px``; a pair of
   contrast-stretched products is put back on one scale counted from zero light
   (:mod:`skycrane.imaging.radiometry`), and a clipped ceiling read as a lower bound;
1. co-register the after image onto the before image with sub-pixel phase
   correlation (:func:`skimage.registration.phase_cross_correlation`,
   ``upsample_factor``) on a central crop, then :func:`scipy.ndimage.shift`;
2. predict the after image's log radiance from the before image's with a Wiener
   filter estimated from the pair (:func:`predict_after`): it carries the change of
   the sun's shading (incidence and azimuth), of gain and of residual shift; the
   filter is estimated a second time with the pixels the first prediction left
   changed in-painted (:func:`~skycrane.imaging.predict.refit_unchanged`), so that a
   large new mark does not bias it;
3. compute the fractional darkening ``1 - after / predicted`` with pixels in cast
   shadow in either pass set to no change (shadows move with the sun, non-linearly),
   after a light gaussian smoothing, estimate its noise with the MAD, and keep regions
   darker than ``max(k_high * noise, min_darkening)`` outside shadows, grown by
   hysteresis down to ``k_low`` through every pixel;
4. measure the regions (:func:`skimage.measure.regionprops`; a darkened one placed at
   its darkening-weighted centroid, :mod:`skycrane.imaging.peaks`) and classify them by
   size, shape, darkening and layout (:mod:`skycrane.imaging.classify`): main crash,
   secondaries, heat shield, backshell, balance masses, blast zone;
5. with a georeference, add each region's latitude and longitude
   (:mod:`skycrane.imaging.georef`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import scipy.fft
from scipy import ndimage
from skimage import color, io, measure, morphology, segmentation
from skimage.registration import phase_cross_correlation

from skycrane.errors import InputError
from skycrane.imaging.broadzone import with_broad_zones
from skycrane.imaging.classify import classify, classify_brightened
from skycrane.imaging.flatshadow import flat_ground_darkening, new_shadows
from skycrane.imaging.georef import GeoReference
from skycrane.imaging.marks import pixel_grid
from skycrane.imaging.nodata import (
    check_shapes,
    fill_smoothly,
    no_data_mask,
    on_grid,
    shifted_no_data,
)
from skycrane.imaging.noise import local_noise, matched_score, relief_contrast, relief_noise
from skycrane.imaging.params import DetectParams
from skycrane.imaging.peaks import darkening_centroid, half_maximum_area_px, mark_peak
from skycrane.imaging.photometry import OrbitalPass
from skycrane.imaging.predict import (
    _dilate_cross,
    _median,
    _robust_sigma,
    _subsample,
    predict_after,
    refit_unchanged,
    regional_level,
    shift_taps,
    smooth_unaliased,
    smoothed_power,
)
from skycrane.imaging.radiometry import clipped_high, matched_to_before
from skycrane.imaging.smallmarks import outline_small_marks
from skycrane.imaging.wallveto import WallShading, azimuth_conditioning, walls_explain


@dataclass(frozen=True, slots=True)
class Detection:
    """One region that darkened (an impact, a scar, the blast zone) or brightened
    (the parachute, fresh hardware).

    Attributes
    ----------
    x_m, y_m : float
        Centroid, metres east and north of the image centre.
    area_m2 : float
        Area of the region.
    darkening : float
        Mean fractional darkening ``1 - after/before`` over the region; negative for a
        region that brightened (``-darkening`` is its fractional brightening).
    kind : str
        One of :data:`skycrane.imaging.classify.CLASSES`.
    eccentricity : float
        Of the region's second-moment ellipse (0 round, towards 1 elongated).
    orientation_rad : float
        Major axis, counter-clockwise from east, in ``[0, pi)`` (an axis, not a direction).
    latitude_deg, longitude_deg : float or None
        Centroid on the planet (planetocentric for Mars) when the images are
        georeferenced (:mod:`skycrane.imaging.georef`), else None.
    east_of_rover_m, north_of_rover_m : float or None
        Centroid, metres east and north of the rover on the before image's tangent
        plane, when a rover position is given (:func:`from_rover`), else None.
    """

    x_m: float
    y_m: float
    area_m2: float
    darkening: float
    kind: str
    eccentricity: float
    orientation_rad: float
    latitude_deg: float | None = None
    longitude_deg: float | None = None
    east_of_rover_m: float | None = None
    north_of_rover_m: float | None = None

    def to_dict(self) -> dict:
        """Plain-dict form."""
        return asdict(self)


_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"II*\x00",  # TIFF, little- and big-endian
    b"MM\x00*",
    b"II+\x00",  # BigTIFF (large map-projected products)
    b"MM\x00+",
    b"\xff\xd8\xff",  # JPEG
    b"\x00\x00\x00\x0cjP  \r\n\x87\n",  # JPEG 2000 (JP2), HiRISE's RDR products
    b"\xffO\xffQ",  # JPEG 2000 codestream (J2K)
    b"BM",
)
_IMAGE_KINDS = "a PNG, TIFF, JPEG, JPEG 2000 or BMP image"


def _as_grey(image: np.ndarray, field: str) -> np.ndarray:
    """Validate and convert an array to a 2-D float32 grey image."""
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        arr = color.rgb2gray(color.rgba2rgb(arr) if arr.shape[-1] == 4 else arr)
    if arr.ndim != 2 or min(arr.shape) < 16:
        raise InputError(field, arr.shape, "a 2-D grey-scale image at least 16 x 16 pixels")
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise InputError(field, arr.dtype, "a real-valued image")
    return arr.astype(np.float32, copy=False)


def load_image(path: str | Path, field: str = "image") -> np.ndarray:
    """Read a PNG, TIFF (BigTIFF too), JPEG, JPEG 2000 or BMP image as a float32 grey image.

    Integer pixels are divided by their type's largest value; a HiRISE RDR (JPEG 2000,
    10 bits in 16) then spans 0-1/64, which the detector, counting fractional changes,
    does not mind.

    Raises
    ------
    InputError
        If the file is missing or is not a readable image.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(field, str(path), f"an existing file: {_IMAGE_KINDS}")
    with p.open("rb") as handle:
        magic = handle.read(12)
    if not magic.startswith(_IMAGE_MAGIC):
        raise InputError(field, str(path), f"{_IMAGE_KINDS} file")
    _check_pixels(p, field)
    try:
        data = io.imread(p)
    except Exception as exc:  # skimage/imageio raise many types for non-images
        raise InputError(field, str(path), f"a readable image ({exc})") from None
    if data.dtype.kind in "ui":
        data = data.astype(np.float32) / full_scale(data.dtype)
    return _as_grey(data, field)


def full_scale(dtype) -> float:
    """The value an image of pixel type ``dtype`` is divided by to read it on 0-1: an
    integer type's largest value (a 10-bit product in 16-bit words then spans 0-1/64),
    1 for floating point."""
    dtype = np.dtype(dtype)
    return float(np.iinfo(dtype).max) if dtype.kind in "ui" else 1.0


MAX_IMAGE_PIXELS = 8192 * 8192
"""Largest image read [pixels], the largest `skycrane image` writes (1 GB as float32 RGB):
a small compressed TIFF may declare 20,000 x 20,000 pixels and ask for 15 GB."""


def _check_pixels(path: Path, field: str) -> None:
    """Refuse an image whose header declares more than MAX_IMAGE_PIXELS, before decoding it."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width, height = math.inf, 1.0  # Pillow's own limit is above ours
    except Exception:  # Pillow cannot read it: skimage tries, and reports
        return
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(
            field, str(path), f"an image of at most {MAX_IMAGE_PIXELS:,} pixels (8192 x 8192)"
        )


def load_pair(path_before: str | Path, path_after: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Load a before/after pair and check they have the same size, or one within
    :data:`~skycrane.imaging.nodata.MAX_SIZE_DIFFERENCE` (:func:`detect` puts the after
    image on the before grid)."""
    before = load_image(path_before, "before")
    after = load_image(path_after, "after")
    check_shapes(after.shape, before.shape)
    return before, after


def register(
    before: np.ndarray,
    after: np.ndarray,
    params: DetectParams = DetectParams(),
    no_data: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
) -> tuple[np.ndarray, tuple[float, float]]:
    """Shift ``after`` onto ``before``; returns the registered image and the shift applied.

    The shift is measured on the central ``register_crop_px`` square, where each image's
    ``no_data`` (:mod:`skycrane.imaging.nodata`) is first in-painted
    (:func:`~skycrane.imaging.nodata.fill_smoothly`), so that a footprint's edge does not
    steer it."""
    rows, cols = before.shape
    n = params.register_crop_px
    r0, c0 = max((rows - n) // 2, 0), max((cols - n) // 2, 0)
    crop = (slice(r0, r0 + n), slice(c0, c0 + n))
    crops = []
    for image, mask in zip((before, after), no_data, strict=True):
        if mask is not None and mask[crop].any():
            if mask[crop].all():
                return after, (0.0, 0.0)
            crops.append(fill_smoothly(image[crop], mask[crop]))
        else:
            crops.append(image[crop])
    if float(crops[0].std()) == 0.0 or float(crops[1].std()) == 0.0:
        return after, (0.0, 0.0)
    shift, _, _ = phase_cross_correlation(*crops, upsample_factor=params.upsample_factor)
    shift = (float(shift[0]), float(shift[1]))
    if shift == (0.0, 0.0):
        return after, shift
    return _shift_linear(after, shift), shift


def _shift_linear(values: np.ndarray, shift: tuple[float, float]) -> np.ndarray:
    """``values`` moved by ``shift`` pixels (rows, columns) with linear interpolation, the
    edge samples extended: :func:`scipy.ndimage.shift` of order 1 in ``nearest`` mode.
    The shift is the same everywhere, so both taps are slices of the image, and the
    output rows (columns) whose taps fall off the image repeat its edge (a quarter of
    the time of :func:`scipy.ndimage.shift` on 4000^2)."""
    out = values.astype(np.float32, copy=False)
    for axis, amount in enumerate(shift):
        if amount == 0.0:
            continue
        n = out.shape[axis]
        first, start, stop = shift_taps(amount, n)

        def part(lo: int, hi: int, axis: int = axis) -> tuple[slice, ...]:
            return (slice(lo, hi),) if axis == 0 else (slice(None), slice(lo, hi))

        src = out
        out = np.empty_like(src)
        low = src[part(start + first, stop + first)]
        inner = out[part(start, stop)]
        np.subtract(src[part(start + first + 1, stop + first + 1)], low, out=inner)
        inner *= np.float32(-amount - first)
        inner += low
        out[part(0, start)] = src[part(0, 1)]
        out[part(stop, n)] = src[part(n - 1, n)]
    return out


def darkening_map(
    before: np.ndarray, after: np.ndarray, params: DetectParams = DetectParams()
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fractional darkening ``1 - after / predicted`` of the aligned pair (:func:`predict_after`):
    with shadows set to no change, and without (for the extent of regions seeded elsewhere).

    Pixels in cast shadow (darker than ``shadow_fraction`` of the image's median, a
    little beyond Mars' sky-lit shadows, see :mod:`skycrane.imaging.photometry`) in the
    before image, or newly in shadow in the after image (darkened by more than
    ``max_mark_darkening``, more than any mark, whose darkening is the contrast of the
    disturbed dust), change non-linearly with the sun: they are set to no change in the
    first map, ``shadow_margin_px`` pixels around them included (the penumbra the PSF and
    the smoothing spread).  Light gaussian smoothing, median removed.  The second map,
    which outlines the regions and measures their darkening, is also counted from the
    prediction's regional error under a moved sun (:func:`~.predict.regional_level`).
    Also returns the unsmoothed log change (> 0 darker), the dilated shadow mask and the
    dilated mask of the new shadows alone.  The prediction is estimated
    twice, the second time without the pixels the first found changed
    (:func:`~skycrane.imaging.predict.refit_unchanged`).

    The prediction is a filter applied by Fourier transform, i.e. periodically: left so,
    the frame's top edge would be predicted from its bottom edge's ground.  Both images
    are therefore extended by their mirror images (``frame_pad_px`` a side, to a fast
    transform length) and the maps cut back to the frame; the estimated filter holds
    93-99 % of its off-centre energy within 32 px (docs/imaging.md, session 19, det9).
    """
    shape = before.shape
    widths = [
        (
            params.frame_pad_px,
            scipy.fft.next_fast_len(n + 2 * params.frame_pad_px) - n - params.frame_pad_px,
        )
        for n in shape
    ]
    frame = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, shape, strict=True))
    before = np.pad(before, widths, mode="symmetric")
    after = np.pad(after, widths, mode="symmetric")
    floor_b = max(_median(before), 1e-6)
    floor_a = max(_median(after), 1e-6)
    log_b = np.log(np.maximum(before, 0.02 * floor_b))
    log_a = np.log(np.maximum(after, 0.02 * floor_a))
    # > 0: darker than predicted.  The Wiener prediction, unless the plain ratio (the same
    # sun) leaves less noise: a small image mostly covered by marks starves the filter.
    hb = scipy.fft.rfft2(log_b - log_b.mean(), workers=-1)
    known = (hb, smoothed_power(hb, log_b.shape, params))
    predicted = predict_after(log_b, log_a, params, *known)
    if params.refit_clip > 0.0:
        predicted = refit_unchanged(log_b, log_a, predicted, known, params)
    noise = [_robust_sigma(_subsample(x) - _subsample(log_a)) for x in (predicted, log_b)]
    choice = int(noise[1] < noise[0])
    change = (predicted, log_b)[choice] - log_a
    cast = before < params.shadow_fraction * floor_b  # the before image's shadows
    level = regional_level(change, cast, params)
    new_shadow = new_shadows(after, change, floor_a, params)
    shadow = cast | new_shadow
    shadow = _dilate_cross(shadow, params.shadow_margin_px)
    moved = _dilate_cross(new_shadow, params.shadow_margin_px)
    maps = []
    for zero in (shadow, None):  # shadows set to no change, then the change unmasked
        regional = change if zero is not None else change - level
        smooth = smooth_unaliased(regional, params.smooth_sigma_px, zero)
        smooth -= _median(smooth)
        np.exp(np.negative(smooth, out=smooth), out=smooth)
        maps.append(np.subtract(np.float32(1.0), smooth, out=smooth)[frame])
    return maps[0], maps[1], change[frame], shadow[frame], moved[frame]


def _regions(
    score: np.ndarray,
    change: np.ndarray,
    unmasked: np.ndarray,
    thresholds: tuple[np.ndarray, float],
    min_px: int,
    params: DetectParams,
    broad: np.ndarray | None = None,
    moved: np.ndarray | None = None,
    dim: np.ndarray | None = None,
    censored: np.ndarray | None = None,
) -> list:
    """Regions (``regionprops``, intensity: the unmasked change) of one sign of change.

    Seeds: matched-filter ``score`` (or the ``broad`` scale's) above ``k_high`` where the
    shadow-masked fractional ``change`` exceeds ``thresholds[1]``; each seed grows through
    the pixels whose ``unmasked`` change exceeds ``thresholds[0]`` (shadowed ones too),
    and each grown region is cut into marks (:func:`_half_maximum_regions`); regions
    under ``min_px`` pixels are dropped, and those only the broad scale seeded when
    smaller than the half-maximum outline of its blob (:func:`half_maximum_area_px`;
    a mark is outlined at half its peak too): a broad blob's score on a smaller region is
    the unpredicted shading around it, not a mark.  Regions at least a disc of radius
    ``2 broad_scale_px``, or only the broad scale seeded, are also dropped when more than
    ``max_moved_shadow_fraction`` of them lies in ``moved`` (the new shadows and their
    margin): the steep wall of a crater turned from the sun, whose shading darkens
    beyond the linear prediction all round its new shadow.  ``censored`` pixels (the
    after image's clipped ceiling) seed on the score alone: their change is a lower bound.
    """
    low, min_change = thresholds
    fine = (score > params.k_high) & (change > min_change)
    if censored is not None:
        fine |= (score > params.k_high) & censored
    seeds = fine if broad is None else fine | ((broad > params.k_high) & (change > min_change))
    if not seeds.any():
        return []
    grown, n_grown = measure.label((unmasked > low) | seeds, connectivity=2, return_num=True)
    seeded = np.unique(grown[seeds])
    seeded = seeded[seeded > 0]
    renumber = np.zeros(n_grown + 1, dtype=np.int32)  # seeded components 1..n, in order
    renumber[seeded] = np.arange(1, seeded.size + 1, dtype=np.int32)
    grown = renumber[grown]
    labels = np.zeros(grown.shape, dtype=np.int32)
    count = 0
    for index, window in enumerate(ndimage.find_objects(grown), start=1):
        low_w = low[window] if np.ndim(low) else low
        cut = _half_maximum_regions(
            grown[window] == index, seeds[window], unmasked[window], low_w, params.peak_depth
        )
        cut = segmentation.relabel_sequential(cut)[0]
        labels[window] = np.where(cut > 0, cut + count, labels[window])
        count += int(cut.max())
    labels, sizes = outline_small_marks(labels, unmasked, fine, min_px)  # low cut them small
    keep = sizes >= min_px
    broad_px = math.pi * (2.0 * params.broad_scale_px) ** 2
    if broad is not None:
        finely_seeded = np.zeros(sizes.size, dtype=bool)
        finely_seeded[labels[fine]] = True
        keep &= finely_seeded | (sizes >= half_maximum_area_px(params.broad_scale_px))
        if moved is not None:
            in_moved = np.bincount(labels[moved], minlength=sizes.size)  # counts, exact
            on_moved = in_moved > params.max_moved_shadow_fraction * sizes
            keep &= ~on_moved | (finely_seeded & (sizes < broad_px))
            if dim is not None:  # mostly at shadow level after: a new shadow, any size
                in_dim = np.bincount(labels[dim], minlength=sizes.size)
                keep &= ~(on_moved & (in_dim > params.max_dim_fraction * sizes))
    labels *= keep[labels]
    return measure.regionprops(labels, intensity_image=unmasked)


def _half_maximum_regions(
    region: np.ndarray,
    seeds: np.ndarray,
    values: np.ndarray,
    low: np.ndarray | float,
    peak_depth: float,
) -> np.ndarray:
    """Cut one grown region into the marks it joins: labels of their half-maximum outlines.

    The region is flooded from its peaks, the maxima of the change that stand at least
    ``peak_depth`` growth thresholds ``low`` above their saddles (h-maxima; marker-
    controlled watershed, Beucher & Meyer 1993, in *Mathematical Morphology in Image
    Processing*, ch. 12): one basin per peak, split at the saddles between marks; a
    basin with no matched-filter seed is dropped (a peak nothing confirmed).  A mark's
    outline is where the change falls to half its peak (a mark disturbs the dust
    fully at its centre and half of it on its outline, :mod:`skycrane.imaging.marks`),
    so each basin keeps the connected pixels round its peak
    (:func:`~skycrane.imaging.peaks.mark_peak`) that reach half of it.
    Two such pieces are one mark (a crash's core and its rays, seeded apart) when they
    touch inside the half-maximum outline of the higher one (:func:`_join_pieces`);
    a faint blast zone that a ray of the crash reaches, or a secondary in the crash's
    ejecta, stays apart.
    """
    depth = peak_depth * (float(np.median(low)) if np.ndim(low) else float(low))
    tops = morphology.h_maxima(np.where(region, values, np.float32(0.0)), depth)
    markers = measure.label(tops.astype(bool) & region, connectivity=2)
    if markers.max() == 0:
        markers = measure.label(seeds & region, connectivity=2)
    if markers.max() > 1:
        basins = segmentation.watershed(-values, markers, mask=region)
    else:
        basins = region.astype(np.int32)
    pieces = np.zeros(region.shape, dtype=np.int32)
    peaks = {}
    for index, window in enumerate(ndimage.find_objects(basins), start=1):
        if window is None:
            continue
        basin = basins[window] == index
        if not (basin & seeds[window]).any():
            continue  # a peak the matched filter did not confirm
        peak, level = mark_peak(basin, values[window])  # smaller marks on it opened away
        floor = np.maximum(0.5 * level, low[window] if np.ndim(low) else low)
        around = measure.label(basin & (values[window] >= floor), connectivity=2)
        if around[peak]:
            pieces[window][around == around[peak]] = index
            peaks[index] = level
    return _join_pieces(pieces, values, peaks)


def _join_pieces(pieces: np.ndarray, values: np.ndarray, peaks: dict[int, float]) -> np.ndarray:
    """Relabel ``pieces``, joining two whose contact is inside the half-maximum outline of
    the higher one (both sides reach half its ``peaks`` value) along at least the smaller
    piece's width (``sqrt`` of its area, in 4-neighbour pixel pairs): the pieces of one
    mark's plateau, cut apart by the watershed, share long contacts; a ray or a smaller
    mark touching it at one end does not (see :func:`_half_maximum_regions`)."""
    parent = {index: index for index in peaks}

    def root(index: int) -> int:
        while parent[index] != index:
            index = parent[index]
        return index

    areas = np.bincount(pieces.ravel())
    rows, cols = pieces.shape
    strong: dict[tuple[int, int], int] = {}
    for near, far in (
        ((slice(0, rows), slice(0, cols - 1)), (slice(0, rows), slice(1, cols))),
        ((slice(0, rows - 1), slice(0, cols)), (slice(1, rows), slice(0, cols))),
    ):
        a, b = pieces[near], pieces[far]
        contact = (a > 0) & (b > 0) & (a != b)
        saddles = np.minimum(values[near][contact], values[far][contact])
        for i, j, saddle in zip(a[contact], b[contact], saddles, strict=True):
            pair = (int(min(i, j)), int(max(i, j)))
            if saddle >= 0.5 * max(peaks[pair[0]], peaks[pair[1]]):
                strong[pair] = strong.get(pair, 0) + 1
    for (i, j), length in strong.items():
        if length >= math.sqrt(min(areas[i], areas[j])):
            parent[root(i)] = root(j)
    lut = np.zeros(max(peaks, default=0) + 1, dtype=np.int32)
    for index in peaks:
        lut[index] = root(index)
    return lut[pieces]


def _registered(
    before: np.ndarray, after: np.ndarray, missing: np.ndarray | None, params: DetectParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The pair with the after image registered onto the before grid (:func:`register`),
    and where either holds no data (:mod:`skycrane.imaging.nodata`: fill outside a
    footprint, non-finite pixels, the rows an after image of another size lacks, the
    strip the shift brings in), None when both hold data everywhere.  No-data pixels
    are replaced in both images by a smooth continuation of the ground round them.

    Raises
    ------
    InputError
        When the valid overlap is under ``min_valid_fraction`` of the frame.
    """
    no_data = [no_data_mask(before), no_data_mask(after)]
    if missing is not None:
        no_data[1] = missing if no_data[1] is None else no_data[1] | missing
    for mask in no_data:
        _check_overlap(mask, params)
    before, after = matched_to_before(
        before, after, tuple(None if m is None else ~m for m in no_data)
    )
    after, shift = register(before, after, params, (no_data[0], no_data[1]))
    moved = shifted_no_data(no_data[1], before.shape, shift)
    either = [m for m in (no_data[0], moved) if m is not None]
    if not either:
        return before, after, None
    mask = either[0] if len(either) == 1 else either[0] | either[1]
    _check_overlap(mask, params)
    if any(m is not None for m in no_data):  # the same no-data in both: both see the same
        before, after = fill_smoothly(before, mask), fill_smoothly(after, mask)
    return before, after, mask


def _check_overlap(no_data: np.ndarray | None, params: DetectParams) -> None:
    """Raise :class:`InputError` when ``no_data`` leaves under ``min_valid_fraction`` of
    the frame (the prediction's spectra and the noise statistics need the ground)."""
    if no_data is None:
        return
    valid = int(no_data.size - np.count_nonzero(no_data))
    if valid < params.min_valid_fraction * no_data.size:
        raise InputError(
            "valid overlap",
            f"{valid} of {no_data.size} pixels",
            f"at least {params.min_valid_fraction:.0%} of the before image's pixels finite "
            "and outside the fill of both images",
        )


def _major_axis(prop) -> np.ndarray:
    """Unit major axis ``(drow, dcol)`` of a region from the covariance of its pixels."""
    coords = prop.coords.astype(np.float64)
    if coords.shape[0] < 2:
        return np.array([1.0, 0.0])
    _, vecs = np.linalg.eigh(np.cov(coords.T))
    return vecs[:, -1]


def detect(
    before: np.ndarray,
    after: np.ndarray,
    resolution_m: float = 0.25,
    params: DetectParams = DetectParams(),
    georef: GeoReference | None = None,
    centre_m: tuple[float, float] = (0.0, 0.0),
    suns: tuple[OrbitalPass, OrbitalPass] | None = None,
) -> list[Detection]:
    """Find the regions that became darker or brighter between two co-located grey images.

    Parameters
    ----------
    before, after : ndarray
        Same-size 2-D (or RGB/RGBA) images of the same ground.
    resolution_m : float
        Metres per pixel.
    params : DetectParams
        Tunable thresholds.
    georef : GeoReference, optional
        Tangent point of the *before* image's plane coordinates (the after image is
        registered onto its grid); when given, every detection gets its latitude
        and longitude.
    centre_m : tuple of float
        Plane coordinates of the image centre (metres east/north of ``georef``).
    suns : tuple of OrbitalPass, optional
        The before and after passes' sun directions (a product's label gives them);
        when given, darkened regions that a crater wall's shading beyond first order
        explains are dropped (:mod:`skycrane.imaging.wallveto`).

    Returns
    -------
    list of Detection
        Largest first; empty when nothing changed.

    Raises
    ------
    InputError
        Different shapes, non-images, non-finite pixels or a bad resolution.
    """
    if not (
        isinstance(resolution_m, int | float) and math.isfinite(resolution_m) and resolution_m > 0
    ):
        raise InputError("resolution_m", resolution_m, "a positive number of metres per pixel")
    b = _as_grey(before, "before")
    a, missing = on_grid(_as_grey(after, "after"), b.shape)
    if missing is None and np.array_equal(a, b):
        return []
    b, a, no_data = _registered(b, a, missing, params)
    dark, unmasked, residual, shadow, moved = darkening_map(b, a, params)
    noise = local_noise(dark, params.noise_block_px)
    contrast = relief_contrast(b, params)
    noise = np.maximum(noise, relief_noise(dark, contrast, params))
    free = flat_ground_darkening(b, a, residual, contrast, params)
    if free is not None:  # no relief to cast these "new shadows": let the score decide
        shadow &= ~free
        moved &= ~free
        dark[free] = unmasked[free]
    low = np.maximum(params.k_low * noise, params.low_fraction * params.min_darkening)
    if no_data is not None:  # nothing is known there, nor seeded beside it
        near = _dilate_cross(no_data, params.no_data_margin_px)
        shadow |= near
        dark[near] = 0.0
        unmasked[near] = 0.0
    scores = matched_score(residual, contrast, params)
    for score in scores:  # moved shadows are unknown, not change
        score[shadow] = 0.0
    valid = None if no_data is None else ~no_data
    ceiling_a = clipped_high(a, valid)  # brighter than measured: never darker
    ceiling_b = clipped_high(b, valid)  # brighter than measured before: unknown
    if ceiling_b is not None:
        ceiling_b = _dilate_cross(ceiling_b, params.shadow_margin_px)
        for values in (dark, scores[0], scores[1], scores[2]):
            values[ceiling_b] = 0.0
    if ceiling_a is not None:
        if ceiling_b is not None:
            ceiling_a &= ~ceiling_b
        near = _dilate_cross(ceiling_a, params.shadow_margin_px)
        scores[0][near] = 0.0
        scores[2][near] = 0.0
    min_px = max(1, round(params.min_area_m2 / resolution_m**2))
    thresholds = (low, params.min_darkening)
    dim = a < np.float32(params.shadow_fraction * _median(a))
    darker = _regions(scores[0], dark, unmasked, thresholds, min_px, params, scores[2], moved, dim)
    # fractional brightening after/predicted - 1 is minus the darkening
    brighter = _regions(
        scores[1],
        -dark,
        -unmasked,
        (low, params.min_brightening),
        min_px,
        params,
        censored=ceiling_a,
    )
    # at shadow level in the after image: sky light on a shadow's floor, not bright hardware
    brighter = [p for p in brighter if dim[tuple(p.coords.T)].mean() <= params.max_dim_fraction]
    darker, floors = with_broad_zones(darker, (dark, shadow, noise, moved), resolution_m, params)
    if not darker and not brighter:
        return []
    kinds = classify(darker, resolution_m, params, brighter)
    walls = np.zeros(len(darker), dtype=bool)
    if suns is not None and darker and azimuth_conditioning(suns) >= params.wall_min_conditioning:
        walls = walls_explain(darker, WallShading(b, a, suns, params), resolution_m, params, floors)
    found = [(p, kind, 1.0) for p, kind, wall in zip(darker, kinds, walls, strict=True) if not wall]
    kinds = classify_brightened(brighter, resolution_m, params)
    found += [(p, kind, -1.0) for p, kind in zip(brighter, kinds, strict=True)]
    xs, ys = pixel_grid(b.shape, resolution_m)
    out = []
    for p, kind, sign in found:
        r, c = darkening_centroid(p) if sign > 0 else p.centroid  # brightening: censored
        drow, dcol = _major_axis(p)
        out.append(
            Detection(
                x_m=float(xs[0] + c * resolution_m),
                y_m=float(ys[0] - r * resolution_m),
                area_m2=float(p.area * resolution_m**2),
                darkening=sign * float(p.intensity_mean),
                kind=kind,
                eccentricity=float(p.eccentricity),
                orientation_rad=math.atan2(-drow, dcol) % math.pi,
            )
        )
    out.sort(key=lambda d: -d.area_m2)
    if georef is not None and out:
        lat, lon = georef.latlon_deg(
            [centre_m[0] + d.x_m for d in out], [centre_m[1] + d.y_m for d in out]
        )
        out = [
            replace(d, latitude_deg=float(la), longitude_deg=float(lo))
            for d, la, lo in zip(out, np.atleast_1d(lat), np.atleast_1d(lon), strict=True)
        ]
    return out
