"""The Dask path: a local two-worker cluster writes the same table as local processes."""

from __future__ import annotations

import pytest

from skycrane.montecarlo import run_monte_carlo
from skycrane.montecarlo.runner import CASES

distributed = pytest.importorskip("distributed")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_local_dask_cluster_matches_local_run(m2020, tmp_path) -> None:
    """Invariant: 2 Dask workers (processes, 1 thread each) give the bytes of a 1-process run."""
    local = run_monte_carlo(m2020, 8, 5, tmp_path / "local", chunk_size=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        run = run_monte_carlo(
            m2020, 8, 5, tmp_path / "dask", chunk_size=2, cluster=cluster.scheduler_address
        )
    assert run.n_computed == 8
    assert (run.out_dir / CASES).read_bytes() == (local.out_dir / CASES).read_bytes()
