"""Horizontal wind profiles.

Wind is the velocity of the air mass relative to the planet's surface, given
as east and north components in m/s: a wind *from* the west blows the air
*toward* the east and is ``east_m_s > 0`` (the NESC check cases 7 and 8 use the
same convention, NASA/TM-2015-218675). Between nodes the components are
linear in altitude; beyond the ends they are held at the end values, so a
one-node profile is a steady wind at every altitude.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import ArrayLike

from skycrane._jit_options import PYTHON_ERRORS
from skycrane.atmosphere._validate import (
    frozen,
    profile_array,
    require_increasing,
    require_same_size,
)


@numba.njit(**PYTHON_ERRORS)
def wind_at(h_m, h_tab, east_tab, north_tab):
    """East and north wind in m/s at one altitude.

    Parameters
    ----------
    h_m : float
        Altitude in m.
    h_tab : numpy.ndarray
        Node altitudes in m, strictly increasing, at least 1 node.
    east_tab, north_tab : numpy.ndarray
        Wind components at the nodes in m/s (air velocity toward east / north).

    Returns
    -------
    tuple of float
        ``(east_m_s, north_m_s)``: linear between nodes, held beyond the ends;
        NaN if ``h_m`` is NaN.
    """
    if np.isnan(h_m):
        return np.nan, np.nan
    n = h_tab.shape[0]
    if h_m <= h_tab[0]:
        return east_tab[0], north_tab[0]
    if h_m >= h_tab[n - 1]:
        return east_tab[n - 1], north_tab[n - 1]
    i = np.searchsorted(h_tab, h_m, side="right") - 1
    fraction = (h_m - h_tab[i]) / (h_tab[i + 1] - h_tab[i])
    east = east_tab[i] + fraction * (east_tab[i + 1] - east_tab[i])
    north = north_tab[i] + fraction * (north_tab[i + 1] - north_tab[i])
    return east, north


@numba.njit(**PYTHON_ERRORS)
def _wind_many(h_flat, h_tab, east_tab, north_tab):
    """Apply :func:`wind_at` to each entry of a 1-D array; rows east, north."""
    out = np.empty((2, h_flat.shape[0]))
    for k in range(h_flat.shape[0]):
        out[0, k], out[1, k] = wind_at(h_flat[k], h_tab, east_tab, north_tab)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class WindProfile:
    """A tabulated horizontal wind, validated and immutable.

    Parameters
    ----------
    altitude_m : array_like
        Node altitudes in m, strictly increasing, at least 1 node.
    east_m_s : array_like
        Eastward component of the air velocity relative to the surface, m/s.
    north_m_s : array_like
        Northward component of the air velocity relative to the surface, m/s.

    Raises
    ------
    InputError
        Naming the offending field (``wind.<field>``).

    Notes
    -----
    Arrays are stored as read-only float64 copies; equality is identity.
    """

    altitude_m: np.ndarray
    east_m_s: np.ndarray
    north_m_s: np.ndarray

    def __post_init__(self) -> None:
        altitude = profile_array(self.altitude_m, "wind.altitude_m")
        require_increasing(altitude, "wind.altitude_m")
        object.__setattr__(self, "altitude_m", frozen(altitude))
        for field in ("east_m_s", "north_m_s"):
            values = profile_array(getattr(self, field), f"wind.{field}")
            require_same_size(values, f"wind.{field}", altitude.size, "wind.altitude_m")
            object.__setattr__(self, field, frozen(values))

    @staticmethod
    def calm() -> WindProfile:
        """No wind at any altitude."""
        return WindProfile(altitude_m=[0.0], east_m_s=[0.0], north_m_s=[0.0])

    def is_calm(self) -> bool:
        """No wind at any node (so none at any altitude)."""
        return not (np.any(self.east_m_s != 0.0) or np.any(self.north_m_s != 0.0))

    def kernel_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(altitude_m, east_m_s, north_m_s)``, read-only float64, for :func:`wind_at`."""
        return self.altitude_m, self.east_m_s, self.north_m_s

    def evaluate(self, altitude_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """East and north wind in m/s at any array of altitudes (m), via :func:`wind_at`.

        Returns
        -------
        tuple of numpy.ndarray
            ``(east_m_s, north_m_s)``, each with the shape of ``altitude_m``.
        """
        h = np.asarray(altitude_m, dtype=np.float64)
        east, north = _wind_many(np.ravel(h), *self.kernel_arrays())
        return east.reshape(h.shape), north.reshape(h.shape)
