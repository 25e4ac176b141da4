"""One chunk of a Monte Carlo: draw its cases, fly them and their bodies, tabulate the rows.

:class:`Job` is everything a worker needs (it pickles, so the same object
goes to a local process or a Dask worker); :func:`compute_chunk` is the one
code path every execution mode calls. A case's row depends only on the job
and its index, never on the chunk it was computed in.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from skycrane._jit_cache import SOURCE_DIGEST
from skycrane.contract import layout as L
from skycrane.dispersions.cases import DispersionSet, apply_inputs, dispersion_set, draw_inputs
from skycrane.missions.loader import Mission
from skycrane.propagate.kernel import run_batch
from skycrane.reduction import reduce_batch
from skycrane.sequence.bodies import fly_bodies
from skycrane.sequence.build import Batch, build_batch

DEFAULT_RTOL = 1e-6
"""Integration tolerance of Monte Carlo flights.

Against the nominal 1e-10 it moves the rover's and the descent stage's rest
points by under 1 m and parachute deploy by under 0.2 m in height over
dispersed cases (tests/montecarlo/test_mc_accuracy.py), far below any dispersion.
"""
MAX_STEP_S = 60.0
"""Largest Monte Carlo step: the vacuum coasts from cruise separation need no finer one."""


def mission_digest(mission: Mission) -> str:
    """SHA-256 of the validated mission (every value that shapes a flight), hex.

    Names a mission by what it is, not what it is called: two files that
    differ in any value differ here, whatever their name.
    """
    return hashlib.sha256(mission.spec.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class Job:
    """A Monte Carlo run: mission, seed, number of cases, tolerance."""

    mission: Mission
    seed: int
    n_cases: int
    rtol: float = DEFAULT_RTOL

    def token(self) -> str:
        """Digest of everything a row depends on (for the manifest and resume checks)."""
        h = hashlib.sha256()
        h.update(self.mission.spec.model_dump_json().encode())
        h.update(f"{self.seed}/{self.n_cases}/{self.rtol!r}/{SOURCE_DIGEST}".encode())
        return h.hexdigest()[:20]


_PREPARED: dict[str, tuple[Batch, DispersionSet]] = {}


def prepare(job: Job) -> tuple[Batch, DispersionSet]:
    """The nominal one-case batch (MC tolerance, no trajectory) and the dispersions; cached."""
    key = job.token()
    prepared = _PREPARED.get(key)  # read once: another thread may replace the entry
    if prepared is None:
        batch = build_batch(job.mission, 1, record_trajectory=False)
        settings = batch.settings.copy()
        settings[L.SET_RTOL] = job.rtol
        settings[L.SET_MAX_STEP_S] = max(settings[L.SET_MAX_STEP_S], MAX_STEP_S)
        batch = dataclasses.replace(batch, settings=settings)
        prepared = (batch, dispersion_set(job.mission))
        _PREPARED.clear()
        _PREPARED[key] = prepared
    return prepared


def compute_columns(job: Job, cases: np.ndarray) -> dict[str, np.ndarray]:
    """Rows of the given case indices as named columns: case, inputs, then the
    reduction's table (:mod:`skycrane.reduction`)."""
    nominal, ds = prepare(job)
    cases = np.asarray(cases, dtype=np.int64)
    inputs = draw_inputs(ds, job.seed, cases, job.n_cases)
    batch = apply_inputs(nominal, job.mission, ds, inputs)
    raw = run_batch(batch.t0_s, batch.y0, batch.params, batch.mem0, batch.model, batch.settings)
    flights = fly_bodies(batch, job.mission, raw, rtol=job.rtol)
    cols = {"case": cases}
    cols.update({f"input.{name}": np.asarray(v, dtype=np.float64) for name, v in inputs.items()})
    cols.update(reduce_batch(raw, batch, job.mission, flights).table)
    return cols


def compute_chunk(job: Job, start: int, stop: int) -> pa.Table:
    """Cases ``start .. stop-1`` as an Arrow table (one row per case)."""
    cols = compute_columns(job, np.arange(start, stop))
    arrays = {
        name: pa.array(v, type=pa.string()) if v.dtype == object else pa.array(v)
        for name, v in cols.items()
    }
    return pa.table(arrays)
