"""Benchmark: the compiled right-hand side's cost per call, in process CPU time.

Calls ``dynamics.rhs`` (the full evaluation, derived quantities included) and
``dynamics.rhs_stage`` (the derivative alone, for a step's inner stages) in a
compiled loop on two fixed Mars 2020 states: in entry at 30 km, and the rover
hanging on stretched bridles under thrust near the ground. Prints the best of
``--repeats`` runs of ``-n`` calls each, in ns a call. CPU time rather than
wall time, and the best rather than the median: on a shared machine that is
the figure least moved by the other jobs (it is still moved by them).

    python benchmarks/bench_rhs.py [-n 1000000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from skycrane.contract import layout as L
from skycrane.missions.loader import load_mission
from skycrane.propagate.dynamics import rhs, rhs_stage
from skycrane.propagate.model import freeze_model
from skycrane.sequence.build import build_batch


@numba.njit(nogil=True, error_model="numpy")
def _loop_rhs(n, t, y, p, mem, model, dy, aux):
    acc = 0.0
    for _ in range(n):
        y[0] += 1e-9  # a new state each call: nothing is hoisted out of the loop
        rhs(t, y, p, mem, model, dy, aux)
        acc += dy[3]
    return acc


@numba.njit(nogil=True, error_model="numpy")
def _loop_stage(n, t, y, p, mem, model, dy, aux):
    acc = 0.0
    for _ in range(n):
        y[0] += 1e-9
        rhs_stage(t, y, p, mem, model, dy)
        acc += dy[3]
    return acc


def _states(batch):
    """(label, t, y, mem) of the two states the loop is timed at."""
    model = batch.model
    p = batch.params[0]
    y0 = batch.y0[0]
    up = y0[:3] / np.linalg.norm(y0[:3])
    east = np.cross([0.0, 0.0, 1.0], up)
    entry = y0.copy()
    entry[:3] = up * (model[0][1] + 30.0e3)
    entry[3:6] = -3000.0 * up + 1500.0 * east
    hanging = y0.copy()
    hanging[:3] = up * model[0][1]
    hanging[3:6] = -0.75 * up
    hanging[L.S_MASS] = 1950.0
    hanging[L.S_ROVER_DROP_M] = p[L.P_PD0 + L.PDP_BRIDLE_M] + 0.07
    hanging[L.S_ROVER_DROP_RATE_M_S] = 0.01
    mem = batch.mem0[0].copy()
    mem[L.M_BRIDLES_OUT] = 1.0
    mem[L.M_ENGINES_ON] = 1.0
    mem[L.M_CHUTE_FIRE_T] = np.nan
    mem[L.M_THRUST_X : L.M_THRUST_Z + 1] = 1950.0 * 3.71 * up
    return [
        ("entry, 30 km", 300.0, entry, batch.mem0[0].copy()),
        ("sky crane", 420.0, hanging, mem),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="calls a run")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    batch = build_batch(load_mission("m2020"), 1, record_trajectory=False)
    model = freeze_model(batch.model)
    p = batch.params[0].copy()
    dy = np.empty(L.N_STATE)
    aux = np.empty(L.N_AUX)
    for label, t, y, mem in _states(batch):
        for name, loop in (("rhs", _loop_rhs), ("rhs_stage", _loop_stage)):
            loop(10, t, y, p, mem, model, dy, aux)  # compile first
            best = np.inf
            for _ in range(args.repeats):
                start = time.process_time()
                loop(args.n, t, y, p, mem, model, dy, aux)
                best = min(best, (time.process_time() - start) / args.n)
            print(f"{label}: {name} {best * 1e9:.1f} ns a call (best of {args.repeats})")


if __name__ == "__main__":
    main()
