"""The solves before a flight: named steps, done once per mission; building is packing.

Checked: each preflight step is solved once per mission however often the
mission is prepared, built or checked (call counts); building twice, from a
fresh and from a memoised preflight, gives byte-identical kernel input
(invariant); the divert reach bound against its closed form (analytic).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import skycrane
from skycrane.api import check
from skycrane.sequence import preflight
from skycrane.sequence.build import build_batch, prepare


@pytest.fixture
def solve_counts(monkeypatch):
    """Calls of each preflight solve, from an empty memo."""
    preflight.clear()
    counts = {"entry_guidance": 0, "start_state": 0, "safe_target": 0}
    wrapped = {
        "entry_guidance": "_solve_entry_guidance",
        "start_state": "coast_back",
        "safe_target": "_solve_safe_target",
    }
    for step, attr in wrapped.items():
        solve = getattr(preflight, attr)

        def counted(*args, _solve=solve, _step=step):
            counts[_step] += 1
            return _solve(*args)

        monkeypatch.setattr(preflight, attr, counted)
    yield counts
    preflight.clear()


def _batch_bytes(batch) -> list[bytes]:
    arrays = [batch.y0, batch.params, batch.mem0, batch.settings, *batch.model]
    return [np.asarray(a).tobytes() for a in arrays] + [repr(batch.t0_s).encode()]


def test_preflight_is_solved_once_per_mission(solve_counts) -> None:
    """prepare, build_batch and check of one mission share one solve of each step."""
    m2020 = skycrane.load_mission("m2020")
    first = prepare(m2020)
    assert first.entry_guidance is not None and first.safe_target_offset_m is not None
    assert prepare(m2020) is not None
    build_batch(m2020, 3)
    build_batch(m2020, 1, preflight=first)
    check(m2020)
    check(skycrane.load_mission("m2020"))  # loaded again: the same digest
    assert solve_counts == {"entry_guidance": 1, "start_state": 1, "safe_target": 1}
    # without a recorded trajectory the nominal flight steps differently: its own solve
    build_batch(m2020, 2, record_trajectory=False)
    build_batch(m2020, 2, record_trajectory=False)
    assert solve_counts == {"entry_guidance": 1, "start_state": 1, "safe_target": 2}


def test_building_twice_is_byte_identical(solve_counts) -> None:
    """A batch from a fresh preflight equals one from the memoised preflight, byte for byte."""
    msl = skycrane.load_mission("msl")
    fresh = _batch_bytes(build_batch(msl, 2, record_trajectory=False))
    again = _batch_bytes(build_batch(msl, 2, record_trajectory=False))
    preflight.clear()
    rebuilt = _batch_bytes(build_batch(msl, 2, record_trajectory=False))
    assert fresh == again == rebuilt
    assert solve_counts["start_state"] == 2  # once per memo, the second build reused it


def test_preflight_serves_only_its_own_batch() -> None:
    """Results of one mission, or of the other trajectory sampling, are not packed into a
    batch they were not solved for (the safe-target flight's steps depend on sampling)."""
    m2020 = skycrane.load_mission("m2020")
    msl = skycrane.load_mission("msl")
    with pytest.raises(ValueError, match="another mission"):
        build_batch(msl, 1, preflight=prepare(m2020))
    with pytest.raises(ValueError, match="trajectory sampling"):
        build_batch(m2020, 1, record_trajectory=False, preflight=prepare(m2020))


def test_memoised_solves_are_read_only() -> None:
    """A caller cannot change what the next build of the mission gets."""
    pre = prepare(skycrane.load_mission("m2020"))
    table, gains = pre.entry_guidance
    for array in (pre.start_state, table, gains):
        with pytest.raises(ValueError):
            array[0] = 0.0


def test_divert_reach_closed_form() -> None:
    """Reach = dv t / 2: dv from the rocket equation, t the burn at minimum throttle (analytic);
    for Mars 2020 (400 kg, 1,070 kg stage, 8 x 3.1 kN at 13 %, Isp 220 s) about 135 km."""
    exhaust = 220.0 * 9.80665
    dv = exhaust * math.log(1070.0 / 670.0)
    burn = 400.0 * exhaust / (8 * 3100.0 * 0.13)
    reach = preflight.largest_divert_m(400.0, 1070.0, 8 * 3100.0 * 0.13, 220.0)
    assert reach == pytest.approx(0.5 * dv * burn, rel=1e-12)
    assert 130e3 < reach < 140e3


def test_divert_reach_bounds_every_split_of_the_impulse() -> None:
    """Invariant: no split of dv into a start impulse u and a stopping one after time s <= t
    moves farther than dv t / 2 (displacement u s with u <= dv / 2)."""
    exhaust = 220.0 * 9.80665
    dv = exhaust * math.log(1070.0 / 670.0)
    burn = 270.0
    reach = preflight.largest_divert_m(400.0, 1070.0, 400.0 * exhaust / burn, 220.0)
    u, s = np.meshgrid(np.linspace(0.0, dv / 2, 101), np.linspace(0.0, burn, 101))
    assert np.max(u * s) == pytest.approx(reach, rel=1e-12)


def test_no_divert_without_propellant() -> None:
    """Nothing to burn: nothing is reachable."""
    assert preflight.largest_divert_m(0.0, 1070.0, 3224.0, 220.0) == 0.0
