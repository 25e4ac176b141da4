"""Benchmark: the whole nominal landing, and the command a user types.

Prints the compute time of the full Mars 2020 sequence (every body to rest)
after start-up, and the wall time of ``skycrane run m2020`` on a warm install
(compiled code cached), each the best of a few repeats.

    python benchmarks/bench_landing.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import skycrane

    mission = skycrane.load_mission("m2020")
    skycrane.simulate(mission)  # compile or load the cache
    best = min(_timed(lambda: skycrane.simulate(mission)) for _ in range(args.repeats))
    print(f"full nominal Mars 2020 sequence, every body to rest: {best:.3f} s compute")
    exe = shutil.which("skycrane") or f"{sys.executable} -m skycrane"
    cmd = [*exe.split(), "run", "m2020"]
    subprocess.run(cmd, check=True, capture_output=True)  # warm
    wall = min(
        _timed(lambda: subprocess.run(cmd, check=True, capture_output=True))
        for _ in range(args.repeats)
    )
    print(f"'skycrane run m2020' end to end on a warm install: {wall:.2f} s wall")


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
