"""Derived quantities of many cases' event states, each case in its own atmosphere and winds.

A Monte Carlo row needs the altitude, speeds, Mach and dynamic pressure at
every event of every case; they come from the kernel's own right-hand side
(:func:`skycrane.propagate.dynamics.rhs`) with each case's parameter row, so
they can never disagree with what the integration flew.
"""

from __future__ import annotations

import numba
import numpy as np

from skycrane._jit_options import WITH_GIL
from skycrane.contract.layout import N_AUX, N_STATE
from skycrane.propagate.dynamics import rhs
from skycrane.propagate.kernel import default_memory


@numba.njit(**WITH_GIL)
def _derived_cases(ys, params, mem, model, aux_out):
    dy = np.empty(N_STATE)
    for i in range(ys.shape[0]):
        for j in range(ys.shape[1]):
            if np.all(np.isfinite(ys[i, j])):
                rhs(0.0, ys[i, j], params[i], mem, model, dy, aux_out[i, j])


def derived_cases(ys: np.ndarray, params: np.ndarray, model: tuple) -> np.ndarray:
    """Configuration-free derived quantities of ``ys[n, k, N_STATE]``, case i with ``params[i]``.

    Altitude, speeds, Mach and dynamic pressure (the quantities that do not
    depend on the vehicle's configuration) in each case's own atmosphere and
    winds; NaN rows stay NaN.
    """
    ys = np.ascontiguousarray(ys, dtype=np.float64)
    params = np.ascontiguousarray(params, dtype=np.float64)
    aux = np.full((*ys.shape[:2], N_AUX), np.nan)
    if ys.shape[0]:
        _derived_cases(ys, params, default_memory(params[0]), model, aux)
    return aux
