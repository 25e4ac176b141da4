"""Reproducibility invariants: workers, chunk sizes, interruption and replay change nothing.

Every comparison is of the whole ``cases.parquet`` file, byte for byte.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pyarrow.parquet as pq
import pytest

from skycrane.montecarlo import Job, compute_columns, run_monte_carlo
from skycrane.montecarlo.runner import CASES

N = 24


@pytest.fixture(scope="module")
def reference(m2020, tmp_path_factory):
    """One uninterrupted run: 1 worker (this process, chunks side by side), chunks of 6."""
    out = tmp_path_factory.mktemp("ref") / "mc"
    run_monte_carlo(m2020, N, 11, out, workers=1, chunk_size=6)
    return out / CASES


def test_one_and_two_worker_processes_give_identical_tables(m2020, reference, tmp_path) -> None:
    """Invariant: 2 local worker processes (1 thread each) write the same bytes as 1."""
    run = run_monte_carlo(m2020, N, 11, tmp_path / "mc", workers=2, chunk_size=6)
    assert (run.out_dir / CASES).read_bytes() == reference.read_bytes()


def test_chunks_one_at_a_time_give_the_same_table_as_side_by_side(
    m2020, reference, tmp_path, monkeypatch
) -> None:
    """Invariant: chunks flown one after the other over all numba threads (the
    fallback for a threading layer that cannot launch from two threads) write
    the same bytes as chunks flown side by side on a thread each."""
    from skycrane.montecarlo import runner

    monkeypatch.setattr(runner, "THREAD_SAFE_LAYERS", ())
    run = run_monte_carlo(m2020, N, 11, tmp_path / "mc", workers=1, chunk_size=6)
    assert (run.out_dir / CASES).read_bytes() == reference.read_bytes()


def test_chunk_size_does_not_change_the_table(m2020, reference, tmp_path) -> None:
    """Invariant: chunks of 5 (uneven last chunk) write the same bytes as chunks of 6."""
    run = run_monte_carlo(m2020, N, 11, tmp_path / "mc", workers=1, chunk_size=5)
    assert (run.out_dir / CASES).read_bytes() == reference.read_bytes()


def test_interrupted_then_resumed_equals_uninterrupted(
    m2020, reference, tmp_path, monkeypatch
) -> None:
    """Ctrl-C after half the chunks keeps them, and every chunk already
    started (it finishes and is saved); --resume computes only the rest."""
    from skycrane.montecarlo import runner

    out = tmp_path / "mc"
    stopped, started = [], []
    flown = runner.compute_chunk

    def counted(job, start, stop):
        started.append(start)
        return flown(job, start, stop)

    def stop_half_way(done: int, total: int) -> None:
        if done >= total // 2 and not stopped:
            stopped.append(done)
            raise KeyboardInterrupt

    monkeypatch.setattr(runner, "compute_chunk", counted)
    with pytest.raises(KeyboardInterrupt):
        run_monte_carlo(m2020, N, 11, out, chunk_size=1, progress=stop_half_way)
    kept = sorted(p.name for p in (out / "chunks").iterdir())
    assert len(kept) == len(started) >= N // 2 and not (out / CASES).exists()
    run = run_monte_carlo(m2020, N, 11, out, chunk_size=1, resume=True)
    assert run.n_computed == N - len(kept)  # only the missing chunks
    assert (out / CASES).read_bytes() == reference.read_bytes()


def test_killed_process_then_resume_equals_uninterrupted(m2020, reference, tmp_path) -> None:
    """A ``skycrane mc`` killed with SIGKILL mid-run resumes to the same table."""
    out = tmp_path / "mc"
    cmd = [sys.executable, "-m", "skycrane", "mc", "m2020", "-n", str(N), "--seed", "11"]
    cmd += ["-o", str(out), "--chunk-size", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240.0
    try:
        while time.monotonic() < deadline:
            chunks = list((out / "chunks").glob("part-*.arrow")) if out.exists() else []
            if len(chunks) >= 3 or proc.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not (out / CASES).exists()
    subprocess.run([*cmd, "--resume"], check=True, stdout=subprocess.DEVNULL)
    assert (out / CASES).read_bytes() == reference.read_bytes()


def test_a_replayed_case_equals_its_row(m2020, reference) -> None:
    """A single case computed alone reproduces its row exactly (every column)."""
    table = pq.read_table(reference)
    alone = compute_columns(Job(m2020, 11, N), np.array([17]))
    for name, values in alone.items():
        row = table.column(name)[17].as_py()
        if isinstance(row, float) and np.isnan(row):
            assert np.isnan(values[0]), name
        else:
            assert row == values[0], name


def test_failed_cases_are_kept_and_counted(mission_file, tmp_path) -> None:
    """An impossible design (no propellant margin: 1 % thrust) fails every case, none dropped."""
    from skycrane.missions.loader import load_mission

    path = mission_file(
        'base = "m2020"\n[dispersions.parameters]\n'
        'engine_thrust_error = { distribution = "uniform", low = -0.9, high = -0.8 }\n',
        "weak.toml",
    )
    run = run_monte_carlo(load_mission(path), 4, 1, tmp_path / "mc", chunk_size=2)
    table = pq.read_table(run.out_dir / CASES)
    assert table.num_rows == 4
    assert run.summary["failed"] == 4
    assert all(f for f in table.column("failure").to_pylist())
