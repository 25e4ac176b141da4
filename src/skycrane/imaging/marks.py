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
    the apex (the crater).  The darkening falls linearly to ``1 - fan_falloff``
    of its apex value at the rim.
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
    fan_falloff: float = 0.4

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r} not in {KINDS}")
        if self.shape not in SHAPES:
            raise ValueError(f"shape {self.shape!r} not in {SHAPES}")
        if not 0.0 <= self.darkening <= 1.0:
            raise ValueError(f"darkening {self.darkening} outside [0, 1]")

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
        a_disc = (math.pi - alpha) * r0**2  # rear part of the crater disc
        d_disc = -2.0 * r0 * math.sin(alpha) / (3.0 * (math.pi - alpha))
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


def _signed_distance(mark: Mark, dx: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Approximate signed distance (m, negative inside) and a darkening profile."""
    c, s = math.cos(mark.orientation_rad), math.sin(mark.orientation_rad)
    u = dx * c + dy * s
    v = -dx * s + dy * c
    if mark.shape == "ellipse":
        a, b = mark.semi_major_m, mark.semi_minor_m
        rho = np.sqrt((u / a) ** 2 + (v / b) ** 2)
        return (rho - 1.0) * math.sqrt(a * b), np.ones_like(rho)
    r = np.hypot(u, v)
    phi = np.abs(np.arctan2(v, u))
    sd_angle = r * np.sin(np.clip(phi - mark.half_angle_rad, -np.pi / 2, np.pi / 2))
    sd_fan = np.maximum(r - mark.semi_major_m, sd_angle)
    sd = np.minimum(sd_fan, r - mark.semi_minor_m)
    profile = 1.0 - mark.fan_falloff * np.clip(r / mark.semi_major_m, 0.0, 1.0)
    return sd, profile


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
        Product over marks of ``1 - darkening * coverage``; multiply an image by it.
    labels : ndarray of int32
        Index + 1 of the mark covering each pixel with coverage >= 0.5 (later marks win),
        0 elsewhere: the truth mask.
    coverage : ndarray of float32
        Maximum soft coverage in ``[0, 1]``.
    """
    xs, ys = pixel_grid(shape, resolution_m)
    xs = xs + origin_m[0]
    ys = ys + origin_m[1]
    transmission = np.ones(shape, dtype=np.float32)
    labels = np.zeros(shape, dtype=np.int32)
    coverage = np.zeros(shape, dtype=np.float32)
    edge = max(edge_m, 1e-6)
    for index, mark in enumerate(marks, start=1):
        reach = mark.extent_m + edge
        c0 = int(np.searchsorted(xs, mark.x_m - reach))
        c1 = int(np.searchsorted(xs, mark.x_m + reach))
        # ys decreases with row: flip the search.
        r0 = int(np.searchsorted(-ys, -(mark.y_m + reach)))
        r1 = int(np.searchsorted(-ys, -(mark.y_m - reach)))
        if c1 <= c0 or r1 <= r0:
            continue
        dx = xs[None, c0:c1] - mark.x_m
        dy = ys[r0:r1, None] - mark.y_m
        sd, profile = _signed_distance(mark, dx, dy)
        cov = np.clip(0.5 - sd / edge, 0.0, 1.0).astype(np.float32)
        window = (slice(r0, r1), slice(c0, c1))
        transmission[window] *= 1.0 - mark.darkening * cov * profile.astype(np.float32)
        labels[window][cov >= 0.5] = index
        np.maximum(coverage[window], cov, out=coverage[window])
    return transmission, labels, coverage
