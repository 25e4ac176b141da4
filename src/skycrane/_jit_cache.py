"""Point numba's on-disk cache at a directory keyed by a hash of skycrane's source.

Numba's ``cache=True`` checks only the decorated function's own file: after a
change to a function it *calls* (in another module) it silently reuses stale
machine code. Keying the cache directory by a digest of every ``.py`` file of
the package makes any source change (an edit, an upgrade) start from a fresh
cache, while unchanged installs keep their warm start.

The directory is ``$NUMBA_CACHE_DIR/skycrane-<digest>`` when the user set
``NUMBA_CACHE_DIR``, else ``$XDG_CACHE_HOME/skycrane/numba-<digest>``
(``~/.cache`` by default). This must run before any skycrane module defines a
jitted function, which is why ``skycrane/__init__.py`` calls it first.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba


def source_digest(package_dir: Path) -> str:
    """Hex digest of every Python source file below ``package_dir`` (paths and bytes)."""
    h = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        h.update(str(path.relative_to(package_dir)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def configure() -> Path:
    """Set ``numba.config.CACHE_DIR`` for this process and return it."""
    digest = source_digest(Path(__file__).resolve().parent)
    user_dir = os.environ.get("NUMBA_CACHE_DIR")
    if user_dir:
        cache_dir = Path(user_dir) / f"skycrane-{digest}"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        cache_dir = base / "skycrane" / f"numba-{digest}"
    numba.config.CACHE_DIR = str(cache_dir)
    return cache_dir
