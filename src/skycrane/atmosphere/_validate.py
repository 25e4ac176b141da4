"""Checks shared by the atmosphere and wind tables.

Every failure is an :class:`~skycrane.errors.InputError` naming the field, so a
bad profile is reported in one line at the user boundary and never reaches the
compiled kernels (which do no checking of their own).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from skycrane.errors import InputError


def profile_array(value: Any, field: str, *, min_nodes: int = 1) -> np.ndarray:
    """Return ``value`` as a new, finite, 1-D float64 array.

    Parameters
    ----------
    value : array_like
        Profile column supplied by the user.
    field : str
        Dotted name of the field, used in the error message.
    min_nodes : int
        Smallest acceptable number of entries.

    Raises
    ------
    InputError
        If the value is not numeric, not 1-D, too short, or holds NaN or infinity.
    """
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(field, value, "a 1-D sequence of numbers") from exc
    if array.ndim != 1 or array.size < min_nodes:
        raise InputError(field, value, f"a 1-D sequence of at least {min_nodes} numbers")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InputError(field, value, f"finite numbers (entry {bad[0]} is {array[bad[0]]})")
    return array


def require_positive(array: np.ndarray, field: str) -> None:
    """Raise :class:`InputError` unless every entry of ``array`` is > 0."""
    bad = np.flatnonzero(array <= 0.0)
    if bad.size:
        raise InputError(field, array, f"values > 0 (entry {bad[0]} is {array[bad[0]]})")


def require_increasing(altitude_m: np.ndarray, field: str) -> None:
    """Raise :class:`InputError` unless ``altitude_m`` is strictly increasing."""
    bad = np.flatnonzero(np.diff(altitude_m) <= 0.0)
    if bad.size:
        i = bad[0]
        raise InputError(
            field,
            altitude_m,
            "strictly increasing altitudes, lowest first "
            f"(entry {i + 1} = {altitude_m[i + 1]} m is not above entry {i} = {altitude_m[i]} m)",
        )


def require_same_size(array: np.ndarray, field: str, size: int, reference_field: str) -> None:
    """Raise :class:`InputError` unless ``array`` has ``size`` entries."""
    if array.size != size:
        raise InputError(
            field, array, f"{size} entries, one per node of {reference_field} (got {array.size})"
        )


def positive_scalar(value: Any, field: str, *, above: float = 0.0) -> float:
    """Return ``value`` as a finite float strictly greater than ``above``."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(field, value, f"a number > {above}") from exc
    if isinstance(value, bool) or not math.isfinite(number) or number <= above:
        raise InputError(field, value, f"a finite number > {above}")
    return number


def frozen(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only and return it (it must be a private copy)."""
    array.setflags(write=False)
    return array
