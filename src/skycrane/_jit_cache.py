"""Cache skycrane's compiled functions in a directory keyed by a hash of skycrane's source.

Numba's ``cache=True`` checks only the decorated function's own file: after a
change to a function it *calls* (in another module) it silently reuses stale
machine code. Keying the cache directory by a digest of the sources of every
package holding compiled code makes any change to them (an edit, an upgrade)
start from a fresh cache, while unchanged installs keep their warm start.

The directory is ``$NUMBA_CACHE_DIR/skycrane-<digest>`` when the user set
``NUMBA_CACHE_DIR``, else ``$XDG_CACHE_HOME/skycrane/numba-<digest>``
(``~/.cache`` by default). Of the other versions' directories beside it, the
three most recently used are kept and older ones removed.

What importing skycrane changes in numba
----------------------------------------
Only where skycrane's own functions are cached. :func:`configure` puts a cache
locator, :class:`PackageCacheLocator`, at the head of numba's list of locators;
it claims a function only when its source file lies inside skycrane's package
directory, and declines every other, which numba then places by its own rules
as if skycrane were not imported: a user's ``@njit(cache=True)`` function goes
to ``NUMBA_CACHE_DIR`` or its module's ``__pycache__`` as before.
``numba.config`` is not modified.

The locator list is a numba internal (``numba.core.caching``: ``CacheImpl``,
``_CacheImpl`` before numba 0.6x, and its ``_locator_classes``). A user who sets
``NUMBA_CACHE_LOCATOR_CLASSES`` replaces that list; skycrane's functions are
then cached where the user's locators say, without the digest key, so a
change to a called function may again reuse stale code.

:func:`configure` must run before any skycrane module defines a jitted function
(numba picks a function's locator when it is decorated), which is why
``skycrane/__init__.py`` calls it first.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import ClassVar

from numba.core import caching

PACKAGE_DIR = Path(__file__).resolve().parent
"""skycrane's package directory: the functions defined below it are skycrane's."""

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

Only their sources (and the top-level modules in :data:`COMPILED_MODULES`) key
the cache, so editing plots, imaging or the CLI does not recompile the kernel.
Jitted code, and constants it reads, belong in these.
"""

COMPILED_MODULES = ("_jit_cache.py", "_jit_options.py", "constants.py")
"""Top-level modules read by compiled code: the cache options and the constants."""


def source_digest(package_dir: Path) -> str:
    """Hex digest of the compiled packages' Python sources below ``package_dir``."""
    h = hashlib.sha256()
    files = [package_dir / name for name in COMPILED_MODULES]
    for name in COMPILED_PACKAGES:
        files.extend(sorted((package_dir / name).rglob("*.py")))
    for path in files:
        h.update(str(path.relative_to(package_dir)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/skycrane`` (``~/.cache/skycrane`` by default)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "skycrane"


SOURCE_DIGEST = source_digest(PACKAGE_DIR)
"""Digest of this installation's source: keys every on-disk cache of derived data."""


def cache_directory() -> Path:
    """The directory of skycrane's compiled functions, by the rules above."""
    user_dir = os.environ.get("NUMBA_CACHE_DIR")
    if user_dir:
        return Path(user_dir) / f"skycrane-{SOURCE_DIGEST}"
    return cache_root() / f"numba-{SOURCE_DIGEST}"


class PackageCacheLocator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
    """Numba cache locator for functions whose source file is inside skycrane.

    A function of ``<package>/<sub>/<module>.py`` is cached in
    ``<cache_dir>/<sub>_<sha1 of its directory>``, the layout numba's own
    ``NUMBA_CACHE_DIR`` locator uses; source stamp and disambiguator are numba's
    (:class:`numba.core.caching._SourceFileBackedLocatorMixin`). When the
    directory cannot be created or written, the locator declines and numba's
    next locator takes the function, as numba does for ``NUMBA_CACHE_DIR``.
    """

    cache_dir: ClassVar[Path | None] = None
    """Set by :func:`configure`; ``None`` claims nothing."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = str(self.cache_dir / self.get_suitable_cache_subpath(py_file))

    def get_cache_path(self):
        return self._cache_path

    @classmethod
    def from_function(cls, py_func, py_file):
        if cls.cache_dir is None or not _inside_package(py_file):
            return None
        return super().from_function(py_func, py_file)


def _inside_package(py_file: str) -> bool:
    return Path(os.path.realpath(py_file)).is_relative_to(PACKAGE_DIR)


def _locator_classes() -> list:
    """numba's list of cache locators, consulted in order (shared by its cache kinds)."""
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
    return impl._locator_classes


def configure() -> Path:
    """Cache skycrane's functions in :func:`cache_directory` from now on; return it.

    Idempotent. Registers :class:`PackageCacheLocator` first in numba's locator
    list and prunes other versions' directories; nothing else in numba changes.
    """
    cache_dir = cache_directory()
    PackageCacheLocator.cache_dir = cache_dir
    locators = _locator_classes()
    # A reloaded copy of this module leaves its class behind: keep one, ours.
    locators[:] = [
        c for c in locators if (c.__module__, c.__qualname__) != (__name__, "PackageCacheLocator")
    ]
    locators.insert(0, PackageCacheLocator)
    _prune(cache_dir)
    return cache_dir


def _prune(current: Path, keep: int = 3) -> None:
    """Remove all but the ``keep`` most recently used caches of other source versions.

    Only directories named like ``current`` (``numba-*`` or ``skycrane-*``) are
    considered: a ``NUMBA_CACHE_DIR`` holds other programs' caches too.
    """
    prefix = current.name.rsplit("-", 1)[0]
    try:
        others = [p for p in current.parent.glob(f"{prefix}-*") if p != current and p.is_dir()]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[keep:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # a cache we cannot tidy is not worth failing over
