"""Isothermal exponential atmosphere, rho = rho0 exp(-h / H).

The analytic atmosphere of classical entry theory (Allen & Eggers, NACA
Report 1381, 1958, whose trajectory solutions assume rho = rho0 e^(-beta y)).
Because :func:`~skycrane.atmosphere.table.atmosphere_at` interpolates and
extrapolates ln(rho) and ln(p) linearly, a two-node table reproduces the
exponential exactly at every altitude, inside the table or not.
"""

from __future__ import annotations

import math

import numpy as np

from skycrane.atmosphere._validate import positive_scalar
from skycrane.atmosphere.table import AtmosphereTable
from skycrane.errors import InputError


def exponential(
    surface_density_kg_m3: float,
    scale_height_m: float,
    temperature_k: float,
    gamma: float,
    gas_constant_j_kg_k: float,
    top_m: float = 200e3,
) -> AtmosphereTable:
    """Two-node table of an isothermal exponential atmosphere.

    Parameters
    ----------
    surface_density_kg_m3 : float
        Density at altitude 0 in kg/m³, > 0.
    scale_height_m : float
        Density scale height H in m, > 0.
    temperature_k : float
        The (constant) temperature in K, > 0.
    gamma : float
        Ratio of specific heats (dimensionless, > 1).
    gas_constant_j_kg_k : float
        Specific gas constant R in J/(kg K), > 0; pressure is p = rho R T.
    top_m : float
        Altitude of the second node in m, > 0. Any value gives the same
        profile; it only fixes where the table nominally ends.

    Returns
    -------
    AtmosphereTable
        Nodes at 0 and ``top_m``.

    Notes
    -----
    H is taken as given and not tied to R T / g: a hydrostatic isothermal
    atmosphere has H = R T / g (see :func:`~skycrane.atmosphere.hydrostatic`),
    but entry-theory studies often fix rho0 and H directly.

    Raises
    ------
    InputError
        Naming the offending argument (``atmosphere.<argument>``).
    """
    rho0 = positive_scalar(surface_density_kg_m3, "atmosphere.surface_density_kg_m3")
    scale_height = positive_scalar(scale_height_m, "atmosphere.scale_height_m")
    temperature = positive_scalar(temperature_k, "atmosphere.temperature_k")
    gas_constant = positive_scalar(gas_constant_j_kg_k, "atmosphere.gas_constant_j_kg_k")
    top = positive_scalar(top_m, "atmosphere.top_m")
    density = np.array([rho0, rho0 * math.exp(-top / scale_height)])
    if density[1] == 0.0:
        raise InputError(
            "atmosphere.top_m",
            top,
            f"a top where the density {rho0:g} kg/m3 "
            f"times exp(-top/{scale_height:g} m) is still representable",
        )
    return AtmosphereTable(
        name=f"exponential(rho0={rho0:g} kg/m3, H={scale_height:g} m)",
        altitude_m=np.array([0.0, top]),
        density_kg_m3=density,
        pressure_pa=density * gas_constant * temperature,
        temperature_k=np.array([temperature, temperature]),
        gamma=gamma,
    )
