"""One Mars 2020 nominal run and its report, shared by the report tests."""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import pytest

import skycrane
from skycrane.output.report import write_report


@pytest.fixture(scope="session")
def mission():
    return skycrane.load_mission("m2020")


@pytest.fixture(scope="session")
def result(mission):
    return skycrane.simulate(mission)


@pytest.fixture(scope="session")
def report_files(result, mission, tmp_path_factory):
    """``write_report`` into a fresh directory: {file name: path}, plus its wall time [s]."""
    out = tmp_path_factory.mktemp("report")
    t0 = time.perf_counter()
    files = write_report(result, mission, out)
    return files, time.perf_counter() - t0
