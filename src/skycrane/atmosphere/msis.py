"""NRLMSIS 2.1 through the optional ``pymsis`` package (``pip install skycrane[msis]``).

NRLMSIS 2.1 (Emmert et al., "NRLMSIS 2.1: An Empirical Model of Nitric Oxide
Incorporated Into MSIS", J. Geophys. Res. Space Physics 127, e2022JA030896,
2022; MSIS 2.0: Emmert et al., Earth and Space Science 8, e2020EA001321, 2021)
gives temperature and the number densities of N2, O2, O, He, H, Ar, N,
anomalous O and NO, and the total mass density, from the ground to the
exosphere, for one time, place and space-weather state. ``pymsis`` (MIT
wrapper; the MSIS code itself is NRL's, licensed for non-commercial use only,
so it is never vendored here) runs the compiled model.

Nothing is downloaded: ``pymsis.calculate`` fetches the CelesTrak space-weather
file only when one of F10.7, its 81-day mean or ap is missing, and
:func:`msis` always passes all three.

The table holds, at nodes every ``spacing_m`` from 0 to ``top_m`` (altitude
above the geoid, km for pymsis): the total mass density (kg/m^3), pressure
P = n k T from the sum of the number densities (NIST k = 1.380649e-23 J/K),
and the temperature; the kernel forms the speed of sound from p/rho.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import numpy as np

from skycrane.atmosphere._validate import positive_scalar
from skycrane.atmosphere.table import AtmosphereTable
from skycrane.errors import InputError

BOLTZMANN_J_K = 1.380649e-23
"""Boltzmann constant (SI 2019, exact), J/K."""
INSTALL_HINT = "the optional pymsis package: pip install skycrane[msis]"
_FIELD = "atmosphere.msis"
_AP_MAX = 400.0  # the ap scale ends at 400


def _time(value: Any) -> np.datetime64:
    """A UTC time from ISO 8601 text or a datetime (either may carry a UTC offset, such as
    ``Z`` or ``-08:00``, and is then converted to UTC), or a numpy datetime64.

    Relative words numpy would accept ("now", "today") are refused: a profile must
    be reproducible from its mission file.
    """
    field = f"{_FIELD}.time_utc"
    expected = "an ISO 8601 UTC time such as '2022-12-11T17:20:14'"
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise InputError(field, value, expected) from exc
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    try:
        time = np.datetime64(value, "s")
    except (TypeError, ValueError) as exc:
        raise InputError(field, value, expected) from exc
    if np.isnat(time):
        raise InputError(field, value, f"{expected}, not NaT")
    return time


def _ap(value: Any) -> tuple[list[float], bool]:
    """pymsis' 7-element ap vector from a daily Ap or from 7 values, each in [0, 400];
    and whether the 3-hourly history was given (then MSIS's storm-time mode uses it)."""
    expected = (
        "a daily Ap or 7 values (daily Ap, 3-h ap now, -3, -6, -9 h, 12-33 h and "
        f"36-57 h means), each in [0, {_AP_MAX:g}]"
    )
    try:
        values = np.atleast_1d(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{_FIELD}.ap", value, expected) from exc
    history = values.shape == (7,)
    if values.shape == (1,):
        values = np.full(7, values[0])
    if values.shape != (7,) or not np.all((values >= 0.0) & (values <= _AP_MAX)):
        raise InputError(f"{_FIELD}.ap", value, expected)
    return values.tolist(), history


def _bounded(value: Any, name: str, low: float, high: float, what: str) -> float:
    """``value`` as a finite float in [low, high], else InputError naming the field."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{_FIELD}.{name}", value, f"{what} in [{low:g}, {high:g}]") from exc
    if isinstance(value, bool) or not math.isfinite(number) or not low <= number <= high:
        raise InputError(f"{_FIELD}.{name}", value, f"{what} in [{low:g}, {high:g}]")
    return number


def msis(
    time_utc: Any,
    latitude_deg: float,
    longitude_deg: float,
    f107_sfu: float,
    f107a_sfu: float,
    ap: Any,
    *,
    spacing_m: float = 250.0,
    top_m: float = 200_000.0,
    gamma: float = 1.4,
) -> AtmosphereTable:
    """NRLMSIS 2.1 profile above one place at one time, tabulated for the kernel.

    Parameters
    ----------
    time_utc : str, datetime.datetime or numpy.datetime64
        UTC time, ISO 8601 (``"2022-12-11T17:20:14"``); text or a datetime with a
        UTC offset (``Z``, ``-08:00``) is converted to UTC.
    latitude_deg, longitude_deg : float
        Geodetic latitude in [-90, 90] and longitude in [-360, 360] degrees.
    f107_sfu, f107a_sfu : float
        F10.7 solar radio flux of the previous day and its 81-day centred mean,
        in solar flux units (1e-22 W/(m^2 Hz)), in [1, 1000].
    ap : float or sequence of 7 floats
        Daily Ap; or pymsis' 7-element ap vector (daily Ap, 3-h ap now, 3, 6
        and 9 h before, means over 12-33 h and 36-57 h before), which selects
        MSIS's storm-time ap mode (switch 9 = -1) so the 3-hourly history is
        used. Each in [0, 400].
    spacing_m : float
        Node spacing in m, > 0 (the table resamples to <= 100 m).
    top_m : float
        Highest node in m, in (0, 1 000 000].
    gamma : float
        Ratio of specific heats, > 1.

    Returns
    -------
    AtmosphereTable
        Named ``"msis"``.

    Raises
    ------
    InputError
        Naming ``atmosphere.msis.<field>``; or ``atmosphere.model`` if pymsis is
        not installed.
    """
    try:
        import pymsis  # optional dependency: imported only when asked for
    except ImportError as exc:
        raise InputError("atmosphere.model", "msis", INSTALL_HINT) from exc
    time = _time(time_utc)
    latitude = _bounded(latitude_deg, "latitude_deg", -90.0, 90.0, "a latitude (deg)")
    longitude = _bounded(longitude_deg, "longitude_deg", -360.0, 360.0, "a longitude (deg)")
    fluxes = [
        _bounded(value, name, 1.0, 1000.0, "a solar radio flux (sfu)")
        for name, value in (("f107_sfu", f107_sfu), ("f107a_sfu", f107a_sfu))
    ]
    aps, history = _ap(ap)
    spacing = positive_scalar(spacing_m, "atmosphere.spacing_m")
    top = positive_scalar(top_m, "atmosphere.top_m")
    if top > 1.0e6:
        raise InputError("atmosphere.top_m", top_m, "a top altitude <= 1 000 000 m")
    altitude = np.linspace(0.0, top, math.ceil(top / spacing) + 1)
    out = pymsis.calculate(
        [time],
        [longitude],
        [latitude],
        altitude / 1e3,
        f107s=[fluxes[0]],
        f107as=[fluxes[1]],
        aps=[aps],
        version=2.1,
        geomagnetic_activity=-1 if history else 1,
    )
    out = np.asarray(out, dtype=np.float64).reshape(altitude.size, -1)
    density = out[:, pymsis.Variable.MASS_DENSITY]
    temperature = out[:, pymsis.Variable.TEMPERATURE]
    species = out[:, pymsis.Variable.N2 : pymsis.Variable.NO + 1]
    pressure = np.nansum(species, axis=1) * BOLTZMANN_J_K * temperature
    return AtmosphereTable(
        name="msis",
        altitude_m=altitude,
        density_kg_m3=density,
        pressure_pa=pressure,
        temperature_k=temperature,
        gamma=gamma,
    )
