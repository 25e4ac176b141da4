"""Importing skycrane leaves numba's configuration alone (issue 13 item 6).

Invariant, as documented in :mod:`skycrane._jit_cache`: after ``import
skycrane``, ``numba.config.CACHE_DIR`` is what it was, a user's
``@njit(cache=True)`` function is cached exactly where numba alone puts it
(checked against a process that never imports skycrane), and skycrane's own
functions are cached in the digest-keyed skycrane directory. Each case runs in
a fresh interpreter, as the locator is chosen when a function is decorated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

USER_MODULE = """
import numba


@numba.njit(cache=True)
def plus_one(x):
    return x + 1.0
"""

PROBE = """
import json
import sys

import numba

sys.path.insert(0, sys.argv[1])
before = numba.config.CACHE_DIR
report = {"before": before}
if sys.argv[2] == "with-skycrane":
    import skycrane  # noqa: F401
    from skycrane import _jit_cache
    from skycrane.propagate.kernel import propagate_batch
    from skycrane.vehicle.heating import sutton_graves_w_m2

    sutton_graves_w_m2(1e-3, 5000.0, 1.0, 1.9e-4)
    report["skycrane_dir"] = str(_jit_cache.cache_directory())
    report["kernel_cache"] = propagate_batch._cache.cache_path
    report["heating_cache"] = sutton_graves_w_m2._cache.cache_path
import user_kernels

user_kernels.plus_one(1.0)
report["after"] = numba.config.CACHE_DIR
report["user_cache"] = user_kernels.plus_one._cache.cache_path
print(json.dumps(report))
"""


def _probe(tmp_path: Path, env: dict, with_skycrane: bool) -> dict:
    """Run :data:`PROBE` in a fresh interpreter with ``env``; return its report."""
    user_dir = tmp_path / ("with" if with_skycrane else "alone")
    user_dir.mkdir()
    (user_dir / "user_kernels.py").write_text(USER_MODULE)
    mode = "with-skycrane" if with_skycrane else "numba-alone"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(user_dir), mode],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env(tmp_path: Path, numba_cache_dir: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    env["HOME"] = str(tmp_path / "home")
    if numba_cache_dir:
        env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")
    return env


def _index_files(directory: str) -> list[str]:
    return sorted(p.name for p in Path(directory).glob("*.nbi"))


@pytest.mark.parametrize("numba_cache_dir", [True, False], ids=["NUMBA_CACHE_DIR", "default"])
def test_import_scopes_cache_to_skycrane(tmp_path, numba_cache_dir):
    env = _env(tmp_path, numba_cache_dir)
    alone = _probe(tmp_path, env, with_skycrane=False)
    with_skycrane = _probe(tmp_path, env, with_skycrane=True)

    # numba's configuration is untouched.
    assert with_skycrane["after"] == with_skycrane["before"] == alone["after"]

    # The user's function goes where numba alone puts it (same directory
    # layout; the user module sits in a sibling directory of the same name).
    user_alone = Path(alone["user_cache"]).relative_to(tmp_path)
    user_with = Path(with_skycrane["user_cache"]).relative_to(tmp_path)
    if numba_cache_dir:
        assert user_with.parent == user_alone.parent == Path("numba")
        assert user_with.name.startswith("with_") and user_alone.name.startswith("alone_")
    else:
        assert user_alone == Path("alone/__pycache__")
        assert user_with == Path("with/__pycache__")
    assert _index_files(with_skycrane["user_cache"]), "user function not cached"

    # skycrane's functions, the kernel included, go to the digest-keyed directory.
    skycrane_dir = Path(with_skycrane["skycrane_dir"])
    expected = tmp_path / "numba" if numba_cache_dir else tmp_path / "xdg" / "skycrane"
    assert skycrane_dir.parent == expected
    assert Path(with_skycrane["kernel_cache"]).parent == skycrane_dir
    assert Path(with_skycrane["heating_cache"]).parent == skycrane_dir
    assert _index_files(with_skycrane["heating_cache"]), "skycrane function not cached"
    assert not Path(with_skycrane["user_cache"]).is_relative_to(skycrane_dir)
