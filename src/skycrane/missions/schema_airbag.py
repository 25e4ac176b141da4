"""The ``[vehicle.airbags]`` section: a capsule's vented landing airbags and its wind limit.

The bags are identical horizontal cylinders of inextensible fabric sharing the
capsule's weight, each venting through an orifice that opens at
``vent_open_pressure_pa`` (the model: :mod:`skycrane.landing_airbag`,
docs/starliner.md). Pressures are absolute. ``surface_wind_max_m_s`` is the
landing rules' surface-wind limit the run checks the touchdown against.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from skycrane.landing_airbag import N2_GAS_CONSTANT_J_KG_K
from skycrane.missions.fields import KeyProblem, Section, Size

Pressure = Annotated[float, Field(gt=1.0e3, le=1.0e7)]
"""An absolute pressure [Pa]: from a near vacuum to 100 bar."""


class AirbagSpec(Section):
    """Vented gas bags under the capsule (Esgar & Morgan, NASA TR R-75, 1960)."""

    count: Annotated[int, Field(ge=1, le=24)]
    radius_m: Size
    """Radius of one bag's circular cross-section, inflated."""
    length_m: Size
    """Length of one bag along its axis, which lies parallel to the ground."""
    inflation_pressure_pa: Pressure
    vent_area_m2: Annotated[float, Field(ge=0.0, le=10.0)]
    """Orifice area of one bag; 0 is a closed bag."""
    vent_open_pressure_pa: Pressure
    discharge_coefficient: Annotated[float, Field(gt=0.0, le=1.0)] = 0.6
    gas_gamma: Annotated[float, Field(gt=1.0, lt=2.0)] = 1.4
    gas_constant_j_kg_k: Annotated[float, Field(ge=50.0, le=5000.0)] = N2_GAS_CONSTANT_J_KG_K
    """Specific gas constant of the filling gas (default nitrogen)."""
    friction_coefficient: Annotated[float, Field(ge=0.0, le=2.0)] = 0.5
    """Sliding friction between the loaded bags and the ground."""
    surface_wind_max_m_s: Annotated[float, Field(gt=0.0, le=100.0)]
    """The landing rules' surface-wind limit (the run reports pass or fail)."""

    @model_validator(mode="after")
    def _vent_after_fill(self) -> AirbagSpec:
        if self.vent_open_pressure_pa < self.inflation_pressure_pa:
            raise KeyProblem(
                "vent_open_pressure_pa",
                self.vent_open_pressure_pa,
                f">= inflation_pressure_pa ({self.inflation_pressure_pa:g} Pa): a vent open "
                "before the stroke begins empties the bag",
            )
        return self
