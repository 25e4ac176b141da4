"""Building blocks of the mission-file schema: strict frozen sections, unit-bearing numbers.

Every number is bounded by what is physical, not only by its sign: the upper
bounds below are one to three orders of magnitude beyond any vehicle flown or
planned (Mars 2020 enters at 3.3 t and 5.4 km/s, Starship at ~100 t), so they
refuse a value in the wrong unit or of a planetary scale, never a real design.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(ge=-360.0, le=360.0)]
Mass = Annotated[float, Field(gt=0.0, le=1.0e6)]
"""A hardware mass [kg]: positive, at most 1,000 t."""
Area = Annotated[float, Field(gt=0.0, le=1.0e4)]
"""An aerodynamic reference area [m^2]: positive, at most a 110 m disk."""
Size = Annotated[float, Field(gt=0.0, le=100.0)]
"""A vehicle dimension [m]: positive, at most 100 m."""
Coefficient = Annotated[float, Field(gt=0.0, le=10.0)]
"""A drag coefficient: positive, at most 10 (bluff bodies and parachutes are below 3)."""
Mach = Annotated[float, Field(ge=0.0, le=100.0)]
"""A Mach number of a table: 0 to 100 (entries from orbit fly below Mach 50)."""
Speed = Annotated[float, Field(gt=0.0, le=1.0e5)]
"""A speed [m/s]: positive, at most 100 km/s (Galileo's Jupiter probe entered at 47 km/s)."""
Altitude = Annotated[float, Field(ge=-5.0e4, le=1.0e7)]
"""An altitude [m]: 50 km below the datum (below every surface) to 10,000 km."""
Duration = Annotated[float, Field(ge=0.0, le=86_400.0)]
"""A delay or duration [s]: at most a day."""
Distance = Annotated[float, Field(ge=0.0, le=1.0e7)]
"""A distance over the ground [m]: at most 10,000 km."""
Scale = Annotated[float, Field(gt=0.0, le=100.0)]
"""A multiplier of a physical model: positive, at most 100."""

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
"""Names of bodies, configurations and events: identifiers, so they are safe on a
terminal, in rich markup, in file names and in the Monte Carlo table's columns."""


def check_name(value: str, key: str) -> None:
    """Raise :class:`KeyProblem` unless ``value`` matches :data:`NAME_PATTERN`."""
    if not NAME_PATTERN.fullmatch(value):
        raise KeyProblem(
            key, value, "a name of 1-64 letters, digits and underscores, starting with a letter"
        )


def check_text(value: str, key: str, max_chars: int) -> None:
    """Raise :class:`KeyProblem` unless ``value`` is printable text of at most ``max_chars``.

    Control characters (newlines, ANSI escapes) are refused: a mission name is
    printed on terminals, where they could forge lines or recolour output.
    """
    if len(value) > max_chars:
        raise KeyProblem(key, value, f"at most {max_chars} characters (it has {len(value)})")
    if not value.isprintable():
        raise KeyProblem(key, value, "printable text (no newlines, tabs or control characters)")


class KeyProblem(ValueError):
    """A problem a section's validator found with one of its keys.

    The loader reports it at ``<section path>.<key>``, with ``value`` and
    ``expected``, instead of at the section as a whole.
    """

    def __init__(self, key: str, value: Any, expected: str) -> None:
        super().__init__(f"{key}: {expected}")
        self.key = key
        self.value = value
        self.expected = expected


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def check_mach_table(section: BaseModel, columns: tuple[str, ...]) -> None:
    """A table against Mach: ``mach`` strictly increasing, each column one value per Mach.

    Columns that are None (optional) are skipped. Raises :class:`KeyProblem`.
    """
    n = len(section.mach)
    for key in columns:
        values = getattr(section, key)
        if values is not None and len(values) != n:
            raise KeyProblem(key, values, f"{n} values, one per Mach number in 'mach'")
    if any(b <= a for a, b in zip(section.mach, section.mach[1:], strict=False)):
        raise KeyProblem("mach", section.mach, "strictly increasing Mach numbers")


def require_keys(section: BaseModel, keys: tuple[str, ...], mode_key: str) -> None:
    """Each of ``keys`` must be given because of the value of ``mode_key`` (KeyProblem if not)."""
    for key in keys:
        if getattr(section, key) is None:
            mode = getattr(section, mode_key)
            raise KeyProblem(key, None, f"a value (required when {mode_key} = '{mode}')")
