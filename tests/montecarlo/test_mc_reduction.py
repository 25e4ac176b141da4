"""One reduction: a single run is one row of the Monte Carlo table's columns.

Invariants: a case's row does not depend on the batch it flew in (a batch of
two nominal cases gives two rows equal to each other and to the single run);
the single run's timeline, touchdown and rest points read the very values of
the table's row; one limits table words both the single run's warnings and
the Monte Carlo's failure reasons.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import skycrane
from skycrane.missions.loader import load_mission
from skycrane.montecarlo import Job, compute_columns
from skycrane.propagate.kernel import run_batch
from skycrane.reduction import BODY_FIELDS, EVENT_FIELDS, LIMITS, reduce_batch
from skycrane.results import case_result
from skycrane.sequence.bodies import fly_bodies
from skycrane.sequence.build import build_batch


def _item(column: np.ndarray, i: int):
    """Row ``i`` of a column as a Python value (floats, ints, strings)."""
    value = column[i]
    return value.item() if isinstance(value, np.generic) else value


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


@pytest.fixture(scope="module")
def two_nominal(m2020):
    batch = build_batch(m2020, 2, record_trajectory=True)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    flights = fly_bodies(batch, m2020, raw)
    return raw, batch, flights, reduce_batch(raw, batch, m2020, flights)


def test_a_row_does_not_depend_on_its_batch(m2020, two_nominal) -> None:
    raw, batch, flights, columns = two_nominal
    for name, values in columns.table.items():
        assert _same(_item(values, 0), _item(values, 1)), name
    single = skycrane.simulate(m2020)
    assert case_result(raw, 1, batch, m2020, flights).to_dict() == single.to_dict()


def test_the_single_run_reads_the_table_row(m2020, two_nominal) -> None:
    raw, batch, flights, columns = two_nominal
    result = case_result(raw, 1, batch, m2020, flights)
    table = {name: _item(values, 1) for name, values in columns.table.items()}
    in_table = [ev for ev in result.events if f"{ev.name}.t_s" in table]
    assert {"parachute_deploy", "touchdown", "peak_heating"} <= {ev.name for ev in in_table}
    for ev in in_table:
        for field in EVENT_FIELDS:
            assert getattr(ev, field) == table[f"{ev.name}.{field}"], (ev.name, field)
    for key, value in result.peaks.items():
        assert value == table[key if key == "heat_load_j_cm2" else f"peak.{key}"], key
    for key, value in result.touchdown.items():
        assert value == table[f"touchdown.{key}"], key
    assert result.propellant_remaining_kg == table["propellant_remaining_kg"]
    at_rest = [b for b in result.bodies if b.latitude_deg is not None]
    assert {"rover", "descent_stage", "backshell"} <= {b.name for b in at_rest}
    for b in at_rest:
        for field in BODY_FIELDS[2:]:
            assert getattr(b, field) == table[f"body.{b.name}.{field}"], (b.name, field)
    assert table["failure"] == "" and result.status_text == "flight complete"


def test_one_limits_table_words_warnings_and_failures(mission_file) -> None:
    """A parachute qualified below what the mission flies: the single run warns and every
    Monte Carlo case fails, with the same words, Mach first."""
    path = mission_file(
        'base = "m2020"\n[parachute]\nmach_max = 1.5\ndynamic_pressure_max_pa = 300.0\n',
        "tight.toml",
    )
    mission = load_mission(path)
    result = skycrane.simulate(mission)
    deploy = result.event("parachute_deploy")
    assert deploy.mach > 1.5 and deploy.dynamic_pressure_pa > 300.0  # the flown values
    reasons = [limit.reason(mission) for limit in LIMITS if limit.phase == "parachute deploy"]
    assert result.warnings == reasons
    assert result.status_text == "; ".join(reasons)
    assert not result.ok
    failures = compute_columns(Job(mission, 3, 2), np.arange(2))["failure"]
    assert list(failures) == ["; ".join(reasons)] * 2
