"""Vehicle models: aeroshell aerodynamics, heating, parachutes, engines."""

from skycrane.vehicle.aerodynamics import AeroBank, AeroTable, aero_coefficients, interp_clamped
from skycrane.vehicle.heating import (
    SUTTON_GRAVES_AIR,
    SUTTON_GRAVES_MARS,
    brandis_johnston_convective,
    brandis_johnston_radiative,
    heat_rate_w_cm2,
    heat_rates_w_cm2,
    sutton_graves_w_m2,
    tauber_sutton_earth,
)

__all__ = [
    "SUTTON_GRAVES_AIR",
    "SUTTON_GRAVES_MARS",
    "AeroBank",
    "AeroTable",
    "aero_coefficients",
    "brandis_johnston_convective",
    "brandis_johnston_radiative",
    "heat_rate_w_cm2",
    "heat_rates_w_cm2",
    "interp_clamped",
    "sutton_graves_w_m2",
    "tauber_sutton_earth",
]
