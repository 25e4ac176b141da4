"""Memory invariant: a finished chunk is held only until it is saved.

A run's memory must be bounded by the chunks in flight, never by the number
of cases: a 10^6-case run is 500 chunks of 2,000 rows, about 6 MB each.
"""

from __future__ import annotations

import weakref

import numba

from skycrane.montecarlo import run_monte_carlo, runner


def test_finished_chunks_are_released_once_saved(m2020, tmp_path, monkeypatch) -> None:
    """Invariant: tables alive when a chunk is saved <= chunks in flight + the one saved.

    Twelve chunks on this process's lanes; holding every finished chunk's
    result (the bug this guards against) would reach twelve.
    """
    refs = []
    flown = runner.compute_chunk

    def tracked(job, start, stop):
        table = flown(job, start, stop)
        refs.append(weakref.ref(table))
        return table

    most = []

    def progress(done: int, total: int) -> None:
        most.append(sum(r() is not None for r in refs))

    monkeypatch.setattr(runner, "compute_chunk", tracked)
    run_monte_carlo(m2020, 24, 5, tmp_path / "mc", chunk_size=2, progress=progress)
    lanes = numba.get_num_threads()
    assert len(most) == 13  # the start, then each of the 12 chunks
    assert max(most) <= lanes + 2, most
