"""Dispersions: seeded, reproducible sampling of uncertain inputs, case by case."""

from skycrane.dispersions.sampling import (
    Discrete,
    MultivariateNormal,
    Normal,
    TruncatedNormal,
    Uniform,
    case_generator,
    sample_cases,
)

__all__ = [
    "Discrete",
    "MultivariateNormal",
    "Normal",
    "TruncatedNormal",
    "Uniform",
    "case_generator",
    "sample_cases",
]
