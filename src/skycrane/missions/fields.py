"""Building blocks of the mission-file schema: strict frozen sections, unit-bearing numbers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(ge=-360.0, le=360.0)]


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
