"""Veto of darkened regions that a crater wall's shading beyond first order explains.

The before image predicts the after one to first order in the slope (:mod:`predict`);
on a wall of tens of metres Lambert's law with the sky's share ``f`` (the diffuse
fraction of :mod:`photometry`) leaves the after image darker than that by

    ``e = -ln R - x``,  ``R = (1 - f - x) / sqrt(1 + |grad z|^2) + f``  (at least ``f``),
    ``x = (1 - f) tan i_a (p sin A_a + q cos A_a)``

(``i_a``/``A_a`` the after sun; ``R`` the facet's radiance relative to flat ground's,
``f`` alone where the facet turns from the sun), whose second-order term is
``e2 = x^2/2 + (1 - f) |grad z|^2 / 2``; near grazing light (``x`` towards ``1 - f``) the
higher orders dominate (det15: with ``e2`` alone the walls' false detections and the
heat shields' and backshells' scars, whose rings read 0.03-0.05, were not separable).
``e`` needs both slope components.  At the walls' scale the two passes, lit from two known
directions, give them: low-pass photometric stereo (Woodham 1980, *Opt. Eng.* 19,
139) on the two log images, band-passed as a difference of gaussians (the albedo's
broad field and the gain removed), solves per pixel the 2 x 2 linear system
``L_k = -(1 - f) tan i_k (p sin A_k + q cos A_k)``.  On flat ground the albedo and the
fine relief inside the band read as slope, so the map's local median (over
``wall_floor_px``) is subtracted.  A darkened region is vetoed when its mean
darkening is at most ``min_darkening + wall_kappa * e``, ``e`` averaged over a ring of
``wall_ring_px`` round it (a wall continues beyond the region, a mark's own darkening
does not), and only when it covers at least ``wall_min_area_m2``: the faint
secondaries (0.7-1.5 m^2 on the tuning scenes) sit on the estimate's noise, the walls'
false detections are 3.9-207 m^2.  The veto needs the suns' azimuths apart
(``wall_min_conditioning``): with one sun, or two from one direction, the slope across
it is not seen.  Measured in docs/imaging.md (Session 19, det10-det12; session 20, det15).

Values (E = chosen on docs/imaging.md's tuning scenes, seeds 0-3 at 800^2 and the
4000^2 scene of seed 0): band 4/64 px, ring 8 px, floor window 136 px (det10, det11, E);
kappa 5.3 (det15, E: between the largest ``(darkening - min_darkening) / e`` of a wall's
false detection, 4.81, and the smallest of a mark's region, 5.74; det11's 3 was chosen
with ``e2``); ``wall_min_area_m2`` 3 (det12, E: between the largest faint secondary the
veto took, 1.5 m^2, and the smallest wall false detection, 3.9 m^2); the log floor 0.3
of the median (E: cast shadows' level); conditioning 0.25 (R: half the issue's two suns'
0.5).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from skycrane.imaging.params import DetectParams
from skycrane.imaging.photometry import DIFFUSE_FRACTION, OrbitalPass


def _sampled_read(small: np.ndarray, step: int, rows, cols) -> np.ndarray:
    """A map sampled at the pixels ``0, step, 2 step, ...`` (``image[::step, ::step]``)
    read at the pixels ``rows`` x ``cols``: bilinear at ``i / step`` in the samples,
    held at the last sample beyond it (``ndimage.zoom``'s end-aligned grid would read
    the far edge of a 4000 px frame 3 px early at step 4, 7 px at step 8)."""
    grid = np.meshgrid(np.asarray(rows) / step, np.asarray(cols) / step, indexing="ij")
    return ndimage.map_coordinates(small, grid, order=1, mode="nearest")


def _frame_median(image: np.ndarray) -> float:
    """``np.median(image)``, to the bit: its middle order statistics partitioned out of
    the values between the 0.48 and 0.52 quantiles of a subsample (~4 % of a frame,
    checked to hold them, else the whole frame), then averaged as ``np.median`` does
    (on 4000^2: 0.15 -> 0.07 s)."""
    flat = image.ravel()
    n = flat.size
    lo, hi = np.quantile(image[::7, ::7], [0.48, 0.52])
    inside = (flat >= lo) & (flat <= hi)
    below, between = int(np.count_nonzero(flat < lo)), flat[inside]
    middle = slice((n - 1) // 2 - below, n // 2 + 1 - below)  # one value, or the two
    if (
        middle.start < 0
        or middle.stop > between.size
        or below + between.size + int(np.count_nonzero(flat > hi)) != n
    ):  # the bracket missed the middle, or NaN
        return float(np.median(image))
    return float(np.mean(np.partition(between, (middle.start, middle.stop - 1))[middle]))


def azimuth_conditioning(suns: tuple[OrbitalPass, OrbitalPass]) -> float:
    """``|sin|`` of the angle between the two suns' azimuths (0 when either is overhead):
    the photometric-stereo system's determinant relative to its best, 1 for suns 90 deg
    apart; the slope across the mean sun is read with ``1/`` this times the noise."""
    if min(sun.sun_incidence_deg for sun in suns) <= 0.0:
        return 0.0
    return abs(math.sin(math.radians(suns[0].sun_azimuth_deg - suns[1].sun_azimuth_deg)))


class WallShading:
    """The after image's darkening beyond first order, ``e``, estimated from the pair.

    ``ring_mean`` reads ``e`` less its local median (>= 0) round a region, computing the
    slopes only in that window; the local median comes from ``e`` sampled every
    ``wall_floor_step_px``, taken only at the samples a ring reads (on 4000^2 the full
    median filter was 0.8 s of the detection's 9).
    """

    def __init__(
        self,
        before: np.ndarray,
        after: np.ndarray,
        suns: tuple[OrbitalPass, OrbitalPass],
        params: DetectParams = DetectParams(),
        diffuse_fraction: float = DIFFUSE_FRACTION,
    ):
        rows = []
        for sun in suns:
            k = (1.0 - diffuse_fraction) * math.tan(math.radians(sun.sun_incidence_deg))
            az = math.radians(sun.sun_azimuth_deg)
            rows.append([-k * math.sin(az), -k * math.cos(az)])
        self._after_row = rows[1]
        self._inv = np.linalg.inv(np.array(rows)).tolist()
        self._f = diffuse_fraction
        self._params = params
        self.shape = before.shape
        low_px, high_px = params.wall_band_px
        coarse = params.wall_band_step_px
        self._log, self._coarse, self._broad = [], [], []
        for image in (before, after):  # log, floored at cast shadows' level
            med = _frame_median(image)
            floor = np.float32(params.wall_log_floor * med)
            log = np.maximum(image, floor, dtype=np.float32)
            np.log(log, out=log)  # in place: one frame fewer to allocate
            self._log.append(log)
            # the band's fine gaussian on every coarse-th pixel: its rows pass (axis 0)
            # decimated before the columns pass, the two passes of gaussian_filter
            fine = ndimage.gaussian_filter1d(log, low_px, axis=0)[::coarse]
            fine = ndimage.gaussian_filter1d(fine, low_px, axis=1)[:, ::coarse]
            self._coarse.append(fine)
            self._broad.append(ndimage.gaussian_filter(fine, high_px / coarse))
        step = params.wall_floor_step_px
        sampled = self._excess(np.arange(0, self.shape[0], step), np.arange(0, self.shape[1], step))
        self._window = max(1, round(params.wall_floor_px / step))
        half = self._window // 2
        if min(sampled.shape) > self._window:  # the median read only where a ring needs it
            pads = [(half, self._window - 1 - half)] * 2
            self._padded, self._floor = np.pad(sampled, pads, mode="symmetric"), None
        else:
            self._padded = None
            self._floor = ndimage.percentile_filter(sampled, 50, size=self._window, mode="reflect")

    def _fine(self, which: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The band's fine gaussian of log image ``which`` on ``rows`` x ``cols``: from the
        coarse grid when they lie on it, else filtered over their bounding box and the
        kernel's reach (the same sums, so the same values)."""
        coarse = self._params.wall_band_step_px
        if not (np.any(rows % coarse) or np.any(cols % coarse)):
            return self._coarse[which][np.ix_(rows // coarse, cols // coarse)]
        sigma = self._params.wall_band_px[0]
        reach = int(4.0 * sigma + 0.5)  # gaussian_filter1d's kernel radius (truncate 4)
        (r0, r1), (c0, c1) = [
            (max(int(x.min()) - reach, 0), min(int(x.max()) + 1 + reach, n))
            for x, n in zip((rows, cols), self.shape, strict=True)
        ]
        box = ndimage.gaussian_filter1d(self._log[which][r0:r1, c0:c1], sigma, axis=0)
        box = ndimage.gaussian_filter1d(box, sigma, axis=1)
        return box[np.ix_(rows - r0, cols - c0)]

    def _floor_samples(self, rows: slice, cols: slice) -> np.ndarray:
        """The local median of the sampled ``e`` (``wall_floor_px`` window, reflected at
        the edges: :func:`scipy.ndimage.percentile_filter`) on the samples ``rows`` x ``cols``."""
        if self._padded is None:
            return self._floor[rows, cols]
        n = self._window
        windows = np.lib.stride_tricks.sliding_window_view(self._padded, (n, n))[rows, cols]
        flat = windows.reshape(-1, n * n)
        rank = (n * n) // 2  # percentile_filter's rank for 50: int(size * 50 / 100)
        return np.partition(flat, rank, axis=1)[:, rank].reshape(windows.shape[:2])

    def _excess(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """``e`` on the pixels ``rows`` x ``cols`` from the band-passed log images."""
        coarse = self._params.wall_band_step_px
        bands = [
            self._fine(which, rows, cols) - _sampled_read(broad, coarse, rows, cols)
            for which, broad in enumerate(self._broad)
        ]
        inv = self._inv
        p_east = inv[0][0] * bands[0] + inv[0][1] * bands[1]
        q_north = inv[1][0] * bands[0] + inv[1][1] * bands[1]
        x = -(self._after_row[0] * p_east + self._after_row[1] * q_north)  # first-order term
        f = self._f
        relative = (1.0 - f - x) / np.sqrt(1.0 + p_east**2 + q_north**2) + f
        return -np.log(np.maximum(relative, f)) - x

    def ring_mean(self, centroid_px: tuple[float, float], area_px: float) -> float:
        """Mean floored ``e`` over the ring ``(r, r + wall_ring_px]`` round a region's
        centroid, ``r`` the radius of the disc of its area (at least 1 px)."""
        row0, col0 = centroid_px
        ring_px = self._params.wall_ring_px
        radius = max(math.sqrt(area_px / math.pi), 1.0)
        reach = int(radius + ring_px + 2)
        r0, r1 = max(int(row0) - reach, 0), min(int(row0) + reach + 1, self.shape[0])
        c0, c1 = max(int(col0) - reach, 0), min(int(col0) + reach + 1, self.shape[1])
        rows, cols = np.arange(r0, r1), np.arange(c0, c1)
        step = self._params.wall_floor_step_px
        n_rows, n_cols = [-(-n // step) for n in self.shape]  # samples 0, step, ...
        s0, s1 = r0 // step, min((r1 - 1) // step + 2, n_rows)  # the bilinear taps
        t0, t1 = c0 // step, min((c1 - 1) // step + 2, n_cols)
        samples = self._floor_samples(slice(s0, s1), slice(t0, t1))
        floor = _sampled_read(samples, step, rows - s0 * step, cols - t0 * step)
        values = np.maximum(self._excess(rows, cols) - floor, 0.0)
        dist = np.hypot(rows[:, None] - row0, cols[None, :] - col0)
        ring = (dist > radius) & (dist <= radius + ring_px)
        return float(values[ring].mean()) if ring.any() else 0.0


def walls_explain(
    regions: list,
    shading: WallShading,
    resolution_m: float,
    params: DetectParams = DetectParams(),
    floors: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean per darkened region (``regionprops``): its darkening is the wall's shading.

    ``floors``: each region's darkening floor (default ``min_darkening``; a broad zone's
    darkening is a window mean, with its own floor: :mod:`skycrane.imaging.broadzone`).
    """
    out = np.zeros(len(regions), dtype=bool)
    if floors is None:
        floors = np.full(len(regions), params.min_darkening)
    min_px = params.wall_min_area_m2 / resolution_m**2
    for i, prop in enumerate(regions):
        if prop.area < min_px or prop.intensity_mean <= 0.0:
            continue
        excess = shading.ring_mean(prop.centroid, float(prop.area))
        out[i] = float(prop.intensity_mean) <= floors[i] + params.wall_kappa * excess
    return out
