"""Benchmark: peak memory of a 10^6-case Monte Carlo's table and statistics.

Everything a Monte Carlo holds in memory is bounded by one chunk (flown,
tabulated, written) except two stages that see every case: merging the chunk
files into ``cases.parquet`` and computing the summary. This benchmark flies
one real chunk of dispersed Mars 2020 landings, writes it out as the chunks
of an ``-n`` case run (case numbers rewritten; the rows repeat, the sizes are
real), then times and measures those two stages exactly as ``run_monte_carlo``
calls them. Peak resident memory is read from ``getrusage`` in a fresh child.

    python benchmarks/bench_mc_scale.py [-n 1000000] [--chunk 2000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CHILD = r"""
import resource, sys, tempfile, time
from pathlib import Path
import numpy as np
import pyarrow as pa
from skycrane.missions.loader import load_mission
from skycrane.montecarlo.chunk import Job, compute_chunk
from skycrane.montecarlo.runner import _chunks, _write_table, chunk_path, merge_chunks
from skycrane.analysis.summary import summarize
n, size = int(sys.argv[1]), int(sys.argv[2])
mission = load_mission("m2020")
table = compute_chunk(Job(mission, 1, size), 0, size)
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(f"one chunk of {size} cases: {table.num_columns} columns, peak RSS so far {rss():.0f} MB")
with tempfile.TemporaryDirectory(dir=sys.argv[3]) as tmp:
    out = Path(tmp)
    (out / "chunks").mkdir()
    chunks = _chunks(n, size)
    t = time.perf_counter()
    for a, b in chunks:
        part = table.slice(0, b - a).set_column(0, "case", pa.array(np.arange(a, b)))
        _write_table(chunk_path(out, a, b), part)
    print(f"wrote {len(chunks)} chunk files in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    merge_chunks(out, chunks, out / "cases.parquet")
    size_gb = (out / "cases.parquet").stat().st_size / 1e9
    dt = time.perf_counter() - t
    print(f"merged {n} rows into cases.parquet ({size_gb:.2f} GB) in {dt:.1f} s")
    print(f"peak memory after the merge: {rss():.0f} MB")
    t = time.perf_counter()
    s = summarize(out / "cases.parquet", mission)
    print(f"summary of {s['cases']} cases in {time.perf_counter() - t:.1f} s")
print(f"peak memory for {n} cases: {rss():.0f} MB")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=2_000)
    parser.add_argument("--dir", default=".", help="where the temporary table is written")
    args = parser.parse_args()
    cmd = [sys.executable, "-c", CHILD, str(args.n), str(args.chunk), args.dir]
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
