"""Per-case atmosphere perturbations: density, temperature and wind profiles correlated in altitude.

A Monte Carlo case flies the nominal table multiplied by a smooth perturbation
profile held in its parameter row (``layout.P_ATM_*``): at nodes on a uniform
altitude grid, the density factor rho / rho_nominal and the speed-of-sound
factor sqrt(T / T_nominal) (the ideal-gas sound speed scales as sqrt(T)). On
the same nodes a case may carry an east and a north wind perturbation in m/s
(``layout.P_WIND_DE0``, ``P_WIND_DN0``, switched on by ``P_WIND_PERT``), added
to the mission's wind profile: each component a Gaussian process in altitude
drawn like the density one (:func:`band_covariance`), the two independent.

Drawing (Python, :func:`band_covariance`): the node values are a zero-mean
Gaussian process in altitude with a standard deviation that grows with
altitude and an exponential (first-order Gauss–Markov) correlation
``exp(-|h_i - h_j| / L)``, the form Mars-GRAM's perturbation model uses for its
correlated random density perturbations (Justh & Justus, "Mars Global Reference
Atmospheric Model 2010 Version: Users Guide", NASA/TM-2014-217499, sec. 2.5).
Densities are log-normal, so the upper tail reaches well beyond the 1-sigma band
while a density can never become negative. Alternatively a case takes the
ratio of a user-supplied table to the nominal one at the nodes
(:func:`table_ratio_nodes`).

Evaluating (compiled, :func:`perturbation_at`): between nodes the factors
blend with the smoothstep s(x) = x^2 (3 - 2x), so the profile is continuously
differentiable in altitude (a kink would cost the integrator rejected steps
at every node) and costs no exponential in the right-hand side; beyond the
end nodes it is held.
"""

from __future__ import annotations

import numba
import numpy as np

from skycrane._jit_options import SCALAR
from skycrane.contract.layout import (
    ATM_MAX_NODES,
    P_ATM_DH_M,
    P_ATM_H0_M,
    P_ATM_N,
    P_ATM_RHO0,
    P_ATM_SOUND0,
    P_WIND_DE0,
    P_WIND_DN0,
    P_WIND_PERT,
)


@numba.njit(**SCALAR)
def _blend_pair(h_m, p, first_a, first_b):
    """Two node profiles of row ``p`` (slots from ``first_a``, ``first_b``) at ``h_m``.

    On the grid P_ATM_H0_M + k P_ATM_DH_M, k < P_ATM_N (at least one node);
    smoothstep-blended between nodes, held beyond the end nodes (and for NaN).
    """
    n = int(p[P_ATM_N])
    x = (h_m - p[P_ATM_H0_M]) / p[P_ATM_DH_M]
    if not x > 0.0:  # below the first node (or NaN): hold
        return p[first_a], p[first_b]
    i = int(x)
    if i >= n - 1:
        return p[first_a + n - 1], p[first_b + n - 1]
    u = x - i
    s = u * u * (3.0 - 2.0 * u)
    a = p[first_a + i]
    b = p[first_b + i]
    return a + s * (p[first_a + i + 1] - a), b + s * (p[first_b + i + 1] - b)


@numba.njit(**SCALAR)
def perturbation_at(h_m, p):
    """``(density factor, sound-speed factor)`` of the case with parameter row ``p`` at ``h_m``."""
    if int(p[P_ATM_N]) == 0:
        return 1.0, 1.0
    return _blend_pair(h_m, p, P_ATM_RHO0, P_ATM_SOUND0)


@numba.njit(**SCALAR)
def wind_perturbation_at(h_m, p):
    """``(east, north)`` wind perturbation in m/s of the case with row ``p`` at ``h_m``.

    Zero without one (``P_WIND_PERT`` = 0); else the node values blended with
    the smoothstep of :func:`perturbation_at` on its grid, held beyond the end nodes.
    """
    if int(p[P_ATM_N]) == 0 or p[P_WIND_PERT] == 0.0:
        return 0.0, 0.0
    return _blend_pair(h_m, p, P_WIND_DE0, P_WIND_DN0)


def node_altitudes_m(h0_m: float, dh_m: float, n: int) -> np.ndarray:
    """Altitudes of the ``n`` perturbation nodes."""
    if not 2 <= n <= ATM_MAX_NODES:
        raise ValueError(f"{n} perturbation nodes: 2..{ATM_MAX_NODES} expected")
    return h0_m + dh_m * np.arange(n)


def band_covariance(
    h_nodes_m: np.ndarray,
    band_altitude_m: np.ndarray,
    band_sigma: np.ndarray,
    correlation_length_m: float,
) -> np.ndarray:
    """Covariance of the node values: sigma(h_i) sigma(h_j) exp(-|h_i - h_j| / L).

    ``band_sigma`` is the 1-sigma of the logarithm (or of the fraction) at
    ``band_altitude_m``, interpolated linearly and held beyond its ends.
    """
    sigma = np.interp(h_nodes_m, band_altitude_m, band_sigma)
    dh = np.abs(h_nodes_m[:, None] - h_nodes_m[None, :])
    return sigma[:, None] * sigma[None, :] * np.exp(-dh / correlation_length_m)


def table_ratio_nodes(nominal, table, h_nodes_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``ln(rho_table / rho_nominal)`` and ``T_table / T_nominal - 1`` at the nodes."""
    a = nominal.evaluate(h_nodes_m)
    b = table.evaluate(h_nodes_m)
    return (
        np.log(b.density_kg_m3 / a.density_kg_m3),
        b.temperature_k / a.temperature_k - 1.0,
    )


def write_nodes(params: np.ndarray, h0_m: float, dh_m: float, ln_rho: np.ndarray, dt) -> None:
    """Store drawn node values (one row per case) in the parameter matrix, in place.

    ``ln_rho`` = ln(rho / rho_nominal) and ``dt`` = T / T_nominal - 1 at the nodes;
    the row holds the factors the kernel blends.
    """
    n = ln_rho.shape[1]
    params[:, P_ATM_N] = n
    params[:, P_ATM_H0_M] = h0_m
    params[:, P_ATM_DH_M] = dh_m
    params[:, P_ATM_RHO0 : P_ATM_RHO0 + n] = np.exp(ln_rho)
    params[:, P_ATM_SOUND0 : P_ATM_SOUND0 + n] = np.sqrt(1.0 + np.asarray(dt))


def write_wind_nodes(params: np.ndarray, east_m_s: np.ndarray, north_m_s: np.ndarray) -> None:
    """Store drawn wind perturbations (m/s, one row per case) at the nodes, in place.

    The nodes are the grid :func:`write_nodes` stored (the density perturbation's):
    without it (``P_ATM_N`` = 0) the kernel flies no wind perturbation.
    """
    n = east_m_s.shape[1]
    params[:, P_WIND_PERT] = 1.0
    params[:, P_WIND_DE0 : P_WIND_DE0 + n] = east_m_s
    params[:, P_WIND_DN0 : P_WIND_DN0 + n] = north_m_s
