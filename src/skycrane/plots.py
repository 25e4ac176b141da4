"""Figures of a result: ``skycrane.plots.<name>(result)`` (see :mod:`skycrane.output.plots`).

The same figures are methods of ``result.plot`` (:class:`skycrane.output.accessor.ResultPlots`).
"""

from skycrane.output.plots import (
    FIGURES,
    all_figures,
    altitude_mach,
    altitude_speed,
    bank,
    debris_map,
    entry_loads,
    guidance_errors,
    parachute_phase,
    powered_descent,
    site_map,
)
from skycrane.output.plots_capsule import altitude_range, heating

__all__ = [
    "FIGURES",
    "all_figures",
    "altitude_mach",
    "altitude_range",
    "altitude_speed",
    "bank",
    "debris_map",
    "entry_loads",
    "guidance_errors",
    "heating",
    "parachute_phase",
    "powered_descent",
    "site_map",
]
