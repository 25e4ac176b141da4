"""A closed-loop 3-DOF test bed for the skip-entry guidance, independent of its predictor.

Truth: a point mass over a spherical rotating Earth (EARTH_ROUND: mu, the
NESC equal-area radius and the sidereal rate; S), in Vinh's spherical
equations with the full Coriolis and centrifugal terms, as written in Lu,
"Entry Guidance: A Unified Method", JGCD 37(3), 2014, eqs. 1-6 (heading psi
clockwise from north; positive bank turns right), integrated by RK4 at
0.1 s. The guidance's predictor is Cartesian (skycrane.guidance.skip_predict),
so the two share no dynamics code; test_skip_predict checks they agree.

Truth atmosphere: US 1976 below 86 km (skycrane.atmosphere.us76, tabulated
every 250 m) and, above, ln(rho) linear through the standard's defining
densities at 86, 91, 100, 110, 120, 500 and 1000 km (EARTH.md 3.1; S2, the
100 km value E), times a density factor field: uniform (``rho_scale``) or varying
with altitude and downrange distance from the entry point (``horizontal_field``: the
Monte Carlo's Earth band correlated over a horizontal length L). The guidance
believes its own coarser table: the same
profile sampled at 10 km nodes (log-linear in between), so it never sees the
truth model. Navigation is perfect; the sensed drag is the true drag
acceleration; the bank follows the command at <= 20 deg/s (a stand-in roll
rate, not a sourced Orion figure).

Vehicle stand-ins (EARTH.md 1.1/1.2): m = 9,300 kg (E: the CM mass), D =
5.03 m (S2), hypersonic C_D = 1.25 (R), L/D = 0.27 (R: inside the 0.24-0.30
band of 1.2). Apollo 4 (EARTH.md 5; S2): m = 5,856.9 kg, D = 3.9116 m, C_D
1.2569 and L/D 0.325 (Apollo 10 aero, S2).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources

import numba
import numpy as np

from skycrane.atmosphere.us76 import us76_properties
from skycrane.guidance.skip import skip_guidance_cycle
from skycrane.guidance.skip_layout import (
    N_SKIP_MEM,
    SM_N_PRED,
    SM_STATUS,
    default_skip_params,
    initial_skip_memory,
)
from skycrane.guidance.skip_predict import final_energy_j_kg
from skycrane.planets.constants import EARTH_ROUND

# Not cached: numba keys a cached function on its own file only, and this harness
# calls skycrane's guidance, whose changes would otherwise be missed.
_JIT = {"error_model": "numpy"}

MU = EARTH_ROUND.mu_m3_s2
RADIUS_M = EARTH_ROUND.equatorial_radius_m
OMEGA = EARTH_ROUND.rotation_rad_s
NMI_M = 1852.0
EI_ALTITUDE_M = 121.92e3
G0 = 9.80665
N_STATUS = 7
FIELD_DH_M = 5000.0  # altitude spacing of a truth density field's nodes (field_factor)
FIELD_DS_M = 25e3  # downrange spacing of its nodes


@dataclass(frozen=True)
class Capsule:
    """Mass [kg], reference diameter [m], hypersonic C_D and L/D."""

    mass_kg: float
    diameter_m: float
    drag_coefficient: float
    lift_to_drag: float

    @property
    def beta_kg_m2(self) -> float:
        """Ballistic coefficient m / (C_D pi D^2 / 4) [kg/m^2]."""
        return self.mass_kg / (self.drag_coefficient * math.pi * self.diameter_m**2 / 4.0)


ORION = Capsule(9300.0, 5.03, 1.25, 0.27)
APOLLO = Capsule(5856.9, 3.9116, 1.2569, 0.325)

# --- atmospheres ------------------------------------------------------------------------
# an exponential atmosphere rho0 exp(-h/H) (R: an isothermal Earth), exact in the guidance's
# log-linear table with two nodes, so predictor and truth can share it in cross-checks
RHO0, SCALE_M = 1.225, 7200.0
H_EXP = np.array([0.0, 200e3])
LN_EXP = np.log(RHO0) - H_EXP / SCALE_M
_UPPER_KM = np.array([91.0, 100.0, 110.0, 120.0, 500.0, 1000.0])
_UPPER_RHO = np.array([2.860e-6, 5.6018e-7, 9.708e-8, 2.222e-8, 5.215e-13, 3.561e-15])


def truth_atmosphere() -> tuple[np.ndarray, np.ndarray]:
    """(altitude nodes [m], ln density) of the truth: US76 to 86 km, anchors above."""
    low = np.arange(0.0, 86e3 + 1.0, 250.0)
    rho = us76_properties(low).density_kg_m3
    h = np.concatenate((low, _UPPER_KM * 1e3))
    return h, np.log(np.concatenate((rho, _UPPER_RHO)))


def guidance_atmosphere() -> tuple[np.ndarray, np.ndarray]:
    """The guidance's table: the truth profile at 10 km nodes to 120 km, then 500 and 1000 km."""
    h_t, ln_t = truth_atmosphere()
    h = np.concatenate((np.arange(0.0, 120e3 + 1.0, 10e3), [500e3, 1000e3]))
    return h, np.interp(h, h_t, ln_t)


# The Earth density band of the Monte Carlo, read from the shipped fragment
# (missions/presets/shared/earth_atmosphere_dispersions.toml: 1-sigma of
# rho_MSIS2.1 / rho_US76 over 360 climatologies, EARTH.md 3.3, E) with its vertical
# correlation length (R: ~ one scale height), so the harness flies the preset's band
_BAND = tomllib.loads(
    resources.files("skycrane.missions")
    .joinpath("presets", "shared", "earth_atmosphere_dispersions.toml")
    .read_text("utf-8")
)["dispersions"]["atmosphere"]
BAND_ALTITUDE_M = np.asarray(_BAND["band_altitude_m"], dtype=float)
BAND_DENSITY = np.asarray(_BAND["density_band"], dtype=float)
BAND_VERTICAL_CORRELATION_M = float(_BAND["correlation_length_m"])


def horizontal_field(
    rng: np.random.Generator, correlation_length_m: float, length_m: float = 12_000e3
) -> np.ndarray:
    """ln(rho / rho_US76) on the field nodes: the Monte Carlo's band, varying downrange too.

    A zero-mean Gaussian field with the band's sigma(h) (of ln(1 + band)) and the
    separable exponential covariance sigma_i sigma_k exp(-|dh| / 7 km) exp(-|ds| / L),
    the first-order Gauss-Markov form of the Monte Carlo's altitude correlation
    (atmosphere/perturbation.py) extended along the ground track with the horizontal
    correlation length L (``correlation_length_m``; math.inf: the same profile
    everywhere, the Monte Carlo's model). Altitude nodes every FIELD_DH_M to 130 km,
    downrange nodes every FIELD_DS_M to ``length_m``; drawn downrange as the exact
    AR(1) recursion of that covariance.
    """
    h = np.arange(0.0, 130e3 + 1.0, FIELD_DH_M)
    sigma = np.interp(h, BAND_ALTITUDE_M, np.log1p(BAND_DENSITY))
    dh = np.abs(h[:, None] - h[None, :])
    chol = np.linalg.cholesky(np.exp(-dh / BAND_VERTICAL_CORRELATION_M))
    n_s = int(length_m // FIELD_DS_M) + 1
    a = math.exp(-FIELD_DS_M / correlation_length_m)
    white = rng.standard_normal((h.size, n_s))
    y = np.empty((h.size, n_s))
    y[:, 0] = white[:, 0]
    for j in range(1, n_s):
        y[:, j] = a * y[:, j - 1] + math.sqrt(1.0 - a * a) * white[:, j]
    return sigma[:, None] * (chol @ y)


# --- truth dynamics (Lu 2014 eqs. 1-6) ---------------------------------------------------
def uniform_field(rho_scale: float) -> np.ndarray:
    """The truth's density factor field of a factor ``rho_scale`` everywhere (1 x 1 nodes)."""
    return np.full((1, 1), math.log(rho_scale))


@numba.njit(**_JIT)
def field_factor(h_m, downrange_m, ln_factor):
    """Density factor of the truth at altitude h_m, downrange_m from the entry point.

    ``ln_factor[i, j]`` is ln(rho / rho_US76) at altitude i * FIELD_DH_M and
    downrange j * FIELD_DS_M; bilinear in between, held beyond the last nodes
    (a 1 x 1 field is a factor uniform in space).
    """
    n_h, n_s = ln_factor.shape
    x = min(max(h_m / FIELD_DH_M, 0.0), n_h - 1.0)
    y = min(max(downrange_m / FIELD_DS_M, 0.0), n_s - 1.0)
    i = min(int(x), max(n_h - 2, 0))
    j = min(int(y), max(n_s - 2, 0))
    u = x - i if n_h > 1 else 0.0
    w = y - j if n_s > 1 else 0.0
    i1 = min(i + 1, n_h - 1)
    j1 = min(j + 1, n_s - 1)
    a = (1.0 - u) * ln_factor[i, j] + u * ln_factor[i1, j]
    b = (1.0 - u) * ln_factor[i, j1] + u * ln_factor[i1, j1]
    return math.exp((1.0 - w) * a + w * b)


@numba.njit(**_JIT)
def _rhs(s, bank, beta, ld, ln_factor, h_tab, ln_rho_tab):
    r, lat, v, gam, psi = s[0], s[2], s[3], s[4], s[5]
    # downrange from the entry point (0 N, 0 E) along the great circle through it
    downrange_m = RADIUS_M * math.acos(min(max(math.cos(lat) * math.cos(s[1]), -1.0), 1.0))
    rho = field_factor(r - RADIUS_M, downrange_m, ln_factor)
    rho *= math.exp(np.interp(r - RADIUS_M, h_tab, ln_rho_tab))
    drag = 0.5 * rho * v * v / beta
    lift = ld * drag
    g = MU / (r * r)
    cg, sg = math.cos(gam), math.sin(gam)
    cp, sp = math.cos(psi), math.sin(psi)
    cl, sl = math.cos(lat), math.sin(lat)
    w = OMEGA
    out = np.empty(6)
    out[0] = v * sg
    out[1] = v * cg * sp / (r * cl)
    out[2] = v * cg * cp / r
    out[3] = -drag - g * sg + w * w * r * cl * (sg * cl - cg * sl * cp)
    out[4] = (
        lift * math.cos(bank)
        + (v * v - g * r) * cg / r
        + 2.0 * w * v * cl * sp
        + w * w * r * cl * (cg * cl + sg * cp * sl)
    ) / v
    out[5] = (
        lift * math.sin(bank) / cg
        + v * v * cg * sp * math.tan(lat) / r
        - 2.0 * w * v * (math.tan(gam) * cp * cl - sl)
        + w * w * r * sp * sl * cl / cg
    ) / v
    return out, drag


@numba.njit(**_JIT)
def truth_step(s, dt, bank, beta, ld, ln_factor, h_tab, ln_rho_tab):
    """One RK4 step of the spherical state (r, lon, lat, V, gamma, psi); returns it and the drag.

    The truth density is the table's times :func:`field_factor` of ``ln_factor``.
    """
    k1, drag = _rhs(s, bank, beta, ld, ln_factor, h_tab, ln_rho_tab)
    k2, _ = _rhs(s + 0.5 * dt * k1, bank, beta, ld, ln_factor, h_tab, ln_rho_tab)
    k3, _ = _rhs(s + 0.5 * dt * k2, bank, beta, ld, ln_factor, h_tab, ln_rho_tab)
    k4, _ = _rhs(s + dt * k3, bank, beta, ld, ln_factor, h_tab, ln_rho_tab)
    return s + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4), drag


@numba.njit(**_JIT)
def to_cartesian(s, out):
    """Planet-fixed position and velocity of the spherical state s, into out[6]."""
    r, lon, lat, v, gam, psi = s[0], s[1], s[2], s[3], s[4], s[5]
    cl, sl, co, so = math.cos(lat), math.sin(lat), math.cos(lon), math.sin(lon)
    ux, uy, uz = cl * co, cl * so, sl
    ex, ey = -so, co
    nx, ny, nz = -sl * co, -sl * so, cl
    vu = v * math.sin(gam)
    ve = v * math.cos(gam) * math.sin(psi)
    vn = v * math.cos(gam) * math.cos(psi)
    out[0], out[1], out[2] = r * ux, r * uy, r * uz
    out[3] = vu * ux + ve * ex + vn * nx
    out[4] = vu * uy + ve * ey + vn * ny
    out[5] = vu * uz + vn * nz


@numba.njit(**_JIT)
def fly_open_loop(s0, bank, beta, ld, h_tab, ln_rho_tab, t_max, dt):
    """Constant bank from s0; returns (first-dip minimum altitude, exit: climbed above s0's r)."""
    s = s0.copy()
    h_min = s[0] - RADIUS_M
    t = 0.0
    one = np.zeros((1, 1))
    while t < t_max:
        s, _ = truth_step(s, dt, bank, beta, ld, one, h_tab, ln_rho_tab)
        t += dt
        h_min = min(h_min, s[0] - RADIUS_M)
        if s[0] > s0[0] and s[4] > 0.0:
            return h_min, True
        if s[3] < 1000.0 or s[0] < RADIUS_M:
            break
    return h_min, False


@numba.njit(**_JIT)
def _fly(s0, beta, ld, ln_factor, h_tab, ln_rho_tab, tgt, p, mem, hg, lng, counts):
    """Closed loop to the final energy; returns (lon, lat, t, max drag, dip min h, loft max h)."""
    s = s0.copy()
    cart = np.empty(6)
    ef = final_energy_j_kg(p)
    dt = 0.1
    rate = math.radians(20.0) * dt
    bank = 0.0
    cmd = 0.0
    t = 0.0
    t_next = 0.0
    drag = 0.0
    drag_max = 0.0
    h_dip = s[0] - RADIUS_M
    h_loft = -1.0
    climbed = False
    while t < 4000.0:
        if t >= t_next - 1e-9:
            to_cartesian(s, cart)
            cmd = skip_guidance_cycle(cart, drag, tgt, p, mem, hg, lng)
            counts[int(mem[SM_STATUS])] += 1
            counts[N_STATUS] += mem[SM_N_PRED]
            t_next += 1.0
        # the roll takes the shorter way round (through lift up or lift down)
        err = (cmd - bank + math.pi) % (2.0 * math.pi) - math.pi
        bank += min(max(err, -rate), rate)
        e = MU / s[0] - 0.5 * s[3] ** 2
        sn, drag = truth_step(s, dt, bank, beta, ld, ln_factor, h_tab, ln_rho_tab)
        en = MU / sn[0] - 0.5 * sn[3] ** 2
        drag_max = max(drag_max, drag)
        h = sn[0] - RADIUS_M
        if not climbed:
            h_dip = min(h_dip, h)
            climbed = sn[4] > 0.0
        elif sn[4] > 0.0 or h_loft < 0.0:
            h_loft = max(h_loft, h)
        if en >= ef:
            w = (ef - e) / (en - e)
            fin = s + w * (sn - s)
            return fin[1], fin[2], t + w * dt, drag_max, h_dip, h_loft
        if sn[0] < RADIUS_M or not math.isfinite(en):
            break
        s = sn
        t += dt
    return s[1], s[2], -1.0, drag_max, h_dip, h_loft


# --- geometry ---------------------------------------------------------------------------
def destination(lat_rad: float, lon_rad: float, heading_rad: float, range_m: float):
    """(lat, lon) at great-circle distance range_m along heading from (lat, lon) on the sphere."""
    d = range_m / RADIUS_M
    lat2 = math.asin(
        math.sin(lat_rad) * math.cos(d) + math.cos(lat_rad) * math.sin(d) * math.cos(heading_rad)
    )
    lon2 = lon_rad + math.atan2(
        math.sin(heading_rad) * math.sin(d) * math.cos(lat_rad),
        math.cos(d) - math.sin(lat_rad) * math.sin(lat2),
    )
    return lat2, lon2


def unit(lat_rad: float, lon_rad: float) -> np.ndarray:
    """Planet-fixed unit vector at (lat, lon)."""
    cl = math.cos(lat_rad)
    return np.array([cl * math.cos(lon_rad), cl * math.sin(lon_rad), math.sin(lat_rad)])


@dataclass(frozen=True)
class Flight:
    """Outcome of one closed-loop flight; distances in m, time in s, drag in m/s^2."""

    miss_m: float
    downrange_miss_m: float
    crossrange_miss_m: float
    time_s: float
    drag_max_m_s2: float
    dip_altitude_m: float
    loft_altitude_m: float
    status_counts: np.ndarray  # cycles per STATUS_*
    predictions: int


def entry_state(speed_m_s: float, fpa_rad: float, heading_rad: float) -> np.ndarray:
    """Spherical entry state at 121.92 km over (0 N, 0 E): (r, lon, lat, V, gamma, psi)."""
    return np.array([RADIUS_M + EI_ALTITUDE_M, 0.0, 0.0, speed_m_s, fpa_rad, heading_rad])


def fly(
    state0: np.ndarray,
    capsule: Capsule,
    target_range_m: float,
    mode: int,
    *,
    rho_scale: float = 1.0,
    ln_factor: np.ndarray | None = None,
    ld_truth: float | None = None,
    overrides: dict[int, float] | None = None,
) -> Flight:
    """Fly the closed loop to a target target_range_m down the entry heading's great circle.

    The guidance believes ``capsule``; truth flies ``capsule`` with L/D
    ``ld_truth`` (default the same) in the truth atmosphere times ``rho_scale``,
    or times the field ``ln_factor`` (:func:`field_factor`) when given.
    ``overrides`` maps ``SP_*`` indices to values replacing the defaults.
    """
    h_t, ln_t = truth_atmosphere()
    h_g, ln_g = guidance_atmosphere()
    lat_t, lon_t = destination(state0[2], state0[1], state0[5], target_range_m)
    tgt = unit(lat_t, lon_t)
    p = default_skip_params(
        MU, RADIUS_M, OMEGA, capsule.beta_kg_m2, capsule.lift_to_drag, tgt, mode
    )
    for index, value in (overrides or {}).items():
        p[index] = value
    mem = initial_skip_memory(math.radians(60.0))
    assert mem.shape == (N_SKIP_MEM,)
    counts = np.zeros(N_STATUS + 1)
    ld = capsule.lift_to_drag if ld_truth is None else ld_truth
    field = uniform_field(rho_scale) if ln_factor is None else ln_factor
    lon, lat, t, dmax, h_dip, h_loft = _fly(
        state0, capsule.beta_kg_m2, ld, field, h_t, ln_t, tgt, p, mem, h_g, ln_g, counts
    )
    fin = unit(lat, lon)
    miss = RADIUS_M * math.atan2(np.linalg.norm(np.cross(fin, tgt)), float(fin @ tgt))
    # components in the frame of the great circle from the entry point to the target
    start = unit(state0[2], state0[1])
    normal = np.cross(start, tgt)
    normal /= np.linalg.norm(normal)
    cross = RADIUS_M * math.asin(float(fin @ normal))
    along = RADIUS_M * math.atan2(float(np.cross(fin, tgt) @ normal), float(fin @ tgt))
    return Flight(
        miss, along, cross, t, dmax, h_dip, h_loft, counts[:N_STATUS], int(counts[N_STATUS])
    )


def skip_corridor_fpa(
    capsule: Capsule, speed_m_s: float, heading_rad: float
) -> tuple[float, float]:
    """The entry flight-path angles that bound the skip corridor [rad] (E, by bisection).

    Returns (gamma_overshoot, gamma_lift_up_exit): the shallowest angle at
    which full lift down still stays in (shallower ones exit above the entry
    interface whatever the bank), and the steepest angle at which full lift
    up still exits above it. Between them the guidance can either skip or
    not.
    """
    h_t, ln_t = truth_atmosphere()

    def exits(fpa: float, bank: float) -> bool:
        s0 = entry_state(speed_m_s, fpa, heading_rad)
        return fly_open_loop(
            s0, bank, capsule.beta_kg_m2, capsule.lift_to_drag, h_t, ln_t, 3000.0, 0.2
        )[1]

    def boundary(bank: float) -> float:
        shallow, steep = math.radians(-3.0), math.radians(-9.0)
        for _ in range(30):
            mid = 0.5 * (shallow + steep)
            if exits(mid, bank):
                shallow = mid
            else:
                steep = mid
        return 0.5 * (shallow + steep)

    return boundary(math.pi), boundary(0.0)
