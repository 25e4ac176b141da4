"""Monte Carlo output that survives faults (issue 19 item 4).

Damaged or foreign chunks are found on ``--resume``, named and recomputed, and
the final table equals an uninterrupted run's byte for byte (the invariant of
docs/monte_carlo.md); output-directory problems are one-line errors that leave
nothing half-written; worker processes die with their parent; ``--cluster``
gives up within its timeout; ``report --mc`` checks the mission digest.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from skycrane.errors import InputError
from skycrane.missions.loader import load_mission
from skycrane.montecarlo import run_monte_carlo
from skycrane.montecarlo.chunk import mission_digest
from skycrane.montecarlo.runner import CASES
from skycrane.montecarlo.store import chunk_path

N, CHUNK, SEED = 15, 3, 11


@pytest.fixture(scope="module")
def reference(m2020, tmp_path_factory):
    """One uninterrupted run."""
    out = tmp_path_factory.mktemp("ref") / "mc"
    run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK)
    return out / CASES


def _chunks_only(mission, seed: int, out: Path, monkeypatch) -> list[Path]:
    """A run stopped after every chunk is saved, before the merge; returns the chunk files."""
    from skycrane.montecarlo import runner

    def stop(*_args, **_kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(runner, "merge_chunks", stop)
        with pytest.raises(KeyboardInterrupt):
            run_monte_carlo(mission, N, seed, out, chunk_size=CHUNK)
    return [chunk_path(out, a, min(a + CHUNK, N)) for a in range(0, N, CHUNK)]


def test_damaged_and_foreign_chunks_are_named_and_recomputed(
    m2020, reference, tmp_path, monkeypatch, caplog
) -> None:
    """Truncated, bit-flipped, garbled, renamed and other-seed chunks are each detected,
    named in one warning line and recomputed; the sound chunk is kept; the table equals
    the uninterrupted run's."""
    out = tmp_path / "mc"
    parts = _chunks_only(m2020, SEED, out, monkeypatch)
    manifest = json.loads((out / "manifest.json").read_text())
    record = manifest["chunks"][parts[0].name]
    assert (record["start"], record["stop"], record["seed"]) == (0, 3, SEED)
    assert record["mission_digest"] == mission_digest(m2020) and len(record["sha256"]) == 64
    foreign = _chunks_only(m2020, SEED + 1, tmp_path / "other", monkeypatch)

    parts[0].write_bytes(parts[0].read_bytes()[:-200])  # truncated
    data = bytearray(parts[1].read_bytes())
    data[len(data) // 2] ^= 0x10  # one bit flipped
    parts[1].write_bytes(bytes(data))
    shutil.copyfile(parts[2], parts[3])  # chunk 2 under chunk 3's name
    shutil.copyfile(foreign[2], parts[2])  # chunk 2 of another seed
    parts[4].unlink()
    parts[4].write_bytes(b"\x00garbage" * 50)  # garbled, and unrecorded size

    with caplog.at_level(logging.WARNING, logger="skycrane.montecarlo.runner"):
        run = run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK, resume=True)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "\n" not in warning
    for part in parts:
        assert part.name in warning
    assert run.n_computed == N  # every chunk was damaged or foreign
    assert (out / CASES).read_bytes() == reference.read_bytes()


def test_unrecorded_chunk_is_recomputed_and_a_sound_one_kept(
    m2020, reference, tmp_path, monkeypatch
) -> None:
    """A chunk whose manifest record is missing (killed between the two writes) is
    recomputed; the others are kept."""
    out = tmp_path / "mc"
    parts = _chunks_only(m2020, SEED, out, monkeypatch)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["chunks"][parts[1].name]
    (out / "manifest.json").write_text(json.dumps(manifest))
    run = run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK, resume=True)
    assert run.n_computed == CHUNK
    assert (out / CASES).read_bytes() == reference.read_bytes()


def test_damaged_final_table_is_rebuilt(m2020, reference, tmp_path) -> None:
    """A bit flipped in a finished cases.parquet is found on --resume and the run redone."""
    out = tmp_path / "mc"
    run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK)
    data = bytearray((out / CASES).read_bytes())
    data[len(data) // 3] ^= 0x01
    (out / CASES).write_bytes(bytes(data))
    run = run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK, resume=True)
    assert run.n_computed == N
    assert (out / CASES).read_bytes() == reference.read_bytes()


def test_full_disk_is_one_error_and_leaves_no_temporary(
    m2020, reference, tmp_path, monkeypatch
) -> None:
    """ENOSPC while a chunk is written (half of it on disk): an InputError naming -o, no
    temporary file left, and --resume then completes to the uninterrupted table."""
    from skycrane.montecarlo import store

    out = tmp_path / "mc"
    written = []
    real = Path.write_bytes

    def full(self, data):
        if self.name.startswith(".part-") and len(written) >= 2:
            with open(self, "wb") as f:
                f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(self.name)
        return real(self, data)

    with monkeypatch.context() as m:
        m.setattr(store.Path, "write_bytes", full)
        with pytest.raises(InputError) as info:
            run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK, workers=1)
    assert info.value.field == "-o/--out"
    assert "free space" in str(info.value) and "\n" not in str(info.value)
    left = [p.name for p in out.rglob("*") if ".tmp-" in p.name]
    assert left == []
    run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK, resume=True)
    assert (out / CASES).read_bytes() == reference.read_bytes()


@pytest.mark.parametrize("kind", ["file", "devnull", "under-a-file"])
def test_out_that_is_not_a_directory_is_refused_before_running(m2020, tmp_path, kind) -> None:
    target = {
        "file": tmp_path / "f.txt",
        "devnull": Path(os.devnull),
        "under-a-file": tmp_path / "f.txt" / "mc",
    }[kind]
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(InputError) as info:
        run_monte_carlo(m2020, 2, 1, target, chunk_size=1)
    assert info.value.field == "-o/--out"
    assert (tmp_path / "f.txt").read_text() == "x"


def test_cli_out_is_a_file_exits_2_with_one_line(tmp_path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "skycrane", "mc", "m2020", "-n", "2", "-o", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: -o/--out:") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_stray_temporaries_do_not_trip_resume(m2020, reference, tmp_path, monkeypatch) -> None:
    """Temporaries a killed run left (chunk, manifest, table) are ignored and removed."""
    out = tmp_path / "mc"
    _chunks_only(m2020, SEED, out, monkeypatch)
    for stray in (
        out / "chunks" / ".part-000000000-000000003.arrow.tmp-99999",
        out / ".cases.parquet.tmp-99999",
        out / ".manifest.json.tmp-1",
    ):
        stray.write_bytes(b"half")
    run_monte_carlo(m2020, N, SEED, out, chunk_size=CHUNK, resume=True)
    assert (out / CASES).read_bytes() == reference.read_bytes()
    assert [p.name for p in out.rglob("*") if ".tmp-" in p.name] == []


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_workers_die_with_their_parent(tmp_path) -> None:
    """SIGKILL of a `--workers 2` run leaves no worker process alive."""
    out = tmp_path / "mc"
    cmd = [sys.executable, "-m", "skycrane", "mc", "m2020", "-n", "400", "--seed", "1"]
    cmd += ["-o", str(out), "--workers", "2", "--chunk-size", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 300.0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            workers = [
                p
                for p in _children(proc.pid)
                if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()
            ]
            if len(workers) >= 2 and list((out / "chunks").glob("part-*.arrow")):
                break
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert len(workers) >= 2
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    alive = [p for p in workers if _alive(p)]
    for p in alive:
        os.kill(p, signal.SIGKILL)
    assert alive == []


def test_cluster_that_accepts_and_never_answers_gives_up_in_time(m2020, tmp_path) -> None:
    """A port that accepts connections and never speaks: an InputError naming --cluster
    within the stated timeout (plus a second of grace), nothing written."""
    import distributed  # noqa: F401  (imported first: the timeout is the connection's)

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    out = tmp_path / "mc"
    t0 = time.monotonic()
    try:
        with pytest.raises(InputError) as info:
            run_monte_carlo(
                m2020,
                4,
                1,
                out,
                cluster=f"tcp://127.0.0.1:{server.getsockname()[1]}",
                cluster_timeout_s=2.0,
            )
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
    assert time.monotonic() - t0 < 2.0 + 1.5
    assert info.value.field == "--cluster"
    assert not out.exists()


@pytest.fixture
def finished(m2020, tmp_path):
    """A finished Monte Carlo directory, written by hand (no flight): what load_mc reads."""
    out = tmp_path / "mc"
    out.mkdir()
    (out / "manifest.json").write_text(
        json.dumps({"mission": m2020.name, "mission_digest": mission_digest(m2020)})
    )
    (out / "summary.json").write_text(json.dumps({"cases": 2, "failed": 0}))
    table = pa.table(
        {
            "case": [0, 1],
            "status": [0, 0],
            "body.rover.east_m": [1.0, 2.0],
            "body.rover.north_m": [3.0, np.nan],
        }
    )
    pq.write_table(table, out / CASES)
    return out


def test_report_reads_a_finished_directory(m2020, finished) -> None:
    from skycrane.output.mc_report import load_mc

    summary, columns = load_mc(finished, m2020)
    assert summary["cases"] == 2
    assert columns["landed"].tolist() == [True, False]


def test_report_refuses_same_name_other_values(m2020, finished, mission_file) -> None:
    """A mission called m2020 with one value changed is not the mission that was run."""
    from skycrane.output.mc_report import load_mc

    path = mission_file('base = "m2020"\n[target]\nlatitude_deg = 18.0\n', "x.toml")
    other = load_mission(path)
    assert other.name == m2020.name
    with pytest.raises(InputError, match="digest"):
        load_mc(finished, other)


@pytest.mark.parametrize("damage", ["truncated-parquet", "summary-list", "manifest-list"])
def test_report_damaged_directory_is_one_line(m2020, finished, damage) -> None:
    from skycrane.output.mc_report import load_mc

    if damage == "truncated-parquet":
        data = (finished / CASES).read_bytes()
        (finished / CASES).write_bytes(data[: len(data) // 2])
    else:
        name = "summary.json" if damage == "summary-list" else "manifest.json"
        (finished / name).write_text("[1, 2, 3]")
    with pytest.raises(InputError) as info:
        load_mc(finished, m2020)
    assert info.value.field == "--mc" and "\n" not in str(info.value)
