"""Shared fixtures for the propagator tests: locating NASA's NESC check-case data."""

from __future__ import annotations

from pathlib import Path

import pytest


def _repo_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    raise RuntimeError("repository root (pyproject.toml) not found")


NESC_DIR = _repo_root().parent / "shared" / "validation" / "nesc"


@pytest.fixture(scope="session")
def nesc_dir() -> Path:
    """The NESC atmospheric check-case folder beside the repository (skip if absent)."""
    if not NESC_DIR.is_dir():
        pytest.skip(
            f"NESC check-case data not found at {NESC_DIR} (needs ../shared beside the repo)"
        )
    return NESC_DIR
