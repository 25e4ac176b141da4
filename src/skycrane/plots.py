"""Figures of a result: ``skycrane.plots.<name>(result)`` (see :mod:`skycrane.output.plots`)."""

from skycrane.output.plots import (
    FIGURES,
    all_figures,
    altitude_mach,
    altitude_speed,
    bank,
    entry_loads,
    parachute_phase,
    powered_descent,
    site_map,
)

__all__ = [
    "FIGURES",
    "all_figures",
    "altitude_mach",
    "altitude_speed",
    "bank",
    "entry_loads",
    "parachute_phase",
    "powered_descent",
    "site_map",
]
