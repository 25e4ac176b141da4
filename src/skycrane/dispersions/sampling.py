"""Seeded sampling with one random stream per case.

Every case draws from its own generator, derived from (seed, case index) with
numpy's ``SeedSequence`` spawn keys (O'Neill, "PCG: A Family of Simple Fast
Space-Efficient Statistically Good Algorithms for Random Number Generation",
2014; numpy's SeedSequence design). A case's inputs therefore do not depend on
which other cases are drawn with it, on chunk sizes or on the number of
workers, and any single case can be replayed alone. Within a case, parameters
are drawn in sorted name order (adding a parameter changes the draws of the
parameters after it in that order, never those before). Nothing is drawn from
a global random state.

Distributions validate on construction and raise :class:`InputError` naming
the field, the value and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from skycrane.errors import InputError


def case_generator(seed: int, case: int) -> np.random.Generator:
    """The random stream of case ``case`` of a run seeded ``seed`` (independent streams)."""
    if int(seed) < 0 or int(case) < 0:
        raise InputError("seed/case", (seed, case), "non-negative integers")
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=(int(case),)))
    )


@dataclass(frozen=True)
class Normal:
    """Gaussian N(mean, std^2)."""

    mean: float
    std: float
    field_name: str = "dispersion"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.mean) and np.isfinite(self.std)) or self.std < 0.0:
            raise InputError(f"{self.field_name}.std", self.std, "a finite number >= 0")

    def draw(self, rng: np.random.Generator) -> float:
        return float(self.mean + self.std * rng.standard_normal())


@dataclass(frozen=True)
class TruncatedNormal:
    """Gaussian N(mean, std^2) restricted to [low, high] (inverse-CDF sampling)."""

    mean: float
    std: float
    low: float
    high: float
    field_name: str = "dispersion"

    def __post_init__(self) -> None:
        if not np.isfinite(self.std) or self.std <= 0.0:
            raise InputError(f"{self.field_name}.std", self.std, "a finite number > 0")
        if not self.low < self.high:
            raise InputError(f"{self.field_name}.low", (self.low, self.high), "low < high")

    def draw(self, rng: np.random.Generator) -> float:
        a = (self.low - self.mean) / self.std
        b = (self.high - self.mean) / self.std
        x = stats.truncnorm.ppf(rng.random(), a, b, loc=self.mean, scale=self.std)
        return float(np.clip(x, self.low, self.high))


@dataclass(frozen=True)
class Uniform:
    """Uniform on [low, high)."""

    low: float
    high: float
    field_name: str = "dispersion"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.low) and np.isfinite(self.high)) or not self.low < self.high:
            raise InputError(f"{self.field_name}.low", (self.low, self.high), "finite low < high")

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


@dataclass(frozen=True)
class Discrete:
    """One of ``values`` with probabilities proportional to ``weights``."""

    values: tuple[float, ...]
    weights: tuple[float, ...] | None = None
    field_name: str = "dispersion"

    def __post_init__(self) -> None:
        if len(self.values) == 0:
            raise InputError(f"{self.field_name}.values", self.values, "at least one value")
        if self.weights is not None:
            w = np.asarray(self.weights, dtype=float)
            if w.shape != (len(self.values),) or np.any(w < 0) or not w.sum() > 0:
                raise InputError(
                    f"{self.field_name}.weights",
                    self.weights,
                    f"{len(self.values)} non-negative weights, not all zero",
                )

    def draw(self, rng: np.random.Generator) -> float:
        p = None if self.weights is None else np.asarray(self.weights) / np.sum(self.weights)
        return float(self.values[rng.choice(len(self.values), p=p)])


@dataclass(frozen=True)
class MultivariateNormal:
    """Correlated Gaussian vector (e.g. an entry-state covariance); drawn as one parameter."""

    mean: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    field_name: str = "dispersion"
    _factor: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        m = np.asarray(self.mean, dtype=float)
        c = np.asarray(self.cov, dtype=float)
        if c.shape != (m.size, m.size) or not np.all(np.isfinite(c)):
            raise InputError(
                f"{self.field_name}.cov", c.shape, f"a finite {m.size}x{m.size} matrix"
            )
        if not np.allclose(c, c.T, rtol=1e-12, atol=0.0):
            raise InputError(f"{self.field_name}.cov", "asymmetric", "a symmetric matrix")
        w, v = np.linalg.eigh(c)
        if w.min() < -1e-12 * max(w.max(), 0.0):
            raise InputError(
                f"{self.field_name}.cov",
                float(w.min()),
                "a positive semi-definite matrix (smallest eigenvalue >= 0)",
            )
        object.__setattr__(self, "_factor", v * np.sqrt(np.clip(w, 0.0, None)))

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        z = rng.standard_normal(len(self.mean))
        return np.asarray(self.mean, dtype=float) + self._factor @ z


def sample_cases(
    dispersions: Mapping[str, object], seed: int, cases: Iterable[int]
) -> dict[str, np.ndarray]:
    """Draw every dispersed parameter for the given case indices.

    Returns ``{name: array}`` with one row per case (a vector per row for a
    :class:`MultivariateNormal`). Case ``i`` always gets the same numbers,
    whatever the other cases requested.
    """
    cases = [int(c) for c in cases]
    names = sorted(dispersions)
    out: dict[str, list] = {name: [] for name in names}
    for case in cases:
        rng = case_generator(seed, case)
        for name in names:
            out[name].append(dispersions[name].draw(rng))
    return {name: np.asarray(values, dtype=float) for name, values in out.items()}
