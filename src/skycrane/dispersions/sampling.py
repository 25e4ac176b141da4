"""Seeded, reproducible sampling: a uniform design per case, mapped through inverse CDFs.

Every dispersed input is a transform of uniform numbers: case ``i`` gets a
row ``u[i]`` of ``d`` uniforms in [0, 1) and each distribution maps its own
columns through its inverse cumulative distribution function (a multivariate
normal through standard-normal quantiles and a factor of its covariance).
Three designs produce the rows, each a pure function of (seed, case index,
and for LHS the total number of cases), so a case's inputs never depend on
which other cases are drawn with it, on chunk sizes or on the number of
workers, and any case can be replayed alone:

``random``  independent streams, one per case, derived from (seed, case) with
            numpy's ``SeedSequence`` spawn keys (O'Neill, "PCG: A Family of
            Simple Fast Space-Efficient Statistically Good Algorithms for
            Random Number Generation", 2014).
``sobol``   a scrambled Sobol' sequence (Owen scrambling as in
            ``scipy.stats.qmc.Sobol``), case i being point i of the sequence.
``lhs``     Latin hypercube (McKay, Beckman & Conover, Technometrics 21, 1979):
            in each dimension the n cases take the n strata in a seeded random
            order, jittered inside their stratum. The order is a keyed
            pseudo-random permutation evaluated index by index (a Feistel
            network with cycle walking, Black & Rogaway, "Ciphers with
            Arbitrary Finite Domains", CT-RSA 2002), so a chunk never needs
            the whole permutation in memory.

Distributions validate on construction and raise :class:`InputError` naming
the field, the value and what was expected.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats
from scipy.stats import qmc

from skycrane.errors import InputError

METHODS = ("random", "sobol", "lhs")
_LHS_KEY = 0x4C4853  # spawn-key domain of the LHS permutations ("LHS")


def case_generator(seed: int, case: int) -> np.random.Generator:
    """The random stream of case ``case`` of a run seeded ``seed`` (independent streams)."""
    if int(seed) < 0 or int(case) < 0:
        raise InputError("seed/case", (seed, case), "non-negative integers")
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=(int(case),)))
    )


def standard_normal_ppf(u: np.ndarray) -> np.ndarray:
    """Inverse CDF of N(0, 1) at ``u`` in [0, 1]: ``scipy.special.ndtri``, the function
    ``scipy.stats.norm.ppf`` evaluates (scipy 1.17), without the frozen-distribution
    argument handling that cost about 1 ms a call, 26 calls a Monte Carlo chunk."""
    return special.ndtri(np.asarray(u, dtype=np.float64))


def _feistel(i: np.ndarray, n: int, keys: np.ndarray) -> np.ndarray:
    """A keyed bijection of [0, n) evaluated at ``i`` (balanced Feistel, cycle walking)."""
    bits = max(2, int(np.ceil(np.log2(max(n, 2)))))
    bits += bits % 2
    half = bits // 2
    mask = np.uint64((1 << half) - 1)
    x = i.astype(np.uint64)
    todo = np.ones(x.shape, dtype=bool)
    out = x.copy()
    while np.any(todo):
        v = out[todo]
        left, right = v >> np.uint64(half), v & mask
        for k in keys:
            mixed = (right * np.uint64(0x9E3779B97F4A7C15) + np.uint64(k)) & np.uint64(2**64 - 1)
            mixed ^= mixed >> np.uint64(29)
            mixed = (mixed * np.uint64(0xBF58476D1CE4E5B9)) & np.uint64(2**64 - 1)
            mixed ^= mixed >> np.uint64(32)
            left, right = right, left ^ (mixed & mask)
        v = (left << np.uint64(half)) | right
        out[todo] = v
        todo = out >= np.uint64(n)
    return out.astype(np.int64)


def design(method: str, seed: int, cases: np.ndarray, n_dims: int, n_total: int) -> np.ndarray:
    """Uniform design rows ``u[len(cases), n_dims]`` in [0, 1) for the given case indices."""
    if method not in METHODS:
        raise InputError("dispersions.sampling", method, f"one of {list(METHODS)}")
    cases = np.asarray(cases, dtype=np.int64)
    if cases.size and (cases.min() < 0 or cases.max() >= n_total):
        raise InputError(
            "cases", (int(cases.min()), int(cases.max())), f"indices in [0, {n_total})"
        )
    u = np.empty((cases.size, n_dims))
    if n_dims == 0:
        return u
    if method == "random":
        for row, case in enumerate(cases):
            u[row] = case_generator(seed, int(case)).random(n_dims)
        return u
    if method == "sobol":
        engine = qmc.Sobol(n_dims, scramble=True, seed=np.random.default_rng(seed))
        with warnings.catch_warnings():  # balance properties need powers of 2; we take prefixes
            warnings.simplefilter("ignore", UserWarning)
            # consecutive runs of case indices are read with one fast-forward each
            starts = np.flatnonzero(np.diff(cases, prepend=-2) != 1)
            ends = np.append(starts[1:], cases.size)
            for a, b in zip(starts, ends, strict=True):
                engine.reset()
                if cases[a] > 0:  # scipy's fast_forward(0) overflows
                    engine.fast_forward(int(cases[a]))
                u[a:b] = engine.random(b - a)
        return np.clip(u, 0.0, np.nextafter(1.0, 0.0))
    jitter = design("random", seed, cases, n_dims, n_total)
    for d in range(n_dims):
        ss = np.random.SeedSequence(int(seed), spawn_key=(_LHS_KEY, d))
        keys = ss.generate_state(4, dtype=np.uint64)
        stratum = _feistel(cases, n_total, keys)
        u[:, d] = (stratum + jitter[:, d]) / n_total
    return u


@dataclass(frozen=True)
class Normal:
    """Gaussian N(mean, std^2)."""

    mean: float
    std: float
    field_name: str = "dispersion"
    dims = 1

    def __post_init__(self) -> None:
        if not (np.isfinite(self.mean) and np.isfinite(self.std)) or self.std < 0.0:
            raise InputError(f"{self.field_name}.std", self.std, "a finite number >= 0")

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.mean + self.std * standard_normal_ppf(u)


@dataclass(frozen=True)
class TruncatedNormal:
    """Gaussian N(mean, std^2) restricted to [low, high] (inverse-CDF sampling)."""

    mean: float
    std: float
    low: float
    high: float
    field_name: str = "dispersion"
    dims = 1

    def __post_init__(self) -> None:
        if not np.isfinite(self.std) or self.std <= 0.0:
            raise InputError(f"{self.field_name}.std", self.std, "a finite number > 0")
        if not self.low < self.high:
            raise InputError(f"{self.field_name}.low", (self.low, self.high), "low < high")

    def ppf(self, u: np.ndarray) -> np.ndarray:
        a = (self.low - self.mean) / self.std
        b = (self.high - self.mean) / self.std
        x = stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.std)
        return np.clip(x, self.low, self.high)


@dataclass(frozen=True)
class Uniform:
    """Uniform on [low, high)."""

    low: float
    high: float
    field_name: str = "dispersion"
    dims = 1

    def __post_init__(self) -> None:
        if not (np.isfinite(self.low) and np.isfinite(self.high)) or not self.low < self.high:
            raise InputError(f"{self.field_name}.low", (self.low, self.high), "finite low < high")

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * u


@dataclass(frozen=True)
class Discrete:
    """One of ``values`` with probabilities proportional to ``weights``."""

    values: tuple[float, ...]
    weights: tuple[float, ...] | None = None
    field_name: str = "dispersion"
    dims = 1

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

    def ppf(self, u: np.ndarray) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        edges = np.cumsum(w) / np.sum(w)
        index = np.minimum(np.searchsorted(edges, u, side="right"), len(self.values) - 1)
        return np.asarray(self.values, dtype=float)[index]


@dataclass(frozen=True)
class MultivariateNormal:
    """Correlated Gaussian vector (e.g. an entry-state covariance); ``len(mean)`` columns."""

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

    @property
    def dims(self) -> int:
        return len(self.mean)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        z = standard_normal_ppf(u)
        x = np.broadcast_to(np.asarray(self.mean, dtype=float), z.shape).copy()
        for k in range(z.shape[1]):  # elementwise, not BLAS: bit-identical for any row count
            x += z[:, k : k + 1] * self._factor[:, k]
        return x


def sample_cases(
    dispersions: Mapping[str, object],
    seed: int,
    cases: Iterable[int],
    method: str = "random",
    n_total: int | None = None,
) -> dict[str, np.ndarray]:
    """Draw every dispersed input for the given case indices.

    Returns ``{name: array}`` with one row per case (a vector per row for a
    :class:`MultivariateNormal`). Names take design columns in sorted order.
    Case ``i`` always gets the same numbers, whatever the other cases drawn.
    ``n_total`` (the run's number of cases) is needed by ``lhs`` only.
    """
    cases = np.fromiter((int(c) for c in cases), dtype=np.int64)
    names = sorted(dispersions)
    n_dims = sum(dispersions[name].dims for name in names)
    if n_total is None:
        if method == "lhs":
            raise InputError("n_total", None, "the run's number of cases for lhs sampling")
        n_total = int(cases.max()) + 1 if cases.size else 0
    u = design(method, seed, cases, n_dims, n_total)
    out = {}
    col = 0
    for name in names:
        dist = dispersions[name]
        block = u[:, col : col + dist.dims]
        col += dist.dims
        out[name] = dist.ppf(block) if dist.dims > 1 else dist.ppf(block[:, 0])
    return out
