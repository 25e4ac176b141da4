"""Before/after pairs that skycrane's renderer did not make, with known changes.

A picture bundled with scikit-image (``skimage.data``: ``moon``, ``brick``, ``grass``,
``gravel``, ...; offline) is the *before* image; the *after* image is the same picture
with discs darkened or brightened ("pasted marks"), a gamma, a gain, a pointing shift and
noise.  On top, what real orbital products bring and rendered pairs do not
(:func:`with_no_data`, :func:`as_browse`): map-projection fill outside the footprint,
several pixels of misregistration and a row or two more in one image, 8-bit JPEG
browse products with clipped highlights, 8-bit products each stretched between its own
percentiles with an offset and a gamma (:func:`stretched`).  :func:`score_pasted` counts the pasted
marks found (within 2 px, the right sign of change) and the other detections.
Used by ``tests/imaging`` and ``benchmarks/bench_pasted.py``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from scipy import ndimage


@dataclass(frozen=True, slots=True)
class PastedPair:
    """A pair on the before image's grid and its pasted marks.

    ``blobs``: ``(row, col, sign)`` of each mark in the before image's pixels, ``sign``
    +1 darker, -1 brighter.  ``areas_m2`` and ``contrasts`` (the fractional change of
    the albedo at each mark's centre, > 0 darker), in the order of ``blobs``, when the
    pair's maker records them (:mod:`skycrane.imaging.foreign`), for recall by kind of
    mark (:func:`found_marks`).
    """

    before: np.ndarray
    after: np.ndarray
    blobs: list[tuple[float, float, int]]
    areas_m2: tuple[float, ...] = ()
    contrasts: tuple[float, ...] = ()


def pasted_pair(
    name: str,
    seed: int,
    shift_px: tuple[float, float] = (0.5, -0.5),
    margin_px: int = 0,
    extra_rows: int = 0,
) -> PastedPair:
    """A scikit-image picture as *before*; *after*: eight darkened discs (30-50 %) and one
    brightened disc (2.5x), radius 2.5-8 px, a gamma of 0.8, 10 % more light, shifted by
    ``shift_px`` (rows, columns; cubic spline), noise of 0.005.

    ``margin_px`` crops both images by that many pixels on every side, so a shifted after
    image shows real ground along its edges (as a second map-projected product does, not
    a copy of its edge); ``extra_rows`` leaves the after image that many rows longer.
    """
    from skimage import data

    rng = np.random.default_rng(seed)
    image = getattr(data, name)().astype(np.float64) / 255.0 * 0.8 + 0.1
    rows, cols = image.shape
    rr, cc = np.mgrid[:rows, :cols]
    albedo = np.ones_like(image)
    blobs = []
    for sign in [1] * 8 + [-1]:
        r, c = rng.uniform(40 + margin_px, rows - 40 - margin_px, 2)
        radius = rng.uniform(2.5, 8.0)
        change = -rng.uniform(0.3, 0.5) if sign > 0 else 1.5
        albedo *= 1.0 + change * np.clip(radius + 0.5 - np.hypot(rr - r, cc - c), 0.0, 1.0)
        blobs.append((r - margin_px, c - margin_px, sign))
    after = ndimage.shift(1.1 * (image * albedo) ** 0.8, shift_px, order=3, mode="nearest")
    before = image + rng.normal(0.0, 0.005, image.shape)
    after = after + rng.normal(0.0, 0.005, image.shape)
    m = margin_px
    before = before[m : rows - m, m : cols - m]
    after = after[m : rows - m + extra_rows, m : cols - m]
    return PastedPair(before, after, blobs)


def with_no_data(
    image: np.ndarray, corner: str, leg_px: float, fill: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """``image`` with the triangle at ``corner`` (``"tl"``, ``"tr"``, ``"bl"``, ``"br"``)
    of legs ``leg_px`` set to ``fill`` (0, the maximum, or NaN): the edge of a
    map-projected footprint at an angle to the frame.  Returns the image (float) and
    the fill mask."""
    rows, cols = image.shape
    rr, cc = np.mgrid[:rows, :cols].astype(np.float64)
    r = rr if corner[0] == "t" else rows - 1 - rr
    c = cc if corner[1] == "l" else cols - 1 - cc
    mask = r + c < leg_px
    out = np.asarray(image, dtype=np.float64).copy()
    out[mask] = fill
    return out, mask


def as_browse(image: np.ndarray, quality: int | None = 85, clip_percent: float = 1.0) -> np.ndarray:
    """An 8-bit browse product of ``image``: scaled so that its ``100 - clip_percent`` th
    percentile is 255 (the brightest ``clip_percent`` % of pixels saturate), with 0 at
    0 (a stretch with an offset is another matter: docs/imaging.md), rounded, and
    JPEG-compressed at ``quality`` (8x8 blocks; ``None``: no compression)."""
    from PIL import Image

    high = float(np.percentile(image, 100.0 - clip_percent))
    stretched = np.clip(image / high, 0.0, 1.0)
    eight = np.round(255.0 * stretched).astype(np.uint8)
    if quality is None:
        return eight
    buffer = io.BytesIO()
    Image.fromarray(eight).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return np.asarray(Image.open(buffer))


def stretched(
    image: np.ndarray, low_percent: float, high_percent: float, gamma: float = 1.0
) -> np.ndarray:
    """An 8-bit contrast-stretched product of ``image``, as HiRISE browse/RDR images are
    published: the ``low_percent`` th percentile mapped to 0 and the ``high_percent`` th
    to 255 (a linear stretch with an offset: 0 is not zero light), clipped, raised to
    ``gamma``, rounded.  Each image of a pair gets its own stretch."""
    low, high = (float(v) for v in np.percentile(image, [low_percent, high_percent]))
    unit = np.clip((np.asarray(image, dtype=np.float64) - low) / (high - low), 0.0, 1.0)
    return np.round(255.0 * unit**gamma).astype(np.uint8)


STRETCHES = {
    "0.5-99.5 %": ((0.5, 99.5, 1.0), (0.5, 99.5, 1.0)),
    "0.1-99.9 % / 0.5-99.5 %": ((0.1, 99.9, 1.0), (0.5, 99.5, 1.0)),
    "0.5-99.5 %, gamma 0.8 / 1.2": ((0.5, 99.5, 0.8), (0.5, 99.5, 1.2)),
    "0.1-99.5 % gamma 1.2 / 0.3-99.9 % gamma 0.9": ((0.1, 99.5, 1.2), (0.3, 99.9, 0.9)),
}
"""Independent stretches of the before and after images: ``(low %, high %, gamma)`` each
(used by the tests and ``benchmarks/bench_pasted.py``)."""


def _matches(found: list, pair: PastedPair, resolution_m: float) -> list[tuple[int, float, bool]]:
    """Per mark of ``pair.blobs``: the index of the nearest detection, its distance [px]
    (inf when there is none) and whether it finds the mark (within 2 px, the right sign
    of change): the one matching rule of :func:`found_marks` and :func:`score_pasted`."""
    rows, cols = pair.before.shape
    rc = np.array(
        [
            [(rows - 1) / 2 - d.y_m / resolution_m, d.x_m / resolution_m + (cols - 1) / 2]
            for d in found
        ]
    ).reshape(-1, 2)
    out = []
    for r, c, sign in pair.blobs:
        dist = np.hypot(rc[:, 0] - r, rc[:, 1] - c) if rc.size else np.array([np.inf])
        j = int(np.argmin(dist))
        near = float(dist[j])
        out.append((j, near, near <= 2.0 and np.sign(found[j].darkening) == sign))
    return out


def found_marks(found: list, pair: PastedPair, resolution_m: float = 1.0) -> np.ndarray:
    """Boolean per mark of ``pair.blobs``: a detection within 2 px with the right sign of
    change (the criterion of :func:`score_pasted`)."""
    return np.array([hit for _, _, hit in _matches(found, pair, resolution_m)], dtype=bool)


def score_pasted(
    found: list, pair: PastedPair, resolution_m: float = 1.0, ignore: np.ndarray | None = None
) -> tuple[int, int, int]:
    """``(marks, found, false)``: pasted marks, those with a detection within 2 px and
    the right sign of change, detections on no mark.  Marks whose centre lies in
    ``ignore`` (a mask on the before grid, e.g. no-data and its margin) are not counted,
    and a detection within 2 px of one is neither found nor false."""
    matched: set[int] = set()
    n_marks = n_found = 0
    for (r, c, _), (j, dist, hit) in zip(
        pair.blobs, _matches(found, pair, resolution_m), strict=True
    ):
        if ignore is not None and ignore[round(r), round(c)]:
            if dist <= 2.0:
                matched.add(j)
            continue
        n_marks += 1
        if hit:
            n_found += 1
            matched.add(j)
    return n_marks, n_found, len(found) - len(matched)
