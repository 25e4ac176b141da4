"""Behaviour check: does this tree fly exactly as another commit did?

Runs, in this tree and in a checkout of ``--against`` (a git worktree kept under
``~/.cache/skycrane/compare/`` so that its compiled kernel is reused; each tree
imported through ``PYTHONPATH`` with this interpreter):

* ``skycrane run m2020 --json`` and ``skycrane run msl --json``;
* ``skycrane mc m2020 -n N --seed S`` and ``skycrane mc msl -n N --seed S``,

and compares the JSON documents and the ``cases.parquet`` tables (their data,
column by column, and their schemas). A refactor that claims "no result
changes" must print ``identical`` for every item. Where something differs the
script names each differing JSON key or table column with its largest
difference, so a deliberate change can be listed and justified.

    python benchmarks/compare_outputs.py --against HEAD~3 [-n 1000] [--seed 11]

Prints one line per item and a last line ``N identical, M differ``; the exit
status is 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
MISSIONS = ("m2020", "msl")
VOLATILE_JSON = {"throughput_cases_per_s", "wall_s", "output", "summary_file"}
"""Keys that measure the machine, not the flight, or name where each tree's run wrote."""


def _skycrane(src: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(src))
    return subprocess.run(
        [sys.executable, "-m", "skycrane", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _fly(src: Path, out: Path, n: int, seed: int) -> dict[str, object]:
    """Every item of one tree: parsed JSON documents and Parquet tables."""
    items: dict[str, object] = {}
    for name in MISSIONS:
        done = _skycrane(src, ["run", name, "--json"], out)
        items[f"run {name} --json"] = _json_or_error(done)
        mc_dir = out / f"mc-{name}"
        done = _skycrane(
            src, ["mc", name, "-n", str(n), "--seed", str(seed), "-o", str(mc_dir), "--json"], out
        )
        items[f"mc {name} --json"] = _json_or_error(done)
        table = mc_dir / "cases.parquet"
        items[f"mc {name} cases.parquet"] = pq.read_table(table) if table.exists() else None
    return items


def _json_or_error(done: subprocess.CompletedProcess) -> object:
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"exit": done.returncode, "stderr": done.stderr[-2000:]}


def _json_diffs(a: object, b: object, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key in VOLATILE_JSON:
                continue
            if key not in a or key not in b:
                out.append(f"{path}.{key}: only in {'new' if key in a else 'old'}")
            else:
                out.extend(_json_diffs(a[key], b[key], f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items, was {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _json_diffs(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r}, was {b!r}"]


def _table_diffs(new, old) -> list[str]:
    if new is None or old is None:
        return [] if new is old else ["table missing in one tree"]
    out = []
    if new.schema.names != old.schema.names:
        added = sorted(set(new.schema.names) - set(old.schema.names))
        removed = sorted(set(old.schema.names) - set(new.schema.names))
        out.append(f"columns: added {added}, removed {removed}, or reordered")
    if new.num_rows != old.num_rows:
        return [*out, f"rows: {new.num_rows}, was {old.num_rows}"]
    for name in new.schema.names:
        if name not in old.schema.names:
            continue
        a, b = new.column(name), old.column(name)
        if a.type != b.type:
            out.append(f"{name}: type {a.type}, was {b.type}")
        elif not a.equals(b):  # Arrow's equals is False for NaN == NaN
            x, y = a.to_numpy(zero_copy_only=False), b.to_numpy(zero_copy_only=False)
            if x.dtype.kind == "f":
                same = (x == y) | (np.isnan(x) & np.isnan(y))
                if np.any(~same):
                    worst = np.nanmax(np.abs(x - y))
                    out.append(f"{name}: {int((~same).sum())} rows differ, largest by {worst:.6g}")
            else:
                out.append(f"{name}: {int((x != y).sum())} rows differ")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="git revision to compare with")
    parser.add_argument("-n", type=int, default=1000, help="dispersed cases per mission")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", args.against],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # kept between runs: numba's cache is keyed by the source files' paths and times
    old_tree = Path.home() / ".cache" / "skycrane" / "compare" / sha[:12]
    if not (old_tree / "src").is_dir():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old_tree), sha],
            check=True,
            capture_output=True,
        )
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        (tmp_dir / "out-new").mkdir()
        (tmp_dir / "out-old").mkdir()
        new = _fly(ROOT / "src", tmp_dir / "out-new", args.n, args.seed)
        old = _fly(old_tree / "src", tmp_dir / "out-old", args.n, args.seed)
    n_same = n_diff = 0
    for item in new:
        if item.endswith("parquet"):
            diffs = _table_diffs(new[item], old[item])
        else:
            diffs = _json_diffs(new[item], old[item])
        if diffs:
            n_diff += 1
            print(f"{item}: differs")
            for d in diffs[:40]:
                print(f"    {d}")
            if len(diffs) > 40:
                print(f"    ... and {len(diffs) - 40} more")
        else:
            n_same += 1
            print(f"{item}: identical")
    print(f"{n_same} identical, {n_diff} differ")
    return 1 if n_diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
