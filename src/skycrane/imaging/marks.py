"""Surface marks left by landing hardware and their rasterisation.

A :class:`Mark` is one patch of ground whose albedo changed because an impact,
a piece of hardware or an engine plume disturbed the bright reddish dust and
exposed darker basaltic sand.  Coordinates are metres east (``x_m``) and north
(``y_m``) of a reference point (the rover, or the image centre); orientations are
counter-clockwise from east, in radians.

Two shapes exist:

``"ellipse"``
    Centre ``(x_m, y_m)``, semi-axes ``semi_major_m`` (along
    ``orientation_rad``) and ``semi_minor_m``.
``"fan"``
    A circular sector with its apex at ``(x_m, y_m)``, radius ``semi_major_m``,
    half opening angle ``half_angle_rad`` and axis ``orientation_rad`` (the
    direction of travel), united with a disc of radius ``semi_minor_m`` around
    the apex (the crater).  This is the truth outline; the rendered darkening is
    the ejecta's (below).

Darkening from the disturbed dust
---------------------------------
The plains the landers chose are mantled by bright dust (Lambert albedo
0.22-0.30) over darker basaltic sand and rock (0.10-0.15; Christensen et al. 2001,
JGR 106(E10) 23823, TES albedo).  A mark removes or buries the dust on a fraction
``f`` of each pixel, so ``after = before (1 - darkening f)`` with ``darkening`` the
contrast of complete removal (``1 - 0.14/0.25 = 0.45`` for the crash); fresh
impacts on Mars are seen exactly so, as dark spots where the dust was blown away
(Daubar et al. 2013, Icarus 225, 506).  A negative ``darkening`` brightens: the
white parachute canopy lying on the ground.  Such a mark is an opaque object, not a
change of the dust: where it lies its albedo ``1 - darkening`` times the ground's
replaces whatever lies under it (the backshell's dark mark under the canopy's edge),
``transmission = (1 - c) T + c (1 - darkening)`` with ``c`` its soft coverage.

*Impact fans* (``"fan"``): the ejecta blanket thins as ``(r / r_c)^-3`` beyond the
crater rim ``r_c`` (McGetchin, Settle & Head 1973, EPSL 20, 226), and its areal
density around the crater varies with the azimuth ``phi`` from the direction of
travel as ``w(phi) = 1 + A cos(phi)`` (:func:`ejecta_azimuth_weight`): symmetric
(``A = 0``) for impacts steeper than 45 degrees, and with the up-range "forbidden
zone" (``w = 0`` up-range, ``A = 1``) at 20 degrees (Gault & Wedekind 1978, Proc.
Lunar Planet. Sci. Conf. 9, 3843; found at the same 20 degrees at 144-260 m/s by
Hessen et al. 2008, University of Alaska), linear in the angle in between, wider
below.  Ejecta grains land at random, so the fraction of the dust they cover is
``f = 1 - exp(-T / t)`` (Poisson coverage, ``t`` a grain layer); the fan's outline
``semi_major_m`` is where half the dust is covered down-range (``T = t ln 2``), so
``f = 1 - exp(-ln 2 (R/r)^3 w(phi) / w(0) ray(phi))`` outside the crater and 1 inside.
``ray(phi)`` lengthens the ejecta along a seeded set of narrow rays (``ray_seed``;
0: none), the streaks of fresh impact ejecta.
*Blast zones* (``kind == "blast_zone"``): the plumes scour dust where their shear
stress beats the dust's threshold; the stress of a jet spreading over the ground
falls with distance, ``f = 1 - exp(-ln 2 (R/r)^4 ray(phi))`` (half the dust gone on
the outline ``R``), ``ray(phi)`` the radial streaks the plumes leave.  Other ellipses
are uniformly disturbed (``f = 1``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

KINDS = (
    "main_crash",
    "secondary",
    "heat_shield",
    "backshell",
    "parachute",
    "balance_mass",
    "blast_zone",
)
SHAPES = ("ellipse", "fan")
MIN_DARKENING = -3.0
"""Brightest mark: four times the ground (a white canopy, albedo <= 1, on 0.25 dust)."""
SYMMETRIC_EJECTA_DEG = 45.0
"""Impacts steeper than this throw ejecta evenly round the crater (Gault & Wedekind 1978)."""
FORBIDDEN_ZONE_DEG = 20.0
"""Below this the up-range ejecta vanishes (Gault & Wedekind 1978; Hessen et al. 2008)."""
N_RAYS = 24
RAY_WIDTH_RAD = math.radians(3.0)
RAY_GAIN = 1.5
"""Rays carry up to ``1 + RAY_GAIN`` times the ejecta of the blanket between them."""
RAY_TABLE_SIZE = 4096
HALF = math.log(2.0)
"""Mean grain layers that cover half the dust: a graded mark's outline is where f = 1/2."""


@dataclass(frozen=True, slots=True)
class Mark:
    """One albedo mark on the ground (see the module docstring for the geometry).

    Attributes
    ----------
    x_m, y_m : float
        Centre (ellipse) or apex (fan), metres east and north of the reference.
    semi_major_m, semi_minor_m : float
        Ellipse semi-axes; for a fan the sector radius and the crater radius.
    orientation_rad : float
        Direction of the major axis / fan axis, counter-clockwise from east.
    darkening : float
        Fractional albedo drop in ``[0, 1]``: ``after = before * (1 - darkening)``.
    kind : str
        One of :data:`KINDS`.
    shape : str
        ``"ellipse"`` or ``"fan"``.
    half_angle_rad : float
        Half opening angle of a fan (ignored for ellipses).
    energy_j : float
        Impact kinetic energy that made the mark (0 when not an impact).
    impact_angle_deg : float
        Angle of the impactor's path below the horizontal (fans; 90: vertical).
    ray_seed : int
        Seed of the ejecta rays or plume streaks (0: none).
    """

    x_m: float
    y_m: float
    semi_major_m: float
    semi_minor_m: float
    orientation_rad: float
    darkening: float
    kind: str
    shape: str = "ellipse"
    half_angle_rad: float = 0.0
    energy_j: float = 0.0
    impact_angle_deg: float = 90.0
    ray_seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r} not in {KINDS}")
        if self.shape not in SHAPES:
            raise ValueError(f"shape {self.shape!r} not in {SHAPES}")
        if not MIN_DARKENING <= self.darkening <= 1.0:
            raise ValueError(
                f"darkening {self.darkening} outside [{MIN_DARKENING}, 1] "
                "(1 - after/before; negative brightens)"
            )
        if not 0.0 <= self.impact_angle_deg <= 90.0:
            raise ValueError(f"impact_angle_deg {self.impact_angle_deg} outside [0, 90]")

    @property
    def area_m2(self) -> float:
        """Geometric area of the mark in square metres."""
        if self.shape == "fan":
            alpha = self.half_angle_rad
            return alpha * self.semi_major_m**2 + (math.pi - alpha) * self.semi_minor_m**2
        return math.pi * self.semi_major_m * self.semi_minor_m

    @property
    def centroid_m(self) -> tuple[float, float]:
        """Geometric centroid ``(x, y)`` in metres (the apex is not the centroid of a fan)."""
        if self.shape == "ellipse":
            return self.x_m, self.y_m
        alpha, radius, r0 = self.half_angle_rad, self.semi_major_m, self.semi_minor_m
        a_sector = alpha * radius**2
        d_sector = 2.0 * radius * math.sin(alpha) / (3.0 * alpha)  # sector centroid from apex
        a_disc = (math.pi - alpha) * r0**2  # rear part of the crater disc (none when alpha = pi)
        d_disc = -2.0 * r0 * math.sin(alpha) / (3.0 * (math.pi - alpha)) if a_disc > 0.0 else 0.0
        d = (a_sector * d_sector + a_disc * d_disc) / (a_sector + a_disc)
        return (
            self.x_m + d * math.cos(self.orientation_rad),
            self.y_m + d * math.sin(self.orientation_rad),
        )

    @property
    def extent_m(self) -> float:
        """Radius of a circle around ``(x_m, y_m)`` that holds the whole mark."""
        return max(self.semi_major_m, self.semi_minor_m)

    def to_dict(self) -> dict:
        """Plain-dict form, with the derived ``area_m2`` and centroid added."""
        out = asdict(self)
        out["area_m2"] = self.area_m2
        out["centroid_x_m"], out["centroid_y_m"] = self.centroid_m
        return out

    def shifted(self, dx_m: float, dy_m: float) -> Mark:
        """The same mark translated by ``(dx_m, dy_m)``."""
        d = asdict(self)
        d["x_m"] += dx_m
        d["y_m"] += dy_m
        return Mark(**d)


def pixel_grid(shape: tuple[int, int], resolution_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Metre coordinates of pixel centres, east/north of the image centre.

    Parameters
    ----------
    shape : tuple of int
        ``(rows, cols)``.
    resolution_m : float
        Ground sample distance, metres per pixel.

    Returns
    -------
    x, y : ndarray
        1-D arrays: ``x[col]`` east, ``y[row]`` north (row 0 is the northern edge).
    """
    rows, cols = shape
    x = (np.arange(cols) - (cols - 1) / 2.0) * resolution_m
    y = ((rows - 1) / 2.0 - np.arange(rows)) * resolution_m
    return x, y


def ejecta_azimuth_weight(phi_rad: np.ndarray, impact_angle_deg: float) -> np.ndarray:
    """Relative areal density of ejecta at azimuth ``phi`` from the direction of travel.

    ``w = max(0, 1 + A cos phi)`` with ``A = (45 - angle) / (45 - 20)`` clipped at 0:
    even for impacts steeper than 45 degrees, zero up-range at 20 degrees and a widening
    up-range forbidden zone below (see the module docstring).
    """
    asymmetry = max(0.0, (SYMMETRIC_EJECTA_DEG - impact_angle_deg)) / (
        SYMMETRIC_EJECTA_DEG - FORBIDDEN_ZONE_DEG
    )
    return np.clip(1.0 + asymmetry * np.cos(phi_rad), 0.0, None)


def fan_half_angle_rad(impact_angle_deg: float) -> float:
    """Half opening of a fan's truth outline: where the ejecta's reach ``w^(1/3)`` falls
    to half its down-range value (``w(phi) = w(0) / 8``); pi (a disc) when it never does."""
    asymmetry = max(0.0, (SYMMETRIC_EJECTA_DEG - impact_angle_deg)) / (
        SYMMETRIC_EJECTA_DEG - FORBIDDEN_ZONE_DEG
    )
    if asymmetry == 0.0:
        return math.pi
    cos_phi = ((1.0 + asymmetry) / 8.0 - 1.0) / asymmetry
    return math.acos(cos_phi) if cos_phi > -1.0 else math.pi


def _rays(seed: int, phi_rad: np.ndarray) -> np.ndarray:
    """``1 + RAY_GAIN sum_k a_k exp(-(phi - phi_k)^2 / 2 width_k^2)`` over :data:`N_RAYS`
    seeded rays (amplitudes ``a_k`` uniform in 0-1), or 1 for ``seed == 0``; tabulated
    on :data:`RAY_TABLE_SIZE` azimuths and interpolated."""
    if seed == 0:
        return np.ones_like(phi_rad)
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-math.pi, math.pi, N_RAYS)
    widths = RAY_WIDTH_RAD * rng.uniform(0.5, 1.5, N_RAYS)
    gains = rng.uniform(0.0, 1.0, N_RAYS)
    table_phi = np.linspace(-math.pi, math.pi, RAY_TABLE_SIZE)
    gap = np.angle(np.exp(1j * (table_phi[:, None] - centres[None, :])))  # wrapped
    table = 1.0 + RAY_GAIN * (gains * np.exp(-0.5 * (gap / widths) ** 2)).sum(axis=1)
    return np.interp(phi_rad, table_phi, table).astype(phi_rad.dtype, copy=False)


def _signed_distance(mark: Mark, dx: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed distance to the truth outline (m, negative inside; approximate for ellipses)
    and the disturbed fraction ``f`` of the dust (module docstring)."""
    c, s = math.cos(mark.orientation_rad), math.sin(mark.orientation_rad)
    u = dx * c + dy * s
    v = -dx * s + dy * c
    if mark.shape == "ellipse":
        a, b = mark.semi_major_m, mark.semi_minor_m
        rho = np.sqrt((u / a) ** 2 + (v / b) ** 2)
        sd = (rho - 1.0) * math.sqrt(a * b)
        if mark.kind != "blast_zone":
            return sd, np.ones_like(rho)
        with np.errstate(divide="ignore"):
            scour = HALF * _rays(mark.ray_seed, np.arctan2(v, u)) / rho**4
        return sd, -np.expm1(-scour)
    r = np.hypot(u, v)
    phi = np.arctan2(v, u)
    sd_angle = r * np.sin(np.clip(np.abs(phi) - mark.half_angle_rad, -np.pi / 2, np.pi / 2))
    sd_fan = np.maximum(r - mark.semi_major_m, sd_angle)
    sd = np.minimum(sd_fan, r - mark.semi_minor_m)
    weight = ejecta_azimuth_weight(phi, mark.impact_angle_deg) / float(
        ejecta_azimuth_weight(np.zeros(1), mark.impact_angle_deg)[0]
    )
    with np.errstate(divide="ignore"):
        thickness = HALF * (mark.semi_major_m / r) ** 3 * weight * _rays(mark.ray_seed, phi)
    fraction = np.where(r < mark.semi_minor_m, 1.0, -np.expm1(-thickness))
    return sd, fraction


def _reach_m(mark: Mark) -> float:
    """Radius round ``(x_m, y_m)`` beyond which a mark disturbs under 1 % of the dust
    (rays included)."""
    if mark.shape == "fan":
        return mark.extent_m * (HALF * (1.0 + RAY_GAIN) / 0.01) ** (1.0 / 3.0)
    if mark.kind == "blast_zone":
        return mark.extent_m * (HALF * (1.0 + RAY_GAIN) / 0.01) ** 0.25
    return mark.extent_m


def rasterise(
    marks: list[Mark],
    shape: tuple[int, int],
    resolution_m: float,
    edge_m: float = 0.3,
    origin_m: tuple[float, float] = (0.0, 0.0),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw marks onto a pixel grid.

    Parameters
    ----------
    marks : list of Mark
        Marks in metres east/north of ``origin_m``.
    shape : tuple of int
        Image ``(rows, cols)``.
    resolution_m : float
        Metres per pixel.
    edge_m : float
        Width of the soft edge (linear ramp) in metres; tunable.
    origin_m : tuple of float
        Coordinates of the image centre in the marks' frame.

    Returns
    -------
    transmission : ndarray of float32
        Product over marks of ``1 - darkening * f`` (``f`` the disturbed fraction of
        the dust, soft-edged by ``coverage`` for uniform marks), brightening marks laid
        over what is under them (module docstring); multiply the albedo by it.
    labels : ndarray of int32
        Index + 1 of the mark covering each pixel with coverage >= 0.5 (later marks win),
        0 elsewhere: the truth mask.
    coverage : ndarray of float32
        Maximum soft coverage in ``[0, 1]``.
    """
    transmission = np.ones(shape, dtype=np.float32)
    labels = np.zeros(shape, dtype=np.int32)
    coverage = np.zeros(shape, dtype=np.float32)
    for index, mark in enumerate(marks, start=1):
        found = _mark_window(mark, shape, resolution_m, edge_m, origin_m)
        if found is None:
            continue
        window, fraction, cov = found
        if mark.darkening < 0.0:  # an object lying on the ground hides what is under it
            below = transmission[window]
            transmission[window] = below + cov * np.float32(1.0 - mark.darkening) - cov * below
        else:
            transmission[window] *= (1.0 - mark.darkening * fraction).astype(np.float32)
        labels[window][cov >= 0.5] = index
        np.maximum(coverage[window], cov, out=coverage[window])
    return transmission, labels, coverage


def _mark_window(
    mark: Mark,
    shape: tuple[int, int],
    resolution_m: float,
    edge_m: float,
    origin_m: tuple[float, float],
) -> tuple[tuple[slice, slice], np.ndarray, np.ndarray] | None:
    """The pixel window a mark reaches, its disturbed fraction ``f`` and its soft coverage
    of the truth outline there; None when the mark lies outside the grid."""
    xs, ys = pixel_grid(shape, resolution_m)
    xs = xs + origin_m[0]
    ys = ys + origin_m[1]
    edge = max(edge_m, 1e-6)
    reach = _reach_m(mark) + edge
    c0 = int(np.searchsorted(xs, mark.x_m - reach))
    c1 = int(np.searchsorted(xs, mark.x_m + reach))
    # ys decreases with row: flip the search.
    r0 = int(np.searchsorted(-ys, -(mark.y_m + reach)))
    r1 = int(np.searchsorted(-ys, -(mark.y_m - reach)))
    if c1 <= c0 or r1 <= r0:
        return None
    dx = xs[None, c0:c1] - mark.x_m
    dy = ys[r0:r1, None] - mark.y_m
    sd, fraction = _signed_distance(mark, dx, dy)
    cov = np.clip(0.5 - sd / edge, 0.0, 1.0).astype(np.float32)
    if mark.shape == "ellipse" and mark.kind != "blast_zone":
        fraction = cov  # uniformly disturbed inside, soft-edged
    return (slice(r0, r1), slice(c0, c1)), fraction, cov


def footprints(
    marks: list[Mark],
    shape: tuple[int, int],
    resolution_m: float,
    edge_m: float = 0.3,
    origin_m: tuple[float, float] = (0.0, 0.0),
) -> list[tuple[tuple[slice, slice], np.ndarray] | None]:
    """Each mark's own footprint on the grid: where it disturbs at least half the dust.

    One entry per mark, in order: its window (a pair of slices) and the boolean mask of
    the pixels in it where the disturbed fraction ``f >= 1/2`` (the soft-edged outline of
    a uniform mark; the crater, the fan and the rays of an impact where its ejecta cover
    half the dust; the streaked scour of a blast zone), or None when no pixel is in it.
    Overlapping marks keep their whole footprints (unlike ``rasterise``'s labels).
    """
    out: list[tuple[tuple[slice, slice], np.ndarray] | None] = []
    for mark in marks:
        found = _mark_window(mark, shape, resolution_m, edge_m, origin_m)
        mask = None if found is None else found[1] >= 0.5
        out.append(None if mask is None or not mask.any() else (found[0], mask))
    return out
