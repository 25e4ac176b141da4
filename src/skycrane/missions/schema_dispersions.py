"""The ``[dispersions]`` section: what a Monte Carlo perturbs, and how each input is drawn.

``[dispersions]``              ``sampling`` = random | sobol | lhs
``[dispersions.entry]``        a covariance on the entry-interface state
``[dispersions.atmosphere]``   a density/temperature perturbation profile, or a set of tables;
                               a wind perturbation profile on the same altitude nodes
``[dispersions.parameters]``   one distribution per named scalar input (see PARAMETERS)

Every distribution is validated here, before any case runs: an unknown
distribution, a negative standard deviation, an empty interval, a covariance
that is not symmetric positive semi-definite are errors naming the key.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from skycrane.missions.fields import KeyProblem, NonNegativeFloat, Section

PARAMETERS = {
    "capsule_drag_scale": "multiplies the drag coefficients of the main vehicle",
    "capsule_lift_scale": "multiplies the lift coefficients of the main vehicle",
    "capsule_mass_delta_kg": "adds unmodelled structure to the vehicle (propellant unchanged)",
    "density_scale": "multiplies the density at every altitude",
    "parachute_drag_scale": "multiplies the parachute drag coefficient",
    "parachute_deploy_delay_s": "delays the parachute's line stretch (clamped at no delay)",
    "engine_thrust_error": "achieved / commanded thrust - 1 of the descent engines",
    "engine_isp_delta_s": "adds to the descent engines' specific impulse",
    "deorbit_burn_thrust_error": "achieved / planned thrust - 1 of an orbital (deorbit) burn",
    "deorbit_burn_pitch_error_deg": "an orbital burn's pointing error in the orbit plane, "
    "positive toward the radial outward",
    "deorbit_burn_yaw_error_deg": "... out of the orbit plane, positive toward its normal r x v",
    "navigation_east_m": "inertial-navigation position error before the terrain fix, east",
    "navigation_north_m": "... north",
    "navigation_up_m": "... up",
    "terrain_nav_east_m": "position error after terrain-relative navigation, east",
    "terrain_nav_north_m": "... north",
    "navigation_velocity_east_m_s": "inertial-navigation velocity error at the first update, east",
    "navigation_velocity_north_m_s": "... north",
    "navigation_velocity_up_m_s": "... up",
    "imu_attitude_east_deg": "IMU attitude knowledge error, rotation about east",
    "imu_attitude_north_deg": "... about north",
    "imu_attitude_up_deg": "... about up",
    "accelerometer_bias_east_ug": "accelerometer bias along east, micro-g",
    "accelerometer_bias_north_ug": "... north",
    "accelerometer_bias_up_ug": "... up",
    "accelerometer_scale_factor_ppm": "accelerometer scale-factor error, ppm",
    "radar_velocity_noise_m_s": "sets the radar velocity noise level (1-sigma per measurement)",
    "radar_altitude_noise_fraction": "sets the radar altitude noise level (fraction of height)",
    "wind_east_m_s": "constant wind added at every altitude, toward east",
    "wind_north_m_s": "constant wind added at every altitude, toward north",
    "wind_scale_error": "the mission's wind profile is multiplied by 1 + this",
}
"""The scalar inputs a Monte Carlo can disperse, with what each does."""

ParameterName = Literal[tuple(PARAMETERS)]  # type: ignore[valid-type]

ENTRY_VARIABLES = (
    "latitude_deg",
    "longitude_deg",
    "altitude_m",
    "speed_m_s",
    "flight_path_angle_deg",
    "heading_deg",
)
EntryVariable = Literal[ENTRY_VARIABLES]  # type: ignore[valid-type]

# Mars-GRAM 1-sigma density band (REFERENCE.md: +-2 % at the surface, 5 % at
# 40 km, 9 % at 60 km, 15 % at 80 km, 25 % at 100 km), continued at the same
# growth to 40 % at 125 km.
GRAM_BAND_ALTITUDE_M = (0.0, 40_000.0, 60_000.0, 80_000.0, 100_000.0, 125_000.0)
GRAM_DENSITY_BAND = (0.02, 0.05, 0.09, 0.15, 0.25, 0.40)
GRAM_TEMPERATURE_BAND = (0.02, 0.03, 0.04, 0.05, 0.06, 0.08)

ENTRY_STD_MAX = {
    "latitude_deg": 5.0,
    "longitude_deg": 5.0,
    "altitude_m": 10_000.0,
    "speed_m_s": 500.0,
    "flight_path_angle_deg": 3.0,
    "heading_deg": 10.0,
}
"""Largest 1-sigma entry-interface error per variable: ten to a hundred times the
delivery errors of a Mars entry (MSL: 0.067 deg of flight-path angle, S2), so a unit
mistake (1e12) is refused while any navigated interplanetary arrival passes."""


class DistributionSpec(Section):
    """One scalar distribution; which keys it needs depends on ``distribution``."""

    distribution: Literal["normal", "truncated_normal", "uniform", "discrete"]
    mean: float | None = None
    std: float | None = None
    low: float | None = None
    high: float | None = None
    values: Annotated[list[float], Field(max_length=10_000)] | None = None
    weights: list[NonNegativeFloat] | None = None

    @model_validator(mode="after")
    def _keys(self) -> DistributionSpec:
        needs = {
            "normal": ("mean", "std"),
            "truncated_normal": ("mean", "std", "low", "high"),
            "uniform": ("low", "high"),
            "discrete": ("values",),
        }[self.distribution]
        for key in needs:
            if getattr(self, key) is None:
                raise KeyProblem(
                    key, None, f"a value (required by distribution = '{self.distribution}')"
                )
        extra = {"mean", "std", "low", "high", "values", "weights"} - set(needs)
        if self.distribution == "discrete":
            extra -= {"weights"}
        for key in sorted(extra):
            if getattr(self, key) is not None:
                raise KeyProblem(
                    key, getattr(self, key), f"no '{key}' with distribution = '{self.distribution}'"
                )
        if self.std is not None:
            strict = self.distribution == "truncated_normal"
            if self.std < 0.0 or (strict and self.std == 0.0):
                raise KeyProblem("std", self.std, "a standard deviation > 0" if strict else ">= 0")
        if (
            self.std is not None
            and self.mean is not None
            and self.std > 1e3 * max(abs(self.mean), 1.0)
        ):
            raise KeyProblem(
                "std", self.std, "a standard deviation of at most 1000 x max(|mean|, 1)"
            )
        if self.low is not None and not self.low < self.high:
            raise KeyProblem("high", self.high, f"a value above low = {self.low}")
        if self.values is not None:
            if not self.values:
                raise KeyProblem("values", self.values, "at least one value")
            if self.weights is not None:
                if len(self.weights) != len(self.values) or sum(self.weights) <= 0.0:
                    raise KeyProblem(
                        "weights",
                        self.weights,
                        f"{len(self.values)} non-negative weights, not all zero",
                    )
        return self


def check_covariance(cov: np.ndarray, key: str) -> None:
    """Symmetric and positive semi-definite, else :class:`KeyProblem`."""
    if not np.allclose(cov, cov.T, rtol=1e-12, atol=0.0):
        raise KeyProblem(key, cov.tolist(), "a symmetric matrix")
    w = np.linalg.eigvalsh(cov)
    if w.min() < -1e-10 * max(float(np.abs(w).max()), 1e-300):
        raise KeyProblem(
            key,
            cov.tolist(),
            f"a positive semi-definite matrix (its smallest eigenvalue is {w.min():.3g})",
        )


class EntryDispersionSpec(Section):
    """Gaussian entry-state errors: ``std`` (with an optional ``correlation``) or ``covariance``.

    Variables are those of ``[entry]`` in the same units; the covariance is of
    the errors added to the nominal entry state.
    """

    variables: Annotated[list[EntryVariable], Field(min_length=1)]
    std: list[NonNegativeFloat] | None = None
    correlation: list[list[float]] | None = None
    covariance: list[list[float]] | None = None

    @model_validator(mode="after")
    def _matrix(self) -> EntryDispersionSpec:
        n = len(self.variables)
        if len(set(self.variables)) != n:
            raise KeyProblem("variables", self.variables, "each variable once")
        if (self.std is None) == (self.covariance is None):
            raise KeyProblem("std", self.std, "either 'std' (and 'correlation') or 'covariance'")
        if self.covariance is not None:
            if self.correlation is not None:
                raise KeyProblem("correlation", self.correlation, "no correlation with covariance")
            self._square("covariance", self.covariance, n)
            cov = np.asarray(self.covariance, dtype=float)
            check_covariance(cov, "covariance")
            for name, var in zip(self.variables, np.diag(cov), strict=True):
                if var > ENTRY_STD_MAX[name] ** 2:
                    raise KeyProblem(
                        "covariance",
                        self.covariance,
                        f"a variance of {name} of at most {ENTRY_STD_MAX[name]:g} squared",
                    )
            return self
        if len(self.std) != n:
            raise KeyProblem("std", self.std, f"{n} values, one per variable")
        for name, std in zip(self.variables, self.std, strict=True):
            if std > ENTRY_STD_MAX[name]:
                raise KeyProblem(
                    "std",
                    self.std,
                    f"a standard deviation of {name} of at most {ENTRY_STD_MAX[name]:g}",
                )
        if self.correlation is not None:
            self._square("correlation", self.correlation, n)
            c = np.asarray(self.correlation, dtype=float)
            if not np.allclose(np.diag(c), 1.0) or np.any(np.abs(c) > 1.0):
                raise KeyProblem("correlation", self.correlation, "ones on the diagonal, |r| <= 1")
            check_covariance(c, "correlation")
        return self

    @staticmethod
    def _square(key: str, m: list[list[float]], n: int) -> None:
        if len(m) != n or any(len(row) != n for row in m):
            raise KeyProblem(key, m, f"a {n}x{n} matrix, one row and column per variable")

    def covariance_matrix(self) -> np.ndarray:
        if self.covariance is not None:
            return np.asarray(self.covariance, dtype=float)
        s = np.asarray(self.std, dtype=float)
        c = np.eye(len(s)) if self.correlation is None else np.asarray(self.correlation)
        return c * s[:, None] * s[None, :]


class AtmosphereDispersionSpec(Section):
    """Density and temperature perturbation profiles, or a set of whole tables to draw from.

    ``model = "band"``: log-normal density and Gaussian temperature
    perturbations, correlated in altitude over ``correlation_length_m``, with
    the 1-sigma bands given against ``band_altitude_m`` (fractions of the
    nominal; the default is the Mars-GRAM band of REFERENCE.md).
    ``model = "tables"``: each case flies one of ``tables`` (CSV files like
    ``atmosphere.table_file``), drawn with ``weights``.
    Either way, a wind perturbation profile on the same nodes when
    ``wind_band_sigma_m_s`` is given: east and north drawn independently, each
    Gaussian with that 1-sigma (m/s) against ``wind_band_altitude_m`` and the
    exponential correlation over ``wind_correlation_length_m``, added to the
    mission's wind profile (and to any constant ``wind_east_m_s`` / ``wind_north_m_s``).
    """

    model: Literal["band", "tables"] = "band"
    band_altitude_m: Annotated[
        list[Annotated[float, Field(ge=-5.0e4, le=1.0e7)]], Field(min_length=1, max_length=1000)
    ] = Field(default_factory=lambda: list(GRAM_BAND_ALTITUDE_M))
    density_band: list[Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=lambda: list(GRAM_DENSITY_BAND)
    )
    """1-sigma of ln(density): at most 1 (a factor e); Mars-GRAM's reaches 0.4 at 125 km."""
    temperature_band: list[Annotated[float, Field(ge=0.0, le=0.15)]] = Field(
        default_factory=lambda: list(GRAM_TEMPERATURE_BAND)
    )
    """1-sigma temperature fraction: at most 0.15, so 6 sigma stays above absolute zero."""
    correlation_length_m: Annotated[float, Field(gt=0.0, le=1.0e6)] = 10_000.0
    wind_band_altitude_m: Annotated[
        list[Annotated[float, Field(ge=-5.0e4, le=1.0e7)]], Field(max_length=1000)
    ] = Field(default_factory=list)
    wind_band_sigma_m_s: list[Annotated[float, Field(ge=0.0, le=200.0)]] = Field(
        default_factory=list
    )
    """1-sigma of each wind component in m/s at ``wind_band_altitude_m``; empty: no wind profile."""
    wind_correlation_length_m: Annotated[float, Field(gt=0.0, le=1.0e6)] = 10_000.0
    node_spacing_m: Annotated[float, Field(ge=100.0, le=1.0e6)] = 5_000.0
    top_m: Annotated[float, Field(gt=0.0, le=1.0e7)] = 130_000.0
    tables: Annotated[list[str], Field(max_length=100)] = Field(default_factory=list)
    weights: list[NonNegativeFloat] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AtmosphereDispersionSpec:
        n = len(self.band_altitude_m)
        if any(
            b <= a for a, b in zip(self.band_altitude_m, self.band_altitude_m[1:], strict=False)
        ):
            raise KeyProblem("band_altitude_m", self.band_altitude_m, "increasing altitudes")
        for key in ("density_band", "temperature_band"):
            if len(getattr(self, key)) != n:
                raise KeyProblem(key, getattr(self, key), f"{n} values, one per band altitude")
        wind_h = self.wind_band_altitude_m
        if any(b <= a for a, b in pairwise(wind_h)):
            raise KeyProblem("wind_band_altitude_m", wind_h, "increasing altitudes")
        if len(self.wind_band_sigma_m_s) != len(wind_h):
            raise KeyProblem(
                "wind_band_sigma_m_s",
                self.wind_band_sigma_m_s,
                f"{len(wind_h)} values, one per wind band altitude",
            )
        if self.model == "tables" and not self.tables:
            raise KeyProblem("tables", self.tables, "at least one table file with model = 'tables'")
        if self.weights is not None and (
            len(self.weights) != len(self.tables) or sum(self.weights) <= 0.0
        ):
            raise KeyProblem("weights", self.weights, "one non-negative weight per table")
        if self.top_m / self.node_spacing_m > 31:
            raise KeyProblem(
                "node_spacing_m",
                self.node_spacing_m,
                f"at least top_m / 31 = {self.top_m / 31:g} m",
            )
        return self


class DispersionsSpec(Section):
    """What a Monte Carlo perturbs (see the module docstring)."""

    sampling: Literal["random", "sobol", "lhs"] = "random"
    entry: EntryDispersionSpec | None = None
    atmosphere: AtmosphereDispersionSpec | None = None
    parameters: dict[ParameterName, DistributionSpec] = Field(default_factory=dict)
