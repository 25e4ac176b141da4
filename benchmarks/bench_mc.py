"""Benchmark: dispersed landings end to end (Mars 2020 by default), every body to rest.

Prints cases per second and peak memory of ``run_monte_carlo`` (sampling,
kernel, body passes, Parquet, statistics) for each execution mode:

* this process with all numba threads (``--workers 1``, the default),
* local worker processes (``--workers 2``),
* a local two-worker Dask cluster (its overhead against local processes).

Peak memory is the high-water resident set of this process and its children
(``resource.getrusage``). Each mode runs in a fresh child process so the
figures do not mix. The child imports skycrane and loads the compiled kernel
(and pyarrow its pandas layer) before the clock starts: imports are not
throughput. Each mode is run ``--repeats`` times, the modes interleaved, and
the median, best and worst are printed: on a shared machine the same run
varies by tens of per cent from minute to minute. The Dask overhead is the
ratio of the medians.

    python benchmarks/bench_mc.py [-n 10000] [--modes threads,processes,dask] [--repeats 3]
                                  [--mission m2020 | msl | artemis1 | artemis2 | apollo4 |
                                             starliner | FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from skycrane.missions.loader import load_mission
from skycrane.montecarlo import run_monte_carlo
from skycrane.montecarlo.chunk import Job, compute_chunk
n, mode, out, name = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
mission = load_mission(name)
compute_chunk(Job(mission, 0, 10), 0, 2)  # load the compiled kernel (and pyarrow's pandas) first
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


def _run(n: int, mode: str, mission: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(n), mode, f"{tmp}/mc", mission],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--modes", default="threads,processes,dask")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mission", default="m2020", help="preset name or mission file")
    args = parser.parse_args()
    modes = args.modes.split(",")
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for _ in range(args.repeats):
        for mode in modes:
            runs[mode].append(_run(args.n, mode, args.mission))
    medians = {}
    for mode, rs in runs.items():
        rate = sorted(r["cases_per_s"] for r in rs)
        chunk_rate = statistics.median(r["compute_cases_per_s"] for r in rs)
        medians[mode] = statistics.median(rate)
        print(
            f"{args.n} dispersed {args.mission} landings, {mode:9s}: "
            f"{medians[mode]:6.0f} cases/s median "
            f"(best {rate[-1]:.0f}, worst {rate[0]:.0f} of {len(rs)}; wall incl. start-up and "
            f"statistics; {chunk_rate:.0f} in the chunks), peak memory "
            f"{max(r['peak_mb'] for r in rs):.0f} MB, {rs[0]['failed']} failed"
        )
    if "dask" in medians and "processes" in medians:
        overhead = medians["processes"] / medians["dask"] - 1.0
        print(f"Dask overhead against local processes (medians): {100 * overhead:+.1f} %")


if __name__ == "__main__":
    main()
