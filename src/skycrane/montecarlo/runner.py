"""Run a Monte Carlo: chunks in this process, local processes or a Dask cluster, to Parquet.

Layout of the output directory::

    manifest.json         what the run is (mission, seed, cases, chunking, code digest),
                          and each saved chunk with its checksum (skycrane.montecarlo.store)
    chunks/part-A-B.arrow     cases A..B-1, each written whole (temp file, then rename)
    cases.parquet         every case in case order, once all chunks exist
    summary.json          the statistics (skycrane.analysis.summary)

Nothing is ever half-written: each file appears by an atomic rename. Chunk
files are Arrow IPC (the columns as they sit in memory: written and read back
by the merge at memory speed, where a Parquet chunk cost 27 ms to write and
17 ms to read per 625 rows of 367 columns); the table a user reads is Parquet. An
interrupted run (Ctrl-C, a killed process, a lost worker) keeps every finished
chunk (after Ctrl-C in this process, also the chunks that were flying: they
finish and are saved first); ``resume=True`` recomputes only the missing
ones, after checking every kept chunk against its manifest record (a
damaged or foreign chunk is named in a warning and recomputed), and the
final table is identical to an uninterrupted run because a case's row
depends only on the job and its index. ``cases.parquet`` is
written in fixed row groups, so its bytes do not depend on the chunk size
either.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numba
import pyarrow as pa
import pyarrow.parquet as pq

from skycrane._version import __version__
from skycrane.analysis.summary import summarize
from skycrane.dispersions.cases import dispersion_set
from skycrane.errors import InputError
from skycrane.missions.loader import Mission
from skycrane.montecarlo.chunk import DEFAULT_RTOL, Job, compute_chunk, mission_digest, prepare
from skycrane.montecarlo.store import (
    MANIFEST,
    atomic_write_bytes,
    check_directory,
    chunk_meta,
    chunk_path,
    damaged_chunks,
    output_error,
    prepare_directory,
    read_manifest,
    read_table,
    write_table,
)

log = logging.getLogger(__name__)

ROW_GROUP = 16_384
"""Rows per row group of cases.parquet (fixed, so the file never depends on chunking)."""
DEFAULT_CHUNK = 2_000
CASES = "cases.parquet"
SUMMARY = "summary.json"


@dataclass(frozen=True)
class McRun:
    """What a call to :func:`run_monte_carlo` did."""

    out_dir: Path
    n_cases: int
    n_computed: int
    compute_s: float
    summary: dict

    @property
    def throughput_cases_per_s(self) -> float:
        return self.n_computed / self.compute_s if self.compute_s > 0 else float("nan")


_write_table = write_table  # the benchmarks write chunks the runner's way
_atomic_write_bytes = atomic_write_bytes


def _chunks(n_cases: int, chunk_size: int) -> list[tuple[int, int]]:
    return [(a, min(a + chunk_size, n_cases)) for a in range(0, n_cases, chunk_size)]


def _manifest(job: Job, chunk_size: int) -> dict:
    return {
        "skycrane_version": __version__,
        "token": job.token(),
        "mission": job.mission.name,
        "mission_source": job.mission.source,
        "mission_digest": mission_digest(job.mission),
        "seed": job.seed,
        "n_cases": job.n_cases,
        "rtol": job.rtol,
        "chunk_size": chunk_size,
        "sampling": job.mission.spec.dispersions.sampling,
        "chunks": {},
    }


def _check_out_dir(out_dir: Path, manifest: dict, resume: bool) -> dict | None:
    """Refuse a directory that holds something else; returns the previous manifest, if any."""
    old = read_manifest(out_dir)
    if old is None:
        if out_dir.exists() and _has_files(out_dir) and not resume:
            raise InputError("-o/--out", str(out_dir), "an empty or new directory")
        return None
    if not resume:
        raise InputError(
            "-o/--out", str(out_dir), "a new directory (this one holds a run: add --resume)"
        )
    for key in ("token", "n_cases", "seed", "chunk_size"):
        if old.get(key) != manifest[key]:
            raise InputError(
                f"--resume ({key})",
                manifest[key],
                f"the run in {out_dir} ({key} = {old.get(key)!r}); same mission, seed, "
                "number of cases, chunk size and skycrane version",
            )
    return old


def _has_files(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds anything but temporaries a killed run left."""
    try:
        return any(not p.name.startswith(".") or ".tmp-" not in p.name for p in out_dir.iterdir())
    except OSError as exc:
        raise output_error(out_dir, exc) from None


def _expect(job: Job) -> dict:
    """What every chunk record of this run must say (besides its range)."""
    return {"seed": job.seed, "mission_digest": mission_digest(job.mission), "token": job.token()}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _keep_verified(out_dir: Path, old: dict | None, manifest: dict, job: Job, chunks) -> None:
    """Carry the previous run's sound chunks into ``manifest``; remove and name the others.

    A kept ``cases.parquet`` must match its recorded checksum too, or every
    chunk is recomputed.
    """
    records = old.get("chunks") if old else None
    records = records if isinstance(records, dict) else {}
    bad = damaged_chunks(out_dir, chunks, records, _expect(job))
    final = out_dir / CASES
    if final.exists():
        recorded = old.get("cases_sha256") if old else None
        if recorded is None or _sha256(final) != recorded:
            bad[CASES] = "checksum mismatch" if recorded else "not recorded in the manifest"
    for name in bad:
        path = final if name == CASES else out_dir / "chunks" / name
        try:
            path.unlink()
        except OSError as exc:
            raise output_error(path, exc) from None
    if bad:
        log.warning(
            "recomputing %d damaged or foreign file(s) in %s: %s",
            len(bad),
            out_dir,
            "; ".join(f"{name} ({why})" for name, why in bad.items()),
        )
    manifest["chunks"] = {
        chunk_path(out_dir, a, b).name: records[chunk_path(out_dir, a, b).name]
        for a, b in chunks
        if chunk_path(out_dir, a, b).exists()
    }
    if final.exists():
        manifest["cases_sha256"] = old["cases_sha256"]


def _previous_chunk_size(out_dir: Path) -> int | None:
    try:
        return int(json.loads((out_dir / MANIFEST).read_text())["chunk_size"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _connect(cluster: str, timeout_s: float):
    """A Dask client of ``cluster``, or an :class:`InputError` within about ``timeout_s``.

    The client is made on a daemon thread that is abandoned at the deadline:
    ``Client(timeout=...)`` bounds the TCP connection, not the handshake, so a
    port that accepts and never answers would otherwise hold the run forever.
    """
    from distributed import Client

    made: dict = {}

    def connect() -> None:
        try:
            made["client"] = Client(cluster, timeout=timeout_s, set_as_default=False)
        except Exception as exc:  # reported below, in the caller's thread
            made["error"] = exc

    thread = threading.Thread(target=connect, name="skycrane-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout_s + 1.0)
    if "client" in made:
        return made["client"]
    reason = made.get("error", f"no answer within {timeout_s:g} s")
    raise InputError(
        "--cluster", cluster, f"the address of a running Dask scheduler ({reason})"
    ) from None


PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process receives when its parent thread exits (Linux)."""


def _exit_with_parent(parent_pid: int) -> None:
    """Make this worker process end when ``parent_pid`` dies, even by SIGKILL.

    On Linux the kernel sends SIGKILL at the parent's death (prctl
    PR_SET_PDEATHSIG); everywhere, a daemon thread also checks once a second
    that the parent is still this process's parent, and exits otherwise (it
    also covers a parent that died before the prctl call).
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=watch, name="skycrane-parent-watch", daemon=True).start()


def _worker_init(parent_pid: int) -> None:
    _exit_with_parent(parent_pid)
    numba.set_num_threads(1)


def run_monte_carlo(
    mission: Mission,
    n_cases: int,
    seed: int,
    out_dir: str | Path,
    *,
    workers: int = 1,
    cluster: str | None = None,
    resume: bool = False,
    chunk_size: int | None = None,
    rtol: float = DEFAULT_RTOL,
    progress: Callable[[int, int], None] | None = None,
    cluster_timeout_s: float = 10.0,
) -> McRun:
    """Fly ``n_cases`` dispersed landings of ``mission`` into ``out_dir`` (see module docstring).

    ``progress(cases_done, n_cases)`` is called after each chunk. Bad input
    raises :class:`InputError` before any case runs or any file is written.
    """
    if isinstance(n_cases, bool) or int(n_cases) < 1:
        raise InputError("-n", n_cases, "a number of cases >= 1")
    if int(seed) < 0:
        raise InputError("--seed", seed, "an integer >= 0")
    if int(workers) < 1:
        raise InputError("--workers", workers, "a number of worker processes >= 1")
    if chunk_size is not None and int(chunk_size) < 1:
        raise InputError("--chunk-size", chunk_size, "a number of cases >= 1")
    if not 0.0 < rtol < 1e-3:
        raise InputError("--rtol", rtol, "a relative tolerance in (0, 1e-3)")
    dispersion_set(mission)  # validates the [dispersions] section before anything runs
    job = Job(mission, int(seed), int(n_cases), float(rtol))
    out_dir = Path(out_dir)
    check_directory(out_dir)
    if chunk_size is None and resume:
        chunk_size = _previous_chunk_size(out_dir)
    client = _connect(cluster, cluster_timeout_s) if cluster else None
    try:
        if chunk_size is None:  # about 8 chunks per worker, for balance, at most DEFAULT_CHUNK
            if client is not None:
                lanes = len(client.scheduler_info()["workers"])
            else:
                lanes = workers if workers > 1 else numba.get_num_threads()
            chunk_size = min(DEFAULT_CHUNK, max(1, -(-n_cases // (8 * max(lanes, 1)))))
        manifest = _manifest(job, int(chunk_size))
        old = _check_out_dir(out_dir, manifest, resume)
        chunk_size = int(chunk_size)
        chunks = _chunks(n_cases, chunk_size)
        prepare_directory(out_dir)
        _keep_verified(out_dir, old, manifest, job, chunks)

        def write_manifest() -> None:
            atomic_write_bytes(out_dir / MANIFEST, json.dumps(manifest, indent=1).encode())

        write_manifest()
        final = out_dir / CASES
        todo = [] if final.exists() else [c for c in chunks if not chunk_path(out_dir, *c).exists()]
        done_cases = n_cases - sum(b - a for a, b in todo)
        if progress:
            progress(done_cases, n_cases)
        t0 = time.perf_counter()
        computed = 0
        expect = _expect(job)

        def save(start: int, stop: int, table: pa.Table) -> None:
            nonlocal done_cases, computed
            path = chunk_path(out_dir, start, stop)
            meta = chunk_meta(start, stop, job.seed, expect["mission_digest"])
            record = write_table(path, table, meta)
            manifest["chunks"][path.name] = {"start": start, "stop": stop, **expect, **record}
            write_manifest()
            done_cases += stop - start
            computed += stop - start
            if progress:
                progress(done_cases, n_cases)

        if todo:
            if client is not None:
                _run_dask(client, job, todo, save)
            elif workers == 1:
                _run_threads(job, todo, save)
            else:
                _run_processes(job, todo, workers, save)
        compute_s = time.perf_counter() - t0
    finally:
        if client is not None:
            client.close()
    if not final.exists():
        merge_chunks(out_dir, chunks, final, manifest["chunks"])
        manifest["cases_sha256"] = _sha256(final)
        manifest["chunks"] = {}
        write_manifest()
        for a, b in chunks:
            chunk_path(out_dir, a, b).unlink(missing_ok=True)
    summary = summarize(final, mission)
    summary["throughput_cases_per_s"] = computed / compute_s if computed else None
    atomic_write_bytes(out_dir / SUMMARY, json.dumps(summary, indent=2).encode())
    log.info("monte carlo: %d cases in %s (%d computed now)", n_cases, out_dir, computed)
    return McRun(out_dir, n_cases, computed, compute_s, summary)


THREAD_SAFE_LAYERS = ("omp", "tbb")
"""numba threading layers that accept parallel launches from several threads at once."""


def _one_thread_chunk(job: Job, start: int, stop: int) -> pa.Table:
    numba.set_num_threads(1)  # per calling thread (numba's setting is thread-local)
    return compute_chunk(job, start, stop)


def _run_threads(job: Job, todo, save) -> None:
    """Chunks in this process: side by side on a pool of threads, one per numba thread.

    Flying whole chunks side by side, each on one numba thread, overlaps one
    chunk's Python work (drawing, applying, tabulating; it holds the GIL) with
    another's compiled flight (it releases the GIL), where a ``prange`` over
    one chunk at a time leaves all but one core idle during the Python part.
    It needs a threading layer that accepts concurrent launches; with the
    ``workqueue`` layer the chunks run one at a time over all threads. The
    layer is known as soon as numba's threads are launched, which
    ``numba.get_num_threads`` does, so every chunk goes to the pool: flying the
    first alone (as before) left a core idle during its Python part, and the
    odd number of chunks left one flying alone at the end (10,000 cases in 16
    chunks on two threads: 6 % of the run, docs/monte_carlo.md).
    """
    lanes = numba.get_num_threads()  # launches numba's threads: the layer is known from here
    if lanes > 1 and numba.threading_layer() not in THREAD_SAFE_LAYERS:
        log.info("numba threading layer %r: chunks run one at a time", numba.threading_layer())
        lanes = 1
    if lanes == 1:
        for a, b in todo:
            save(a, b, compute_chunk(job, a, b))
        return
    prepare(job)  # the nominal batch built once, here, not by two lanes at once
    with ThreadPoolExecutor(lanes, thread_name_prefix="skycrane-chunk") as pool:
        _save_as_completed(pool, _one_thread_chunk, job, todo, save, keep_in_flight=True)


def _save_as_completed(pool, fly, job: Job, todo, save, keep_in_flight: bool = False) -> None:
    """Submit ``fly(job, a, b)`` for each chunk to ``pool``; save each as it finishes.

    A finished chunk is held only until it is saved, so memory is bounded by
    the chunks in flight, not by the run. On any error or interrupt the
    chunks not yet started are cancelled. ``keep_in_flight``: on Ctrl-C the
    chunks already flying are waited for and saved too (threads: the
    interrupt reaches only this thread, and the pool waits for them anyway;
    worker processes receive it themselves and stop).
    """
    futures = {pool.submit(fly, job, a, b): (a, b) for a, b in todo}
    try:
        for fut in as_completed(futures):
            a, b = futures.pop(fut)
            save(a, b, fut.result())
    except BaseException as exc:
        for fut in futures:
            fut.cancel()
        if keep_in_flight and isinstance(exc, KeyboardInterrupt):
            for fut, (a, b) in futures.items():
                if not fut.cancelled() and fut.exception() is None:
                    save(a, b, fut.result())
        raise


def _run_processes(job: Job, todo, workers: int, save) -> None:
    ctx = multiprocessing.get_context("spawn")  # numba's thread pool is not fork-safe
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),)
    ) as pool:
        _save_as_completed(pool, compute_chunk, job, todo, save)


def _dask_chunk(job: Job, start: int, stop: int) -> pa.Table:
    numba.set_num_threads(1)
    return compute_chunk(job, start, stop)


def _run_dask(client, job: Job, todo, save) -> None:
    from distributed import as_completed as dask_completed

    remote_job = client.scatter(job, broadcast=True)
    futures = {
        client.submit(_dask_chunk, remote_job, a, b, pure=False, retries=2): (a, b) for a, b in todo
    }
    try:
        with client.as_current():  # as_completed finds the client it waits on
            for fut in dask_completed(list(futures)):
                a, b = futures.pop(fut)  # a finished chunk is held only until saved
                save(a, b, fut.result())
    except BaseException:
        client.cancel(list(futures))
        raise


def merge_chunks(out_dir: Path, chunks, final: Path, records: dict | None = None) -> None:
    """Concatenate the chunk files in case order into ``final`` with fixed row groups.

    With ``records`` (the manifest's chunk entries) each chunk's checksum is
    checked as it is read: a chunk changed on disk since it was saved is an
    :class:`InputError` naming it (and it is removed, for ``--resume``).
    """
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    writer = None
    pending: list[pa.Table] = []
    n_pending = 0
    try:
        for a, b in chunks:
            path = chunk_path(out_dir, a, b)
            table = read_table(path, None if records is None else records.get(path.name, {}))
            if writer is None:
                # dictionary pages only for the text columns: tried on a float column of
                # distinct values they fall back to plain after the work (4x the write
                # time, a 20 % larger file)
                text = [f.name for f in table.schema if pa.types.is_string(f.type)]
                writer = pq.ParquetWriter(tmp, table.schema, use_dictionary=text)
            pending.append(table)
            n_pending += table.num_rows
            while n_pending >= ROW_GROUP:
                block = pa.concat_tables(pending)
                head = block.slice(0, ROW_GROUP).combine_chunks()
                writer.write_table(head, row_group_size=ROW_GROUP)
                rest = block.slice(ROW_GROUP)
                pending, n_pending = [rest], rest.num_rows
        if n_pending:
            tail = pa.concat_tables(pending).combine_chunks()
            writer.write_table(tail, row_group_size=ROW_GROUP)
        writer.close()
        writer = None
        os.replace(tmp, final)
    except OSError as exc:
        raise output_error(final, exc) from None
    finally:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)
