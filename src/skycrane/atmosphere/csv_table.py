"""User atmosphere profiles from CSV files.

Meant for a Mars-GRAM or Mars Climate Database export reduced to a few
columns. The format:

* lines starting with ``#`` and blank lines are ignored;
* the first other line is a header naming the columns, each with its unit:
  ``altitude_m`` or ``altitude_km`` (one of them), ``temperature_k``
  (required), ``density_kg_m3`` and ``pressure_pa`` (either, both or none);
* every further line is a data row of numbers, altitude strictly increasing
  (lowest first), between :data:`ALTITUDE_MIN_M` and :data:`ALTITUDE_MAX_M`.

The file is untrusted (:func:`skycrane.untrusted.read_text`): only a regular
file under :data:`~skycrane.untrusted.MAX_TABLE_BYTES` is read, and no error
quotes its contents (a path to ``/etc/passwd`` must not print its first line);
errors give the line and column instead.

A missing column is derived from the ideal-gas law p = rho R T, or, if both
density and pressure are missing, from hydrostatic equilibrium with the
temperatures (:func:`~skycrane.atmosphere.hydrostatic.hydrostatic`); those
paths need the extra arguments they name in their errors.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from os import PathLike
from pathlib import Path

import numpy as np

from skycrane.atmosphere._validate import positive_scalar
from skycrane.atmosphere.hydrostatic import hydrostatic, mars_gravity_m_s2
from skycrane.atmosphere.table import AtmosphereTable
from skycrane.errors import InputError
from skycrane.untrusted import MAX_TABLE_BYTES, read_text

logger = logging.getLogger(__name__)

_ALTITUDE_SCALE_TO_M = {"altitude_m": 1.0, "altitude_km": 1000.0}
_QUANTITIES = ("temperature_k", "density_kg_m3", "pressure_pa")
_KNOWN = (*_ALTITUDE_SCALE_TO_M, *_QUANTITIES)
ALTITUDE_MIN_M = -50_000.0
"""Lowest altitude a table may give [m]: below every planetary surface (Hellas is -8 km)."""
ALTITUDE_MAX_M = 10_000_000.0
"""Highest altitude a table may give [m]: it is resampled every 100 m for the kernel."""


def _sibling(field: str, name: str) -> str:
    """Config key ``name`` next to ``field`` (``atmosphere.table_file`` -> ``atmosphere.name``)."""
    parent, _, _ = field.rpartition(".")
    return f"{parent}.{name}" if parent else name


def _header(cells: list[str], line_no: int, field: str, source: str) -> list[str]:
    """Check the header row and return its column names."""
    names = [cell.strip() for cell in cells]
    expected = "a header of columns among " + ", ".join(_KNOWN)
    for column, name in enumerate(names, start=1):
        if name not in _KNOWN:  # the cell itself is not quoted: the file may be anything
            raise InputError(
                field, source, f"{expected} (column {column} of line {line_no} is not one)"
            )
    if len(set(names)) != len(names):
        raise InputError(field, names, f"each column once (line {line_no} of {source})")
    altitude = [name for name in names if name in _ALTITUDE_SCALE_TO_M]
    if len(altitude) != 1:
        raise InputError(
            field, names, f"exactly one of altitude_m, altitude_km (line {line_no} of {source})"
        )
    if "temperature_k" not in names:
        raise InputError(field, names, f"a temperature_k column (line {line_no} of {source})")
    return names


def _where(line_numbers: list[int], row: int, source: str) -> str:
    """Location of data row ``row`` (0-based) for an error message."""
    return f"line {line_numbers[row]}, data row {row + 1} of {source}"


def _parse(text: str, field: str, source: str) -> tuple[dict[str, np.ndarray], list[int]]:
    """Columns of the CSV text by header name (altitude converted to ``altitude_m``)
    and the file line number of each data row."""
    names: list[str] = []
    rows: list[list[float]] = []
    line_numbers: list[int] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        cells = stripped.split(",")
        if not names:
            names = _header(cells, line_no, field, source)
            continue
        line_numbers.append(line_no)
        where = _where(line_numbers, len(rows), source)
        if len(cells) != len(names):
            raise InputError(
                field, source, f"{len(names)} comma-separated values ({where} has {len(cells)})"
            )
        row = []
        for name, cell in zip(names, cells, strict=True):
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise InputError(field, source, f"a finite number in column '{name}' ({where})")
            row.append(value)
        rows.append(row)
    if not names:
        raise InputError(field, source, "a header row naming the columns, then data rows")
    if len(rows) < 2:
        raise InputError(
            field, source, f"at least 2 data rows after the header (found {len(rows)})"
        )
    data = np.array(rows, dtype=np.float64)
    columns = {name: data[:, j] for j, name in enumerate(names)}
    (altitude_name,) = (name for name in names if name in _ALTITUDE_SCALE_TO_M)
    columns["altitude_m"] = columns.pop(altitude_name) * _ALTITUDE_SCALE_TO_M[altitude_name]
    return columns, line_numbers


def _check_columns(
    columns: dict[str, np.ndarray], line_numbers: list[int], field: str, source: str
) -> None:
    """Strictly increasing altitude and positive quantities, located in the message."""
    altitude = columns["altitude_m"]
    outside = np.flatnonzero((altitude < ALTITUDE_MIN_M) | (altitude > ALTITUDE_MAX_M))
    if outside.size:
        row = outside[0]
        raise InputError(
            field,
            altitude[row],
            f"an altitude from {ALTITUDE_MIN_M:g} m to {ALTITUDE_MAX_M:g} m "
            f"({_where(line_numbers, row, source)})",
        )
    steps = np.flatnonzero(np.diff(altitude) <= 0.0)
    if steps.size:
        row = steps[0] + 1
        raise InputError(
            field,
            altitude[row],
            f"strictly increasing altitude, lowest first: {altitude[row]} m is not above "
            f"{altitude[row - 1]} m ({_where(line_numbers, row, source)}); descending or "
            "repeated altitudes are not accepted",
        )
    for name in _QUANTITIES:
        if name in columns:
            bad = np.flatnonzero(columns[name] <= 0.0)
            if bad.size:
                raise InputError(
                    field,
                    columns[name][bad[0]],
                    f"{name} > 0 ({_where(line_numbers, bad[0], source)})",
                )


def table_from_text(
    text: str,
    gamma: float,
    *,
    name: str,
    source: str,
    field: str = "atmosphere.table_file",
    gas_constant_j_kg_k: float | None = None,
    surface_pressure_pa: float | None = None,
    gravity_m_s2: Callable[[np.ndarray], np.ndarray] | float = mars_gravity_m_s2,
) -> AtmosphereTable:
    """Build a table from CSV text; see :func:`from_csv` for the arguments.

    ``source`` names where the text came from (for error messages) and ``name``
    is the table's name.
    """
    columns, line_numbers = _parse(text, field, source)
    _check_columns(columns, line_numbers, field, source)
    altitude, temperature = columns["altitude_m"], columns["temperature_k"]
    density, pressure = columns.get("density_kg_m3"), columns.get("pressure_pa")
    if density is not None and pressure is not None:
        return AtmosphereTable(name, altitude, density, pressure, temperature, gamma)
    r_field = _sibling(field, "gas_constant_j_kg_k")
    if gas_constant_j_kg_k is None:
        missing = " and ".join(q for q in ("density_kg_m3", "pressure_pa") if q not in columns)
        raise InputError(
            r_field, None, f"a gas constant in J/(kg K): {source} has no {missing} column"
        )
    gas_constant = positive_scalar(gas_constant_j_kg_k, r_field)
    if density is not None:
        logger.info("%s: pressure derived as p = rho R T, R = %g J/(kg K)", source, gas_constant)
        pressure = density * gas_constant * temperature
    elif pressure is not None:
        logger.info("%s: density derived as rho = p/(R T), R = %g J/(kg K)", source, gas_constant)
        density = pressure / (gas_constant * temperature)
    else:
        if surface_pressure_pa is None:
            raise InputError(
                _sibling(field, "surface_pressure_pa"),
                None,
                f"the pressure in Pa at the lowest altitude: {source} has neither "
                "density_kg_m3 nor pressure_pa, so the profile is built hydrostatically",
            )
        logger.info("%s: pressure and density built hydrostatically from temperature", source)
        return hydrostatic(
            altitude,
            temperature,
            positive_scalar(surface_pressure_pa, _sibling(field, "surface_pressure_pa")),
            gas_constant,
            gravity_m_s2,
            gamma,
            name,
        )
    return AtmosphereTable(name, altitude, density, pressure, temperature, gamma)


def from_csv(
    path: str | PathLike[str],
    gamma: float,
    field: str = "atmosphere.table_file",
    *,
    gas_constant_j_kg_k: float | None = None,
    surface_pressure_pa: float | None = None,
    gravity_m_s2: Callable[[np.ndarray], np.ndarray] | float = mars_gravity_m_s2,
) -> AtmosphereTable:
    """Load a user atmosphere profile from a CSV file (format in the module notes).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    gamma : float
        Ratio of specific heats for the speed of sound (dimensionless, > 1).
    field : str
        Config key that named the file; errors name it, and the extra
        arguments below are reported as its siblings
        (``atmosphere.gas_constant_j_kg_k``, ``atmosphere.surface_pressure_pa``).
    gas_constant_j_kg_k : float, optional
        Specific gas constant R in J/(kg K). Required when density or pressure
        is missing; the missing one follows from p = rho R T.
    surface_pressure_pa : float, optional
        Pressure in Pa at the lowest altitude. Required (with R) when both
        density and pressure are missing: the profile is then hydrostatic.
    gravity_m_s2 : callable or float
        Gravity for the hydrostatic case, m/s², constant or a vectorised
        function of altitude in m; default Mars point-mass gravity.

    Returns
    -------
    AtmosphereTable
        Named after the file's stem.

    Raises
    ------
    InputError
        For a missing, unreadable, non-regular or too large file, no header, no or a single data
        row, a non-numeric or NaN cell (with line, row and column),
        non-increasing altitude, a non-positive quantity, or a missing
        argument (named).
    """
    file = Path(path)
    text = read_text(file, field, MAX_TABLE_BYTES, "CSV file")
    return table_from_text(
        text,
        gamma,
        name=file.stem,
        source=str(path),
        field=field,
        gas_constant_j_kg_k=gas_constant_j_kg_k,
        surface_pressure_pa=surface_pressure_pa,
        gravity_m_s2=gravity_m_s2,
    )
