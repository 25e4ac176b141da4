"""Pack the shared physical models into the plain tuple the kernel reads.

The tuple's order is the contract with :func:`skycrane.propagate.dynamics.rhs`:
(planet constants, atmosphere altitude, ln density, ln pressure, temperature,
gamma, wind-on flag, wind altitude, wind east, wind north, aero Mach, aero C_D,
aero C_L, aero table lengths).
"""

from __future__ import annotations

import numpy as np

from skycrane.atmosphere.table import AtmosphereTable
from skycrane.atmosphere.wind import WindProfile
from skycrane.planets.constants import Planet
from skycrane.vehicle.aerodynamics import AeroBank


def build_model(
    planet: Planet, atmosphere: AtmosphereTable, wind: WindProfile, aero: AeroBank
) -> tuple:
    """Kernel model tuple from validated model objects (see module docstring)."""
    h, ln_rho, ln_p, temp = atmosphere.kernel_arrays()
    wind_h, wind_e, wind_n = wind.kernel_arrays()
    wind_on = bool(np.any(wind_e != 0.0) or np.any(wind_n != 0.0))
    return (
        np.ascontiguousarray(planet.kernel_constants(), dtype=np.float64),
        h,
        ln_rho,
        ln_p,
        temp,
        float(atmosphere.gamma),
        wind_on,
        wind_h,
        wind_e,
        wind_n,
        np.ascontiguousarray(aero.mach),
        np.ascontiguousarray(aero.cd),
        np.ascontiguousarray(aero.cl),
        np.ascontiguousarray(aero.n, dtype=np.int64),
    )
