"""A small dispersed Mars 2020 mission for the Monte Carlo tests."""

from __future__ import annotations

import pytest

from skycrane.missions.loader import load_mission

SMALL = """
base = "m2020"
[dispersions]
sampling = "{sampling}"
"""


@pytest.fixture(scope="session")
def m2020():
    """The Mars 2020 preset with its shared [dispersions]."""
    return load_mission("m2020")


@pytest.fixture(scope="session")
def mission_file(tmp_path_factory):
    """Write a mission file with the given text; returns its path."""
    root = tmp_path_factory.mktemp("missions")

    def write(text: str, name: str = "mission.toml"):
        path = root / name
        path.write_text(text)
        return path

    return write
