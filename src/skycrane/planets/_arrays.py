"""Array helpers shared by the vectorised wrappers of :mod:`skycrane.planets`."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from skycrane.errors import InputError


def vec3(value: ArrayLike, field: str) -> np.ndarray:
    """Return ``value`` as a float64 array whose last axis has length 3.

    Raises
    ------
    InputError
        Naming ``field`` when the last axis is missing or not of length 3.
    """
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise InputError(field, arr.shape, "an array of shape (..., 3)")
    return arr


def wrap_360(angle_deg: np.ndarray) -> np.ndarray:
    """Wrap angles to [0, 360) degrees (rounding cannot give 360)."""
    wrapped = np.mod(angle_deg, 360.0)
    return np.where(wrapped >= 360.0, 0.0, wrapped)
