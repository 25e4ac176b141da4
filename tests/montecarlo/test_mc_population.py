"""Monte Carlo statistics without censoring: one population, the landed cases, for every statistic.

The tables here are written by hand (no flight), with cases of three kinds:
landed within every limit, landed above the parachute's Mach limit, and not
landed. The checks are invariants of the summary's definition
(docs/monte_carlo.md, "Statistics"): every landed case counts whatever limit
it broke, every statistic is over the same cases, and the cases that did not
land are counted by reason apart.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from skycrane.analysis.ellipse import empirical_ellipse
from skycrane.analysis.summary import summarize
from skycrane.reduction import LIMITS

MACH_REASON = "parachute deployed outside its qualified envelope: above Mach {limit}"
GROUND = "hit the ground before the planned end"


def _table(mission, n_ok: int, n_mach: int, n_lost: int, seed: int = 3) -> pa.Table:
    """Cases: ``n_ok`` landed, ``n_mach`` landed above the Mach limit, ``n_lost`` not landed.

    The over-limit cases land farther out (east), so censoring them would
    visibly shrink the ellipse.
    """
    rng = np.random.default_rng(seed)
    n = n_ok + n_mach + n_lost
    limit = mission.spec.parachute.mach_max
    mach = np.concatenate(
        [rng.uniform(1.6, limit - 0.05, n_ok), rng.uniform(limit + 0.01, limit + 0.2, n_mach)]
    )
    mach = np.concatenate([mach, rng.uniform(1.6, 2.0, n_lost)])
    east = rng.normal(0.0, 1000.0, n) + np.where(np.arange(n) >= n_ok, 4000.0, 0.0)
    north = rng.normal(0.0, 800.0, n)
    lost = np.arange(n) >= n_ok + n_mach
    east[lost] = north[lost] = np.nan
    east[-1], north[-1] = 10.0, 10.0  # a crash leaves positions, but is no landing
    crash = np.where(lost, np.nan, rng.uniform(900.0, 2000.0, n))
    lim = next(x for x in LIMITS if x.name == "parachute_deploy_mach").reason(mission)
    failure = [""] * n_ok + [lim] * n_mach + [GROUND] * n_lost
    return pa.table(
        {
            "case": np.arange(n),
            "status": np.where(lost, 1, 0),
            "failure": pa.array(failure, type=pa.string()),
            "input.wind_east_m_s": rng.normal(0.0, 5.0, n),
            "parachute_deploy.mach": mach,
            "body.rover.east_m": east,
            "body.rover.north_m": north,
            "body.descent_stage.east_m": east + 1200.0,
            "body.descent_stage.north_m": north,
            "body.descent_stage.distance_from_rover_m": crash,
        }
    )


@pytest.fixture
def table_path(m2020, tmp_path):
    path = tmp_path / "cases.parquet"
    pq.write_table(_table(m2020, 80, 15, 5), path)
    return path


def test_cases_over_a_limit_count_in_the_ellipse_and_every_statistic(m2020, table_path):
    """Invariant: the rover ellipse is the empirical ellipse of all 95 landed cases (the
    15 above the Mach limit included), and every statistic is over those same 95."""
    s = summarize(table_path, m2020)
    t = pq.read_table(table_path)
    east = t.column("body.rover.east_m").to_numpy()
    north = t.column("body.rover.north_m").to_numpy()
    landed = (t.column("status").to_numpy() == 0) & np.isfinite(east)
    expected = empirical_ellipse(east[landed], north[landed], 0.99).to_dict()
    assert s["landed"] == 95 and s["failed"] == 20 and s["cases"] == 100
    assert s["ellipses"]["rover"]["p99"] == pytest.approx(expected)
    assert s["ellipse_99"]["major_km"] == pytest.approx(expected["major_km"])
    assert s["ellipses"]["rover"]["p99"]["n_points"] == 95
    assert s["crash_distance_m"]["n"] == 95
    assert s["percentiles"]["parachute_deploy.mach"]["n"] == 95
    assert s["percentiles"]["body.descent_stage.distance_from_rover_m"]["n"] == 95
    assert s["sensitivity"]["body.rover.east_m"]["cases"] == 95
    mach = t.column("parachute_deploy.mach").to_numpy()
    assert s["percentiles"]["parachute_deploy.mach"]["max"] == pytest.approx(mach[landed].max())
    assert s["margins"]["parachute_deploy_mach"]["margin"] < 0.0  # the exceedances show


def test_failures_are_counted_by_reason_and_kept_apart(m2020, table_path):
    """Invariant: reasons partition the cases: 15 landed over the limit, 5 not landed."""
    s = summarize(table_path, m2020)
    reason = MACH_REASON.format(limit=m2020.spec.parachute.mach_max)
    assert s["landed_exceedances"] == {reason: 15}
    assert s["not_landed"]["cases"] == 5
    assert s["not_landed"]["reasons"] == {GROUND: 5}
    assert s["not_landed"]["percentiles"]["parachute_deploy.mach"]["n"] == 5
    assert s["failures"] == {reason: 15, GROUND: 5}
    assert "landed" in s["population"]


def test_censoring_would_have_shrunk_the_ellipse(m2020, table_path):
    """The test can fail: the ellipse of the within-limit cases alone is smaller."""
    s = summarize(table_path, m2020)
    t = pq.read_table(table_path)
    east = t.column("body.rover.east_m").to_numpy()[:80]
    north = t.column("body.rover.north_m").to_numpy()[:80]
    censored = empirical_ellipse(east, north, 0.99)
    assert s["ellipse_99"]["major_km"] > 1.2 * censored.major_km


def test_flight_failures_are_not_landings(m2020, tmp_path):
    """A case the kernel did not complete (it hit the ground) is a failure even where it
    left a rover position; cases over a limit are not."""
    path = tmp_path / "cases.parquet"
    pq.write_table(_table(m2020, 10, 2, 3), path)
    s = summarize(path, m2020)
    assert s["landed"] == 12 and s["not_landed"]["reasons"] == {GROUND: 3}


def test_summary_of_a_run_where_nothing_landed_prints(m2020, tmp_path, capsys):
    """Issue 19: every case failed; the summary and its printout hold no landing
    statistic and raise nothing."""
    from skycrane.cli_mc import _print_summary

    path = tmp_path / "cases.parquet"
    pq.write_table(_table(m2020, 0, 0, 6), path)
    s = summarize(path, m2020)
    assert s["landed"] == 0 and s["failed"] == 6 and s["ellipses"] == {}
    assert s["crash_distance_m"]["n"] == 0 and s["crash_distance_m"]["p1"] is None

    class Run:
        out_dir = tmp_path
        n_computed = 6
        throughput_cases_per_s = 100.0

    _print_summary(s, Run())
    text = capsys.readouterr().out
    assert "0 landed" in text and f"did not land: 6 x {GROUND}" in text
