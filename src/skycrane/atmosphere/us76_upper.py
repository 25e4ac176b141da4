"""U.S. Standard Atmosphere 1976 from 86 to 1 000 km (NOAA-S/T 76-1562, part 1, section 1.3).

Above 86 km the standard defines the kinetic temperature T(Z) in geometric
altitude Z by four closed forms (section 1.2.5):

* 86-91 km, isothermal: T = T7 = 186.8673 K;
* 91-110 km, elliptical: T = Tc + A [1 - ((Z - Z8)/a)^2]^(1/2) (eq. 27),
  Tc = 263.1905 K, A = -76.3232 K, a = -19.9429 km, dT/dZ from eq. 28 (the
  printed, rounded constants end at 239.9997 K, 0.3 mK below T9);
* 110-120 km, linear: T = T9 + L_K,9 (Z - Z9), T9 = 240 K, L_K,9 = 12 K/km (eq. 29);
* 120-1000 km, exponential: T = T_inf - (T_inf - T10) exp(-lambda xi),
  xi = (Z - Z10)(r0 + Z10)/(r0 + Z), T10 = 360 K, T_inf = 1000 K,
  lambda = 0.01875 /km (eqs. 31-32).

The number densities of N2, O, O2, Ar, He and H follow from the standard's
vertical diffusion equations (section 1.3.5), integrated once here on a
uniform 20 m grid by the midpoint rule:

* N2: n = n7 (T7/T) exp(-int M g/(R* T) dZ), with M = M0 to 100 km and
  M = M(N2) above;
* O, O2, Ar, He: n = n7 (T7/T) exp(-int (f + v) dZ) with
  f = g/(R* T) D/(D + K) [M_i + M K/D + alpha_i R* (dT/dZ)/g] (eq. 36),
  molecular diffusion D = a_i (T/273.15)^b_i / n_bg (n_bg is N2 for O
  and O2, N2 + O + O2 for Ar and He), eddy diffusion K = 120 m^2/s to 95 km,
  K = 120 exp(1 - 400/(400 - (Z - 95)^2)) to 115 km and 0 above (eqs. 7a-7b,
  Z in km), and the empirical flux term v = Q (Z - U)^2 exp(-W (Z - U)^3)
  [+ q (u - Z)^2 exp(-w (u - Z)^3) for O below 97 km] (eq. 37, Table 7),
  which the standard neglects above 150 km;
* H (eqs. 39-40), zero below 150 km: n = [n_H,11 + int_Z^Z11 (phi/D)
  (T/T11)^(1+alpha) e^tau dZ] (T11/T)^(1+alpha) e^-tau, tau = int_Z11^Z
  M_H g/(R* T) dZ, n_H,11 = 8e10 /m^3 at Z11 = 500 km, phi = 7.2e11 /(m^2 s);
  above 500 km the flux term is absent.

Gravity is g = g0 (r0/(r0 + Z))^2 (eq. 17). The number densities at 86 km
(Table 9), the diffusion constants (Table 6) and the flux constants (Table 7)
are the standard's. Pressure is P = n k T with k = R*/N_A (eq. 33c), density
rho = sum n_i M_i / N_A (eq. 42), and the mean molecular weight M = rho N_A / n.
The standard gives no speed of sound above 86 km, where the mean free path
grows from millimetres to kilometres; :func:`us76_upper_properties` continues
eq. 50 with the mixture's M so a Mach number stays defined and continuous.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from skycrane.constants import G0_M_S2

R_STAR_J_KMOL_K = 8314.32
"""Universal gas constant of the standard, J/(kmol K)."""
AVOGADRO_KMOL = 6.022169e26
"""Avogadro's number of the standard, 1/kmol (Table 2)."""
BOLTZMANN_J_K = R_STAR_J_KMOL_K / AVOGADRO_KMOL
"""k = R*/N_A = 1.380622e-23 J/K (Table 2)."""
R0_M = 6356766.0
"""Effective Earth radius of the standard, m (eq. 18)."""
M0_KG_KMOL = 28.9644
"""Sea-level mean molecular weight, kg/kmol."""
GAMMA = 1.4
"""Ratio of specific heats of air (eq. 50)."""

BOTTOM_M = 86_000.0
"""Base of the upper atmosphere (Z7), m."""
TOP_M = 1_000_000.0
"""Top of the standard (Z12), m."""

SPECIES = ("N2", "O", "O2", "Ar", "He", "H")
"""Order of the species in :func:`number_densities_m3`."""
MOLECULAR_WEIGHT_KG_KMOL = np.array([28.0134, 15.9994, 31.9988, 39.948, 4.0026, 1.00797])
"""Molecular weights of :data:`SPECIES` (Table 3)."""

_Z8_M, _Z9_M, _Z10_M, _Z11_M = 91e3, 110e3, 120e3, 500e3
_T7_K, _T9_K, _T10_K, _T_INF_K = 186.8673, 240.0, 360.0, 1000.0
_TC_K, _A_K, _A_M = 263.1905, -76.3232, -19942.9  # eq. 27
_LAPSE_9_K_M = 12e-3  # K/m, eq. 29
_LAMBDA_M = 0.01875e-3  # 1/m, eq. 31

# Table 9: number densities at 86 km (N2, O, O2, Ar, He), 1/m^3.
_N7_M3 = np.array([1.129794e20, 8.6e16, 3.030898e19, 1.351400e18, 7.5817e14])
# Table 6: thermal-diffusion factor alpha and molecular-diffusion a (1/(m s)), b, for O..H.
_ALPHA = {"O": 0.0, "O2": 0.0, "Ar": 0.0, "He": -0.40, "H": -0.25}
_DIFFUSION_A = {"O": 6.986e20, "O2": 4.863e20, "Ar": 4.487e20, "He": 1.700e21, "H": 3.305e21}
_DIFFUSION_B = {"O": 0.750, "O2": 0.750, "Ar": 0.870, "He": 0.691, "H": 0.500}
# Table 7: flux constants Q (1/km^3), U (km), W (1/km^3); and for O only q, u, w.
_FLUX_QUW = {
    "O": (-5.809644e-4, 56.90311, 2.706240e-5),
    "O2": (1.366212e-4, 86.0, 8.333333e-5),
    "Ar": (9.434079e-5, 86.0, 8.333333e-5),
    "He": (-2.457369e-4, 86.0, 6.666667e-4),
}
_O_FLUX_QUW = (-3.416248e-3, 97.0, 5.008765e-4)
_FLUX_TOP_KM = 150.0
_K7_M2_S = 120.0  # eddy diffusion below 95 km, eq. 7a
_N_H11_M3 = 8.0e10  # H at 500 km
_PHI_H_M2_S = 7.2e11  # H vertical flux, eq. 39
_H_BOTTOM_M = 150e3

STEP_M = 20.0
"""Step of the integration grid, m: 86 km, 91, 95, 97, 100, 110, 115, 120, 150 and
500 km (every point where an integrand changes form) are grid nodes."""


def temperature_k(altitude_m: ArrayLike) -> np.ndarray:
    """Kinetic temperature in K at geometric altitudes in [86, 1000] km (eqs. 27, 29, 31)."""
    z = np.asarray(altitude_m, dtype=np.float64)
    ellipse = np.sqrt(np.clip(1.0 - ((z - _Z8_M) / _A_M) ** 2, 0.0, None))
    xi = (z - _Z10_M) * (R0_M + _Z10_M) / (R0_M + z)
    return np.select(
        [z <= _Z8_M, z <= _Z9_M, z <= _Z10_M],
        [np.full_like(z, _T7_K), _TC_K + _A_K * ellipse, _T9_K + _LAPSE_9_K_M * (z - _Z9_M)],
        _T_INF_K - (_T_INF_K - _T10_K) * np.exp(-_LAMBDA_M * xi),
    )


def _temperature_gradient_k_m(z: np.ndarray) -> np.ndarray:
    """dT/dZ in K/m (eqs. 28, 30, 32)."""
    s = (z - _Z8_M) / _A_M
    ellipse = np.sqrt(np.clip(1.0 - s**2, 1e-300, None))
    xi = (z - _Z10_M) * (R0_M + _Z10_M) / (R0_M + z)
    exponential = (
        _LAMBDA_M
        * (_T_INF_K - _T10_K)
        * ((R0_M + _Z10_M) / (R0_M + z)) ** 2
        * np.exp(-_LAMBDA_M * xi)
    )
    return np.select(
        [z <= _Z8_M, z <= _Z9_M, z <= _Z10_M],
        [np.zeros_like(z), -_A_K * s / (_A_M * ellipse), np.full_like(z, _LAPSE_9_K_M)],
        exponential,
    )


def _eddy_diffusion_m2_s(z: np.ndarray) -> np.ndarray:
    """Eddy diffusion coefficient K in m^2/s (eq. 7): 120 to 95 km, falling to 0 at 115 km."""
    x = np.where((z > 95e3) & (z < 115e3), ((z - 95e3) / 1e3) ** 2, 0.0)
    k = _K7_M2_S * np.exp(-x / (400.0 - x))
    return np.where(z < 115e3, k, 0.0)


def _flux_term_m(species: str, z: np.ndarray) -> np.ndarray:
    """Empirical vertical-flux term v of eq. 37 in 1/m (zero above 150 km)."""
    z_km = z / 1e3
    q, u, w = _FLUX_QUW[species]
    v = q * (z_km - u) ** 2 * np.exp(-w * (z_km - u) ** 3)
    if species == "O":
        q, u, w = _O_FLUX_QUW
        below = np.clip(u - z_km, 0.0, None)  # the term applies below u = 97 km only
        v = v + q * below**2 * np.exp(-w * below**3)
    return np.where(z_km <= _FLUX_TOP_KM, v, 0.0) / 1e3


def _cumulative(integrand: np.ndarray) -> np.ndarray:
    """Integral from the first node to every node, from cell-midpoint values (midpoint rule)."""
    return np.concatenate(([0.0], np.cumsum(integrand * STEP_M)))


def _midpoints(ln_n: np.ndarray) -> np.ndarray:
    """Number density at the cell midpoints, log-linear between nodes."""
    return np.exp(0.5 * (ln_n[:-1] + ln_n[1:]))


@functools.cache
def _integrated() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid (m) and ln n (1/m^3) of N2, O, O2, Ar, He, and n_H (1/m^3) on it; built once."""
    z = BOTTOM_M + STEP_M * np.arange(round((TOP_M - BOTTOM_M) / STEP_M) + 1)
    zm = 0.5 * (z[:-1] + z[1:])
    t, tm = temperature_k(z), temperature_k(zm)
    dtdz = _temperature_gradient_k_m(zm)
    g = G0_M_S2 * (R0_M / (R0_M + zm)) ** 2
    k_eddy = _eddy_diffusion_m2_s(zm)
    m_mean = np.where(zm < 100e3, M0_KG_KMOL, MOLECULAR_WEIGHT_KG_KMOL[0])
    ln_t7_t = np.log(_T7_K / t)
    ln_n = {"N2": np.log(_N7_M3[0]) + ln_t7_t - _cumulative(m_mean * g / (R_STAR_J_KMOL_K * tm))}
    for k, (species, background) in enumerate(
        (("O", ("N2",)), ("O2", ("N2",)), ("Ar", ("N2", "O", "O2")), ("He", ("N2", "O", "O2")))
    ):
        n_bg = sum(_midpoints(ln_n[b]) for b in background)
        d = _DIFFUSION_A[species] * (tm / 273.15) ** _DIFFUSION_B[species] / n_bg
        m_i = MOLECULAR_WEIGHT_KG_KMOL[k + 1]
        alpha_term = _ALPHA[species] * R_STAR_J_KMOL_K * dtdz / g
        f = g / (R_STAR_J_KMOL_K * tm) * (d * (m_i + alpha_term) + m_mean * k_eddy) / (d + k_eddy)
        integrand = f + _flux_term_m(species, zm)
        ln_n[species] = np.log(_N7_M3[k + 1]) + ln_t7_t - _cumulative(integrand)
    return z, np.stack([ln_n[s] for s in SPECIES[:-1]]), _hydrogen(z, zm, ln_n)


def _hydrogen(z: np.ndarray, zm: np.ndarray, ln_n: dict[str, np.ndarray]) -> np.ndarray:
    """n_H in 1/m^3 on the grid (eqs. 39-40): flux-limited 150-500 km, diffusive above."""
    i11 = round((_Z11_M - BOTTOM_M) / STEP_M)
    t, tm = temperature_k(z), temperature_k(zm)
    g = G0_M_S2 * (R0_M / (R0_M + zm)) ** 2
    m_h = MOLECULAR_WEIGHT_KG_KMOL[-1]
    tau = _cumulative(m_h * g / (R_STAR_J_KMOL_K * tm))
    tau -= tau[i11]  # tau = int from Z11 to Z
    power = 1.0 + _ALPHA["H"]
    t11 = t[i11]
    n_bg = sum(_midpoints(ln_n[s]) for s in SPECIES[:-1])
    d = _DIFFUSION_A["H"] * (tm / 273.15) ** _DIFFUSION_B["H"] / n_bg
    tau_m = 0.5 * (tau[:-1] + tau[1:])
    integrand = _PHI_H_M2_S / d * (tm / t11) ** power * np.exp(tau_m)
    above = _cumulative(integrand)
    flux = np.where(z < _Z11_M, above[i11] - above, 0.0)  # int_Z^Z11, zero above Z11
    n_h = (_N_H11_M3 + flux) * (t11 / t) ** power * np.exp(-tau)
    return np.where(z >= _H_BOTTOM_M, n_h, 0.0)


def number_densities_m3(altitude_m: ArrayLike) -> np.ndarray:
    """Number densities of N2, O, O2, Ar, He, H in 1/m^3, shape ``(6,) + altitude.shape``.

    ``altitude_m`` is geometric, within [86, 1000] km (not checked here:
    :func:`skycrane.atmosphere.us76.us76_properties` checks). Values are
    interpolated log-linearly on the 20 m integration grid (relative error at
    most 1.5e-6, next to the 110 km temperature joint); H is zero below
    150 km, as in the standard.
    """
    z = np.asarray(altitude_m, dtype=np.float64)
    grid, ln_n, n_h = _integrated()
    flat = z.ravel()
    out = np.empty((len(SPECIES), flat.size))
    for k in range(ln_n.shape[0]):
        out[k] = np.exp(np.interp(flat, grid, ln_n[k]))
    positive = n_h > 0.0
    h = np.exp(np.interp(flat, grid[positive], np.log(n_h[positive])))
    out[-1] = np.where(flat >= _H_BOTTOM_M, h, 0.0)
    return out.reshape((len(SPECIES), *z.shape))


def us76_upper_properties(
    altitude_m: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Density (kg/m^3), pressure (Pa), kinetic temperature (K) and speed of sound (m/s).

    For geometric altitudes in [86, 1000] km (unchecked), each of the shape of
    ``altitude_m``: rho = sum n_i M_i / N_A (eq. 42), P = n k T (eq. 33c), and
    C_s = sqrt(gamma R* T / M) with the mixture's mean molecular weight M
    (eq. 50 continued above 86 km, gamma = 1.4).
    """
    z = np.asarray(altitude_m, dtype=np.float64)
    n = number_densities_m3(z)
    n_total = n.sum(axis=0)
    mass = np.tensordot(MOLECULAR_WEIGHT_KG_KMOL, n, axes=1)
    t = temperature_k(z)
    density = mass / AVOGADRO_KMOL
    pressure = n_total * BOLTZMANN_J_K * t
    mean_weight = mass / n_total
    speed = np.sqrt(GAMMA * R_STAR_J_KMOL_K * t / mean_weight)
    return density, pressure, t, speed
