"""Monte Carlo cases: the mission's ``[dispersions]`` drawn and applied to the kernel's rows.

:func:`dispersion_set` turns the validated section into sampling
distributions; :func:`draw_inputs` draws the inputs of any set of case indices
(named columns, stored with the results); :func:`apply_inputs` writes them
into copies of the nominal batch's state, parameter and memory rows. A case's
flight therefore depends only on (mission, seed, case index, sampling method,
and for Latin hypercubes the number of cases).

How each input acts is listed in
:data:`skycrane.missions.schema_dispersions.PARAMETERS`. Entry-state errors are
added to the ``[entry]`` state at the entry interface, which is then propagated
backwards to the start of the simulation, as the nominal one is.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skycrane.atmosphere.csv_table import from_csv
from skycrane.atmosphere.perturbation import (
    band_covariance,
    node_altitudes_m,
    table_ratio_nodes,
    write_nodes,
    write_wind_nodes,
)
from skycrane.contract import layout as L
from skycrane.contract.declare import Disperse
from skycrane.contract.fields import PARAMS, POWERED_DESCENT, STATE
from skycrane.dispersions.sampling import (
    Discrete,
    MultivariateNormal,
    Normal,
    TruncatedNormal,
    Uniform,
    sample_cases,
)
from skycrane.errors import InputError
from skycrane.missions.loader import Mission
from skycrane.missions.schema_dispersions import ENTRY_VARIABLES, DistributionSpec
from skycrane.planets import enu_matrix, pf_from_lla, velocity_pf_from_local
from skycrane.sequence.build import Batch, back_propagate_rows
from skycrane.sequence.pack import MICRO_G_M_S2

ENTRY_PREFIX = "entry."
ATM_RHO = "atmosphere.dlnrho_"
ATM_T = "atmosphere.dtemp_"
ATM_TABLE = "atmosphere.table"
WIND_E = "wind_profile.east_"
WIND_N = "wind_profile.north_"
"""Columns of the wind perturbation at the nodes (m/s); named to sort after every other input,
so adding them leaves the other inputs' design columns, hence their draws, unchanged."""
NOISE_SEED = "navigation.noise_seed"
"""Column of each case's sensor-noise seed (P_NAV_SEED), drawn from (seed, case) alone."""
_NOISE_KEY = 0x4E4F4953  # spawn-key domain of the sensor-noise seeds ("NOIS")
NOISE_LEVELS = ("radar_velocity_noise_m_s", "radar_altitude_noise_fraction")
"""Dispersions that set a noise level: discrete or uniform, never negative."""
ROTATED = (
    ("navigation_", "_m", L.P_NAV_X, 1.0),
    ("terrain_nav_", "_m", L.P_TRN_X, 1.0),
    ("navigation_velocity_", "_m_s", L.P_NAV_VEL_X, 1.0),
    ("imu_attitude_", "_deg", L.P_IMU_ATT_X, math.pi / 180.0),
    ("accelerometer_bias_", "_ug", L.P_ACC_BIAS_X, MICRO_G_M_S2),
)
"""East-north-up dispersions rotated into planet-fixed parameter triples:
(prefix, unit suffix, first parameter slot, factor to the kernel's unit)."""


@dataclass(frozen=True)
class DispersionSet:
    """Distributions of a mission's dispersed inputs, and how to place them in the kernel rows."""

    method: str
    distributions: dict
    entry_variables: tuple[str, ...]
    atm_nodes_m: np.ndarray | None
    atm_table_nodes: tuple[np.ndarray, np.ndarray] | None  # (ln rho ratio, dT) per table

    @property
    def n_dims(self) -> int:
        return sum(d.dims for d in self.distributions.values())


def _distribution(spec: DistributionSpec, field: str):
    if spec.distribution == "normal":
        return Normal(spec.mean, spec.std, field)
    if spec.distribution == "truncated_normal":
        return TruncatedNormal(spec.mean, spec.std, spec.low, spec.high, field)
    if spec.distribution == "uniform":
        return Uniform(spec.low, spec.high, field)
    weights = None if spec.weights is None else tuple(spec.weights)
    return Discrete(tuple(spec.values), weights, field)


def dispersion_set(mission: Mission, base_dir: Path | None = None) -> DispersionSet:
    """The sampling distributions of ``mission``'s ``[dispersions]`` (InputError if it has none)."""
    spec = mission.spec.dispersions
    if spec is None:
        raise InputError("dispersions", None, "a [dispersions] section in the mission file")
    dists: dict = {}
    for name, dist in spec.parameters.items():
        if name.startswith(("engine_", "terrain_nav_")) and mission.spec.powered_descent is None:
            raise InputError(f"dispersions.parameters.{name}", name, "a [powered_descent] section")
        if name in NOISE_LEVELS:
            _check_level(dist, f"dispersions.parameters.{name}")
        dists[name] = _distribution(dist, f"dispersions.parameters.{name}")
    entry_vars: tuple[str, ...] = ()
    if spec.entry is not None:
        entry_vars = tuple(spec.entry.variables)
        cov = spec.entry.covariance_matrix()
        dists[ENTRY_PREFIX] = MultivariateNormal(
            tuple(0.0 for _ in entry_vars), tuple(map(tuple, cov)), "dispersions.entry"
        )
    nodes = None
    table_nodes = None
    atm = spec.atmosphere
    if atm is not None:
        n = math.floor(atm.top_m / atm.node_spacing_m) + 1
        nodes = node_altitudes_m(0.0, atm.node_spacing_m, n)
        if atm.model == "band":
            ha = np.asarray(atm.band_altitude_m)
            sig_rho = np.log1p(np.asarray(atm.density_band))
            cov_rho = band_covariance(nodes, ha, sig_rho, atm.correlation_length_m)
            cov_t = band_covariance(
                nodes, ha, np.asarray(atm.temperature_band), atm.correlation_length_m
            )
            zero = tuple(0.0 for _ in nodes)
            dists[ATM_RHO] = MultivariateNormal(zero, tuple(map(tuple, cov_rho)), "atmosphere")
            dists[ATM_T] = MultivariateNormal(zero, tuple(map(tuple, cov_t)), "atmosphere")
        else:
            base = Path(mission.source).parent if base_dir is None else base_dir
            ratios_rho, ratios_t = [], []
            for k, name in enumerate(atm.tables):
                path = Path(name) if Path(name).is_absolute() else base / name
                field = f"dispersions.atmosphere.tables[{k}]"
                table = from_csv(path, mission.atmosphere.gamma, field=field)
                a, b = table_ratio_nodes(mission.atmosphere, table, nodes)
                ratios_rho.append(a)
                ratios_t.append(b)
            table_nodes = (np.asarray(ratios_rho), np.asarray(ratios_t))
            weights = None if atm.weights is None else tuple(atm.weights)
            index = tuple(float(k) for k in range(len(atm.tables)))
            dists[ATM_TABLE] = Discrete(index, weights, "dispersions.atmosphere.weights")
        if any(sigma > 0.0 for sigma in atm.wind_band_sigma_m_s):
            cov_w = band_covariance(
                nodes,
                np.asarray(atm.wind_band_altitude_m),
                np.asarray(atm.wind_band_sigma_m_s),
                atm.wind_correlation_length_m,
            )
            zero = tuple(0.0 for _ in nodes)
            for name in (WIND_E, WIND_N):  # independent components, the same covariance
                dists[name] = MultivariateNormal(zero, tuple(map(tuple, cov_w)), "atmosphere")
    return DispersionSet(spec.sampling, dists, entry_vars, nodes, table_nodes)


def _check_level(spec: DistributionSpec, key: str) -> None:
    """A noise level is drawn from non-negative values only (InputError naming ``key``)."""
    if spec.distribution == "discrete":
        lowest = min(spec.values)
    elif spec.distribution == "uniform":
        lowest = spec.low
    else:
        raise InputError(key, spec.distribution, "a discrete or uniform distribution of levels")
    if lowest < 0.0:
        raise InputError(key, lowest, "a noise level >= 0")


def noise_seeds(seed: int, cases: np.ndarray) -> np.ndarray:
    """Each case's sensor-noise seed: 52 bits of SeedSequence(seed, (NOIS, case)), as floats.

    A pure function of (seed, case index), so it does not depend on the
    batch, the chunking or the number of workers; exact in float64.
    """
    out = np.empty(len(cases))
    for j, case in enumerate(np.asarray(cases, dtype=np.int64)):
        words = np.random.SeedSequence(int(seed), spawn_key=(_NOISE_KEY, int(case))).generate_state(
            2, np.uint32
        )
        out[j] = float((int(words[0]) << 20) | (int(words[1]) >> 12))
    return out


def draw_inputs(ds: DispersionSet, seed: int, cases: np.ndarray, n_total: int) -> dict:
    """The drawn inputs of ``cases`` as named columns (one value per case each).

    Besides the declared dispersions, every case gets its sensor-noise seed
    (column NOISE_SEED, :func:`noise_seeds`).
    """
    raw = sample_cases(ds.distributions, seed, cases, ds.method, n_total)
    out: dict[str, np.ndarray] = {NOISE_SEED: noise_seeds(seed, cases)}
    for name, values in raw.items():
        if name == ENTRY_PREFIX:
            for j, var in enumerate(ds.entry_variables):
                out[f"{ENTRY_PREFIX}{var}"] = values[:, j]
        elif name in (ATM_RHO, ATM_T, WIND_E, WIND_N):
            for j, h in enumerate(ds.atm_nodes_m):
                out[f"{name}{h / 1000.0:g}km"] = values[:, j]
        else:
            out[name] = values
    return out


def _node_matrix(inputs: dict, prefix: str, nodes: np.ndarray) -> np.ndarray:
    return np.stack([inputs[f"{prefix}{h / 1000.0:g}km"] for h in nodes], axis=1)


def _appliers() -> tuple[tuple[str, int, Disperse], ...]:
    out = [("state", L.INDEX[f.name], d) for f in STATE for d in f.disperse]
    out += [("params", L.INDEX[f.name], d) for f in PARAMS for d in f.disperse]
    out += [("params", L.P_PD0 + L.INDEX[f.name], d) for f in POWERED_DESCENT for d in f.disperse]
    return tuple(out)


APPLIERS = _appliers()
"""(rows, column, how) of every dispersion declared on a field (skycrane.contract.fields)."""


def _apply(rows: np.ndarray, column: int, d: Disperse, values: np.ndarray) -> None:
    if d.convert == "deg":
        values = np.radians(values)
    if d.op == "scale":
        rows[:, column] *= values
    elif d.op == "add":
        rows[:, column] += values
    else:
        rows[:, column] = values
    if d.floor is not None:
        rows[:, column] = np.maximum(rows[:, column], d.floor)


def apply_inputs(batch: Batch, mission: Mission, ds: DispersionSet, inputs: dict) -> Batch:
    """``len(inputs)`` cases: the first (nominal) row of ``batch`` with the inputs applied."""
    n = len(next(iter(inputs.values()))) if inputs else 0
    y0 = np.repeat(batch.y0[:1], n, axis=0)
    p = np.repeat(batch.params[:1], n, axis=0)
    mem = np.repeat(batch.mem0[:1], n, axis=0)
    if ds.entry_variables:
        y0 = _dispersed_entry(batch, mission, inputs, ds.entry_variables)
    get = inputs.get
    for rows, column, d in APPLIERS:
        if d.input in inputs:
            target = y0 if rows == "state" else p
            _apply(target, column, d, get(d.input))
    tgt = mission.spec.target
    enu = enu_matrix(tgt.latitude_deg, tgt.longitude_deg, mission.planet)
    for prefix, unit, first, factor in ROTATED:
        for axis, direction in enumerate(("east", "north", "up")):
            col = f"{prefix}{direction}{unit}"
            if col in inputs:
                for j in range(3):  # elementwise (not BLAS): identical for any batch size
                    p[:, first + j] += get(col) * factor * enu[axis, j]
    if NOISE_SEED in inputs:
        p[:, L.P_NAV_SEED] = get(NOISE_SEED)
    mem[:, L.M_NAV_X : L.M_NAV_Z + 1] = p[:, L.P_NAV_X : L.P_NAV_Z + 1]
    mem[:, L.M_NAV_VEL_X : L.M_NAV_VEL_Z + 1] = p[:, L.P_NAV_VEL_X : L.P_NAV_VEL_Z + 1]
    if ds.atm_nodes_m is not None:
        if ds.atm_table_nodes is not None:
            k = get(ATM_TABLE).astype(np.int64)
            ln_rho, dt = ds.atm_table_nodes[0][k], ds.atm_table_nodes[1][k]
        else:
            ln_rho = _node_matrix(inputs, ATM_RHO, ds.atm_nodes_m)
            dt = _node_matrix(inputs, ATM_T, ds.atm_nodes_m)
        nodes = ds.atm_nodes_m
        write_nodes(p, nodes[0], nodes[1] - nodes[0], ln_rho, dt)
        if WIND_E in ds.distributions:
            write_wind_nodes(
                p, _node_matrix(inputs, WIND_E, nodes), _node_matrix(inputs, WIND_N, nodes)
            )
    return dataclasses.replace(batch, y0=y0, params=p, mem0=mem)


def _dispersed_entry(batch: Batch, mission: Mission, inputs: dict, variables) -> np.ndarray:
    e = mission.spec.entry
    planet = mission.planet
    n = len(inputs[f"{ENTRY_PREFIX}{variables[0]}"])
    val = {
        var: float(getattr(e, var)) + inputs.get(f"{ENTRY_PREFIX}{var}", np.zeros(n))
        for var in ENTRY_VARIABLES
    }
    r = pf_from_lla(val["latitude_deg"], val["longitude_deg"], val["altitude_m"], planet)
    v = velocity_pf_from_local(
        val["speed_m_s"],
        val["flight_path_angle_deg"],
        val["heading_deg"],
        val["latitude_deg"],
        val["longitude_deg"],
        planet,
    )
    if e.velocity_frame == "inertial":  # as entry_state: v_rel = v_i - omega x r
        v = v - np.cross([0.0, 0.0, planet.rotation_rad_s], r)
    y = np.repeat(batch.y0[:1], n, axis=0)
    y_entry = np.zeros_like(y)
    y_entry[:, 0:3] = r
    y_entry[:, 3:6] = v
    y_entry[:, L.S_MASS] = y[:, L.S_MASS]
    y_entry[:, L.S_BANK] = y[:, L.S_BANK]
    if batch.t0_s < 0.0:
        return back_propagate_rows(mission, y_entry, -batch.t0_s)
    return y_entry
