"""Seeded per-case sampling: reproducibility invariants, distribution moments, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from skycrane.dispersions import (
    Discrete,
    MultivariateNormal,
    Normal,
    TruncatedNormal,
    Uniform,
    case_generator,
    sample_cases,
)
from skycrane.errors import InputError

DISPERSIONS = {
    "density_scale": TruncatedNormal(1.0, 0.05, 0.8, 1.2),
    "entry_fpa_deg": Normal(-15.5, 0.1),
    "cd_scale": Uniform(0.97, 1.03),
    "atmosphere_table": Discrete((0.0, 1.0, 2.0), (0.5, 0.25, 0.25)),
    "entry_offset_m": MultivariateNormal((0.0, 0.0), ((100.0, 30.0), (30.0, 50.0))),
}


def test_chunking_does_not_change_any_case() -> None:
    """Invariant: drawing 0..99 at once or in chunks of 7 gives bit-identical rows."""
    whole = sample_cases(DISPERSIONS, 42, range(100))
    chunks = [sample_cases(DISPERSIONS, 42, range(a, min(a + 7, 100))) for a in range(0, 100, 7)]
    for name, values in whole.items():
        assert np.array_equal(values, np.concatenate([c[name] for c in chunks]))


def test_a_replayed_case_equals_its_row() -> None:
    """Invariant: case 57 drawn alone equals row 57 of the full draw."""
    whole = sample_cases(DISPERSIONS, 7, range(100))
    alone = sample_cases(DISPERSIONS, 7, [57])
    for name in DISPERSIONS:
        assert np.array_equal(alone[name][0], whole[name][57])


def test_seed_changes_the_numbers_and_streams_are_independent() -> None:
    """Different seeds and different cases give different streams."""
    a = case_generator(1, 0).standard_normal(4)
    assert not np.array_equal(a, case_generator(2, 0).standard_normal(4))
    assert not np.array_equal(a, case_generator(1, 1).standard_normal(4))
    assert np.array_equal(a, case_generator(1, 0).standard_normal(4))


def test_moments() -> None:
    """Analytic moments (20,000 cases; tolerances ~5 standard errors)."""
    n = 20_000
    s = sample_cases(DISPERSIONS, 3, range(n))
    assert s["entry_fpa_deg"].mean() == pytest.approx(-15.5, abs=5 * 0.1 / np.sqrt(n))
    assert s["entry_fpa_deg"].std() == pytest.approx(0.1, rel=0.03)
    assert s["cd_scale"].min() >= 0.97 and s["cd_scale"].max() < 1.03
    assert s["cd_scale"].mean() == pytest.approx(1.0, abs=5 * 0.06 / np.sqrt(12 * n))
    d = s["density_scale"]
    assert d.min() >= 0.8 and d.max() <= 1.2  # 4-sigma bounds: nearly a plain normal
    assert d.std() == pytest.approx(0.05, rel=0.03)
    assert np.mean(s["atmosphere_table"] == 0.0) == pytest.approx(0.5, abs=0.02)
    cov = np.cov(s["entry_offset_m"].T)
    np.testing.assert_allclose(cov, [[100.0, 30.0], [30.0, 50.0]], rtol=0.06)


def test_truncation_is_respected_when_tight() -> None:
    """A truncation at +-0.5 sigma keeps every draw inside it."""
    s = sample_cases({"x": TruncatedNormal(0.0, 1.0, -0.5, 0.5)}, 1, range(2000))["x"]
    assert s.min() >= -0.5 and s.max() <= 0.5


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Normal(0.0, -1.0, "dispersions.mass_kg"), "dispersions.mass_kg.std"),
        (lambda: Uniform(2.0, 1.0, "dispersions.cd"), "dispersions.cd.low"),
        (lambda: TruncatedNormal(0.0, 1.0, 1.0, -1.0, "dispersions.d"), "dispersions.d.low"),
        (lambda: Discrete((), None, "dispersions.t"), "dispersions.t.values"),
        (lambda: Discrete((1.0, 2.0), (-1.0, 1.0), "dispersions.t"), "dispersions.t.weights"),
        (
            lambda: MultivariateNormal((0.0, 0.0), ((1.0, 2.0), (2.0, 1.0)), "dispersions.entry"),
            "dispersions.entry.cov",
        ),
        (
            lambda: MultivariateNormal((0.0, 0.0), ((1.0, 0.5), (0.4, 1.0)), "dispersions.entry"),
            "dispersions.entry.cov",
        ),
    ],
    ids=[
        "negative-std",
        "low>high",
        "trunc-bounds",
        "no-values",
        "negative-weight",
        "not-psd",
        "asymmetric",
    ],
)
def test_bad_dispersions_name_the_field(make, field) -> None:
    """Bad input: a clear InputError naming the field before any case runs."""
    with pytest.raises(InputError) as info:
        make()
    assert info.value.field == field


@pytest.mark.parametrize("method", ["sobol", "lhs"])
def test_designs_do_not_depend_on_chunking(method) -> None:
    """Invariant: a Sobol or LHS design read in chunks equals the whole, bit for bit."""
    from skycrane.dispersions.sampling import design

    whole = design(method, 9, np.arange(100), 5, 100)
    parts = np.vstack(
        [design(method, 9, np.arange(a, min(a + 13, 100)), 5, 100) for a in range(0, 100, 13)]
    )
    assert np.array_equal(whole, parts)
    assert np.array_equal(design(method, 9, np.array([42]), 5, 100)[0], whole[42])


def test_latin_hypercube_takes_every_stratum_once() -> None:
    """LHS definition (McKay et al. 1979): in each dimension, one case per 1/n stratum."""
    from skycrane.dispersions.sampling import design

    n = 997
    u = design("lhs", 4, np.arange(n), 3, n)
    for d in range(3):
        assert np.array_equal(np.sort(np.floor(u[:, d] * n).astype(int)), np.arange(n))


def test_sobol_is_more_uniform_than_random() -> None:
    """Quasi-random: the Sobol mean of u converges faster than independent streams."""
    from skycrane.dispersions.sampling import design

    s = design("sobol", 1, np.arange(1024), 4, 1024)
    r = design("random", 1, np.arange(1024), 4, 1024)
    assert np.max(np.abs(s.mean(axis=0) - 0.5)) < 0.2 * np.max(np.abs(r.mean(axis=0) - 0.5))


def test_standard_normal_ppf_is_scipys_bit_for_bit() -> None:
    """External check: the Gaussian inverse CDF the samplers use equals scipy.stats.norm.ppf
    bit for bit on [0, 1], ends and tails included (earlier runs' draws are unchanged)."""
    from scipy import stats

    from skycrane.dispersions.sampling import standard_normal_ppf

    rng = np.random.default_rng(11)
    u = np.concatenate([rng.random(100_000), [0.0, 0.5, 1.0, 5e-324, 1e-300, np.nextafter(1.0, 0)]])
    want = stats.norm.ppf(u)
    got = standard_normal_ppf(u)
    assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))
