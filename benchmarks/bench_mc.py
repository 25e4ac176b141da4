"""Benchmark: dispersed Mars 2020 landings end to end, every body to rest.

Prints cases per second and peak memory of ``run_monte_carlo`` (sampling,
kernel, body passes, Parquet, statistics) for each execution mode:

* this process with all numba threads (``--workers 1``, the default),
* local worker processes (``--workers 2``),
* a local two-worker Dask cluster (its overhead against local processes).

Peak memory is the high-water resident set of this process and its children
(``resource.getrusage``). Each mode runs in a fresh child process so the
figures do not mix.

    python benchmarks/bench_mc.py [-n 10000] [--modes threads,processes,dask]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from skycrane.missions.loader import load_mission
from skycrane.montecarlo import run_monte_carlo
from skycrane.montecarlo.chunk import Job, compute_columns
import numpy as np
n, mode, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
mission = load_mission("m2020")
compute_columns(Job(mission, 0, 10), np.arange(2))  # load the compiled kernel first
cluster = None
if mode == "dask":
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
t = time.perf_counter()
run = run_monte_carlo(
    mission, n, 1, Path(out), workers=2 if mode == "processes" else 1,
    cluster=None if cluster is None else cluster.scheduler_address,
)
wall = time.perf_counter() - t
if cluster is not None:
    cluster.close()
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024.0
print(json.dumps({"cases_per_s": n / wall, "compute_cases_per_s": run.throughput_cases_per_s,
                  "wall_s": wall, "peak_mb": peak, "failed": run.summary["failed"]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--modes", default="threads,processes,dask")
    args = parser.parse_args()
    results = {}
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(
                [sys.executable, "-c", CHILD, str(args.n), mode, f"{tmp}/mc"],
                capture_output=True,
                text=True,
                check=True,
            )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results[mode] = r
        print(
            f"{args.n} dispersed M2020 landings, {mode:9s}: {r['cases_per_s']:7.0f} cases/s "
            f"(wall {r['wall_s']:.1f} s incl. start-up and statistics; "
            f"{r['compute_cases_per_s']:.0f} cases/s in the chunks), "
            f"peak memory {r['peak_mb']:.0f} MB, {r['failed']} failed"
        )
    if "dask" in results and "processes" in results:
        overhead = results["processes"]["cases_per_s"] / results["dask"]["cases_per_s"] - 1.0
        print(f"Dask overhead against local processes: {100 * overhead:+.1f} %")


if __name__ == "__main__":
    main()
