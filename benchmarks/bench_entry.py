"""Benchmark: dispersed Mars 2020 entries, entry interface to parachute deploy.

Prints cases per second for N dispersed entries (compiled kernel, all cores)
and the peak resident memory of a separate process flying M cases, for two
entries: a constant bank (the engine issue's definition of the first flight)
and the terminal point controller at 1 Hz (the Mars 2020 preset's guidance).

    python benchmarks/bench_entry.py [--cases 10000] [--memory-cases 100000]

The Mars 2020 preset is cut to its entry (entry interface to the parachute
trigger). The dispersions are a
simple seeded stand-in (density, drag, lift, mass, entry speed and
flight-path angle) until the Monte Carlo layer provides the mission-file
dispersions; they exercise the same kernel path. The integrator runs at rtol
1e-7, whose deploy point is within 1 m in altitude and 5 m in position of a
tight reference (tests/propagate/test_prop_flight.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import resource
import subprocess
import sys
import time

import numpy as np

RTOL = 1e-7
ATOL = 1e-6


def entry_mission():
    """Mars 2020 from entry interface to the parachute trigger, where the flight stops."""
    import skycrane
    from skycrane.missions.schema_landing import EventSpec, SequenceSpec

    m = skycrane.load_mission("m2020")
    events = [EventSpec(name="parachute_deploy", trigger="parachute_trigger", stop=True)]
    spec = m.spec.model_copy(update={"sequence": SequenceSpec(start_t_s=0.0, events=events)})
    return dataclasses.replace(m, spec=spec)


def dispersed_batch(n: int, seed: int = 2020, guided: bool = True):
    """n dispersed copies of the Mars 2020 entry (seeded), guided or at constant bank."""
    from skycrane.contract import layout as L
    from skycrane.propagate.kernel import default_settings
    from skycrane.sequence.build import build_batch

    batch = build_batch(entry_mission(), n, record_trajectory=False)
    rng = np.random.default_rng(seed)
    y0 = batch.y0.copy()
    p = batch.params.copy()
    mem = batch.mem0.copy()
    if guided:
        mem[:, L.M_GUIDANCE] = L.GUID_ENTRY  # guidance is on from the entry interface
        mem[:, L.M_NEXT_GUIDE_T] = batch.t0_s
    p[:, L.P_DENSITY_SCALE] *= 1.0 + 0.05 * rng.standard_normal(n)
    p[:, L.P_CD_SCALE] *= 1.0 + 0.02 * rng.standard_normal(n)
    p[:, L.P_CL_SCALE] *= 1.0 + 0.03 * rng.standard_normal(n)
    y0[:, L.S_MASS] *= 1.0 + 0.005 * rng.standard_normal(n)
    # speed +-2 m/s and a small rotation of the velocity in the vertical plane (~0.05 deg)
    v = y0[:, 3:6]
    r_hat = y0[:, 0:3] / np.linalg.norm(y0[:, 0:3], axis=1, keepdims=True)
    dgam = math.radians(0.05) * rng.standard_normal(n)
    speed = np.linalg.norm(v, axis=1)
    v_new = v + (dgam * speed)[:, None] * r_hat
    v_new *= ((speed + 2.0 * rng.standard_normal(n)) / np.linalg.norm(v_new, axis=1))[:, None]
    y0[:, 3:6] = v_new
    settings = default_settings(rtol=RTOL, atol=ATOL, max_step_s=10.0)
    return batch.t0_s, y0, p, mem, batch.model, settings


def throughput(n: int, guided: bool) -> dict:
    from skycrane.propagate.kernel import run_batch

    t0, y0, p, mem, model, settings = dispersed_batch(n, guided=guided)
    t = time.perf_counter()
    run_batch(t0, y0[:16], p[:16], mem[:16], model, settings)  # compile or load from cache
    warm_s = time.perf_counter() - t
    t = time.perf_counter()
    raw = run_batch(t0, y0, p, mem, model, settings)
    dt = time.perf_counter() - t
    return {
        "cases": n,
        "seconds": dt,
        "cases_per_s": n / dt,
        "first_call_s": warm_s,
        "reached_deploy": int(np.sum(raw.status == 0)),
        "mean_steps": float(raw.n_steps.mean()),
        "mean_rejected": float(raw.n_rejected.mean()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--memory-cases", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--guided", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(throughput(args.cases, args.guided)))
        return
    import numba

    print(f"threads: {numba.get_num_threads()}   rtol {RTOL:g}")
    for guided, label in ((False, "constant bank"), (True, "terminal point controller")):
        res = throughput(args.cases, guided)
        print(
            f"{label}: {res['cases']} dispersed Mars 2020 entries (EI -> deploy) in "
            f"{res['seconds']:.2f} s = {res['cases_per_s']:,.0f} cases/s "
            f"({res['reached_deploy']} reached deploy, {res['mean_steps']:.0f} steps "
            f"+ {res['mean_rejected']:.0f} rejected per case)"
        )
        child = subprocess.run(
            [sys.executable, __file__, "--child", "--cases", str(args.memory_cases)]
            + (["--guided"] if guided else []),
            check=True,
            capture_output=True,
            text=True,
        )
        mem = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"  memory: {mem['cases']} cases in a fresh process: peak RSS "
            f"{mem['peak_rss_mb']:.0f} MB ({mem['cases_per_s']:,.0f} cases/s)"
        )


if __name__ == "__main__":
    main()
