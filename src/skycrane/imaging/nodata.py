"""Pixels that hold no data, in pairs that skycrane's renderer did not make.

Map-projected orbital products (HiRISE RDRs, browse JPEGs, GeoTIFFs) carry a constant
fill outside their footprint: 0, the largest value of the type, or NaN (and ISIS's
special pixels, which a float GeoTIFF writes as its most negative value).  Before and
after footprints differ, a second image may have a row or two more, and registering a
shifted image brings in a strip it did not see.  :func:`no_data_mask` finds the fill,
:func:`fill_smoothly` replaces it by a smooth continuation of the ground round it (so
that neither the registration nor the Fourier-domain prediction sees a step at the
footprint's edge), :func:`on_grid` puts an after image of a slightly different size on
the before image's grid, and :func:`shifted_no_data` carries the after image's no-data
through the registration's shift.  :func:`skycrane.imaging.detect.detect` reports
nothing on no-data nor within ``DetectParams.no_data_margin_px`` of it.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from skycrane.errors import InputError
from skycrane.imaging.predict import _upsample_linear, shift_taps

FILL_MIN_PX = 64
"""Smallest run of one extreme value, touching the frame's edge, taken for fill [pixels]: a
map-projection fill is a band or wedge along the edge; a few dark or saturated pixels
are ground."""

MAX_SIZE_DIFFERENCE = 0.02
"""Largest difference in rows or columns, as a fraction of the before image's (and at
least 2 px), of an after image put on the before grid: two map-projected products of one
site differ by a row or two; more is another frame, refused with both shapes named."""


def no_data_mask(image: np.ndarray) -> np.ndarray | None:
    """Where ``image`` holds no data, or None when it holds data everywhere: non-finite
    pixels, and each of the image's two extreme values (its minimum, its maximum: 0, the
    type's largest value, a float product's null) where it forms a connected region of
    at least ``FILL_MIN_PX`` pixels touching the frame's edge (the fill outside a
    map-projected footprint).  Saturated highlights inside the frame are not fill."""
    finite = np.isfinite(image)
    mask = None if finite.all() else ~finite
    values = image[finite] if mask is not None else image
    if values.size == 0:
        return mask
    for extreme in (float(values.min()), float(values.max())):
        same = image == extreme
        if int(np.count_nonzero(same)) < FILL_MIN_PX:
            continue
        labels, _ = ndimage.label(same)
        edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        sizes = np.bincount(labels.ravel())
        fill_labels = edge[(edge > 0) & (sizes[edge] >= FILL_MIN_PX)]
        if fill_labels.size:
            fill = np.isin(labels, fill_labels)
            mask = fill if mask is None else mask | fill
    return mask


def fill_smoothly(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``image`` (float32) with the pixels of ``mask`` replaced by a smooth continuation of
    the valid ones: normalised convolution (Knutsson & Westin 1993, CVPR, 515) with
    gaussians of 4, 16 and 64 px, each pixel taking the narrowest with support, the
    valid pixels' median beyond.  They run on 2 x 2, 8 x 8 and 32 x 32 block sums (a
    gaussian of 2 blocks), interpolated back linearly: a continuation need not be
    sharper than its width, and a 64 px gaussian of a 4000^2 frame takes seconds."""
    out = np.where(mask, np.float32(0.0), image).astype(np.float32)
    weight = (~mask).astype(np.float32)
    weighted = out * weight
    todo = mask.copy()
    for block in (2, 8, 32):
        num, den = (_block_gaussian(values, block, 2.0) for values in (weighted, weight))
        ok = todo & (den > 1e-3)
        out[ok] = num[ok] / den[ok]
        todo &= ~ok
        if not todo.any():
            return out
    out[todo] = np.float32(np.median(image[~mask]))
    return out


def _block_gaussian(values: np.ndarray, block: int, sigma_blocks: float) -> np.ndarray:
    """``values`` summed over ``block`` x ``block`` blocks (the frame padded with zeros),
    smoothed by a gaussian of ``sigma_blocks`` blocks, interpolated back to every pixel."""
    rows, cols = values.shape
    padded = np.pad(values, [(0, -rows % block), (0, -cols % block)])
    n_r, n_c = padded.shape[0] // block, padded.shape[1] // block
    sums = padded.reshape(n_r, block, n_c, block).sum(axis=(1, 3), dtype=np.float32)
    smooth = ndimage.gaussian_filter(sums, sigma_blocks)
    return _upsample_linear(smooth, padded.shape)[:rows, :cols]


def check_shapes(after_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
    """Raise :class:`InputError`, naming both shapes, when an after image of
    ``after_shape`` cannot be put on a before grid of ``shape`` (:func:`on_grid`)."""
    if len(after_shape) != len(shape):
        return  # not grey images: the caller reports that
    for n_after, n_before in zip(after_shape, shape, strict=True):
        if abs(n_after - n_before) > max(2, math.floor(MAX_SIZE_DIFFERENCE * n_before)):
            raise InputError(
                "after.shape",
                tuple(after_shape),
                f"the before image's shape {tuple(shape)}, or one within "
                f"{MAX_SIZE_DIFFERENCE:.0%} (2 px) of it in rows and columns",
            )


def on_grid(after: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray | None]:
    """``after`` on a grid of ``shape`` (the before image's), the upper-left corners
    together: extra rows and columns dropped, missing ones no-data (returned as a mask,
    None when the shapes agree).

    Raises
    ------
    InputError
        When the shapes differ by more than ``MAX_SIZE_DIFFERENCE`` of a side (and 2 px).
    """
    if after.shape == shape:
        return after, None
    check_shapes(after.shape, shape)
    out = np.zeros(shape, dtype=after.dtype)
    missing = np.ones(shape, dtype=bool)
    rows, cols = min(shape[0], after.shape[0]), min(shape[1], after.shape[1])
    out[:rows, :cols] = after[:rows, :cols]
    missing[:rows, :cols] = False
    return out, missing if missing.any() else None


def shifted_no_data(
    mask: np.ndarray | None, shape: tuple[int, int], shift: tuple[float, float]
) -> np.ndarray | None:
    """The no-data of an image moved by ``shift`` (rows, columns; linear interpolation):
    every output pixel one of whose two taps per axis is no-data or off the frame (the
    strip a shifted image did not see).  None when there is none."""
    out = None if mask is None else mask.copy()
    for axis, amount in enumerate(shift):
        if amount == 0.0:
            continue
        n = shape[axis]
        first, lo, hi = shift_taps(amount, n)
        if out is not None:
            grown = np.zeros_like(out)
            for tap in (first, first + 1):
                grown |= _moved(out, -tap, axis)
            out = grown
        strip = np.zeros(shape, dtype=bool)
        index = [slice(None), slice(None)]
        for part in (slice(0, lo), slice(hi, n)):
            index[axis] = part
            strip[tuple(index)] = True
        out = strip if out is None else out | strip
    return out if out is not None and out.any() else None


def _moved(mask: np.ndarray, offset: int, axis: int) -> np.ndarray:
    """``mask`` moved by ``offset`` pixels along ``axis``, False where nothing moved in."""
    out = np.zeros_like(mask)
    n = mask.shape[axis]
    if abs(offset) >= n:
        return out
    src = [slice(None), slice(None)]
    dst = [slice(None), slice(None)]
    src[axis] = slice(max(0, -offset), n - max(0, offset))
    dst[axis] = slice(max(0, offset), n - max(0, -offset))
    out[tuple(dst)] = mask[tuple(src)]
    return out
