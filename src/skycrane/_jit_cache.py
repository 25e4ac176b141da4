"""Point numba's on-disk cache at a directory keyed by a hash of skycrane's source.

Numba's ``cache=True`` checks only the decorated function's own file: after a
change to a function it *calls* (in another module) it silently reuses stale
machine code. Keying the cache directory by a digest of the sources of every
package holding compiled code makes any change to them (an edit, an upgrade)
start from a fresh cache, while unchanged installs keep their warm start.

The directory is ``$NUMBA_CACHE_DIR/skycrane-<digest>`` when the user set
``NUMBA_CACHE_DIR``, else ``$XDG_CACHE_HOME/skycrane/numba-<digest>``
(``~/.cache`` by default). This must run before any skycrane module defines a
jitted function, which is why ``skycrane/__init__.py`` calls it first.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numba

COMPILED_PACKAGES = (
    "atmosphere",
    "contract",
    "guidance",
    "planets",
    "propagate",
    "sequence",
    "vehicle",
)
"""The subpackages that hold jitted code and the constants compiled into it.

Only their sources key the cache, so editing plots, imaging or the CLI does not
recompile the kernel. Jitted code, and constants it reads, belong in these.
"""


def source_digest(package_dir: Path) -> str:
    """Hex digest of the compiled packages' Python sources below ``package_dir``."""
    h = hashlib.sha256()
    files = [package_dir / "_jit_cache.py", package_dir / "_jit_options.py"]
    for name in COMPILED_PACKAGES:
        files.extend(sorted((package_dir / name).rglob("*.py")))
    for path in files:
        h.update(str(path.relative_to(package_dir)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/skycrane`` (``~/.cache/skycrane`` by default)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "skycrane"


SOURCE_DIGEST = source_digest(Path(__file__).resolve().parent)
"""Digest of this installation's source: keys every on-disk cache of derived data."""


def configure() -> Path:
    """Set ``numba.config.CACHE_DIR`` for this process and return it."""
    user_dir = os.environ.get("NUMBA_CACHE_DIR")
    if user_dir:
        cache_dir = Path(user_dir) / f"skycrane-{SOURCE_DIGEST}"
    else:
        cache_dir = cache_root() / f"numba-{SOURCE_DIGEST}"
    numba.config.CACHE_DIR = str(cache_dir)
    _prune(cache_dir)
    return cache_dir


def _prune(current: Path, keep: int = 3) -> None:
    """Remove all but the ``keep`` most recently used caches of other source versions."""
    try:
        others = [p for p in current.parent.glob("numba-*") if p != current and p.is_dir()]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[keep:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # a cache we cannot tidy is not worth failing over
