"""The Mars reference profile: the Mars-GRAM average atmosphere.

The profile (0–125 km above the areoid every 5 km: temperature, pressure and
density) is the Mars-GRAM (NASA Marshall Mars Global Reference Atmospheric
Model) average table of the project's REFERENCE.md, shipped as
``atmosphere/data/mars_gram_average.csv``. Its densities and pressures are used
as printed: its p/(rho T) is 189 J/(kg K) up to 75 km and about 200 above
(composition changes), and its pressures are not hydrostatic with any single
gas constant, so re-deriving them from the temperatures would change the
densities by up to tens of percent (measured in ``docs/atmosphere.md``).
"""

from __future__ import annotations

from importlib.resources import files

from skycrane.atmosphere.csv_table import table_from_text
from skycrane.atmosphere.table import AtmosphereTable

_DATA_FILE = "data/mars_gram_average.csv"


def mars_gram_average(gamma: float = 1.29) -> AtmosphereTable:
    """Mars-GRAM average atmosphere, 0–125 km, as shipped with skycrane.

    Parameters
    ----------
    gamma : float
        Ratio of specific heats of the CO₂ atmosphere (dimensionless, > 1).
        REFERENCE.md gives 1.29–1.33; the default is the lower end.

    Returns
    -------
    AtmosphereTable
        26 nodes every 5 km; the speed of sound follows from the table's own
        p/rho. Beyond 125 km density and pressure continue along the 120–125 km
        log-linear segment and temperature is held (see
        :func:`~skycrane.atmosphere.table.atmosphere_at`).
    """
    text = files("skycrane.atmosphere").joinpath(_DATA_FILE).read_text(encoding="utf-8")
    return table_from_text(
        text,
        gamma,
        name="mars_gram_average",
        source=f"skycrane.atmosphere/{_DATA_FILE}",
        field="atmosphere.mars_gram_average",
    )
