"""Dispersion ellipses of 2-D points, with the probability each actually contains.

For points with mean m and sample covariance C, the ellipse of scale k is
{x : (x - m)^T C^-1 (x - m) <= k^2}. If the points were Gaussian, it would hold
the probability 1 - exp(-k^2 / 2) (the chi-square law with 2 degrees of
freedom; e.g. Wang et al., "Confidence Analysis of Standard Deviational
Ellipse", Annals of the AAG 105(2), 2015), so k = 3.035 for 99 % and k = 3 holds
98.89 %. Landing footprints are rarely Gaussian, so every ellipse here also
states the fraction of the points it really contains, and the *empirical*
99 % ellipse takes k as the 99th percentile of the points' Mahalanobis
distances, so it contains 99 % of them by construction.

Semi-axes are k times the square roots of C's eigenvalues; the azimuth is the
major axis's direction clockwise from north, in [0, 180) degrees.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Ellipse:
    """An ellipse in a local east-north frame (metres)."""

    center_east_m: float
    center_north_m: float
    semi_major_m: float
    semi_minor_m: float
    azimuth_deg: float
    k: float
    gaussian_probability: float
    contained_fraction: float
    n_points: int

    @property
    def major_km(self) -> float:
        """Full length of the major axis, km (how landing ellipses are quoted)."""
        return 2.0 * self.semi_major_m / 1000.0

    @property
    def minor_km(self) -> float:
        return 2.0 * self.semi_minor_m / 1000.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out["major_km"] = self.major_km
        out["minor_km"] = self.minor_km
        return out

    def boundary(self, n: int = 181) -> np.ndarray:
        """``n`` points (east, north) on the ellipse, closed."""
        a = np.radians(self.azimuth_deg)
        major = np.array([math.sin(a), math.cos(a)])
        minor = np.array([math.cos(a), -math.sin(a)])
        th = np.linspace(0.0, 2.0 * np.pi, n)
        pts = np.cos(th)[:, None] * self.semi_major_m * major
        pts += np.sin(th)[:, None] * self.semi_minor_m * minor
        return pts + np.array([self.center_east_m, self.center_north_m])


def _moments(east: np.ndarray, north: np.ndarray):
    xy = np.column_stack([east, north]).astype(float)
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if xy.shape[0] < 3:
        raise ValueError(f"{xy.shape[0]} finite points: an ellipse needs at least 3")
    mean = xy.mean(axis=0)
    cov = np.cov(xy.T)
    return xy, mean, cov


def _mahalanobis(xy, mean, cov) -> np.ndarray:
    d = xy - mean
    inv = np.linalg.pinv(cov)
    return np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", d, inv, d), 0.0))


def _ellipse(xy, mean, cov, k: float) -> Ellipse:
    w, v = np.linalg.eigh(cov)
    major = v[:, 1]
    azimuth = math.degrees(math.atan2(major[0], major[1])) % 180.0
    dist = _mahalanobis(xy, mean, cov)
    return Ellipse(
        center_east_m=float(mean[0]),
        center_north_m=float(mean[1]),
        semi_major_m=float(k * math.sqrt(max(w[1], 0.0))),
        semi_minor_m=float(k * math.sqrt(max(w[0], 0.0))),
        azimuth_deg=float(azimuth),
        k=float(k),
        gaussian_probability=float(1.0 - math.exp(-0.5 * k * k)),
        contained_fraction=float(np.mean(dist <= k * (1.0 + 1e-12))),
        n_points=int(xy.shape[0]),
    )


def gaussian_ellipse(east, north, probability: float | None = None, sigma: float | None = None):
    """The covariance ellipse holding ``probability`` if the points were Gaussian (or k = sigma)."""
    if (probability is None) == (sigma is None):
        raise ValueError("give exactly one of probability and sigma")
    k = sigma if sigma is not None else math.sqrt(-2.0 * math.log1p(-probability))
    xy, mean, cov = _moments(np.asarray(east), np.asarray(north))
    return _ellipse(xy, mean, cov, float(k))


def empirical_ellipse(east, north, probability: float = 0.99) -> Ellipse:
    """The covariance-shaped ellipse that contains ``probability`` of the points."""
    xy, mean, cov = _moments(np.asarray(east), np.asarray(north))
    k = float(np.quantile(_mahalanobis(xy, mean, cov), probability, method="higher"))
    return _ellipse(xy, mean, cov, k)
