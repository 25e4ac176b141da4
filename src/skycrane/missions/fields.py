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
