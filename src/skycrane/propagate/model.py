"""Pack the shared physical models into the plain tuple the kernel reads.

The tuple's slots (constants below) are the contract with the compiled code:
planet constants; atmosphere altitude, ln density, ln pressure, temperature,
gamma; wind flag and profile; aerodynamic bank (Mach, C_D, C_L, lengths);
parachute drag table (Mach, C_D); entry-guidance reference table and gains;
the sequence table; the table of jettisoned bodies; the site's terrain relief
grid and its geometry (skycrane.terrain.grid.LocalTerrain.kernel_arrays); the
safe-target map (uint8, 1 where landing is safe, rows northward, columns
eastward) and its grid (east and north of the first cell's corner from the
target, cell size, m; guidance.terrain_nav.HazardMap); the parachute-cluster table
(N_CL_ROWS x clusters, contract.fields_chutes); the skip-entry guidance's own density
table (row 0 altitude nodes, m; row 1 ln density; empty without skip guidance).
"""

from __future__ import annotations

import numpy as np

from skycrane.atmosphere.table import AtmosphereTable
from skycrane.atmosphere.wind import WindProfile
from skycrane.contract.layout import N_B_ROWS, N_CL_ROWS, N_SQ_ROWS, N_TG
from skycrane.planets.constants import Planet
from skycrane.vehicle.aerodynamics import AeroBank
from skycrane.vehicle.parachute import DGB_CD, DGB_MACH

PLANET = 0
CHUTE_MACH = 14
CHUTE_CD = 15
ENTRY_REF = 16
ENTRY_GAINS = 17
SEQ_TABLE = 18
BODY_TABLE = 19
TERRAIN_RELIEF = 20
TERRAIN_GEOM = 21
HAZARD_MAP = 22
HAZARD_GRID = 23
CLUSTER_TABLE = 24
SKIP_DENSITY = 25
N_MODEL = 26


def _f64(a: np.ndarray, ndim: int) -> np.ndarray:
    out = np.ascontiguousarray(a, dtype=np.float64)
    if out.ndim != ndim:
        raise ValueError(f"model array has {out.ndim} dimensions, expected {ndim}")
    return out


def freeze_model(model: tuple) -> tuple:
    """The model tuple with every array a read-only view (no copy).

    numba compiles one machine-code version per argument type, and a
    writeable array is a different type from a read-only one. Tables that
    come from validated objects are read-only, an unpickled copy of them
    (a worker process, a Dask worker) is not: without this each would
    compile, and cache, the whole kernel a second time.
    """
    out = []
    for item in model:
        if isinstance(item, np.ndarray):
            item = item.view()
            item.setflags(write=False)
        out.append(item)
    return tuple(out)


def build_model(
    planet: Planet,
    atmosphere: AtmosphereTable,
    wind: WindProfile,
    aero: AeroBank,
    *,
    chute: tuple[np.ndarray, np.ndarray] = (DGB_MACH, DGB_CD),
    entry_guidance: tuple[np.ndarray, np.ndarray] | None = None,
    sequence: np.ndarray | None = None,
    bodies: np.ndarray | None = None,
    terrain: tuple[np.ndarray, np.ndarray] | None = None,
    hazard: tuple[np.ndarray, np.ndarray] | None = None,
    clusters: np.ndarray | None = None,
    skip_density: np.ndarray | None = None,
) -> tuple:
    """Kernel model tuple from validated model objects (see module docstring).

    Missing guidance tables, sequence, bodies, terrain, safe-target map, clusters or the skip
    guidance's density table are empty arrays of the right rank, so every model tuple has
    the same compiled type. ``chute`` is the disk-gap-band's (Mach nodes, C_D);
    ``entry_guidance`` the terminal point controller's (reference table, gains). ``terrain`` is
    ``(relief[n_north, n_east], geom[N_TG])``; without it
    the ground is the target's altitude everywhere. ``hazard`` is (safe cells,
    grid) of guidance.terrain_nav.HazardMap.kernel_arrays.
    """
    relief, geom = (np.zeros((0, 0)), np.zeros(N_TG)) if terrain is None else terrain
    entry_ref, entry_gains = (None, None) if entry_guidance is None else entry_guidance
    h, ln_rho, ln_p, temp = atmosphere.kernel_arrays()
    wind_h, wind_e, wind_n = wind.kernel_arrays()
    wind_on = not wind.is_calm()
    return freeze_model(
        (
            _f64(planet.kernel_constants(), 1),
            h,
            ln_rho,
            ln_p,
            temp,
            float(atmosphere.gamma),
            wind_on,
            wind_h,
            wind_e,
            wind_n,
            _f64(aero.mach, 2),
            _f64(aero.cd, 2),
            _f64(aero.cl, 2),
            np.ascontiguousarray(aero.n, dtype=np.int64),
            _f64(chute[0], 1),
            _f64(chute[1], 1),
            _f64(np.zeros((8, 2)) if entry_ref is None else entry_ref, 2),
            _f64(np.zeros(16) if entry_gains is None else entry_gains, 1),
            _f64(np.zeros((N_SQ_ROWS, 0)) if sequence is None else sequence, 2),
            _f64(np.zeros((N_B_ROWS, 0)) if bodies is None else bodies, 2),
            _f64(relief, 2),
            _f64(geom, 1),
            np.ascontiguousarray(np.zeros((0, 0)) if hazard is None else hazard[0], dtype=np.uint8),
            _f64(np.zeros(3) if hazard is None else hazard[1], 1),
            _f64(np.zeros((N_CL_ROWS, 0)) if clusters is None else clusters, 2),
            _f64(np.zeros((2, 0)) if skip_density is None else skip_density, 2),
        )
    )
