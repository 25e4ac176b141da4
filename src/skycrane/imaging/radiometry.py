"""Where zero light is, and which pixels are clipped, in a contrast-stretched product.

HiRISE browse and RDR images published as PNG/JPEG are stretched, each on its own: a
linear map with an offset and a gain (its 0.1-0.5th percentile to 0, its 99.5-99.9th
to 255), sometimes a gamma, clipped at both ends.  The detector works on the logarithm
of the light (:mod:`skycrane.imaging.predict`): a gain or a gamma is linear there and
the Wiener prediction absorbs it, an offset is not, and the shadow tests of
:func:`skycrane.imaging.detect.darkening_map` read "0 is no light".

:func:`matched_to_before` puts the pair back on one scale counted from zero light,
when either image is clipped at its minimum (held by at least ``CLIPPED_FRACTION`` of
its pixels: a stretch with an offset; a radiometric product or a stretch without an
offset is left as it is).  The after image goes through the monotone map of its
percentiles onto the before image's (histogram matching, e.g. Gonzalez & Woods,
*Digital Image Processing*, 3rd ed., sec. 3.3: the marks' few percent of the pixels
barely move the percentiles of the unchanged ground), which removes the two products'
different offsets, gains and gammas; what the pair cannot tell, where zero light lies
below a stretched before image (a common offset and a shading change look alike), is
the prior ``DARKEST_FRACTION``.  :func:`clipped_high` finds the pixels at a stretched
image's ceiling: their light is only a lower bound.
"""

from __future__ import annotations

import numpy as np

from skycrane.imaging.predict import _subsample

CLIPPED_FRACTION = 5e-4
"""Smallest fraction of the valid pixels at the image's minimum (maximum) for the image
to be taken as clipped there (E: a 0.1-0.5th percentile stretch clips 0.1-0.5 % of the
pixels; an unclipped 8-bit or float image has its extreme value on a handful)."""

DARKEST_FRACTION = 0.75
"""Light of a stretched before image's 1st percentile as a fraction of its median's: the
pair cannot tell where zero light is (R, chosen among 0.45, 0.6 and 0.75 on the pasted
pairs of seeds 0-1, checked on seeds 2-3: docs/imaging.md; the four pictures' own 1st
percentiles lie at 0.35-0.86 of their medians).  Too low a value exaggerates a mark's
darkening until it passes for a new shadow; too high a value shrinks it under
``min_darkening``; a stretched product's shadows are not told from its darkest ground."""


def _fraction_at(image: np.ndarray, valid: np.ndarray | None, value: float) -> float:
    at = image == np.float32(value)
    if valid is None:
        return float(np.count_nonzero(at)) / at.size
    return float(np.count_nonzero(at & valid)) / max(int(np.count_nonzero(valid)), 1)


def _valid_values(image: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    sample = _subsample(image)
    if valid is not None:
        sample = sample[_subsample(valid)]
    return sample[np.isfinite(sample)].ravel()


def clipped_low(image: np.ndarray, valid: np.ndarray | None = None) -> bool:
    """Whether ``image``'s minimum holds at least ``CLIPPED_FRACTION`` of its valid pixels."""
    values = _valid_values(image, valid)
    return values.size > 0 and _fraction_at(image, valid, values.min()) >= CLIPPED_FRACTION


def clipped_high(image: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray | None:
    """The pixels at ``image``'s maximum when it holds at least ``CLIPPED_FRACTION`` of the
    valid pixels (a stretched product's saturated ceiling), else None."""
    values = _valid_values(image, valid)
    if values.size == 0:
        return None
    top = np.float32(values.max())
    if _fraction_at(image, valid, top) < CLIPPED_FRACTION:
        return None
    return image >= top if valid is None else (image >= top) & valid


MATCHED = np.linspace(1.0, 99.0, 99)
"""Percentiles of the monotone mapping of :func:`matched_to_before`."""


def matched_to_before(
    before: np.ndarray,
    after: np.ndarray,
    valid: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
) -> tuple[np.ndarray, np.ndarray]:
    """The pair with light counted from zero light again, the after image mapped onto the
    before image's scale; the pair itself when neither is clipped at its minimum.

    The after image goes through the monotone piecewise-linear map of its percentiles
    (``MATCHED``) onto the before image's (histogram matching), continued beyond them
    with the slope of the outermost 10 percent (within 0.2-5 times the overall one);
    then both have the before image's zero, 0 when it is not clipped, else where its
    1st percentile has ``DARKEST_FRACTION`` of its median's light.
    """
    low = clipped_low(before, valid[0]), clipped_low(after, valid[1])
    if not any(low):
        return before, after
    q_b = np.percentile(_valid_values(before, valid[0]), MATCHED)
    q_a = np.percentile(_valid_values(after, valid[1]), MATCHED)
    overall = float(np.ptp(q_b)) / max(float(np.ptp(q_a)), 1e-30)
    if overall == 0.0 or np.ptp(q_a) == 0.0:
        return before, after
    q_a = q_a + 1e-6 * np.ptp(q_a) * np.arange(q_a.size)  # 8-bit ties: strictly increasing
    gap = 1e-3 * float(np.ptp(q_a))  # knots at the image's extremes, beyond the quantiles
    knots_a = [
        min(float(np.nanmin(after)), q_a[0] - gap),
        max(float(np.nanmax(after)), q_a[-1] + gap),
    ]
    knots_b = []
    for knot, end, far in zip(knots_a, (0, -1), (9, -10), strict=True):
        slope = (q_b[far] - q_b[end]) / (q_a[far] - q_a[end])
        slope = min(max(slope, 0.2 * overall), 5.0 * overall)  # a tail held on one level
        knots_b.append(q_b[end] + slope * (knot - q_a[end]))
    mapped = np.interp(
        after,
        np.concatenate([knots_a[:1], q_a, knots_a[1:]]),
        np.concatenate([knots_b[:1], q_b, knots_b[1:]]),
    ).astype(np.float32)
    zero = np.float32(0.0)
    if low[0]:
        darkest, median = float(q_b[0]), float(q_b[49])
        zero = np.float32((darkest - DARKEST_FRACTION * median) / (1.0 - DARKEST_FRACTION))
    return before - zero, mapped - zero
