"""Fixtures of the output tests: the nominal Mars 2020 mission and its flight, flown once."""

from __future__ import annotations

import pytest

import skycrane


@pytest.fixture(scope="session")
def mission():
    return skycrane.load_mission("m2020")


@pytest.fixture(scope="session")
def result():
    return skycrane.simulate("m2020")
