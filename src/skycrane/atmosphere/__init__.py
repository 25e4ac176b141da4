"""Atmosphere models: one table interface for every profile, and winds.

Every model returns an :class:`AtmosphereTable` evaluated by the single
compiled kernel :func:`atmosphere_at` (log-linear density and pressure, linear
temperature); winds are a :class:`WindProfile` evaluated by :func:`wind_at`.
"""

from skycrane.atmosphere.csv_table import from_csv
from skycrane.atmosphere.exponential import exponential
from skycrane.atmosphere.hydrostatic import hydrostatic, mars_gravity_m_s2
from skycrane.atmosphere.mars import mars_gram_average
from skycrane.atmosphere.msis import msis
from skycrane.atmosphere.table import AtmosphereState, AtmosphereTable, atmosphere_at
from skycrane.atmosphere.us76 import us76, us76_properties
from skycrane.atmosphere.wind import WindProfile, wind_at

__all__ = [
    "AtmosphereState",
    "AtmosphereTable",
    "WindProfile",
    "atmosphere_at",
    "exponential",
    "from_csv",
    "hydrostatic",
    "mars_gram_average",
    "mars_gravity_m_s2",
    "msis",
    "us76",
    "us76_properties",
    "wind_at",
]
