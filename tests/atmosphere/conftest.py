"""Shared fixtures: paths to the reference material beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest


def _repo_root() -> Path:
    """The directory holding pyproject.toml above this file."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    raise RuntimeError("no pyproject.toml above the tests")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository (REFERENCE.md, NESC check cases)."""
    return (_repo_root() / ".." / "shared").resolve()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (holds pyproject.toml and docs/)."""
    return _repo_root()
