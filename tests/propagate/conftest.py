"""Shared fixtures for the propagator tests: NASA's NESC check-case data, a coasting flight."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


@pytest.fixture(scope="session")
def coast():
    """Mars 2020 at cruise-stage separation (1,600 km up, above the atmosphere), coasting.

    Returns (t_s, y, p, mem, model) of one case: the equations of motion are
    smooth there (no atmosphere-table kinks), so step parts show their order.
    """
    from skycrane.missions.loader import load_mission
    from skycrane.sequence.build import build_batch

    batch = build_batch(load_mission("m2020"), 1, record_trajectory=False)
    t = float(np.ravel(batch.t0_s)[0])
    return t, batch.y0[0].copy(), batch.params[0].copy(), batch.mem0[0].copy(), batch.model
