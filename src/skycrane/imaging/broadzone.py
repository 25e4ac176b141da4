"""Broad, faint darkened zones found by their window mean (an engine-blast zone's scour).

A blast zone darkens the ground by ~0.18 over 150-310 m^2 (``debris.blast_zone_mark``):
per pixel that is under a moved sun's unpredicted shading, and the matched filter's
broad scale scores it 4-8 against the seed threshold (docs/imaging.md, sessions 16-19
and 20).  Averaged over a window of the zone's own size the shading averages down and
the darkening does not.  :func:`broad_zones` tests that average against its noise:

* the window ``G``: a gaussian of ``blast_window_m`` (5 m, half the plume scour's
  radius ``R`` = 10 m of ``debris.blast_zone_mark``: a gaussian of ``R / 2`` puts its
  ``2 sigma`` disc on the zone);
* the window mean ``m = G*(v d) / G*v`` of the shadow-masked darkening ``d`` over the
  pixels ``v`` out of shadow;
* its noise, were the pixels independent, ``sqrt(G^2*(v s^2)) / G*v``, ``s`` the detector's
  per-pixel noise model (the larger of the local MAD and
  :func:`~skycrane.imaging.noise.relief_noise`, the relief-predicted shading);
* times the noise's correlation factor at the window's scale, ``F``: the robust
  (1.4826 MAD) spread over the frame of the same statistic of the standardised darkening
  ``d / s`` (clipped at ``spectrum_clip`` so that marks do not enter it), 1 for white
  noise, ~10-20 for the moved sun's shading on the tuning scenes.

A zone is seeded where ``m / noise`` exceeds ``k_high`` (the detector's seed threshold)
and ``m`` exceeds the window mean that a zone of ``blast_min_area_m2`` darkened by
``min_darkening`` gives at its centre; it is outlined where ``m`` reaches half of its
peak (the detector's half-maximum rule, on the window mean) and carries ``m`` as its
intensity, so that its darkening-weighted centroid
(:func:`~skycrane.imaging.peaks.darkening_centroid`) weights it by the darkening at the
zone's scale, and the wall veto compares that window mean with its floor.  Everything
is computed on block means (the window 5 blocks wide) and read back by the nearest block.

Values: ``blast_window_m`` 5 m (E: ``R / 2`` for the scour radius ``R`` = 10 m, R-tagged in
``debris.blast_zone_mark``: Perseverance's zone was ~20 m across); the seed threshold,
floors, size and shape are the detector's and classifier's own.  Measured in
docs/imaging.md (session 20, det16): on seeds 0-3 (800^2, the moved sun) 3 of the 4 blast
zones found (148 -> 151 of 170 marks), on the fresh seeds 20-27 2 of 8 (256 -> 258 of 299),
no false detection or unchanged pair with a detection added.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage
from skimage import measure

from skycrane.imaging.params import DetectParams

BLOCKS_PER_SIGMA = 5
"""Blocks per window sigma: a gaussian of 5 samples is smooth at the sampling."""


def window_response(radius_px: float, sigma_px: float) -> float:
    """Window mean at the centre of a zone of darkening 1 with the renderer's scour profile
    ``1 - exp(-ln 2 (R/r)^4)`` (``marks.py``), for a gaussian window of ``sigma_px``."""
    r = np.linspace(1e-3, 10.0 * sigma_px, 20000)
    profile = -np.expm1(-math.log(2.0) * (radius_px / r) ** 4)
    weight = np.exp(-0.5 * (r / sigma_px) ** 2) * r
    return float(np.sum(profile * weight) / np.sum(weight))


def _blocks(values: np.ndarray, step: int) -> np.ndarray:
    """Mean over ``step`` x ``step`` blocks (the frame cropped to whole blocks)."""
    rows, cols = (n - n % step for n in values.shape)
    cropped = values[:rows, :cols]
    sums = cropped[:, 0::step].astype(np.float32)
    for offset in range(1, step):
        sums += cropped[:, offset::step]
    out = sums[0::step].copy()
    for offset in range(1, step):
        out += sums[offset::step]
    return out * np.float32(1.0 / (step * step))


def _window_mean_score(
    dark: np.ndarray, shadow: np.ndarray, noise: np.ndarray, sigma: float, step: int, clip: float
) -> tuple[np.ndarray, np.ndarray]:
    """Window mean and its score on the block grid (0 where under half the window is
    out of shadow)."""
    valid = (~shadow).astype(np.float32)
    v = _blocks(valid, step)
    d = _blocks(valid * dark, step)
    s2 = _blocks(valid * noise * noise, step)
    z = _blocks(valid * np.clip(dark / noise, -clip, clip), step)
    gv = ndimage.gaussian_filter(v, sigma, mode="constant")
    # the squared kernel is a gaussian of sigma / sqrt 2 times 1 / (4 pi sigma^2); a block
    # mean of step^2 independent pixels has 1 / step^2 of their variance
    scale2 = np.float32(1.0 / (4.0 * math.pi * sigma**2 * step * step))
    white = np.sqrt(scale2 * ndimage.gaussian_filter(s2, sigma / math.sqrt(2.0), mode="constant"))
    unit = np.sqrt(scale2 * ndimage.gaussian_filter(v, sigma / math.sqrt(2.0), mode="constant"))
    core = gv > 0.5
    mean = np.zeros(gv.shape, dtype=np.float32)
    score = np.zeros(gv.shape, dtype=np.float32)
    if not core.any():
        return mean, score
    standard = ndimage.gaussian_filter(z, sigma, mode="constant")[core] / unit[core]
    spread = max(1.4826 * float(np.median(np.abs(standard - np.median(standard)))), 1e-6)
    mean[core] = ndimage.gaussian_filter(d, sigma, mode="constant")[core] / gv[core]
    score[core] = mean[core] * gv[core] / (white[core] * spread)
    return mean, score


def with_broad_zones(
    found: list,
    maps: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    resolution_m: float,
    params: DetectParams = DetectParams(),
) -> tuple[list, np.ndarray]:
    """``found`` (the darkened regions already found) followed by the broad zones that
    none of them holds, and every region's darkening floor: ``min_darkening`` for
    ``found``'s, the window's floor for the zones' (whose darkening is their window mean;
    the wall veto, :func:`~skycrane.imaging.wallveto.walls_explain`, compares it with
    that floor plus the walls' shading).

    ``maps``: the shadow-masked darkening, the shadow mask, the per-pixel noise and the
    new-shadow mask.
    """
    zones, floor = broad_zones(*maps, found, resolution_m, params)
    floors = np.full(len(found) + len(zones), params.min_darkening)
    floors[len(found) :] = floor
    return found + zones, floors


def broad_zones(
    dark: np.ndarray,
    shadow: np.ndarray,
    noise: np.ndarray,
    moved: np.ndarray,
    found: list,
    resolution_m: float,
    params: DetectParams = DetectParams(),
) -> tuple[list, float]:
    """Regions (``regionprops``, intensity: the window mean) of broad, faint darkening
    that no region of ``found`` holds, and the window mean's floor.

    Dropped as every broad-seeded region is: more than ``max_moved_shadow_fraction`` of
    it in ``moved`` (a crater wall turned from the sun); and unless it is a blast zone's
    size and shape (``blast_min_area_m2``, ``blast_max_eccentricity``: the plumes fire
    down round the rover and scour a round zone), which is what this test is for.
    """
    sigma_px = params.blast_window_m / resolution_m
    step = max(1, int(sigma_px // BLOCKS_PER_SIGMA))
    mean, score = _window_mean_score(
        dark, shadow, noise, sigma_px / step, step, params.spectrum_clip
    )
    radius_px = math.sqrt(params.blast_min_area_m2 / math.pi) / resolution_m
    floor = params.min_darkening * window_response(radius_px, sigma_px)
    seeds, n_seeds = measure.label((score > params.k_high) & (mean > floor), return_num=True)
    if n_seeds == 0:
        return [], floor
    taken = np.zeros(mean.shape, dtype=np.float32)  # pixels of each block already found
    for prop in found:
        inside = (prop.coords // step < mean.shape).all(axis=1)
        np.add.at(taken, tuple((prop.coords[inside] // step).T), np.float32(1.0))
    taken /= np.float32(step * step)
    moved_share = _blocks(moved.view(np.uint8), step)
    blocks = np.zeros(mean.shape, dtype=np.int32)
    count = 0
    for index in range(1, n_seeds + 1):
        inside = np.where(seeds == index, mean, np.float32(0.0))
        peak = np.unravel_index(int(np.argmax(inside)), inside.shape)
        half = measure.label(mean >= 0.5 * mean[peak])
        zone = half == half[peak]
        area = zone.sum()
        if (
            taken[zone].sum() > 0.5 * area
            or taken[peak] > 0.0
            or moved_share[zone].sum() > params.max_moved_shadow_fraction * area
            or (blocks[zone] > 0).any()
        ):
            continue
        count += 1
        blocks[zone] = count
    if count == 0:
        return [], floor
    rows, cols = blocks.shape[0] * step, blocks.shape[1] * step
    labels = np.zeros(dark.shape, dtype=np.int32)
    labels[:rows, :cols] = np.repeat(np.repeat(blocks, step, axis=0), step, axis=1)
    intensity = np.zeros(dark.shape, dtype=np.float32)
    intensity[:rows, :cols] = np.repeat(np.repeat(mean, step, axis=0), step, axis=1)
    zones = measure.regionprops(labels, intensity_image=intensity)
    min_px = params.blast_min_area_m2 / resolution_m**2
    round_zones = [
        p for p in zones if p.area >= min_px and p.eccentricity < params.blast_max_eccentricity
    ]
    return round_zones, floor
